package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// ---- bank accounts and payee agents: maker-checker changes of where
// benefits are paid.

const bankColumns = `id, region_code, owner_kind, owner_id, bank_code, bank_name, account_no, account_name, is_primary, wants_primary,
	status, agent_id, requested_by, requested_name, requested_at, decided_by, decided_name, decided_at, decision_note, version`

func scanBank(row scanner) (*registry.BankAccount, error) {
	b := &registry.BankAccount{}
	err := row.Scan(&b.ID, &b.RegionCode, &b.OwnerKind, &b.OwnerID, &b.BankCode, &b.BankName, &b.AccountNo, &b.AccountName, &b.Primary, &b.WantsPrimary,
		&b.Status, &b.AgentID, &b.RequestedBy, &b.RequestedName, timeCol{&b.RequestedAt}, &b.DecidedBy, &b.DecidedName, timeCol{&b.DecidedAt},
		&b.DecisionNote, &b.Version)
	return b, err
}

// setPrimary makes account id the owner's only primary account.
func (db *DB) setPrimary(ctx context.Context, tx *sql.Tx, kind registry.OwnerKind, owner int64, id registry.BankAccountID) error {
	if _, err := tx.ExecContext(ctx, db.q("UPDATE bank_accounts SET is_primary = ?, version = version + 1 WHERE owner_kind = ? AND owner_id = ? AND is_primary = ? AND id <> ?"),
		db.boolv(false), kind, owner, db.boolv(true), id); err != nil {
		return fmt.Errorf("primary bank account: %w", err)
	}
	return nil
}

// CreateBankAccount implements registry.Store.
func (db *DB) CreateBankAccount(ctx context.Context, b *registry.BankAccount) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if b.Primary {
			if err := db.setPrimary(ctx, tx, b.OwnerKind, b.OwnerID, 0); err != nil {
				return err
			}
		}
		b.Version = 1
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO bank_accounts (region_code, owner_kind, owner_id, bank_code, bank_name, account_no,
			account_name, is_primary, wants_primary, status, agent_id, requested_by, requested_name, requested_at, decided_by, decided_name,
			decided_at, decision_note, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			b.RegionCode, b.OwnerKind, b.OwnerID, b.BankCode, b.BankName, b.AccountNo, b.AccountName, db.boolv(b.Primary), db.boolv(b.WantsPrimary),
			string(b.Status), b.AgentID, b.RequestedBy, b.RequestedName, db.tsOrNil(b.RequestedAt), b.DecidedBy, b.DecidedName, db.tsOrNil(b.DecidedAt),
			b.DecisionNote, b.Version).Scan(&b.ID)
		if err != nil {
			return fmt.Errorf("create bank account: %w", mapErr(err))
		}
		return db.audited(ctx, tx, "bank_account.create", "bank_account", b.ID, string(b.RegionCode), b,
			[]string{"status=" + string(b.Status), "bank_code=" + b.BankCode, fmt.Sprintf("agent_id=%d", b.AgentID), fmt.Sprintf("wants_primary=%t", b.WantsPrimary)})
	})
}

// BankAccount implements registry.Store.
func (db *DB) BankAccount(ctx context.Context, id registry.BankAccountID) (*registry.BankAccount, error) {
	return queryOne(ctx, db, db.r, "bank account", id, scanBank, "SELECT "+bankColumns+" FROM bank_accounts WHERE id = ?", id)
}

// BankAccounts implements registry.Store.
func (db *DB) BankAccounts(ctx context.Context, kind registry.OwnerKind, owner int64) ([]*registry.BankAccount, error) {
	return orEmpty(queryAll(ctx, db, db.r, "list bank accounts", scanBank, "SELECT "+bankColumns+" FROM bank_accounts WHERE owner_kind = ? AND owner_id = ? ORDER BY id", kind, owner))
}

// BankAccountsByStatus implements registry.Store.
func (db *DB) BankAccountsByStatus(ctx context.Context, status registry.ApprovalStatus, code region.Code, after int64, limit int) ([]*registry.BankAccount, error) {
	var w where
	w.add("status = ?", string(status))
	w.region("region_code", code)
	w.add("id > ?", after)
	return orEmpty(queryAll(ctx, db, db.r, "list bank accounts", scanBank, "SELECT "+bankColumns+" FROM bank_accounts"+w.sql()+" ORDER BY id LIMIT ?", append(w.args, limit)...))
}

