package payment_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"safetynet/internal/exchange"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/payment"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

func reconcile(t *testing.T, pb sqlstoretest.Payments) *payment.Reconciliation {
	t.Helper()
	rec, err := pb.Pay.Reconcile(pb.Approver, pb.M, "")
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Balanced {
		t.Errorf("reconciliation not balanced: %+v", rec.Checks)
	}
	return rec
}

func check(rec *payment.Reconciliation, name string) payment.Check {
	for _, c := range rec.Checks {
		if c.Fund == payment.FundEmployeePension && strings.HasPrefix(c.Name, name) {
			return c
		}
	}
	return payment.Check{}
}

func TestPaymentsEndToEnd(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPayments(t, open, 5)
		sum, err := pb.Pay.Generate(pb.CW, pb.M, "")
		if err != nil {
			t.Fatal(err)
		}
		total := money.Fen(5*300_000 + 0 + 1 + 2 + 3 + 4)
		if sum.Created != 5 || sum.Held != 1 || sum.Amount != total {
			t.Fatalf("generate: %+v, want 5 instructions (one held, no account), %d", sum, total)
		}
		if sum, err = pb.Pay.Generate(pb.CW, pb.M, ""); err != nil || sum.Created != 0 {
			t.Errorf("second run of %s: %+v, %v; want nothing created", pb.M, sum, err)
		}
		// The database refuses a second instruction for the same line even
		// when code tries.
		dup := &payment.Instruction{Source: payment.SourcePension, SourceRef: 1000, Period: pb.M, Line: "regular", Fund: payment.FundEmployeePension,
			Programme: "employee_pension", PayeeKind: "person", PayeeID: int64(pb.Persons[0].ID), RegionCode: pb.Persons[0].RegionCode,
			Amount: 300_000, Status: payment.Pending, CreatedAt: time.Now()}
		if err := pb.DB.CreateInstructions(pb.CW, []*payment.Instruction{dup}, "accrue/dup"); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("a duplicate instruction = %v, want conflict", err)
		}
		rec := reconcile(t, pb)
		if c := check(rec, "expense"); c.Actual != total {
			t.Errorf("expense %+v, want %d", c, total)
		}

		b, err := pb.Pay.CreateBatch(pb.CW, payment.FundEmployeePension, "ICBC", pb.M, "monthly", "")
		if err != nil {
			t.Fatal(err)
		}
		if b.Lines != 3 || b.Total != 900_003 {
			t.Fatalf("batch %+v, want the 3 ICBC lines, 9,000.03", b)
		}
		if _, err := pb.Pay.ApproveBatch(pb.CW, b.ID, b.Version); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("approve by a caseworker = %v, want forbidden", err)
		}
		if _, err := pb.Pay.ApproveBatch(pb.Maker, b.ID, b.Version); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("approve by the batch's maker = %v, want forbidden", err)
		}
		csv, err := payment.BankFile("csv")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := pb.Pay.ExportBatch(pb.Exporter, b.ID, b.Version, csv); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("export before approval = %v, want conflict", err)
		}
		if b, err = pb.Pay.ApproveBatch(pb.Approver, b.ID, b.Version); err != nil {
			t.Fatal(err)
		}
		if _, _, err := pb.Pay.ExportBatch(pb.CW, b.ID, b.Version, csv); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("export by a caseworker (accounts masked) = %v, want forbidden", err)
		}
		file, b, err := pb.Pay.ExportBatch(pb.Exporter, b.ID, b.Version, csv)
		if err != nil {
			t.Fatal(err)
		}
		lines, err := pb.Pay.BatchLines(pb.CW, b.ID)
		if err != nil || len(lines) != 3 {
			t.Fatalf("batch lines %v, %v", lines, err)
		}
		for _, l := range lines {
			if !bytes.Contains(file, []byte(l.Reference)) || !bytes.Contains(file, []byte(l.AccountNo)) {
				t.Errorf("the bank file does not carry line %d (%s, %s):\n%s", l.Line, l.Reference, l.AccountNo, file)
			}
		}
		if again, _, err := pb.Pay.ExportBatch(pb.Exporter, b.ID, 0, csv); err != nil || !bytes.Equal(again, file) {
			t.Errorf("a second export differs or fails: %v", err)
		}
		if c := check(reconcile(t, pb), "bank clearing"); c.Actual != 900_003 {
			t.Errorf("in transit %+v, want the batch", c)
		}

		// The return: a line missing is refused whole, then two paid, one
		// failed (account closed).
		ret := func(rows ...string) []payment.Return {
			var rs []payment.Return
			for i, r := range rows {
				parts := strings.SplitN(r, ":", 3)
				rs = append(rs, payment.Return{Row: i + 2, Reference: parts[0], Paid: parts[1] == "paid", Reason: parts[2]})
			}
			return rs
		}
		_, err = pb.Pay.PostReturn(pb.CW, b.ID, "return.csv", []byte("x"), ret(lines[0].Reference+":paid:", "SN999-1:paid:"))
		if fields := fault.FieldsOf(err); fault.CodeOf(err) != fault.Invalid || fields["row 3: reference"] == "" || fields["file"] == "" {
			t.Fatalf("a bad return file = %v %v, want row 3 and the missing line named", err, fields)
		}
		rs := ret(lines[0].Reference+":paid:", lines[1].Reference+":failed:账户已销户", lines[2].Reference+":paid:")
		rsum, err := pb.Pay.PostReturn(pb.CW, b.ID, "return.csv", []byte("r1"), rs)
		if err != nil || rsum.Paid != 2 || rsum.Failed != 1 {
			t.Fatalf("post return: %+v, %v", rsum, err)
		}
		// The same file again (a run killed after its last commit, run
		// again) changes nothing; another file for the settled batch is
		// refused.
		if again, err := pb.Pay.PostReturn(pb.CW, b.ID, "return.csv", []byte("r1"), rs); err != nil || !again.Posted || again.Paid != 2 {
			t.Errorf("the same return again = %+v, %v; want posted before, nothing changed", again, err)
		}
		if _, err := pb.Pay.PostReturn(pb.CW, b.ID, "return-b.csv", []byte("r1 again"), rs); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("another return file for a settled batch = %v, want conflict", err)
		}
		rec = reconcile(t, pb)
		if c := check(rec, "payable"); c.Actual != 300_001+300_003+300_004 {
			t.Errorf("payable %+v, want the failed, the ABC and the held instructions", c)
		}
		if b, _ = pb.Pay.FindBatch(pb.CW, b.ID); b.Status != payment.BatchSettled {
			t.Errorf("batch %s, want settled", b.Status)
		}
		failed, err := pb.Pay.Instructions(pb.CW, payment.InstructionFilter{Status: payment.Failed})
		if err != nil || len(failed) != 1 || failed[0].FailReason != "账户已销户" {
			t.Fatalf("failed instructions %+v, %v", failed, err)
		}
		// Retried, it goes into a one-off batch and is paid.
		if n, err := pb.Pay.Retry(pb.CW, []payment.InstructionID{failed[0].ID}); err != nil || n != 1 {
			t.Fatalf("retry: %d, %v", n, err)
		}
		b2, err := pb.Pay.CreateBatch(pb.CW, payment.FundEmployeePension, "ICBC", pb.M.Add(1), "one_off", "")
		if err != nil || b2.Lines != 1 {
			t.Fatalf("one-off batch %+v, %v", b2, err)
		}
		b2, _ = pb.Pay.ApproveBatch(pb.Approver, b2.ID, b2.Version)
		if _, b2, err = pb.Pay.ExportBatch(pb.Exporter, b2.ID, b2.Version, csv); err != nil {
			t.Fatal(err)
		}
		l2, _ := pb.Pay.BatchLines(pb.CW, b2.ID)
		if l2[0].Attempt != 2 || l2[0].Reference == lines[1].Reference {
			t.Errorf("retry line %+v: want attempt 2 under a new reference", l2[0])
		}
		if _, err := pb.Pay.PostReturn(pb.CW, b2.ID, "return2.csv", []byte("r2"), ret(l2[0].Reference+":paid:")); err != nil {
			t.Fatal(err)
		}
		// The held instruction is released once the payee has an account.
		held, _ := pb.Pay.Instructions(pb.CW, payment.InstructionFilter{Status: payment.Held})
		if n, err := pb.Pay.Release(pb.CW, []payment.InstructionID{held[0].ID}); err != nil || n != 0 {
			t.Errorf("release without an account: %d, %v; want it still held", n, err)
		}
		// An account a user records is pending: the instruction stays held
		// until a second user confirms it.
		last := pb.Persons[len(pb.Persons)-1]
		acct := &registry.BankAccount{OwnerKind: registry.OwnerPerson, OwnerID: int64(last.ID), BankCode: "ICBC",
			BankName: "ICBC 昌吉分行", AccountNo: "6222000099999999", AccountName: last.Name, Primary: true}
		if err := pb.Svc.CreateBankAccount(pb.Ctx, acct); err != nil || acct.Status != registry.StatusPending || acct.Primary {
			t.Fatalf("CreateBankAccount = %+v, %v; want pending, not primary", acct, err)
		}
		if n, err := pb.Pay.Release(pb.CW, []payment.InstructionID{held[0].ID}); err != nil || n != 0 {
			t.Errorf("release with a pending account: %d, %v; want it still held", n, err)
		}
		if _, err := pb.Svc.DecideBankAccount(pb.Approver, acct.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if n, err := pb.Pay.Release(pb.CW, []payment.InstructionID{held[0].ID}); err != nil || n != 1 {
			t.Errorf("release with an account: %d, %v", n, err)
		}
		rec = reconcile(t, pb)
		if c := check(rec, "payable"); c.Actual != 300_003+300_004 {
			t.Errorf("payable %+v, want the ABC and the released instructions", c)
		}
		// Notices: one per line returned.
		var sent []int64
		fake := senderFunc(func(n *payment.Notice) error { sent = append(sent, n.ID); return nil })
		if s, f, err := pb.Pay.DeliverNotices(pb.CW, fake, 100); err != nil || s != 4 || f != 0 {
			t.Errorf("deliver notices: %d sent, %d failed, %v; want 4 (3 paid, 1 failed)", s, f, err)
		}
		if s, _, _ := pb.Pay.DeliverNotices(pb.CW, fake, 100); s != 0 {
			t.Errorf("a second delivery sent %d, want 0", s)
		}
	})
}

