package registry

import (
	"context"
	"fmt"
	"strconv"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/region"
)

// Bulk is a set of registry records loaded together, with keys assigned by
// the caller: the initial load from a legacy system (数据迁移) or the
// synthetic population. Households reference persons, employment spells
// persons and organisations, and so on, by those keys; a batch may refer to
// records loaded by an earlier batch.
type Bulk struct {
	Persons       []Person
	Households    []Household
	Organisations []Organisation
	Employment    []Employment
	Disabilities  []Disability
	BankAccounts  []BankAccount
}

// Rows returns the number of records in b (household members included).
func (b *Bulk) Rows() int {
	n := len(b.Persons) + len(b.Households) + len(b.Organisations) + len(b.Employment) + len(b.Disabilities) + len(b.BankAccounts)
	for i := range b.Households {
		n += len(b.Households[i].Members)
	}
	return n
}

// Keys holds the next free key of each kind.
type Keys struct {
	Person      PersonID
	Household   HouseholdID
	Org         OrgID
	Employment  EmploymentID
	Disability  DisabilityID
	BankAccount BankAccountID
}

// BulkStore loads batches of records in one transaction each.
type BulkStore interface {
	// NextKeys returns the next free key of each kind.
	NextKeys(ctx context.Context) (Keys, error)
	// RegionCodes returns every code of the region tree.
	RegionCodes(ctx context.Context) (map[region.Code]bool, error)
	// LoadBulk inserts every record of b, with its keys, in one
	// transaction, with one audit event for the batch; Conflict on a
	// duplicate key, ID number or USCC.
	LoadBulk(ctx context.Context, b *Bulk) error
	// FinishBulk brings key generators past the loaded keys.
	FinishBulk(ctx context.Context) error
}

// Loader validates and loads bulk batches. Create it with Service.NewLoader.
type Loader struct {
	svc     *Service
	store   BulkStore
	regions map[region.Code]bool
}

// NewLoader prepares a bulk load into store. The caller needs write
// permission over the whole prefecture or more.
func (s *Service) NewLoader(ctx context.Context, store BulkStore) (*Loader, error) {
	if _, err := auth.Require(ctx, auth.PermRegistryWrite); err != nil {
		return nil, err
	}
	codes, err := store.RegionCodes(ctx)
	if err != nil {
		return nil, err
	}
	return &Loader{svc: s, store: store, regions: codes}, nil
}

// NextKeys returns the next free keys.
func (l *Loader) NextKeys(ctx context.Context) (Keys, error) { return l.store.NextKeys(ctx) }

// Load validates every record of b and loads it whole, or returns an
// Invalid error naming the first rows at fault (up to 20) and loads nothing.
func (l *Loader) Load(ctx context.Context, b *Bulk) error {
	p, err := auth.Require(ctx, auth.PermRegistryWrite)
	if err != nil {
		return err
	}
	today := l.svc.Today()
	var pr fault.Problems
	report := func(kind string, i int, key int64, code region.Code, rowPr fault.Problems) {
		if len(pr) >= 20 {
			return
		}
		if key <= 0 {
			rowPr.Add("id", "a bulk record needs its key")
		}
		if code != "" && !l.regions[code] {
			rowPr.Add("region_code", "unknown region %s", code)
		}
		if code != "" && !p.InScope(code) {
			rowPr.Add("region_code", "region %s is outside your scope", code)
		}
		for f, msg := range rowPr {
			pr.Add(kind+"["+strconv.Itoa(i)+"]."+f, "%s", msg)
		}
	}
	for i := range b.Persons {
		x := &b.Persons[i]
		report("persons", i, int64(x.ID), x.RegionCode, x.validate(today))
	}
	for i := range b.Households {
		x := &b.Households[i]
		report("households", i, int64(x.ID), x.RegionCode, x.validate())
	}
	for i := range b.Organisations {
		x := &b.Organisations[i]
		report("organisations", i, int64(x.ID), x.RegionCode, x.validate())
	}
	for i := range b.Employment {
		x := &b.Employment[i]
		report("employment", i, int64(x.ID), x.RegionCode, x.validate(today))
	}
	for i := range b.Disabilities {
		x := &b.Disabilities[i]
		report("disabilities", i, int64(x.ID), x.RegionCode, x.validate(today))
	}
	for i := range b.BankAccounts {
		x := &b.BankAccounts[i]
		report("bank_accounts", i, int64(x.ID), x.RegionCode, x.validate())
	}
	if err := pr.Err(fmt.Sprintf("invalid bulk batch of %d rows", b.Rows())); err != nil {
		return err
	}
	return l.store.LoadBulk(ctx, b)
}

// Finish ends the load.
func (l *Loader) Finish(ctx context.Context) error { return l.store.FinishBulk(ctx) }
