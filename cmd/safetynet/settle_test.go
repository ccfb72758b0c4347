package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/frontoffice"
	"safetynet/internal/matters"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestServeSettlesApplications leaves a pensioner's certification
// completing (a server killed between the approval's claim and the
// action) and starts the server: its sweep finishes it (办结) by itself;
// with --settle-every 0 it is left alone.
func TestServeSettlesApplications(t *testing.T) {
	db := sqlstoretest.Open(t)
	pb := sqlstoretest.NewPensions(t, func(testing.TB) *sqlstore.DB { return db })
	a := pb.App
	a.Auth.SetFastHashing()
	off, err := a.FrontOffice.Office()
	if err != nil {
		t.Fatal(err)
	}
	const bank = "bank-652301-01"
	pt, _ := off.Points.Point(bank)
	village := a.Juris.Tree.Descendants(pt.Region, region.Village)[0].Code
	as := func(name string, role auth.Role, scope region.Code) context.Context {
		u, err := a.Auth.CreateUser(sqlstoretest.Admin(), auth.NewUser{Username: name, DisplayName: name, Password: "a-long-password-1", Role: role, Scope: scope})
		if err != nil {
			t.Fatal(err)
		}
		p, err := a.Auth.ActAs(context.Background(), u.ID, u.LivePosts()[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		return auth.WithPrincipal(context.Background(), p)
	}
	clerk, cw, ap := as("clerk.s", auth.RoleClerk, pt.Region), as("cw.s", auth.RoleCaseworker, "652301"), as("ap.s", auth.RoleApprover, "652301")
	aw := pb.EmployeeAward(t, village, period.MustDate(1964, time.December, 5), 1, period.NewMonth(2026, time.January))
	form, _ := json.Marshal(map[string]string{"date": sqlstoretest.Today.String(), "method": "visit"})
	app1, err := a.FrontOffice.Receive(clerk, frontoffice.Receipt{Matter: "employee_pension_certification", Channel: matters.Bank, Point: bank,
		PersonID: aw.PersonID, Form: form})
	if err != nil {
		t.Fatal(err)
	}
	if app1, err = a.FrontOffice.Review(cw, app1.No, frontoffice.Decision{Outcome: "pass"}); err != nil {
		t.Fatal(err)
	}
	app1.Status = frontoffice.Completing
	if err := db.UpdateApplication(ap, app1, frontoffice.Event{Action: "approve", From: frontoffice.Approving, To: frontoffice.Completing, ActorName: "ap.s"}, nil); err != nil {
		t.Fatal(err)
	}
	status := func() frontoffice.Status {
		t.Helper()
		d, err := a.FrontOffice.Get(cw, app1.No)
		if err != nil {
			t.Fatal(err)
		}
		return d.Status
	}
	run := func(sc serverConfig, until func() bool) {
		t.Helper()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		sctx, cancel := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() { served <- serve(sctx, defaultEnv(), ln, testApp(t, db), slog.New(slog.DiscardHandler), sc) }()
		for deadline := time.Now().Add(30 * time.Second); !until(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Error("the server did not settle the application in 30 s")
				break
			}
		}
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	}
	off0 := defaultServerConfig()
	off0.settleEvery, off0.summariseEvery = 0, 0
	run(off0, func() bool { return true })
	if st := status(); st != frontoffice.Completing {
		t.Fatalf("--settle-every 0 left %s %s, want completing", app1.No, st)
	}
	on := defaultServerConfig()
	on.summariseEvery = 0
	run(on, func() bool { return status() == frontoffice.Completed })
}
