package httpapi

import (
	"net/http"
	"strconv"

	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// employmentResponse is a spell of employment.
type employmentResponse struct {
	ID       int64 `json:"id"`
	PersonID int64 `json:"person_id"`
	OrgID    int64 `json:"org_id"`
	// RegionCode is the employer's region.
	RegionCode string `json:"region_code"`
	Start      string `json:"start" format:"date"`
	End        string `json:"end,omitempty" format:"date"`
	Separation string `json:"separation,omitempty" enum:"voluntary,involuntary,retirement,death"`
	// MonthlyWage is the declared gross monthly wage in fen (¥1.00 = 100).
	MonthlyWage int64 `json:"monthly_wage"`
	Version     int64 `json:"version"`
}

func employmentOf(e *registry.Employment) employmentResponse {
	return employmentResponse{
		ID: int64(e.ID), PersonID: int64(e.PersonID), OrgID: int64(e.OrgID), RegionCode: string(e.RegionCode),
		Start: dateString(e.Start), End: dateString(e.End), Separation: string(e.Separation),
		MonthlyWage: int64(e.MonthlyWage), Version: e.Version,
	}
}

// employmentRequest is the body of POST /api/v1/employment.
type employmentRequest struct {
	PersonID    int64  `json:"person_id" required:"true" minimum:"1"`
	OrgID       int64  `json:"org_id" required:"true" minimum:"1"`
	Start       string `json:"start" required:"true" format:"date"`
	End         string `json:"end,omitempty" format:"date"`
	Separation  string `json:"separation,omitempty" enum:"voluntary,involuntary,retirement,death"`
	MonthlyWage int64  `json:"monthly_wage" minimum:"0" description:"gross monthly wage in fen"`
}

// employmentPatch is the body of PATCH /api/v1/employment/{id}, e.g. the end
// of a spell with its separation reason. "" clears end or separation.
type employmentPatch struct {
	Version     *int64  `json:"version" required:"true"`
	Start       *string `json:"start,omitempty" format:"date"`
	End         *string `json:"end,omitempty" format:"date"`
	Separation  *string `json:"separation,omitempty" enum:",voluntary,involuntary,retirement,death"`
	MonthlyWage *int64  `json:"monthly_wage,omitempty" minimum:"0"`
}

// Patch parses the dates of u, recording their problems in pr, and returns
// the function that applies the fields present in u to a spell.
func (u employmentPatch) Patch(pr *fault.Problems) func(*registry.Employment) {
	start, end := dateField(pr, "start", deref(u.Start)), dateField(pr, "end", deref(u.End))
	return func(e *registry.Employment) {
		if u.Start != nil {
			e.Start = start
		}
		if u.End != nil {
			e.End = end
		}
		if u.Separation != nil {
			e.Separation = registry.Separation(*u.Separation)
		}
		if u.MonthlyWage != nil {
			e.MonthlyWage = money.Fen(*u.MonthlyWage)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// employmentParams are the parameters of a spell's URL.
type employmentParams struct {
	ID registry.EmploymentID `path:"id" minimum:"1"`
}

// employmentListParams are the filters of GET /api/v1/employment.
type employmentListParams struct {
	Region   region.Code       `query:"region" description:"division code of the employer; default your whole scope"`
	PersonID registry.PersonID `query:"person_id"`
	OrgID    registry.OrgID    `query:"org_id"`
	ActiveOn period.Date       `query:"active_on" format:"date" description:"spells open on that day"`
	pageParams
}

func employmentKey(e *registry.Employment) int64 { return int64(e.ID) }

// handleListEmployment lists spells in the caller's scope.
func (s *server) handleListEmployment(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[employmentListParams](r)
	if err != nil {
		return err
	}
	f := registry.EmploymentFilter{Region: p.Region, PersonID: p.PersonID,
		OrgID: p.OrgID, ActiveOn: p.ActiveOn, Page: p.page()}
	es, err := s.reg.Employments(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(es, f.Limit, employmentKey, employmentOf))
	return nil
}

// handleCreateEmployment records a spell of employment.
func (s *server) handleCreateEmployment(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[employmentRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	e := &registry.Employment{PersonID: registry.PersonID(req.PersonID), OrgID: registry.OrgID(req.OrgID),
		Start: dateField(&pr, "start", req.Start), End: dateField(&pr, "end", req.End),
		Separation: registry.Separation(req.Separation), MonthlyWage: money.Fen(req.MonthlyWage)}
	lim := s.ceilings(&pr)
	lim.check("monthly_wage", req.MonthlyWage, "limits.monthly_wage")
	if err := lim.Err(); err != nil {
		return err
	}
	if err := pr.Err("invalid employment"); err != nil {
		return err
	}
	if err := s.reg.CreateEmployment(r.Context(), e); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/employment/"+strconv.FormatInt(int64(e.ID), 10))
	reply(w, r, http.StatusCreated, employmentOf(e))
	return nil
}

// handlePatchEmployment changes a spell if the version sent is current.
func (s *server) handlePatchEmployment(w http.ResponseWriter, r *http.Request) error {
	var apply func(*registry.Employment)
	p, _, version, err := versioned[employmentParams](r, "invalid employment", func(pr *fault.Problems, req *employmentPatch) error {
		apply = req.Patch(pr)
		lim := s.ceilings(pr)
		if req.MonthlyWage != nil {
			lim.check("monthly_wage", *req.MonthlyWage, "limits.monthly_wage")
		}
		return lim.Err()
	})
	if err != nil {
		return err
	}
	e, err := s.reg.UpdateEmployment(r.Context(), p.ID, version, apply)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, employmentOf(e))
	return nil
}
