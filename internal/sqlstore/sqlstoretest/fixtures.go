package sqlstoretest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/ids"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/policies"
)

// The fixtures below are shared by the store's own tests and by the
// service-behaviour tests of the domain packages, which run their
// services on a real store.

// Today is the fixed date the fixtures' clocks stand on.
var Today = period.MustDate(2026, time.November, 22)

// ForEachEngine runs fn as a subtest on SQLite and, when configured, on
// PostgreSQL (a subtest that skips when SP_TEST_POSTGRES_URL is unset).
func ForEachEngine(t *testing.T, fn func(t *testing.T, open func(testing.TB) *sqlstore.DB)) {
	t.Helper()
	for _, name := range []string{"sqlite", "postgres"} {
		open := Engines()[name]
		t.Run(name, func(t *testing.T) { fn(t, open) })
	}
}

// Admin returns a context acting as the prefecture administrator.
func Admin() context.Context {
	return auth.WithPrincipal(context.Background(), auth.Principal{UserID: 1, Username: "admin", Role: auth.RoleAdmin, Scope: "652300"})
}

// Registry is a store with the registry service on it, and a context
// acting as the prefecture administrator.
type Registry struct {
	DB  *sqlstore.DB
	Svc *registry.Service
	Ctx context.Context
}

// NewRegistry opens a store with open and builds the registry service on
// it, its clock at ten in the morning of Today.
func NewRegistry(t *testing.T, open func(testing.TB) *sqlstore.DB) Registry {
	t.Helper()
	db := open(t)
	svc := registry.NewService(db)
	svc.NowFunc = func() time.Time { return Today.Time().Add(10 * time.Hour) }
	return Registry{DB: db, Svc: svc, Ctx: Admin()}
}

// Village returns the n-th village or community of a county of the
// default region tree.
func Village(t testing.TB, county region.Code, n int) region.Code {
	t.Helper()
	tree, err := region.Default()
	if err != nil {
		t.Fatal(err)
	}
	vs := tree.Descendants(county, region.Village)
	if len(vs) <= n {
		t.Fatalf("county %s has %d villages, want > %d", county, len(vs), n)
	}
	return vs[n].Code
}

