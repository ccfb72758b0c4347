package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/auth"
)

// LoginThrottle implements auth.SignInStore.
func (db *DB) LoginThrottle(ctx context.Context, username string) (auth.Throttle, error) {
	t, err := scanThrottle(db.r.QueryRowContext(ctx, db.q(`SELECT failures, locks, last_failure, locked_until
		FROM login_failures WHERE username = ?`), username))
	if errors.Is(err, sql.ErrNoRows) {
		return auth.Throttle{}, nil
	}
	if err != nil {
		return t, fmt.Errorf("read failed sign-ins: %w", err)
	}
	return t, nil
}

func scanThrottle(row *sql.Row) (auth.Throttle, error) {
	var t auth.Throttle
	err := row.Scan(&t.Failures, &t.Locks, timeCol{&t.LastFailure}, timeCol{&t.LockedUntil})
	return t, err
}

// RecordLoginFailure implements auth.SignInStore. The row is created and
// then updated in place first, which locks it on PostgreSQL, so that
// concurrent failures of one username are all counted.
func (db *DB) RecordLoginFailure(ctx context.Context, username string, forgetBefore time.Time, next func(auth.Throttle) (auth.Throttle, []auth.SignInEvent)) (auth.Throttle, error) {
	var out auth.Throttle
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q("DELETE FROM login_failures WHERE last_failure < ? AND locked_until < ?"),
			db.ts(forgetBefore), db.ts(forgetBefore)); err != nil {
			return fmt.Errorf("forget old failed sign-ins: %w", err)
		}
		zero := db.ts(time.Time{})
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO login_failures (username, failures, locks, last_failure, locked_until)
			VALUES (?, 0, 0, ?, ?) ON CONFLICT (username) DO NOTHING`), username, zero, zero); err != nil {
			return fmt.Errorf("count failed sign-in: %w", err)
		}
		if _, err := tx.ExecContext(ctx, db.q("UPDATE login_failures SET failures = failures WHERE username = ?"), username); err != nil {
			return fmt.Errorf("lock failed sign-ins: %w", err)
		}
		t, err := scanThrottle(tx.QueryRowContext(ctx, db.q(`SELECT failures, locks, last_failure, locked_until
			FROM login_failures WHERE username = ?`), username))
		if err != nil {
			return fmt.Errorf("read failed sign-ins: %w", err)
		}
		t, evs := next(t)
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE login_failures SET failures = ?, locks = ?, last_failure = ?, locked_until = ?
			WHERE username = ?`), t.Failures, t.Locks, db.ts(t.LastFailure), db.ts(t.LockedUntil), username); err != nil {
			return fmt.Errorf("count failed sign-in: %w", err)
		}
		for _, ev := range evs {
			if err := db.auditSignIn(ctx, tx, ev); err != nil {
				return err
			}
		}
		out = t
		return nil
	})
	return out, err
}

// signInChange is what the digest of a sign-in event covers.
type signInChange struct {
	Username    string `json:"username"`
	Address     string `json:"address"`
	LockedUntil string `json:"locked_until,omitempty"`
	// Session is the digest of the session a sign-in opened (see
	// sessionDigest).
	Session string `json:"session,omitempty"`
	// Post is the post a session switched to or signed out of.
	Post int64 `json:"post,omitempty"`
}

// sessionDigest is what the trail keeps of a session's stored token hash:
// enough to tell which sign-in opened a session row, nothing to sign in
// with.
func sessionDigest(tokenHash string) string {
	sum := sha256.Sum256([]byte("session\x00" + tokenHash))
	return hex.EncodeToString(sum[:])
}

// auditSignIn appends the audit event of ev in tx. Its actor is the user
// (or the username tried); its entity is the client address.
func (db *DB) auditSignIn(ctx context.Context, tx *sql.Tx, ev auth.SignInEvent) error {
	change := signInChange{Username: ev.Username, Address: ev.Address}
	fields := []string{"username", "address"}
	if !ev.LockedUntil.IsZero() {
		change.LockedUntil = ev.LockedUntil.UTC().Format("2006-01-02T15:04:05Z")
		fields = append(fields, "locked_until")
	}
	if ev.Session != "" {
		change.Session = sessionDigest(ev.Session)
		fields = append(fields, "session")
	}
	if ev.Post != 0 {
		change.Post = ev.Post
		fields = append(fields, "post")
	}
	digest, err := audit.Digest(change)
	if err != nil {
		return fmt.Errorf("audit %s: %w", ev.Action, err)
	}
	return db.appendAudit(ctx, tx, audit.Event{Actor: ev.Actor(), Action: ev.Action, EntityKind: "client",
		EntityID: ev.Address, RegionCode: string(ev.Scope), Digest: digest, Fields: fields})
}