// DecideBankAccount implements registry.Store.
func (db *DB) DecideBankAccount(ctx context.Context, b *registry.BankAccount) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		primary := b.Status == registry.StatusConfirmed && b.WantsPrimary
		if primary {
			if err := db.setPrimary(ctx, tx, b.OwnerKind, b.OwnerID, b.ID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, db.q(`UPDATE bank_accounts SET status = ?, is_primary = ?, decided_by = ?, decided_name = ?, decided_at = ?,
			decision_note = ?, version = version + 1 WHERE id = ? AND version = ? AND status = 'pending'`),
			string(b.Status), db.boolv(primary), b.DecidedBy, b.DecidedName, db.tsOrNil(b.DecidedAt), b.DecisionNote, b.ID, b.Version)
		if err != nil {
			return fmt.Errorf("decide bank account %d: %w", b.ID, mapErr(err))
		}
		if err := db.checkUpdated(ctx, tx, res, "bank_accounts", int64(b.ID), b.Version); err != nil {
			return err
		}
		b.Version++
		b.Primary = primary
		action := "bank_account.confirm"
		if b.Status == registry.StatusRejected {
			action = "bank_account.reject"
		}
		return db.audited(ctx, tx, action, "bank_account", b.ID, string(b.RegionCode), b,
			[]string{"status=" + string(b.Status), fmt.Sprintf("requested_by=%d", b.RequestedBy), fmt.Sprintf("primary=%t", primary)})
	})
}

const agentColumns = `id, person_id, region_code, name, id_number, relation, status, requested_by, requested_name, requested_at,
	decided_by, decided_name, decided_at, decision_note, version`

func scanAgent(row scanner) (*registry.PayeeAgent, error) {
	a := &registry.PayeeAgent{}
	err := row.Scan(&a.ID, &a.PersonID, &a.RegionCode, &a.Name, &a.IDNumber, &a.Relation, &a.Status, &a.RequestedBy, &a.RequestedName,
		timeCol{&a.RequestedAt}, &a.DecidedBy, &a.DecidedName, timeCol{&a.DecidedAt}, &a.DecisionNote, &a.Version)
	return a, err
}

// CreatePayeeAgent implements registry.Store.
func (db *DB) CreatePayeeAgent(ctx context.Context, a *registry.PayeeAgent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		a.Version = 1
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO payee_agents (person_id, region_code, name, id_number, relation, status, requested_by,
			requested_name, requested_at, decided_by, decided_name, decided_at, decision_note, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			a.PersonID, a.RegionCode, a.Name, string(a.IDNumber), string(a.Relation), string(a.Status), a.RequestedBy, a.RequestedName,
			db.ts(a.RequestedAt), a.DecidedBy, a.DecidedName, db.tsOrNil(a.DecidedAt), a.DecisionNote, a.Version).Scan(&a.ID)
		if err != nil {
			return fmt.Errorf("create payee agent: %w", mapErr(err))
		}
		return db.audited(ctx, tx, "payee_agent.create", "payee_agent", a.ID, string(a.RegionCode), a,
			[]string{"status=" + string(a.Status), fmt.Sprintf("person_id=%d", a.PersonID), "relation=" + string(a.Relation)})
	})
}

// PayeeAgent implements registry.Store.
func (db *DB) PayeeAgent(ctx context.Context, id registry.AgentID) (*registry.PayeeAgent, error) {
	return queryOne(ctx, db, db.r, "payee agent", id, scanAgent, "SELECT "+agentColumns+" FROM payee_agents WHERE id = ?", id)
}

func (db *DB) listAgents(ctx context.Context, w where, limit int) ([]*registry.PayeeAgent, error) {
	return orEmpty(queryAll(ctx, db, db.r, "list payee agents", scanAgent, "SELECT "+agentColumns+" FROM payee_agents"+w.sql()+" ORDER BY id LIMIT ?", append(w.args, limit)...))
}

// PayeeAgents implements registry.Store.
func (db *DB) PayeeAgents(ctx context.Context, person registry.PersonID) ([]*registry.PayeeAgent, error) {
	var w where
	w.add("person_id = ?", person)
	return db.listAgents(ctx, w, 1000)
}

// PayeeAgentsByStatus implements registry.Store.
func (db *DB) PayeeAgentsByStatus(ctx context.Context, status registry.ApprovalStatus, code region.Code, after int64, limit int) ([]*registry.PayeeAgent, error) {
	var w where
	w.add("status = ?", string(status))
	w.region("region_code", code)
	w.add("id > ?", after)
	return db.listAgents(ctx, w, limit)
}

// DecidePayeeAgent implements registry.Store.
func (db *DB) DecidePayeeAgent(ctx context.Context, a *registry.PayeeAgent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE payee_agents SET status = ?, decided_by = ?, decided_name = ?, decided_at = ?, decision_note = ?,
			version = version + 1 WHERE id = ? AND version = ? AND status = 'pending'`),
			string(a.Status), a.DecidedBy, a.DecidedName, db.tsOrNil(a.DecidedAt), a.DecisionNote, a.ID, a.Version)
		if err != nil {
			return fmt.Errorf("decide payee agent %d: %w", a.ID, mapErr(err))
		}
		if err := db.checkUpdated(ctx, tx, res, "payee_agents", int64(a.ID), a.Version); err != nil {
			return err
		}
		a.Version++
		action := "payee_agent.confirm"
		if a.Status == registry.StatusRejected {
			action = "payee_agent.reject"
		}
		return db.audited(ctx, tx, action, "payee_agent", a.ID, string(a.RegionCode), a,
			[]string{"status=" + string(a.Status), fmt.Sprintf("requested_by=%d", a.RequestedBy)})
	})
}
