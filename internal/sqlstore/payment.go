package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

var _ payment.Store = (*DB)(nil)

// PendingLines implements payment.Store: the pension payroll lines, the
// benefit lines the funds pay, the assistance lines and the refunds to
// employers of month m with no instruction yet, each with its payee's
// confirmed primary bank account. Who an assistance line pays is
// payment.AssistancePayee's to decide (readmodel_payee.go reads its facts);
// those lines come first, as "assistance" sorts before the other sources.
func (db *DB) PendingLines(ctx context.Context, m period.Month, code region.Code) ([]payment.Line, error) {
	out, err := db.assistancePayeeLines(ctx, m, code)
	if err != nil {
		return nil, err
	}
	ms := m.String()
	reg := func(col string) (string, []any) {
		var w where
		w.region(col, code)
		if len(w.conds) == 0 {
			return "", nil
		}
		return " AND " + strings.Join(w.conds, " AND "), w.args
	}
	pr, pa := reg("l.region_code")
	br, ba := reg("l.region_code")
	rr, ra := reg("l.region_code")
	account := func(kind, id string) string {
		return `COALESCE((SELECT b.id FROM bank_accounts b WHERE b.owner_kind = '` + kind + `' AND b.owner_id = ` + id + ` AND b.is_primary AND b.status = 'confirmed'), 0)`
	}
	notPaid := func(source, ref, line string) string {
		return ` AND NOT EXISTS (SELECT 1 FROM payment_instructions i WHERE i.source = '` + source + `' AND i.source_ref = ` + ref +
			` AND i.period = l.period AND i.line = ` + line + `)`
	}
	q := `SELECT 'pension', l.award_id, l.period, l.kind, a.scheme, a.scheme, 'person', l.person_id, l.region_code, l.amount, ` + account("person", "l.person_id") + `
		FROM payroll_lines l JOIN awards a ON a.id = l.award_id
		WHERE l.period = ? AND l.amount > 0` + pr + notPaid("pension", "l.award_id", "l.kind") + `
		UNION ALL
		SELECT 'benefit', COALESCE(l.claim_id, l.injury_id), l.period, l.kind,
			CASE WHEN l.kind = 'unemployment_benefit' THEN 'unemployment' ELSE 'work_injury' END, l.kind, 'person', l.person_id, l.region_code,
			l.amount, ` + account("person", "l.person_id") + `
		FROM benefit_lines l WHERE l.period = ? AND l.payer = 'fund' AND l.amount > 0` + br + notPaid("benefit", "COALESCE(l.claim_id, l.injury_id)", "l.kind") + `
		UNION ALL
		SELECT 'refund', l.id, l.period, '', 'unemployment', 'job_stabilization_refund', 'organisation', l.org_id, l.region_code, l.amount, ` + account("organisation", "l.org_id") + `
		FROM refunds l WHERE l.period = ?` + rr + notPaid("refund", "l.id", "''") + `
		ORDER BY 1, 2, 4`
	args := append(append(append(append(append([]any{ms}, pa...), ms), ba...), ms), ra...)
	rows, err := db.r.QueryContext(ctx, db.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("lines to pay in %s: %w", m, err)
	}
	defer rows.Close()
	intern := newInterner()
	var src, line, fund, prog, kind, rc sql.RawBytes
	for rows.Next() {
		var l payment.Line
		var per sql.RawBytes
		if err := rows.Scan(&src, &l.SourceRef, &per, &line, &fund, &prog, &kind, &l.PayeeID, &rc, &l.Amount, &l.BankAccountID); err != nil {
			return nil, fmt.Errorf("scan line to pay: %w", err)
		}
		l.Source, l.Line, l.Fund, l.Programme = payment.Source(intern(src)), intern(line), payment.Fund(intern(fund)), intern(prog)
		l.PayeeKind, l.RegionCode, l.Period = intern(kind), region.Code(intern(rc)), m
		out = append(out, l)
	}
	return out, rows.Err()
}

