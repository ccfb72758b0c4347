package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"safetynet/internal/auth"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore"
)

// childArgs names the environment variable that makes the test binary run
// safetynet itself with these arguments (separated by \x1f) instead of the
// tests: the real process the crash test kills.
const childArgs = "SAFETYNET_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(childArgs); args != "" {
		err := run(context.Background(), append([]string{"safetynet"}, strings.Split(args, "\x1f")...), os.Getenv, os.Stdin, os.Stdout, os.Stderr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "safetynet:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// crashMonth is the month the crash test pays.
var crashMonth = period.NewMonth(2025, time.January)

// crashDB makes a database of n pension awards with the payroll lines of
// crashMonth; one payee in ten has no bank account.
func crashDB(t *testing.T, path string, n int) {
	t.Helper()
	ctx := auth.WithPrincipal(context.Background(), auth.SystemPrincipal("test", region.Changji))
	db, err := createStore(ctx, path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		fmt.Sprintf(`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d)
		INSERT INTO persons (id, region_code, id_number, name, gender, birth_date, ethnicity, hukou_type, created_at, updated_at)
		SELECT i, CASE WHEN i %% 2 = 0 THEN '652301' ELSE '652302' END || '0010' || printf('%%02d', i %% 10 + 1), 'C' || i, '退休人员', 'M',
			'1960-01-01', 'han', 'urban', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z' FROM s`, n),
		`INSERT INTO awards (person_id, scheme, region_code, start_month, amount, status, decision, policy_version, created_by, created_at)
		SELECT id, CASE WHEN id % 4 = 0 THEN 'resident_pension' ELSE 'employee_pension' END, region_code, '2024-01', 150000 + id * 7 % 200000,
			'active', '{}', 'test', 'test', '2020-01-01T00:00:00Z' FROM persons ORDER BY id`,
		`INSERT INTO bank_accounts (region_code, owner_kind, owner_id, bank_code, bank_name, account_no, account_name, is_primary, status)
		SELECT region_code, 'person', id, 'ICBC', '工商银行昌吉分行', '62220000' || printf('%010d', id), '退休人员', 1, 'confirmed' FROM persons WHERE id % 10 <> 0`,
		`INSERT INTO payroll_lines (award_id, period, kind, amount, region_code, person_id, run_id)
		SELECT id, '` + crashMonth.String() + `', 'regular', amount, region_code, person_id, 1 FROM awards ORDER BY id`,
	} {
		if err := db.ExecRaw(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
}

// copyDB copies a closed SQLite database (with its WAL, if any).
func copyDB(t *testing.T, from, to string) {
	t.Helper()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		data, err := os.ReadFile(from + suffix)
		if os.IsNotExist(err) && suffix != "" {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to+suffix, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// snapshot reads what the payment runs wrote, without timestamps, in key
// order: the instructions, the batch lines, the ledger and the notices.
func snapshot(t *testing.T, path string) map[string][]string {
	return dump(t, path, map[string]string{
		"instructions": `SELECT id, source, source_ref, period, line, fund, programme, payee_id, region_code, amount, bank_account_id, status,
			hold_reason, batch_id, attempts, fail_reason FROM payment_instructions ORDER BY id`,
		"batch_lines": `SELECT batch_id, line, instruction_id, attempt, reference, amount, outcome, reason FROM batch_lines ORDER BY batch_id, line`,
		"ledger":      `SELECT journal, account, fund, period, region_code, amount FROM ledger_entries ORDER BY journal, account, fund, period, region_code`,
		"notices":     `SELECT recipient_id, kind, ref, message, status FROM notices ORDER BY ref`,
		"batches":     `SELECT id, status, lines, total FROM payment_batches ORDER BY id`,
	})
}

// dump reads the rows of each query of the SQLite database at path.
func dump(t *testing.T, path string, queries map[string]string) map[string][]string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string][]string{}
	for name, q := range queries {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[name] = append(out[name], fmt.Sprint(vals...))
		}
		rows.Close()
	}
	return out
}

// killUntilDone runs safetynet with args as a child process again and
// again, killing it with SIGKILL after a random while, until one run ends
// by itself, or a kill lands after the work's last commit (finished, when
// not nil, says so: a run after that would be a new piece of work, not the
// killed one resumed); it returns how many runs were killed, and how many
// of those left part of the work done (checked by partial).
func killUntilDone(t *testing.T, r *rand.Rand, args []string, partial, finished func() bool) (killed, midway int) {
	t.Helper()
	for attempt := range 60 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childArgs+"="+strings.Join(args, "\x1f"))
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		// Later attempts wait longer, so that a run finishes in the end.
		wait := time.Duration(5+r.IntN(120+attempt*40)) * time.Millisecond
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run %d of %v failed by itself: %v\n%s", attempt+1, args, err, stderr.String())
			}
			return killed, midway
		case <-time.After(wait):
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			if err := <-done; err == nil {
				return killed, midway // it finished just before the kill
			}
			killed++
			if partial() {
				midway++
			} else if finished != nil && finished() {
				return killed, midway // killed after its last commit
			}
		}
	}
	t.Fatalf("%v never finished in 60 runs", args)
	return killed, midway
}

