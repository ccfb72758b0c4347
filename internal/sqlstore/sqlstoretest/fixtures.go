package sqlstoretest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/ids"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/screening"
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

// NewApp builds every service through the composition root over db (a
// database this package opened), in the default jurisdiction, under the
// repository's policies, on the store's own settable clock, which it sets
// to ten in the morning of Today: the test moves the time of the store and
// of every service at once with the returned clock's Set. A test that
// needs a second process over the same store (another worker, another
// lease) takes Registry.OtherProcess, which leaves the clock as it is.
func NewApp(tb testing.TB, db *sqlstore.DB, opts app.Options) (*app.App, *clock.Settable) {
	tb.Helper()
	now := storeClock(db)
	now.Set(func() time.Time { return Today.Time().Add(10 * time.Hour) })
	j := region.DefaultJurisdiction()
	return app.New(db, Policies(tb), j, now.In(j.Zone), opts), now
}

// Registry is a store with the app's services on it (the registry
// service as Svc), the clock they share, and a context acting as the
// prefecture administrator.
type Registry struct {
	DB  *sqlstore.DB
	App *app.App
	// Clock is the clock of every service of App, at ten in the morning
	// of Today until the test sets it.
	Clock *clock.Settable
	Svc   *registry.Service
	Ctx   context.Context
}

// NewRegistry opens a store with open and builds the app's services on
// it, their clock at ten in the morning of Today.
func NewRegistry(t *testing.T, open func(testing.TB) *sqlstore.DB) Registry {
	t.Helper()
	db := open(t)
	a, now := NewApp(t, db, app.Options{})
	return Registry{DB: db, App: a, Clock: now, Svc: a.Registry, Ctx: Admin()}
}

