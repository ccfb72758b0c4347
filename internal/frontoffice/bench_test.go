package frontoffice_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/auth"
	"safetynet/internal/frontoffice"
	"safetynet/internal/frontoffice/report"
	"safetynet/internal/matters"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// The benchmarks of the front office (docs/frontoffice.md, Speed):
//
//	go test ./internal/frontoffice -run XXX -bench 'Receive|HandlingReport|OverdueList' -benchtime 5x
//
// Each runs on SQLite and, when SP_TEST_POSTGRES_URL is set, on
// PostgreSQL. The report and the overdue list read a year of 200,000
// synthetic applications of the whole prefecture, built once and kept in
// a SQLite file under SP_BENCH_CACHE (or the system's temporary folder);
// on PostgreSQL they are built in the benchmark's own schema.

// benchEngines are the engines the benchmarks run on, SQLite first.
var benchEngines = []struct {
	name string
	open func(testing.TB) *sqlstore.DB
}{{"sqlite", sqlstoretest.Open}, {"postgres", sqlstoretest.OpenPostgres}}

// BenchmarkReceive measures receipts through Service.Receive at a bank
// outlet by its counter clerk: a certificate finished at once (即办, the
// executor runs as the receiver) and a flexible worker's enrolment, which
// goes to review. Every receipt is one transaction with its event, audit
// event and notice.
func BenchmarkReceive(b *testing.B) {
	for _, e := range benchEngines {
		b.Run(e.name, func(b *testing.B) {
			db := e.open(b)
			a, _ := sqlstoretest.NewApp(b, db, app.Options{})
			a.Auth.SetFastHashing()
			off, err := a.FrontOffice.Office()
			if err != nil {
				b.Fatal(err)
			}
			pt, ok := off.Points.Point(bank)
			if !ok {
				b.Fatalf("no point %s", bank)
			}
			village := a.Juris.Tree.Descendants(pt.Region, region.Village)[0].Code
			u, err := a.Auth.CreateUser(sqlstoretest.Admin(), auth.NewUser{Username: "clerk.bench", DisplayName: "柜员",
				Password: "a-long-password-1", Role: auth.RoleClerk, Scope: pt.Region})
			if err != nil {
				b.Fatal(err)
			}
			p, err := a.Auth.ActAs(context.Background(), u.ID, u.LivePosts()[0].ID)
			if err != nil {
				b.Fatal(err)
			}
			clerk := auth.WithPrincipal(context.Background(), p)
			person := sqlstoretest.NewPerson(b, village, 1)
			if err := a.Registry.CreatePerson(sqlstoretest.Admin(), person); err != nil {
				b.Fatal(err)
			}
			cases := []struct {
				name string
				want frontoffice.Status
				r    frontoffice.Receipt
			}{
				{"at_once", frontoffice.Completed, frontoffice.Receipt{Matter: "employee_pension_certificate", Channel: matters.Bank,
					Point: bank, PersonID: person.ID}},
				{"to_review", frontoffice.Received, frontoffice.Receipt{Matter: "flexible_employment_enrol", Channel: matters.Bank,
					Point: bank, PersonID: person.ID, Form: json.RawMessage(`{"kind":"flexible","start":"2026-11","base":500000}`)}},
			}
			for _, c := range cases {
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						got, err := a.FrontOffice.Receive(clerk, c.r)
						if err != nil {
							b.Fatal(err)
						}
						if got.Status != c.want {
							b.Fatalf("received %s: %s, want %s (%s)", got.No, got.Status, c.want, got.Reason)
						}
					}
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "receipts/s")
				})
			}
		})
	}
}

// benchApplications is the number of synthetic applications of the year.
const benchApplications = 200_000

// benchFixtureVersion names the synthetic data set in the cached file's
// name: change it when the generator changes. The file is migrated when
// opened, so a new migration applies to it as to any database.
const benchFixtureVersion = "v2"

// applicationsYear returns a store holding a year of benchApplications
// applications of the whole prefecture (received over the 365 days up to
// sqlstoretest.Today), and the app over it. On SQLite the store is a file
// built once and reused; on PostgreSQL a schema of the benchmark's own.
func applicationsYear(b *testing.B, engine string, open func(testing.TB) *sqlstore.DB) (*sqlstore.DB, *app.App) {
	b.Helper()
	var db *sqlstore.DB
	if engine == "sqlite" {
		dir := os.Getenv(sqlstoretest.EnvBenchCache)
		if dir == "" {
			dir = os.TempDir()
		}
		path := filepath.Join(dir, "safetynet-bench-applications-"+benchFixtureVersion+".db")
		db = sqlstoretest.OpenFile(b, path)
		var n int
		if err := db.QueryRowRaw(context.Background(), "SELECT COUNT(*) FROM applications").Scan(&n); err != nil {
			b.Fatal(err)
		}
		if n == benchApplications {
			b.Logf("reusing %s: %d applications", path, n)
			a, _ := sqlstoretest.NewApp(b, db, app.Options{})
			return db, a
		}
		if n > 0 { // a load cut short: start again
			db.Close()
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
			db = sqlstoretest.OpenFile(b, path)
		}
	} else {
		db = open(b)
	}
	a, _ := sqlstoretest.NewApp(b, db, app.Options{})
	loadApplications(b, db, a)
	return db, a
}

