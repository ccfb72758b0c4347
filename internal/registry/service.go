package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// Change names an update for the audit trail: the action and the fields it
// touched.
type Change struct {
	Action string
	Fields []string
}

// Store persists the registry. Every method that changes state writes its
// audit event (actor from the context) in the same transaction. Lookups
// return a fault.NotFound error when there is no such record; updates
// return fault.Conflict when the record's Version is not the stored one.
type Store interface {
	// Region returns a node of the region tree; NotFound if unknown.
	Region(ctx context.Context, code region.Code) (region.Node, error)
	// Regions returns the children of parent, by code.
	Regions(ctx context.Context, parent region.Code) ([]region.Node, error)
	// CreateRegion inserts a node; Conflict if the code exists.
	CreateRegion(ctx context.Context, n region.Node) error
	// UpdateRegion renames a node.
	UpdateRegion(ctx context.Context, n region.Node) error

	// CreatePerson inserts p and sets its ID, timestamps and version;
	// Conflict if the ID number is registered already.
	CreatePerson(ctx context.Context, p *Person) error
	// UpdatePerson stores p if p.Version is current, then bumps it.
	UpdatePerson(ctx context.Context, p *Person, ch Change) error
	// RecordDeaths stores the death fields of every person in ps, each if
	// its version is current, all or none, one audit event each.
	RecordDeaths(ctx context.Context, ps []*Person) error
	// Person returns a person by key.
	Person(ctx context.Context, id PersonID) (*Person, error)
	// PersonByIDNumber returns the person with the normalised ID number.
	PersonByIDNumber(ctx context.Context, id ids.ResidentID) (*Person, error)
	// Persons lists persons matching f, by key, after f.After.
	Persons(ctx context.Context, f PersonFilter) ([]*Person, error)

	// CreateHousehold inserts h with its members; Conflict if a member
	// belongs to another household; Invalid if a member does not exist.
	CreateHousehold(ctx context.Context, h *Household) error
	// UpdateHousehold stores h and replaces its members.
	UpdateHousehold(ctx context.Context, h *Household, ch Change) error
	// Household returns a household with its members.
	Household(ctx context.Context, id HouseholdID) (*Household, error)
	// Households lists households matching f.
	Households(ctx context.Context, f HouseholdFilter) ([]*Household, error)

	// CreateOrganisation inserts o; Conflict if the USCC is registered.
	CreateOrganisation(ctx context.Context, o *Organisation) error
	// UpdateOrganisation stores o.
	UpdateOrganisation(ctx context.Context, o *Organisation, ch Change) error
	// Organisation returns an organisation.
	Organisation(ctx context.Context, id OrgID) (*Organisation, error)
	// Organisations lists organisations matching f.
	Organisations(ctx context.Context, f OrgFilter) ([]*Organisation, error)

	// CreateEmployment inserts e.
	CreateEmployment(ctx context.Context, e *Employment) error
	// UpdateEmployment stores e.
	UpdateEmployment(ctx context.Context, e *Employment, ch Change) error
	// Employment returns a spell.
	Employment(ctx context.Context, id EmploymentID) (*Employment, error)
	// Employments lists spells matching f.
	Employments(ctx context.Context, f EmploymentFilter) ([]*Employment, error)

	// CreateDisability inserts d.
	CreateDisability(ctx context.Context, d *Disability) error
	// UpdateDisability stores d.
	UpdateDisability(ctx context.Context, d *Disability, ch Change) error
	// Disability returns a disability record.
	Disability(ctx context.Context, id DisabilityID) (*Disability, error)
	// Disabilities lists a person's disability records.
	Disabilities(ctx context.Context, person PersonID) ([]*Disability, error)

	// CreateBankAccount inserts b with its status and approval; if b is
	// primary, the owner's other accounts stop being primary.
	CreateBankAccount(ctx context.Context, b *BankAccount) error
	// BankAccounts lists an owner's accounts.
	BankAccounts(ctx context.Context, kind OwnerKind, owner int64) ([]*BankAccount, error)
	// BankAccount returns an account.
	BankAccount(ctx context.Context, id BankAccountID) (*BankAccount, error)
	// BankAccountsByStatus lists the accounts of a status in the region
	// subtree, by key, after after.
	BankAccountsByStatus(ctx context.Context, status ApprovalStatus, code region.Code, after int64, limit int) ([]*BankAccount, error)
	// DecideBankAccount stores b's status and decision if its version is
	// current; a confirmed account that wants to be primary becomes the
	// owner's only primary account.
	DecideBankAccount(ctx context.Context, b *BankAccount) error

	// CreatePayeeAgent inserts a.
	CreatePayeeAgent(ctx context.Context, a *PayeeAgent) error
	// PayeeAgent returns an agent.
	PayeeAgent(ctx context.Context, id AgentID) (*PayeeAgent, error)
	// PayeeAgents lists a person's agents.
	PayeeAgents(ctx context.Context, person PersonID) ([]*PayeeAgent, error)
	// PayeeAgentsByStatus lists the agents of a status in the region
	// subtree, by key, after after.
	PayeeAgentsByStatus(ctx context.Context, status ApprovalStatus, code region.Code, after int64, limit int) ([]*PayeeAgent, error)
	// DecidePayeeAgent stores a's status and decision if its version is
	// current.
	DecidePayeeAgent(ctx context.Context, a *PayeeAgent) error

	// CreateIdentityChange inserts a pending c; Conflict, naming it, if the
	// person has a pending one already.
	CreateIdentityChange(ctx context.Context, c *IdentityChange) error
	// IdentityChange returns an identity change request.
	IdentityChange(ctx context.Context, id IdentityChangeID) (*IdentityChange, error)
	// IdentityChangesByStatus lists the requests of a status in the region
	// subtree, by key, after after.
	IdentityChangesByStatus(ctx context.Context, status ApprovalStatus, code region.Code, after int64, limit int) ([]*IdentityChange, error)
	// IdentityChanges lists a person's requests, by key, after after.
	IdentityChanges(ctx context.Context, person PersonID, after int64, limit int) ([]*IdentityChange, error)
	// LatestIdentityChange returns the person's pending request if there
	// is one, or else the confirmed one decided last; NotFound if neither.
	LatestIdentityChange(ctx context.Context, person PersonID) (*IdentityChange, error)
	// DecideIdentityChange stores c's status and decision if its version
	// is current and it is pending; a confirmed change is applied to the
	// person (name, ID number, and the birth date and sex read from it)
	// if the person's identity is still the old one, all in one
	// transaction with their audit events.
	DecideIdentityChange(ctx context.Context, c *IdentityChange) error

	// RecordRead writes an audit event for a read of a record.
	RecordRead(ctx context.Context, kind, id string, code region.Code) error
	// RecordReads writes the audit events of reads that change nothing,
	// all or none.
	RecordReads(ctx context.Context, evs []ReadEvent) error
}

