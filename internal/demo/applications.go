package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/bundles"
	"safetynet/internal/fault"
	"safetynet/internal/frontoffice"
	"safetynet/internal/frontoffice/execute"
	"safetynet/internal/frontoffice/ratings"
	"safetynet/internal/ids"
	"safetynet/internal/insurance"
	"safetynet/internal/matters"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// FrontOfficeUsers returns the demo logins of the front office (一窗受理)
// of jurisdiction j: in every county a counter clerk (综合柜员,
// clerk.<county>) who receives at the county's hall, townships, villages
// and bank outlets, and a head of the county's windows (窗口负责人,
// head.<county>) who answers the follow-ups of poor ratings; and a head
// over the whole jurisdiction (head), the second user who closes them.
func FrontOfficeUsers(j region.Jurisdiction) []auth.NewUser {
	us := []auth.NewUser{{Username: "head", DisplayName: "州窗口负责人 Prefecture head of the windows", Role: auth.RolePointHead, Scope: j.Home}}
	for _, c := range j.Tree.Descendants(j.Home, region.County) {
		us = append(us,
			auth.NewUser{Username: "clerk." + countyName(c), DisplayName: c.NameZH + "综合柜员 " + c.NameEN + " counter clerk", Role: auth.RoleClerk, Scope: c.Code},
			auth.NewUser{Username: "head." + countyName(c), DisplayName: c.NameZH + "窗口负责人 " + c.NameEN + " head of the windows", Role: auth.RolePointHead, Scope: c.Code})
	}
	return us
}

// The fates of the demo's applications: how far each one went.
type fate int

const (
	fateOnTime       fate = iota // finished (办结) within its time limit
	fateLate                     // finished after its due date
	fateFixed                    // a correction (补正) asked, supplied, then finished
	fateInCorrection             // a correction asked and not supplied yet
	fateRefused                  // refused at review with the reason
	fateWithdrawn                // withdrawn by the applicant
	fateNotAccepted              // not accepted: the 一次性告知
	fateDeferred                 // 容缺受理, held after approval until the material came
	fateOverdue                  // still running, its due date passed
	fateDueSoon                  // still running, due within the warning
)

// counterActors are the users of a county who work its applications.
type counterActors struct {
	county   region.Node
	clerk    context.Context // receives at the counters (clerk.<county>)
	reviewer context.Context // reviews (cw.<county>)
	approver context.Context // approves (ap.<county>)
	head     context.Context // answers the follow-ups (head.<county>)
	hall     matters.Point
	points   map[matters.Kind][]matters.Point
	persons  []*registry.Person
	// pensioners not certified through an application yet, by scheme.
	pensioners map[insurance.Scheme][]*insurance.Award
	employers  []*registry.Organisation
}

// Applications receives the demo's applications (办件) over the three
// months before today's, through the front office as its clerks,
// caseworkers and approvers would: across the channels (about three
// quarters online and on the phone, as the prefecture publishes) and the
// kinds of service point, mostly finished in time, some late, a few in
// correction, not accepted with their 一次性告知, accepted with a material
// to follow (容缺), refused or withdrawn, and a few still running past
// their due date or due soon at today. Most finished ones are rated; the
// poor ratings' follow-ups are answered by the county's head and closed by
// the prefecture's. The number scales with the population loaded
// (Population): one for every 40 persons, from 40 to 1,500.
func (s *Seeder) Applications(ctx context.Context, seed int64) error {
	defer s.travel.set(time.Time{})
	if err := s.EnsureUsers(ctx); err != nil {
		return err
	}
	start := time.Now() // the logins are the demo's, not this step's
	off, err := s.FrontOffice.Office()
	if err != nil {
		return err
	}
	s.Ratings.UseOffice(off)
	sys := auth.WithPrincipal(ctx, auth.SystemPrincipal("demo-frontoffice", s.Juris.Home))
	actors, err := s.counterActors(ctx, sys, off)
	if err != nil {
		return err
	}
	if len(actors) == 0 {
		return nil
	}
	r := rand.New(rand.NewPCG(uint64(seed), 0x6a0b15))
	n := min(max(s.population/40, 40), 1500)
	plan := planFates(n)
	r.Shuffle(len(plan), func(i, j int) { plan[i], plan[j] = plan[j], plan[i] })

	last := s.LastMonth()
	days, err := workingDays(off, last.Add(-2).First(), last.Last())
	if err != nil {
		return err
	}
	lastDays, err := workingDays(off, last.First(), last.Last())
	if err != nil {
		return err
	}
	g := &applicationRun{s: s, off: off, r: r, sys: sys, online: auth.WithPrincipal(ctx, auth.SystemPrincipal("online-platform", s.Juris.Home)),
		pad: auth.WithPrincipal(ctx, auth.SystemPrincipal("rating-pad", s.Juris.Home)), today: s.Today(), byStatus: map[frontoffice.Status]int{}}
	// The counties in proportion to their persons; employers' matters
	// in those with employers.
	var weighted, withEmployers []*counterActors
	for _, ca := range actors {
		for range len(ca.persons)/10 + 1 {
			weighted = append(weighted, ca)
		}
		if len(ca.employers) > 0 {
			withEmployers = append(withEmployers, ca)
		}
	}
	for i, f := range plan {
		ca := weighted[r.IntN(len(weighted))]
		if f == fateDeferred && len(withEmployers) > 0 {
			ca = withEmployers[r.IntN(len(withEmployers))]
		}
		day := days[r.IntN(len(days))]
		switch f {
		case fateOverdue:
			day = lastDays[r.IntN(max(1, len(lastDays)*2/3))]
		case fateDueSoon:
			if day, err = g.dueSoonDay(); err != nil {
				return err
			}
		}
		g.at(day, 9*60+i%360)
		if err := g.apply(ca, f, day, i); err != nil {
			return fmt.Errorf("demo application %d (%v): %w", i, f, err)
		}
	}
	bundled, err := g.bundles(actors[0], actors, lastDays[len(lastDays)/3])
	if err != nil {
		return err
	}
	closed, err := g.followUps(actors)
	if err != nil {
		return err
	}
	n += len(bundled)
	fmt.Fprintf(s.Out, "%s to %s: %d applications received across the channels and service points (%d finished, %d running, %d in correction, %d not accepted, %d refused, %d withdrawn); bundles: %s; %d rated, %d poor ratings followed up, %d closed, in %.1f s\n",
		last.Add(-2), last, n, g.byStatus[frontoffice.Completed], g.running(), g.byStatus[frontoffice.Correction], g.byStatus[frontoffice.NotAccepted],
		g.byStatus[frontoffice.Refused], g.byStatus[frontoffice.Withdrawn], strings.Join(bundled, ", "), g.rated, g.poor, closed, time.Since(start).Seconds())
	return nil
}

