// Package demo builds the demo's synthetic months: a generated Changji
// population enrolled in the insurance schemes, three months of the
// insurance centre's work (assessment, collection, personal accounts,
// pension awards and payrolls), civil affairs' means tests, caseload,
// screenings and payments, a month of department signals graded into
// alerts, the month's bank batches with their returns and reconciliation,
// and the demo logins. It drives the domain services as a caseworker and
// an approver would; only the bulk loads that have no service method go
// to the store, through the Store interface.
package demo

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"sync"

	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/fault"
	"safetynet/internal/frontoffice"
	"safetynet/internal/frontoffice/ratings"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/monitoring"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/screening"
	"safetynet/internal/statistics"
)

// Store is what the demo needs of the store directly: bulk loads and
// reads for speed, and lookups no service offers without side effects.
// *sqlstore.DB implements all but EachHousehold and SeedEnrolments, which
// cmd/safetynet adapts from its EachHouseholdForTest and SeedEnrolments.
type Store interface {
	// BulkStore loads the synthetic population (registry.Loader).
	registry.BulkStore
	// SeedEnrolments enrols the generated population in bulk, in one
	// transaction with one audit event.
	SeedEnrolments(ctx context.Context, today period.Date, avgWage money.Fen) (Enrolled, error)
	// EachHousehold hands fn every household with its members, in key
	// order.
	EachHousehold(ctx context.Context, fn func(*Household) error) error
	// LoadMeansTests stores synthetic means tests in one transaction.
	LoadMeansTests(ctx context.Context, tests []*assistance.MeansTest) error
	// PostPayments records the tax bureau's collection as it arrives
	// (insurance.Service.Post records payments made at the window).
	PostPayments(ctx context.Context, ps []insurance.Payment) error
	// Persons lists persons without recording a read (the registry
	// service records every list as read by a user).
	Persons(ctx context.Context, f registry.PersonFilter) ([]*registry.Person, error)
	// UserByName returns a user; NotFound if there is none.
	UserByName(ctx context.Context, username string) (*auth.User, error)
}

// Household is a registry household with what a means test copies of its
// members, for generating tests in bulk.
type Household struct {
	ID         registry.HouseholdID
	RegionCode region.Code
	HukouType  registry.HukouType
	Members    []assistance.Member
	// Deaths are the members' death dates (zero for the living), by index.
	Deaths []period.Date
}

// Enrolled counts the enrolments Store.SeedEnrolments made.
type Enrolled struct {
	Employer, Flexible, Resident, Unemployment, WorkInjury int64
}

// Services are the domain services a Seeder drives.
type Services struct {
	// Registry loads the population.
	Registry *registry.Service
	// Insurance assesses the contributions.
	Insurance *insurance.Service
	// Accounts credits the personal accounts.
	Accounts *insurance.Accounts
	// Pensions awards pensions and runs the payrolls.
	Pensions *insurance.Pensions
	// Assistance runs civil affairs' means tests and cases.
	Assistance *assistance.Service
	// Screening screens for the allowances paid with no application.
	Screening *screening.Service
	// Payments makes the bank batches and reconciles.
	Payments *payment.Service
	// Monitoring grades the department signals into alerts.
	Monitoring *monitoring.Service
	// Auth makes the demo logins.
	Auth *auth.Service
	// Statistics summarises the demo's months for the dashboards.
	Statistics *statistics.Service
	// FrontOffice receives the applications (办件).
	FrontOffice *frontoffice.Service
	// Ratings records the applicants' ratings (好差评).
	Ratings *ratings.Service
}

// Seeder builds the demo's records by driving the services. Create it
// with New.
type Seeder struct {
	Services
	// Store takes the bulk loads.
	Store Store
	// Policy is the policy package in force.
	Policy *policy.Package
	// Juris is the jurisdiction: its home region is the demo's region.
	Juris region.Jurisdiction
	// Out receives a line for each step, with how long it took.
	Out io.Writer
	// clock is the real clock; travel moves the services' clock into the
	// demo's past.
	clock  clock.Clock
	travel *travelClock
	// population is the number of persons Population loaded (0 when
	// the database was loaded before).
	population int
}

// New returns a Seeder of the services that build makes over store, under
// policy package pk, in jurisdiction j, writing its steps to out. The
// demo's months end with the one before today's by clk. build is given the
// clock the services must tell the time by: clk's, except while a step
// dates the assistance and monitoring records in the demo's past.
func New(store Store, pk *policy.Package, j region.Jurisdiction, clk clock.Clock, build func(clock.Clock) Services, out io.Writer) *Seeder {
	tc := &travelClock{base: clk.Now}
	c := clock.New(tc.now, clk.Zone())
	return &Seeder{Services: build(c), Store: store, Policy: pk, Juris: j, Out: out, clock: clk, travel: tc}
}

// travelClock tells its base's time, or the moment it is set to.
type travelClock struct {
	base func() time.Time
	mu   sync.Mutex
	at   time.Time
}

func (c *travelClock) now() time.Time {
	c.mu.Lock()
	at := c.at
	c.mu.Unlock()
	if at.IsZero() {
		return c.base()
	}
	return at
}

// set moves the clock to t; the zero time puts it back on its base.
func (c *travelClock) set(t time.Time) {
	c.mu.Lock()
	c.at = t
	c.mu.Unlock()
}

