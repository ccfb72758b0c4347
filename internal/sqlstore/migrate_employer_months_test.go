package sqlstore

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pressly/goose/v3"
)

// TestMigrationFillsEmployerMonths checks that migration 00029 fills
// employer_months from the assessments and payments already there: per
// employer, month and scheme, the employer and individual parts assessed
// and paid, in the employer's region; rows without an employer are left
// out, and months only paid (or only assessed) are kept.
func TestMigrationFillsEmployerMonths(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "m.db"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sub, err := fs.Sub(migrations, "migrations/sqlite")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db.w, sub, goose.WithDisableGlobalRegistry(true), goose.WithAllowOutofOrder(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 28); err != nil {
		t.Fatal(err)
	}
	const ts = "2026-01-01T00:00:00Z"
	for _, stmt := range []string{
		`INSERT INTO organisations (id, region_code, uscc, name, industry_code, size, created_at, updated_at) VALUES
			(1, '652301001001', 'U1', 'A', 'C1711', 'small', '` + ts + `', '` + ts + `'),
			(2, '652302001001', 'U2', 'B', 'C1711', 'small', '` + ts + `', '` + ts + `')`,
		`INSERT INTO persons (id, region_code, id_number, name, gender, birth_date, ethnicity, hukou_type, created_at, updated_at) VALUES
			(1, '652302001001', 'P1', '甲', 'M', '1980-01-01', '01', 'urban', '` + ts + `', '` + ts + `'),
			(2, '652301001001', 'P2', '乙', 'F', '1985-01-01', '01', 'urban', '` + ts + `', '` + ts + `')`,
		// Employer 1: two employees (one living in another county) in
		// January, one in February; employer 2 in January; a flexible
		// worker without an employer.
		`INSERT INTO assessments (enrolment_id, period, person_id, org_id, scheme, region_code, wage, base, employer, individual, account) VALUES
			(1, '2025-01', 1, 1, 'employee_pension', '652302001001', 0, 0, 1000, 400, 0),
			(2, '2025-01', 2, 1, 'employee_pension', '652301001001', 0, 0, 2000, 800, 0),
			(1, '2025-02', 1, 1, 'employee_pension', '652302001001', 0, 0, 1000, 400, 0),
			(3, '2025-01', 2, 2, 'unemployment', '652302001001', 0, 0, 50, 20, 0),
			(4, '2025-01', 1, NULL, 'employee_pension', '652302001001', 0, 0, 0, 900, 0)`,
		// January of employer 1 paid in two parts, February not at all;
		// a March payment before its assessment; the flexible worker's.
		`INSERT INTO payments (receipt_no, person_id, org_id, scheme, period, region_code, base, employer, individual, paid_on, source, created_at) VALUES
			('R1', 1, 1, 'employee_pension', '2025-01', '652302001001', 0, 1000, 400, '2025-02-10', 'posted', '` + ts + `'),
			('R2', 2, 1, 'employee_pension', '2025-01', '652301001001', 0, 1500, 800, '2025-02-10', 'posted', '` + ts + `'),
			('R3', 2, 1, 'employee_pension', '2025-03', '652301001001', 0, 30, 10, '2025-03-10', 'posted', '` + ts + `'),
			('R4', 1, NULL, 'employee_pension', '2025-01', '652302001001', 0, 0, 900, '2025-02-10', 'posted', '` + ts + `')`,
	} {
		if _, err := db.w.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.UpTo(ctx, 29); err != nil {
		t.Fatal(err)
	}
	type row struct {
		Org                  int64
		Period, Scheme, Code string
		Due, Paid            int64
	}
	var got []row
	rows, err := db.w.QueryContext(ctx, `SELECT org_id, period, scheme, region_code, due, paid FROM employer_months ORDER BY org_id, period, scheme`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.Org, &r.Period, &r.Scheme, &r.Code, &r.Due, &r.Paid); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []row{
		{1, "2025-01", "employee_pension", "652301001001", 4200, 3700},
		{1, "2025-02", "employee_pension", "652301001001", 1400, 0},
		{1, "2025-03", "employee_pension", "652301001001", 0, 40},
		{2, "2025-01", "unemployment", "652302001001", 70, 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("employer_months after the migration (-want +got):\n%s", diff)
	}
	// The arrears read from it: January and February of employer 1 and
	// January of employer 2, in the employers' counties.
	var n int
	if err := db.w.QueryRowContext(ctx, `SELECT COUNT(*) FROM employer_months WHERE due > paid AND region_code >= '652301' AND region_code < '652302'`).Scan(&n); err != nil || n != 2 {
		t.Errorf("months in arrears of 652301 = %d, %v; want 2", n, err)
	}
	if _, err := p.DownTo(ctx, 28); err != nil {
		t.Errorf("migration 00029 down: %v", err)
	}
}
