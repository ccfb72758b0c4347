package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
)

var _ auth.Store = (*DB)(nil)

const userColumns = `id, username, display_name, role, scope, person_id, password_hash, disabled, created_at`

func scanUser(row interface{ Scan(...any) error }) (*auth.User, error) {
	u := &auth.User{}
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.Scope, &u.PersonID, &u.PasswordHash, &u.Disabled, timeCol{&u.CreatedAt})
	return u, err
}

// CreateUser implements auth.Store.
func (db *DB) CreateUser(ctx context.Context, u *auth.User) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO users (username, display_name, role, scope, person_id, password_hash, disabled, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			u.Username, u.DisplayName, u.Role, u.Scope, u.PersonID, u.PasswordHash, db.boolv(u.Disabled), db.ts(u.CreatedAt)).Scan(&u.ID)
		if err != nil {
			return fmt.Errorf("create user: %w", mapErr(err))
		}
		// The password hash is not part of the audited change.
		change := struct {
			Username string
			Role     auth.Role
			Scope    string
			PersonID int64
		}{u.Username, u.Role, string(u.Scope), u.PersonID}
		return db.audited(ctx, tx, "user.create", "user", u.ID, string(u.Scope), change, []string{"username", "role", "scope", "person_id"})
	})
}

// UserByName implements auth.Store.
func (db *DB) UserByName(ctx context.Context, username string) (*auth.User, error) {
	u, err := scanUser(db.r.QueryRowContext(ctx, db.q("SELECT "+userColumns+" FROM users WHERE username = ?"), username))
	if err != nil {
		return nil, notFound(err, "user", username)
	}
	return u, nil
}

// UserByID implements auth.Store.
func (db *DB) UserByID(ctx context.Context, id int64) (*auth.User, error) {
	u, err := scanUser(db.r.QueryRowContext(ctx, db.q("SELECT "+userColumns+" FROM users WHERE id = ?"), id))
	if err != nil {
		return nil, notFound(err, "user", id)
	}
	return u, nil
}

// Users implements auth.Store.
func (db *DB) Users(ctx context.Context) ([]*auth.User, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+userColumns+" FROM users ORDER BY username")
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []*auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("scan user: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CreateSession implements auth.Store. Expired sessions of the same user are
// removed on the way.
func (db *DB) CreateSession(ctx context.Context, s auth.Session, ev auth.SignInEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q("DELETE FROM sessions WHERE user_id = ? AND expires_at < ?"), s.UserID, db.ts(s.CreatedAt)); err != nil {
			return fmt.Errorf("prune sessions: %w", err)
		}
		if _, err := tx.ExecContext(ctx, db.q("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)"),
			s.TokenHash, s.UserID, db.ts(s.CreatedAt), db.ts(s.ExpiresAt)); err != nil {
			return fmt.Errorf("create session: %w", mapErr(err))
		}
		if _, err := tx.ExecContext(ctx, db.q("DELETE FROM login_failures WHERE username = ?"), ev.Username); err != nil {
			return fmt.Errorf("clear failed sign-ins: %w", err)
		}
		return db.auditSignIn(ctx, tx, ev)
	})
}

// SessionByHash implements auth.Store.
func (db *DB) SessionByHash(ctx context.Context, tokenHash string) (*auth.Session, error) {
	s := &auth.Session{TokenHash: tokenHash}
	err := db.r.QueryRowContext(ctx, db.q("SELECT user_id, created_at, expires_at FROM sessions WHERE token_hash = ?"), tokenHash).
		Scan(&s.UserID, timeCol{&s.CreatedAt}, timeCol{&s.ExpiresAt})
	if err != nil {
		if err == sql.ErrNoRows {
			return nil, fault.Errorf(fault.NotFound, "session not found")
		}
		return nil, fmt.Errorf("find session: %w", err)
	}
	return s, nil
}

// DeleteSession implements auth.Store. A session already gone is no
// change and is not audited.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string, ev auth.SignInEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q("DELETE FROM sessions WHERE token_hash = ?"), tokenHash)
		if err != nil {
			return fmt.Errorf("delete session: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return db.auditSignIn(ctx, tx, ev)
	})
}