// OtherProcess builds a second App over the fixture's store, under the
// same policies and jurisdiction and on the same clock: another process
// (a second worker, a restart) sharing the database.
func (r Registry) OtherProcess() *app.App {
	return app.New(r.DB, r.App.Policy, r.App.Juris, r.App.Clock, app.Options{})
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
	pb := Payments{Registry: tb, Pay: tb.App.Payments, M: period.NewMonth(2026, time.October)}
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
// clock the test moves (Now, shared by every service) and the principals
// of a caseworker of 昌吉市 (CW), two approvers of the prefecture
// (Approver, Other), the caseworker's own user signed in as an approver
// (SameUserAsApprover), and a caseworker of 阜康市.
type Assistance struct {
	Registry
	As *assistance.Service
	// Sc is the screening service on As, on the same clock.
	Sc                    *screening.Service
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
	ab.As, ab.Sc = tb.App.Assistance, tb.App.Screening
	tb.Clock.Set(func() time.Time { return *ab.Now })
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

// Insurance adds the insurance service to the registry fixture; both run
// on the same database and clock.
type Insurance struct {
	Registry
	Ins *insurance.Service
	PK  *policy.Package
}

// NewInsurance opens a store with open and builds the registry and
// insurance services on it.
func NewInsurance(t *testing.T, open func(testing.TB) *sqlstore.DB) Insurance {
	t.Helper()
	tb := NewRegistry(t, open)
	pk := Policies(t)
	return Insurance{Registry: tb, Ins: tb.App.Insurance, PK: pk}
}

// Org registers the n-th test employer in region code.
func (tb Insurance) Org(t *testing.T, code region.Code, n int) *registry.Organisation {
	t.Helper()
	uscc, err := ids.MakeUSCC('9', '1', string(code.County()), fmt.Sprintf("MA%06d", n))
	if err != nil {
		t.Fatal(err)
	}
	o := &registry.Organisation{USCC: uscc, Name: fmt.Sprintf("测试企业%d有限公司", n), IndustryCode: "C1711", Size: registry.SizeSmall, RegionCode: code}
	if err := tb.Svc.CreateOrganisation(tb.Ctx, o); err != nil {
		t.Fatalf("CreateOrganisation(%d): %v", n, err)
	}
	return o
}

// Person registers a person living in code.
func (tb Insurance) Person(t *testing.T, code region.Code, seq int) *registry.Person {
	t.Helper()
	p := NewPerson(t, code, seq)
	if err := tb.Svc.CreatePerson(tb.Ctx, p); err != nil {
		t.Fatalf("CreatePerson(%d): %v", seq, err)
	}
	return p
}

// Employ records a spell of p with o from start (to end, if not zero) at
// the monthly wage.
func (tb Insurance) Employ(t *testing.T, p *registry.Person, o *registry.Organisation, start, end period.Date, wage money.Fen) {
	t.Helper()
	e := &registry.Employment{PersonID: p.ID, OrgID: o.ID, Start: start, MonthlyWage: wage}
	if err := tb.Svc.CreateEmployment(tb.Ctx, e); err != nil {
		t.Fatalf("CreateEmployment(person %d): %v", p.ID, err)
	}
	if !end.IsZero() {
		if _, err := tb.Svc.UpdateEmployment(tb.Ctx, e.ID, e.Version, func(x *registry.Employment) {
			x.End, x.Separation = end, registry.SepVoluntary
		}); err != nil {
			t.Fatalf("end employment of person %d: %v", p.ID, err)
		}
	}
}

// Enrol enrols through the service and fails the test on error.
func (tb Insurance) Enrol(t *testing.T, e *insurance.Enrolment) *insurance.Enrolment {
	t.Helper()
	if err := tb.Ins.Enrol(tb.Ctx, e); err != nil {
		t.Fatalf("Enrol(person %d, %s, %s): %v", e.PersonID, e.Scheme, e.Kind, err)
	}
	return e
}

// Assessments reads the assessments of month m in code.
func (tb Insurance) Assessments(t *testing.T, m period.Month, code region.Code) []insurance.Assessment {
	t.Helper()
	as, err := tb.DB.Assessments(context.Background(), insurance.AssessmentFilter{Period: m, Region: code, Page: registry.Page{Limit: 10000}})
	if err != nil {
		t.Fatal(err)
	}
	return as
}

// Payments reads the collected contributions.
func (tb Insurance) Payments(t *testing.T) []insurance.Payment {
	t.Helper()
	ps, err := tb.DB.Payments(context.Background(), insurance.ContributionFilter{Page: registry.Page{Limit: 10000}})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// Pensions adds the pensions service to the insurance fixture.
type Pensions struct {
	Insurance
	Pen *insurance.Pensions
}

// NewPensions opens a store with open and builds the registry, insurance
// and pensions services on it.
func NewPensions(t *testing.T, open func(testing.TB) *sqlstore.DB) Pensions {
	t.Helper()
	ib := NewInsurance(t, open)
	return Pensions{Insurance: ib, Pen: ib.App.Pensions}
}

// Retiree registers a person born on birth in code; seq odd is a man,
// even a woman (the ID number's gender digit).
func (pb Pensions) Retiree(t *testing.T, code region.Code, birth period.Date, seq int) *registry.Person {
	t.Helper()
	p := NewPerson(t, code, seq)
	y, m, d := birth.YMD()
	p.IDNumber = ResidentID(t, string(code.County()), y, m, d, seq)
	if err := pb.Svc.CreatePerson(pb.Ctx, p); err != nil {
		t.Fatalf("CreatePerson(%d): %v", seq, err)
	}
	return p
}

// Pay records a collected contribution of scheme for month m with base.
func (pb Pensions) Pay(t *testing.T, p *registry.Person, scheme insurance.Scheme, m period.Month, base money.Fen) {
	t.Helper()
	stmt := fmt.Sprintf(`INSERT INTO payments (receipt_no, person_id, scheme, period, region_code, base, employer, individual, paid_on, source, created_at)
		VALUES ('R%d-%s-%s', %d, '%s', '%s', '%s', %d, %d, %d, '%s', 'posted', '2020-01-01T00:00:00Z')`,
		p.ID, scheme, m, p.ID, scheme, m, p.RegionCode, base, base.MulRate(160_000), base.MulRate(80_000), m.Last())
	if err := pb.DB.ExecRaw(pb.Ctx, stmt); err != nil {
		t.Fatal(err)
	}
}

// Credit posts an account entry of scheme for month m.
func (pb Pensions) Credit(t *testing.T, p *registry.Person, scheme insurance.Scheme, m period.Month, amount money.Fen) {
	t.Helper()
	stmt := fmt.Sprintf(`INSERT INTO account_entries (person_id, scheme, region_code, period, kind, amount, ref, created_at)
		VALUES (%d, '%s', '%s', '%s', 'transfer_in', %d, 'test:%s', '2020-01-01T00:00:00Z')`, p.ID, scheme, p.RegionCode, m, amount, m)
	if err := pb.DB.ExecRaw(pb.Ctx, stmt); err != nil {
		t.Fatal(err)
	}
}

// EmployeeAward awards a pension of 2,400 + 0 (C 8,000 × 30 years, no
// account) or so to a man born on birth, from start.
func (pb Pensions) EmployeeAward(t *testing.T, code region.Code, birth period.Date, seq int, start period.Month) *insurance.Award {
	t.Helper()
	p := pb.Retiree(t, code, birth, seq)
	a, err := pb.Pen.Award(pb.Ctx, insurance.AwardRequest{PersonID: p.ID, Scheme: insurance.EmployeePension, Group: insurance.GroupMale,
		Start: start, DeemedMonths: 360})
	if err != nil {
		t.Fatalf("Award: %v", err)
	}
	return a
}

// MeansTest is a means test of the household's persons with a monthly wage
// income each (over 12 months) and no assets.
func MeansTest(ps []*registry.Person, monthly ...money.Fen) *assistance.MeansTest {
	t := &assistance.MeansTest{HeatingType: "central"}
	for i, p := range ps {
		t.Members = append(t.Members, assistance.Member{PersonID: p.ID, HasSupporter: true})
		if i < len(monthly) && monthly[i] > 0 {
			t.Lines = append(t.Lines, assistance.Line{PersonID: p.ID, Kind: assistance.IncomeWage, Amount: monthly[i] * 12})
		}
	}
	return t
}
