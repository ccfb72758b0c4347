package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/citizen"
	"safetynet/internal/fault"
	"safetynet/internal/region"
)

// citizenChange is what the digest of a citizen sign-in event covers.
type citizenChange struct {
	Who     string `json:"who"`
	Person  int64  `json:"person,omitempty"`
	Address string `json:"address"`
	Reason  string `json:"reason,omitempty"`
}

// auditCitizen appends ev in tx: its actor the citizen (or the masked ID
// number tried, role "anonymous"), its entity the client address.
func (db *DB) auditCitizen(ctx context.Context, tx *sql.Tx, ev citizen.Event) error {
	digest, err := audit.Digest(citizenChange{Who: ev.Who, Person: ev.PersonID, Address: ev.Address, Reason: ev.Reason})
	if err != nil {
		return fmt.Errorf("audit %s: %w", ev.Action, err)
	}
	role := string(auth.RoleCitizen)
	if ev.UserID == 0 {
		role = "anonymous"
	}
	fields := []string{"who", "person", "address"}
	if ev.Reason != "" {
		fields = append(fields, "reason")
	}
	return db.appendAudit(ctx, tx, audit.Event{Actor: audit.Actor{UserID: ev.UserID, Name: ev.Who, Role: role}, Action: ev.Action,
		EntityKind: "client", EntityID: ev.Address, RegionCode: string(ev.Region), Digest: digest, Fields: fields})
}

// AuditCitizen implements citizen.Store.
func (db *DB) AuditCitizen(ctx context.Context, ev citizen.Event) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return db.auditCitizen(ctx, tx, ev) })
}

func (db *DB) citizenPerson(ctx context.Context, where string, arg any) (*citizen.Person, error) {
	var p citizen.Person
	var code string
	err := db.r.QueryRowContext(ctx, db.q("SELECT id, id_number, name, phone, region_code FROM persons WHERE "+where+" AND death_date IS NULL"), arg).
		Scan(&p.ID, &p.IDNumber, &p.Name, &p.Phone, &code)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.Errorf(fault.NotFound, "no such person")
	}
	if err != nil {
		return nil, fmt.Errorf("read person: %w", err)
	}
	p.Region = region.Code(code)
	return &p, nil
}

// CitizenPerson implements citizen.Store.
func (db *DB) CitizenPerson(ctx context.Context, idNumber string) (*citizen.Person, error) {
	return db.citizenPerson(ctx, "id_number = ?", idNumber)
}

// CitizenPersonByID implements citizen.Store.
func (db *DB) CitizenPersonByID(ctx context.Context, id int64) (*citizen.Person, error) {
	return db.citizenPerson(ctx, "id = ?", id)
}

// CitizenCodeTimes implements citizen.Store.
func (db *DB) CitizenCodeTimes(ctx context.Context, numberKey string, limit int) ([]time.Time, error) {
	rows, err := db.r.QueryContext(ctx, db.q("SELECT created_at FROM citizen_codes WHERE number_key = ? ORDER BY id DESC LIMIT ?"), numberKey, limit)
	if err != nil {
		return nil, fmt.Errorf("read codes: %w", err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(timeCol{&t}); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// CitizenLockedUntil implements citizen.Store.
func (db *DB) CitizenLockedUntil(ctx context.Context, numberKey string) (time.Time, error) {
	var t time.Time
	err := db.r.QueryRowContext(ctx, db.q("SELECT locked_until FROM citizen_code_failures WHERE number_key = ?"), numberKey).Scan(timeCol{&t})
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return t, fmt.Errorf("read code lock: %w", err)
	}
	return t, nil
}

// CreateCitizenCode implements citizen.Store. Codes older than a day are
// removed on the way.
func (db *DB) CreateCitizenCode(ctx context.Context, c citizen.Code, ev citizen.Event) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q("DELETE FROM citizen_codes WHERE number_key = ? AND id NOT IN (SELECT id FROM citizen_codes WHERE number_key = ? ORDER BY id DESC LIMIT 10)"),
			c.NumberKey, c.NumberKey); err != nil {
			return fmt.Errorf("forget old codes: %w", err)
		}
		if _, err := tx.ExecContext(ctx, db.q("INSERT INTO citizen_codes (number_key, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?)"),
			c.NumberKey, c.Hash, db.ts(c.CreatedAt), db.ts(c.ExpiresAt)); err != nil {
			return fmt.Errorf("store code: %w", err)
		}
		return db.auditCitizen(ctx, tx, ev)
	})
}