// Service is the registry's business logic.
type Service struct {
	store Store
	clock clock.Clock
	// IDSearchesPerHour is how many searches of persons by ID number one
	// user may make in an hour (DefaultIDSearchesPerHour when 0): a
	// search confirms a guessed number, so that an unbounded number of
	// them would rebuild a masked one.
	IDSearchesPerHour int
	// IdentityChangeWindow is how long after a change of a person's name
	// or ID number a new bank account of theirs is flagged to its approver
	// and refused to the user who requested the change
	// (DefaultIdentityChangeWindow when 0).
	IdentityChangeWindow time.Duration
	searches             searchLimiter
	// WageCeiling, when set, checks a spell's monthly wage, given as
	// field, against its plausibility ceiling in force on day d, adding a
	// problem to pr when the wage is above it; its error is that of a
	// ceiling with no value on d. The registry has no policy package: the
	// wiring sets it from one (cmd/safetynet). Nil leaves the check to the
	// HTTP API alone.
	WageCeiling func(pr *fault.Problems, field string, wage money.Fen, d period.Date) error
}

// NewService returns a Service over store, telling the time by clk.
func NewService(store Store, clk clock.Clock) *Service {
	return &Service{store: store, clock: clk, IDSearchesPerHour: DefaultIDSearchesPerHour,
		IdentityChangeWindow: DefaultIdentityChangeWindow}
}

// Today returns the current civil date in the jurisdiction.
func (s *Service) Today() period.Date { return s.clock.Today() }

// ---- regions

// Region returns a region node; anyone signed in may read the tree.
func (s *Service) Region(ctx context.Context, code region.Code) (region.Node, error) {
	if _, err := auth.Require(ctx, auth.PermRegistryRead); err != nil {
		return region.Node{}, err
	}
	return s.store.Region(ctx, code)
}

// Regions returns the children of parent ("" for the roots).
func (s *Service) Regions(ctx context.Context, parent region.Code) ([]region.Node, error) {
	if _, err := auth.Require(ctx, auth.PermRegistryRead); err != nil {
		return nil, err
	}
	return s.store.Regions(ctx, parent)
}

