package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/registry"
	"safetynet/internal/screening"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestRunListsByScope lists the runs, jobs and batches of a region subtree
// by key on both engines: the region, period and status filters, and a
// page after a key.
func TestRunListsByScope(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		db := open(t)
		ctx := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 1, Username: "admin", Role: auth.RoleAdmin, Scope: "652300"})
		for i, county := range []string{"652301", "652301", "652301", "652302"} {
			status := []string{"proposed", "approved", "proposed", "proposed"}[i]
			// One undecided run per programme, month and region, and one
			// waiting refund batch per year and region.
			programme := []string{"dibao", "dibao", "high_age_allowance", "dibao"}[i]
			refundStatus := []string{"rejected", "approved", "proposed", "proposed"}[i]
			for _, q := range []string{
				fmt.Sprintf(`INSERT INTO screening_runs (programme, period, region_code, status, evaluated, eligible, new_awards, changed, stopped, amount,
					policy_version, created_by, created_at) VALUES ('%s', '2025-07', '%s', '%s', 1, 1, 1, 0, 0, 100, 't', 1, '2025-07-01T00:00:00Z')`, programme, county, status),
				fmt.Sprintf(`INSERT INTO screening_jobs (period, region_code, status, phase, created_by, created_at, updated_at)
					VALUES ('2025-0%d', '%s', 'done', 'done', 1, '2025-07-01T00:00:00Z', '2025-07-01T00:00:00Z')`, 1+i, county),
				fmt.Sprintf(`INSERT INTO refund_runs (year, batch, region_code, status, evaluated, enterprises, amount, policy_version, created_by, created_at)
					VALUES (2025, %d, '%s', '%s', 1, 1, 100, 't', 1, '2025-07-01T00:00:00Z')`, i+1, county, refundStatus),
				fmt.Sprintf(`INSERT INTO payroll_runs (period, region_code, awards, new_lines, lines, regular, arrears, suspended, resumed, stopped, created_by, created_at)
					VALUES ('2025-07', '%s', 1, 1, 1, 100, 0, 0, 0, 0, 't', '2025-07-01T00:00:00Z')`, county),
				fmt.Sprintf(`INSERT INTO payment_batches (fund, bank_code, period, kind, region_code, status, lines, total, created_by, created_name, created_at)
					VALUES ('employee_pension', 'ICBC', '2025-07', 'monthly', '%s', 'draft', 0, 0, 1, 't', '2025-07-01T00:00:00Z')`, county),
			} {
				if err := db.ExecRaw(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
		}
		page := registry.Page{Limit: 10}
		srs, err := db.ScreeningRuns(ctx, screening.RunFilter{Region: "652301", Status: screening.RunProposed, Page: page})
		if err != nil || len(srs) != 2 || srs[0].ID != 1 || srs[1].ID != 3 || srs[0].Region != "652301" {
			t.Errorf("proposed screening runs of 652301: %+v, %v; want runs 1 and 3", srs, err)
		}
		if srs, err := db.ScreeningRuns(ctx, screening.RunFilter{Region: "652300", Page: registry.Page{After: 2, Limit: 1}}); err != nil || len(srs) != 1 || srs[0].ID != 3 {
			t.Errorf("screening runs after 2, one: %+v, %v; want run 3", srs, err)
		}
		if js, err := db.ScreeningJobs(ctx, screening.JobFilter{Region: "652301", Period: period.NewMonth(2025, time.February), Page: page}); err != nil ||
			len(js) != 1 || js[0].ID != 2 {
			t.Errorf("screening jobs of 652301 in 2025-02: %+v, %v; want job 2", js, err)
		}
		if rs, err := db.RefundRuns(ctx, insurance.RefundRunFilter{Region: "652302", Year: 2025, Page: page}); err != nil || len(rs) != 1 || rs[0].Batch != 4 {
			t.Errorf("refund runs of 652302: %+v, %v; want batch 4", rs, err)
		}
		if ps, err := db.PayrollRuns(ctx, insurance.PayrollRunFilter{Region: "652301", Page: registry.Page{After: 1, Limit: 10}}); err != nil || len(ps) != 2 {
			t.Errorf("payroll runs of 652301 after 1: %+v, %v; want 2", ps, err)
		}
		bs, err := db.Batches(ctx, payment.BatchFilter{Region: "652301", Limit: 2})
		if err != nil || len(bs) != 2 || bs[0].ID != 3 || bs[1].ID != 2 {
			t.Fatalf("batches of 652301, newest first: %+v, %v; want 3 and 2", bs, err)
		}
		if bs, err := db.Batches(ctx, payment.BatchFilter{Region: "652301", After: 2, Limit: 2}); err != nil || len(bs) != 1 || bs[0].ID != 1 {
			t.Errorf("batches of 652301 below 2: %+v, %v; want 1", bs, err)
		}
		// A run a newer one replaced is listed as superseded, as it reads.
		if err := db.ExecRaw(ctx, `UPDATE screening_runs SET superseded_by = 3 WHERE id = 1`); err != nil {
			t.Fatal(err)
		}
		if srs, err := db.ScreeningRuns(ctx, screening.RunFilter{Region: "652301", Status: screening.RunProposed, Page: page}); err != nil || len(srs) != 1 || srs[0].ID != 3 {
			t.Errorf("proposed screening runs of 652301 once run 1 is superseded: %+v, %v; want run 3", srs, err)
		}
		if srs, err := db.ScreeningRuns(ctx, screening.RunFilter{Region: "652301", Status: screening.RunSuperseded, Page: page}); err != nil || len(srs) != 1 ||
			srs[0].ID != 1 || srs[0].Status != screening.RunSuperseded || srs[0].SupersededBy != 3 {
			t.Errorf("superseded screening runs of 652301: %+v, %v; want run 1, superseded by 3", srs, err)
		}
	})
}