// planFates is the mix of n applications, in a fixed order the caller
// shuffles.
func planFates(n int) []fate {
	quota := []struct {
		f fate
		n int
	}{
		{fateLate, max(3, n/12)}, {fateFixed, max(2, n/50)}, {fateInCorrection, max(2, n/150)},
		{fateRefused, max(3, n/60)}, {fateWithdrawn, 2}, {fateNotAccepted, max(3, n/50)},
		{fateDeferred, max(2, n/100)}, {fateOverdue, max(3, n/60)}, {fateDueSoon, 3},
	}
	var plan []fate
	for _, q := range quota {
		for range q.n {
			plan = append(plan, q.f)
		}
	}
	for len(plan) < n {
		plan = append(plan, fateOnTime)
	}
	return plan[:n]
}

// workingDays lists the working days from a to b, both included.
func workingDays(off *matters.Office, a, b period.Date) ([]period.Date, error) {
	var out []period.Date
	for d := a; d <= b; d = d.AddDays(1) {
		ok, err := off.Calendar.IsWorkingDay(d)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, d)
		}
	}
	return out, nil
}

// counterActors signs in the county users and finds each county's points,
// a sample of its persons, its pensioners and a few employers.
func (s *Seeder) counterActors(ctx, sys context.Context, off *matters.Office) ([]*counterActors, error) {
	var out []*counterActors
	for _, c := range s.Juris.Tree.Descendants(s.Juris.Home, region.County) {
		ca := &counterActors{county: c, points: map[matters.Kind][]matters.Point{}, pensioners: map[insurance.Scheme][]*insurance.Award{}}
		var err error
		name := countyName(c)
		for _, u := range []struct {
			ctx *context.Context
			who string
		}{{&ca.clerk, "clerk." + name}, {&ca.reviewer, "cw." + name}, {&ca.approver, "ap." + name}, {&ca.head, "head." + name}} {
			p, err := s.actAs(ctx, u.who)
			if err != nil {
				return nil, err
			}
			*u.ctx = auth.WithPrincipal(ctx, p)
		}
		for _, p := range off.Points.List(matters.PointFilter{Region: c.Code}) {
			ca.points[p.Kind] = append(ca.points[p.Kind], p)
		}
		if len(ca.points[matters.Hall]) == 0 {
			continue
		}
		ca.hall = ca.points[matters.Hall][0]
		ps, err := s.Store.Persons(ctx, registry.PersonFilter{Region: c.Code, Alive: true, Page: registry.Page{Limit: 400}})
		if err != nil {
			return nil, err
		}
		adult := s.Today().Year() - 18
		for _, p := range ps {
			if p.BirthDate().Year() <= adult {
				ca.persons = append(ca.persons, p)
			}
		}
		if len(ca.persons) == 0 {
			continue
		}
		for _, sc := range []insurance.Scheme{insurance.EmployeePension, insurance.ResidentPension} {
			aws, err := s.Pensions.Awards(sys, insurance.AwardFilter{Region: c.Code, Scheme: sc, Page: registry.Page{Limit: 200}})
			if err != nil {
				return nil, err
			}
			seen := map[registry.PersonID]bool{}
			for _, a := range aws {
				if !seen[a.PersonID] {
					seen[a.PersonID] = true
					ca.pensioners[sc] = append(ca.pensioners[sc], a)
				}
			}
		}
		if ca.employers, err = s.Registry.Organisations(sys, registry.OrgFilter{Region: c.Code, Page: registry.Page{Limit: 20}}); err != nil {
			return nil, err
		}
		out = append(out, ca)
	}
	return out, nil
}