// UseCitizenCode implements citizen.Store. The failure row is created and
// updated in place first, which locks it on PostgreSQL, so that two tries
// of one number are decided one after the other.
func (db *DB) UseCitizenCode(ctx context.Context, numberKey string, decide func(c *citizen.Code, failures int) citizen.Verdict) (citizen.Verdict, error) {
	var out citizen.Verdict
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO citizen_code_failures (number_key, failures, locked_until) VALUES (?, 0, ?)
			ON CONFLICT (number_key) DO NOTHING`), numberKey, db.ts(time.Time{})); err != nil {
			return fmt.Errorf("count code: %w", err)
		}
		if _, err := tx.ExecContext(ctx, db.q("UPDATE citizen_code_failures SET failures = failures WHERE number_key = ?"), numberKey); err != nil {
			return fmt.Errorf("lock code: %w", err)
		}
		var failures int
		if err := tx.QueryRowContext(ctx, db.q("SELECT failures FROM citizen_code_failures WHERE number_key = ?"), numberKey).Scan(&failures); err != nil {
			return fmt.Errorf("read wrong codes: %w", err)
		}
		var c citizen.Code
		var usedT time.Time
		err := tx.QueryRowContext(ctx, db.q("SELECT id, code_hash, created_at, expires_at, used_at FROM citizen_codes WHERE number_key = ? ORDER BY id DESC LIMIT 1"), numberKey).
			Scan(&c.ID, &c.Hash, timeCol{&c.CreatedAt}, timeCol{&c.ExpiresAt}, timeCol{&usedT})
		var cp *citizen.Code
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("read code: %w", err)
		default:
			c.NumberKey, c.UsedAt = numberKey, usedT
			cp = &c
		}
		v := decide(cp, failures)
		if v.OK {
			if _, err := tx.ExecContext(ctx, db.q("UPDATE citizen_codes SET used_at = ? WHERE id = ?"), db.ts(db.now()), c.ID); err != nil {
				return fmt.Errorf("use code: %w", err)
			}
			if _, err := tx.ExecContext(ctx, db.q("UPDATE citizen_code_failures SET failures = 0 WHERE number_key = ?"), numberKey); err != nil {
				return fmt.Errorf("clear wrong codes: %w", err)
			}
		} else {
			if _, err := tx.ExecContext(ctx, db.q("UPDATE citizen_code_failures SET failures = ?, locked_until = ? WHERE number_key = ?"),
				v.Failures, db.ts(v.LockUntil), numberKey); err != nil {
				return fmt.Errorf("count wrong code: %w", err)
			}
			if err := db.auditCitizen(ctx, tx, v.Event); err != nil {
				return err
			}
		}
		out = v
		return nil
	})
	return out, err
}

// CitizenAccount implements citizen.Store: the person's citizen account,
// made on the first sign-in (username citizen-<person ID>, no usable
// password, the post citizen over the person's region), audited as the
// sign-in process.
func (db *DB) CitizenAccount(ctx context.Context, p *citizen.Person, now time.Time) (*auth.User, error) {
	find := func() (*auth.User, error) {
		var id int64
		err := db.r.QueryRowContext(ctx, db.q("SELECT id FROM users WHERE person_id = ? ORDER BY id LIMIT 1"), p.ID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read citizen account: %w", err)
		}
		return db.UserByID(ctx, id)
	}
	if u, err := find(); u != nil || err != nil {
		return u, err
	}
	u := &auth.User{Username: "citizen-" + strconv.FormatInt(p.ID, 10), DisplayName: p.Name, PersonID: p.ID,
		PasswordHash: "!", CreatedAt: now, Posts: []auth.Post{{Role: auth.RoleCitizen, Region: p.Region, CreatedAt: now}}}
	sys := auth.WithPrincipal(ctx, auth.SystemPrincipal("citizen-signin", p.Region))
	if err := db.CreateUser(sys, u); err != nil {
		if fault.CodeOf(err) == fault.Conflict {
			return find()
		}
		return nil, err
	}
	u.SetPrimary()
	return u, nil
}

// CreateCitizenSession implements citizen.Store.
func (db *DB) CreateCitizenSession(ctx context.Context, s citizen.Session, ev citizen.Event) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q("DELETE FROM citizen_sessions WHERE user_id = ? AND expires_at < ?"), s.UserID, db.ts(s.CreatedAt)); err != nil {
			return fmt.Errorf("forget old sessions: %w", err)
		}
		if _, err := tx.ExecContext(ctx, db.q("INSERT INTO citizen_sessions (token_hash, user_id, person_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)"),
			s.TokenHash, s.UserID, s.PersonID, db.ts(s.CreatedAt), db.ts(s.ExpiresAt)); err != nil {
			return fmt.Errorf("store session: %w", err)
		}
		return db.auditCitizen(ctx, tx, ev)
	})
}

// CitizenSession implements citizen.Store.
func (db *DB) CitizenSession(ctx context.Context, tokenHash string) (*citizen.Session, error) {
	var s citizen.Session
	err := db.r.QueryRowContext(ctx, db.q("SELECT token_hash, user_id, person_id, created_at, expires_at FROM citizen_sessions WHERE token_hash = ?"), tokenHash).
		Scan(&s.TokenHash, &s.UserID, &s.PersonID, timeCol{&s.CreatedAt}, timeCol{&s.ExpiresAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.Errorf(fault.NotFound, "no such session")
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	return &s, nil
}

// DeleteCitizenSession implements citizen.Store.
func (db *DB) DeleteCitizenSession(ctx context.Context, tokenHash string, ev citizen.Event) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q("DELETE FROM citizen_sessions WHERE token_hash = ?"), tokenHash); err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		return db.auditCitizen(ctx, tx, ev)
	})
}

// Send implements citizen.SMSGateway: the demo's and the tests' gateway
// keeps the message in the outbox (sms_outbox) instead of sending it.
func (db *DB) Send(ctx context.Context, phone, text string) error {
	if _, err := db.w.ExecContext(ctx, db.q("INSERT INTO sms_outbox (phone, message, sent_at) VALUES (?, ?, ?)"), phone, text, db.ts(db.now())); err != nil {
		return fmt.Errorf("send message: %w", err)
	}
	return nil
}

// SMS is a message in the outbox.
type SMS struct {
	ID      int64
	Phone   string
	Message string
	SentAt  time.Time
}

// SMSOutbox returns the newest messages of the outbox to phone ("" any),
// at most limit, newest first.
func (db *DB) SMSOutbox(ctx context.Context, phone string, limit int) ([]SMS, error) {
	q, args := "SELECT id, phone, message, sent_at FROM sms_outbox", []any{}
	if phone != "" {
		q += " WHERE phone = ?"
		args = append(args, phone)
	}
	args = append(args, limit)
	rows, err := db.r.QueryContext(ctx, db.q(q+" ORDER BY id DESC LIMIT ?"), args...)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var out []SMS
	for rows.Next() {
		var m SMS
		if err := rows.Scan(&m.ID, &m.Phone, &m.Message, timeCol{&m.SentAt}); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CreateIdentityState implements citizen.IdentityStore.
func (db *DB) CreateIdentityState(ctx context.Context, stateHash, provider string, now, expires time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q("DELETE FROM citizen_idp_states WHERE expires_at < ?"), db.ts(now.Add(-24*time.Hour))); err != nil {
			return fmt.Errorf("forget old states: %w", err)
		}
		if _, err := tx.ExecContext(ctx, db.q("INSERT INTO citizen_idp_states (state_hash, provider, created_at, expires_at) VALUES (?, ?, ?, ?)"),
			stateHash, provider, db.ts(now), db.ts(expires)); err != nil {
			return fmt.Errorf("store state: %w", err)
		}
		return nil
	})
}

// UseIdentityState implements citizen.IdentityStore.
func (db *DB) UseIdentityState(ctx context.Context, stateHash string, now time.Time) (bool, error) {
	var expires time.Time
	var ok bool
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q("UPDATE citizen_idp_states SET used_at = ? WHERE state_hash = ? AND used_at IS NULL"), db.ts(now), stateHash)
		if err != nil {
			return fmt.Errorf("use state: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil
		}
		if err := tx.QueryRowContext(ctx, db.q("SELECT expires_at FROM citizen_idp_states WHERE state_hash = ?"), stateHash).Scan(timeCol{&expires}); err != nil {
			return fmt.Errorf("read state: %w", err)
		}
		ok = now.Before(expires)
		return nil
	})
	return ok, err
}

// RecordFaceResult implements citizen.FaceStore.
func (db *DB) RecordFaceResult(ctx context.Context, r citizen.FaceResult, ev citizen.Event) (citizen.FaceResult, error) {
	var out citizen.FaceResult
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`INSERT INTO citizen_face_results (provider, reference, person_id, checked_at, outcome, certified, created_at)
			VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT (provider, reference) DO NOTHING`),
			r.Provider, r.Reference, r.PersonID, db.ts(r.At), r.Outcome, db.ts(db.now()))
		if err != nil {
			return fmt.Errorf("record face result: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			if err := db.auditCitizen(ctx, tx, ev); err != nil {
				return err
			}
		}
		var certified int
		out.Provider, out.Reference = r.Provider, r.Reference
		if err := tx.QueryRowContext(ctx, db.q("SELECT person_id, checked_at, outcome, certified FROM citizen_face_results WHERE provider = ? AND reference = ?"),
			r.Provider, r.Reference).Scan(&out.PersonID, timeCol{&out.At}, &out.Outcome, &certified); err != nil {
			return fmt.Errorf("read face result: %w", err)
		}
		out.Certified = certified != 0
		return nil
	})
	return out, err
}

// MarkFaceCertified implements citizen.FaceStore.
func (db *DB) MarkFaceCertified(ctx context.Context, provider, reference string) error {
	if _, err := db.w.ExecContext(ctx, db.q("UPDATE citizen_face_results SET certified = 1 WHERE provider = ? AND reference = ?"), provider, reference); err != nil {
		return fmt.Errorf("mark face result: %w", err)
	}
	return nil
}
