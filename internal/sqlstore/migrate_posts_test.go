package sqlstore

import (
	"context"
	"database/sql"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"safetynet/internal/audit"
	"safetynet/internal/auth"
)

// TestMigrationMakesPosts checks that migration 00022 makes each user's
// role and scope its first post, moves the open sessions into it, and
// leaves the trail explaining the accounts it last recorded with one role
// and scope.
func TestMigrationMakesPosts(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "m.db"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sub, err := fs.Sub(migrations, "migrations/sqlite")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db.w, sub, goose.WithDisableGlobalRegistry(true), goose.WithAllowOutofOrder(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 21); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`INSERT INTO users (id, username, role, scope, password_hash, disabled, created_at) VALUES (1, 'cw', 'caseworker', '652301', 'h1', 0, '2026-01-01T00:00:00Z')`,
		`INSERT INTO users (id, username, role, scope, password_hash, disabled, created_at) VALUES (2, 'ap', 'approver', '652300', 'h2', 1, '2026-01-01T00:00:00Z')`,
		`INSERT INTO sessions (token_hash, user_id, created_at, expires_at, seal) VALUES ('t', 1, '2026-01-01T00:00:00Z', '2099-01-01T00:00:00Z', 's')`,
	} {
		if _, err := db.w.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	// The events as the store wrote them before posts: one role and scope.
	actx := audit.WithActor(ctx, audit.Actor{Name: "system:test", Role: "admin"})
	for _, ev := range []struct {
		id     int64
		action string
		state  singlePostUserState
	}{
		{1, "user.create", singlePostUserState{"cw", auth.RoleCaseworker, "652301", 0, false, "h1"}},
		{2, "user.create", singlePostUserState{"ap", auth.RoleCaseworker, "652301", 0, false, "h2"}},
		{2, "user.grant", singlePostUserState{"ap", auth.RoleApprover, "652300", 0, false, "h2"}},
		{2, "user.disable", singlePostUserState{"ap", auth.RoleApprover, "652300", 0, true, "h2"}},
	} {
		if err := db.tx(ctx, func(tx *sql.Tx) error {
			return db.audited(actx, tx, ev.action, "user", ev.id, ev.state.Scope, ev.state, nil)
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]string{1: "caseworker@652301", 2: "approver@652300"} {
		u, err := db.UserByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(u.Posts) != 1 || u.Posts[0].String() != want || !u.Posts[0].Live() || u.MustChangePassword || !u.Posts[0].CreatedAt.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("user %d after the migration: %+v, want the one post %s", id, u, want)
		}
	}
	s, err := db.SessionByHash(ctx, "t")
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := db.UserByID(ctx, 1); s.PostID != u.Posts[0].ID {
		t.Errorf("the open session acts in post %d, want %d", s.PostID, u.Posts[0].ID)
	}
	rep, err := db.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Users) != 0 {
		t.Errorf("users the trail does not explain after the migration: %+v", rep.Users)
	}
	// A role raised directly after the migration is still found.
	if _, err := db.w.ExecContext(ctx, "UPDATE user_posts SET role = 'admin' WHERE user_id = 1"); err != nil {
		t.Fatal(err)
	}
	if rep, err := db.VerifyAudit(ctx); err != nil || len(rep.Users) != 1 || rep.Users[0].Username != "cw" {
		t.Errorf("a post raised directly: %+v, %v; want cw reported", rep.Users, err)
	}
	// Down and up again: the role and scope come back from the posts.
	if _, err := p.DownTo(ctx, 21); err != nil {
		t.Fatal(err)
	}
	var role, scope string
	if err := db.w.QueryRowContext(ctx, "SELECT role, scope FROM users WHERE id = 2").Scan(&role, &scope); err != nil || role != "approver" || scope != "652300" {
		t.Errorf("after down: %s %s, %v; want approver 652300", role, scope, err)
	}
}