// postEntries inserts ledger entries; a journal whose entries do not sum to
// zero is refused.
func (db *DB) postEntries(ctx context.Context, tx *sql.Tx, es []payment.Entry) error {
	var t money.Total
	for _, e := range es {
		t.Add(e.Amount)
	}
	sum, err := t.Result()
	if err != nil {
		return fmt.Errorf("ledger: entries: %w", err)
	}
	if sum != 0 {
		return fmt.Errorf("ledger: entries sum to %s, not zero", sum)
	}
	ins := db.newInserter(tx, "ledger_entries", "journal", "account", "fund", "period", "region_code", "amount", "posted_at")
	for _, e := range es {
		if err := ins.add(ctx, e.Journal, string(e.Account), string(e.Fund), e.Period.String(), string(e.RegionCode), int64(e.Amount), db.ts(e.PostedAt)); err != nil {
			return err
		}
	}
	return ins.flush(ctx)
}

// CreateInstructions implements payment.Store.
func (db *DB) CreateInstructions(ctx context.Context, is []*payment.Instruction, journal string) error {
	if len(is) == 0 {
		return nil
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		ins := db.newInserter(tx, "payment_instructions", "source", "source_ref", "period", "line", "fund", "programme", "payee_kind",
			"payee_id", "region_code", "amount", "bank_account_id", "status", "hold_reason", "created_at", "version")
		var total money.Fen
		for _, in := range is {
			if err := ins.add(ctx, string(in.Source), in.SourceRef, in.Period.String(), in.Line, string(in.Fund), in.Programme, in.PayeeKind,
				in.PayeeID, string(in.RegionCode), int64(in.Amount), in.BankAccountID, string(in.Status), in.HoldReason, db.ts(in.CreatedAt), 1); err != nil {
				if fault.CodeOf(err) == fault.Conflict {
					return fault.Wrap(fault.Conflict, err, "an instruction exists already for a line of this chunk (one per award, month and line)")
				}
				return err
			}
			var err error
			if total, err = money.Add(total, in.Amount); err != nil {
				return fmt.Errorf("payment instructions: total: %w", err)
			}
		}
		if err := ins.flush(ctx); err != nil {
			if fault.CodeOf(err) == fault.Conflict {
				return fault.Wrap(fault.Conflict, err, "an instruction exists already for a line of this chunk (one per award, month and line)")
			}
			return err
		}
		es, err := payment.Accrual(is, journal, is[0].CreatedAt)
		if err != nil {
			return err
		}
		if err := db.postEntries(ctx, tx, es); err != nil {
			return err
		}
		return db.audited(ctx, tx, "payment.instruct", "payment_run", journal, "",
			map[string]any{"journal": journal, "instructions": len(is), "amount": total},
			[]string{"instructions=" + strconv.Itoa(len(is)), "amount=" + strconv.FormatInt(int64(total), 10)})
	})
}

const instructionColumns = `id, source, source_ref, period, line, fund, programme, payee_kind, payee_id, region_code, amount, bank_account_id,
	status, hold_reason, batch_id, attempts, fail_reason, created_at, version`

func scanInstruction(row scanner) (*payment.Instruction, error) {
	in := &payment.Instruction{}
	err := row.Scan(&in.ID, &in.Source, &in.SourceRef, &in.Period, &in.Line, &in.Fund, &in.Programme, &in.PayeeKind, &in.PayeeID,
		&in.RegionCode, &in.Amount, &in.BankAccountID, &in.Status, &in.HoldReason, &in.BatchID, &in.Attempts, &in.FailReason,
		timeCol{&in.CreatedAt}, &in.Version)
	return in, err
}

// Instructions implements payment.Store.
func (db *DB) Instructions(ctx context.Context, f payment.InstructionFilter) ([]*payment.Instruction, error) {
	var w where
	w.region("region_code", f.Region)
	w.add("id > ?", f.After)
	w.month("period", f.Period)
	w.text("fund", string(f.Fund))
	w.text("status", string(f.Status))
	if f.BatchID != 0 {
		w.add("batch_id = ?", int64(f.BatchID))
	}
	if f.PayeeID != 0 {
		w.add("payee_id = ?", f.PayeeID)
	}
	return queryAll(ctx, db, db.r, "list instructions", scanInstruction, "SELECT "+instructionColumns+" FROM payment_instructions"+w.sql()+" ORDER BY id LIMIT ?", append(w.args, f.Limit)...)
}

// ---- batches

const batchColumns = `id, fund, bank_code, period, kind, region_code, status, lines, total, created_by, created_name, created_at,
	approved_by, approved_at, exported_at, file_sha256, version, rejected_by, rejected_at, reject_note`

