package auth_test

import (
	"context"
	"testing"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// signInActions returns the actions of the audit events after seq whose
// actor is name, in order.
func signInActions(t *testing.T, db *sqlstore.DB, name string) []string {
	t.Helper()
	evs, err := db.AuditEvents(context.Background(), 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		if e.Actor.Name == name {
			out = append(out, e.Action)
		}
	}
	return out
}

func countOf(ss []string, s string) int {
	n := 0
	for _, x := range ss {
		if x == s {
			n++
		}
	}
	return n
}

// TestLoginLockout: 50 wrong passwords lock the username (and then the
// right one is refused with the time to wait), every failure and the lock
// are audited, the lock holds for a new service over the same database,
// ends when its time is up, and the next lock in a row is twice as long.
func TestLoginLockout(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		db := open(t)
		now := time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)
		newService := func() *auth.Service {
			a, clk := sqlstoretest.NewApp(t, db, app.Options{SessionTTL: time.Hour})
			au := a.Auth
			au.SetFastHashing()
			clk.Set(func() time.Time { return now })
			if err := au.SetSignInLimits(auth.SignInLimits{UserFailures: 5, AddressFailures: 1000, Lock: time.Minute, MaxLock: time.Hour}); err != nil {
				t.Fatal(err)
			}
			return au
		}
		au := newService()
		ctx := auth.WithPrincipal(context.Background(), auth.SystemPrincipal("test", "652300"))
		if _, err := au.CreateUser(ctx, auth.NewUser{Username: "cw.changji", Password: "long-enough", Role: auth.RoleCaseworker, Scope: "652301"}); err != nil {
			t.Fatal(err)
		}
		bg := context.Background()
		var unauth, throttled int
		for i := 0; i < 50; i++ {
			_, err := au.Login(bg, "cw.changji", "wrong-password", "192.0.2.7")
			switch fault.CodeOf(err) {
			case fault.Unauthenticated:
				unauth++
			case fault.Throttled:
				throttled++
			default:
				t.Fatalf("wrong password %d: %v, want unauthenticated or throttled", i+1, err)
			}
		}
		if unauth != 4 || throttled != 46 {
			t.Errorf("50 wrong passwords: %d unauthenticated and %d throttled, want 4 and 46", unauth, throttled)
		}
		// A fresh service (a restart) still sees the lock.
		au = newService()
		_, err := au.Login(bg, "cw.changji", "long-enough", "192.0.2.7")
		if fault.CodeOf(err) != fault.Throttled {
			t.Fatalf("right password while locked: %v, want throttled", err)
		}
		if d := fault.RetryAfterOf(err); d <= 0 || d > time.Minute {
			t.Errorf("retry after %v, want within the 1-minute lock", d)
		}
		acts := signInActions(t, db, "cw.changji")
		if n := countOf(acts, auth.ActionLoginFailed); n != 5 {
			t.Errorf("audit has %d failed sign-ins, want 5 (the locked attempts check no password): %v", n, acts)
		}
		if n := countOf(acts, auth.ActionUserLocked); n != 1 {
			t.Errorf("audit has %d locks, want 1: %v", n, acts)
		}

		// The lock ends; five more failures lock it for 2 minutes.
		now = now.Add(61 * time.Second)
		for i := 0; i < 5; i++ {
			au.Login(bg, "cw.changji", "wrong-password", "192.0.2.7")
		}
		now = now.Add(61 * time.Second)
		if _, err := au.Login(bg, "cw.changji", "long-enough", "192.0.2.7"); fault.CodeOf(err) != fault.Throttled {
			t.Errorf("1 minute into the second lock: %v, want throttled", err)
		}
		now = now.Add(60 * time.Second)
		g, err := au.Login(bg, "cw.changji", "long-enough", "192.0.2.7")
		if err != nil {
			t.Fatalf("right password after the second lock: %v", err)
		}
		// Sign-in clears the record: four failures do not lock.
		for i := 0; i < 4; i++ {
			if _, err := au.Login(bg, "cw.changji", "wrong-password", "192.0.2.7"); fault.CodeOf(err) != fault.Unauthenticated {
				t.Fatalf("failure %d after a sign-in: %v, want unauthenticated", i+1, err)
			}
		}
		pctx := auth.WithPrincipal(bg, auth.Principal{UserID: g.User.ID, Username: g.User.Username, Role: g.User.Role, Scope: g.User.Scope})
		if err := au.Logout(pctx, g.Token, "192.0.2.7"); err != nil {
			t.Fatal(err)
		}
		acts = signInActions(t, db, "cw.changji")
		if countOf(acts, auth.ActionLogin) != 1 || countOf(acts, auth.ActionLogout) != 1 || countOf(acts, auth.ActionUserLocked) != 2 {
			t.Errorf("audit actions %v: want one sign-in, one sign-out and two locks", acts)
		}
		rep, err := db.VerifyAudit(bg)
		if err != nil || rep.Break != nil {
			t.Errorf("audit chain: %+v, %v", rep, err)
		}

		// An unknown username locks the same way, so a lock does not tell
		// which usernames exist.
		for i := 0; i < 5; i++ {
			au.Login(bg, "nobody", "wrong-password", "192.0.2.8")
		}
		if _, err := au.Login(bg, "nobody", "wrong-password", "192.0.2.8"); fault.CodeOf(err) != fault.Throttled {
			t.Errorf("unknown username after 5 failures: %v, want throttled", err)
		}
		if acts := signInActions(t, db, "nobody"); countOf(acts, auth.ActionLoginFailed) != 5 || countOf(acts, auth.ActionUserLocked) != 1 {
			t.Errorf("audit of an unknown username: %v, want 5 failures and a lock", acts)
		}

		// A day later any failure forgets the records long past.
		now = now.Add(25 * time.Hour)
		au.Login(bg, "someone.else", "wrong-password", "192.0.2.9")
		if th, err := db.LoginThrottle(bg, "nobody"); err != nil || th != (auth.Throttle{}) {
			t.Errorf("record of nobody a day later: %+v, %v; want none", th, err)
		}
		if th, err := db.LoginThrottle(bg, "someone.else"); err != nil || th.Failures != 1 {
			t.Errorf("record of someone.else: %+v, %v; want 1 failure", th, err)
		}
	})
}