// loadApplications inserts benchApplications applications over the
// prefecture's villages and points, its matters, channels and states, in
// batches of literal rows, and analyses the table.
func loadApplications(b *testing.B, db *sqlstore.DB, a *app.App) {
	b.Helper()
	start := time.Now()
	off, err := a.FrontOffice.Office()
	if err != nil {
		b.Fatal(err)
	}
	tree := a.Juris.Tree
	villages := tree.Descendants("652300", region.Village)
	ms := off.Catalogue.Matters(matters.Filter{})
	// The points of each counter channel, with the villages they serve.
	type served struct {
		id       string
		villages []region.Code
	}
	points := map[matters.Channel][]served{}
	for _, pt := range off.Points.List(matters.PointFilter{}) {
		s := served{id: pt.ID}
		for _, v := range tree.Descendants(pt.Region, region.Village) {
			s.villages = append(s.villages, v.Code)
		}
		if len(s.villages) == 0 {
			s.villages = []region.Code{pt.Region}
		}
		points[pt.Channel] = append(points[pt.Channel], s)
	}
	// The channels' shares in percent: mostly online and on the phone, as
	// the prefecture's 线上办理率 of about 75%.
	shares := []struct {
		ch  matters.Channel
		pct int
	}{{matters.Online, 45}, {matters.Mobile, 30}, {matters.Window, 12}, {matters.Bank, 5}, {matters.Township, 4},
		{matters.Village, 3}, {matters.CrossProvince, 1}}
	rng := rand.New(rand.NewPCG(1, 2))
	today := sqlstoretest.Today
	first := today.AddDays(-364)
	lit := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	date := func(d period.Date) string {
		if d.IsZero() {
			return "NULL"
		}
		return lit(d.String())
	}
	var sb strings.Builder
	const batch = 1000
	for lo := 0; lo < benchApplications; lo += batch {
		sb.Reset()
		sb.WriteString(`INSERT INTO applications (no, matter_id, department, channel, point_id, person_id, region_code, status,
			due_date, assignee_id, received_by, received_at, doc, version, received_on, completed_on, working_days) VALUES `)
		for i := lo; i < min(lo+batch, benchApplications); i++ {
			m := ms[rng.IntN(len(ms))]
			roll, ch := rng.IntN(100), matters.Online
			for _, s := range shares {
				if roll < s.pct {
					ch = s.ch
					break
				}
				roll -= s.pct
			}
			point, village := "", villages[rng.IntN(len(villages))].Code
			if ps := points[ch]; len(ps) > 0 && ch != matters.Online && ch != matters.Mobile && ch != matters.CrossProvince {
				s := ps[rng.IntN(len(ps))]
				point, village = s.id, s.villages[rng.IntN(len(s.villages))]
			}
			// Received in the order of the key, as the store numbers them.
			received := first.AddDays(i * 365 / benchApplications)
			age := int(today.Time().Sub(received.Time()).Hours() / 24)
			status := benchStatus(rng, age)
			limit := max(m.TimeLimit, 1)
			due := received.AddDays(limit + limit*2/5)
			if status == frontoffice.NotAccepted || (due.Time().Year() > 2026 && status != frontoffice.Completed) {
				due = 0
			}
			var completed period.Date
			var days *int
			if status == frontoffice.Completed {
				completed = received.AddDays(rng.IntN(limit + 6))
				if completed > today {
					completed = today
				}
				if rng.IntN(100) > 0 {
					d := rng.IntN(limit + 4)
					days = &d
				}
			}
			ap := frontoffice.Application{No: fmt.Sprintf("SNBENCH%08d", i+1), Matter: m.ID, MatterName: m.Name, Department: m.Department.ID,
				Channel: ch, Point: point, PersonID: registryID(int64(rng.IntN(500_000) + 1)), ApplicantName: "张*明",
				RegionCode: village, Status: status, ReceivedBy: int64(rng.IntN(400) + 2), ReceivedByName: "柜员",
				ReceivedAt: received.Time().Add(time.Duration(rng.IntN(9*3600)) * time.Second), AcceptedOn: received,
				TimeLimit: limit, DueDate: due, CompletedOn: completed, WorkingDays: days, Version: 1,
				Materials: []frontoffice.MaterialCheck{{ID: "id_card", Name: matters.Bilingual{ZH: "居民身份证", EN: "Resident ID card"}, How: "original"},
					{ID: "application_form", Name: matters.Bilingual{ZH: "申请表", EN: "Application form"}, How: "original"}}}
			if due.IsZero() && status != frontoffice.NotAccepted {
				ap.DuePending = "待公布2027年节假日安排后计算"
			}
			doc, err := json.Marshal(ap)
			if err != nil {
				b.Fatal(err)
			}
			wd := "NULL"
			if days != nil {
				wd = strconv.Itoa(*days)
			}
			if i > lo {
				sb.WriteString(",\n")
			}
			fmt.Fprintf(&sb, "(%s, %s, %s, %s, %s, %d, %s, %s, %s, 0, %d, %s, %s, 1, %s, %s, %s)",
				lit(ap.No), lit(ap.Matter), lit(ap.Department), lit(string(ch)), lit(point), ap.PersonID, lit(string(village)),
				lit(string(status)), date(due), ap.ReceivedBy, lit(ap.ReceivedAt.UTC().Format(time.RFC3339)), lit(string(doc)),
				date(received), date(completed), wd)
		}
		if err := db.ExecRaw(context.Background(), sb.String()); err != nil {
			b.Fatal(err)
		}
	}
	if err := db.ExecRaw(context.Background(), "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	b.Logf("setup: %d applications in %s", benchApplications, time.Since(start).Round(time.Millisecond))
}

// benchStatus draws the state of an application received age days ago:
// an old one mostly finished, a few left running past their due date; a
// recent one often still running.
func benchStatus(rng *rand.Rand, age int) frontoffice.Status {
	r := rng.IntN(100)
	type share struct {
		s   frontoffice.Status
		pct int
	}
	old := []share{{frontoffice.Completed, 85}, {frontoffice.Refused, 5}, {frontoffice.Withdrawn, 3}, {frontoffice.NotAccepted, 4},
		{frontoffice.Correction, 1}, {frontoffice.Reviewing, 1}, {frontoffice.Approving, 1}}
	recent := []share{{frontoffice.Completed, 40}, {frontoffice.NotAccepted, 4}, {frontoffice.Refused, 3}, {frontoffice.Withdrawn, 2},
		{frontoffice.Correction, 5}, {frontoffice.Received, 16}, {frontoffice.Reviewing, 15}, {frontoffice.Approving, 10},
		{frontoffice.Completing, 3}, {frontoffice.Held, 2}}
	shares := old
	if age < 30 {
		shares = recent
	}
	for _, s := range shares {
		if r < s.pct {
			return s.s
		}
		r -= s.pct
	}
	return frontoffice.Completed
}

// benchRegions are the scopes the report and the overdue list are read
// for: the prefecture and its largest county, Changji city.
var benchRegions = []struct {
	name string
	code region.Code
}{{"prefecture", "652300"}, {"county", "652301"}}

// BenchmarkHandlingReport reads the handling report by channel and by
// point over a month (October 2026) and over the year up to today, for
// the prefecture and for one county, over 200,000 applications.
func BenchmarkHandlingReport(b *testing.B) {
	spans := []struct {
		name     string
		from, to period.Date
	}{
		{"month", period.MustDate(2026, time.October, 1), period.MustDate(2026, time.October, 31)},
		{"year", sqlstoretest.Today.AddDays(-364), sqlstoretest.Today},
	}
	for _, e := range benchEngines {
		b.Run(e.name, func(b *testing.B) {
			_, a := applicationsYear(b, e.name, e.open)
			ctx := sqlstoretest.Admin()
			for _, sp := range spans {
				for _, rg := range benchRegions {
					for _, by := range []report.By{report.ByChannel, report.ByPoint} {
						b.Run(sp.name+"/"+rg.name+"/"+string(by), func(b *testing.B) {
							var received int64
							for b.Loop() {
								r, err := a.Reports.Report(ctx, report.Filter{From: sp.from, To: sp.to, Region: rg.code, By: by})
								if err != nil {
									b.Fatal(err)
								}
								received = r.Total.Received
							}
							if received == 0 {
								b.Fatal("no application counted")
							}
							b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
						})
					}
				}
			}
		})
	}
}

// BenchmarkOverdueList reads the overdue list (overdue, due soon, due
// pending, with its first page of each) of the prefecture and of one
// county over 200,000 applications.
func BenchmarkOverdueList(b *testing.B) {
	for _, e := range benchEngines {
		b.Run(e.name, func(b *testing.B) {
			_, a := applicationsYear(b, e.name, e.open)
			ctx := sqlstoretest.Admin()
			for _, rg := range benchRegions {
				b.Run(rg.name, func(b *testing.B) {
					var overdue int
					for b.Loop() {
						o, err := a.FrontOffice.OverdueList(ctx, frontoffice.OverdueFilter{Region: string(rg.code)})
						if err != nil {
							b.Fatal(err)
						}
						overdue = len(o.Overdue)
					}
					if overdue == 0 {
						b.Fatal("nothing overdue")
					}
					b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
				})
			}
		})
	}
}
