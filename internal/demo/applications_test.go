package demo_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"safetynet/internal/auth"
	"safetynet/internal/frontoffice"
	"safetynet/internal/matters"
	"safetynet/internal/money"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestDemoReceivesApplications: the demo's months bring applications
// through every channel and every kind of service point, with at least one
// overdue at today, one not accepted with its 一次性告知, one held for a
// deferred material (容缺) and then finished, and one poor rating's
// follow-up; the online handling rate the summary prints is the one the
// store's rows give.
func TestDemoReceivesApplications(t *testing.T) {
	for name, open := range sqlstoretest.Engines() {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			var out bytes.Buffer
			db := open(t)
			sd := build(t, db, &out)
			if !strings.Contains(out.String(), "applications received across the channels") {
				t.Errorf("no applications step in the output:\n%s", out.String())

			}
			count := func(q string, args ...any) int {
				t.Helper()
				var n int
				if err := db.QueryRowRaw(ctx, q, args...).Scan(&n); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				return n
			}
			for _, ch := range matters.Channels() {
				if n := count("SELECT count(*) FROM applications WHERE channel = ?", string(ch)); n == 0 {
					t.Errorf("no application through the %s channel", ch)
				}
			}
			for _, k := range matters.Kinds() {
				if n := count("SELECT count(*) FROM applications WHERE point_id LIKE ?", string(k)+"-%"); n == 0 {
					t.Errorf("no application at a %s point", k)
				}
			}

			c, err := sd.CountApplications(ctx)
			if err != nil {
				t.Fatal(err)
			}
			total := count("SELECT count(*) FROM applications")
			accepted := count("SELECT count(*) FROM applications WHERE status <> 'not_accepted'")
			online := count("SELECT count(*) FROM applications WHERE status <> 'not_accepted' AND channel IN ('online', 'mobile')")
			if want := money.DivRound(int64(online)*10000, int64(accepted)); c.Total != total || c.Accepted != accepted || c.RateBP != want {
				t.Errorf("counted %d applications, %d accepted, at %s online; the rows give %d, %d accepted, at %d bp", c.Total, c.Accepted, c.Rate(), total, accepted, want)
			}
			if c.RateBP < 6000 || c.RateBP > 9000 {
				t.Errorf("online rate %s: want about three quarters", c.Rate())
			}
			if c.Overdue == 0 {
				t.Errorf("nothing overdue at today: %+v", c)
			}
			if c.OpenFollowUps+c.AnsweredFollowUps == 0 && count("SELECT count(*) FROM rating_follow_ups") == 0 {
				t.Errorf("no follow-up of a poor rating")
			}

			sys := auth.WithPrincipal(ctx, auth.SystemPrincipal("test", region.Changji))
			na, err := sd.FrontOffice.List(sys, frontoffice.Filter{Statuses: []frontoffice.Status{frontoffice.NotAccepted}, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(na) == 0 {
				t.Fatal("no application not accepted")
			}
			if n := count("SELECT count(*) FROM applications WHERE status = 'not_accepted' AND doc LIKE ?", "%缺少材料%"); n == 0 {
				t.Error("no application not accepted for a missing material")
			}
			for _, a := range na {
				if !strings.Contains(a.Reason, "一次性补齐") || !strings.Contains(a.Reason, "\n1. ") {
					t.Errorf("%s not accepted without its 一次性告知: %q", a.No, a.Reason)
				}
			}
			if n := heldThenDone(t, sd.FrontOffice, sys); n == 0 {
				t.Error("no 容缺 application held and finished when its material came")
			}
		})
	}
}

// heldThenDone counts the finished applications that were held for a
// deferred material and finished once it came.
func heldThenDone(t *testing.T, fo *frontoffice.Service, ctx context.Context) int {
	t.Helper()
	as, err := fo.List(ctx, frontoffice.Filter{Matter: "employer_change", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range as {
		d, err := fo.Get(ctx, a.No)
		if err != nil {
			t.Fatal(err)
		}
		var held, supplied bool
		for _, ev := range d.Events {
			held = held || ev.To == frontoffice.Held
			supplied = supplied || ev.Action == "supply"
		}
		if held && supplied && d.Status == frontoffice.Completed {
			n++
		}
	}
	return n
}
