package sqlstore_test

import (
	"testing"

	"safetynet/internal/auth"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestAuditVerifyReportsPlantedSessions: every session row a real sign-in
// opened is explained by its session.login event (which carries a digest
// of the session, never the token); a row inserted directly, or a real
// one moved to another user, is reported and the trail is not intact.
func TestAuditVerifyReportsPlantedSessions(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		b := setupAnchors(t, open)
		ctx := t.Context()
		if _, err := b.au.CreateUser(b.ctx, auth.NewUser{Username: "cw.changji", Password: "long-enough", Role: auth.RoleCaseworker, Scope: "652301"}); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"approver", "cw.changji", "approver"} {
			if _, err := b.au.Login(ctx, name, "long-enough", "192.0.2.7"); err != nil {
				t.Fatal(err)
			}
		}
		if rep := b.verify(t); !rep.Intact() || len(rep.Sessions) != 0 {
			t.Fatalf("after real sign-ins: intact %v, sessions %+v; want intact", rep.Intact(), rep.Sessions)
		}

		// A row planted for the approver, copying a real row's times.
		if err := b.db.ExecRaw(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, seal)
			SELECT 'planted', user_id, created_at, expires_at, seal FROM sessions
			WHERE user_id = (SELECT id FROM users WHERE username = 'approver') ORDER BY token_hash LIMIT 1`); err != nil {
			t.Fatal(err)
		}
		rep := b.verify(t)
		if rep.Intact() || len(rep.Sessions) != 1 || rep.Sessions[0].Username != "approver" {
			t.Fatalf("planted session: intact %v, sessions %+v; want the approver's planted one", rep.Intact(), rep.Sessions)
		}
		if err := b.db.ExecRaw(ctx, "DELETE FROM sessions WHERE token_hash = 'planted'"); err != nil {
			t.Fatal(err)
		}
		if rep := b.verify(t); !rep.Intact() {
			t.Fatalf("planted session removed: sessions %+v; want intact", rep.Sessions)
		}

		// The caseworker's own session moved to the approver.
		if err := b.db.ExecRaw(ctx, `UPDATE sessions SET user_id = (SELECT id FROM users WHERE username = 'approver')
			WHERE user_id = (SELECT id FROM users WHERE username = 'cw.changji')`); err != nil {
			t.Fatal(err)
		}
		rep = b.verify(t)
		if rep.Intact() || len(rep.Sessions) != 1 || rep.Sessions[0].Username != "approver" {
			t.Fatalf("moved session: intact %v, sessions %+v; want one of the approver's", rep.Intact(), rep.Sessions)
		}
	})
}
