package registry

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/region"
)

// Who a person is changes only with two people (see docs/identity.md): a
// user's change of a person's name or resident ID number (and so of the
// birth date and the sex read from it) is an identity change request,
// pending until a second user with the approval permission confirms it,
// which applies it, or rejects it. A system process (the initial
// registration, gen, demo, imports) still sets identity directly. Ethnicity,
// hukou and where a person lives are facts about the person, not who they
// are: they are changed at once, and audited.

// IdentityChangeID is an identity change request's surrogate key.
type IdentityChangeID int64

// DefaultIdentityChangeWindow is the default of
// Service.IdentityChangeWindow.
const DefaultIdentityChangeWindow = 90 * 24 * time.Hour

// IdentityChange is a request to change who a person is: the name and ID
// number before and after, with the reason and its evidence.
type IdentityChange struct {
	ID          IdentityChangeID `json:"id"`
	PersonID    PersonID         `json:"person_id"`
	RegionCode  region.Code      `json:"region_code"`
	OldName     string           `json:"old_name"`
	OldIDNumber ids.ResidentID   `json:"old_id_number"`
	NewName     string           `json:"new_name"`
	NewIDNumber ids.ResidentID   `json:"new_id_number"`
	// Reason is why the identity changes and the evidence seen (e.g. the
	// page of the hukou booklet that records the new name).
	Reason string         `json:"reason"`
	Status ApprovalStatus `json:"status"`
	Approval
	Version int64 `json:"version"`
}

// Fields returns the identity fields the request changes.
func (c *IdentityChange) Fields() []string {
	var out []string
	if c.NewIDNumber != c.OldIDNumber {
		out = append(out, "id_number")
	}
	if c.NewName != c.OldName {
		out = append(out, "name")
	}
	return out
}

// identityChanged reports whether cur differs from old in who the person
// is.
func identityChanged(old, cur *Person) bool {
	return old.Name != cur.Name || old.IDNumber != cur.IDNumber
}

