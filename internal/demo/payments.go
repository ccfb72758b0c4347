package demo

import (
	"context"
	"fmt"
	"math/rand/v2"

	"safetynet/internal/auth"
	"safetynet/internal/payment"
	"safetynet/internal/period"
)

// Payroll pays month m of the demo: the payment instructions of every
// fund, one batch per fund and bank made by one user and approved by
// another, the bank files, and the banks' return files with about one line
// in fifty returned unpaid (a frozen or closed account, a name that does
// not match). The failed lines are put back for retry into one-off batches
// left waiting for approval. It ends with the month's reconciliation.
func (s *Seeder) Payroll(ctx context.Context, m period.Month, seed int64) error {
	w := s.Out
	r := rand.New(rand.NewPCG(uint64(seed), 0xba4c))
	cw := auth.WithPrincipal(ctx, s.caseworker())
	ap := auth.WithPrincipal(ctx, s.approver())
	svc := s.Payments
	gen, err := svc.Generate(cw, m, s.Juris.Home)
	if err != nil {
		return err
	}
	csv, err := payment.BankFile("csv")
	if err != nil {
		return err
	}
	reasons := []string{"账户已冻结 account frozen", "账户已销户 account closed", "户名不符 name does not match"}
	var batches, failed int
	var retry []payment.InstructionID
	for _, fund := range payment.Funds {
		banks, err := svc.PendingBanks(cw, fund, m, false, s.Juris.Home)
		if err != nil {
			return err
		}
		for _, bank := range banks {
			b, err := svc.CreateBatch(cw, fund, bank.BankCode, m, "monthly", s.Juris.Home)
			if err != nil {
				return err
			}
			if b, err = svc.ApproveBatch(ap, b.ID, b.Version); err != nil {
				return err
			}
			if _, b, err = svc.ExportBatch(cw, b.ID, b.Version, csv); err != nil {
				return err
			}
			lines, err := svc.BatchLines(cw, b.ID)
			if err != nil {
				return err
			}
			rs := make([]payment.Return, len(lines))
			for i, l := range lines {
				rs[i] = payment.Return{Row: i + 2, Reference: l.Reference, Paid: true}
				if r.IntN(50) == 0 {
					rs[i].Paid, rs[i].Reason = false, reasons[r.IntN(len(reasons))]
					retry = append(retry, l.InstructionID)
					failed++
				}
			}
			if _, err := svc.PostReturn(cw, b.ID, fmt.Sprintf("return-%d.csv", b.ID), []byte(fmt.Sprint("demo return ", b.ID)), rs); err != nil {
				return err
			}
			batches++
		}
	}
	if _, err := svc.Retry(cw, retry); err != nil {
		return err
	}
	waiting := 0
	for _, fund := range payment.Funds {
		banks, err := svc.PendingBanks(cw, fund, m, true, s.Juris.Home)
		if err != nil {
			return err
		}
		for _, bank := range banks {
			if _, err := svc.CreateBatch(cw, fund, bank.BankCode, m, "one_off", s.Juris.Home); err != nil {
				return err
			}
			waiting++
		}
	}
	rec, err := svc.Reconcile(cw, m, s.Juris.Home)
	if err != nil {
		return err
	}
	state := "balanced to the fen"
	if !rec.Balanced {
		state = "NOT BALANCED"
	}
	fmt.Fprintf(w, "%s payments: %d instructions (%d held, no bank account), %s yuan, in %d bank batches approved by a second user; %d lines returned unpaid, retried in %d one-off batches waiting for approval; the month reconciles: %s\n",
		m, gen.Created, gen.Held, gen.Amount, batches, failed, waiting, state)
	return nil
}