// TestPaymentRunsAndInstructionScope records a payment run from start to
// end, and refuses to change an instruction outside the caller's scope.
func TestPaymentRunsAndInstructionScope(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		db := open(t)
		cw := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 7, Username: "cw", Role: auth.RoleCaseworker, Scope: "652301"})
		a, _ := sqlstoretest.NewApp(t, db, app.Options{})
		pay := a.Payments
		sum, err := pay.Generate(cw, period.NewMonth(2025, time.July), "")
		if err != nil {
			t.Fatal(err)
		}
		runs, err := pay.Runs(cw, payment.RunFilter{})
		if err != nil || len(runs) != 1 {
			t.Fatalf("runs %+v, %v; want one", runs, err)
		}
		if r := runs[0]; r.Status != payment.RunDone || r.Region != "652301" || r.Made != sum.Created || r.CreatedBy != 7 || r.FinishedAt.IsZero() {
			t.Errorf("run %+v, want done in 652301 by user 7", r)
		}
		if runs, err := pay.Runs(cw, payment.RunFilter{Status: payment.RunRunning}); err != nil || len(runs) != 0 {
			t.Errorf("running runs %+v, %v; want none", runs, err)
		}
		for i, county := range []string{"652301", "652302"} {
			if err := db.ExecRaw(cw, fmt.Sprintf(`INSERT INTO payment_instructions (source, source_ref, period, fund, programme, payee_kind, payee_id,
				region_code, amount, status, created_at) VALUES ('pension', %d, '2025-07', 'employee_pension', 'p', 'person', 1, '%s', 100, 'pending',
				'2025-07-01T00:00:00Z')`, i+1, county+"001001")); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := pay.Hold(cw, []payment.InstructionID{1, 2}, "核查"); fault.CodeOf(err) != fault.NotFound {
			t.Fatalf("hold of an instruction of 652302 by a caseworker of 652301: %v, want NotFound (outside the scope looks missing)", err)
		}
		if n, err := pay.Hold(cw, []payment.InstructionID{1}, "核查"); err != nil || n != 1 {
			t.Errorf("hold of the caseworker's own instruction: %d, %v; want 1", n, err)
		}
		is, err := db.Instructions(cw, payment.InstructionFilter{Status: payment.Held, Limit: 10})
		if err != nil || len(is) != 1 || is[0].ID != 1 {
			t.Errorf("held instructions %+v, %v; want only 1", is, err)
		}
	})
}