func scanBatch(row scanner) (*payment.Batch, error) {
	b := &payment.Batch{}
	err := row.Scan(&b.ID, &b.Fund, &b.BankCode, &b.Period, &b.Kind, &b.RegionCode, &b.Status, &b.Lines, &b.Total, &b.CreatedBy, &b.CreatedName,
		timeCol{&b.CreatedAt}, &b.ApprovedBy, timeCol{&b.ApprovedAt}, timeCol{&b.ExportedAt}, &b.FileSHA256, &b.Version,
		&b.RejectedBy, timeCol{&b.RejectedAt}, &b.RejectNote)
	return b, err
}

// CreateBatch implements payment.Store.
func (db *DB) CreateBatch(ctx context.Context, b *payment.Batch) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO payment_batches (fund, bank_code, period, kind, region_code, status, lines, total, created_by,
			created_name, created_at, version) VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, 1) RETURNING id`),
			string(b.Fund), b.BankCode, b.Period.String(), b.Kind, string(b.RegionCode), string(b.Status), b.CreatedBy, b.CreatedName, db.ts(b.CreatedAt)).Scan(&b.ID)
		if err != nil {
			return fmt.Errorf("insert batch: %w", mapErr(err))
		}
		var w where
		w.add("i.status = 'pending'")
		w.add("i.fund = ?", string(b.Fund))
		if b.Kind == "monthly" {
			w.add("i.period = ?", b.Period.String())
		} else {
			w.add("i.period <= ?", b.Period.String())
		}
		w.region("i.region_code", b.RegionCode)
		w.add("ba.bank_code = ?", b.BankCode)
		w.add("ba.status = 'confirmed'")
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO batch_lines (batch_id, line, instruction_id, attempt, reference, amount)
			SELECT ?, ROW_NUMBER() OVER (ORDER BY i.id), i.id, i.attempts + 1, 'SN' || i.id || '-' || (i.attempts + 1), i.amount
			FROM payment_instructions i JOIN bank_accounts ba ON ba.id = i.bank_account_id`+w.sql()), append([]any{int64(b.ID)}, w.args...)...); err != nil {
			return fmt.Errorf("batch lines: %w", mapErr(err))
		}
		if err := tx.QueryRowContext(ctx, db.q("SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM batch_lines WHERE batch_id = ?"), int64(b.ID)).Scan(&b.Lines, &b.Total); err != nil {
			return err
		}
		if b.Lines == 0 {
			return fault.Errorf(fault.Invalid, "no pending %s instructions for %s at bank %s in %s", b.Fund, b.Period, b.BankCode, b.RegionCode)
		}
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE payment_instructions SET status = 'batched', batch_id = ?, attempts = attempts + 1, version = version + 1
			WHERE id IN (SELECT instruction_id FROM batch_lines WHERE batch_id = ?)`), int64(b.ID), int64(b.ID)); err != nil {
			return fmt.Errorf("batch instructions: %w", err)
		}
		if _, err := tx.ExecContext(ctx, db.q("UPDATE payment_batches SET lines = ?, total = ? WHERE id = ?"), b.Lines, int64(b.Total), int64(b.ID)); err != nil {
			return err
		}
		return db.audited(ctx, tx, "batch.create", "batch", b.ID, string(b.RegionCode), b,
			[]string{"fund=" + string(b.Fund), "bank=" + b.BankCode, "lines=" + strconv.Itoa(b.Lines), "total=" + strconv.FormatInt(int64(b.Total), 10)})
	})
}

// PendingBanks implements payment.Store.
func (db *DB) PendingBanks(ctx context.Context, fund payment.Fund, m period.Month, all bool, code region.Code) ([]payment.BankTotal, error) {
	var w where
	w.add("i.status = 'pending'")
	w.add("i.fund = ?", string(fund))
	if all {
		w.add("i.period <= ?", m.String())
	} else {
		w.add("i.period = ?", m.String())
	}
	w.region("i.region_code", code)
	w.add("ba.status = 'confirmed'")
	return queryAll(ctx, db, db.r, "pending banks", func(rows scanner) (payment.BankTotal, error) {
		var b payment.BankTotal
		err := rows.Scan(&b.BankCode, &b.Count, &b.Amount)
		return b, err
	}, `SELECT ba.bank_code, COUNT(*), SUM(i.amount) FROM payment_instructions i
		JOIN bank_accounts ba ON ba.id = i.bank_account_id`+w.sql()+` GROUP BY ba.bank_code ORDER BY ba.bank_code`, w.args...)
}

// Batch implements payment.Store.
func (db *DB) Batch(ctx context.Context, id payment.BatchID) (*payment.Batch, error) {
	return queryOne(ctx, db, db.r, "batch", id, scanBatch, "SELECT "+batchColumns+" FROM payment_batches WHERE id = ?", int64(id))
}

// Batches implements payment.Store.
func (db *DB) Batches(ctx context.Context, f payment.BatchFilter) ([]*payment.Batch, error) {
	var w where
	w.region("region_code", f.Region)
	if f.After > 0 {
		w.add("id < ?", f.After)
	}
	w.month("period", f.Period)
	w.text("fund", string(f.Fund))
	w.text("status", string(f.Status))
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	return queryAll(ctx, db, db.r, "list batches", scanBatch, "SELECT "+batchColumns+" FROM payment_batches"+w.sql()+" ORDER BY id DESC LIMIT ?", append(w.args, limit)...)
}

// UpdateBatch implements payment.Store. A cancelled batch gives its
// instructions back to pending, its lines removed.
func (db *DB) UpdateBatch(ctx context.Context, b *payment.Batch, action string, entries []payment.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var approved, exported, rejected any
		if !b.ApprovedAt.IsZero() {
			approved = db.ts(b.ApprovedAt)
		}
		if !b.ExportedAt.IsZero() {
			exported = db.ts(b.ExportedAt)
		}
		if !b.RejectedAt.IsZero() {
			rejected = db.ts(b.RejectedAt)
		}
		res, err := tx.ExecContext(ctx, db.q(`UPDATE payment_batches SET status = ?, approved_by = ?, approved_at = ?, exported_at = ?, file_sha256 = ?,
			rejected_by = ?, rejected_at = ?, reject_note = ?, version = version + 1 WHERE id = ? AND version = ?`),
			string(b.Status), b.ApprovedBy, approved, exported, b.FileSHA256, b.RejectedBy, rejected, b.RejectNote, int64(b.ID), b.Version)
		if err != nil {
			return fmt.Errorf("update batch %d: %w", b.ID, err)
		}
		if err := db.checkUpdated(ctx, tx, res, "payment_batches", int64(b.ID), b.Version); err != nil {
			return err
		}
		b.Version++
		// A batch cancelled by its maker or rejected by an approver lets
		// go of its instructions: pending again, to be batched anew.
		if b.Status == payment.BatchCancelled || b.Status == payment.BatchRejected {
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE payment_instructions SET status = 'pending', batch_id = 0, attempts = attempts - 1,
				version = version + 1 WHERE batch_id = ? AND status = 'batched'`), int64(b.ID)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, db.q("DELETE FROM batch_lines WHERE batch_id = ?"), int64(b.ID)); err != nil {
				return err
			}
		}
		if err := db.postEntries(ctx, tx, entries); err != nil {
			return err
		}
		fields := []string{"status=" + string(b.Status)}
		if action == "export" {
			fields = append(fields, "sha256="+b.FileSHA256)
		}
		return db.audited(ctx, tx, "batch."+action, "batch", b.ID, string(b.RegionCode), b, fields)
	})
}

