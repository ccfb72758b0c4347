package insurance_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

func TestTransfers(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := setupAccounts(t, open)
		code := sqlstoretest.Village(t, "652301", 4)
		a := ab.Person(t, code, 81)
		b := ab.Person(t, code, 82)
		for _, m := range []period.Month{period.NewMonth(2024, time.January), period.NewMonth(2024, time.February), period.NewMonth(2024, time.March)} {
			ab.pay(t, a, insurance.EmployeePension, m, 500000, 80000, 40000, insurance.Posted)
		}
		ab.pay(t, a, insurance.EmployeePension, period.NewMonth(2025, time.January), 600000, 96000, 48000, insurance.Posted)
		ab.pay(t, a, insurance.EmployeePension, period.NewMonth(2025, time.January), 600000, 96000, 0, insurance.Posted) // employer part alone
		for _, m := range []period.Month{period.NewMonth(2024, time.January), period.NewMonth(2024, time.February), period.NewMonth(2024, time.March), period.NewMonth(2025, time.January)} {
			if _, err := ab.acc.Credit(ab.Ctx, m, ""); err != nil {
				t.Fatal(err)
			}
		}
		on := period.MustDate(2026, time.October, 1)
		problems := func(err error) map[string]string {
			t.Helper()
			if fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("err = %v, want Invalid", err)
			}
			return fault.FieldsOf(err)
		}
		_, err := ab.acc.TransferOut(ab.Ctx, a.ID, "652302", on)
		if f := problems(err); f["region"] == "" {
			t.Errorf("a transfer within Changji: %v", f)
		}
		_, err = ab.acc.TransferOut(ab.Ctx, a.ID, "深圳市", period.MustDate(2027, time.January, 1))
		if f := problems(err); f["on"] == "" {
			t.Errorf("a transfer in the future: %v", f)
		}
		tr, err := ab.acc.TransferOut(ab.Ctx, a.ID, "440300 深圳市", on)
		if err != nil {
			t.Fatalf("TransferOut: %v", err)
		}
		// 12% of 15,000 (2024) and of 6,000 (2025).
		if tr.ID == 0 || tr.Balance != 168000 || tr.Pooled != 180000+72000 || tr.Months != 4 || len(tr.Years) != 2 ||
			tr.Years[0] != (insurance.TransferYear{Year: 2024, Base: 1500000, Pooled: 180000, Months: 3}) {
			t.Errorf("transfer = %+v", tr)
		}
		if bal, _ := ab.acc.AccountBalance(ab.Ctx, a.ID, insurance.EmployeePension, 0); bal != 0 {
			t.Errorf("balance after the transfer = %s, want 0", bal)
		}
		es := ab.entries(t, a, insurance.EmployeePension)
		if last := es[len(es)-1]; last.Kind != insurance.EntryTransferOut || last.Amount != -168000 || last.Ref != fmt.Sprintf("transfer:%d", tr.ID) {
			t.Errorf("transfer entry = %+v", last)
		}
		_, err = ab.acc.TransferOut(ab.Ctx, a.ID, "深圳市", on)
		if f := problems(err); !strings.Contains(f["person_id"], "no balance") {
			t.Errorf("a second transfer: %v", f)
		}

		in := insurance.TransferInRequest{FromRegion: "北京市", On: on, Balance: 100000, Pooled: 50000, Months: 24}
		ti, err := ab.acc.TransferIn(ab.Ctx, b.ID, in)
		if err != nil || ti.ID == 0 || ti.Direction != insurance.TransferInward {
			t.Fatalf("TransferIn = %+v, %v", ti, err)
		}
		if _, err := ab.acc.TransferIn(ab.Ctx, b.ID, in); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("the same transfer in again: %v, want Conflict", err)
		}
		bad := in
		bad.Balance, bad.Months = 0, 0
		_, err = ab.acc.TransferIn(ab.Ctx, b.ID, bad)
		if f := problems(err); f["balance"] == "" || f["months"] == "" {
			t.Errorf("bad transfer in: %v", f)
		}
		st, err := ab.acc.Statement(ab.Ctx, b.ID, insurance.EmployeePension)
		if err != nil || st.Balance != 100000 || len(st.Years) != 1 || st.Years[0].Transfers != 100000 || st.ContributionMonths != 24 ||
			st.ContributionYears != 2 || len(st.Transfers) != 1 || st.Transfers[0].OtherRegion != "北京市" {
			t.Errorf("statement after transfer in = %+v, %v", st, err)
		}
		if n := sqlstoretest.AuditActions(t, ab.DB); n["account.transfer_out"] != 1 || n["account.transfer_in"] != 1 {
			t.Errorf("audit = %v", n)
		}

		// A pending transfer writes no entry until it is decided, once.
		c := ab.Person(t, code, 83)
		pend := &insurance.Transfer{PersonID: c.ID, Direction: insurance.TransferInward, RegionCode: code, OtherRegion: "上海市", On: on,
			Balance: 20_000_000, Months: 60, Years: []insurance.TransferYear{}, Status: insurance.TransferPending, CreatedBy: 7}
		entry := insurance.AccountEntry{PersonID: c.ID, Scheme: insurance.EmployeePension, RegionCode: code, Period: on.Period(),
			Kind: insurance.EntryTransferIn, Amount: pend.Balance}
		if err := ab.DB.SaveTransfer(ab.Ctx, pend, entry); err != nil {
			t.Fatal(err)
		}
		if es := ab.entries(t, c, insurance.EmployeePension); len(es) != 0 {
			t.Errorf("entries of a pending transfer = %+v, want none", es)
		}
		if ps, err := ab.DB.PendingTransfers(ab.Ctx, "652301"); err != nil || len(ps) != 1 || ps[0].ID != pend.ID || ps[0].CreatedBy != 7 {
			t.Errorf("PendingTransfers = %+v, %v", ps, err)
		}
		pend.Status, pend.DecidedBy = insurance.TransferDone, 8
		if err := ab.DB.DecideTransfer(ab.Ctx, pend, entry); err != nil {
			t.Fatal(err)
		}
		if es := ab.entries(t, c, insurance.EmployeePension); len(es) != 1 || es[0].Amount != 20_000_000 || es[0].Ref != insurance.TransferRef(pend.ID) {
			t.Errorf("entries after the approval = %+v", es)
		}
		if err := ab.DB.DecideTransfer(ab.Ctx, pend, entry); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("deciding a transfer twice: %v, want Conflict", err)
		}
		got, err := ab.DB.Transfer(ab.Ctx, pend.ID)
		if err != nil || got.Status != insurance.TransferDone || got.DecidedBy != 8 || got.DecidedAt.IsZero() {
			t.Errorf("Transfer = %+v, %v", got, err)
		}
		if n := sqlstoretest.AuditActions(t, ab.DB); n["account.transfer_approve"] != 1 {
			t.Errorf("audit = %v", n)
		}
	})
}
