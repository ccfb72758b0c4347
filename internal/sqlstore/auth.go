package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/fault"
)

var _ auth.Store = (*DB)(nil)

const userColumns = `id, username, display_name, role, scope, person_id, password_hash, disabled, created_at`

func scanUser(row scanner) (*auth.User, error) {
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
		return db.audited(ctx, tx, "user.create", "user", u.ID, string(u.Scope), userStateOf(u), userFields)
	})
}

// userFields are the fields of a user account that the trail records.
var userFields = []string{"username", "role", "scope", "person_id", "disabled", "password"}

// userState is what the trail records of a user account, as the digest of
// each event that creates or changes one: `audit verify` recomputes it
// from the row to tell whether the row is the one the last audited change
// left. The password hash enters the digest only, so that a password set
// directly in the database is found too.
type userState struct {
	Username     string
	Role         auth.Role
	Scope        string
	PersonID     int64
	Disabled     bool
	PasswordHash string
}

func userStateOf(u *auth.User) userState {
	return userState{u.Username, u.Role, string(u.Scope), u.PersonID, u.Disabled, u.PasswordHash}
}

// legacyUserState is the digest of the user.create events written before
// the trail recorded the account's state whole: it covers neither the
// password nor the disabled flag.
type legacyUserState struct {
	Username string
	Role     auth.Role
	Scope    string
	PersonID int64
}

