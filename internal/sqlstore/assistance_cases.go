package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"safetynet/internal/assistance"
	"safetynet/internal/audit"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// ---- cases

const caseColumns = `id, programme, household_id, person_id, region_code, channel, status, applied_on, applicant_note, hardship_type,
	expense, fast_track, test_id, eligible, amount, decision, policy_version, assessed_by, assessed_at, notice_from, notice_to,
	decided_by, decided_at, reason, award_id, created_by, created_at, updated_at, version`

func scanCase(row scanner) (*assistance.Case, error) {
	c := &assistance.Case{}
	var testID sql.NullInt64
	var decision string
	err := row.Scan(&c.ID, &c.Programme, &c.HouseholdID, &c.PersonID, &c.RegionCode, &c.Channel, &c.Status, &c.AppliedOn, &c.ApplicantNote,
		&c.HardshipType, &c.Expense, &c.FastTrack, &testID, &c.Eligible, &c.Amount, &decision, &c.PolicyVersion, &c.AssessedBy,
		timeCol{&c.AssessedAt}, &c.NoticeFrom, &c.NoticeTo, &c.DecidedBy, timeCol{&c.DecidedAt}, &c.Reason, &c.AwardID,
		&c.CreatedBy, timeCol{&c.CreatedAt}, timeCol{&c.UpdatedAt}, &c.Version)
	c.TestID = assistance.TestID(testID.Int64)
	if decision != "" {
		c.Decision = []byte(decision)
	}
	return c, err
}