// actAs signs in the demo user named username in its first post.
func (s *Seeder) actAs(ctx context.Context, username string) (auth.Principal, error) {
	u, err := s.Store.UserByName(ctx, username)
	if err != nil {
		return auth.Principal{}, fmt.Errorf("demo user %s: %w", username, err)
	}
	posts := u.LivePosts()
	if len(posts) == 0 {
		return auth.Principal{}, fmt.Errorf("demo user %s holds no post", username)
	}
	return s.Auth.ActAs(ctx, u.ID, posts[0].ID)
}

// applicationRun is the state of one Applications step.
type applicationRun struct {
	s        *Seeder
	off      *matters.Office
	r        *rand.Rand
	sys      context.Context // reads
	online   context.Context // the online and phone platform's intake
	pad      context.Context // the counters' rating pads (评价器)
	today    period.Date
	byStatus map[frontoffice.Status]int
	rated    int
	poor     int
}

// at moves the services' clock to minute of day d (Beijing time).
func (g *applicationRun) at(d period.Date, minute int) {
	g.s.travel.set(d.Time().Add(time.Duration(minute) * time.Minute))
}

// after is the working day n working days after d, but not after today.
func (g *applicationRun) after(d period.Date, n int) (period.Date, error) {
	x, err := g.off.Calendar.AddWorkingDays(d, n)
	if err != nil {
		return 0, err
	}
	return min(x, g.today), nil
}

// dueSoonDay is the last working day before today: an application of one
// working day received then is due at the next working day, within the
// warning.
func (g *applicationRun) dueSoonDay() (period.Date, error) {
	for d := g.today.AddDays(-1); ; d = d.AddDays(-1) {
		ok, err := g.off.Calendar.IsWorkingDay(d)
		if err != nil || ok {
			return d, err
		}
	}
}

// running counts the applications left running.
func (g *applicationRun) running() int {
	n := 0
	for st, c := range g.byStatus {
		if st.Running() {
			n += c
		}
	}
	return n
}

// channelOf draws the channel of an application: about half online, a
// quarter on the phone, the rest at the counters of the four kinds of
// point and a few across provinces.
func (g *applicationRun) channelOf() matters.Channel {
	switch x := g.r.IntN(1000); {
	case x < 505:
		return matters.Online
	case x < 755:
		return matters.Mobile
	case x < 860:
		return matters.Window
	case x < 915:
		return matters.Township
	case x < 955:
		return matters.Village
	case x < 990:
		return matters.Bank
	default:
		return matters.CrossProvince
	}
}

// kindOf is the kind of point of a counter channel.
var kindOf = map[matters.Channel]matters.Kind{matters.Window: matters.Hall, matters.Township: matters.TownshipPoint,
	matters.Village: matters.VillagePoint, matters.Bank: matters.BankOutlet}

