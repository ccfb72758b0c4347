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

const userColumns = `id, username, display_name, person_id, password_hash, must_change_password, disabled, created_at`

func scanUser(row scanner) (*auth.User, error) {
	u := &auth.User{}
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.PersonID, &u.PasswordHash, &u.MustChangePassword, &u.Disabled, timeCol{&u.CreatedAt})
	return u, err
}

const postColumns = `id, user_id, role, region_code, created_at, revoked_at`

func scanPost(row scanner) (auth.Post, error) {
	var p auth.Post
	err := row.Scan(&p.ID, &p.UserID, &p.Role, &p.Region, timeCol{&p.CreatedAt}, timeCol{&p.RevokedAt})
	return p, err
}

// withPosts loads the posts of users, read through q, and sets each
// user's Role and Scope from them.
func (db *DB) withPosts(ctx context.Context, q queryer, users []*auth.User) error {
	if len(users) == 0 {
		return nil
	}
	byID := make(map[int64]*auth.User, len(users))
	args := make([]any, len(users))
	for i, u := range users {
		byID[u.ID] = u
		u.Posts = nil
		args[i] = u.ID
	}
	ps, err := queryAll(ctx, db, q, "read posts", scanPost,
		"SELECT "+postColumns+" FROM user_posts WHERE user_id IN ("+placeholders(len(users))+") ORDER BY id", args...)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if u := byID[p.UserID]; u != nil {
			u.Posts = append(u.Posts, p)
		}
	}
	for _, u := range users {
		u.SetPrimary()
	}
	return nil
}

// placeholders returns n comma-separated question marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// CreateUser implements auth.Store.
func (db *DB) CreateUser(ctx context.Context, u *auth.User) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO users (username, display_name, person_id, password_hash, must_change_password, disabled, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			u.Username, u.DisplayName, u.PersonID, u.PasswordHash, db.boolv(u.MustChangePassword), db.boolv(u.Disabled), db.ts(u.CreatedAt)).Scan(&u.ID)
		if err != nil {
			return fmt.Errorf("create user: %w", mapErr(err))
		}
		if err := db.savePosts(ctx, tx, u); err != nil {
			return err
		}
		return db.audited(ctx, tx, auth.ActionUserCreate, "user", u.ID, userRegion(u), userStateOf(u), userFields)
	})
}