// CreateCase implements assistance.Store.
func (db *DB) CreateCase(ctx context.Context, c *assistance.Case, note string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		c.CreatedAt, c.UpdatedAt = now, now
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO assistance_cases (programme, household_id, person_id, region_code, channel, status,
			applied_on, applicant_note, hardship_type, expense, created_by, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`),
			c.Programme, int64(c.HouseholdID), int64(c.PersonID), string(c.RegionCode), string(c.Channel), string(c.Status), c.AppliedOn,
			c.ApplicantNote, string(c.HardshipType), int64(c.Expense), c.CreatedBy, db.ts(now), db.ts(now)).Scan(&c.ID)
		if err != nil {
			return fmt.Errorf("insert case: %w", mapErr(err))
		}
		if err := db.appendCaseEvent(ctx, tx, c.ID, "apply via "+string(c.Channel), note); err != nil {
			return err
		}
		return db.audited(ctx, tx, "case.apply", "case", c.ID, string(c.RegionCode), c,
			[]string{"programme=" + c.Programme, "household=" + strconv.FormatInt(int64(c.HouseholdID), 10), "channel=" + string(c.Channel)})
	})
}

func (db *DB) appendCaseEvent(ctx context.Context, tx *sql.Tx, id assistance.CaseID, action, note string) error {
	var seq int
	if err := tx.QueryRowContext(ctx, db.q("SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events WHERE case_id = ?"), int64(id)).Scan(&seq); err != nil {
		return fmt.Errorf("case event: %w", err)
	}
	a, _ := audit.ActorFrom(ctx)
	_, err := tx.ExecContext(ctx, db.q("INSERT INTO case_events (case_id, seq, at, user_id, username, action, note) VALUES (?, ?, ?, ?, ?, ?, ?)"),
		int64(id), seq, db.ts(db.now()), a.UserID, a.Name, action, note)
	if err != nil {
		return fmt.Errorf("case event: %w", mapErr(err))
	}
	return nil
}

// ChangeCase implements assistance.Store.
func (db *DB) ChangeCase(ctx context.Context, ch *assistance.CaseChange) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		c := ch.Case
		if ch.Test != nil {
			if err := db.insertMeansTest(ctx, tx, ch.Test); err != nil {
				return err
			}
			c.TestID = ch.Test.ID
			if ch.Classification != nil {
				ch.Classification.TestID = ch.Test.ID
				if err := db.saveClassification(ctx, tx, ch.Classification); err != nil {
					return err
				}
			}
		}
		if o := ch.Objection; o != nil {
			if o.ID == 0 {
				if err := tx.QueryRowContext(ctx, db.q(`INSERT INTO case_objections (case_id, received_on, objector, content, outcome)
					VALUES (?, ?, ?, ?, ?) RETURNING id`), int64(c.ID), o.ReceivedOn, o.Objector, o.Content, o.Outcome).Scan(&o.ID); err != nil {
					return fmt.Errorf("insert objection: %w", mapErr(err))
				}
			} else if _, err := tx.ExecContext(ctx, db.q(`UPDATE case_objections SET outcome = ?, finding = ?, resolved_by = ?, resolved_at = ?
				WHERE id = ? AND case_id = ?`), o.Outcome, o.Finding, o.ResolvedBy, db.ts(o.ResolvedAt), int64(o.ID), int64(c.ID)); err != nil {
				return fmt.Errorf("resolve objection: %w", mapErr(err))
			}
		}
		if a := ch.Award; a != nil {
			a.CaseID = c.ID
			if err := db.insertAssistAward(ctx, tx, a); err != nil {
				return err
			}
			c.AwardID = a.ID
		}
		if a := ch.StopAward; a != nil {
			if err := db.updateAssistAward(ctx, tx, a); err != nil {
				return err
			}
		}
		now := db.now()
		var assessedAt, decidedAt any
		if !c.AssessedAt.IsZero() {
			assessedAt = db.ts(c.AssessedAt)
		}
		if !c.DecidedAt.IsZero() {
			decidedAt = db.ts(c.DecidedAt)
		}
		res, err := tx.ExecContext(ctx, db.q(`UPDATE assistance_cases SET status = ?, test_id = ?, eligible = ?, amount = ?, decision = ?,
			policy_version = ?, assessed_by = ?, assessed_at = ?, notice_from = ?, notice_to = ?, decided_by = ?, decided_at = ?, reason = ?,
			award_id = ?, fast_track = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`),
			string(c.Status), nullID(c.TestID), db.boolv(c.Eligible), int64(c.Amount), string(c.Decision), c.PolicyVersion, c.AssessedBy,
			assessedAt, nullDate(c.NoticeFrom), nullDate(c.NoticeTo), c.DecidedBy, decidedAt, c.Reason, int64(c.AwardID), db.boolv(c.FastTrack),
			db.ts(now), int64(c.ID), c.Version)
		if err != nil {
			return fmt.Errorf("update case %d: %w", c.ID, mapErr(err))
		}
		if err := db.checkUpdated(ctx, tx, res, "assistance_cases", int64(c.ID), c.Version); err != nil {
			return err
		}
		c.Version++
		c.UpdatedAt = now
		if err := db.appendCaseEvent(ctx, tx, c.ID, ch.Action, ch.Note); err != nil {
			return err
		}
		fields := []string{"status=" + string(c.Status), "action=" + fieldText(ch.Action)}
		if c.Eligible {
			fields = append(fields, "amount="+strconv.FormatInt(int64(c.Amount), 10))
		}
		if c.AwardID != 0 {
			fields = append(fields, "award="+strconv.FormatInt(int64(c.AwardID), 10))
		}
		return db.audited(ctx, tx, "case.change", "case", c.ID, string(c.RegionCode), c, fields)
	})
}

// fieldText makes free text fit an audit field, which may hold no comma
// (the fields are stored comma-separated).
func fieldText(s string) string { return strings.NewReplacer(",", ";", "，", "；").Replace(s) }

func nullDate(d period.Date) any {
	if d.IsZero() {
		return nil
	}
	return d
}

// Case implements assistance.Store.
func (db *DB) Case(ctx context.Context, id assistance.CaseID) (*assistance.Case, error) {
	return queryOne(ctx, db, db.r, "case", id, scanCase, "SELECT "+caseColumns+" FROM assistance_cases WHERE id = ?", int64(id))
}

// Cases implements assistance.Store.
func (db *DB) Cases(ctx context.Context, f assistance.CaseFilter) ([]*assistance.Case, error) {
	var w where
	w.region("region_code", f.Region)
	w.add("id > ?", f.After)
	w.text("programme", f.Programme)
	w.text("status", string(f.Status))
	if f.HouseholdID > 0 {
		w.add("household_id = ?", int64(f.HouseholdID))
	}
	return queryAll(ctx, db, db.r, "list cases", scanCase, "SELECT "+caseColumns+" FROM assistance_cases"+w.sql()+" ORDER BY id LIMIT ?", append(w.args, f.Limit)...)
}

// CaseEvents implements assistance.Store.
func (db *DB) CaseEvents(ctx context.Context, id assistance.CaseID) ([]assistance.CaseEvent, error) {
	return orEmpty(queryAll(ctx, db, db.r, "case events", func(rows scanner) (assistance.CaseEvent, error) {
		var e assistance.CaseEvent
		err := rows.Scan(&e.CaseID, &e.Seq, timeCol{&e.At}, &e.UserID, &e.Username, &e.Action, &e.Note)
		return e, err
	}, "SELECT case_id, seq, at, user_id, username, action, note FROM case_events WHERE case_id = ? ORDER BY seq", int64(id)))
}

// Objections implements assistance.Store.
func (db *DB) Objections(ctx context.Context, id assistance.CaseID) ([]assistance.Objection, error) {
	return orEmpty(queryAll(ctx, db, db.r, "objections", func(rows scanner) (assistance.Objection, error) {
		var o assistance.Objection
		err := rows.Scan(&o.ID, &o.CaseID, &o.ReceivedOn, &o.Objector, &o.Content, &o.Outcome, &o.Finding, &o.ResolvedBy,
			timeCol{&o.ResolvedAt})
		return o, err
	}, `SELECT id, case_id, received_on, objector, content, outcome, finding, resolved_by, resolved_at
		FROM case_objections WHERE case_id = ? ORDER BY id`, int64(id)))
}

// TemporaryReceived implements assistance.Store.
func (db *DB) TemporaryReceived(ctx context.Context, household registry.HouseholdID, from, to period.Month) (money.Fen, error) {
	var sum money.Fen
	err := db.r.QueryRowContext(ctx, db.q(`SELECT COALESCE(SUM(amount), 0) FROM assistance_awards WHERE household_id = ? AND programme = ?
		AND status = 'granted' AND start_month >= ? AND start_month <= ?`), int64(household), assistance.ProgTemporary, from.String(), to.String()).Scan(&sum)
	if err != nil {
		return 0, fmt.Errorf("temporary assistance received: %w", err)
	}
	return sum, nil
}

// ---- awards

const assistAwardColumns = `id, programme, kind, case_id, household_id, person_id, region_code, amount, start_month, end_month, status, category,
	review_due, stop_reason, decision, policy_version, created_by, created_at, version`

func scanAssistAward(row scanner) (*assistance.Award, error) {
	a := &assistance.Award{}
	var decision string
	err := row.Scan(&a.ID, &a.Programme, &a.Kind, &a.CaseID, &a.HouseholdID, &a.PersonID, &a.RegionCode, &a.Amount, &a.Start, &a.End,
		&a.Status, &a.Category, &a.ReviewDue, &a.StopReason, &decision, &a.PolicyVersion, &a.CreatedBy, timeCol{&a.CreatedAt}, &a.Version)
	if decision != "" {
		a.Decision = []byte(decision)
	}
	return a, err
}

func nullMonth(m period.Month) any {
	if m.IsZero() {
		return nil
	}
	return m.String()
}

func (db *DB) insertAssistAward(ctx context.Context, tx *sql.Tx, a *assistance.Award) error {
	a.CreatedAt = db.now()
	if a.Version == 0 {
		a.Version = 1
	}
	err := tx.QueryRowContext(ctx, db.q(`INSERT INTO assistance_awards (programme, kind, case_id, household_id, person_id, region_code,
		amount, start_month, end_month, status, category, review_due, stop_reason, decision, policy_version, created_by, created_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		a.Programme, string(a.Kind), int64(a.CaseID), int64(a.HouseholdID), int64(a.PersonID), string(a.RegionCode), int64(a.Amount),
		a.Start.String(), nullMonth(a.End), string(a.Status), a.Category, nullDate(a.ReviewDue), a.StopReason, string(a.Decision),
		a.PolicyVersion, a.CreatedBy, db.ts(a.CreatedAt), a.Version).Scan(&a.ID)
	if err != nil {
		err = mapErr(err)
		if fault.CodeOf(err) == fault.Conflict {
			who := fmt.Sprintf("household %d", a.HouseholdID)
			if a.PersonID != 0 {
				who = fmt.Sprintf("person %d", a.PersonID)
			}
			return fault.Wrap(fault.Conflict, err, "%s has a %s award already (one active award per programme)", who, a.Programme)
		}
		return fmt.Errorf("insert award: %w", err)
	}
	return db.queueAwardNotice(ctx, tx, a)
}

// queueAwardNotice queues the notice of an award's change to its person,
// or to the head of its household, once per award, kind and version.
func (db *DB) queueAwardNotice(ctx context.Context, tx *sql.Tx, a *assistance.Award) error {
	if a.Notice == nil {
		return nil
	}
	recipient := int64(a.PersonID)
	if recipient == 0 {
		err := tx.QueryRowContext(ctx, db.q("SELECT person_id FROM household_members WHERE household_id = ? AND relation = 'head'"), int64(a.HouseholdID)).Scan(&recipient)
		if errNoRows(err) {
			return nil // no head to tell
		} else if err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, db.q(`INSERT INTO notices (recipient_kind, recipient_id, region_code, kind, ref, message, status, created_at)
		VALUES ('person', ?, ?, ?, ?, ?, 'queued', ?) ON CONFLICT (ref) DO NOTHING`), recipient, string(a.RegionCode), a.Notice.Kind,
		fmt.Sprintf("award/%d/%s/%d", a.ID, a.Notice.Kind, a.Version), a.Notice.Message, db.ts(db.now()))
	if err != nil {
		return fmt.Errorf("queue the notice of award %d: %w", a.ID, err)
	}
	return nil
}

func (db *DB) updateAssistAward(ctx context.Context, tx *sql.Tx, a *assistance.Award) error {
	res, err := tx.ExecContext(ctx, db.q(`UPDATE assistance_awards SET amount = ?, end_month = ?, status = ?, category = ?, review_due = ?,
		stop_reason = ?, decision = ?, version = version + 1 WHERE id = ? AND version = ?`),
		int64(a.Amount), nullMonth(a.End), string(a.Status), a.Category, nullDate(a.ReviewDue), a.StopReason, string(a.Decision),
		int64(a.ID), a.Version)
	if err != nil {
		return fmt.Errorf("update award %d: %w", a.ID, mapErr(err))
	}
	if err := db.checkUpdated(ctx, tx, res, "assistance_awards", int64(a.ID), a.Version); err != nil {
		return err
	}
	a.Version++
	return db.queueAwardNotice(ctx, tx, a)
}

// AssistanceAward implements assistance.Store.
func (db *DB) AssistanceAward(ctx context.Context, id assistance.AwardID) (*assistance.Award, error) {
	return queryOne(ctx, db, db.r, "award", id, scanAssistAward, "SELECT "+assistAwardColumns+" FROM assistance_awards WHERE id = ?", int64(id))
}

// AssistanceAwards implements assistance.Store.
func (db *DB) AssistanceAwards(ctx context.Context, f assistance.AwardFilter) ([]*assistance.Award, error) {
	var w where
	w.region("region_code", f.Region)
	w.add("id > ?", f.After)
	w.text("programme", f.Programme)
	w.text("status", string(f.Status))
	if f.HouseholdID > 0 {
		w.add("household_id = ?", int64(f.HouseholdID))
	}
	if f.PersonID > 0 {
		w.add("person_id = ?", int64(f.PersonID))
	}
	order := " ORDER BY id LIMIT ?"
	if !f.ReviewDueBy.IsZero() {
		w.add("review_due <= ?", f.ReviewDueBy)
	}
	return queryAll(ctx, db, db.r, "list awards", scanAssistAward, "SELECT "+assistAwardColumns+" FROM assistance_awards"+w.sql()+order, append(w.args, f.Limit)...)
}

// ActiveAwards implements assistance.Store.
func (db *DB) ActiveAwards(ctx context.Context, household registry.HouseholdID, person registry.PersonID) ([]*assistance.Award, error) {
	var w where
	w.add("status = 'active'")
	if household != 0 {
		w.add("household_id = ?", int64(household))
	}
	if person != 0 {
		w.add("person_id = ?", int64(person))
	}
	return queryAll(ctx, db, db.r, "active awards", scanAssistAward, "SELECT "+assistAwardColumns+" FROM assistance_awards"+w.sql()+" ORDER BY id", w.args...)
}

// UpdateAssistanceAward implements assistance.Store.
func (db *DB) UpdateAssistanceAward(ctx context.Context, a *assistance.Award, action, note string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.updateAssistAward(ctx, tx, a); err != nil {
			return err
		}
		return db.audited(ctx, tx, "award."+action, "award", a.ID, string(a.RegionCode), a, []string{"status=" + string(a.Status), "note=" + fieldText(note)})
	})
}

