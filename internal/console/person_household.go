package console

import (
	"net/http"
	"strconv"
	"strings"

	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

// householdFile is the data of a household's page.
type householdFile struct {
	ID             registry.HouseholdID
	Region         string
	HukouType      string
	Address        string
	Members        []fileMember
	Tests          []*assistance.MeansTest
	Classification []fileLayer
	Latest         *fileLayer
	Cases          []householdCase
	Awards         []fileAward
}

// householdCase is an assistance case with its programme's name.
type householdCase struct {
	*assistance.Case
	Programme string
}

// householdMonths is how many months of classification a household's page
// shows, the latest first.
const householdMonths = 6

// handleHouseholdFile shows a household: its members, means tests, its
// classification month by month with the reasons of the latest, its cases
// and its awards.
func (c *Console) handleHouseholdFile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	h, err := c.app.Registry.Household(ctx, registry.HouseholdID(id))
	if err != nil {
		return err
	}
	p := c.newPage(r, "person_household")
	v := c.viewOf(r)
	f := householdFile{ID: h.ID, Region: c.regionPath(p.Lang, h.RegionCode), HukouType: p.T("person.hukou." + string(h.HukouType)), Address: h.Address}
	if f.Members, err = c.householdMembers(ctx, v, h); err != nil {
		return err
	}
	if f.Tests, err = c.app.Assistance.MeansTests(ctx, assistance.TestFilter{HouseholdID: h.ID, Page: registry.Page{Limit: personFileRows}}); err != nil {
		return err
	}
	if f.Latest, err = c.latestLayer(r, p.Lang, h.ID); err != nil {
		return err
	}
	m := c.app.Clock.Today().Period()
	for i := 0; i < householdMonths && f.Latest != nil; i++ {
		cl, err := c.app.Assistance.Classification(ctx, h.ID, m.Add(-i))
		if fault.CodeOf(err) == fault.NotFound {
			break // no means test as early as that month
		}
		if err != nil {
			return err
		}
		f.Classification = append(f.Classification, fileLayer{Period: m.Add(-i), Layer: cl.Layer,
			PerCapitaIncome: cl.PerCapitaIncome, DibaoAmount: cl.DibaoAmount})
	}
	cs, err := c.app.Assistance.Cases(ctx, assistance.CaseFilter{HouseholdID: h.ID, Page: registry.Page{Limit: personFileRows}})
	if err != nil {
		return err
	}
	for _, x := range cs {
		f.Cases = append(f.Cases, householdCase{Case: x, Programme: c.programmeName(p.Lang, x.Programme)})
	}
	if f.Awards, err = c.personAwards(ctx, p.Lang, assistance.AwardFilter{HouseholdID: h.ID}); err != nil {
		return err
	}
	p.Title, p.Active, p.Data = p.T("household.title"), "persons", f
	c.render(w, r, http.StatusOK, p)
	return nil
}

// identityChangesPage is the data of the page of identity changes.
type identityChangesPage struct {
	Status   registry.ApprovalStatus
	Statuses []registry.ApprovalStatus
	Rows     []identityChangeRow
	Next     int64
	// CanDecide says the viewer may confirm or reject.
	CanDecide bool
	// Problems are a refused decision's, by change.
	Problems map[registry.IdentityChangeID]string
}

// identityChangeRow is one identity change as the viewer may see it.
type identityChangeRow struct {
	ID            registry.IdentityChangeID
	PersonID      registry.PersonID
	Name          string
	OldName       string
	NewName       string
	OldIDNumber   string
	NewIDNumber   string
	Reason        string
	RequestedName staffRef
	RequestedAt   period.Date
	DecidedName   staffRef
	Note          string
	Status        registry.ApprovalStatus
}

// identityChangesPerPage is how many changes one page lists.
const identityChangesPerPage = 50

// handleIdentityChanges lists the identity changes of a status (pending:
// waiting for a second user) in the viewer's scope, the numbers through
// the viewer's view; an approver confirms or rejects each.
func (c *Console) handleIdentityChanges(w http.ResponseWriter, r *http.Request) error {
	return c.renderIdentityChanges(w, r, http.StatusOK, nil)
}

