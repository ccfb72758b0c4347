// Package workday counts working days (工作日) on China's calendar: Monday to
// Friday, less the public holidays, plus the weekend days worked in their
// place (调休), as the State Council's notice of each year fixes them
// (国务院办公厅关于XXXX年部分节假日安排的通知).
//
// Each year is one dated file (policies/cn/calendar/2026.yaml) taken from
// that year's notice. A year whose notice is not loaded is an error
// (*UnpublishedError), never a guess: the weekends alone would be wrong
// around every holiday.
//
// # Counting
//
// A time limit of n working days runs from the day after acceptance: the
// day of acceptance is not counted, and day 1 is the first working day
// after it (民法典 第二百零一条: a period counted in days starts on the
// next day; 行政许可法 第八十二条: time limits counted in working days
// leave out the public holidays). Days on which the clock is suspended
// (the applicant supplies materials) are not counted either.
package workday

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"safetynet/internal/period"
)

// UnpublishedError is the error for a date in a year whose holiday notice
// is not loaded: its working days are unknown.
type UnpublishedError struct {
	// Year is the year without a notice.
	Year int
}

// Error names the year and how to add it.
func (e *UnpublishedError) Error() string {
	return fmt.Sprintf("the holiday arrangements of %d are not published in the calendar: add policies/cn/calendar/%d.yaml from the State Council's notice", e.Year, e.Year)
}

// Source is the notice a year's file is taken from.
type Source struct {
	// Title is the notice's title, e.g. 国务院办公厅关于2026年部分节假日安排的通知.
	Title string
	// Number is its document number (文号), e.g. 国办发明电〔2024〕12号;
	// empty when the publication read did not give it.
	Number string
	// Date is the day it was issued.
	Date period.Date
	// Status is confirmed (read from the notice's text) or unconfirmed.
	Status string
	// Note says anything more about the source, such as where it was read.
	Note string
}

// Holiday is a run of days off (放假调休) for one festival.
type Holiday struct {
	// Name is the festival's name in Chinese and English.
	NameZH, NameEN string
	// From and To are the first and last day off, both included.
	From, To period.Date
}

// WorkingWeekendDay is a Saturday or Sunday that is worked (调休上班).
type WorkingWeekendDay struct {
	Date period.Date
	// For names the festival whose days off it makes up.
	For string
}

// Year is one year's holiday arrangements.
type Year struct {
	Year     int
	Source   Source
	Holidays []Holiday
	// Working are the weekend days worked in that year.
	Working []WorkingWeekendDay
}

// Calendar answers which days are working days, for the years it holds.
// The zero Calendar holds no year; use New or Load.
type Calendar struct {
	years    map[int]*Year
	off      map[period.Date]string // holiday days, with the festival
	workdays map[period.Date]string // weekend days worked
}

// Span is a run of calendar days, both ends included, on which the clock
// of a time limit stands still (the applicant supplies materials).
type Span struct {
	From, To period.Date
}

// contains reports whether d lies in the span.
func (s Span) contains(d period.Date) bool { return s.From <= d && d <= s.To }

// New returns the calendar of the given years; two files for one year are
// an error.
func New(years ...Year) (*Calendar, error) {
	c := &Calendar{years: map[int]*Year{}, off: map[period.Date]string{}, workdays: map[period.Date]string{}}
	for i := range years {
		y := years[i]
		if _, dup := c.years[y.Year]; dup {
			return nil, fmt.Errorf("calendar: year %d given twice", y.Year)
		}
		if err := y.validate(); err != nil {
			return nil, err
		}
		c.years[y.Year] = &y
		for _, h := range y.Holidays {
			for d := h.From; d <= h.To; d = d.AddDays(1) {
				c.off[d] = h.NameZH
			}
		}
		for _, w := range y.Working {
			c.workdays[w.Date] = w.For
		}
	}
	return c, nil
}

// Years returns the years the calendar holds, in order.
func (c *Calendar) Years() []int {
	out := make([]int, 0, len(c.years))
	for y := range c.years {
		out = append(out, y)
	}
	sort.Ints(out)
	return out
}

// Year returns the arrangements of year y, or an *UnpublishedError.
func (c *Calendar) Year(y int) (Year, error) {
	if c == nil || c.years[y] == nil {
		return Year{}, &UnpublishedError{Year: y}
	}
	return *c.years[y], nil
}

