package sqlstore_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// anchorBundle is a store with a few audited events, a user account and a
// checkpoint of its head signed with a fresh key.
type anchorBundle struct {
	testBundle
	au    *auth.Service
	key   ed25519.PrivateKey
	pub   ed25519.PublicKey
	lines []audit.CheckpointLine
}

func setupAnchors(t *testing.T, open func(testing.TB) *sqlstore.DB) *anchorBundle {
	t.Helper()
	b := &anchorBundle{testBundle: setup(t, open)}
	v := sqlstoretest.Village(t, "652301", 0)
	for i := 0; i < 3; i++ {
		if err := b.svc.CreatePerson(b.ctx, sqlstoretest.NewPerson(t, v, 70+i)); err != nil {
			t.Fatal(err)
		}
	}
	b.au = b.app.Auth
	b.au.SetFastHashing()
	if _, err := b.au.CreateUser(b.ctx, auth.NewUser{Username: "approver", Password: "long-enough", Role: auth.RoleApprover, Scope: "652300"}); err != nil {
		t.Fatal(err)
	}
	var err error
	if b.pub, b.key, err = ed25519.GenerateKey(rand.Reader); err != nil {
		t.Fatal(err)
	}
	b.checkpoint(t)
	return b
}

// checkpoint signs the head as `audit checkpoint` does and keeps the line.
func (b *anchorBundle) checkpoint(t *testing.T) audit.Checkpoint {
	t.Helper()
	var seq int64
	var hash string
	if n := len(b.lines); n > 0 {
		seq, hash = b.lines[n-1].Checkpoint.Seq, b.lines[n-1].Checkpoint.Head
	}
	headSeq, head, err := b.db.AuditHeadSince(context.Background(), seq, hash)
	if err != nil {
		t.Fatalf("checkpoint: %v", err)
	}
	c := audit.SignCheckpoint(b.key, headSeq, head, time.Now())
	b.lines = append(b.lines, audit.CheckpointLine{Line: len(b.lines) + 1, Checkpoint: c})
	return c
}

func (b *anchorBundle) verify(t *testing.T) sqlstore.AuditReport {
	t.Helper()
	rep, err := b.db.VerifyAuditAnchored(context.Background(), &sqlstore.AuditAnchors{Lines: b.lines, Key: b.pub})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// rewrite changes the actor of event seq and rehashes it and every later
// event, and moves the head to the new last hash: what a database owner
// with a short script does, leaving a chain that holds in itself.
func rewrite(t *testing.T, db *sqlstore.DB, seq int64, actor string) {
	t.Helper()
	evs, err := db.AuditEvents(context.Background(), 0, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	prev := ""
	for _, e := range evs {
		if e.Seq < seq {
			prev = e.Hash
			continue
		}
		if e.Seq == seq {
			e.Actor.Name = actor
		}
		e.Seal(e.Seq, prev)
		prev = e.Hash
		tamper(t, db, fmt.Sprintf("UPDATE audit_events SET actor_name = '%s', prev_hash = '%s', hash = '%s' WHERE seq = %d", e.Actor.Name, e.PrevHash, e.Hash, e.Seq))
	}
	tamper(t, db, fmt.Sprintf("UPDATE audit_head SET hash = '%s' WHERE id = 1", prev))
}

// truncate deletes the events after seq and moves the head back to it.
func truncate(t *testing.T, db *sqlstore.DB, seq int64) {
	t.Helper()
	evs, err := db.AuditEvents(context.Background(), seq-1, 1)
	if err != nil || len(evs) != 1 {
		t.Fatalf("event %d: %v", seq, err)
	}
	tamper(t, db, fmt.Sprintf("DELETE FROM audit_events WHERE seq > %d", seq))
	tamper(t, db, fmt.Sprintf("UPDATE audit_head SET seq = %d, hash = '%s' WHERE id = 1", seq, evs[0].Hash))
}

func wantAnchorProblem(t *testing.T, rep sqlstore.AuditReport, line int, reason string) {
	t.Helper()
	if rep.Intact() || rep.Anchors == nil {
		t.Fatalf("report %+v: want a failed checkpoint", rep)
	}
	for _, p := range rep.Anchors.Problems {
		if p.Line == line && strings.Contains(p.Reason, reason) {
			return
		}
	}
	t.Errorf("checkpoint problems %+v: want line %d with %q", rep.Anchors.Problems, line, reason)
}

// TestAuditCheckpointsCatchTruncation deletes the newest events and moves
// the head back: the chain holds in itself, the signed checkpoint does not,
// and no new checkpoint is signed over it.
func TestAuditCheckpointsCatchTruncation(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		b := setupAnchors(t, open)
		if rep := b.verify(t); !rep.Intact() || rep.Anchors.Checked != 1 || rep.Anchors.AnchoredSeq != 4 {
			t.Fatalf("before tampering: %+v %+v", rep, rep.Anchors)
		}
		truncate(t, b.db, 2)
		if rep, err := b.db.VerifyAudit(context.Background()); err != nil || rep.Break != nil {
			t.Fatalf("the chain alone after truncation: %+v, %v; want it to hold (which is why checkpoints exist)", rep, err)
		}
		rep := b.verify(t)
		wantAnchorProblem(t, rep, 1, "events 3 to 4 were deleted")
		if _, _, err := b.db.AuditHeadSince(context.Background(), 4, b.lines[0].Checkpoint.Head); err == nil {
			t.Error("a checkpoint was signed over a truncated trail")
		}
	})
}

