package demo

import (
	"context"
	"fmt"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

// InsuranceCycle runs the insurance centre's monthly work on a new demo
// database for the three months before today's (by the Seeder's clock):
// the contribution assessment, then the tax bureau's collection as it
// would arrive (every employer pays in full, except one in twenty, which
// owes the last month), and the residents' yearly contributions at their
// tiers; then it credits the personal accounts, pays the hardship
// groups' premiums, awards the pensions and runs the three payrolls.
func (s *Seeder) InsuranceCycle(ctx context.Context) error {
	w := s.Out
	ctx = auth.WithPrincipal(ctx, auth.SystemPrincipal("demo-cycle", s.Juris.Home))
	svc := s.Insurance
	today := s.Today()
	last := today.Period().Add(-1)
	for m := last.Add(-2); m <= last; m++ {
		start := time.Now()
		sum, err := svc.Assess(ctx, m, s.Juris.Home)
		if err != nil {
			return err
		}
		paidOn := m.Add(1).First().AddDays(14)
		if paidOn > today {
			paidOn = today
		}
		var ps []insurance.Payment
		var owed int
		f := insurance.AssessmentFilter{Period: m, Region: s.Juris.Home, Page: registry.Page{Limit: 500}}
		for {
			as, err := svc.Assessments(ctx, f)
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
		if err := s.postInBatches(ctx, ps); err != nil {
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
		es, err := svc.Enrolments(ctx, f)
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
			var err error
			if total, err = money.Add(total, e.Tier); err != nil {
				return fmt.Errorf("resident contributions %d: %w", year, err)
			}
		}
		if len(es) < f.Limit {
			break
		}
		f.After = int64(es[len(es)-1].ID)
	}
	if err := s.postInBatches(ctx, ps); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d: %d residents paid their yearly contribution, %s yuan\n", year, len(ps), total)

	// The personal accounts are credited month by month, and government
	// pays the year's minimum tier for the hardship groups (代缴).
	acc := s.Accounts
	start := time.Now()
	var credited int
	var credits money.Fen
	for m := jan; m <= last; m++ {
		c, err := acc.Credit(ctx, m, s.Juris.Home)
		if err != nil {
			return err
		}
		credited += c.Posted
		if credits, err = money.Sum(credits, c.Contributions, c.Subsidies); err != nil {
			return fmt.Errorf("credit %s: %w", m, err)
		}
	}
	fmt.Fprintf(w, "personal accounts credited %s to %s: %d entries, %s yuan, in %.1f s\n", jan, last, credited, credits, time.Since(start).Seconds())
	hb, err := acc.PayHardshipPremiums(ctx, year, s.Juris.Home)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d: resident premiums paid by government (代缴) for %d persons in hardship, %s yuan\n", year, hb.Persons, hb.Total)
	return s.awardPensions(ctx, last.Add(-2), last)
}

// awardPensions awards pensions from the first month of the cycle and runs
// the payroll of each month: employee pensions for those who reached the
// statutory age in the last three years, with deemed contributions
// (视同缴费) from a synthetic archive (the demo has no contribution history
// before its first month, nor the average wages of earlier years), and
// resident pensions for the residents aged 75 or over, who were 60 before
// the scheme began and draw its basic pension without contributing.
func (s *Seeder) awardPensions(ctx context.Context, from, last period.Month) error {
	w, pen := s.Out, s.Pensions
	start := time.Now()
	var employee, resident, refused int
	f := registry.PersonFilter{Alive: true, Page: registry.Page{Limit: 500}}
	for {
		ps, err := s.Store.Persons(ctx, f)
		if err != nil {
			return err
		}
		for _, p := range ps {
			age := period.AgeAt(p.BirthDate(), from.First())
			req := insurance.AwardRequest{PersonID: p.ID, Start: from}
			switch male := p.Gender() == ids.Male; {
			case male && age >= 60 && age < 63, !male && age >= 50 && age < 53:
				req.Scheme, req.Group = insurance.EmployeePension, insurance.GroupMale
				if !male {
					req.Group = insurance.GroupFemaleWorker
				}
				// The synthetic archive: 20 to 25 deemed years at 60% to
				// 70% of the average wage, which puts the awards near
				// Changji's published average pension.
				req.DeemedMonths = (20 + int(p.ID)%6) * 12
				req.DeemedWageIndex = money.RateOne * money.Rate(60+int64(p.ID)%11) / 100
			case age >= 75:
				req.Scheme = insurance.ResidentPension
			default:
				continue
			}
			switch _, err := pen.Award(ctx, req); {
			case fault.CodeOf(err) == fault.Invalid || fault.CodeOf(err) == fault.Conflict:
				refused++ // not enrolled, or no pension age yet under the reform
			case err != nil:
				return err
			case req.Scheme == insurance.EmployeePension:
				employee++
			default:
				resident++
			}
		}
		if len(ps) < f.Limit {
			break
		}
		f.After = int64(ps[len(ps)-1].ID)
	}
	fmt.Fprintf(w, "pensions awarded from %s: %d employee, %d resident (%d requests refused, each with its reasons), in %.1f s\n",
		from, employee, resident, refused, time.Since(start).Seconds())
	for m := from; m <= last; m++ {
		sum, err := pen.Payroll(ctx, m, s.Juris.Home)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s payroll: %d pensions, %s yuan\n", m, sum.Lines, sum.Regular+sum.Arrears)
	}
	return nil
}

// postInBatches posts payments in transactions of up to 20,000.
func (s *Seeder) postInBatches(ctx context.Context, ps []insurance.Payment) error {
	for len(ps) > 0 {
		n := min(len(ps), 20_000)
		if err := s.Store.PostPayments(ctx, ps[:n]); err != nil {
			return err
		}
		ps = ps[n:]
	}
	return nil
}