// PayBasis implements assistance.Store. The layer is the latest
// classification up to m of the award's household (a person's household
// for a person award).
func (db *DB) PayBasis(ctx context.Context, m period.Month, code region.Code) ([]assistance.PayItem, error) {
	var w where
	w.region("a.region_code", code)
	w.add("((a.kind = 'monthly' AND a.status = 'active' AND a.start_month <= ?) OR (a.kind = 'once' AND a.status = 'granted' AND a.start_month = ?))", m.String(), m.String())
	return queryAll(ctx, db, db.r, fmt.Sprintf("payment basis of %s", m), func(rows scanner) (assistance.PayItem, error) {
		var it assistance.PayItem
		a := &it.Award
		err := rows.Scan(&a.ID, &a.Programme, &a.Kind, &a.CaseID, &a.HouseholdID, &a.PersonID, &a.RegionCode, &a.Amount, &a.Start, &a.End,
			&a.Status, &a.Version, &it.Death, &it.Layer)
		return it, err
	}, `SELECT a.id, a.programme, a.kind, a.case_id, a.household_id, a.person_id, a.region_code, a.amount,
		a.start_month, a.end_month, a.status, a.version, p.death_date,
		COALESCE((SELECT c.layer FROM classifications c WHERE c.household_id = CASE WHEN a.household_id <> 0 THEN a.household_id ELSE
			(SELECT hm.household_id FROM household_members hm WHERE hm.person_id = a.person_id) END AND c.period <= ?
			ORDER BY c.period DESC LIMIT 1), 'none')
		FROM assistance_awards a LEFT JOIN persons p ON p.id = a.person_id AND a.person_id <> 0`+w.sql()+` ORDER BY a.id`, append([]any{m.String()}, w.args...)...)
}