// apply receives the i-th application, of county ca on day, and takes it
// as far as its fate. The first ones go through each channel in turn, so
// that even a small demo has them all.
func (g *applicationRun) apply(ca *counterActors, f fate, day period.Date, i int) error {
	ch := g.channelOf()
	if chs := matters.Channels(); i < len(chs) {
		ch = chs[i]
	}
	if f == fateDeferred {
		// 容缺: an employer's change with its proof to follow.
		ch = []matters.Channel{matters.Window, matters.Online, matters.Township}[g.r.IntN(3)]
	}
	in, home, ok := g.receipt(ca, f, ch, day)
	if !ok {
		return nil
	}
	recv := g.online
	if pt, ok := kindOf[ch]; ok {
		ps := ca.points[pt]
		if len(ps) == 0 {
			ch, recv = matters.Window, ca.clerk
			in.Channel, ps = ch, ca.points[matters.Hall]
		}
		recv = ca.clerk
		in.Point = pickPoint(ps, home, g.r).ID
	}
	a, err := g.s.FrontOffice.Receive(recv, in)
	if err != nil {
		return fmt.Errorf("receive %s: %w", in.Matter, err)
	}
	if a.Status == frontoffice.NotAccepted || a.Status == frontoffice.Completed {
		return g.done(ca, a, day)
	}
	// The back office the same afternoon.
	g.at(day, 15*60+g.r.IntN(120))
	switch f {
	case fateWithdrawn:
		next, err := g.after(day, 1)
		if err != nil {
			return err
		}
		g.at(next, 10*60)
		if a, err = g.s.FrontOffice.Withdraw(ca.clerk, a.No, a.Version, "申请人申请撤回"); err != nil {
			return err
		}
		return g.done(ca, a, next)
	case fateOverdue:
		// Taken for review and left there, or not even taken.
		if g.r.IntN(2) == 0 {
			if a, err = g.s.FrontOffice.Take(ca.reviewer, a.No, a.Version); err != nil {
				return err
			}
		}
		return g.done(ca, a, day)
	case fateDueSoon:
		return g.done(ca, a, day)
	}
	if a, err = g.s.FrontOffice.Take(ca.reviewer, a.No, a.Version); err != nil {
		return err
	}
	switch f {
	case fateRefused:
		a, err = g.s.FrontOffice.Review(ca.reviewer, a.No, frontoffice.Decision{Outcome: frontoffice.OutcomeRefuse, Version: a.Version,
			Note: "经核查，申请人不符合本事项的办理条件（信息与登记记录不一致），不予办理。"})
		if err != nil {
			return err
		}
		return g.done(ca, a, day)
	case fateFixed, fateInCorrection:
		a, err = g.s.FrontOffice.Review(ca.reviewer, a.No, frontoffice.Decision{Outcome: frontoffice.OutcomeCorrection, Version: a.Version,
			Items: []string{"申请人身份证件原件（所交材料不清晰）"}})
		if err != nil {
			return err
		}
		if f == fateInCorrection {
			return g.done(ca, a, day)
		}
		back, err := g.after(day, 3+g.r.IntN(4))
		if err != nil {
			return err
		}
		g.at(back, 10*60)
		day = back
		if a, err = g.s.FrontOffice.Resume(ca.clerk, a.No, a.Version, "申请人已补正"); err != nil {
			return err
		}
	}
	// Approval: within the time limit, or after it for the late ones.
	due := a.DueDate
	if due.IsZero() {
		due = day
	}
	var on period.Date
	if f == fateLate {
		on, err = g.after(due, 1+g.r.IntN(4))
	} else {
		on, err = g.after(day, g.r.IntN(max(1, a.TimeLimit))+1)
		on = min(on, max(due, day))
	}
	if err != nil {
		return err
	}
	g.at(on, 9*60+30)
	if a, err = g.s.FrontOffice.Review(ca.reviewer, a.No, frontoffice.Decision{Outcome: frontoffice.OutcomePass, Version: a.Version, Note: "材料齐全，符合条件"}); err != nil {
		return err
	}
	g.at(on, 11*60)
	if a, err = g.s.FrontOffice.Approve(ca.approver, a.No, frontoffice.Decision{Outcome: frontoffice.OutcomeApprove, Version: a.Version, Note: "同意"}); err != nil {
		return err
	}
	if f == fateDeferred && a.Status == frontoffice.Held {
		came, err := g.after(on, 2)
		if err != nil {
			return err
		}
		g.at(came, 10*60)
		for _, m := range a.Outstanding() {
			if a, err = g.s.FrontOffice.SupplyDeferred(ca.clerk, a.No, m.ID, a.Version); err != nil {
				return err
			}
		}
		on = came
	}
	return g.done(ca, a, on)
}

// pickPoint is a point of ps: the township or village point over the
// applicant's home region when there is one, else one at random.
func pickPoint(ps []matters.Point, home region.Code, r *rand.Rand) matters.Point {
	for _, p := range ps {
		if p.Kind != matters.BankOutlet && p.Kind != matters.Hall && (p.Region == home || p.Region.Contains(home)) {
			return p
		}
	}
	return ps[r.IntN(len(ps))]
}

