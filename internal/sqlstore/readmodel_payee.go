// The payee read model of assistance lines: the facts the payee rule
// (payment.AssistancePayee, docs/payments.md) decides from, for every
// assistance line of a month not instructed yet, in one pass in key order:
// the award's person, its household's head, and the confirmed primary
// account of each (index lookups within the query, no query per line). The
// store gathers the facts; the rule decides who is paid into which account.

package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// assistancePayeeLines returns the assistance lines of month m in the region
// subtree with no instruction yet, by award, each paid as
// payment.AssistancePayee decides; a line the rule finds no payee for is
// left out.
func (db *DB) assistancePayeeLines(ctx context.Context, m period.Month, code region.Code) ([]payment.Line, error) {
	var w where
	w.region("l.region_code", code)
	reg := ""
	if len(w.conds) > 0 {
		reg = " AND " + strings.Join(w.conds, " AND ")
	}
	account := func(id string) string {
		return `COALESCE((SELECT b.id FROM bank_accounts b WHERE b.owner_kind = 'person' AND b.owner_id = ` + id + ` AND b.is_primary AND b.status = 'confirmed'), 0)`
	}
	q := `SELECT l.award_id, l.programme, p.person_id, p.head, l.region_code, l.amount, ` + account("p.person_id") + `, ` + account("p.head") + `
		FROM assistance_lines l JOIN (SELECT a.id AS award_id, a.person_id,
				COALESCE((SELECT hm.person_id FROM household_members hm WHERE hm.household_id = a.household_id AND hm.relation = 'head'), 0) AS head
			FROM assistance_awards a) p ON p.award_id = l.award_id
		WHERE l.period = ? AND l.amount > 0` + reg + `
			AND NOT EXISTS (SELECT 1 FROM payment_instructions i WHERE i.source = 'assistance' AND i.source_ref = l.award_id AND i.period = l.period AND i.line = '')
		ORDER BY l.award_id`
	rows, err := db.r.QueryContext(ctx, db.q(q), append([]any{m.String()}, w.args...)...)
	if err != nil {
		return nil, fmt.Errorf("assistance lines to pay in %s: %w", m, err)
	}
	defer rows.Close()
	intern := newInterner()
	var prog, rc sql.RawBytes
	var out []payment.Line
	for rows.Next() {
		l := payment.Line{Source: payment.SourceAssistance, Period: m, Fund: payment.FundAssistance, PayeeKind: "person"}
		var f payment.PayeeFacts
		if err := rows.Scan(&l.SourceRef, &prog, &f.PersonID, &f.HeadID, &rc, &l.Amount, &f.PersonAccount, &f.HeadAccount); err != nil {
			return nil, fmt.Errorf("scan assistance line to pay: %w", err)
		}
		var ok bool
		if l.PayeeID, l.BankAccountID, ok = payment.AssistancePayee(f); !ok {
			continue
		}
		l.Programme, l.RegionCode = intern(prog), region.Code(intern(rc))
		out = append(out, l)
	}
	return out, rows.Err()
}