// CreateRegion adds a node under an existing parent.
func (s *Service) CreateRegion(ctx context.Context, n region.Node) error {
	var pr fault.Problems
	code, err := region.ParseCode(string(n.Code))
	if err != nil {
		pr.Add("code", "%v", err)
	} else {
		n.Code = code
		n.Level = code.Level()
		n.Parent = code.Parent()
	}
	if n.NameZH == "" {
		pr.Add("name_zh", "is required")
	}
	if err := pr.Err("invalid region"); err != nil {
		return err
	}
	if _, err := auth.RequireIn(ctx, auth.PermRegionAdmin, n.Parent); err != nil {
		return err
	}
	if _, err := s.store.Region(ctx, n.Parent); err != nil {
		if fault.CodeOf(err) == fault.NotFound {
			return &fault.Error{Code: fault.Invalid, Message: "invalid region", Fields: map[string]string{"code": "parent region " + string(n.Parent) + " does not exist"}}
		}
		return err
	}
	return s.store.CreateRegion(ctx, n)
}

// UpdateRegion renames a node.
func (s *Service) UpdateRegion(ctx context.Context, code region.Code, nameZH, nameEN string) (region.Node, error) {
	if _, err := auth.RequireIn(ctx, auth.PermRegionAdmin, code); err != nil {
		return region.Node{}, err
	}
	n, err := s.store.Region(ctx, code)
	if err != nil {
		return n, err
	}
	if nameZH == "" {
		return n, &fault.Error{Code: fault.Invalid, Message: "invalid region", Fields: map[string]string{"name_zh": "is required"}}
	}
	n.NameZH, n.NameEN = nameZH, nameEN
	return n, s.store.UpdateRegion(ctx, n)
}

// requireRegion checks that code is a node of the tree, adding a problem to
// pr if not.
func (s *Service) requireRegion(ctx context.Context, pr *fault.Problems, field string, code region.Code) error {
	if code == "" || (*pr)[field] != "" {
		return nil
	}
	if _, err := s.store.Region(ctx, code); err != nil {
		if fault.CodeOf(err) == fault.NotFound {
			pr.Add(field, "unknown region %s", code)
			return nil
		}
		return err
	}
	return nil
}

// ---- persons

// Person returns a person in the caller's scope and records the read.
func (s *Service) Person(ctx context.Context, id PersonID) (*Person, error) {
	if _, err := auth.Require(ctx, auth.PermRegistryRead); err != nil {
		return nil, err
	}
	p, err := s.store.Person(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryRead, p.RegionCode, "person", id); err != nil {
		return nil, err
	}
	return p, s.store.RecordRead(ctx, "person", strconv.FormatInt(int64(id), 10), p.RegionCode)
}

// PersonByIDNumber finds a person by resident ID (15 or 18 digits) in the
// caller's scope and records the read.
func (s *Service) PersonByIDNumber(ctx context.Context, raw string) (*Person, error) {
	if _, err := auth.Require(ctx, auth.PermRegistryRead); err != nil {
		return nil, err
	}
	id, err := ids.ParseResidentID(raw, s.Today())
	if err != nil {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid ID number", Fields: map[string]string{"id_number": idProblem(err)}}
	}
	p, err := s.store.PersonByIDNumber(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryRead, p.RegionCode, "person with ID number", id.Masked()); err != nil {
		return nil, err
	}
	return p, s.store.RecordRead(ctx, "person", strconv.FormatInt(int64(p.ID), 10), p.RegionCode)
}

// Persons lists persons in the caller's scope and records the read: the
// persons listed, and a search by ID number with the number masked. A user
// may search by ID number at most IDSearchesPerHour times an hour; over
// that, the search is refused (Throttled) and the refusal recorded.
func (s *Service) Persons(ctx context.Context, f PersonFilter) ([]*Person, error) {
	if err := listScope(ctx, &f.Region, &f.Page); err != nil {
		return nil, err
	}
	if f.IDNumber != "" {
		id, err := ids.ParseResidentID(f.IDNumber, s.Today())
		if err != nil {
			return nil, &fault.Error{Code: fault.Invalid, Message: "invalid filter", Fields: map[string]string{"id_number": idProblem(err)}}
		}
		f.IDNumber = string(id)
		p, _ := auth.PrincipalFrom(ctx)
		if err := s.checkIDSearch(ctx, p, f.Region, id); err != nil {
			return nil, err
		}
	}
	ps, err := s.store.Persons(ctx, f)
	if err != nil {
		return nil, err
	}
	return ps, s.recordPersonList(ctx, f, ps)
}