// receipt draws the matter, applicant, form and materials of an
// application of fate f through channel ch, and the applicant's region;
// false when the county has nobody to apply for it.
func (g *applicationRun) receipt(ca *counterActors, f fate, ch matters.Channel, day period.Date) (frontoffice.Receipt, region.Code, bool) {
	in := frontoffice.Receipt{Channel: ch}
	how := frontoffice.MaterialOriginal
	if ch == matters.Online || ch == matters.Mobile || ch == matters.CrossProvince {
		how = frontoffice.MaterialUploaded
	}
	idCard := map[string]frontoffice.MaterialIn{"id_card": {How: how}}
	if f == fateDeferred && len(ca.employers) > 0 {
		o := ca.employers[g.r.IntN(len(ca.employers))]
		promised, _ := g.after(day, 5)
		if promised <= day {
			promised = day.AddDays(7)
		}
		form, _ := json.Marshal(map[string]string{"address": o.Address + "（新址）"})
		return frontoffice.Receipt{Matter: "employer_change", Channel: ch, OrganisationID: o.ID, Form: form,
			Materials: map[string]frontoffice.MaterialIn{"business_licence": {How: copyOr(how)}, "change_proof": {How: frontoffice.MaterialDeferred, Promised: promised}}}, o.RegionCode, true
	}
	p := ca.persons[g.r.IntN(len(ca.persons))]
	in.PersonID, in.Materials = p.ID, idCard
	home := p.RegionCode
	x := g.r.IntN(10)
	switch {
	case x < 4 && f == fateOnTime:
		// Read-only matters are finished at once by who may read them.
		in.Matter = []string{"insurance_enrolment_query", "employee_pension_certificate", "resident_pension_certificate"}[g.r.IntN(3)]
	case x < 8 || ch == matters.Bank || ch == matters.CrossProvince:
		sc := insurance.ResidentPension
		if g.r.IntN(3) == 0 {
			sc = insurance.EmployeePension
		}
		if len(ca.pensioners[sc]) == 0 && sc == insurance.EmployeePension {
			sc = insurance.ResidentPension
		}
		if len(ca.pensioners[sc]) == 0 {
			in.Matter = "insurance_enrolment_query"
			break
		}
		in.Matter = "resident_pension_certification"
		if sc == insurance.EmployeePension {
			in.Matter = "employee_pension_certification"
		}
		in.PersonID, home = ca.pensioners[sc][0].PersonID, ca.pensioners[sc][0].RegionCode
		ca.pensioners[sc] = ca.pensioners[sc][1:]
		method := "face"
		if ch == matters.Window || ch == matters.Township || ch == matters.Village || ch == matters.Bank {
			method = "data_match"
		}
		in.Form, _ = json.Marshal(map[string]string{"date": day.String(), "method": method})
	default:
		in.Matter = "hardship_self_report"
		in.Form, _ = json.Marshal(map[string]string{"kind": "unemployment", "occurred_on": day.AddDays(-10 - g.r.IntN(40)).String(),
			"detail": "家庭主要劳动力失业，收入明显减少"})
	}
	m, ok := g.off.Catalogue.Matter(in.Matter)
	if !ok || !m.Open(ch) {
		in.Matter, in.Form = "insurance_enrolment_query", nil
		in.PersonID, home = p.ID, p.RegionCode
	}
	if f == fateNotAccepted {
		// A relative applies for the person without the letter of
		// authorisation, and for a form, its date is left out: the
		// 一次性告知 lists everything. Half of them ask for the resident
		// pension enrolment, whose letter may not be deferred when nobody
		// promises it, with nothing filled in.
		agent := ca.persons[g.r.IntN(len(ca.persons))]
		in.Agent = &frontoffice.Agent{Name: agent.Name, IDNumber: string(agent.IDNumber)}
		in.Materials = nil
		if m, ok := g.off.Catalogue.Matter("resident_pension_enrol"); ok && m.Open(ch) && g.r.IntN(2) == 0 {
			in.Matter, in.PersonID, in.Form = m.ID, p.ID, json.RawMessage(`{}`)
			return in, p.RegionCode, true
		}
		if len(in.Form) > 0 {
			var form map[string]string
			_ = json.Unmarshal(in.Form, &form)
			delete(form, "date")
			delete(form, "occurred_on")
			in.Form, _ = json.Marshal(form)
		}
	}
	return in, home, true
}

// copyOr is how a copy is brought: uploaded online, a copy at the counter.
func copyOr(how string) string {
	if how == frontoffice.MaterialUploaded {
		return how
	}
	return frontoffice.MaterialCopy
}

// done counts a's final state and has most finished and refused
// applications rated on day: mostly 满意 or 非常满意, a few poor.
func (g *applicationRun) done(ca *counterActors, a *frontoffice.Application, day period.Date) error {
	g.byStatus[a.Status]++
	if a.Status != frontoffice.Completed && a.Status != frontoffice.Refused {
		return nil
	}
	if g.r.IntN(100) >= 85 {
		return nil
	}
	g.rated++
	level := ratings.VerySatisfied
	switch x := g.r.IntN(100); {
	case g.rated%23 == 3 || x < 3:
		level = ratings.Dissatisfied
	case g.rated%41 == 7 || x < 5:
		level = ratings.VeryDissatisfied
	case x < 12:
		level = ratings.Fair
	case x < 40:
		level = ratings.Satisfied
	}
	if a.Status == frontoffice.Refused && level > ratings.Fair && g.r.IntN(2) == 0 {
		level = ratings.Dissatisfied
	}
	via, point := ratings.ViaCounter, a.Point
	switch a.Channel {
	case matters.Online, matters.CrossProvince:
		via = ratings.ViaOnline
	case matters.Mobile:
		via = ratings.ViaMobile
	}
	if point == "" {
		// Online, phone and cross-province applications are rated
		// against the county's hall, whose back office worked them.
		point = ca.hall.ID
	}
	comment := map[ratings.Level]string{ratings.VerySatisfied: "办理很快，态度很好", ratings.Satisfied: "满意",
		ratings.Fair: "还可以", ratings.Dissatisfied: "等待时间太长，来回跑了两次", ratings.VeryDissatisfied: "材料要求没有一次说清楚"}[level]
	g.at(day, 17*60)
	_, err := g.s.Ratings.Rate(g.pad, ratings.Input{ApplicationNo: a.No, MatterID: a.Matter, Department: a.Department, PointID: point,
		Channel: a.Channel, RatedVia: via, ClerkUserID: a.ReceivedBy, RegionCode: a.RegionCode, Level: level, Comment: comment,
		PersonID: int64(a.PersonID), OrganisationID: int64(a.OrganisationID)})
	if err != nil {
		return fmt.Errorf("rate %s: %w", a.No, err)
	}
	if level <= ratings.Dissatisfied {
		g.poor++
	}
	return nil
}