// ResidentID makes a valid resident ID number.
func ResidentID(t testing.TB, div string, y int, m time.Month, d, seq int) ids.ResidentID {
	t.Helper()
	id, err := ids.MakeResidentID(div, period.MustDate(y, m, d), seq)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// NewPerson returns an unsaved urban resident of code, born on 5 March
// 1980, the seq-th of the day.
func NewPerson(t testing.TB, code region.Code, seq int) *registry.Person {
	return &registry.Person{
		IDNumber: ResidentID(t, string(code.County()), 1980, time.March, 5, seq), Name: fmt.Sprintf("测试%d", seq),
		Ethnicity: "han", HukouType: registry.HukouUrban, HukouRegion: code.County(), RegionCode: code, Phone: "13812345678",
	}
}

// AuditCount verifies the audit chain and returns its number of events.
func AuditCount(t testing.TB, db *sqlstore.DB) int64 {
	t.Helper()
	rep, err := db.VerifyAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Break != nil {
		t.Fatalf("audit chain broken: %+v", rep.Break)
	}
	return rep.Events
}

// AuditActions counts the audit events by action.
func AuditActions(t testing.TB, db *sqlstore.DB) map[string]int {
	t.Helper()
	evs, err := db.AuditEvents(context.Background(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, e := range evs {
		out[e.Action]++
	}
	return out
}

// AddAccount registers a bank account through svc and has a second user
// confirm it.
func AddAccount(t testing.TB, svc *registry.Service, ctx context.Context, b *registry.BankAccount) {
	t.Helper()
	if err := svc.CreateBankAccount(ctx, b); err != nil {
		t.Fatalf("CreateBankAccount %s: %v", b.AccountNo, err)
	}
	approver := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 99, Username: "approver", Role: auth.RoleApprover, Scope: "652300"})
	got, err := svc.DecideBankAccount(approver, b.ID, true, "")
	if err != nil {
		t.Fatalf("confirm bank account %d: %v", b.ID, err)
	}
	*b = *got
}

// The policy package is read-only: it is loaded once for every test.
var loadPolicies = sync.OnceValues(func() (*policy.Package, error) {
	return policy.Load(policies.FS, policy.PensionFuncs()...)
})

// Policies returns the policy package of the repository, with the
// pension functions.
func Policies(tb testing.TB) *policy.Package {
	tb.Helper()
	pk, err := loadPolicies()
	if err != nil {
		tb.Fatal(err)
	}
	return pk
}

// Payments is a database with pension payroll lines of one month for
// retirees, the last without a bank account, the one before it with an
// account at ABC, the others at ICBC; and the payment service on it.
type Payments struct {
	Registry
	Pay *payment.Service
	// CW is a caseworker, Approver a second user who may approve, Maker
	// an approver who is also the caseworker (user 2).
	CW, Approver, Maker context.Context
	// Exporter may see full accounts: the bank file is theirs to make.
	Exporter context.Context
	// M is the month of the payroll lines.
	M       period.Month
	Persons []*registry.Person
}

// NewPayments opens a store with open and registers n retirees with
// their payroll lines of October 2026.
func NewPayments(t *testing.T, open func(testing.TB) *sqlstore.DB, n int) Payments {
	t.Helper()
	tb := NewRegistry(t, open)
	pb := Payments{Registry: tb, Pay: payment.NewService(tb.DB), M: period.NewMonth(2026, time.October)}
	p := func(id int64, role auth.Role) context.Context {
		return auth.WithPrincipal(context.Background(), auth.Principal{UserID: id, Username: fmt.Sprint("user", id), Role: role, Scope: "652300"})
	}
	pb.CW, pb.Approver, pb.Maker = p(2, auth.RoleCaseworker), p(3, auth.RoleApprover), p(2, auth.RoleApprover)
	pb.Exporter = p(4, auth.RoleAdmin)
	v := Village(t, "652301", 6)
	for i := range n {
		pr := NewPerson(t, v, 100+i)
		if err := tb.Svc.CreatePerson(tb.Ctx, pr); err != nil {
			t.Fatal(err)
		}
		pb.Persons = append(pb.Persons, pr)
		bank := "ICBC"
		switch {
		case i == n-1: // no account
			bank = ""
		case i == n-2:
			bank = "ABC"
		}
		if bank != "" {
			AddAccount(t, tb.Svc, tb.Ctx, &registry.BankAccount{OwnerKind: registry.OwnerPerson, OwnerID: int64(pr.ID), BankCode: bank,
				BankName: bank + " 昌吉分行", AccountNo: fmt.Sprintf("62220000%08d", i), AccountName: pr.Name, Primary: true})
		}
		for _, q := range []string{
			fmt.Sprintf(`INSERT INTO awards (id, person_id, scheme, region_code, start_month, amount, status, decision, policy_version, created_by, created_at)
				VALUES (%d, %d, 'employee_pension', '%s', '2020-01', %d, 'active', '{}', 't', 't', '2020-01-01T00:00:00Z')`, 1000+i, pr.ID, v, 300_000+i),
			fmt.Sprintf(`INSERT INTO payroll_lines (award_id, period, kind, amount, region_code, person_id, run_id) VALUES (%d, '%s', 'regular', %d, '%s', %d, 1)`,
				1000+i, pb.M, 300_000+i, v, pr.ID),
		} {
			if err := tb.DB.ExecRaw(tb.Ctx, q); err != nil {
				t.Fatal(err)
			}
		}
	}
	return pb
}

// Assistance adds the assistance service to the registry fixture, with a
// clock the test moves (Now, shared by both services) and the principals
// of a caseworker of 昌吉市 (CW), two approvers of the prefecture
// (Approver, Other), the caseworker's own user signed in as an approver
// (SameUserAsApprover), and a caseworker of 阜康市.
type Assistance struct {
	Registry
	As                    *assistance.Service
	Now                   *time.Time
	CW, Approver, Other   context.Context
	SameUserAsApprover    context.Context
	CaseworkerOfElsewhere context.Context
}

// NewAssistance opens a store with open and builds the registry and
// assistance services on it, the clock at ten in the morning of Today.
func NewAssistance(t *testing.T, open func(testing.TB) *sqlstore.DB) Assistance {
	t.Helper()
	tb := NewRegistry(t, open)
	now := Today.Time().Add(10 * time.Hour)
	ab := Assistance{Registry: tb, Now: &now}
	ab.As = assistance.NewService(tb.DB, tb.DB, tb.DB, Policies(t))
	ab.As.NowFunc = func() time.Time { return *ab.Now }
	tb.Svc.NowFunc = ab.As.NowFunc
	p := func(id int64, name string, role auth.Role, scope region.Code) context.Context {
		return auth.WithPrincipal(context.Background(), auth.Principal{UserID: id, Username: name, Role: role, Scope: scope})
	}
	ab.CW = p(2, "cw.changji", auth.RoleCaseworker, "652301")
	ab.Approver = p(3, "approver", auth.RoleApprover, "652300")
	ab.Other = p(4, "approver2", auth.RoleApprover, "652300")
	// The caseworker's user (2) signed in with the approver role: the
	// same user, whatever the role, may not approve their assessment.
	ab.SameUserAsApprover = p(2, "cw.changji", auth.RoleApprover, "652300")
	ab.CaseworkerOfElsewhere = p(5, "cw.fukang", auth.RoleCaseworker, "652302")
	return ab
}

// Advance moves the clock on by days.
func (ab Assistance) Advance(days int) { *ab.Now = ab.Now.AddDate(0, 0, days) }

// Month is the month of the clock.
func (ab Assistance) Month() period.Month { return period.DateOf(*ab.Now).Period() }

// Household registers a household of persons born on the given dates in
// village code, the first the head.
func (ab Assistance) Household(t *testing.T, code region.Code, seq int, births ...period.Date) (*registry.Household, []*registry.Person) {
	t.Helper()
	h := &registry.Household{RegionCode: code, HukouType: registry.HukouUrban}
	var ps []*registry.Person
	for i, b := range births {
		p := NewPerson(t, code, seq+i)
		y, m, d := b.YMD()
		p.IDNumber = ResidentID(t, string(code.County()), y, m, d, seq+i)
		if err := ab.Svc.CreatePerson(ab.Ctx, p); err != nil {
			t.Fatalf("CreatePerson: %v", err)
		}
		rel := registry.RelSpouse
		if i == 0 {
			rel = registry.RelHead
		} else if i > 1 {
			rel = registry.RelChild
		}
		h.Members = append(h.Members, registry.Member{PersonID: p.ID, Relation: rel})
		ps = append(ps, p)
	}
	if err := ab.Svc.CreateHousehold(ab.Ctx, h); err != nil {
		t.Fatalf("CreateHousehold: %v", err)
	}
	return h, ps
}