// renderIdentityChanges renders the page of identity changes, with a
// refused decision's problems beside its row.
func (c *Console) renderIdentityChanges(w http.ResponseWriter, r *http.Request, status int, problems map[registry.IdentityChangeID]string) error {
	q := r.URL.Query()
	st := registry.ApprovalStatus(q.Get("status"))
	switch st {
	case "":
		st = registry.StatusPending
	case registry.StatusPending, registry.StatusConfirmed, registry.StatusRejected:
	default:
		return fault.Errorf(fault.Invalid, "status must be pending, confirmed or rejected")
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	cs, err := c.app.Registry.IdentityChangesByStatus(r.Context(), st, "", after, identityChangesPerPage+1)
	if err != nil {
		return err
	}
	p := c.newPage(r, "person_identity")
	v, staff := c.viewOf(r), c.staff(r.Context(), p.Lang)
	data := identityChangesPage{Status: st, CanDecide: p.User.Can(auth.PermApprove) && st == registry.StatusPending,
		Statuses: []registry.ApprovalStatus{registry.StatusPending, registry.StatusConfirmed, registry.StatusRejected}, Problems: problems}
	if len(cs) > identityChangesPerPage {
		cs = cs[:identityChangesPerPage]
		data.Next = int64(cs[len(cs)-1].ID)
	}
	for _, x := range cs {
		data.Rows = append(data.Rows, c.identityRow(v, staff, x))
	}
	p.Title, p.Active, p.Data = p.T("idchange.title"), "persons", data
	c.render(w, r, status, p)
	return nil
}

// identityRow shows an identity change through v: the name and number
// before and after, where they change.
func (c *Console) identityRow(v view, staff *staffBook, x *registry.IdentityChange) identityChangeRow {
	row := identityChangeRow{ID: x.ID, PersonID: x.PersonID, Name: x.OldName, Reason: x.Reason,
		RequestedName: staff.id(x.RequestedBy), Note: x.DecisionNote, Status: x.Status}
	if x.DecidedBy != 0 {
		row.DecidedName = staff.id(x.DecidedBy)
	}
	if !x.RequestedAt.IsZero() {
		row.RequestedAt = period.DateOf(x.RequestedAt.In(c.app.Juris.Zone))
	}
	if x.NewName != x.OldName {
		row.OldName, row.NewName = x.OldName, x.NewName
	}
	if x.NewIDNumber != x.OldIDNumber {
		row.OldIDNumber, row.NewIDNumber = v.IDNumber(x.OldIDNumber), v.IDNumber(x.NewIDNumber)
	}
	return row
}

// handleDecideIdentityChange confirms or rejects an identity change: the
// registry service checks the approval permission, the scope and that the
// decider is not who requested it. A refusal it explains shows beside the
// change.
func (c *Console) handleDecideIdentityChange(w http.ResponseWriter, r *http.Request) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	outcome, note := r.PostFormValue("outcome"), strings.TrimSpace(r.PostFormValue("note"))
	var approve bool
	switch outcome {
	case "approve":
		approve = true
	case "reject":
	default:
		return fault.Errorf(fault.Invalid, "outcome must be approve or reject")
	}
	_, err = c.app.Registry.DecideIdentityChange(r.Context(), registry.IdentityChangeID(id), approve, note)
	if err == nil {
		http.Redirect(w, r, "/persons/identity-changes?status=pending", http.StatusSeeOther)
		return nil
	}
	switch fault.CodeOf(err) {
	case fault.Invalid, fault.Forbidden, fault.Conflict:
		status, msg := decisionProblem(langOf(r), err)
		return c.renderIdentityChanges(w, r, status, map[registry.IdentityChangeID]string{registry.IdentityChangeID(id): msg})
	}
	return err
}

// decisionProblem is the status and the words of a maker-checker decision
// the registry refused: the service's own in English, the console's in
// Chinese.
func decisionProblem(l Lang, err error) (int, string) {
	code := fault.CodeOf(err)
	status := map[fault.Code]int{fault.Invalid: http.StatusUnprocessableEntity, fault.Forbidden: http.StatusForbidden,
		fault.Conflict: http.StatusConflict}[code]
	if l == EN {
		msg := faultMessage(err)
		for _, f := range faultFields(err) {
			msg += ": " + f
		}
		return status, msg
	}
	return status, translate(l, "decision.problem."+string(code))
}