// followUps answers the poor ratings' follow-ups opened long enough before
// today, as the county's head, two working days after the rating, and has
// the prefecture's head close every other answered one two days later.
// It returns how many were closed.
func (g *applicationRun) followUps(actors []*counterActors) (int, error) {
	p, err := g.s.actAs(context.Background(), "head")
	if err != nil {
		return 0, err
	}
	top := auth.WithPrincipal(context.Background(), p)
	var all []*ratings.FollowUp
	f := ratings.FollowUpFilter{Status: ratings.StatusOpen, Limit: 200}
	for {
		fs, err := g.s.Ratings.FollowUps(top, f)
		if err != nil {
			return 0, err
		}
		all = append(all, fs...)
		if len(fs) < f.Limit {
			break
		}
		f.After = fs[len(fs)-1].ID
	}
	closed := 0
	for i, fu := range all {
		var ca *counterActors
		for _, c := range actors {
			if c.county.Code == fu.RegionCode || c.county.Code.Contains(fu.RegionCode) {
				ca = c
			}
		}
		answerOn, err := g.after(fu.OpenedOn, 2)
		if err != nil {
			return 0, err
		}
		if ca == nil || answerOn >= g.today || i%4 == 3 {
			continue // left open: the heads' list has work
		}
		g.at(answerOn, 10*60)
		fu, err = g.s.Ratings.Answer(ca.head, fu.ID, ratings.Answer{Measures: "已约谈窗口工作人员，完善一次性告知清单，压缩办理时限",
			Contact: "电话回访申请人，对整改情况表示认可", ContactedOn: answerOn, Version: fu.Version})
		if err != nil {
			return 0, fmt.Errorf("answer follow-up %d: %w", fu.ID, err)
		}
		closeOn, err := g.after(answerOn, 2)
		if err != nil {
			return 0, err
		}
		if closeOn >= g.today || i%2 == 1 {
			continue
		}
		g.at(closeOn, 10*60)
		if _, err := g.s.Ratings.Close(top, fu.ID, ratings.Close{Note: "已核实整改和回访情况", Version: fu.Version}); err != nil {
			return 0, fmt.Errorf("close follow-up %d: %w", fu.ID, err)
		}
		closed++
	}
	return closed, nil
}

// ApplicationCounts are the demo's applications as the demo's summary
// prints them.
type ApplicationCounts struct {
	// ByChannel counts the applications recorded through each channel,
	// whatever became of them (the not accepted included: they were
	// brought in through that channel).
	ByChannel map[matters.Channel]int
	// Total counts them all. Accepted counts those accepted (受理: not the
	// not_accepted), Online the accepted ones received online or on the
	// phone (网上办 and 掌上办), as the handling report counts them
	// (docs/frontoffice.md, Reports).
	Total, Accepted, Online int
	// RateBP is the online handling rate (线上办理率), Online ÷ Accepted
	// in basis points (1/100 of a percent), rounded half up.
	RateBP int64
	// Overdue counts the running applications past their due date today;
	// DueSoon those due within the warning.
	Overdue, DueSoon int
	// OpenFollowUps counts the poor ratings' follow-ups not answered yet;
	// AnsweredFollowUps those answered and waiting to be closed.
	OpenFollowUps, AnsweredFollowUps int
}

// Rate writes the online handling rate as a percentage with two decimals
// (75.26%).
func (c ApplicationCounts) Rate() string {
	return fmt.Sprintf("%d.%02d%%", c.RateBP/100, c.RateBP%100)
}