// RecordDownload implements payment.Store.
func (db *DB) RecordDownload(ctx context.Context, b *payment.Batch, sha string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		return db.audited(ctx, tx, "batch.download", "batch", b.ID, string(b.RegionCode), map[string]any{"batch": b.ID, "sha256": sha},
			[]string{"sha256=" + sha, "status=" + string(b.Status)})
	})
}

// BatchLines implements payment.Store.
func (db *DB) BatchLines(ctx context.Context, id payment.BatchID) ([]payment.BatchLine, error) {
	return queryAll(ctx, db, db.r, "batch lines", func(rows scanner) (payment.BatchLine, error) {
		var l payment.BatchLine
		err := rows.Scan(&l.BatchID, &l.Line, &l.InstructionID, &l.Attempt, &l.Reference, &l.Amount, &l.Outcome, &l.Reason, &l.Period,
			&l.RegionCode, &l.Fund, &l.AccountNo, &l.AccountName, &l.BankName)
		return l, err
	}, `SELECT l.batch_id, l.line, l.instruction_id, l.attempt, l.reference, l.amount, l.outcome, l.reason,
		i.period, i.region_code, i.fund, COALESCE(ba.account_no, ''), COALESCE(ba.account_name, ''), COALESCE(ba.bank_name, '')
		FROM batch_lines l JOIN payment_instructions i ON i.id = l.instruction_id LEFT JOIN bank_accounts ba ON ba.id = i.bank_account_id
		WHERE l.batch_id = ? ORDER BY l.line`, int64(id))
}