// SavePayRun implements assistance.Store. A line whose award and month
// exist already is skipped (the key refuses a second one).
func (db *DB) SavePayRun(ctx context.Context, r *assistance.PayRun) (int, error) {
	n := 0
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for _, a := range r.Stops {
			if err := db.updateAssistAward(ctx, tx, a); err != nil {
				return err
			}
		}
		now := db.ts(db.now())
		stmt, err := tx.PrepareContext(ctx, db.q(`INSERT INTO assistance_lines (period, award_id, programme, region_code, household_id, person_id,
			amount, layer, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (period, award_id) DO NOTHING`))
		if err != nil {
			return fmt.Errorf("prepare payment lines: %w", err)
		}
		defer stmt.Close()
		var total money.Fen
		for _, l := range r.Lines {
			res, err := stmt.ExecContext(ctx, l.Period.String(), int64(l.AwardID), l.Programme, string(l.RegionCode), int64(l.HouseholdID),
				int64(l.PersonID), int64(l.Amount), string(l.Layer), now)
			if err != nil {
				return fmt.Errorf("payment line of award %d: %w", l.AwardID, mapErr(err))
			}
			if k, err := res.RowsAffected(); err == nil && k == 1 {
				n++
				if total, err = money.Add(total, l.Amount); err != nil {
					return fmt.Errorf("assistance pay run %s: total: %w", r.Period, err)
				}
			}
		}
		fields := []string{"period=" + r.Period.String(), "new_lines=" + strconv.Itoa(n), "amount=" + strconv.FormatInt(int64(total), 10),
			"stopped=" + strconv.Itoa(len(r.Stops))}
		return db.audited(ctx, tx, "assistance.pay", "assistance_run", r.Period.String()+"/"+string(r.Region), string(r.Region),
			map[string]any{"period": r.Period, "region": r.Region, "new_lines": n, "amount": total, "stopped": len(r.Stops)}, fields)
	})
	return n, err
}