// CreatePerson registers a person. The ID number may be given in 15 digits
// or with a lower-case x; it is stored normalised. A number registered
// already is refused (Conflict) and counts as a search by ID number (see
// Persons): audited, limited, and naming the person registered only when
// they are in the caller's scope.
func (s *Service) CreatePerson(ctx context.Context, p *Person) error {
	pr := p.validate(s.Today())
	if err := s.requireRegion(ctx, &pr, "region_code", p.RegionCode); err != nil {
		return err
	}
	if !p.DeathDate.IsZero() {
		pr.Add("death_date", "record a death with the death endpoint, after registering the person")
	}
	if err := pr.Err("invalid person"); err != nil {
		return err
	}
	if _, err := auth.RequireIn(ctx, auth.PermRegistryWrite, p.RegionCode); err != nil {
		return err
	}
	if err := s.checkRegistration(ctx, p.IDNumber, p.RegionCode, 0); err != nil {
		return err
	}
	p.ID, p.Version = 0, 0
	return s.store.CreatePerson(ctx, p)
}

// UpdatePerson loads person id, applies the change and stores it if the
// caller's version is current. Death fields cannot be changed here, nor,
// but by a system process, the name and the ID number: a user requests
// that change with PatchPerson. A new ID number registered already is
// refused as in CreatePerson.
func (s *Service) UpdatePerson(ctx context.Context, id PersonID, version int64, apply func(*Person)) (*Person, error) {
	old, err := s.store.Person(ctx, id)
	if err != nil {
		return nil, err
	}
	return update(ctx, "person", version, old, apply, func(ctx context.Context, old, p *Person) (fault.Problems, error) {
		pr := p.validate(s.Today())
		if p.DeathDate != old.DeathDate || p.DeathSource != old.DeathSource {
			pr.Add("death_date", "record a death with the death endpoint")
		}
		// Only a system process sets who a person is directly; a user's
		// change is a request for a second user (PatchPerson).
		if who, _ := auth.PrincipalFrom(ctx); !who.System() {
			const msg = "a change of name or ID number is requested with its reason and applied when a second user approves it"
			if p.Name != old.Name {
				pr.Add("name", msg)
			}
			if p.IDNumber != old.IDNumber {
				pr.Add("id_number", msg)
			}
		}
		if err := s.requireRegion(ctx, &pr, "region_code", p.RegionCode); err != nil || len(pr) > 0 || p.IDNumber == old.IDNumber {
			return pr, err
		}
		// A new ID number registered already is refused as a search.
		if _, err := auth.RequireIn(ctx, auth.PermRegistryWrite, p.RegionCode); err != nil {
			return pr, err
		}
		return pr, s.checkRegistration(ctx, p.IDNumber, p.RegionCode, p.ID)
	}, s.store.UpdatePerson)
}

// RecordDeath records a person's death (死亡登记). Payment stops follow from
// it in the insurance and assistance services.
func (s *Service) RecordDeath(ctx context.Context, id PersonID, date period.Date, source string) (*Person, error) {
	p, err := s.store.Person(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryWrite, p.RegionCode, "person", id); err != nil {
		return nil, err
	}
	var pr fault.Problems
	switch {
	case date.IsZero():
		pr.Add("death_date", "is required")
	case date > s.Today():
		pr.Add("death_date", "is in the future")
	case date < p.BirthDate():
		pr.Add("death_date", "is before the birth date %s", p.BirthDate())
	}
	if !slices.Contains(DeathSources, source) {
		pr.Add("source", "must be one of %v", DeathSources)
	}
	if !p.Alive() {
		return nil, fault.Errorf(fault.Conflict, "person %d's death is already recorded (%s)", id, p.DeathDate)
	}
	if err := pr.Err("invalid death record"); err != nil {
		return nil, err
	}
	p.DeathDate, p.DeathSource = date, source
	if err := s.store.UpdatePerson(ctx, p, Change{Action: "person.death", Fields: []string{"death_date", "death_source"}}); err != nil {
		return nil, err
	}
	return p, nil
}

// DeathNotice is one death reported by another department (死亡信息), a
// row of its exchange file.
type DeathNotice struct {
	Line     int
	IDNumber ids.ResidentID
	Name     string
	Date     period.Date
}

// DeathImport is the outcome of a file of death notices.
type DeathImport struct {
	// Recorded counts the deaths recorded now; Repeats the notices of
	// deaths recorded before on the same date, which change nothing.
	Recorded int `json:"recorded"`
	Repeats  int `json:"repeats"`
}