// TestCrashSafety kills the real safetynet process with kill -9 at random
// points of the payment run (instructions with their ledger postings) and
// of the posting of a bank's return file, again and again, and runs them
// again: the instructions, batch lines, notices and ledger end identical to
// an uninterrupted run's.
func TestCrashSafety(t *testing.T) {
	dir := t.TempDir()
	base, want, got := filepath.Join(dir, "base.db"), filepath.Join(dir, "want.db"), filepath.Join(dir, "got.db")
	const awards = 24_000
	crashDB(t, base, awards)
	copyDB(t, base, want)
	copyDB(t, base, got)
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))

	ctx := auth.WithPrincipal(context.Background(), auth.SystemPrincipal("test", region.Changji))
	approver := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 99, Username: "approver", Role: auth.RoleApprover, Scope: region.Changji})
	open := func(path string) *sqlstore.DB {
		db, err := openStore(ctx, path, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	count := func(path, q string) int {
		db, err := sql.Open("sqlite", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		if err := db.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// The uninterrupted run.
	db := open(want)
	svc := testApp(t, db).Payments
	if sum, err := svc.Generate(ctx, crashMonth, region.Changji); err != nil || sum.Created != awards {
		t.Fatalf("uninterrupted run: %+v, %v", sum, err)
	}
	db.Close()

	// The killed runs.
	killed, midway := killUntilDone(t, r, []string{"payments", "generate", "--db", got, "--period", crashMonth.String()}, func() bool {
		n := count(got, "SELECT COUNT(*) FROM payment_instructions")
		return n > 0 && n < awards
	}, nil)
	t.Logf("payment run: killed %d times, %d of them part way", killed, midway)
	if midway == 0 {
		t.Errorf("no kill landed in the middle of the payment run (%d kills): the test proves nothing", killed)
	}
	if diff := cmp.Diff(snapshot(t, want), snapshot(t, got)); diff != "" {
		t.Fatalf("after the killed runs the instructions or ledger differ (-uninterrupted +killed):\n%s", diff)
	}

	// A batch of the month on both, approved and exported, and the bank's
	// return file: one line in seven failed.
	var returnFile string
	for _, path := range []string{want, got} {
		db := open(path)
		svc := testApp(t, db).Payments
		b, err := svc.CreateBatch(ctx, payment.FundEmployeePension, "ICBC", crashMonth, "monthly", region.Changji)
		if err != nil {
			t.Fatal(err)
		}
		if b, err = svc.ApproveBatch(approver, b.ID, b.Version); err != nil {
			t.Fatal(err)
		}
		csv, _ := payment.BankFile("csv")
		if _, _, err := svc.ExportBatch(ctx, b.ID, b.Version, csv); err != nil {
			t.Fatal(err)
		}
		if returnFile == "" {
			lines, err := svc.BatchLines(ctx, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			var sb strings.Builder
			sb.WriteString("业务参考号,处理结果,失败原因\n")
			for i, l := range lines {
				if i%7 == 3 {
					fmt.Fprintf(&sb, "%s,失败,账户已冻结\n", l.Reference)
				} else {
					fmt.Fprintf(&sb, "%s,成功,\n", l.Reference)
				}
			}
			returnFile = filepath.Join(dir, "return.csv")
			if err := os.WriteFile(returnFile, []byte(sb.String()), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
	}
	lines := count(want, "SELECT COUNT(*) FROM batch_lines")
	if _, _, err := runCLI(t, "batch", "return", "--db", want, "--id", "1", "--file", returnFile); err != nil {
		t.Fatal(err)
	}
	killed, midway = killUntilDone(t, r, []string{"batch", "return", "--db", got, "--id", "1", "--file", returnFile}, func() bool {
		n := count(got, "SELECT COUNT(*) FROM batch_lines WHERE outcome <> ''")
		return n > 0 && n < lines
	}, nil)
	t.Logf("return posting: killed %d times, %d of them part way", killed, midway)
	if midway == 0 {
		t.Errorf("no kill landed in the middle of the return posting (%d kills): the test proves nothing", killed)
	}
	if diff := cmp.Diff(snapshot(t, want), snapshot(t, got)); diff != "" {
		t.Fatalf("after the killed postings the records or ledger differ (-uninterrupted +killed):\n%s", diff)
	}
	// Both balance to the fen.
	for _, path := range []string{want, got} {
		out, _, err := runCLI(t, "payments", "reconcile", "--db", path, "--from", crashMonth.String(), "--to", crashMonth.String())
		if err != nil || !strings.Contains(out, "balanced to the fen") {
			t.Errorf("%s: %v\n%s", filepath.Base(path), err, out)
		}
	}
}

// TestScreeningCrashSafety kills the real process with kill -9 at random
// points of a screening of every programme (the classification, the
// household runs, the person runs) and runs it again: it resumes the job
// from its phase, and the classifications, runs, items and job end
// identical to an uninterrupted run's.
func TestScreeningCrashSafety(t *testing.T) {
	base := seededDB(t, "20000", "1")
	dir := filepath.Dir(base)
	want, got := filepath.Join(dir, "want.db"), filepath.Join(dir, "got.db")
	copyDB(t, base, want)
	copyDB(t, base, got)
	db, err := sql.Open("sqlite", "file:"+base)
	if err != nil {
		t.Fatal(err)
	}
	var last string
	if err := db.QueryRow("SELECT MAX(period) FROM classifications").Scan(&last); err != nil {
		t.Fatal(err)
	}
	db.Close()
	m, err := period.ParseMonth(last)
	if err != nil {
		t.Fatal(err)
	}
	args := func(path string) []string {
		return []string{"screen", "--programme", "all", "--db", path, "--period", m.Add(1).String(), "--quiet"}
	}
	if out, _, err := runCLI(t, args(want)...); err != nil || !strings.Contains(out, "screening job 1") {
		t.Fatalf("uninterrupted screening: %v\n%s", err, out)
	}
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	phases := map[string]int{}
	killed, midway := killUntilDone(t, r, args(got), func() bool {
		rows := dump(t, got, map[string]string{"job": "SELECT phase FROM screening_jobs WHERE status = 'running'"})["job"]
		for _, p := range rows {
			phases[p]++
		}
		return len(rows) > 0
	}, func() bool {
		// The job is done: another screen would start the month's next job.
		return len(dump(t, got, map[string]string{"job": "SELECT id FROM screening_jobs WHERE status = 'done'"})["job"]) > 0
	})
	t.Logf("screening: killed %d times, %d of them part way (phases %v)", killed, midway, phases)
	if midway == 0 {
		t.Errorf("no kill landed in the middle of the screening (%d kills): the test proves nothing", killed)
	}
	screened := func(path string) map[string][]string {
		return dump(t, path, map[string]string{
			"jobs": `SELECT id, period, region_code, status, phase, done, total, summary, error FROM screening_jobs ORDER BY id`,
			"runs": `SELECT id, job_id, programme, period, region_code, status, evaluated, eligible, new_awards, changed, stopped, amount
				FROM screening_runs ORDER BY id`,
			"items": `SELECT run_id, seq, change, household_id, person_id, region_code, amount, old_amount, award_id, reason, accepted
				FROM screening_items ORDER BY run_id, seq`,
			"classifications": `SELECT period, household_id, layer, members, per_capita_income, dibao_amount, tekun_members
				FROM classifications ORDER BY period, household_id`,
		})
	}
	if diff := cmp.Diff(screened(want), screened(got)); diff != "" {
		t.Fatalf("after the killed screenings the job differs (-uninterrupted +killed):\n%s", diff)
	}
	// Each run after a kill took the job over from the killed process at
	// once (its lease was far from over, its process gone; waiting for the
	// lease would have failed the run), and the job ended with its lease
	// let go.
	leases := dump(t, got, map[string]string{"jobs": `SELECT status, lease_owner, lease_until FROM screening_jobs`})["jobs"]
	if len(leases) != 1 || leases[0] != fmt.Sprint("done", "", int64(0)) {
		t.Errorf("the killed job's lease after its end: %v, want done and let go", leases)
	}
}