type senderFunc func(*payment.Notice) error

func (f senderFunc) Send(_ context.Context, n *payment.Notice) error { return f(n) }

// TestBankReturnProfile reads a bank's return file with Chinese headers
// and values.
func TestBankReturnProfile(t *testing.T) {
	bad := "业务参考号,处理结果,失败原因\nSN1-1,成功,\nSN3-1,失败,\n"
	if _, _, err := exchange.Read(context.Background(), strings.NewReader(bad), "r.csv", exchange.BankReturn(), sqlstoretest.Today); err == nil ||
		!strings.Contains(err.Error(), "row 3: reason") {
		t.Errorf("a failed line without a reason = %v, want row 3 named", err)
	}
	csv := "业务参考号,处理结果,失败原因\nSN1-1,成功,\nSN2-1,失败,账户已冻结\nSN3-1,已入账,\n"
	rows, _, err := exchange.Read(context.Background(), strings.NewReader(csv), "r.csv", exchange.BankReturn(), sqlstoretest.Today)
	if err != nil {
		t.Fatal(err)
	}
	rs := payment.Returns(rows)
	if len(rs) != 3 || !rs[0].Paid || rs[1].Paid || rs[1].Reason != "账户已冻结" || !rs[2].Paid || rs[1].Row != 3 {
		t.Errorf("returns %+v", rs)
	}
}