// RecordDeaths records a department's file of deaths from source, all or
// none: a notice naming nobody registered, a name that is not the
// registered one, a date before the birth or in the future, a different
// date from one recorded before, or a person outside the caller's scope
// rejects the whole file with every bad row named. A notice of a death
// already recorded on the same date is a repeat and changes nothing.
func (s *Service) RecordDeaths(ctx context.Context, notices []DeathNotice, source string) (*DeathImport, error) {
	if _, err := auth.Require(ctx, auth.PermRegistryWrite); err != nil {
		return nil, err
	}
	if !slices.Contains(DeathSources, source) {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid death records", Fields: map[string]string{"source": fmt.Sprintf("must be one of %v", DeathSources)}}
	}
	var pr fault.Problems
	bad := 0
	add := func(line int, field, format string, args ...any) {
		bad++
		if len(pr) < 200 {
			pr.Add(fmt.Sprintf("row %d: %s", line, field), format, args...)
		}
	}
	out := &DeathImport{}
	var ps []*Person
	today := s.Today()
	for _, n := range notices {
		p, err := s.store.PersonByIDNumber(ctx, n.IDNumber)
		if err == nil {
			// A person outside the caller's scope is reported as unknown,
			// so that the file's answer tells nothing about them.
			_, err = auth.RequireFound(ctx, auth.PermRegistryWrite, p.RegionCode, "person with ID number", n.IDNumber.Masked())
		}
		if fault.CodeOf(err) == fault.NotFound {
			add(n.Line, "id_number", "no registered person has ID number %s", n.IDNumber.Masked())
			continue
		} else if err != nil {
			return nil, err
		}
		switch {
		case n.Name != p.Name:
			add(n.Line, "name", "is not the registered name of %s", n.IDNumber.Masked())
		case n.Date.IsZero():
			add(n.Line, "death_date", "is required")
		case n.Date > today:
			add(n.Line, "death_date", "is in the future")
		case n.Date < p.BirthDate():
			add(n.Line, "death_date", "is before the birth date %s", p.BirthDate())
		case !p.Alive() && p.DeathDate != n.Date:
			add(n.Line, "death_date", "a death on %s is recorded already", p.DeathDate)
		case !p.Alive():
			out.Repeats++
		default:
			p.DeathDate, p.DeathSource = n.Date, source
			ps = append(ps, p)
		}
	}
	if bad > 0 {
		return nil, &fault.Error{Code: fault.Invalid, Message: fmt.Sprintf("the death file has %d bad rows of %d; nothing was recorded", bad, len(notices)), Fields: pr}
	}
	if len(ps) > 0 {
		if err := s.store.RecordDeaths(ctx, ps); err != nil {
			return nil, err
		}
	}
	out.Recorded = len(ps)
	return out, nil
}

// ---- households

// Household returns a household in the caller's scope.
func (s *Service) Household(ctx context.Context, id HouseholdID) (*Household, error) {
	return readable(ctx, "household", func() (*Household, error) { return s.store.Household(ctx, id) })
}

// Households lists households in the caller's scope.
func (s *Service) Households(ctx context.Context, f HouseholdFilter) ([]*Household, error) {
	if err := listScope(ctx, &f.Region, &f.Page); err != nil {
		return nil, err
	}
	return s.store.Households(ctx, f)
}

// personInScope returns the person of key id if the caller may change
// records where they live; a person outside the caller's scope is
// NotFound, as a missing one is, so that a write linking records tells
// nothing about the other record.
func (s *Service) personInScope(ctx context.Context, id PersonID) (*Person, error) {
	p, err := s.store.Person(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryWrite, p.RegionCode, "person", id); err != nil {
		return nil, err
	}
	return p, nil
}

// orgInScope is personInScope for an organisation.
func (s *Service) orgInScope(ctx context.Context, id OrgID) (*Organisation, error) {
	o, err := s.store.Organisation(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryWrite, o.RegionCode, "organisation", id); err != nil {
		return nil, err
	}
	return o, nil
}