// IsWorkingDay reports whether d is a working day: a weekday that is not a
// holiday, or a weekend day worked in a holiday's place. A day in a year
// the calendar does not hold is an *UnpublishedError.
func (c *Calendar) IsWorkingDay(d period.Date) (bool, error) {
	if d.IsZero() {
		return false, errors.New("workday: no date")
	}
	if c == nil || c.years[d.Year()] == nil {
		return false, &UnpublishedError{Year: d.Year()}
	}
	if _, ok := c.off[d]; ok {
		return false, nil
	}
	if _, ok := c.workdays[d]; ok {
		return true, nil
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday, nil
}

// HolidayName returns the festival d is a day off for, and whether it is one.
func (c *Calendar) HolidayName(d period.Date) (string, bool) {
	if c == nil {
		return "", false
	}
	n, ok := c.off[d]
	return n, ok
}

// AddWorkingDays returns the due date of a time limit of n working days
// accepted on from: the n-th working day after from, from itself not
// counted (see the package doc). n must be at least 1.
func (c *Calendar) AddWorkingDays(from period.Date, n int) (period.Date, error) {
	return c.DueDate(from, n, nil)
}

// DueDate is AddWorkingDays with the clock suspended on the days of the
// given spans: a working day inside a span is not counted, so the due date
// moves later by the working days suspended. A suspension still running is
// given with To the last day known (today), and the due date is
// recomputed when it ends.
func (c *Calendar) DueDate(accepted period.Date, n int, suspended []Span) (period.Date, error) {
	if n < 1 {
		return 0, fmt.Errorf("workday: a time limit of %d working days; want at least 1", n)
	}
	if accepted.IsZero() {
		return 0, errors.New("workday: no acceptance date")
	}
	d := accepted
	for counted := 0; counted < n; {
		d = d.AddDays(1)
		ok, err := c.counts(d, suspended)
		if err != nil {
			return 0, err
		}
		if ok {
			counted++
		}
	}
	return d, nil
}

// WorkingDaysBetween returns the working days after a up to and including
// b: 0 when b is not after a. WorkingDaysBetween(a, AddWorkingDays(a, n))
// is n.
func (c *Calendar) WorkingDaysBetween(a, b period.Date) (int, error) {
	return c.Elapsed(a, b, nil)
}

// Elapsed returns the working days of a time limit used by the end of day
// on, for a matter accepted on accepted: the working days after accepted up
// to and including on, less those inside a suspension. A time limit of n
// days is overdue when Elapsed exceeds n.
func (c *Calendar) Elapsed(accepted, on period.Date, suspended []Span) (int, error) {
	if accepted.IsZero() || on.IsZero() {
		return 0, errors.New("workday: no date")
	}
	n := 0
	for d := accepted.AddDays(1); d <= on; d = d.AddDays(1) {
		ok, err := c.counts(d, suspended)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// counts reports whether d counts towards a time limit: a working day
// outside every suspension.
func (c *Calendar) counts(d period.Date, suspended []Span) (bool, error) {
	ok, err := c.IsWorkingDay(d)
	if err != nil || !ok {
		return false, err
	}
	for _, s := range suspended {
		if s.contains(d) {
			return false, nil
		}
	}
	return true, nil
}

// validate checks a year's arrangements: every day in the year, holiday
// runs in order and apart, worked days on a weekend and outside the
// holidays, a source with title, date and status.
func (y *Year) validate() error {
	fail := func(field, format string, args ...any) error {
		return &FileError{Year: y.Year, Field: field, Err: fmt.Errorf(format, args...)}
	}
	if y.Year < 1949 || y.Year > 9999 {
		return fail("year", "%d is not a year of the calendar", y.Year)
	}
	if strings.TrimSpace(y.Source.Title) == "" {
		return fail("source.title", "is required: the notice's title")
	}
	if y.Source.Date.IsZero() {
		return fail("source.date", "is required: the day the notice was issued")
	}
	if y.Source.Status != "confirmed" && y.Source.Status != "unconfirmed" {
		return fail("source.status", "%q; want confirmed or unconfirmed", y.Source.Status)
	}
	if len(y.Holidays) == 0 {
		return fail("holidays", "want at least one run of days off")
	}
	for i, h := range y.Holidays {
		f := fmt.Sprintf("holidays[%d]", i)
		switch {
		case strings.TrimSpace(h.NameZH) == "" || strings.TrimSpace(h.NameEN) == "":
			return fail(f+".name", "want the festival's name in Chinese and English")
		case h.From.IsZero() || h.To.IsZero():
			return fail(f, "want from and to")
		case h.From.Year() != y.Year || h.To.Year() != y.Year:
			return fail(f, "%s to %s is not in %d", h.From, h.To, y.Year)
		case h.To < h.From:
			return fail(f, "to %s is before from %s", h.To, h.From)
		case h.To-h.From > 14:
			return fail(f, "%s to %s is longer than a holiday", h.From, h.To)
		case i > 0 && h.From <= y.Holidays[i-1].To:
			return fail(f, "starts %s, not after the run before it ends", h.From)
		}
	}
	seen := map[period.Date]bool{}
	for i, w := range y.Working {
		f := fmt.Sprintf("working_weekend_days[%d]", i)
		switch {
		case w.Date.IsZero():
			return fail(f, "want a date")
		case w.Date.Year() != y.Year && !(w.Date.Year() == y.Year-1 && w.Date.MonthOfYear() == time.December):
			return fail(f, "%s is not in %d", w.Date, y.Year)
		case w.Date.Weekday() != time.Saturday && w.Date.Weekday() != time.Sunday:
			return fail(f, "%s is a %s, not a weekend day", w.Date, w.Date.Weekday())
		case seen[w.Date]:
			return fail(f, "%s given twice", w.Date)
		case strings.TrimSpace(w.For) == "":
			return fail(f+".for", "want the festival it makes up for")
		}
		seen[w.Date] = true
		for _, h := range y.Holidays {
			if h.From <= w.Date && w.Date <= h.To {
				return fail(f, "%s lies in the days off of %s", w.Date, h.NameZH)
			}
		}
	}
	return nil
}

// FileError is a problem with a year's file: the file, the year and the
// field at fault.
type FileError struct {
	File  string
	Year  int
	Field string
	Err   error
}

// Error names the file (or year), the field and the problem.
func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString("calendar")
	if e.File != "" {
		b.WriteString(" " + e.File)
	}
	if e.Year != 0 {
		b.WriteString(" year " + strconv.Itoa(e.Year))
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Err.Error())
	return b.String()
}

// Unwrap returns the problem.
func (e *FileError) Unwrap() error { return e.Err }

// yearFile is the shape of a year's YAML file.
type yearFile struct {
	Year   int `yaml:"year"`
	Source struct {
		Title  string `yaml:"title"`
		Number string `yaml:"number"`
		Date   string `yaml:"date"`
		Status string `yaml:"status"`
		Note   string `yaml:"note"`
	} `yaml:"source"`
	Holidays []struct {
		Name   string `yaml:"name"`
		NameEN string `yaml:"name_en"`
		From   string `yaml:"from"`
		To     string `yaml:"to"`
	} `yaml:"holidays"`
	Working []struct {
		Date string `yaml:"date"`
		For  string `yaml:"for"`
	} `yaml:"working_weekend_days"`
}

// ParseYear reads one year's file; unknown fields, bad dates and the
// problems validate finds are errors naming the field.
func ParseYear(data []byte) (Year, error) {
	var f yearFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return Year{}, &FileError{Err: err}
	}
	y := Year{Year: f.Year, Source: Source{Title: f.Source.Title, Number: f.Source.Number, Status: f.Source.Status, Note: f.Source.Note}}
	date := func(field, s string) (period.Date, error) {
		d, err := period.ParseDate(s)
		if err != nil {
			return 0, &FileError{Year: f.Year, Field: field, Err: err}
		}
		return d, nil
	}
	var err error
	if y.Source.Date, err = date("source.date", f.Source.Date); err != nil {
		return Year{}, err
	}
	for i, h := range f.Holidays {
		hd := Holiday{NameZH: h.Name, NameEN: h.NameEN}
		if hd.From, err = date(fmt.Sprintf("holidays[%d].from", i), h.From); err != nil {
			return Year{}, err
		}
		if hd.To, err = date(fmt.Sprintf("holidays[%d].to", i), h.To); err != nil {
			return Year{}, err
		}
		y.Holidays = append(y.Holidays, hd)
	}
	for i, w := range f.Working {
		wd := WorkingWeekendDay{For: w.For}
		if wd.Date, err = date(fmt.Sprintf("working_weekend_days[%d].date", i), w.Date); err != nil {
			return Year{}, err
		}
		y.Working = append(y.Working, wd)
	}
	if err := y.validate(); err != nil {
		return Year{}, err
	}
	return y, nil
}

// Load reads every YYYY.yaml file of dir in fsys into a calendar; a file
// whose year is not its name is an error naming the file.
func Load(fsys fs.FS, dir string) (*Calendar, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("load calendar: %w", err)
	}
	var years []Year
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".yaml") {
			continue
		}
		file := path.Join(dir, name)
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("load calendar: %w", err)
		}
		y, err := ParseYear(data)
		var fe *FileError
		if errors.As(err, &fe) {
			at := *fe
			at.File = file
			return nil, &at
		}
		if err != nil {
			return nil, err
		}
		if strconv.Itoa(y.Year)+".yaml" != name {
			return nil, &FileError{File: file, Year: y.Year, Field: "year", Err: fmt.Errorf("year %d in a file named %s", y.Year, name)}
		}
		years = append(years, y)
	}
	if len(years) == 0 {
		return nil, fmt.Errorf("load calendar: no YYYY.yaml file in %s", dir)
	}
	slices.SortFunc(years, func(a, b Year) int { return a.Year - b.Year })
	return New(years...)
}