// PatchPerson applies a user's change to person id: a change of identity
// (name, ID number) becomes a pending identity change request, returned
// with a nil person; any other change is stored at once (UpdatePerson) and
// the person returned. A change of identity is sent alone, with its
// reason: mixed with other fields it is refused, naming them.
func (s *Service) PatchPerson(ctx context.Context, id PersonID, version int64, reason string, apply func(*Person)) (*Person, *IdentityChange, error) {
	old, err := s.store.Person(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	p, err := auth.RequireFound(ctx, auth.PermRegistryWrite, old.RegionCode, "person", id)
	if err != nil {
		return nil, nil, err
	}
	cur := old.clone()
	apply(cur)
	cur.keep(old, version)
	if cur.IDNumber != old.IDNumber {
		if n, err := ids.ParseResidentID(string(cur.IDNumber), s.Today()); err == nil {
			cur.IDNumber = n
		}
	}
	cur.Name = strings.TrimSpace(cur.Name)
	if !identityChanged(old, cur) || p.System() {
		if strings.TrimSpace(reason) != "" {
			return nil, nil, &fault.Error{Code: fault.Invalid, Message: "invalid person",
				Fields: map[string]string{"reason": "is the reason of a change of name or ID number, and there is none"}}
		}
		out, err := s.UpdatePerson(ctx, id, version, apply)
		return out, nil, err
	}
	fields, err := changedFields(old, cur, "version", "updated_at", "id_number", "name")
	if err != nil {
		return nil, nil, err
	}
	if len(fields) > 0 {
		pr := fault.Problems{}
		for _, f := range fields {
			pr.Add(f, "a change of name or ID number waits for a second user's approval: send it alone, and change %s in a PATCH of its own", f)
		}
		return nil, nil, pr.Err("invalid person")
	}
	c := &IdentityChange{PersonID: id, RegionCode: old.RegionCode, OldName: old.Name, OldIDNumber: old.IDNumber,
		NewName: cur.Name, NewIDNumber: cur.IDNumber, Reason: strings.TrimSpace(reason)}
	if err := s.requestIdentityChange(ctx, p, old, version, c); err != nil {
		return nil, nil, err
	}
	return nil, c, nil
}

// requestIdentityChange checks and records c, a change of old's identity
// requested by p.
func (s *Service) requestIdentityChange(ctx context.Context, p auth.Principal, old *Person, version int64, c *IdentityChange) error {
	var pr fault.Problems
	if _, err := ids.ParseResidentID(string(c.NewIDNumber), s.Today()); err != nil {
		pr.Add("id_number", "%s", idProblem(err))
	}
	checkName(&pr, "name", c.NewName)
	switch n := utf8.RuneCountInString(c.Reason); {
	case n == 0:
		pr.Add("reason", "give the reason of the change of name or ID number and the evidence seen (e.g. the page of the hukou booklet)")
	case n > 500:
		pr.Add("reason", "is longer than 500 characters")
	}
	if err := pr.Err("invalid identity change"); err != nil {
		return err
	}
	if version != old.Version {
		return staleVersion("person", version, old.Version)
	}
	if !old.Alive() {
		return fault.Errorf(fault.Conflict, "person %d is dead (%s): the identity of the dead is not changed", old.ID, old.DeathDate)
	}
	if c.NewIDNumber != old.IDNumber {
		// A new ID number registered already is refused as a search by it
		// (audited, limited, silent about a person outside the scope).
		if err := s.checkRegistration(ctx, c.NewIDNumber, old.RegionCode, old.ID); err != nil {
			return err
		}
	}
	c.ID, c.Version = 0, 0
	c.Status = StatusPending
	c.Approval = Approval{RequestedBy: p.UserID, RequestedName: p.Username, RequestedAt: s.clock.Now().UTC()}
	return s.store.CreateIdentityChange(ctx, c)
}

// IdentityChange returns an identity change request in the caller's scope.
func (s *Service) IdentityChange(ctx context.Context, id IdentityChangeID) (*IdentityChange, error) {
	if _, err := auth.Require(ctx, auth.PermRegistryRead); err != nil {
		return nil, err
	}
	c, err := s.store.IdentityChange(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryRead, c.RegionCode, "identity change", id); err != nil {
		return nil, err
	}
	return c, nil
}

// IdentityChangesByStatus lists the identity change requests of a status
// (pending: those waiting for an approver) in the region subtree of the
// caller's scope, by key.
func (s *Service) IdentityChangesByStatus(ctx context.Context, status ApprovalStatus, code region.Code, after int64, limit int) ([]*IdentityChange, error) {
	code, err := statusScope(ctx, status, code)
	if err != nil {
		return nil, err
	}
	return s.store.IdentityChangesByStatus(ctx, status, code, after, clampLimit(limit))
}

// IdentityChanges lists the identity change requests of a person in the
// caller's scope, by key.
func (s *Service) IdentityChanges(ctx context.Context, person PersonID, after int64, limit int) ([]*IdentityChange, error) {
	if _, err := s.ownerRegion(ctx, OwnerPerson, int64(person), auth.PermRegistryRead); err != nil {
		return nil, err
	}
	return s.store.IdentityChanges(ctx, person, after, clampLimit(limit))
}

// DecideIdentityChange confirms or rejects a pending identity change
// (checker): the approval permission in the person's region, and a user
// other than who requested it. A confirmation applies the change to the
// person in the same transaction; a rejection, whose reason is in note,
// changes nothing of the person.
func (s *Service) DecideIdentityChange(ctx context.Context, id IdentityChangeID, approve bool, note string) (*IdentityChange, error) {
	c, err := s.store.IdentityChange(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.decide(ctx, "identity change", int64(id), c.RegionCode, &c.Status, &c.Approval, approve, note); err != nil {
		return nil, err
	}
	if err := s.store.DecideIdentityChange(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// identityWindow returns how long after a change of identity a new bank
// account of the person is flagged.
func (s *Service) identityWindow() time.Duration {
	if s.IdentityChangeWindow <= 0 {
		return DefaultIdentityChangeWindow
	}
	return s.IdentityChangeWindow
}

// recentIdentityChange returns the person's pending identity change, or
// else their latest confirmed one if it was decided within the window
// before at; nil if there is neither.
func (s *Service) recentIdentityChange(ctx context.Context, person PersonID, at time.Time) (*IdentityChange, error) {
	c, err := s.store.LatestIdentityChange(ctx, person)
	switch {
	case fault.CodeOf(err) == fault.NotFound:
		return nil, nil
	case err != nil:
		return nil, err
	case c.Status == StatusPending:
		return c, nil
	case !c.DecidedAt.After(at) && at.Sub(c.DecidedAt) <= s.identityWindow():
		return c, nil
	}
	return nil, nil
}

// checkAccountAfterIdentity refuses a bank account of a person requested
// by p while an identity change of theirs is pending, or within the window
// after one p requested: the same user cannot both rename a person and
// ask for an account in the new name.
func (s *Service) checkAccountAfterIdentity(ctx context.Context, p auth.Principal, person PersonID, now time.Time) error {
	c, err := s.recentIdentityChange(ctx, person, now)
	if err != nil || c == nil || p.System() {
		return err
	}
	if c.Status == StatusPending {
		return fault.Errorf(fault.Conflict, "person %d has identity change %d pending: a bank account is requested once it is decided", person, c.ID)
	}
	if c.RequestedBy == p.UserID {
		return fault.Errorf(fault.Conflict, "you requested identity change %d of person %d, confirmed on %s: another user requests a bank account in the new identity",
			c.ID, person, c.DecidedAt.In(s.clock.Zone()).Format(time.DateOnly))
	}
	return nil
}

// flagIdentity sets on each account of a person the identity change that
// an approver must see: one pending now, or one confirmed within the
// window before the account was requested.
func (s *Service) flagIdentity(ctx context.Context, bs ...*BankAccount) error {
	for _, b := range bs {
		if b.OwnerKind != OwnerPerson {
			continue
		}
		at := b.RequestedAt
		if at.IsZero() {
			at = s.clock.Now().UTC()
		}
		c, err := s.recentIdentityChange(ctx, PersonID(b.OwnerID), at)
		if err != nil {
			return err
		}
		if c == nil {
			continue
		}
		b.IdentityChangeID = c.ID
		if c.Status == StatusConfirmed {
			b.IdentityChangedAt = c.DecidedAt
		}
	}
	return nil
}

// checkAccountDecider refuses the confirmation of an account by the
// approver of the identity change it is flagged with: the checker of the
// rename is not the checker of the account in the new name.
func checkAccountDecider(p auth.Principal, b *BankAccount, c *IdentityChange) error {
	if c == nil {
		return nil
	}
	if c.Status == StatusPending {
		return fault.Errorf(fault.Conflict, "the owner of bank account %d has identity change %d pending: decide it first", b.ID, c.ID)
	}
	if err := auth.SecondUser(p, []int64{c.DecidedBy}, "you confirmed identity change %d of the owner of bank account %d: another approver confirms the account", c.ID, b.ID); err != nil {
		return err
	}
	return nil
}