// checkMembers verifies that every member exists, is alive and lies in the
// caller's scope.
func (s *Service) checkMembers(ctx context.Context, pr *fault.Problems, h *Household) error {
	for i, m := range h.Members {
		if m.PersonID <= 0 {
			continue
		}
		f := "members[" + strconv.Itoa(i) + "].person_id"
		if _, err := s.personInScope(ctx, m.PersonID); fault.CodeOf(err) == fault.NotFound {
			pr.Add(f, "person %d does not exist", m.PersonID)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// CreateHousehold registers a household with its members.
func (s *Service) CreateHousehold(ctx context.Context, h *Household) error {
	pr := h.validate()
	if err := s.requireRegion(ctx, &pr, "region_code", h.RegionCode); err != nil {
		return err
	}
	if err := s.checkMembers(ctx, &pr, h); err != nil {
		return err
	}
	if err := pr.Err("invalid household"); err != nil {
		return err
	}
	if _, err := auth.RequireIn(ctx, auth.PermRegistryWrite, h.RegionCode); err != nil {
		return err
	}
	h.ID, h.Version = 0, 0
	return s.store.CreateHousehold(ctx, h)
}

// UpdateHousehold applies a change to a household, members included.
func (s *Service) UpdateHousehold(ctx context.Context, id HouseholdID, version int64, apply func(*Household)) (*Household, error) {
	old, err := s.store.Household(ctx, id)
	if err != nil {
		return nil, err
	}
	return update(ctx, "household", version, old, apply, func(ctx context.Context, _, h *Household) (fault.Problems, error) {
		pr := h.validate()
		if err := s.requireRegion(ctx, &pr, "region_code", h.RegionCode); err != nil {
			return pr, err
		}
		return pr, s.checkMembers(ctx, &pr, h)
	}, s.store.UpdateHousehold)
}

// ---- organisations

// Organisation returns an organisation in the caller's scope.
func (s *Service) Organisation(ctx context.Context, id OrgID) (*Organisation, error) {
	return readable(ctx, "organisation", func() (*Organisation, error) { return s.store.Organisation(ctx, id) })
}

// Organisations lists organisations in the caller's scope.
func (s *Service) Organisations(ctx context.Context, f OrgFilter) ([]*Organisation, error) {
	if err := listScope(ctx, &f.Region, &f.Page); err != nil {
		return nil, err
	}
	return s.store.Organisations(ctx, f)
}

// CreateOrganisation registers an organisation. A USCC with a bad checksum
// is accepted but flagged for review (docs/domain.md 1.3).
func (s *Service) CreateOrganisation(ctx context.Context, o *Organisation) error {
	pr := o.validate()
	if err := s.requireRegion(ctx, &pr, "region_code", o.RegionCode); err != nil {
		return err
	}
	if err := pr.Err("invalid organisation"); err != nil {
		return err
	}
	if _, err := auth.RequireIn(ctx, auth.PermRegistryWrite, o.RegionCode); err != nil {
		return err
	}
	o.ID, o.Version = 0, 0
	return s.store.CreateOrganisation(ctx, o)
}

// UpdateOrganisation applies a change to an organisation.
func (s *Service) UpdateOrganisation(ctx context.Context, id OrgID, version int64, apply func(*Organisation)) (*Organisation, error) {
	old, err := s.store.Organisation(ctx, id)
	if err != nil {
		return nil, err
	}
	return update(ctx, "organisation", version, old, apply, func(ctx context.Context, _, o *Organisation) (fault.Problems, error) {
		pr := o.validate()
		return pr, s.requireRegion(ctx, &pr, "region_code", o.RegionCode)
	}, s.store.UpdateOrganisation)
}

// ---- employment

// Employment returns a spell in the caller's scope.
func (s *Service) Employment(ctx context.Context, id EmploymentID) (*Employment, error) {
	return readable(ctx, "employment", func() (*Employment, error) { return s.store.Employment(ctx, id) })
}

// Employments lists spells in the caller's scope.
func (s *Service) Employments(ctx context.Context, f EmploymentFilter) ([]*Employment, error) {
	if err := listScope(ctx, &f.Region, &f.Page); err != nil {
		return nil, err
	}
	return s.store.Employments(ctx, f)
}

// checkSpell resolves the spell's person and employer, sets its region to
// the employer's, and checks that both exist in the caller's scope (one
// outside it does not exist for the caller) and the person was alive at
// the start.
func (s *Service) checkSpell(ctx context.Context, pr *fault.Problems, e *Employment) error {
	if e.PersonID > 0 {
		p, err := s.personInScope(ctx, e.PersonID)
		switch {
		case fault.CodeOf(err) == fault.NotFound:
			pr.Add("person_id", "person %d does not exist", e.PersonID)
		case err != nil:
			return err
		case !p.Alive() && !e.Start.IsZero() && e.Start > p.DeathDate:
			pr.Add("start", "is after the person's death on %s", p.DeathDate)
		case !e.Start.IsZero() && period.AgeAt(p.BirthDate(), e.Start) < 16:
			pr.Add("start", "the person is under 16 on that day (minimum working age)")
		}
	}
	if e.OrgID > 0 {
		o, err := s.orgInScope(ctx, e.OrgID)
		switch {
		case fault.CodeOf(err) == fault.NotFound:
			pr.Add("org_id", "organisation %d does not exist", e.OrgID)
		case err != nil:
			return err
		default:
			e.RegionCode = o.RegionCode
		}
	}
	return nil
}

// CreateEmployment records a spell of employment.
func (s *Service) CreateEmployment(ctx context.Context, e *Employment) error {
	pr := e.validate(s.Today())
	if err := s.checkWage(&pr, e); err != nil {
		return err
	}
	if err := s.checkSpell(ctx, &pr, e); err != nil {
		return err
	}
	if err := pr.Err("invalid employment"); err != nil {
		return err
	}
	if _, err := auth.RequireIn(ctx, auth.PermRegistryWrite, e.RegionCode); err != nil {
		return err
	}
	e.ID, e.Version = 0, 0
	return s.store.CreateEmployment(ctx, e)
}

// UpdateEmployment applies a change to a spell, such as its end and
// separation reason.
func (s *Service) UpdateEmployment(ctx context.Context, id EmploymentID, version int64, apply func(*Employment)) (*Employment, error) {
	old, err := s.store.Employment(ctx, id)
	if err != nil {
		return nil, err
	}
	return update(ctx, "employment", version, old, apply, func(ctx context.Context, _, e *Employment) (fault.Problems, error) {
		pr := e.validate(s.Today())
		if err := s.checkWage(&pr, e); err != nil {
			return pr, err
		}
		return pr, s.checkSpell(ctx, &pr, e)
	}, s.store.UpdateEmployment)
}

// checkWage checks the spell's monthly wage against its ceiling in force
// today, when WageCeiling is set.
func (s *Service) checkWage(pr *fault.Problems, e *Employment) error {
	if s.WageCeiling == nil {
		return nil
	}
	if err := s.WageCeiling(pr, "monthly_wage", e.MonthlyWage, s.Today()); err != nil {
		return fmt.Errorf("employment: wage ceiling: %w", err)
	}
	return nil
}

// ---- disability and bank accounts

// Disabilities lists a person's disability records.
func (s *Service) Disabilities(ctx context.Context, person PersonID) ([]*Disability, error) {
	if _, err := s.Person(ctx, person); err != nil {
		return nil, err
	}
	return s.store.Disabilities(ctx, person)
}

// CreateDisability records a disability certificate for a person.
func (s *Service) CreateDisability(ctx context.Context, d *Disability) error {
	pr := d.validate(s.Today())
	var p *Person
	if d.PersonID > 0 {
		var err error
		p, err = s.personInScope(ctx, d.PersonID)
		if fault.CodeOf(err) == fault.NotFound {
			pr.Add("person_id", "person %d does not exist", d.PersonID)
		} else if err != nil {
			return err
		}
	}
	if err := pr.Err("invalid disability record"); err != nil {
		return err
	}
	d.RegionCode = p.RegionCode
	if _, err := auth.RequireIn(ctx, auth.PermRegistryWrite, d.RegionCode); err != nil {
		return err
	}
	d.ID, d.Version = 0, 0
	return s.store.CreateDisability(ctx, d)
}

// RevokeDisability ends a disability record on a date (e.g. re-assessed).
func (s *Service) RevokeDisability(ctx context.Context, id DisabilityID, version int64, on period.Date) (*Disability, error) {
	d, err := s.store.Disability(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryWrite, d.RegionCode, "disability record", id); err != nil {
		return nil, err
	}
	d.Revoked, d.Version = on, version
	pr := d.validate(s.Today())
	if on.IsZero() {
		pr.Add("revoked", "is required")
	}
	if err := pr.Err("invalid revocation"); err != nil {
		return nil, err
	}
	if err := s.store.UpdateDisability(ctx, d, Change{Action: "disability.revoke", Fields: []string{"revoked"}}); err != nil {
		return nil, err
	}
	return d, nil
}

// BankAccounts lists the accounts of a person or organisation in scope.
func (s *Service) BankAccounts(ctx context.Context, kind OwnerKind, owner int64) ([]*BankAccount, error) {
	if _, err := s.ownerRegion(ctx, kind, owner, auth.PermRegistryRead); err != nil {
		return nil, err
	}
	bs, err := s.store.BankAccounts(ctx, kind, owner)
	if err != nil {
		return nil, err
	}
	return bs, s.flagIdentity(ctx, bs...)
}

func (s *Service) ownerRegion(ctx context.Context, kind OwnerKind, owner int64, perm auth.Permission) (region.Code, error) {
	if _, err := auth.Require(ctx, perm); err != nil {
		return "", err
	}
	var (
		code region.Code
		name string
	)
	switch kind {
	case OwnerPerson:
		name = "person"
		p, err := s.store.Person(ctx, PersonID(owner))
		if err != nil {
			return "", err
		}
		code = p.RegionCode
	case OwnerOrganisation:
		name = "organisation"
		o, err := s.store.Organisation(ctx, OrgID(owner))
		if err != nil {
			return "", err
		}
		code = o.RegionCode
	default:
		return "", &fault.Error{Code: fault.Invalid, Message: "invalid owner", Fields: map[string]string{"owner_kind": "must be person or organisation"}}
	}
	if _, err := auth.RequireFound(ctx, perm, code, name, owner); err != nil {
		return "", err
	}
	return code, nil
}

// ---- helpers

// readable loads a record of kind and checks that the caller may read it
// where it is; outside the caller's scope it is NotFound, as a missing one
// is.
func readable[T any, P record[T]](ctx context.Context, kind string, load func() (P, error)) (P, error) {
	if _, err := auth.Require(ctx, auth.PermRegistryRead); err != nil {
		return nil, err
	}
	r, err := load()
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryRead, r.home(), kind, r.key()); err != nil {
		return nil, err
	}
	return r, nil
}

// listScope narrows a list's region filter to the caller's scope (all of it
// when empty; Forbidden outside it) and bounds its page.
func listScope(ctx context.Context, code *region.Code, page *Page) error {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return err
	}
	if *code, err = auth.ScopeFilter(p, *code); err != nil {
		return err
	}
	page.normalize()
	return nil
}

// record is a registry record that can be updated: it lives in a region,
// copies itself deep enough for a change to be applied to the copy, and
// keeps its key, creation time and version through a change.
type record[T any] interface {
	*T
	home() region.Code
	key() int64
	clone() *T
	// keep restores from old what a change may not touch and sets the
	// version the caller read.
	keep(old *T, version int64)
	version() int64
}

// update is the shape of every update: the caller must be allowed to write
// both where the record is (outside the scope, the record is NotFound) and
// where the change puts it; the changed copy
// must pass check; a change that touches nothing stores nothing; the store
// refuses a stale version.
func update[T any, P record[T]](ctx context.Context, kind string, version int64, old P, apply func(*T),
	check func(ctx context.Context, old, cur P) (fault.Problems, error),
	save func(context.Context, P, Change) error) (*T, error) {
	if _, err := auth.RequireFound(ctx, auth.PermRegistryWrite, old.home(), kind, old.key()); err != nil {
		return nil, err
	}
	cur := P(old.clone())
	apply(cur)
	cur.keep(old, version)
	pr, err := check(ctx, old, cur)
	if err != nil {
		return nil, err
	}
	if err := pr.Err("invalid " + kind); err != nil {
		return nil, err
	}
	if _, err := auth.RequireIn(ctx, auth.PermRegistryWrite, cur.home()); err != nil {
		return nil, err
	}
	fields, err := changedFields(old, cur, "version", "updated_at")
	if err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		if version != old.version() {
			return nil, staleVersion(kind, version, old.version())
		}
		return old, nil
	}
	if err := save(ctx, cur, Change{Action: kind + ".update", Fields: fields}); err != nil {
		return nil, err
	}
	return cur, nil
}

func staleVersion(kind string, got, want int64) error {
	return fault.Errorf(fault.Conflict, "%s was changed by someone else: you have version %d, the current one is %d; reload and try again", kind, got, want)
}

// changedFields compares the JSON forms of a and b and returns the names of
// the top-level fields that differ, leaving out the ignored ones.
func changedFields(a, b any, ignore ...string) ([]string, error) {
	var ma, mb map[string]json.RawMessage
	for _, x := range []struct {
		v any
		m *map[string]json.RawMessage
	}{{a, &ma}, {b, &mb}} {
		raw, err := json.Marshal(x.v)
		if err != nil {
			return nil, fmt.Errorf("compare fields: %w", err)
		}
		if err := json.Unmarshal(raw, x.m); err != nil {
			return nil, fmt.Errorf("compare fields: %w", err)
		}
	}
	var out []string
	for k, va := range ma {
		if slices.Contains(ignore, k) {
			continue
		}
		if vb, ok := mb[k]; !ok || !bytes.Equal(va, vb) {
			out = append(out, k)
		}
	}
	for k := range mb {
		if _, ok := ma[k]; !ok && !slices.Contains(ignore, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out, nil
}
