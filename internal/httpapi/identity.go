package httpapi

import (
	"net/http"
	"strconv"

	"safetynet/internal/registry"
)

// identityRoutes are the routes of the maker-checker changes of who a
// person is: the identity change requests a PATCH of a person's name or ID
// number makes, for an approver to confirm (which applies them) or reject.
func (s *server) identityRoutes() []route {
	type identityList = listResponse[identityChangeResponse]
	return []route{
		{method: "GET", path: "/api/v1/identity-changes", op: "listIdentityChanges", handler: s.handleIdentityChangesByStatus, tag: "persons",
			summary: "List identity change requests (name, ID number) by status in your scope: by default the pending ones, for an approver to confirm or reject",
			params:  approvalListParams{}, status: http.StatusOK, resp: identityList{}},
		{method: "GET", path: "/api/v1/identity-changes/{id}", op: "getIdentityChange", handler: s.handleGetIdentityChange, tag: "persons",
			summary: "Read an identity change request with its old and new values, who requested and who decided it",
			params:  idParams{}, status: http.StatusOK, resp: identityChangeResponse{}},
		{method: "GET", path: "/api/v1/persons/{id}/identity-changes", op: "listPersonIdentityChanges", handler: s.handlePersonIdentityChanges, tag: "persons",
			summary: "List a person's identity change requests (name, ID number), pending and decided", params: personPageParams{}, status: http.StatusOK, resp: identityList{}},
		{method: "POST", path: "/api/v1/identity-changes/{id}/decision", op: "decideIdentityChange", handler: s.handleDecideIdentityChange, tag: "persons",
			summary: "Confirm (which applies it to the person) or reject (note required) a pending identity change (checker): an approver who did not request it",
			params:  idParams{}, body: decisionRequest{}, status: http.StatusOK, resp: identityChangeResponse{}},
	}
}

// identityChangeResponse is an identity change request; the ID numbers
// are masked, and the birth dates left out, unless the role may see
// personal data.
type identityChangeResponse struct {
	ID          int64  `json:"id"`
	PersonID    int64  `json:"person_id"`
	RegionCode  string `json:"region_code"`
	OldName     string `json:"old_name"`
	OldIDNumber string `json:"old_id_number" example:"652301********0015"`
	NewName     string `json:"new_name"`
	NewIDNumber string `json:"new_id_number" example:"652301********0015"`
	// NewGender and NewBirthDate are read from the new ID number; the
	// birth date is shown only to roles that may see personal data.
	NewGender    string `json:"new_gender" enum:"M,F"`
	NewBirthDate string `json:"new_birth_date,omitempty" format:"date"`
	// Fields names the identity fields the request changes.
	Fields []string `json:"fields"`
	Reason string   `json:"reason" description:"why the identity changes, and the evidence seen"`
	Status string   `json:"status" enum:"pending,confirmed,rejected" description:"a confirmed change is applied to the person"`
	approvalResponse
	Version int64 `json:"version"`
}

// redact leaves out the birth date, which would rebuild the masked ID
// number.
func (c *identityChangeResponse) redact() { c.NewBirthDate = "" }

func (v view) identityChange(c *registry.IdentityChange) identityChangeResponse {
	fields := c.Fields()
	if fields == nil {
		fields = []string{}
	}
	return identityChangeResponse{ID: int64(c.ID), PersonID: int64(c.PersonID), RegionCode: string(c.RegionCode),
		OldName: c.OldName, OldIDNumber: v.idNumber(c.OldIDNumber), NewName: c.NewName, NewIDNumber: v.idNumber(c.NewIDNumber),
		NewGender: c.NewIDNumber.Gender().String(), NewBirthDate: v.birthDate(c.NewIDNumber.BirthDate()), Fields: fields,
		Reason: c.Reason, Status: string(c.Status), approvalResponse: approvalOf(c.Approval), Version: c.Version}
}

func (s *server) handleIdentityChangesByStatus(w http.ResponseWriter, r *http.Request) error {
	return listByStatus(w, r, s.reg.IdentityChangesByStatus, func(c *registry.IdentityChange) int64 { return int64(c.ID) }, s.viewOf(r.Context()).identityChange)
}

func (s *server) handlePersonIdentityChanges(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[personPageParams](r)
	if err != nil {
		return err
	}
	page := p.page()
	cs, err := s.reg.IdentityChanges(r.Context(), registry.PersonID(p.ID), page.After, page.Limit)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(cs, page.Limit, func(c *registry.IdentityChange) int64 { return int64(c.ID) }, s.viewOf(r.Context()).identityChange))
	return nil
}

func (s *server) handleGetIdentityChange(w http.ResponseWriter, r *http.Request) error {
	return getByID(s.reg.IdentityChange, s.viewOf(r.Context()).identityChange)(w, r)
}

func (s *server) handleDecideIdentityChange(w http.ResponseWriter, r *http.Request) error {
	return decide(s.reg.DecideIdentityChange, s.viewOf(r.Context()).identityChange)(w, r)
}

// replyIdentityChange answers a PATCH of a person's identity: 202 with the
// pending request, which a second user decides.
func (s *server) replyIdentityChange(w http.ResponseWriter, r *http.Request, c *registry.IdentityChange) error {
	w.Header().Set("Location", "/api/v1/identity-changes/"+strconv.FormatInt(int64(c.ID), 10))
	reply(w, r, http.StatusAccepted, s.viewOf(r.Context()).identityChange(c))
	return nil
}
