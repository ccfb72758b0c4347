// Package report is the handling report of the front office (办件统计):
// the applications received in a span of days, counted by channel,
// matter, department, service point or clerk — received (受理), not
// accepted, finished (办结), refused, withdrawn, still running, online —
// with the online handling rate (线上办理率), the compliance with the time
// limit (按时办结率), the average working days to 办结 net of the
// suspensions, and the ratings (好差评) of the same groups
// (docs/frontoffice.md, Reports). Every figure is counted in SQL; rates
// are integer ratios rounded half up (money.RateOf).
package report

import (
	"context"
	"slices"
	"strconv"

	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/fault"
	"safetynet/internal/frontoffice/ratings"
	"safetynet/internal/matters"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// By is what the report is grouped by.
type By string

// The groupings of the report.
const (
	ByChannel    By = "channel"
	ByMatter     By = "matter"
	ByDepartment By = "department"
	ByPoint      By = "point"
	ByClerk      By = "clerk"
)

// Bys returns the groupings, in the order of the pages.
func Bys() []By { return []By{ByChannel, ByMatter, ByDepartment, ByPoint, ByClerk} }

// MaxSpanDays is the longest span of a report, in days: a year and a
// day, as the ratings' counts.
const MaxSpanDays = 366

// Filter selects the applications counted: received From to To (both
// included), of applicants in Region's subtree (the caller's scope when
// empty), grouped by By.
type Filter struct {
	From, To period.Date
	Region   region.Code
	By       By
}

// Counts are one group's figures, all counted in SQL over the
// applications received in the span (a cohort: an application received in
// the span and finished after it counts as finished).
type Counts struct {
	// Received is every accepted application (受理量): all receipts but
	// those not accepted (不予受理), whatever became of them.
	Received int64 `json:"received"`
	// NotAccepted are the receipts not accepted (一次性告知).
	NotAccepted int64 `json:"not_accepted"`
	Completed   int64 `json:"completed"`
	Refused     int64 `json:"refused"`
	Withdrawn   int64 `json:"withdrawn"`
	// Running are the accepted applications not finished yet, in
	// correction (补正) included.
	Running int64 `json:"running"`
	// Online are the accepted applications received online (网上办) or on
	// the phone (掌上办).
	Online int64 `json:"online"`
	// OnTime and Late are the completed applications finished on or
	// before their due date, and after it; one whose due date waited for
	// an unpublished calendar counts in neither.
	OnTime int64 `json:"on_time"`
	Late   int64 `json:"late"`
	// Overdue are the running applications past their due date today (in
	// correction excluded: their clock stands still); DuePending those
	// whose due date waits for a calendar not published yet.
	Overdue    int64 `json:"overdue"`
	DuePending int64 `json:"due_pending"`
	// WorkingDays is the sum of the working days to 办结 (acceptance day
	// not counted, suspensions left out) over Timed completed
	// applications, those whose days are known.
	WorkingDays int64 `json:"working_days"`
	Timed       int64 `json:"timed"`
}

// Row is one group's counts as the store reads them.
type Row struct {
	// Key is the channel, the matter's ID, the department's ID, the
	// point's ID (the channel for the online, mobile and cross-province
	// channels, which have no point) or the clerk's user ID as text.
	Key string
	// Name is the clerk's user name (By clerk only).
	Name string
	Counts
}

// Store reads the report.
type Store interface {
	// ApplicationReport counts the applications of f grouped by f.By in
	// one read (a range on received_on with the region in its index),
	// overdue as of today, in the order of the key.
	ApplicationReport(ctx context.Context, f Filter, today period.Date) ([]Row, error)
}

// Ratings counts the ratings of the groups (ratings.Service).
type Ratings interface {
	Counts(ctx context.Context, f ratings.Filter) ([]ratings.Count, error)
}

// Figures are the rates and the average of some counts.
type Figures struct {
	// OnlineRate is 线上办理率: Online over Received.
	OnlineRate money.Rate `json:"-"`
	// OnTimeRate is 按时办结率: OnTime over OnTime plus Late.
	OnTimeRate money.Rate `json:"-"`
	// AverageDays is the average working days to 办结 in millionths of a
	// day (a Rate of 1 is one day): WorkingDays over Timed.
	AverageDays money.Rate `json:"-"`
}

// OnlinePercent is 线上办理率 with two decimals, "75.26%".
func (f Figures) OnlinePercent() string { return f.OnlineRate.Percent(2) }

// OnTimePercent is 按时办结率 with two decimals.
func (f Figures) OnTimePercent() string { return f.OnTimeRate.Percent(2) }

// AverageDaysText is the average working days with one decimal, "3.5".
func (f Figures) AverageDaysText() string {
	tenths := money.DivRound(int64(f.AverageDays), int64(money.RateOne)/10)
	return formatTenths(tenths)
}

// Group is one line of the report.
type Group struct {
	Key string `json:"key"`
	// Name is the group's name in Chinese and English (the channel, the
	// matter, the department, the point or the clerk's user name).
	Name matters.Bilingual `json:"name"`
	Counts
	Figures
	// Ratings are the ratings of the group given in the span (nil when the
	// grouping has none: by channel).
	Ratings *ratings.Count `json:"ratings,omitempty"`
}

// Report is the handling report of a span.
type Report struct {
	Filter Filter      `json:"-"`
	Today  period.Date `json:"today"`
	Groups []Group     `json:"groups"`
	// Total is every group together; its ratings are those of the groups.
	Total Group `json:"total"`
}

// Service builds the report.
type Service struct {
	store   Store
	ratings Ratings
	office  func() (*matters.Office, error)
	clock   clock.Clock
}

// New returns the report over store; ratings may be nil (no ratings in
// the report), office names the matters, departments and points.
func New(store Store, rs Ratings, office func() (*matters.Office, error), clk clock.Clock) *Service {
	return &Service{store: store, ratings: rs, office: office, clock: clk}
}

// Check checks f as a report's filter: a known grouping, both dates, a
// span of at most MaxSpanDays.
func Check(f Filter) error {
	var pr fault.Problems
	if !slices.Contains(Bys(), f.By) {
		pr.Add("by", "must be channel, matter, department, point or clerk, not %q", f.By)
	}
	switch {
	case f.From.IsZero():
		pr.Add("from", "is required")
	case f.To.IsZero():
		pr.Add("to", "is required")
	case f.To < f.From:
		pr.Add("to", "%s is before from %s", f.To, f.From)
	case f.From.AddDays(MaxSpanDays) < f.To:
		pr.Add("to", "a span is at most %d days", MaxSpanDays)
	}
	return pr.Err("invalid report")
}

// Report counts the applications of f in the caller's scope
// (registry.read; a region outside it is forbidden).
func (s *Service) Report(ctx context.Context, f Filter) (*Report, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if err := Check(f); err != nil {
		return nil, err
	}
	if f.Region == "" {
		f.Region = p.Scope
	}
	if !p.InScope(f.Region) {
		return nil, fault.Errorf(fault.Forbidden, "region %s is outside your scope %s", f.Region, p.Scope)
	}
	today := s.clock.Today()
	rows, err := s.store.ApplicationReport(ctx, f, today)
	if err != nil {
		return nil, err
	}
	var off *matters.Office
	if s.office != nil {
		if off, err = s.office(); err != nil {
			return nil, err
		}
	}
	rep := &Report{Filter: f, Today: today, Groups: make([]Group, 0, len(rows))}
	rep.Total.Key, rep.Total.Name = "", matters.Bilingual{ZH: "合计", EN: "Total"}
	for _, r := range rows {
		g := Group{Key: r.Key, Name: nameOf(off, f.By, r), Counts: r.Counts}
		g.Figures = figuresOf(g.Counts)
		rep.Groups = append(rep.Groups, g)
		rep.Total.Counts.add(r.Counts)
	}
	rep.Total.Figures = figuresOf(rep.Total.Counts)
	if err := s.addRatings(ctx, f, rep); err != nil {
		return nil, err
	}
	return rep, nil
}

// addRatings joins the ratings' counts of the same groups (not by
// channel: the ratings are not counted by channel). A group rated but
// with no application received in the span (rated for an older one) is
// left out of the groups and counted in the total.
func (s *Service) addRatings(ctx context.Context, f Filter, rep *Report) error {
	if s.ratings == nil {
		return nil
	}
	by := ratings.By(f.By)
	if f.By == ByChannel {
		by = ratings.ByDepartment
	}
	counts, err := s.ratings.Counts(ctx, ratings.Filter{From: f.From, To: f.To, Region: f.Region, By: by})
	if err != nil {
		return err
	}
	var total ratings.Count
	for _, c := range counts {
		for i := range c.Levels {
			total.Levels[i] += c.Levels[i]
		}
		total.Total += c.Total
		total.Satisfied += c.Satisfied
		total.FollowUpsOpen += c.FollowUpsOpen
		total.FollowUpsClosed += c.FollowUpsClosed
		total.FollowUpsOverdue += c.FollowUpsOverdue
		if f.By == ByChannel {
			continue
		}
		for i := range rep.Groups {
			if rep.Groups[i].Key == c.Key {
				c := c
				rep.Groups[i].Ratings = &c
			}
		}
	}
	total.SatisfactionRate = ratings.SatisfactionRate(total.Satisfied, total.Total)
	rep.Total.Ratings = &total
	return nil
}

// add adds o to c.
func (c *Counts) add(o Counts) {
	c.Received += o.Received
	c.NotAccepted += o.NotAccepted
	c.Completed += o.Completed
	c.Refused += o.Refused
	c.Withdrawn += o.Withdrawn
	c.Running += o.Running
	c.Online += o.Online
	c.OnTime += o.OnTime
	c.Late += o.Late
	c.Overdue += o.Overdue
	c.DuePending += o.DuePending
	c.WorkingDays += o.WorkingDays
	c.Timed += o.Timed
}

// figuresOf computes the rates and the average of c.
func figuresOf(c Counts) Figures {
	return Figures{
		OnlineRate:  money.RateOf(c.Online, c.Received),
		OnTimeRate:  money.RateOf(c.OnTime, c.OnTime+c.Late),
		AverageDays: money.RateOf(c.WorkingDays, c.Timed),
	}
}

// ChannelName is a channel's name in Chinese and English.
func ChannelName(c matters.Channel) matters.Bilingual {
	switch c {
	case matters.Window:
		return matters.Bilingual{ZH: "窗口", EN: "Counter"}
	case matters.Online:
		return matters.Bilingual{ZH: "网上办", EN: "Online"}
	case matters.Mobile:
		return matters.Bilingual{ZH: "掌上办", EN: "Mobile"}
	case matters.CrossProvince:
		return matters.Bilingual{ZH: "跨省通办", EN: "Cross-province"}
	case matters.Bank:
		return matters.Bilingual{ZH: "银行网点（社银合作）", EN: "Bank outlet"}
	case matters.Township:
		return matters.Bilingual{ZH: "乡镇（街道）便民服务中心", EN: "Township point"}
	case matters.Village:
		return matters.Bilingual{ZH: "村（社区）便民服务站", EN: "Village point"}
	}
	return matters.Bilingual{ZH: string(c), EN: string(c)}
}

// nameOf names a row's group.
func nameOf(off *matters.Office, by By, r Row) matters.Bilingual {
	switch by {
	case ByChannel:
		return ChannelName(matters.Channel(r.Key))
	case ByClerk:
		return matters.Bilingual{ZH: r.Name, EN: r.Name}
	case ByPoint:
		if slices.Contains([]matters.Channel{matters.Online, matters.Mobile, matters.CrossProvince}, matters.Channel(r.Key)) {
			return ChannelName(matters.Channel(r.Key))
		}
		if off != nil && off.Points != nil {
			if p, ok := off.Points.Point(r.Key); ok {
				return p.Name
			}
		}
	case ByMatter:
		if off != nil && off.Catalogue != nil {
			if m, ok := off.Catalogue.Matter(r.Key); ok {
				return m.Name
			}
		}
	case ByDepartment:
		if off != nil && off.Catalogue != nil {
			for _, d := range off.Catalogue.Departments() {
				if d.ID == r.Key {
					return d.Name
				}
			}
		}
	}
	return matters.Bilingual{ZH: r.Key, EN: r.Key}
}

// formatTenths writes a number of tenths with one decimal: 35 is "3.5".
func formatTenths(t int64) string {
	sign := ""
	if t < 0 {
		sign, t = "-", -t
	}
	return sign + strconv.FormatInt(t/10, 10) + "." + strconv.FormatInt(t%10, 10)
}

// ByName is a grouping's name in Chinese, the first column's header.
func ByName(by By) string {
	switch by {
	case ByChannel:
		return "受理渠道"
	case ByMatter:
		return "事项"
	case ByDepartment:
		return "部门"
	case ByPoint:
		return "服务点"
	case ByClerk:
		return "受理人"
	}
	return string(by)
}

// Table is the report as a sheet: a zh-CN header and one line per group,
// then the total, counts as integers and rates as percentages with two
// decimals ("75.26%"), for the XLSX download and the command line.
func Table(r *Report) (header []string, rows [][]string) {
	header = []string{"代码", ByName(r.Filter.By), "受理量", "不予受理", "办结", "退回", "撤回", "在办", "线上受理",
		"线上办理率", "按时办结", "超期办结", "按时办结率", "在办超期", "时限待定", "平均办理时长（工作日）", "评价数", "满意率"}
	line := func(g Group) []string {
		rated, sat := "0", "—"
		if g.Ratings != nil {
			rated = strconv.FormatInt(g.Ratings.Total, 10)
			if g.Ratings.Total > 0 {
				sat = g.Ratings.Percent()
			}
		}
		n := func(v int64) string { return strconv.FormatInt(v, 10) }
		pct := func(f string, of int64) string {
			if of == 0 {
				return "—"
			}
			return f
		}
		avg := "—"
		if g.Timed > 0 {
			avg = g.AverageDaysText()
		}
		return []string{g.Key, g.Name.ZH, n(g.Received), n(g.NotAccepted), n(g.Completed), n(g.Refused), n(g.Withdrawn), n(g.Running),
			n(g.Online), pct(g.OnlinePercent(), g.Received), n(g.OnTime), n(g.Late), pct(g.OnTimePercent(), g.OnTime+g.Late),
			n(g.Overdue), n(g.DuePending), avg, rated, sat}
	}
	for _, g := range r.Groups {
		rows = append(rows, line(g))
	}
	rows = append(rows, line(r.Total))
	return header, rows
}

// FileName is the name of the report's XLSX download:
// banjian-tongji-channel-20261101-20261130.xlsx.
func FileName(f Filter) string {
	d := func(x period.Date) string {
		s := x.String()
		return s[0:4] + s[5:7] + s[8:10]
	}
	return "banjian-tongji-" + string(f.By) + "-" + d(f.From) + "-" + d(f.To) + ".xlsx"
}