// UpdateUser implements auth.Store.
func (db *DB) UpdateUser(ctx context.Context, u *auth.User, action string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE users SET display_name = ?, role = ?, scope = ?, password_hash = ?, disabled = ? WHERE id = ?`),
			u.DisplayName, u.Role, u.Scope, u.PasswordHash, db.boolv(u.Disabled), u.ID)
		if err != nil {
			return fmt.Errorf("update user: %w", mapErr(err))
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("update user: %w", err)
		} else if n == 0 {
			return fault.Errorf(fault.NotFound, "user %d not found", u.ID)
		}
		return db.audited(ctx, tx, action, "user", u.ID, string(u.Scope), userStateOf(u), userFields)
	})
}

// unexplainedUsers cross-checks the users table against the trail: every
// account must have been created, and last changed, by an audited event
// whose digest is that of the row as it is; every account the trail
// created must still be there.
func (db *DB) unexplainedUsers(ctx context.Context, tx *sql.Tx) ([]UserFinding, error) {
	type last struct {
		seq    int64
		action string
		digest string
	}
	events := map[string]last{}
	if err := eachRow(ctx, db, tx, "verify users", func(rows *sql.Rows) error {
		var l last
		var id string
		if err := rows.Scan(&l.seq, &l.action, &id, &l.digest); err != nil {
			return fmt.Errorf("verify users: %w", err)
		}
		if strings.HasPrefix(l.action, "user.") {
			events[id] = l
		}
		return nil
	}, "SELECT seq, action, entity_id, digest FROM audit_events WHERE entity_kind = 'user' ORDER BY seq"); err != nil {
		return nil, err
	}
	var out []UserFinding
	if err := eachRow(ctx, db, tx, "verify users", func(rows *sql.Rows) error {
		u, err := scanUser(rows)
		if err != nil {
			return fmt.Errorf("verify users: %w", err)
		}
		id := fmt.Sprint(u.ID)
		l, ok := events[id]
		delete(events, id)
		if !ok {
			out = append(out, UserFinding{UserID: u.ID, Username: u.Username, Reason: "no audit event created this account: it was inserted directly"})
			return nil
		}
		want, err := audit.Digest(userStateOf(u))
		if err != nil {
			return err
		}
		if l.digest == want {
			return nil
		}
		if legacy, err := audit.Digest(legacyUserState{u.Username, u.Role, string(u.Scope), u.PersonID}); err == nil && l.action == "user.create" && l.digest == legacy && !u.Disabled {
			return nil // created before the trail covered the password: role and scope still hold
		}
		out = append(out, UserFinding{UserID: u.ID, Username: u.Username,
			Reason: fmt.Sprintf("the account as it is (role %s, scope %s, disabled %t, and its password) is not what its last audit event, %d (%s), recorded: it was changed directly", u.Role, u.Scope, u.Disabled, l.seq, l.action)})
		return nil
	}, "SELECT "+userColumns+" FROM users ORDER BY id"); err != nil {
		return nil, err
	}
	for id, l := range events {
		n, _ := strconv.ParseInt(id, 10, 64)
		out = append(out, UserFinding{UserID: n, Reason: fmt.Sprintf("the account of audit event %d (%s) is gone from the users table: it was deleted directly", l.seq, l.action)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UserID < out[j].UserID })
	return out, nil
}

// UserByName implements auth.Store.
func (db *DB) UserByName(ctx context.Context, username string) (*auth.User, error) {
	return queryOne(ctx, db, db.r, "user", username, scanUser, "SELECT "+userColumns+" FROM users WHERE username = ?", username)
}

// UserByID implements auth.Store.
func (db *DB) UserByID(ctx context.Context, id int64) (*auth.User, error) {
	return queryOne(ctx, db, db.r, "user", id, scanUser, "SELECT "+userColumns+" FROM users WHERE id = ?", id)
}

// Users implements auth.Store.
func (db *DB) Users(ctx context.Context) ([]*auth.User, error) {
	return queryAll(ctx, db, db.r, "list users", scanUser, "SELECT "+userColumns+" FROM users ORDER BY username")
}

// CreateSession implements auth.Store. Expired sessions of the same user are
// removed on the way.
func (db *DB) CreateSession(ctx context.Context, s auth.Session, ev auth.SignInEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q("DELETE FROM sessions WHERE user_id = ? AND expires_at < ?"), s.UserID, db.ts(s.CreatedAt)); err != nil {
			return fmt.Errorf("prune sessions: %w", err)
		}
		if _, err := tx.ExecContext(ctx, db.q("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, seal) VALUES (?, ?, ?, ?, ?)"),
			s.TokenHash, s.UserID, db.ts(s.CreatedAt), db.ts(s.ExpiresAt), s.Seal); err != nil {
			return fmt.Errorf("create session: %w", mapErr(err))
		}
		if _, err := tx.ExecContext(ctx, db.q("DELETE FROM login_failures WHERE username = ?"), ev.Username); err != nil {
			return fmt.Errorf("clear failed sign-ins: %w", err)
		}
		ev.Session = s.TokenHash
		return db.auditSignIn(ctx, tx, ev)
	})
}

// SessionByHash implements auth.Store.
func (db *DB) SessionByHash(ctx context.Context, tokenHash string) (*auth.Session, error) {
	s := &auth.Session{TokenHash: tokenHash}
	err := db.r.QueryRowContext(ctx, db.q("SELECT user_id, created_at, expires_at, seal FROM sessions WHERE token_hash = ?"), tokenHash).
		Scan(&s.UserID, timeCol{&s.CreatedAt}, timeCol{&s.ExpiresAt}, &s.Seal)
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

// SessionFinding is a session row that no sign-in in the audit trail
// opened.
type SessionFinding struct {
	UserID   int64  `json:"user_id"`
	Username string `json:"username"`
	// Session is the start of the session's digest (never its token
	// hash), to tell findings apart.
	Session   string    `json:"session"`
	CreatedAt time.Time `json:"created_at"`
	Reason    string    `json:"reason"`
}

// unplantedSession is a session row being looked for in the trail.
type unplantedSession struct {
	SessionFinding
	digest string
	found  bool
}

// unexplainedSessions lists the session rows that no session.login event
// of their user opened: inserted into the database directly, or moved
// there from another user. It reads the sessions, then streams the
// sign-in events once.
func (db *DB) unexplainedSessions(ctx context.Context, tx *sql.Tx) ([]SessionFinding, error) {
	byUser := map[int64][]*unplantedSession{}
	all, err := queryAll(ctx, db, tx, "verify sessions", func(row scanner) (*unplantedSession, error) {
		var hash string
		s := &unplantedSession{}
		if err := row.Scan(&hash, &s.UserID, &s.Username, timeCol{&s.CreatedAt}); err != nil {
			return nil, err
		}
		s.digest = sessionDigest(hash)
		s.Session = s.digest[:16]
		byUser[s.UserID] = append(byUser[s.UserID], s)
		return s, nil
	}, `SELECT s.token_hash, s.user_id, COALESCE(u.username, ''), s.created_at
		FROM sessions s LEFT JOIN users u ON u.id = s.user_id ORDER BY s.created_at, s.token_hash`)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, nil
	}
	if err := eachRow(ctx, db, tx, "verify sessions", func(rows *sql.Rows) error {
		var user int64
		var name, addr, digest string
		if err := rows.Scan(&user, &name, &addr, &digest); err != nil {
			return fmt.Errorf("verify sessions: %w", err)
		}
		for _, s := range byUser[user] {
			if s.found {
				continue
			}
			if d, err := audit.Digest(signInChange{Username: name, Address: addr, Session: s.digest}); err == nil && d == digest {
				s.found = true
				break
			}
		}
		return nil
	}, "SELECT actor_user_id, actor_name, entity_id, digest FROM audit_events WHERE action = ?", auth.ActionLogin); err != nil {
		return nil, err
	}
	var out []SessionFinding
	for _, s := range all {
		if !s.found {
			s.Reason = "no sign-in of this user in the audit trail opened this session: it was inserted or changed in the database directly"
			out = append(out, s.SessionFinding)
		}
	}
	return out, nil
}