// Lines implements assistance.Store.
func (db *DB) Lines(ctx context.Context, award assistance.AwardID) ([]assistance.PaymentLine, error) {
	return orEmpty(queryAll(ctx, db, db.r, "payment lines", func(rows scanner) (assistance.PaymentLine, error) {
		var l assistance.PaymentLine
		err := rows.Scan(&l.Period, &l.AwardID, &l.Programme, &l.RegionCode, &l.HouseholdID, &l.PersonID, &l.Amount, &l.Layer)
		return l, err
	}, `SELECT period, award_id, programme, region_code, household_id, person_id, amount, layer
		FROM assistance_lines WHERE award_id = ? ORDER BY period`, int64(award)))
}

// ---- reviews

const reviewColumns = `id, award_id, region_code, due_on, test_id, outcome, eligible, amount, old_amount, reason, decision, reviewed_by,
	reviewed_at, decided_by, decided_at`

func scanReview(row scanner) (*assistance.Review, error) {
	r := &assistance.Review{}
	var testID sql.NullInt64
	var decision string
	err := row.Scan(&r.ID, &r.AwardID, &r.RegionCode, &r.DueOn, &testID, &r.Outcome, &r.Eligible, &r.Amount, &r.OldAmount, &r.Reason,
		&decision, &r.ReviewedBy, timeCol{&r.ReviewedAt}, &r.DecidedBy, timeCol{&r.DecidedAt})
	r.TestID = assistance.TestID(testID.Int64)
	if decision != "" {
		r.Decision = []byte(decision)
	}
	return r, err
}