// ReviewLines implements payment.Store.
func (db *DB) ReviewLines(ctx context.Context, id payment.BatchID) ([]payment.BatchLine, error) {
	return queryAll(ctx, db, db.r, "review batch lines", func(rows scanner) (payment.BatchLine, error) {
		var l payment.BatchLine
		err := rows.Scan(&l.BatchID, &l.Line, &l.InstructionID, &l.Attempt, &l.Reference, &l.Amount, &l.Outcome, &l.Reason, &l.Period,
			&l.RegionCode, &l.Fund, &l.PayeeKind, &l.PayeeID, &l.PayeeName, &l.BankCode, &l.BankName, &l.AccountNo, &l.AccountName,
			&l.LastPaidAccount)
		return l, err
	}, `SELECT l.batch_id, l.line, l.instruction_id, l.attempt, l.reference, l.amount, l.outcome, l.reason,
		i.period, i.region_code, i.fund, i.payee_kind, i.payee_id, COALESCE(p.name, o.name, ''),
		COALESCE(ba.bank_code, ''), COALESCE(ba.bank_name, ''), COALESCE(ba.account_no, ''), COALESCE(ba.account_name, ''),
		COALESCE((SELECT pa.account_no FROM payment_instructions pi JOIN bank_accounts pa ON pa.id = pi.bank_account_id
			WHERE pi.payee_kind = i.payee_kind AND pi.payee_id = i.payee_id AND pi.status = 'paid' AND pi.id < i.id
			ORDER BY pi.id DESC LIMIT 1), '')
		FROM batch_lines l JOIN payment_instructions i ON i.id = l.instruction_id LEFT JOIN bank_accounts ba ON ba.id = i.bank_account_id
		LEFT JOIN persons p ON i.payee_kind = 'person' AND p.id = i.payee_id
		LEFT JOIN organisations o ON i.payee_kind = 'organisation' AND o.id = i.payee_id
		WHERE l.batch_id = ? ORDER BY l.line`, int64(id))
}

// StartReturn implements payment.Store.
func (db *DB) StartReturn(ctx context.Context, batch payment.BatchID, name, sha string, lines, paid, failed int) (int64, bool, error) {
	var id int64
	resumed := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var status string
		err := tx.QueryRowContext(ctx, db.q(`SELECT r.id, b.status FROM bank_returns r JOIN payment_batches b ON b.id = r.batch_id WHERE r.file_sha256 = ?`), sha).Scan(&id, &status)
		switch {
		case err == nil && status == string(payment.BatchSettled):
			return fault.Errorf(fault.Conflict, "this return file (%s) was posted already", name)
		case err == nil:
			resumed = true
			return nil
		case !errNoRows(err):
			return err
		}
		if err := tx.QueryRowContext(ctx, db.q(`INSERT INTO bank_returns (batch_id, file_name, file_sha256, lines, paid, failed, imported_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), int64(batch), name, sha, lines, paid, failed, db.ts(db.now())).Scan(&id); err != nil {
			return fmt.Errorf("record return file: %w", mapErr(err))
		}
		return db.audited(ctx, tx, "batch.return", "batch", batch, "", map[string]any{"file": name, "sha256": sha, "lines": lines, "paid": paid, "failed": failed},
			[]string{"lines=" + strconv.Itoa(lines), "paid=" + strconv.Itoa(paid), "failed=" + strconv.Itoa(failed)})
	})
	return id, resumed, err
}

// ReturnPosted implements payment.Store.
func (db *DB) ReturnPosted(ctx context.Context, batch payment.BatchID, sha string) (bool, error) {
	var n int
	if err := db.r.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM bank_returns WHERE batch_id = ? AND file_sha256 = ?`), int64(batch), sha).Scan(&n); err != nil {
		return false, fmt.Errorf("return files of batch %d: %w", batch, err)
	}
	return n > 0, nil
}