// Today returns the date today by the Seeder's clock, in the
// jurisdiction.
func (s *Seeder) Today() period.Date { return s.clock.Today() }

// LastMonth returns the month before today's: the demo's last month.
func (s *Seeder) LastMonth() period.Month { return s.Today().Period().Add(-1) }

// Password is the password of every demo login. The demo database is for
// trying the system out; never use these accounts with real data.
const Password = "demo-2026"

// Users returns the demo logins of jurisdiction j, one per post: at the
// home region an administrator, an approver, an auditor and an analyst
// (admin, approver, auditor, analyst); in every county a caseworker, who
// also makes the payments (cw.<county>), and an approver (ap.<county>);
// and a caseworker of the first township of every county that has one
// (tw.<county>). <county> is the first word of the county's English name,
// lower case (changji, fukang, hutubi, …), or its code when that has no
// plain one.
func Users(j region.Jurisdiction) []auth.NewUser {
	home := j.Home
	us := []auth.NewUser{
		{Username: "admin", DisplayName: "系统管理员 System administrator", Role: auth.RoleAdmin, Scope: home},
		{Username: "approver", DisplayName: "州审批员 Prefecture approver", Role: auth.RoleApprover, Scope: home},
		{Username: "auditor", DisplayName: "州稽核员 Prefecture auditor", Role: auth.RoleAuditor, Scope: home},
		{Username: "analyst", DisplayName: "统计分析员 Analyst", Role: auth.RoleAnalyst, Scope: home},
	}
	counties := j.Tree.Descendants(home, region.County)
	for _, c := range counties {
		us = append(us,
			auth.NewUser{Username: "cw." + countyName(c), DisplayName: c.NameZH + "经办员 " + c.NameEN + " caseworker", Role: auth.RoleCaseworker, Scope: c.Code},
			auth.NewUser{Username: "ap." + countyName(c), DisplayName: c.NameZH + "审批员 " + c.NameEN + " approver", Role: auth.RoleApprover, Scope: c.Code})
	}
	for _, c := range counties {
		if ts := j.Tree.Children(c.Code); len(ts) > 0 {
			t := ts[0]
			us = append(us, auth.NewUser{Username: "tw." + countyName(c), DisplayName: c.NameZH + t.NameZH + "经办员 " + t.NameEN + " caseworker",
				Role: auth.RoleCaseworker, Scope: t.Code})
		}
	}
	return append(us, FrontOfficeUsers(j)...)
}

// countyName is the name of county c in demo usernames: the first word of
// its English name in lower case, or its code.
func countyName(c region.Node) string {
	w, _, _ := strings.Cut(strings.TrimSpace(c.NameEN), " ")
	w = strings.ToLower(w)
	if len(w) < 2 || strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") != "" {
		return string(c.Code)
	}
	return w
}

// EnsureUsers creates the demo logins that do not exist yet. They print
// their password, so they need not change it at the first sign-in; and
// their published password is shorter than the default least length of a
// real account's, which the seeder's own service (never the one that
// serves) is set to accept.
func (s *Seeder) EnsureUsers(ctx context.Context) error {
	ctx = auth.WithPrincipal(ctx, auth.SystemPrincipal("demo", s.Juris.Home))
	if err := s.Auth.SetPasswordRules(auth.PasswordRules{MinLength: len([]rune(Password))}); err != nil {
		return err
	}
	for _, nu := range Users(s.Juris) {
		if _, err := s.Store.UserByName(ctx, nu.Username); err == nil {
			continue
		} else if fault.CodeOf(err) != fault.NotFound {
			return err
		}
		nu.Password = Password
		if _, err := s.Auth.CreateUser(ctx, nu); err != nil {
			return fmt.Errorf("create demo user %s: %w", nu.Username, err)
		}
	}
	return nil
}

// The demo's users who make and check: one makes, another checks.
var (
	caseworkerID = auth.Principal{UserID: -1, Username: "system:assistance-caseworker", Role: auth.RoleAdmin}
	approverID   = auth.Principal{UserID: -2, Username: "system:assistance-approver", Role: auth.RoleApprover}
)

// caseworker is the demo's maker, scoped to the home region.
func (s *Seeder) caseworker() auth.Principal { p := caseworkerID; p.Scope = s.Juris.Home; return p }

// approver is the demo's checker, scoped to the home region.
func (s *Seeder) approver() auth.Principal { p := approverID; p.Scope = s.Juris.Home; return p }

// All builds a new demo database's months after its population: the
// insurance cycle, seven months of assistance ending last month, the
// monitoring alerts, last month's payments and three months of the front
// office's applications, whose actions (enrolments, certifications…)
// count in the published figures; the statistics are summarised last, so
// that they are the figures of everything seeded. seed draws the
// synthetic means tests, signals, bank returns and applications.
func (s *Seeder) All(ctx context.Context, seed int64) error {
	if err := s.InsuranceCycle(ctx); err != nil {
		return err
	}
	last := s.LastMonth()
	if err := s.SocialAssistance(ctx, last.Add(-6), last, seed); err != nil {
		return err
	}
	if err := s.Alerts(ctx, seed); err != nil {
		return err
	}
	if err := s.Payroll(ctx, last, seed); err != nil {
		return err
	}
	if err := s.Applications(ctx, seed); err != nil {
		return err
	}
	return s.SummariseStatistics(ctx)
}