// TestAuditCheckpointsCatchRewrite rewrites an early event and rehashes the
// rest: the chain holds in itself, the checkpoint names the span.
func TestAuditCheckpointsCatchRewrite(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		b := setupAnchors(t, open)
		v := sqlstoretest.Village(t, "652301", 0)
		if err := b.svc.CreatePerson(b.ctx, sqlstoretest.NewPerson(t, v, 80)); err != nil {
			t.Fatal(err)
		}
		b.checkpoint(t) // event 5
		rewrite(t, b.db, 2, "mallory")
		if rep, err := b.db.VerifyAudit(context.Background()); err != nil || rep.Break != nil {
			t.Fatalf("the chain alone after a rewrite: %+v, %v; want it to hold", rep, err)
		}
		rep := b.verify(t)
		wantAnchorProblem(t, rep, 1, "rewritten between event 1 and event 4")
		wantAnchorProblem(t, rep, 2, "rewritten between event 1 and event 5")
		if _, _, err := b.db.AuditHeadSince(context.Background(), 5, b.lines[1].Checkpoint.Head); err == nil {
			t.Error("a checkpoint was signed over a rewritten trail")
		}
	})
}

// TestAuditCheckpointForged alters a checkpoint line: its signature no
// longer verifies, and one signed with another key is refused too.
func TestAuditCheckpointForged(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		b := setupAnchors(t, open)
		b.lines[0].Checkpoint.Seq = 3
		rep := b.verify(t)
		wantAnchorProblem(t, rep, 1, "signature does not verify")
		_, other, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		b.lines[0].Checkpoint = audit.SignCheckpoint(other, 3, "00", time.Now())
		wantAnchorProblem(t, b.verify(t), 1, "signed with key")
	})
}

// TestAuditVerifyCrossChecksUsers inserts a user row directly, raises a
// user's post, plants a post and changes a password directly: each is
// reported; the audited creation, post grant and revocation, disablement,
// enablement, password reset and a sign-in in a granted post are not.
func TestAuditVerifyCrossChecksUsers(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		b := setupAnchors(t, open)
		if rep := b.verify(t); len(rep.Users) != 0 {
			t.Fatalf("users before tampering: %+v", rep.Users)
		}
		u, err := b.au.CreateUser(b.ctx, auth.NewUser{Username: "cw.x", Password: "long-enough", Role: auth.RoleCaseworker, Scope: "652301", MustChangePassword: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.au.CreateUser(b.ctx, auth.NewUser{Username: "auditor", Password: "long-enough", Role: auth.RoleAuditor, Scope: "652300"}); err != nil {
			t.Fatal(err)
		}
		if u, err = b.au.GrantPost(b.ctx, u.ID, auth.PostSpec{Role: auth.RoleApprover, Region: "652302"}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.au.RevokePost(b.ctx, u.ID, u.Posts[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := b.au.SetDisabled(b.ctx, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := b.au.SetDisabled(b.ctx, u.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := b.au.ResetPassword(b.ctx, u.ID, "another-long-one", false); err != nil {
			t.Fatal(err)
		}
		if _, err := b.au.LoginInPost(b.ctx, "cw.x", "another-long-one", "192.0.2.1", u.Posts[1].ID); err != nil {
			t.Fatal(err)
		}
		if rep := b.verify(t); len(rep.Users) != 0 || len(rep.Sessions) != 0 {
			t.Fatalf("users after audited changes: %+v %+v", rep.Users, rep.Sessions)
		}
		tamper(t, b.db, "INSERT INTO users (username, display_name, password_hash, created_at) VALUES ('mallory', '', 'x', '2026-01-01T00:00:00Z')")
		tamper(t, b.db, "UPDATE user_posts SET role = 'admin' WHERE user_id = (SELECT id FROM users WHERE username = 'approver')")
		tamper(t, b.db, "UPDATE users SET password_hash = 'known' WHERE username = 'cw.x'")
		tamper(t, b.db, "INSERT INTO user_posts (user_id, role, region_code, created_at) SELECT id, 'admin', '652300', '2026-01-01T00:00:00Z' FROM users WHERE username = 'auditor'")
		tamper(t, b.db, "UPDATE user_posts SET revoked_at = NULL WHERE user_id = (SELECT id FROM users WHERE username = 'cw.x')")
		rep := b.verify(t)
		if rep.Intact() {
			t.Fatal("reported intact")
		}
		got := map[string]string{}
		for _, u := range rep.Users {
			got[u.Username] = u.Reason
		}
		if !strings.Contains(got["mallory"], "inserted directly") || !strings.Contains(got["approver"], "changed directly") ||
			!strings.Contains(got["cw.x"], "changed directly") || !strings.Contains(got["auditor"], "changed directly") || len(got) != 4 {
			t.Errorf("user findings %+v: want mallory inserted, approver's post, auditor's posts and cw.x's password changed", rep.Users)
		}
		tamper(t, b.db, "DELETE FROM users WHERE username = 'cw.x'")
		rep = b.verify(t)
		var gone bool
		for _, u := range rep.Users {
			gone = gone || strings.Contains(u.Reason, "deleted directly")
		}
		if !gone {
			t.Errorf("user findings %+v: want cw.x's account deleted", rep.Users)
		}
	})
}