// PostReturns implements payment.Store.
func (db *DB) PostReturns(ctx context.Context, batch payment.BatchID, rs []payment.Return, journal string, last bool) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		type key struct {
			fund   payment.Fund
			m      period.Month
			county region.Code
		}
		paidSum, backSum := map[key]money.Fen{}, map[key]money.Fen{}
		var keys []key
		now := db.now()
		find, err := tx.PrepareContext(ctx, db.q(`SELECT l.instruction_id, l.attempt, l.amount, l.outcome, i.fund, i.period, i.region_code, i.payee_kind, i.payee_id
			FROM batch_lines l JOIN payment_instructions i ON i.id = l.instruction_id WHERE l.batch_id = ? AND l.reference = ?`))
		if err != nil {
			return err
		}
		defer find.Close()
		setLine, err := tx.PrepareContext(ctx, db.q("UPDATE batch_lines SET outcome = ?, reason = ? WHERE batch_id = ? AND reference = ?"))
		if err != nil {
			return err
		}
		defer setLine.Close()
		setInstr, err := tx.PrepareContext(ctx, db.q("UPDATE payment_instructions SET status = ?, fail_reason = ?, version = version + 1 WHERE id = ?"))
		if err != nil {
			return err
		}
		defer setInstr.Close()
		notice, err := tx.PrepareContext(ctx, db.q(`INSERT INTO notices (recipient_kind, recipient_id, region_code, kind, ref, message, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, 'queued', ?) ON CONFLICT (ref) DO NOTHING`))
		if err != nil {
			return err
		}
		defer notice.Close()
		for _, r := range rs {
			var id int64
			var attempt int
			var amount money.Fen
			var outcome, payeeKind string
			var payee int64
			var k key
			if err := find.QueryRowContext(ctx, int64(batch), r.Reference).Scan(&id, &attempt, &amount, &outcome, &k.fund, &k.m, &k.county, &payeeKind, &payee); err != nil {
				return fmt.Errorf("return row %d (%s): %w", r.Row, r.Reference, notFound(err, "batch line", r.Reference))
			}
			if outcome != "" {
				continue // posted by an earlier, interrupted run
			}
			region := k.county
			k.county = k.county.County()
			status, out, kind, msg := payment.Paid, "paid", payment.NoticePaid, fmt.Sprintf("您的待遇 %s 元已发放到账 (%s)。Your payment of %s yuan has been paid.", amount, k.m, amount)
			if !r.Paid {
				status, out, kind = payment.Failed, "failed", payment.NoticeFailed
				msg = fmt.Sprintf("您的待遇 %s 元 (%s) 发放未成功：%s。请核对银行账户。Your payment of %s yuan could not be paid: %s. Please check your bank account.",
					amount, k.m, r.Reason, amount, r.Reason)
			}
			if _, err := setLine.ExecContext(ctx, out, r.Reason, int64(batch), r.Reference); err != nil {
				return err
			}
			if _, err := setInstr.ExecContext(ctx, string(status), r.Reason, id); err != nil {
				return err
			}
			if _, err := notice.ExecContext(ctx, payeeKind, payee, string(region), string(kind), fmt.Sprintf("%s/%d/%d", out, id, attempt), msg, db.ts(now)); err != nil {
				return fmt.Errorf("queue notice: %w", err)
			}
			if _, ok := paidSum[k]; !ok {
				if _, ok := backSum[k]; !ok {
					keys = append(keys, k)
				}
			}
			var err error
			if r.Paid {
				paidSum[k], err = money.Add(paidSum[k], amount)
			} else {
				backSum[k], err = money.Add(backSum[k], amount)
			}
			if err != nil {
				return fmt.Errorf("returns of batch %d: %w", batch, err)
			}
		}
		var es []payment.Entry
		for _, k := range keys {
			if a := paidSum[k]; a != 0 {
				es = append(es,
					payment.Entry{Journal: journal, Account: payment.Payable, Fund: k.fund, Period: k.m, RegionCode: k.county, Amount: a, PostedAt: now},
					payment.Entry{Journal: journal, Account: payment.Clearing, Fund: k.fund, Period: k.m, RegionCode: k.county, Amount: -a, PostedAt: now})
			}
			if a := backSum[k]; a != 0 {
				es = append(es,
					payment.Entry{Journal: journal + "/back", Account: payment.FundBank, Fund: k.fund, Period: k.m, RegionCode: k.county, Amount: a, PostedAt: now},
					payment.Entry{Journal: journal + "/back", Account: payment.Clearing, Fund: k.fund, Period: k.m, RegionCode: k.county, Amount: -a, PostedAt: now})
			}
		}
		if err := db.postEntries(ctx, tx, es); err != nil {
			return err
		}
		if last {
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE payment_batches SET status = 'settled', version = version + 1 WHERE id = ? AND status = 'exported'
				AND NOT EXISTS (SELECT 1 FROM batch_lines WHERE batch_id = ? AND outcome = '')`), int64(batch), int64(batch)); err != nil {
				return err
			}
		}
		return db.audited(ctx, tx, "batch.post_return", "batch", batch, "", map[string]any{"journal": journal, "rows": len(rs)},
			[]string{"journal=" + journal, "rows=" + strconv.Itoa(len(rs))})
	})
}

// SetInstructions implements payment.Store. Releasing reads the payee's
// confirmed primary account again: an instruction still without one stays
// held.
func (db *DB) SetInstructions(ctx context.Context, ids []payment.InstructionID, from []payment.Status, to payment.Status, reason string, scope region.Code) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	n := 0
	err := db.tx(ctx, func(tx *sql.Tx) error {
		in := "(?" + strings.Repeat(", ?", len(ids)-1) + ")"
		args := make([]any, 0, len(ids))
		for _, id := range ids {
			args = append(args, int64(id))
		}
		if scope != "" {
			lo, hi := scope.Range()
			var outside int64
			if err := tx.QueryRowContext(ctx, db.q("SELECT COALESCE(MIN(id), 0) FROM payment_instructions WHERE id IN "+in+" AND NOT (region_code >= ? AND region_code < ?)"),
				append(append([]any{}, args...), lo, hi)...).Scan(&outside); err != nil {
				return fmt.Errorf("check the instructions' regions: %w", err)
			}
			if outside != 0 {
				// Outside the scope is answered as missing (docs/security.md).
				return fault.Errorf(fault.NotFound, "payment instruction %d not found", outside)
			}
		}
		fromIn := "(?" + strings.Repeat(", ?", len(from)-1) + ")"
		fargs := make([]any, 0, len(from))
		for _, f := range from {
			fargs = append(fargs, string(f))
		}
		cond := " WHERE id IN " + in + " AND status IN " + fromIn
		if to == payment.Pending {
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE payment_instructions SET bank_account_id = COALESCE((SELECT b.id FROM bank_accounts b
				WHERE b.owner_kind = payment_instructions.payee_kind AND b.owner_id = payment_instructions.payee_id AND b.is_primary AND b.status = 'confirmed'), 0)`+cond),
				append(append([]any{}, args...), fargs...)...); err != nil {
				return err
			}
			cond += " AND bank_account_id <> 0"
		}
		hold := reason
		if to != payment.Held {
			hold = ""
		}
		res, err := tx.ExecContext(ctx, db.q("UPDATE payment_instructions SET status = ?, hold_reason = ?, batch_id = CASE WHEN ? = 'pending' THEN 0 ELSE batch_id END, version = version + 1"+cond),
			append(append([]any{string(to), hold, string(to)}, args...), fargs...)...)
		if err != nil {
			return fmt.Errorf("set instructions %s: %w", to, err)
		}
		k, err := res.RowsAffected()
		if err != nil {
			return err
		}
		n = int(k)
		return db.audited(ctx, tx, "payment."+string(to), "instructions", fmt.Sprint(ids), "", map[string]any{"ids": ids, "to": to, "reason": reason},
			[]string{"to=" + string(to), "changed=" + strconv.Itoa(n)})
	})
	return n, err
}