// savePosts inserts u's posts of ID 0, setting their IDs, and stores the
// revocation time of the others.
func (db *DB) savePosts(ctx context.Context, tx *sql.Tx, u *auth.User) error {
	for i := range u.Posts {
		p := &u.Posts[i]
		p.UserID = u.ID
		if p.ID == 0 {
			if err := tx.QueryRowContext(ctx, db.q(`INSERT INTO user_posts (user_id, role, region_code, created_at, revoked_at)
				VALUES (?, ?, ?, ?, ?) RETURNING id`), u.ID, p.Role, p.Region, db.ts(p.CreatedAt), db.tsOrNil(p.RevokedAt)).Scan(&p.ID); err != nil {
				return fmt.Errorf("grant post: %w", mapErr(err))
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, db.q("UPDATE user_posts SET revoked_at = ? WHERE id = ? AND user_id = ?"),
			db.tsOrNil(p.RevokedAt), p.ID, u.ID); err != nil {
			return fmt.Errorf("revoke post: %w", err)
		}
	}
	return nil
}

// userRegion is the region of a user's audit events: its first live
// post's, or its first post's.
func userRegion(u *auth.User) string {
	if live := u.LivePosts(); len(live) > 0 {
		return string(live[0].Region)
	}
	if len(u.Posts) > 0 {
		return string(u.Posts[0].Region)
	}
	return ""
}

// userFields are the fields of a user account that the trail records.
var userFields = []string{"username", "posts", "person_id", "disabled", "must_change_password", "password"}

// userState is what the trail records of a user account, as the digest of
// each event that creates or changes one: `audit verify` recomputes it
// from the row and its posts to tell whether they are what the last
// audited change left. The password hash enters the digest only, so that
// a password set directly in the database is found too.
type userState struct {
	Username           string
	Posts              []postState
	PersonID           int64
	Disabled           bool
	MustChangePassword bool
	PasswordHash       string
}

// postState is what the trail records of one post of a user.
type postState struct {
	ID      int64
	Role    auth.Role
	Region  string
	Revoked bool
}

func userStateOf(u *auth.User) userState {
	st := userState{Username: u.Username, PersonID: u.PersonID, Disabled: u.Disabled, MustChangePassword: u.MustChangePassword, PasswordHash: u.PasswordHash}
	for _, p := range u.Posts {
		st.Posts = append(st.Posts, postState{p.ID, p.Role, string(p.Region), !p.Live()})
	}
	return st
}

// singlePostUserState is the digest of the user events written before
// users held posts (migration 00022): one role and scope, which the
// migration made the user's first post.
type singlePostUserState struct {
	Username     string
	Role         auth.Role
	Scope        string
	PersonID     int64
	Disabled     bool
	PasswordHash string
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
		res, err := tx.ExecContext(ctx, db.q(`UPDATE users SET display_name = ?, password_hash = ?, must_change_password = ?, disabled = ? WHERE id = ?`),
			u.DisplayName, u.PasswordHash, db.boolv(u.MustChangePassword), db.boolv(u.Disabled), u.ID)
		if err != nil {
			return fmt.Errorf("update user: %w", mapErr(err))
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("update user: %w", err)
		} else if n == 0 {
			return fault.Errorf(fault.NotFound, "user %d not found", u.ID)
		}
		if err := db.savePosts(ctx, tx, u); err != nil {
			return err
		}
		return db.audited(ctx, tx, action, "user", u.ID, userRegion(u), userStateOf(u), userFields)
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
	posts := map[int64][]auth.Post{}
	if err := eachRow(ctx, db, tx, "verify users", func(rows *sql.Rows) error {
		p, err := scanPost(rows)
		if err != nil {
			return fmt.Errorf("verify users: %w", err)
		}
		posts[p.UserID] = append(posts[p.UserID], p)
		return nil
	}, "SELECT "+postColumns+" FROM user_posts ORDER BY id"); err != nil {
		return nil, err
	}
	var out []UserFinding
	if err := eachRow(ctx, db, tx, "verify users", func(rows *sql.Rows) error {
		u, err := scanUser(rows)
		if err != nil {
			return fmt.Errorf("verify users: %w", err)
		}
		u.Posts = posts[u.ID]
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
		if l.digest == want || preservedFromSinglePost(u, l.action, l.digest) {
			return nil
		}
		var held []string
		for _, p := range u.LivePosts() {
			held = append(held, p.String())
		}
		out = append(out, UserFinding{UserID: u.ID, Username: u.Username,
			Reason: fmt.Sprintf("the account as it is (posts %s, disabled %t, and its password) is not what its last audit event, %d (%s), recorded: it was changed directly", strings.Join(held, " "), u.Disabled, l.seq, l.action)})
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

// preservedFromSinglePost reports whether u is unchanged since its last
// audit event (action, digest), an event written before users held posts:
// u holds exactly the one post the migration made of its role and scope,
// and the event's digest is that of the single-post account (or, for a
// creation older still, of its username, role, scope and person).
func preservedFromSinglePost(u *auth.User, action, digest string) bool {
	if len(u.Posts) != 1 || !u.Posts[0].Live() || u.MustChangePassword {
		return false
	}
	p := u.Posts[0]
	if d, err := audit.Digest(singlePostUserState{u.Username, p.Role, string(p.Region), u.PersonID, u.Disabled, u.PasswordHash}); err == nil && d == digest {
		return true
	}
	d, err := audit.Digest(legacyUserState{u.Username, p.Role, string(p.Region), u.PersonID})
	return err == nil && action == "user.create" && d == digest && !u.Disabled
}

// UserByName implements auth.Store.
func (db *DB) UserByName(ctx context.Context, username string) (*auth.User, error) {
	u, err := queryOne(ctx, db, db.r, "user", username, scanUser, "SELECT "+userColumns+" FROM users WHERE username = ?", username)
	if err != nil {
		return nil, err
	}
	return u, db.withPosts(ctx, db.r, []*auth.User{u})
}

// UserByID implements auth.Store.
func (db *DB) UserByID(ctx context.Context, id int64) (*auth.User, error) {
	u, err := queryOne(ctx, db, db.r, "user", id, scanUser, "SELECT "+userColumns+" FROM users WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	return u, db.withPosts(ctx, db.r, []*auth.User{u})
}

// Users implements auth.Store.
func (db *DB) Users(ctx context.Context) ([]*auth.User, error) {
	us, err := queryAll(ctx, db, db.r, "list users", scanUser, "SELECT "+userColumns+" FROM users ORDER BY username")
	if err != nil {
		return nil, err
	}
	for i := 0; i < len(us); i += 500 {
		if err := db.withPosts(ctx, db.r, us[i:min(i+500, len(us))]); err != nil {
			return nil, err
		}
	}
	return us, nil
}

// ListUsers implements auth.Store.
func (db *DB) ListUsers(ctx context.Context, f auth.UserFilter) ([]*auth.User, error) {
	var w where
	if f.Scope != "" {
		// Every live post in the scope; a user holding none: every post.
		lo, hi := f.Scope.Range()
		w.add(`NOT EXISTS (SELECT 1 FROM user_posts p WHERE p.user_id = u.id AND p.revoked_at IS NULL
			AND NOT (p.region_code >= ? AND p.region_code < ?))`, lo, hi)
		w.add(`(EXISTS (SELECT 1 FROM user_posts p WHERE p.user_id = u.id AND p.revoked_at IS NULL)
			OR NOT EXISTS (SELECT 1 FROM user_posts p WHERE p.user_id = u.id AND NOT (p.region_code >= ? AND p.region_code < ?)))`, lo, hi)
	}
	if f.Role != "" || f.Region != "" {
		cond := "EXISTS (SELECT 1 FROM user_posts p WHERE p.user_id = u.id AND p.revoked_at IS NULL"
		var args []any
		if f.Role != "" {
			cond += " AND p.role = ?"
			args = append(args, f.Role)
		}
		if f.Region != "" {
			lo, hi := f.Region.Range()
			cond += " AND p.region_code >= ? AND p.region_code < ?"
			args = append(args, lo, hi)
		}
		w.add(cond+")", args...)
	}
	if f.Disabled != nil {
		w.add("u.disabled = ?", db.boolv(*f.Disabled))
	}
	if f.Query != "" {
		pat := "%" + strings.TrimSuffix(likePrefix(strings.ToLower(f.Query)), "%") + "%"
		w.add(`(LOWER(u.username) LIKE ? ESCAPE '\' OR LOWER(u.display_name) LIKE ? ESCAPE '\')`, pat, pat)
	}
	w.add("u.id > ?", f.After)
	us, err := queryAll(ctx, db, db.r, "list users", scanUser,
		"SELECT "+prefixed("u.", userColumns)+" FROM users u"+w.sql()+" ORDER BY u.id LIMIT ?", append(w.args, f.Limit)...)
	if err != nil {
		return nil, err
	}
	return us, db.withPosts(ctx, db.r, us)
}

// prefixed returns the comma-separated columns cols, each prefixed with
// alias.
func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ", ")
	for i, c := range parts {
		parts[i] = alias + c
	}
	return strings.Join(parts, ", ")
}

// CreateSession implements auth.Store. Expired sessions of the same user are
// removed on the way.
func (db *DB) CreateSession(ctx context.Context, s auth.Session, ev auth.SignInEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q("DELETE FROM sessions WHERE user_id = ? AND expires_at < ?"), s.UserID, db.ts(s.CreatedAt)); err != nil {
			return fmt.Errorf("prune sessions: %w", err)
		}
		if _, err := tx.ExecContext(ctx, db.q("INSERT INTO sessions (token_hash, user_id, post_id, created_at, expires_at, seal) VALUES (?, ?, ?, ?, ?, ?)"),
			s.TokenHash, s.UserID, s.PostID, db.ts(s.CreatedAt), db.ts(s.ExpiresAt), s.Seal); err != nil {
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
	err := db.r.QueryRowContext(ctx, db.q("SELECT user_id, post_id, created_at, expires_at, seal FROM sessions WHERE token_hash = ?"), tokenHash).
		Scan(&s.UserID, &s.PostID, timeCol{&s.CreatedAt}, timeCol{&s.ExpiresAt}, &s.Seal)
	if err != nil {
		if err == sql.ErrNoRows {
			return nil, fault.Errorf(fault.NotFound, "session not found")
		}
		return nil, fmt.Errorf("find session: %w", err)
	}
	return s, nil
}

// SetSessionPost implements auth.Store.
func (db *DB) SetSessionPost(ctx context.Context, tokenHash string, postID int64, ev auth.SignInEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q("UPDATE sessions SET post_id = ? WHERE token_hash = ?"), postID, tokenHash)
		if err != nil {
			return fmt.Errorf("switch post: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("switch post: %w", err)
		} else if n == 0 {
			return fault.Errorf(fault.NotFound, "session not found")
		}
		return db.auditSignIn(ctx, tx, ev)
	})
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