// CountApplications counts the applications of the whole jurisdiction by
// channel, the online handling rate, the overdue today and the follow-ups
// not closed, paging by key through the front office's lists.
func (s *Seeder) CountApplications(ctx context.Context) (ApplicationCounts, error) {
	c := ApplicationCounts{ByChannel: map[matters.Channel]int{}}
	ctx = auth.WithPrincipal(ctx, auth.SystemPrincipal("demo-summary", s.Juris.Home))
	f := frontoffice.Filter{Region: s.Juris.Home, Limit: 500}
	for {
		as, err := s.FrontOffice.List(ctx, f)
		if err != nil {
			return c, err
		}
		for _, a := range as {
			c.ByChannel[a.Channel]++
			c.Total++
			if a.Status == frontoffice.NotAccepted {
				continue
			}
			c.Accepted++
			if a.Channel == matters.Online || a.Channel == matters.Mobile {
				c.Online++
			}
		}
		if len(as) < f.Limit {
			break
		}
		f.After = as[len(as)-1].ID
	}
	if c.Accepted > 0 {
		c.RateBP = money.DivRound(int64(c.Online)*10000, int64(c.Accepted))
	}
	of := frontoffice.OverdueFilter{Region: string(s.Juris.Home), Limit: 500}
	for {
		o, err := s.FrontOffice.OverdueList(ctx, of)
		if err != nil {
			return c, err
		}
		c.Overdue += len(o.Overdue)
		if of.After == 0 {
			c.DueSoon = len(o.DueSoon) // the first page's: at most 500
		}
		if len(o.Overdue) < of.Limit {
			break
		}
		of.After = o.Overdue[len(o.Overdue)-1].ID
	}
	for _, st := range []ratings.Status{ratings.StatusOpen, ratings.StatusAnswered} {
		ff := ratings.FollowUpFilter{Status: st, Limit: 200}
		for {
			fs, err := s.Ratings.FollowUps(ctx, ff)
			if err != nil {
				return c, err
			}
			if st == ratings.StatusOpen {
				c.OpenFollowUps += len(fs)
			} else {
				c.AnsweredFollowUps += len(fs)
			}
			if len(fs) < ff.Limit {
				break
			}
			ff.After = fs[len(fs)-1].ID
		}
	}
	return c, nil
}

