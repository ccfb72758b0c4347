package sqlstore_test

import (
	"fmt"
	"testing"

	"safetynet/internal/payment"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestAssistanceLinesPayee makes the instructions of assistance lines: a
// household award pays the household's head into the head's account, a
// person award pays the person even when the person has a household head,
// a head with no account is held, and a household award whose household
// has no head is not instructed.
func TestAssistanceLinesPayee(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPayments(t, open, 5) // persons 0-3 have an account, 4 has none
		p := pb.Persons
		v := p[0].RegionCode
		id := func(i int) int64 { return int64(p[i].ID) }
		qs := []string{
			// 501: head 1, member 0; 502: only a member (2), no head; 503: head 4.
			fmt.Sprintf(`INSERT INTO households (id, region_code, hukou_type, created_at, updated_at) VALUES
				(501, '%[1]s', 'urban', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z'),
				(502, '%[1]s', 'urban', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z'),
				(503, '%[1]s', 'urban', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z')`, v),
			fmt.Sprintf(`INSERT INTO household_members (household_id, person_id, region_code, relation) VALUES
				(501, %[1]d, '%[5]s', 'head'), (501, %[2]d, '%[5]s', 'spouse'), (502, %[3]d, '%[5]s', 'child'), (503, %[4]d, '%[5]s', 'head')`,
				id(1), id(0), id(2), id(4), v),
			fmt.Sprintf(`INSERT INTO assistance_awards (id, programme, kind, household_id, person_id, region_code, amount, start_month, status, created_by, created_at) VALUES
				(7001, 'dibao', 'monthly', 501, 0, '%[1]s', 1000, '2020-01', 'active', 't', '2020-01-01T00:00:00Z'),
				(7002, 'high_age_allowance', 'monthly', 501, %[2]d, '%[1]s', 2000, '2020-01', 'active', 't', '2020-01-01T00:00:00Z'),
				(7003, 'dibao', 'monthly', 502, 0, '%[1]s', 3000, '2020-01', 'active', 't', '2020-01-01T00:00:00Z'),
				(7004, 'dibao', 'monthly', 503, 0, '%[1]s', 4000, '2020-01', 'active', 't', '2020-01-01T00:00:00Z')`, v, id(0)),
			fmt.Sprintf(`INSERT INTO assistance_lines (period, award_id, programme, region_code, household_id, person_id, amount, created_at)
				SELECT '%s', id, programme, region_code, household_id, person_id, amount, '2020-01-01T00:00:00Z' FROM assistance_awards`, pb.M),
		}
		for _, q := range qs {
			if err := pb.DB.ExecRaw(pb.Ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		account := func(i int) int64 {
			var a int64
			if err := pb.DB.QueryRowRaw(pb.Ctx, "SELECT COALESCE(MAX(id), 0) FROM bank_accounts WHERE owner_kind = 'person' AND owner_id = "+fmt.Sprint(id(i))).Scan(&a); err != nil {
				t.Fatal(err)
			}
			return a
		}
		sum, err := pb.Pay.Generate(pb.CW, pb.M, "")
		if err != nil {
			t.Fatal(err)
		}
		if sum.Created != 5+3 || sum.Held != 1+1 {
			t.Errorf("generate: %+v, want 5 pension and 3 assistance instructions, one of each held", sum)
		}
		is, err := pb.DB.Instructions(pb.Approver, payment.InstructionFilter{Fund: payment.FundAssistance, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		type paid struct {
			payee, account int64
			status         payment.Status
		}
		got := map[int64]paid{}
		for _, in := range is {
			if in.Source != payment.SourceAssistance || in.PayeeKind != "person" {
				t.Errorf("instruction %+v: want an assistance line paid to a person", in)
			}
			got[in.SourceRef] = paid{in.PayeeID, in.BankAccountID, in.Status}
		}
		want := map[int64]paid{
			7001: {id(1), account(1), payment.Pending},
			7002: {id(0), account(0), payment.Pending},
			7004: {id(4), 0, payment.Held},
		}
		if len(got) != len(want) {
			t.Errorf("assistance instructions by award: %+v, want %+v", got, want)
		}
		for ref, w := range want {
			if got[ref] != w {
				t.Errorf("award %d paid %+v, want %+v", ref, got[ref], w)
			}
		}
		if account(1) == 0 || account(0) == 0 || account(0) == account(1) {
			t.Fatalf("setup: persons 0 and 1 want accounts of their own, have %d and %d", account(0), account(1))
		}
	})
}
