package main

import (
	"context"
	"fmt"
	"io"

	"safetynet/internal/app"
	"safetynet/internal/crossprov"
	"safetynet/internal/demo"
	"safetynet/internal/insurance"
	"safetynet/internal/matters"
	"safetynet/internal/registry"
)

// demoFrontOffice gives the demo's 跨省通办来件 page its work (incoming
// requests of other provinces, once) and prints the front office's
// figures: the applications per channel, the online handling rate
// (线上办理率) they give, the overdue today and the follow-ups of poor
// ratings still open.
func demoFrontOffice(ctx context.Context, a *app.App, sd *demo.Seeder, w io.Writer) error {
	if err := seedIncoming(ctx, a, w); err != nil {
		return err
	}
	c, err := sd.CountApplications(ctx)
	if err != nil {
		return err
	}
	printApplications(w, c)
	return nil
}

// printApplications writes the front office's figures of c.
func printApplications(w io.Writer, c demo.ApplicationCounts) {
	if c.Total == 0 {
		return
	}
	fmt.Fprintf(w, "front office: %d applications (办件) received:", c.Total)
	for _, ch := range matters.Channels() {
		fmt.Fprintf(w, " %s %d", ch, c.ByChannel[ch])
	}
	fmt.Fprintf(w, "\n  线上办理率 (online and mobile of the %d accepted, as the handling report counts): %s (%d of %d); the prefecture publishes 75.26%%\n", c.Accepted, c.Rate(), c.Online, c.Accepted)
	fmt.Fprintf(w, "  overdue today: %d, due soon: %d; follow-ups of poor ratings open: %d, answered and waiting to be closed: %d\n",
		c.Overdue, c.DueSoon, c.OpenFollowUps, c.AnsweredFollowUps)
}

// seedIncoming feeds three requests of other provinces to the
// cross-province exchange, as the national platform delivers them, unless
// it has tasks already: two transfer contact letters (联系函) for persons
// of Changji City with an employee pension account and a certification
// request for one of its pensioners living there.
func seedIncoming(ctx context.Context, a *app.App, w io.Writer) error {
	sys := a.System(ctx, "demo-crossprov")
	xp := a.CrossProvince
	if ts, err := xp.Tasks(sys, crossprov.TaskFilter{Limit: 1}); err != nil || len(ts) > 0 {
		return err
	}
	const city = "652301"
	ps, err := a.Registry.Persons(sys, registry.PersonFilter{Region: city, Alive: true, Page: registry.Page{Limit: 400}})
	if err != nil {
		return err
	}
	var docs [][]byte
	from := []crossprov.Party{{Province: "110000", Prefecture: "110100", Agency: "11010001"}, {Province: "310000", Prefecture: "310100", Agency: "31010001"}}
	for _, p := range ps {
		if len(docs) == len(from) {
			break
		}
		if bal, err := a.Accounts.AccountBalance(sys, p.ID, insurance.EmployeePension, 0); err != nil || bal <= 0 {
			continue
		}
		doc, err := incomingDoc(a, crossprov.KindTransferContact, from[len(docs)], p, &crossprov.TransferContact{AppliedOn: a.Clock.Today().AddDays(-3)})
		if err != nil {
			return err
		}
		docs = append(docs, doc)
	}
	aws, err := a.Pensions.Awards(sys, insurance.AwardFilter{Region: city, Page: registry.Page{Limit: 20}})
	if err != nil {
		return err
	}
	for _, aw := range aws {
		p, err := a.Registry.Person(sys, aw.PersonID)
		if err != nil || !p.Alive() {
			continue
		}
		guangdong := crossprov.Party{Province: "440000", Prefecture: "440300", Agency: "44030001"}
		doc, err := incomingDoc(a, crossprov.KindCertificationRequest, guangdong, p, &crossprov.CertificationRequest{LivingIn: "昌吉市延安北路街道"})
		if err != nil {
			return err
		}
		docs = append(docs, doc)
		break
	}
	n := 0
	for _, doc := range docs {
		c, err := xp.Process(ctx, doc)
		if err != nil {
			return err
		}
		if c == crossprov.Claimed {
			n++
		}
	}
	fmt.Fprintf(w, "cross-province: %d requests of other provinces received for the 跨省通办来件 page (transfer contact letters, a certification request)\n", n)
	return nil
}

// incomingDoc is the document of a request of kind from party for person
// p, as the national platform delivers it.
func incomingDoc(a *app.App, kind crossprov.Kind, from crossprov.Party, p *registry.Person, payload any) ([]byte, error) {
	m, err := crossprov.NewMessage(kind, from, a.CrossProvince.Self(), crossprov.Person{IDNumber: p.IDNumber, Name: p.Name}, "", a.Clock.Now(), payload)
	if err != nil {
		return nil, err
	}
	return m.Encode()
}
