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

func TestUsersAndSessions(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		db := open(t)
		now := time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)
		a, clk := sqlstoretest.NewApp(t, db, app.Options{SessionTTL: time.Hour})
		au := a.Auth
		au.SetFastHashing()
		clk.Set(func() time.Time { return now })
		ctx := auth.WithPrincipal(context.Background(), auth.SystemPrincipal("test", "652300"))

		u, err := au.CreateUser(ctx, auth.NewUser{Username: "cw.changji", Password: "long-enough", Role: auth.RoleCaseworker, Scope: "652301"})
		if err != nil {
			t.Fatalf("CreateUser: %v", err)
		}
		if _, err := au.CreateUser(ctx, auth.NewUser{Username: "cw.changji", Password: "long-enough", Role: auth.RoleCaseworker, Scope: "652301"}); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("CreateUser(duplicate) = %v, want conflict", err)
		}
		_, err = au.CreateUser(ctx, auth.NewUser{Username: "X", Password: "short", Role: "boss", Scope: "12"})
		if f := fault.FieldsOf(err); f["username"] == "" || f["password"] == "" || f["posts[0].role"] == "" || f["posts[0].region"] == "" {
			t.Errorf("CreateUser(bad) fields = %v, want username, password, posts[0].role and posts[0].region", f)
		}
		// A county caseworker cannot create users.
		cw := auth.WithPrincipal(context.Background(), auth.Principal{UserID: u.ID, Username: u.Username, Role: u.Role, Scope: u.Scope})
		if _, err := au.CreateUser(cw, auth.NewUser{Username: "sneaky", Password: "long-enough", Role: auth.RoleAdmin, Scope: "652300"}); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("caseworker creating a user = %v, want forbidden", err)
		}

		if _, err := au.Login(ctx, "cw.changji", "wrong-password", "192.0.2.1"); fault.CodeOf(err) != fault.Unauthenticated {
			t.Errorf("Login(wrong password) = %v, want unauthenticated", err)
		}
		if _, err := au.Login(ctx, "nobody", "long-enough", "192.0.2.1"); fault.CodeOf(err) != fault.Unauthenticated {
			t.Errorf("Login(unknown user) = %v, want unauthenticated", err)
		}
		g, err := au.Login(ctx, "cw.changji", "long-enough", "192.0.2.1")
		if err != nil {
			t.Fatalf("Login: %v", err)
		}
		token := g.Token
		if !g.ExpiresAt.Equal(now.Add(time.Hour)) {
			t.Errorf("ExpiresAt = %v, want %v", g.ExpiresAt, now.Add(time.Hour))
		}
		p, err := au.Authenticate(ctx, token)
		if err != nil {
			t.Fatalf("Authenticate: %v", err)
		}
		if p.UserID != u.ID || p.Scope != "652301" || p.Role != auth.RoleCaseworker {
			t.Errorf("principal = %+v", p)
		}
		if _, err := au.Authenticate(ctx, token+"x"); fault.CodeOf(err) != fault.Unauthenticated {
			t.Errorf("Authenticate(wrong token) = %v, want unauthenticated", err)
		}
		now = now.Add(2 * time.Hour)
		if _, err := au.Authenticate(ctx, token); fault.CodeOf(err) != fault.Unauthenticated {
			t.Errorf("Authenticate(expired) = %v, want unauthenticated", err)
		}
		g2, err := au.Login(ctx, "cw.changji", "long-enough", "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		token2 := g2.Token
		if err := au.Logout(ctx, token2, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if _, err := au.Authenticate(ctx, token2); fault.CodeOf(err) != fault.Unauthenticated {
			t.Errorf("Authenticate(after logout) = %v, want unauthenticated", err)
		}
	})
}

// TestSessionKeyAcrossRestarts: a token signed in under a session key
// authenticates with a later service (a restart) holding the same key,
// and not with one holding another key or none (a random key of its own).
func TestSessionKeyAcrossRestarts(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		db := open(t)
		ctx := auth.WithPrincipal(context.Background(), auth.SystemPrincipal("test", "652300"))
		key := []byte("0123456789abcdef0123456789abcdef")
		service := func(key []byte) *auth.Service {
			a, _ := sqlstoretest.NewApp(t, db, app.Options{SessionTTL: time.Hour})
			au := a.Auth
			au.SetFastHashing()
			if key != nil {
				if err := au.SetSessionKey(key); err != nil {
					t.Fatal(err)
				}
			}
			return au
		}
		first := service(key)
		if _, err := first.CreateUser(ctx, auth.NewUser{Username: "cw.changji", Password: "long-enough", Role: auth.RoleCaseworker, Scope: "652301"}); err != nil {
			t.Fatal(err)
		}
		g, err := first.Login(ctx, "cw.changji", "long-enough", "")
		if err != nil {
			t.Fatal(err)
		}
		if p, err := service(key).Authenticate(ctx, g.Token); err != nil || p.Username != "cw.changji" {
			t.Errorf("same key after a restart: %+v, %v; want cw.changji", p, err)
		}
		other := []byte("fedcba9876543210fedcba9876543210")
		if _, err := service(other).Authenticate(ctx, g.Token); fault.CodeOf(err) != fault.Unauthenticated {
			t.Errorf("another key: %v, want unauthenticated", err)
		}
		if _, err := service(nil).Authenticate(ctx, g.Token); fault.CodeOf(err) != fault.Unauthenticated {
			t.Errorf("no key: %v, want unauthenticated", err)
		}
		if err := service(nil).SetSessionKey([]byte("short")); err == nil {
			t.Error("SetSessionKey(5 bytes): no error")
		}
	})
}
