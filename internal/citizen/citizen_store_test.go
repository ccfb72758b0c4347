package citizen_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/citizen"
	"safetynet/internal/fault"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// fixture is a store with one person on record and the sign-in over it.
type fixture struct {
	r      sqlstoretest.Registry
	svc    *citizen.Service
	person *registry.Person
	base   time.Time
}

func newFixture(t *testing.T, open func(testing.TB) *sqlstore.DB, cfg citizen.Config, phone string) fixture {
	t.Helper()
	r := sqlstoretest.NewRegistry(t, open)
	p := sqlstoretest.NewPerson(t, sqlstoretest.Village(t, "652301", 0), 1)
	p.Phone = phone
	if err := r.Svc.CreatePerson(r.Ctx, p); err != nil {
		t.Fatal(err)
	}
	return fixture{r: r, svc: citizen.New(r.DB, r.DB, r.App.Clock, cfg, nil), person: p, base: r.Clock.Now()}
}

// at sets the clock d after the fixture's start.
func (f fixture) at(d time.Duration) { f.r.Clock.Set(func() time.Time { return f.base.Add(d) }) }

// lastCode reads the newest code sent to the person's phone from the
// demo gateway's outbox.
func (f fixture) lastCode(t *testing.T) string {
	t.Helper()
	msgs, err := f.r.DB.SMSOutbox(context.Background(), f.person.Phone, 1)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("outbox: %v %v", msgs, err)
	}
	code := regexp.MustCompile(`\d{6}`).FindString(msgs[0].Message)
	if code == "" {
		t.Fatalf("no code in %q", msgs[0].Message)
	}
	return code
}

func (f fixture) request(t *testing.T, addr string) error {
	t.Helper()
	return f.svc.RequestCode(context.Background(), string(f.person.IDNumber), f.person.Name, addr)
}

func (f fixture) verify(code, addr string) (*citizen.Grant, error) {
	return f.svc.VerifyCode(context.Background(), string(f.person.IDNumber), code, addr)
}

func wantCode(t *testing.T, err error, want fault.Code) {
	t.Helper()
	if fault.CodeOf(err) != want {
		t.Fatalf("error %v, want %s", err, want)
	}
}

func TestCodeSignInOnceThenReuseRefused(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open, citizen.Config{}, "13912345678")
		if err := f.request(t, "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		code := f.lastCode(t)
		g, err := f.verify(code, "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if g.Principal.Role != auth.RoleCitizen || g.Principal.PersonID != int64(f.person.ID) || g.Token == "" {
			t.Fatalf("principal %+v", g.Principal)
		}
		p, err := f.svc.Authenticate(context.Background(), g.Token)
		if err != nil || p.PersonID != int64(f.person.ID) {
			t.Fatalf("authenticate: %+v %v", p, err)
		}
		// The code is single-use.
		_, err = f.verify(code, "10.0.0.1")
		wantCode(t, err, fault.Unauthenticated)
		// A second sign-in reuses the account made at the first.
		if err := f.request(t, "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		g2, err := f.verify(f.lastCode(t), "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if g2.Principal.UserID != g.Principal.UserID {
			t.Errorf("second sign-in made another account: %d, %d", g2.Principal.UserID, g.Principal.UserID)
		}
		acts := sqlstoretest.AuditActions(t, f.r.DB)
		if acts[citizen.ActionCodeRequest] != 2 || acts[citizen.ActionLogin] != 2 || acts[citizen.ActionCodeFailed] != 1 || acts[auth.ActionUserCreate] != 1 {
			t.Errorf("audit %v", acts)
		}
		// The staff's sessions know nothing of the citizen's token.
		if _, err := f.r.App.Auth.Authenticate(context.Background(), g.Token); fault.CodeOf(err) != fault.Unauthenticated {
			t.Errorf("staff authentication of a citizen token: %v", err)
		}
		if err := f.svc.Logout(context.Background(), g.Token, "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Authenticate(context.Background(), g.Token)
		wantCode(t, err, fault.Unauthenticated)
	})
}

func TestCodeExpiredRefused(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open, citizen.Config{}, "13912345678")
		if err := f.request(t, ""); err != nil {
			t.Fatal(err)
		}
		f.at(5 * time.Minute)
		_, err := f.verify(f.lastCode(t), "")
		wantCode(t, err, fault.Unauthenticated)
		if !strings.Contains(err.Error(), "expired") {
			t.Errorf("error %v, want expired", err)
		}
	})
}

func TestCodeTooManyWrongLocksTheNumber(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open, citizen.Config{}, "13912345678")
		if err := f.request(t, ""); err != nil {
			t.Fatal(err)
		}
		code := f.lastCode(t)
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		for i := 1; i < 5; i++ {
			_, err := f.verify(wrong, "")
			wantCode(t, err, fault.Unauthenticated)
		}
		_, err := f.verify(wrong, "")
		wantCode(t, err, fault.Throttled)
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.RetryAfter != 15*time.Minute {
			t.Errorf("retry after %v", err)
		}
		// The right code is refused while the number is locked, and no new
		// code is sent.
		_, err = f.verify(code, "")
		wantCode(t, err, fault.Throttled)
		wantCode(t, f.request(t, ""), fault.Throttled)
		f.at(15 * time.Minute)
		if err := f.request(t, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.verify(f.lastCode(t), ""); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCodeLimitsPerNumberAndAddress(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open, citizen.Config{AddressRequests: 4}, "13912345678")
		for i := 0; i < 3; i++ {
			if err := f.request(t, "10.0.0.9"); err != nil {
				t.Fatal(err)
			}
		}
		wantCode(t, f.request(t, "10.0.0.8"), fault.Throttled) // the 4th code of the number in 10 minutes
		f.at(10 * time.Minute)
		if err := f.request(t, "10.0.0.9"); err != nil {
			t.Fatal(err)
		}
		// The address's 5th request in the hour, whatever the number.
		err := f.request(t, "10.0.0.9")
		wantCode(t, err, fault.Throttled)
		if !strings.Contains(err.Error(), "address") {
			t.Errorf("error %v, want the address's limit", err)
		}
		if acts := sqlstoretest.AuditActions(t, f.r.DB); acts[citizen.ActionCodeRefused] != 2 {
			t.Errorf("refusals audited: %v", acts)
		}
	})
}

func TestCodeWithoutPhoneNamesTheCounter(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open, citizen.Config{}, "")
		err := f.r.App.Citizen.RequestCode(context.Background(), string(f.person.IDNumber), f.person.Name, "")
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Code != fault.Invalid || !strings.Contains(fe.Fields["phone"], "hall-652301") {
			t.Fatalf("error %#v, want the phone named with the hall of 652301", err)
		}
		// A name that does not match is refused as an unknown number is.
		err = f.r.App.Citizen.RequestCode(context.Background(), string(f.person.IDNumber), "别人", "")
		if !errors.As(err, &fe) || fe.Fields["id_number"] == "" {
			t.Fatalf("error %v, want id_number", err)
		}
	})
}
