package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/money"
	"safetynet/internal/monitoring"
	"safetynet/internal/registry"
)

// Alerts gives the demo a month of department signals (large
// hospital bills, new disabilities, deaths of earners, unemployment
// registrations, a hailstorm, income drops) about persons drawn at random,
// graded into alerts three weeks ago; the township caseworkers have visited
// and closed some, and the rest are open, some of them overdue.
func (s *Seeder) Alerts(ctx context.Context, seed int64) error {
	w := s.Out
	r := rand.New(rand.NewPCG(uint64(seed), 0x5161))
	var persons []registry.PersonID
	err := s.Store.EachHousehold(ctx, func(h *Household) error {
		for i, m := range h.Members {
			if h.Deaths[i].IsZero() && r.IntN(40) == 0 {
				persons = append(persons, m.PersonID)
			}
		}
		return nil
	})
	if err != nil || len(persons) == 0 {
		return err
	}
	persons = persons[:min(len(persons), 120)]
	today := s.Today()
	graded := today.AddDays(-21)
	svc := s.Monitoring
	defer s.travel.set(time.Time{})
	s.travel.set(graded.Time().Add(10 * time.Hour))
	cw := auth.WithPrincipal(ctx, s.caseworker())
	type kindOf struct {
		kind   monitoring.Kind
		source monitoring.Source
		detail string
	}
	kinds := []kindOf{
		{monitoring.HospitalBill, monitoring.MedicalInsurance, "住院自付费用 out-of-pocket hospital bill"},
		{monitoring.NewDisability, monitoring.DisabledFederation, "新办残疾人证 new disability certificate"},
		{monitoring.EarnerDeath, monitoring.PublicSecurity, "家庭主要劳动力死亡 death of the main earner"},
		{monitoring.Unemployment, monitoring.HRSocialSecurity, "失业登记 unemployment registration"},
		{monitoring.Disaster, monitoring.EmergencyManagement, "冰雹灾害 hailstorm damage"},
		{monitoring.IncomeDrop, monitoring.Tax, "收入骤降 income fell sharply"},
	}
	ss := make([]monitoring.Signal, 0, len(persons))
	for i, p := range persons {
		k := kinds[i%len(kinds)]
		s := monitoring.Signal{Source: k.source, Kind: k.kind, PersonID: p, OccurredOn: graded.AddDays(-r.IntN(20)), Detail: k.detail, Line: i + 1}
		switch k.kind {
		case monitoring.HospitalBill:
			s.Amount = money.Yuan(int64(8_000 + r.IntN(60_000)))
		case monitoring.Disaster:
			s.Amount = money.Yuan(int64(5_000 + r.IntN(30_000)))
		case monitoring.IncomeDrop:
			s.Amount = money.Yuan(int64(10_000 + r.IntN(40_000)))
		case monitoring.NewDisability:
			s.Grade = 1 + r.IntN(4)
		}
		ss = append(ss, s)
	}
	if _, err := svc.RecordSignals(cw, "demo: department data "+graded.Period().String(), ss); err != nil {
		return err
	}
	sum, err := svc.Process(cw, graded)
	if err != nil {
		return err
	}
	// A week later the caseworkers visit a third of the alerts: most
	// households met and referred or found in no need, some not reached.
	s.travel.set(graded.AddDays(7).Time().Add(10 * time.Hour))
	alerts, err := svc.Alerts(cw, monitoring.AlertFilter{Page: registry.Page{Limit: 500}})
	if err != nil {
		return err
	}
	closed := 0
	for i, a := range alerts {
		if i%3 != 0 {
			continue
		}
		out := monitoring.Met
		if i%9 == 6 {
			out = monitoring.NotReached
		}
		a, err := svc.RecordVisit(cw, a.ID, a.Version, monitoring.Visit{VisitedOn: graded.AddDays(6), Outcome: out, Note: "入户走访 home visit"})
		if err != nil {
			return fmt.Errorf("visit alert %d: %w", a.ID, err)
		}
		var d monitoring.Disposition
		programme, note := "", "家庭情况稳定，暂无救助需求 stable, no need for now"
		switch {
		case out == monitoring.NotReached:
			d, note = monitoring.Unreachable, "多次联系未果 could not be reached"
		case i%2 == 0:
			d, programme, note = monitoring.Referred, "temporary_assistance", "转介临时救助 referred to temporary assistance"
		default:
			d = monitoring.NoNeed
		}
		if _, err := svc.Dispose(cw, a.ID, a.Version, d, programme, note); err != nil {
			return fmt.Errorf("dispose of alert %d: %w", a.ID, err)
		}
		closed++
	}
	s.travel.set(time.Time{})
	over, err := svc.Overdue(cw, today, "")
	if err != nil {
		return err
	}
	overdue := 0
	for _, o := range over {
		overdue += o.Overdue
	}
	fmt.Fprintf(w, "%s: %d department signals graded into %d alerts for the township caseworkers; %d visited and closed, %d overdue today in %d townships (safetynet monitor overdue)\n",
		graded, sum.Signals, sum.Opened, closed, overdue, len(over))
	return nil
}
