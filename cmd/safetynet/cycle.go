package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
)

// demoCycle runs the insurance centre's monthly work on a new demo
// database for the three months before today's: the contribution
// assessment, then the tax bureau's collection as it would arrive (every
// employer pays in full, except one in twenty, which owes the last month),
// and the residents' yearly contributions at their tiers.
func demoCycle(ctx context.Context, db *sqlstore.DB, pk *policy.Package, w io.Writer) error {
	ctx = auth.WithPrincipal(ctx, auth.SystemPrincipal("demo-cycle", region.Changji))
	svc := insurance.NewService(db, db, pk)
	today := registry.NewService(db).Today()
	last := today.Period().Add(-1)
	for m := last.Add(-2); m <= last; m++ {
		start := time.Now()
		sum, err := svc.Assess(ctx, m, region.Changji)
		if err != nil {
			return err
		}
		paidOn := m.Add(1).First().AddDays(14)
		if paidOn > today {
			paidOn = today
		}
		var ps []insurance.Payment
		var owed int
		f := insurance.AssessmentFilter{Period: m, Region: region.Changji, Page: registry.Page{Limit: 500}}
		for {
			as, err := db.Assessments(ctx, f)
			if err != nil {
				return err
			}
			for _, a := range as {
				if m == last && a.OrgID != 0 && a.OrgID%20 == 0 {
					owed++
					continue
				}
				ps = append(ps, insurance.Payment{PersonID: a.PersonID, OrgID: a.OrgID, Scheme: a.Scheme, Period: m, RegionCode: a.RegionCode,
					Base: a.Base, Employer: a.Employer, Individual: a.Individual, PaidOn: paidOn, Source: insurance.TaxBureau,
					ReceiptNo: fmt.Sprintf("DEMO%s%08d", m.String(), a.EnrolmentID)})
			}
			if len(as) < f.Limit {
				break
			}
			f.After = int64(as[len(as)-1].EnrolmentID)
		}
		if err := postInBatches(ctx, db, ps); err != nil {
			return err
		}
		fmt.Fprintf(w, "%s: %d contributions assessed (%s yuan due), %d collected, %d left owing, in %.1f s\n",
			m, sum.Assessments, sum.Employer+sum.Individual, len(ps), owed, time.Since(start).Seconds())
	}
	// The residents' yearly contribution (城乡居民年度缴费), in the first
	// month of the year they were enrolled.
	year := last.First().Year()
	jan := period.NewMonth(year, time.January)
	var ps []insurance.Payment
	var total money.Fen
	f := insurance.EnrolmentFilter{Scheme: insurance.ResidentPension, Status: insurance.Active, Page: registry.Page{Limit: 500}}
	for {
		es, err := db.Enrolments(ctx, f)
		if err != nil {
			return err
		}
		for _, e := range es {
			m := max(e.Start, jan)
			if m > last {
				continue
			}
			paidOn := min(m.First().AddDays(19), today)
			ps = append(ps, insurance.Payment{PersonID: e.PersonID, Scheme: insurance.ResidentPension, Period: m, RegionCode: e.RegionCode,
				Individual: e.Tier, PaidOn: paidOn, Source: insurance.TaxBureau, ReceiptNo: fmt.Sprintf("DEMOR%d%08d", year, e.ID)})
			total += e.Tier
		}
		if len(es) < f.Limit {
			break
		}
		f.After = int64(es[len(es)-1].ID)
	}
	if err := postInBatches(ctx, db, ps); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d: %d residents paid their yearly contribution, %s yuan\n", year, len(ps), total)

	// The personal accounts are credited month by month, and government
	// pays the year's minimum tier for the hardship groups (代缴).
	acc := insurance.NewAccounts(db, db, pk)
	start := time.Now()
	var credited int
	var credits money.Fen
	for m := jan; m <= last; m++ {
		c, err := acc.Credit(ctx, m, region.Changji)
		if err != nil {
			return err
		}
		credited += c.Posted
		credits += c.Contributions + c.Subsidies
	}
	fmt.Fprintf(w, "personal accounts credited %s to %s: %d entries, %s yuan, in %.1f s\n", jan, last, credited, credits, time.Since(start).Seconds())
	hb, err := acc.PayHardshipPremiums(ctx, year, region.Changji)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d: resident premiums paid by government (代缴) for %d persons in hardship, %s yuan\n", year, hb.Persons, hb.Total)
	return nil
}

// postInBatches posts payments in transactions of up to 20,000.
func postInBatches(ctx context.Context, db *sqlstore.DB, ps []insurance.Payment) error {
	for len(ps) > 0 {
		n := min(len(ps), 20_000)
		if err := db.PostPayments(ctx, ps[:n]); err != nil {
			return err
		}
		ps = ps[n:]
	}
	return nil
}