// TestLoginAddressLimit: failures from one address across usernames lock
// the address, not the other addresses.
func TestLoginAddressLimit(t *testing.T) {
	db := sqlstoretest.Open(t)
	a, _ := sqlstoretest.NewApp(t, db, app.Options{SessionTTL: time.Hour})
	au := a.Auth
	au.SetFastHashing()
	if err := au.SetSignInLimits(auth.SignInLimits{UserFailures: 5, AddressFailures: 8}); err != nil {
		t.Fatal(err)
	}
	ctx := auth.WithPrincipal(context.Background(), auth.SystemPrincipal("test", "652300"))
	if _, err := au.CreateUser(ctx, auth.NewUser{Username: "cw.fukang", Password: "long-enough", Role: auth.RoleCaseworker, Scope: "652302"}); err != nil {
		t.Fatal(err)
	}
	bg := context.Background()
	for i := 0; i < 8; i++ {
		// Two tries per username: no username reaches its limit.
		au.Login(bg, []string{"a.user", "b.user", "c.user", "d.user"}[i/2], "wrong-password", "198.51.100.9")
	}
	if _, err := au.Login(bg, "cw.fukang", "long-enough", "198.51.100.9"); fault.CodeOf(err) != fault.Throttled {
		t.Errorf("right password from a locked address: %v, want throttled", err)
	}
	if _, err := au.Login(bg, "cw.fukang", "long-enough", "198.51.100.10"); err != nil {
		t.Errorf("right password from another address: %v", err)
	}
	if acts := signInActions(t, db, "d.user"); countOf(acts, auth.ActionAddressLocked) != 1 {
		t.Errorf("audit of the locking failure: %v, want an address lock", acts)
	}
}