// TestRejectBatch: an approver sends a draft batch back (退回) with the
// reason: the batch is rejected, keeps the note and who sent it back, and
// its instructions are pending again, batched anew. Its maker (even with
// the approval permission) and a caseworker may not reject it; without a
// note nothing changes.
func TestRejectBatch(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPayments(t, open, 5)
		if _, err := pb.Pay.Generate(pb.CW, pb.M, ""); err != nil {
			t.Fatal(err)
		}
		b, err := pb.Pay.CreateBatch(pb.CW, payment.FundEmployeePension, "ICBC", pb.M, "monthly", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pb.Pay.RejectBatch(pb.CW, b.ID, b.Version, "账户待核实"); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("rejection by a caseworker = %v, want forbidden", err)
		}
		if _, err := pb.Pay.RejectBatch(pb.Maker, b.ID, b.Version, "账户待核实"); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("rejection by the batch's maker = %v, want forbidden", err)
		}
		if _, err := pb.Pay.RejectBatch(pb.Approver, b.ID, b.Version, "  "); fault.CodeOf(err) != fault.Invalid || fault.FieldsOf(err)["note"] == "" {
			t.Errorf("rejection without a note = %v, want invalid naming note", err)
		}
		if _, err := pb.Pay.RejectBatch(pb.Approver, b.ID, b.Version+1, "账户待核实"); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("rejection of another version = %v, want conflict", err)
		}
		got, err := pb.Pay.RejectBatch(pb.Approver, b.ID, b.Version, "第2行账户新近变更，待核实")
		if err != nil {
			t.Fatal(err)
		}
		read, err := pb.Pay.FindBatch(pb.CW, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if read.Status != payment.BatchRejected || read.RejectNote != "第2行账户新近变更，待核实" || read.RejectedBy == 0 || read.RejectedAt.IsZero() || read.Version != got.Version {
			t.Errorf("the rejected batch reads %+v", read)
		}
		if _, err := pb.Pay.ApproveBatch(pb.Approver, b.ID, read.Version); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("approving a rejected batch = %v, want conflict", err)
		}
		again, err := pb.Pay.CreateBatch(pb.CW, payment.FundEmployeePension, "ICBC", pb.M, "monthly", "")
		if err != nil {
			t.Fatal(err)
		}
		if again.Lines != b.Lines || again.Total != b.Total {
			t.Errorf("the batch made again: %d lines %d, want the %d lines %d released", again.Lines, again.Total, b.Lines, b.Total)
		}
	})
}
