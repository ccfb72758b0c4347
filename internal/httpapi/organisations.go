package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"safetynet/internal/ids"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// organisationResponse is an organisation (参保单位).
type organisationResponse struct {
	ID   int64  `json:"id"`
	USCC string `json:"uscc" example:"91652301MA7XXXXXXX"`
	// NeedsReview is set when the USCC was accepted with a bad checksum
	// and waits for a check against the tax or market register.
	NeedsReview  bool      `json:"needs_review"`
	USCCFlags    string    `json:"uscc_flags,omitempty"`
	Name         string    `json:"name"`
	IndustryCode string    `json:"industry_code" example:"C1711"`
	Size         string    `json:"size" enum:"micro,small,medium,large"`
	RegionCode   string    `json:"region_code"`
	Address      string    `json:"address,omitempty"`
	Status       string    `json:"status" enum:"active,closed" description:"closed once the employer is closed (单位注销): it is neither assessed nor enrols anyone"`
	ClosedOn     string    `json:"closed_on,omitempty" format:"date" description:"the closing date"`
	CloseReason  string    `json:"close_reason,omitempty" description:"why the employer was closed"`
	Version      int64     `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func organisationOf(o *registry.Organisation) organisationResponse {
	out := organisationResponse{
		ID: int64(o.ID), USCC: string(o.USCC), NeedsReview: o.NeedsReview(), Name: o.Name,
		IndustryCode: o.IndustryCode, Size: string(o.Size), RegionCode: string(o.RegionCode), Address: o.Address,
		Version: o.Version, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, Status: string(o.Status), CloseReason: o.CloseReason,
	}
	if !o.ClosedOn.IsZero() {
		out.ClosedOn = dateString(o.ClosedOn)
	}
	if o.USCCFlags != 0 {
		out.USCCFlags = o.USCCFlags.String()
	}
	return out
}

// organisationRequest is the body of POST /api/v1/organisations.
type organisationRequest struct {
	// USCC is the 18-character unified social credit code.
	USCC         string `json:"uscc" required:"true"`
	Name         string `json:"name" required:"true"`
	IndustryCode string `json:"industry_code" required:"true" example:"C1711" description:"GB/T 4754 class"`
	Size         string `json:"size" required:"true" enum:"micro,small,medium,large"`
	RegionCode   string `json:"region_code" required:"true"`
	Address      string `json:"address,omitempty"`
}

// organisationPatch is the body of PATCH /api/v1/organisations/{id}.
type organisationPatch struct {
	Version      *int64  `json:"version" required:"true"`
	USCC         *string `json:"uscc,omitempty"`
	Name         *string `json:"name,omitempty"`
	IndustryCode *string `json:"industry_code,omitempty"`
	Size         *string `json:"size,omitempty" enum:"micro,small,medium,large"`
	RegionCode   *string `json:"region_code,omitempty"`
	Address      *string `json:"address,omitempty"`
}

// Patch applies the fields present in u to o.
func (u organisationPatch) Patch(o *registry.Organisation) {
	if u.USCC != nil {
		o.USCC = ids.USCC(*u.USCC)
	}
	if u.Name != nil {
		o.Name = *u.Name
	}
	if u.IndustryCode != nil {
		o.IndustryCode = *u.IndustryCode
	}
	if u.Size != nil {
		o.Size = registry.OrgSize(*u.Size)
	}
	if u.RegionCode != nil {
		o.RegionCode = region.Code(*u.RegionCode)
	}
	if u.Address != nil {
		o.Address = *u.Address
	}
}

// organisationParams are the parameters of an organisation's URL.
type organisationParams struct {
	ID registry.OrgID `path:"id" minimum:"1"`
}

// organisationPageParams name an organisation and a page of its records.
type organisationPageParams struct {
	organisationParams
	pageParams
}

// organisationListParams are the filters of GET /api/v1/organisations.
type organisationListParams struct {
	Region region.Code `query:"region" description:"division code; default your whole scope"`
	USCC   string      `query:"uscc" description:"exact unified social credit code"`
	Name   string      `query:"name" description:"names starting with this text"`
	pageParams
}

func organisationKey(o *registry.Organisation) int64 { return int64(o.ID) }

// handleListOrganisations lists organisations in the caller's scope.
func (s *server) handleListOrganisations(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[organisationListParams](r)
	if err != nil {
		return err
	}
	f := registry.OrgFilter{Region: p.Region, USCC: p.USCC, Name: p.Name, Page: p.page()}
	os, err := s.reg.Organisations(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(os, f.Limit, organisationKey, organisationOf))
	return nil
}

// handleCreateOrganisation registers an organisation.
func (s *server) handleCreateOrganisation(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[organisationRequest](r)
	if err != nil {
		return err
	}
	o := &registry.Organisation{USCC: ids.USCC(req.USCC), Name: req.Name, IndustryCode: req.IndustryCode,
		Size: registry.OrgSize(req.Size), RegionCode: region.Code(req.RegionCode), Address: req.Address}
	if err := s.reg.CreateOrganisation(r.Context(), o); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/organisations/"+strconv.FormatInt(int64(o.ID), 10))
	reply(w, r, http.StatusCreated, organisationOf(o))
	return nil
}

// handlePatchOrganisation changes an organisation if the version sent is
// current.
func (s *server) handlePatchOrganisation(w http.ResponseWriter, r *http.Request) error {
	p, req, version, err := versioned[organisationParams, organisationPatch](r, "invalid organisation", nil)
	if err != nil {
		return err
	}
	o, err := s.reg.UpdateOrganisation(r.Context(), p.ID, version, req.Patch)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, organisationOf(o))
	return nil
}