// Ledger implements payment.Store.
func (db *DB) Ledger(ctx context.Context, m period.Month, code region.Code) ([]payment.Balance, error) {
	var w where
	if !m.IsZero() {
		w.add("period = ?", m.String())
	}
	w.region("region_code", code)
	return queryAll(ctx, db, db.r, "ledger", func(rows scanner) (payment.Balance, error) {
		var b payment.Balance
		err := rows.Scan(&b.Fund, &b.Account, &b.Amount)
		return b, err
	}, "SELECT fund, account, SUM(amount) FROM ledger_entries"+w.sql()+" GROUP BY fund, account ORDER BY fund, account", w.args...)
}

// InstructionTotals implements payment.Store.
func (db *DB) InstructionTotals(ctx context.Context, m period.Month, code region.Code) ([]payment.StatusTotal, error) {
	var w where
	if !m.IsZero() {
		w.add("period = ?", m.String())
	}
	w.region("region_code", code)
	return queryAll(ctx, db, db.r, "instruction totals", func(rows scanner) (payment.StatusTotal, error) {
		var t payment.StatusTotal
		err := rows.Scan(&t.Fund, &t.Status, &t.Count, &t.Amount)
		return t, err
	}, "SELECT fund, status, COUNT(*), SUM(amount) FROM payment_instructions"+w.sql()+" GROUP BY fund, status ORDER BY fund, status", w.args...)
}

