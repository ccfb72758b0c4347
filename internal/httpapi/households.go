package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// memberJSON is a person's place in a household, in requests and
// responses.
type memberJSON struct {
	PersonID int64  `json:"person_id" required:"true" minimum:"1"`
	Relation string `json:"relation" required:"true" enum:"head,spouse,child,parent,grandchild,grandparent,sibling,child_in_law,other"`
}

// householdResponse is a household with its members.
type householdResponse struct {
	ID         int64        `json:"id"`
	RegionCode string       `json:"region_code"`
	HukouType  string       `json:"hukou_type" enum:"urban,rural"`
	Address    string       `json:"address,omitempty"`
	HeadID     int64        `json:"head_id,omitempty" description:"person_id of the head"`
	Members    []memberJSON `json:"members"`
	Version    int64        `json:"version"`
	CreatedAt  time.Time    `json:"created_at"`
	UpdatedAt  time.Time    `json:"updated_at"`
}

func householdOf(h *registry.Household) householdResponse {
	out := householdResponse{
		ID: int64(h.ID), RegionCode: string(h.RegionCode), HukouType: string(h.HukouType), Address: h.Address,
		HeadID: int64(h.Head()), Members: make([]memberJSON, len(h.Members)), Version: h.Version,
		CreatedAt: h.CreatedAt, UpdatedAt: h.UpdatedAt,
	}
	for i, m := range h.Members {
		out.Members[i] = memberJSON{PersonID: int64(m.PersonID), Relation: string(m.Relation)}
	}
	return out
}

func membersOf(ms []memberJSON) []registry.Member {
	out := make([]registry.Member, len(ms))
	for i, m := range ms {
		out[i] = registry.Member{PersonID: registry.PersonID(m.PersonID), Relation: registry.Relation(m.Relation)}
	}
	return out
}

// householdRequest is the body of POST /api/v1/households.
type householdRequest struct {
	RegionCode string `json:"region_code" required:"true" example:"652301001001"`
	HukouType  string `json:"hukou_type" required:"true" enum:"urban,rural"`
	Address    string `json:"address,omitempty"`
	// Members lists every member, exactly one of them the head.
	Members []memberJSON `json:"members" required:"true" minItems:"1"`
}

// householdPatch is the body of PATCH /api/v1/households/{id}. Members,
// when present, replace the household's members.
type householdPatch struct {
	Version    *int64        `json:"version" required:"true"`
	RegionCode *string       `json:"region_code,omitempty"`
	HukouType  *string       `json:"hukou_type,omitempty" enum:"urban,rural"`
	Address    *string       `json:"address,omitempty"`
	Members    *[]memberJSON `json:"members,omitempty"`
}

// Patch applies the fields present in u to h.
func (u householdPatch) Patch(h *registry.Household) {
	if u.RegionCode != nil {
		h.RegionCode = region.Code(*u.RegionCode)
	}
	if u.HukouType != nil {
		h.HukouType = registry.HukouType(*u.HukouType)
	}
	if u.Address != nil {
		h.Address = *u.Address
	}
	if u.Members != nil {
		h.Members = membersOf(*u.Members)
	}
}

// householdParams are the parameters of a household's URL.
type householdParams struct {
	ID registry.HouseholdID `path:"id" minimum:"1"`
}

// householdListParams are the filters of GET /api/v1/households.
type householdListParams struct {
	Region   region.Code       `query:"region" description:"division code; default your whole scope"`
	PersonID registry.PersonID `query:"person_id" description:"the household this person belongs to"`
	pageParams
}

func householdKey(h *registry.Household) int64 { return int64(h.ID) }

// handleListHouseholds lists households in the caller's scope.
func (s *server) handleListHouseholds(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[householdListParams](r)
	if err != nil {
		return err
	}
	f := registry.HouseholdFilter{Region: p.Region, PersonID: p.PersonID, Page: p.page()}
	hs, err := s.reg.Households(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(hs, f.Limit, householdKey, householdOf))
	return nil
}

// handleCreateHousehold registers a household with its members.
func (s *server) handleCreateHousehold(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[householdRequest](r)
	if err != nil {
		return err
	}
	h := &registry.Household{RegionCode: region.Code(req.RegionCode), HukouType: registry.HukouType(req.HukouType),
		Address: req.Address, Members: membersOf(req.Members)}
	if err := s.reg.CreateHousehold(r.Context(), h); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/households/"+strconv.FormatInt(int64(h.ID), 10))
	reply(w, r, http.StatusCreated, householdOf(h))
	return nil
}

// handlePatchHousehold changes a household if the version sent is current.
func (s *server) handlePatchHousehold(w http.ResponseWriter, r *http.Request) error {
	p, req, version, err := versioned[householdParams, householdPatch](r, "invalid household", nil)
	if err != nil {
		return err
	}
	h, err := s.reg.UpdateHousehold(r.Context(), p.ID, version, req.Patch)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, householdOf(h))
	return nil
}
