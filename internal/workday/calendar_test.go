package workday_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"safetynet/internal/period"
	"safetynet/internal/workday"
	"safetynet/policies"
)

// shipped is the calendar built into the binary.
func shipped(t *testing.T) *workday.Calendar {
	t.Helper()
	c, err := workday.Load(policies.FS, "cn/calendar")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func d(s string) period.Date {
	x, err := period.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return x
}

func TestIsWorkingDay(t *testing.T) {
	t.Parallel()
	c := shipped(t)
	tests := []struct {
		day  string
		want bool
		why  string
	}{
		{"2026-02-13", true, "Friday before the Spring Festival"},
		{"2026-02-14", true, "Saturday worked for the Spring Festival (调休)"},
		{"2026-02-15", false, "first day of the Spring Festival, a Sunday"},
		{"2026-02-16", false, "Monday in the Spring Festival"},
		{"2026-02-23", false, "last day of the Spring Festival, a Monday"},
		{"2026-02-24", true, "first working day after the Spring Festival"},
		{"2026-02-28", true, "Saturday worked for the Spring Festival"},
		{"2026-03-01", false, "an ordinary Sunday"},
		{"2026-09-20", true, "Sunday worked for National Day"},
		{"2026-09-25", false, "Mid-Autumn Festival, a Friday"},
		{"2026-10-01", false, "National Day"},
		{"2026-10-07", false, "last day of National Day"},
		{"2026-10-08", true, "Thursday after National Day"},
		{"2026-10-10", true, "Saturday worked for National Day"},
		{"2026-10-11", false, "an ordinary Sunday"},
		{"2026-01-04", true, "Sunday worked for New Year's Day"},
		{"2025-01-28", false, "Spring Festival's eve 2025 (one more day since 国务院令第795号)"},
		{"2025-01-26", true, "Sunday worked for the 2025 Spring Festival"},
		{"2025-10-08", false, "National Day and Mid-Autumn 2025 merged"},
		{"2025-10-11", true, "Saturday worked for National Day 2025"},
	}
	for _, tt := range tests {
		got, err := c.IsWorkingDay(d(tt.day))
		if err != nil || got != tt.want {
			t.Errorf("IsWorkingDay(%s) = %v, %v; want %v (%s)", tt.day, got, err, tt.want, tt.why)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	t.Parallel()
	c := shipped(t)
	tests := []struct {
		from string
		n    int
		want string
		why  string
	}{
		{"2026-03-02", 1, "2026-03-03", "the day of acceptance is not counted"},
		{"2026-03-06", 1, "2026-03-09", "Friday's day 1 is Monday"},
		{"2026-03-02", 5, "2026-03-09", "a week of five"},
		{"2026-02-12", 1, "2026-02-13", "Thursday to Friday"},
		{"2026-02-12", 2, "2026-02-14", "the worked Saturday counts"},
		{"2026-02-12", 3, "2026-02-24", "over the nine days of the Spring Festival"},
		{"2026-02-13", 5, "2026-02-27", "Friday before the festival, five days"},
		{"2026-02-13", 6, "2026-02-28", "the second worked Saturday"},
		{"2026-09-18", 1, "2026-09-20", "the worked Sunday before National Day"},
		{"2026-09-24", 1, "2026-09-28", "over the Mid-Autumn Festival"},
		{"2026-09-30", 1, "2026-10-08", "over National Day"},
		{"2026-09-30", 3, "2026-10-10", "the worked Saturday after National Day"},
		{"2026-02-14", 20, "2026-03-20", "twenty working days accepted on a worked Saturday"},
		{"2025-12-31", 1, "2026-01-04", "across the year: New Year's Day off, the Sunday worked"},
	}
	for _, tt := range tests {
		got, err := c.AddWorkingDays(d(tt.from), tt.n)
		if err != nil || got != d(tt.want) {
			t.Errorf("AddWorkingDays(%s, %d) = %v, %v; want %s (%s)", tt.from, tt.n, got, err, tt.want, tt.why)
			continue
		}
		back, err := c.WorkingDaysBetween(d(tt.from), got)
		if err != nil || back != tt.n {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, %v; want %d", tt.from, got, back, err, tt.n)
		}
	}
	if n, err := c.WorkingDaysBetween(d("2026-03-09"), d("2026-03-02")); n != 0 || err != nil {
		t.Errorf("WorkingDaysBetween backwards = %d, %v; want 0", n, err)
	}
	if _, err := c.AddWorkingDays(d("2026-03-02"), 0); err == nil {
		t.Error("AddWorkingDays(0) succeeded; want an error")
	}
}

// A clock suspended while the applicant supplies materials, across the
// Spring Festival: the suspended working days are added to the due date.
func TestDueDateSuspended(t *testing.T) {
	t.Parallel()
	c := shipped(t)
	accepted := d("2026-02-09") // Monday
	plain, err := c.DueDate(accepted, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Day by day: Feb 10, 11, 12, 13, 14 (worked Saturday), 24, 25, 26, 27,
	// 28 (worked Saturday): the tenth working day is 28 February.
	if plain != d("2026-02-28") {
		t.Fatalf("DueDate without suspension = %s; want 2026-02-28", plain)
	}
	// Suspended from Thursday 12 February to Tuesday 24 February: the
	// working days 12, 13, 14 and 24 do not count, so four more are needed.
	susp := []workday.Span{{From: d("2026-02-12"), To: d("2026-02-24")}}
	got, err := c.DueDate(accepted, 10, susp)
	if err != nil {
		t.Fatal(err)
	}
	if got != d("2026-03-05") {
		t.Errorf("DueDate suspended = %s; want 2026-03-05 (Feb 10, 11, 25, 26, 27, 28, Mar 2, 3, 4, 5)", got)
	}
	used, err := c.Elapsed(accepted, d("2026-02-27"), susp)
	if err != nil || used != 5 {
		t.Errorf("Elapsed by 27 February = %d, %v; want 5 (Feb 10, 11, 25, 26, 27)", used, err)
	}
	used, err = c.Elapsed(accepted, d("2026-02-27"), nil)
	if err != nil || used != 9 {
		t.Errorf("Elapsed by 27 February unsuspended = %d, %v; want 9", used, err)
	}
}

func TestUnpublishedYear(t *testing.T) {
	t.Parallel()
	c := shipped(t)
	_, err := c.IsWorkingDay(d("2027-01-05"))
	var ue *workday.UnpublishedError
	if !errors.As(err, &ue) || ue.Year != 2027 {
		t.Fatalf("IsWorkingDay in 2027: %v; want an UnpublishedError for 2027", err)
	}
	// A due date that runs into an unpublished year is an error too, not a
	// guess from the weekends.
	_, err = c.AddWorkingDays(d("2026-12-21"), 20)
	if !errors.As(err, &ue) || ue.Year != 2027 {
		t.Fatalf("AddWorkingDays into 2027: %v; want an UnpublishedError for 2027", err)
	}
	if _, err := c.IsWorkingDay(d("2024-06-03")); !errors.As(err, &ue) || ue.Year != 2024 {
		t.Fatalf("IsWorkingDay in 2024: %v; want an UnpublishedError for 2024", err)
	}
}

func TestParseYearErrors(t *testing.T) {
	t.Parallel()
	ok := `year: 2026
source: {title: 通知, number: "", date: 2025-11-04, status: confirmed}
holidays:
  - {name: 元旦, name_en: New Year, from: 2026-01-01, to: 2026-01-03}
working_weekend_days:
  - {date: 2026-01-04, for: 元旦}
`
	if _, err := workday.ParseYear([]byte(ok)); err != nil {
		t.Fatalf("a good year: %v", err)
	}
	tests := []struct {
		name, text, field string
	}{
		{"unknown field", ok + "extra: 1\n", ""},
		{"a worked weekday", `year: 2026
source: {title: 通知, date: 2025-11-04, status: confirmed}
holidays: [{name: 元旦, name_en: New Year, from: 2026-01-01, to: 2026-01-03}]
working_weekend_days: [{date: 2026-01-05, for: 元旦}]
`, "working_weekend_days[0]"},
		{"a holiday in another year", `year: 2026
source: {title: 通知, date: 2025-11-04, status: confirmed}
holidays: [{name: 元旦, name_en: New Year, from: 2025-01-01, to: 2025-01-03}]
`, "holidays[0]"},
		{"a bad date", `year: 2026
source: {title: 通知, date: 2025-11-04, status: confirmed}
holidays: [{name: 元旦, name_en: New Year, from: 2026-02-30, to: 2026-03-01}]
`, "holidays[0].from"},
		{"no status", `year: 2026
source: {title: 通知, date: 2025-11-04}
holidays: [{name: 元旦, name_en: New Year, from: 2026-01-01, to: 2026-01-01}]
`, "source.status"},
		{"overlapping runs", `year: 2026
source: {title: 通知, date: 2025-11-04, status: confirmed}
holidays:
  - {name: 元旦, name_en: New Year, from: 2026-01-01, to: 2026-01-03}
  - {name: 元旦, name_en: New Year, from: 2026-01-03, to: 2026-01-04}
`, "holidays[1]"},
	}
	for _, tt := range tests {
		_, err := workday.ParseYear([]byte(tt.text))
		var fe *workday.FileError
		if !errors.As(err, &fe) {
			t.Errorf("%s: %v; want a FileError", tt.name, err)
			continue
		}
		if fe.Field != tt.field {
			t.Errorf("%s: field %q (%v); want %q", tt.name, fe.Field, err, tt.field)
		}
	}
}

// A file whose year is not its name is refused.
func TestLoadYearMismatch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data, err := policies.FS.ReadFile("cn/calendar/2026.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/2027.yaml", data, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = workday.Load(os.DirFS(dir), ".")
	var fe *workday.FileError
	if !errors.As(err, &fe) || fe.Field != "year" {
		t.Fatalf("Load: %v; want a FileError on year", err)
	}
}

func FuzzParseYear(f *testing.F) {
	for _, name := range []string{"cn/calendar/2025.yaml", "cn/calendar/2026.yaml"} {
		data, err := policies.FS.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("year: 2026\nholidays: [{from: 2026-01-01, to: 2025-01-01}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		y, err := workday.ParseYear(data)
		if err != nil {
			return
		}
		// What parses builds a calendar, and every day of its year has an
		// answer.
		c, err := workday.New(y)
		if err != nil {
			t.Fatalf("New after ParseYear: %v", err)
		}
		jan1 := period.MustDate(y.Year, time.January, 1)
		if _, err := c.IsWorkingDay(jan1); err != nil {
			t.Fatalf("IsWorkingDay(%s): %v", jan1, err)
		}
	})
}