// PaidReport implements payment.Store.
func (db *DB) PaidReport(ctx context.Context, from, to period.Month, code region.Code) ([]payment.PaidRow, error) {
	var w where
	w.add("status = 'paid'")
	w.add("period >= ? AND period <= ?", from.String(), to.String())
	w.region("region_code", code)
	return queryAll(ctx, db, db.r, "paid report", func(rows scanner) (payment.PaidRow, error) {
		var r payment.PaidRow
		err := rows.Scan(&r.Period, &r.Fund, &r.Programme, &r.County, &r.Payments, &r.Amount)
		return r, err
	}, `SELECT period, fund, programme, SUBSTR(region_code, 1, 6), COUNT(*), SUM(amount) FROM payment_instructions`+
		w.sql()+` GROUP BY period, fund, programme, SUBSTR(region_code, 1, 6) ORDER BY 1, 2, 3, 4`, w.args...)
}

// InTransit implements payment.Store.
func (db *DB) InTransit(ctx context.Context, m period.Month, code region.Code) (map[payment.Fund]money.Fen, error) {
	var w where
	// From the batches out at the bank (a few) to their lines and their
	// instructions: CROSS JOIN keeps SQLite to that order, which it would
	// otherwise start from the month's instructions (all of them).
	w.add("l.batch_id = b.id AND i.id = l.instruction_id")
	w.add("b.status = 'exported'")
	w.add("l.outcome = ''")
	if !m.IsZero() {
		w.add("i.period = ?", m.String())
	}
	w.region("i.region_code", code)
	out := map[payment.Fund]money.Fen{}
	if err := eachRow(ctx, db, db.r, "in transit", func(rows *sql.Rows) error {
		var f payment.Fund
		var a money.Fen
		if err := rows.Scan(&f, &a); err != nil {
			return err
		}
		out[f] = a
		return nil
	}, `SELECT i.fund, SUM(l.amount) FROM payment_batches b CROSS JOIN batch_lines l CROSS JOIN payment_instructions i`+
		w.sql()+` GROUP BY i.fund`, w.args...); err != nil {
		return nil, err
	}
	return out, nil
}

// QueuedNotices implements payment.Store.
func (db *DB) QueuedNotices(ctx context.Context, limit int) ([]*payment.Notice, error) {
	return queryAll(ctx, db, db.r, "queued notices", func(rows scanner) (*payment.Notice, error) {
		n := &payment.Notice{}
		err := rows.Scan(&n.ID, &n.RecipientKind, &n.RecipientID, &n.RegionCode, &n.Kind, &n.Ref, &n.Message, &n.Status, &n.Attempts, timeCol{&n.CreatedAt})
		return n, err
	}, `SELECT id, recipient_kind, recipient_id, region_code, kind, ref, message, status, attempts, created_at
		FROM notices WHERE status = 'queued' ORDER BY id LIMIT ?`, limit)
}

// MarkNotice implements payment.Store.
func (db *DB) MarkNotice(ctx context.Context, id int64, sent bool, at time.Time) error {
	q := "UPDATE notices SET status = 'sent', attempts = attempts + 1, sent_at = ? WHERE id = ?"
	args := []any{db.ts(at), id}
	if !sent {
		q = "UPDATE notices SET attempts = attempts + 1, status = CASE WHEN attempts + 1 >= 5 THEN 'failed' ELSE 'queued' END WHERE id = ?"
		args = []any{id}
	}
	_, err := db.w.ExecContext(ctx, db.q(q), args...)
	return err
}

// errNoRows reports whether err is sql.ErrNoRows.
func errNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
