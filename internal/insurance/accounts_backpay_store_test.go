package insurance_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

func TestBackPaymentAndTierUpgrade(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := setupAccounts(t, open)
		code := sqlstoretest.Village(t, "652301", 3)
		old := sqlstoretest.NewPerson(t, code, 70) // 45 when the scheme began in 2011: may back-pay
		old.IDNumber = sqlstoretest.ResidentID(t, "652301", 1965, time.June, 1, 70)
		if err := ab.Svc.CreatePerson(ab.Ctx, old); err != nil {
			t.Fatal(err)
		}
		young := ab.Person(t, code, 71) // born 1980: neither rule applies
		o := ab.Org(t, code, 70)
		flex := ab.Enrol(t, &insurance.Enrolment{PersonID: old.ID, Scheme: insurance.EmployeePension, Kind: insurance.ThroughEmployer, OrgID: o.ID, Start: period.NewMonth(2018, time.January)})
		if _, err := ab.Ins.Transition(ab.Ctx, flex.ID, flex.Version, insurance.Terminated, period.NewMonth(2019, time.January), "left"); err != nil {
			t.Fatal(err)
		}
		for _, p := range []*registry.Person{old, young} {
			ab.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.ResidentPension, Kind: insurance.Resident, Tier: 10000, Start: period.NewMonth(2024, time.January)})
		}
		ab.pay(t, old, insurance.ResidentPension, period.NewMonth(2024, time.March), 0, 0, 10000, insurance.Posted)
		if _, err := ab.acc.Credit(ab.Ctx, period.NewMonth(2024, time.March), ""); err != nil {
			t.Fatal(err)
		}
		bpErr := func(ctx context.Context, id registry.PersonID, years []int, tier money.Fen) error {
			_, err := ab.acc.BackPay(ctx, id, years, tier)
			return err
		}
		upErr := func(ctx context.Context, id registry.PersonID, year int, tier money.Fen) error {
			_, err := ab.acc.UpgradeTier(ctx, id, year, tier)
			return err
		}

		bp, err := ab.acc.BackPay(ab.Ctx, old.ID, []int{2016, 2015}, 50000)
		if err != nil {
			t.Fatalf("BackPay: %v", err)
		}
		if bp.Total != 100000 || len(bp.Payments) != 2 || bp.Payments[0].Period != period.NewMonth(2015, time.January) || bp.Payments[0].ID == 0 ||
			bp.Payments[0].Source != insurance.BackPaymentSource || bp.ContributionYears != 3 {
			t.Errorf("BackPay = %+v", bp)
		}
		es := ab.entries(t, old, insurance.ResidentPension)
		if len(es) != 4 || es[0].Kind != insurance.EntryBackPayment || es[0].Amount != 50000 || es[0].Government ||
			es[0].Ref != fmt.Sprintf("payment:%d", bp.Payments[0].ID) {
			t.Errorf("entries after back payment = %+v (no subsidy for back-paid years)", es)
		}
		problems := func(err error) map[string]string {
			t.Helper()
			if fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("err = %v, want Invalid", err)
			}
			return fault.FieldsOf(err)
		}
		f := problems(bpErr(ab.Ctx, old.ID, []int{2010, 2015, 2018, 2024, 2026}, 50000))
		for _, k := range []string{"years.2010", "years.2015", "years.2018", "years.2024", "years.2026"} {
			if f[k] == "" {
				t.Errorf("problems %v lack %s", f, k)
			}
		}
		if f := problems(bpErr(ab.Ctx, old.ID, []int{2017}, 5000)); f["tier"] == "" {
			t.Errorf("a tier below the lowest: %v", f)
		}
		if f := problems(bpErr(ab.Ctx, young.ID, []int{2017}, 50000)); f["person_id"] == "" {
			t.Errorf("a person neither 60 nor within 15 years of 60 at the start: %v", f)
		}
		cw := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 9, Username: "cw", Role: auth.RoleCaseworker, Scope: "652302"})
		if f := problems(bpErr(cw, old.ID, []int{2017}, 50000)); f["person_id"] != fmt.Sprintf("person %d does not exist", old.ID) {
			t.Errorf("BackPay outside scope: %v, want the person unknown", f)
		}

		// 2024 paid at 100 yuan, upgraded to 500: no subsidy (a past year).
		up, err := ab.acc.UpgradeTier(ab.Ctx, old.ID, 2024, 50000)
		if err != nil || up.Paid != 10000 || up.Difference != 40000 || up.Subsidy != 0 || up.Payment.Source != insurance.TierUpgradeSource {
			t.Fatalf("UpgradeTier(2024) = %+v, %v", up, err)
		}
		if f := problems(upErr(ab.Ctx, old.ID, 2024, 50000)); f["tier"] == "" {
			t.Errorf("upgrade to the tier held: %v", f)
		}
		if f := problems(upErr(ab.Ctx, old.ID, 2020, 50000)); f["year"] == "" {
			t.Errorf("upgrade of an unpaid year: %v", f)
		}
		// The current year (2026): 200 yuan paid and credited (subsidy 40),
		// upgraded to 1,000 (subsidy 80): the subsidy difference of 40.
		ab.pay(t, old, insurance.ResidentPension, period.NewMonth(2026, time.March), 0, 0, 20000, insurance.Posted)
		if _, err := ab.acc.Credit(ab.Ctx, period.NewMonth(2026, time.March), ""); err != nil {
			t.Fatal(err)
		}
		up, err = ab.acc.UpgradeTier(ab.Ctx, old.ID, 2026, 100000)
		if err != nil || up.Difference != 80000 || up.Subsidy != 4000 {
			t.Fatalf("UpgradeTier(2026) = %+v, %v", up, err)
		}
		st, err := ab.acc.Statement(ab.Ctx, old.ID, insurance.ResidentPension)
		if err != nil {
			t.Fatal(err)
		}
		// 2 × 500 back-paid; 100 + 30 + 400 (2024); 200 + 40 + 800 + 40 (2026).
		if st.Balance != 100000+10000+3000+40000+20000+4000+80000+4000 || st.Government != 11000 || st.ContributionYears != 4 {
			t.Errorf("statement = balance %s, government %s, years %d", st.Balance, st.Government, st.ContributionYears)
		}
		if n := sqlstoretest.AuditActions(t, ab.DB); n["account.back_payment"] != 1 || n["account.tier_upgrade"] != 2 {
			t.Errorf("audit = %v", n)
		}
	})
}