// bundles receives one application of each bundle (一件事一次办) online,
// for applicants the bundle's check at receipt accepts, and has the back
// office finish it the next working day: an enterprise opened with a few
// staff, an enterprise closed with its arrears listed, a retirement, and a
// death, whose settlement is left waiting for a second user's decision. An
// applicant the action still refuses is refused with its reason. It
// returns the bundles received.
func (g *applicationRun) bundles(ca *counterActors, all []*counterActors, day period.Date) ([]string, error) {
	var done []string
	cur := ca // the county whose back office works the bundle
	try := func(in frontoffice.Receipt) (bool, error) {
		m, ok := g.off.Catalogue.Matter(in.Matter)
		if !ok || !m.Open(in.Channel) {
			return false, nil
		}
		ex, ok := g.s.FrontOffice.Executor(m)
		if !ok {
			return false, nil
		}
		// Every material asked, uploaded with the application.
		in.Materials = map[string]frontoffice.MaterialIn{}
		for _, mat := range m.Materials {
			if mat.Asked() && mat.ID != "agent_id" && mat.ID != "authorisation" {
				in.Materials[mat.ID] = frontoffice.MaterialIn{How: frontoffice.MaterialUploaded}
			}
		}
		g.at(day, 10*60)
		err := ex.Check(g.online, execute.Request{Matter: m, Person: in.PersonID, Organisation: in.OrganisationID, Form: in.Form})
		if fault.CodeOf(err) == fault.Invalid {
			return false, nil
		} else if err != nil {
			return false, err
		}
		a, err := g.s.FrontOffice.Receive(g.online, in)
		if err != nil {
			return false, fmt.Errorf("receive %s: %w", in.Matter, err)
		}
		if a.Status != frontoffice.Received {
			return true, g.done(cur, a, day)
		}
		next, err := g.after(day, 1)
		if err != nil {
			return false, err
		}
		g.at(next, 9*60)
		if a, err = g.s.FrontOffice.Take(cur.reviewer, a.No, a.Version); err != nil {
			return false, err
		}
		if a, err = g.s.FrontOffice.Review(cur.reviewer, a.No, frontoffice.Decision{Outcome: frontoffice.OutcomePass, Version: a.Version, Note: "材料齐全"}); err != nil {
			return false, err
		}
		g.at(next, 11*60)
		if a, err = g.s.FrontOffice.Approve(cur.approver, a.No, frontoffice.Decision{Outcome: frontoffice.OutcomeApprove, Version: a.Version, Note: "同意"}); err != nil {
			if fault.CodeOf(err) != fault.Invalid && fault.CodeOf(err) != fault.Conflict {
				return false, fmt.Errorf("approve %s: %w", in.Matter, err)
			}
			d, gerr := g.s.FrontOffice.Get(cur.approver, a.No)
			if gerr != nil {
				return false, gerr
			}
			if a, err = g.s.FrontOffice.Approve(cur.approver, a.No, frontoffice.Decision{Outcome: frontoffice.OutcomeRefuse, Version: d.Version,
				Note: fmt.Sprint("办理未完成：", fault.MessageOf(err), " ", fault.FieldsOf(err))}); err != nil {
				return false, err
			}
		}
		done = append(done, in.Matter+" "+string(a.Status))
		return true, g.done(cur, a, next)
	}
	form := func(v any) json.RawMessage { b, _ := json.Marshal(v); return b }

	// Enterprise opening: a new employer and up to three persons in no
	// scheme yet.
	uscc, err := ids.MakeUSCC('9', '1', string(ca.county.Code), fmt.Sprintf("MA%06d", 900000+g.r.IntN(99999)))
	if err != nil {
		return nil, err
	}
	open := bundles.OpenRequest{USCC: string(uscc), Name: ca.county.NameZH + "一件事示范商贸有限公司", IndustryCode: "F5211", Size: registry.SizeSmall,
		RegionCode: ca.persons[0].RegionCode, Address: "示范路1号", From: day.Period(), RiskClass: 1}
	m, _ := g.off.Catalogue.Matter("enterprise_opening_bundle")
	if ex, ok := g.s.FrontOffice.Executor(m); ok {
		for _, p := range ca.persons {
			if len(open.Staff) == 3 {
				break
			}
			if age := g.today.Year() - p.BirthDate().Year(); age < 20 || age > 45 {
				continue
			}
			if es, err := g.s.Insurance.Enrolments(g.sys, insurance.EnrolmentFilter{PersonID: p.ID}); err != nil {
				return nil, err
			} else if len(es) > 0 {
				continue // the bundle enrols persons insured nowhere yet
			}
			one := open
			one.Staff = []bundles.Staff{{PersonID: p.ID, MonthlyWage: money.Yuan(int64(4000 + 500*len(open.Staff)))}}
			if ex.Check(g.online, execute.Request{Matter: m, Form: form(one)}) == nil {
				open.Staff = append(open.Staff, one.Staff[0])
			}
		}
	}
	if len(open.Staff) > 0 {
		if _, err := try(frontoffice.Receipt{Matter: "enterprise_opening_bundle", Channel: matters.Online, Form: form(open),
			// The founders' representative applies for the employer to be.
			PersonID: ca.persons[len(ca.persons)-1].ID}); err != nil {
			return nil, err
		}
	}
	// Enterprise closing, its arrears listed for the liquidation.
	for _, o := range ca.employers[min(1, len(ca.employers)):] {
		ok, err := try(frontoffice.Receipt{Matter: "enterprise_closing_bundle", Channel: matters.Online, OrganisationID: o.ID,
			Form: form(map[string]string{"on": day.AddDays(-1).String(), "reason": "股东会决议解散", "arrears": bundles.ArrearsList})})
		if err != nil || ok {
			if err != nil {
				return nil, err
			}
			break
		}
	}
	// Retirement, in the first county that has one: a man or a woman
	// worker past the statutory age, insured
	// in the employee pension and not awarded yet, with ten years of
	// service before the personal accounts counted as contributions
	// (视同缴费).
retire:
	for _, cur = range all {
		for _, p := range cur.persons {
			age, group := g.today.Year()-p.BirthDate().Year(), insurance.GroupMale
			if p.Gender() != ids.Male {
				age, group = age+10, insurance.GroupFemaleWorker
			}
			if age < 61 || age > 62 {
				continue // the statutory month just past, within the parameters
			}
			es, err := g.s.Insurance.Enrolments(g.sys, insurance.EnrolmentFilter{PersonID: p.ID, Scheme: insurance.EmployeePension})
			if err != nil {
				return nil, err
			}
			aws, err := g.s.Pensions.Awards(g.sys, insurance.AwardFilter{PersonID: p.ID})
			if err != nil {
				return nil, err
			}
			if len(es) == 0 || len(aws) > 0 {
				continue
			}
			ok, err := try(frontoffice.Receipt{Matter: "retirement_bundle", Channel: matters.Online, PersonID: p.ID,
				Form: form(map[string]any{"retirement_group": group, "deemed_months": 120})})
			if err != nil {
				return nil, err
			}
			if ok {
				break retire
			}
		}
	}
	cur = ca
	// Death: a pensioner of the employee pension, reported by a survivor.
	if dead := ca.pensioners[insurance.EmployeePension]; len(dead) > 0 {
		for _, sv := range ca.persons {
			if sv.ID == dead[0].PersonID {
				continue
			}
			ok, err := try(frontoffice.Receipt{Matter: "death_bundle", Channel: matters.Online, PersonID: sv.ID,
				Form: form(map[string]any{"deceased_id": dead[0].PersonID, "death_date": day.AddDays(-12).String(), "source": "family_report"})})
			if err != nil {
				return nil, err
			}
			if ok {
				ca.pensioners[insurance.EmployeePension] = dead[1:]
			}
			break
		}
	}
	return done, nil
}
