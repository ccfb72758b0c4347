package insurance

import (
	"testing"
	"time"

	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/policies"
)

func loadPolicies(t *testing.T) *policy.Package {
	t.Helper()
	pk, err := policy.Load(policies.FS, policy.PensionFuncs()...)
	if err != nil {
		t.Fatal(err)
	}
	return pk
}

func TestAssess(t *testing.T) {
	pk := loadPolicies(t)
	m := period.NewMonth(2025, time.March)
	r, err := LoadRates(pk, m, "652301")
	if err != nil {
		t.Fatal(err)
	}
	// The band is 60% and 300% of the average wage, rounded half up.
	if r.Floor != r.AvgWage.MulRate(600_000) || r.Ceiling != r.AvgWage.MulRate(3_000_000) || r.Floor <= 0 {
		t.Fatalf("band %s-%s for average wage %s", r.Floor, r.Ceiling, r.AvgWage)
	}
	emp := &Enrolment{ID: 1, PersonID: 7, OrgID: 3, Scheme: EmployeePension, Kind: ThroughEmployer, RegionCode: "652301001001", Start: m}
	tests := []struct {
		name string
		wage money.Fen
		base money.Fen
	}{
		{"below the floor is raised to it", r.Floor - 1, r.Floor},
		{"at the floor", r.Floor, r.Floor},
		{"between", r.Floor + 12345, r.Floor + 12345},
		{"at the ceiling", r.Ceiling, r.Ceiling},
		{"above the ceiling is cut to it", r.Ceiling + 1, r.Ceiling},
		{"no declared wage pays on the floor", 0, r.Floor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, ok := r.Assess(emp, tt.wage)
			if !ok || a.Base != tt.base {
				t.Fatalf("Assess(wage %s) base = %s, want %s", tt.wage, a.Base, tt.base)
			}
			if a.Employer != tt.base.MulRate(r.PensionEmployer) || a.Individual != tt.base.MulRate(r.PensionIndividual) {
				t.Errorf("employer %s individual %s, want %s × %s and × %s", a.Employer, a.Individual, tt.base, r.PensionEmployer, r.PensionIndividual)
			}
		})
	}
	// A hand-computed case: 16% and 8% of a 6,000.55 yuan base, half up.
	a, _ := r.Assess(emp, money.Fen(600055))
	if r.PensionEmployer == 160_000 && r.PensionIndividual == 80_000 && a.Base == 600055 {
		if a.Employer != 96009 || a.Individual != 48004 { // 96,008.8 → 96,009; 48,004.4 → 48,004
			t.Errorf("16%%/8%% of 6,000.55 = %s / %s, want 960.09 / 480.04", a.Employer, a.Individual)
		}
	}
	flex := &Enrolment{ID: 2, PersonID: 8, Scheme: EmployeePension, Kind: Flexible, Base: r.Ceiling * 2, Start: m}
	a, ok := r.Assess(flex, 0)
	if !ok || a.Base != r.Ceiling || a.Employer != 0 || a.Individual != r.Ceiling.MulRate(r.FlexTotal) || a.Account != r.Ceiling.MulRate(r.FlexAccount) {
		t.Errorf("flexible worker above the band: %+v", a)
	}
	inj := &Enrolment{ID: 3, PersonID: 9, OrgID: 3, Scheme: WorkInjury, Kind: ThroughEmployer, RiskClass: 5, Start: m}
	a, _ = r.Assess(inj, r.Floor)
	if a.Individual != 0 || a.Employer != r.Floor.MulRate(r.InjuryClass[5]) || r.InjuryClass[5] <= r.InjuryClass[1] {
		t.Errorf("work injury class 5: %+v (rates %v)", a, r.InjuryClass)
	}
	if _, ok := r.Assess(&Enrolment{Scheme: ResidentPension, Kind: Resident, Tier: 50000}, 0); ok {
		t.Error("a resident was assessed monthly")
	}
}

func TestEnrolmentRules(t *testing.T) {
	m := period.NewMonth(2024, time.January)
	tests := []struct {
		name  string
		e     Enrolment
		field string
	}{
		{"employer", Enrolment{PersonID: 1, Scheme: EmployeePension, Kind: ThroughEmployer, OrgID: 2, Start: m}, ""},
		{"employer without org", Enrolment{PersonID: 1, Scheme: Unemployment, Kind: ThroughEmployer, Start: m}, "org_id"},
		{"flexible unemployment", Enrolment{PersonID: 1, Scheme: Unemployment, Kind: Flexible, Base: 1, Start: m}, "kind"},
		{"flexible without base", Enrolment{PersonID: 1, Scheme: EmployeePension, Kind: Flexible, Start: m}, "base"},
		{"resident without tier", Enrolment{PersonID: 1, Scheme: ResidentPension, Kind: Resident, Start: m}, "tier"},
		{"work injury without class", Enrolment{PersonID: 1, Scheme: WorkInjury, Kind: ThroughEmployer, OrgID: 2, Start: m}, "risk_class"},
		{"end before start", Enrolment{PersonID: 1, Scheme: EmployeePension, Kind: ThroughEmployer, OrgID: 2, Start: m, End: m.Add(-1)}, "end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := tt.e.validate()
			if tt.field == "" && len(pr) != 0 || tt.field != "" && pr[tt.field] == "" {
				t.Errorf("validate = %v, want a problem with %q", pr, tt.field)
			}
		})
	}
	open := &Enrolment{ID: 1, Scheme: EmployeePension, Status: Active, Start: m}
	if conflict(&Enrolment{Scheme: EmployeePension, Status: Active, Start: m.Add(5)}, open) == "" {
		t.Error("two open employee-pension enrolments: no conflict")
	}
	if conflict(&Enrolment{Scheme: ResidentPension, Status: Active, Start: m.Add(5)}, open) == "" {
		t.Error("resident pension over open employee-pension months: no conflict")
	}
	ended := &Enrolment{ID: 2, Scheme: EmployeePension, Status: Terminated, Start: m, End: m.Add(11)}
	if msg := conflict(&Enrolment{Scheme: ResidentPension, Status: Active, Start: m.Add(12)}, ended); msg != "" {
		t.Errorf("resident pension after the employee pension ended: %s", msg)
	}
	if conflict(&Enrolment{Scheme: ResidentPension, Status: Active, Start: m.Add(6)}, ended) == "" {
		t.Error("resident pension over terminated employee-pension months: no conflict")
	}
	if msg := conflict(&Enrolment{Scheme: Unemployment, Status: Active, Start: m}, open); msg != "" {
		t.Errorf("unemployment beside the pension: %s", msg)
	}
}