// SaveReview implements assistance.Store.
func (db *DB) SaveReview(ctx context.Context, r *assistance.Review, a *assistance.Award, t *assistance.MeansTest, c *assistance.Classification) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if t != nil {
			if err := db.insertMeansTest(ctx, tx, t); err != nil {
				return err
			}
			r.TestID = t.ID
			if c != nil {
				c.TestID = t.ID
				if err := db.saveClassification(ctx, tx, c); err != nil {
					return err
				}
			}
		}
		var decidedAt any
		if !r.DecidedAt.IsZero() {
			decidedAt = db.ts(r.DecidedAt)
		}
		if r.ID == 0 {
			err := tx.QueryRowContext(ctx, db.q(`INSERT INTO assistance_reviews (award_id, region_code, due_on, test_id, outcome, eligible, amount,
				old_amount, reason, decision, reviewed_by, reviewed_at, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
				int64(r.AwardID), string(r.RegionCode), r.DueOn, nullID(r.TestID), string(r.Outcome), db.boolv(r.Eligible), int64(r.Amount),
				int64(r.OldAmount), r.Reason, string(r.Decision), r.ReviewedBy, db.ts(r.ReviewedAt), r.DecidedBy, decidedAt).Scan(&r.ID)
			if err != nil {
				err = mapErr(err)
				if fault.CodeOf(err) == fault.Conflict {
					return fault.Wrap(fault.Conflict, err, "award %d has a review proposal waiting for a decision", r.AwardID)
				}
				return fmt.Errorf("insert review: %w", err)
			}
		} else if _, err := tx.ExecContext(ctx, db.q(`UPDATE assistance_reviews SET outcome = ?, reason = ?, decided_by = ?, decided_at = ? WHERE id = ?`),
			string(r.Outcome), r.Reason, r.DecidedBy, decidedAt, int64(r.ID)); err != nil {
			return fmt.Errorf("update review %d: %w", r.ID, mapErr(err))
		}
		if a != nil {
			if err := db.updateAssistAward(ctx, tx, a); err != nil {
				return err
			}
		}
		return db.audited(ctx, tx, "review."+string(r.Outcome), "review", r.ID, string(r.RegionCode), r,
			[]string{"award=" + strconv.FormatInt(int64(r.AwardID), 10), "outcome=" + string(r.Outcome)})
	})
}

// FindReview implements assistance.Store.
func (db *DB) FindReview(ctx context.Context, id assistance.ReviewID) (*assistance.Review, error) {
	return queryOne(ctx, db, db.r, "review", id, scanReview, "SELECT "+reviewColumns+" FROM assistance_reviews WHERE id = ?", int64(id))
}

// Reviews implements assistance.Store.
func (db *DB) Reviews(ctx context.Context, award assistance.AwardID) ([]assistance.Review, error) {
	return orEmpty(queryAll(ctx, db, db.r, "reviews", func(row scanner) (assistance.Review, error) {
		r, err := scanReview(row)
		if err != nil {
			return assistance.Review{}, err
		}
		return *r, nil
	}, "SELECT "+reviewColumns+" FROM assistance_reviews WHERE award_id = ? ORDER BY id", int64(award)))
}
