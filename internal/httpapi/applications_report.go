package httpapi

import (
	"bytes"
	"net/http"
	"strconv"

	"safetynet/internal/exchange"
	"safetynet/internal/fault"
	"safetynet/internal/frontoffice/report"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// applicationReportRoutes are the routes of the handling report of the
// front office (办件统计, docs/frontoffice.md, Reports).
func (s *server) applicationReportRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/applications/report", op: "reportApplications", handler: s.handleApplicationReport, tag: "applications",
			summary: "Count the applications received from one day to another in your scope, by channel, matter, department, point or clerk: received, finished, on time, online (线上办理率), the average working days to 办结 and the ratings",
			description: "Counts the applications received (受理日) in the span, whatever became of them later. received counts every accepted application (not those not accepted); " +
				"online those received online (网上办) or on the phone (掌上办); online_rate is online over received (线上办理率). on_time_rate is on_time over on_time plus late; " +
				"average_days the working days from acceptance to 办结 (the acceptance day not counted, suspensions left out) over the completed applications whose days are known.",
			params: appReportParams{}, status: http.StatusOK, resp: appReportResponse{}},
		{method: "GET", path: "/api/v1/applications/report.xlsx", op: "downloadApplicationReport", handler: s.handleApplicationReportXLSX, tag: "applications",
			summary: "Download the handling report as an XLSX workbook (zh-CN headers, percentages with two decimals), with the same parameters",
			params:  appReportParams{}, status: http.StatusOK, resp: "", contentType: xlsxMediaType},
	}
}

// appReportParams select the report.
type appReportParams struct {
	From   period.Date `query:"from" required:"true" format:"date" description:"the first day of receipt counted"`
	To     period.Date `query:"to" required:"true" format:"date" description:"the last day, at most 366 days after from"`
	By     string      `query:"by" enum:"channel,matter,department,point,clerk" description:"what the groups are; default channel"`
	Region region.Code `query:"region" description:"region subtree of the applicants; default your whole scope"`
}

// filter is the report's filter of p.
func (p appReportParams) filter() report.Filter {
	by := report.By(p.By)
	if by == "" {
		by = report.ByChannel
	}
	return report.Filter{From: p.From, To: p.To, Region: p.Region, By: by}
}

// appReportGroup is one group of the report.
type appReportGroup struct {
	Key         string `json:"key" description:"the channel, the matter's ID, the department's ID, the point's ID (the channel for online, mobile and cross_province, which have no point) or the clerk's user ID; empty for the total"`
	Name        string `json:"name" description:"the group's name in zh-CN"`
	NameEN      string `json:"name_en" description:"the group's name in English"`
	Received    int64  `json:"received" description:"accepted applications (受理量): all receipts but those not accepted"`
	NotAccepted int64  `json:"not_accepted" description:"receipts not accepted (不予受理)"`
	Completed   int64  `json:"completed" description:"finished by the matter's action (办结)"`
	Refused     int64  `json:"refused"`
	Withdrawn   int64  `json:"withdrawn"`
	Running     int64  `json:"running" description:"accepted and not finished, in correction included"`
	Online      int64  `json:"online" description:"accepted applications received online or on the phone"`
	OnlineRate  string `json:"online_rate" example:"75.26%" description:"线上办理率: online over received, two decimals, rounded half up"`
	OnTime      int64  `json:"on_time" description:"completed on or before the due date"`
	Late        int64  `json:"late" description:"completed after the due date"`
	OnTimeRate  string `json:"on_time_rate" example:"98.50%" description:"按时办结率: on_time over on_time plus late, two decimals"`
	Overdue     int64  `json:"overdue" description:"running (not in correction) past the due date today"`
	DuePending  int64  `json:"due_pending" description:"running, the due date waiting for an unpublished calendar"`
	WorkingDays int64  `json:"working_days" description:"sum of the working days to 办结 of the timed applications"`
	Timed       int64  `json:"timed" description:"completed applications whose working days are known"`
	AverageDays string `json:"average_days" example:"2.5" description:"working days to 办结 on average, one decimal; empty when none is timed"`
	Ratings     int64  `json:"ratings" description:"ratings given in the span (好差评)"`
	Satisfied   int64  `json:"satisfied" description:"ratings at 基本满意 or above"`
	RatingRate  string `json:"satisfaction_rate" example:"97.50%" description:"满意率, two decimals; empty with no rating"`
}

// appReportResponse is the report.
type appReportResponse struct {
	By     string           `json:"by" enum:"channel,matter,department,point,clerk" description:"what the groups are"`
	Region string           `json:"region" description:"the region counted"`
	From   string           `json:"from" format:"date" description:"the first day of receipt counted"`
	To     string           `json:"to" format:"date" description:"the last day of receipt counted"`
	Today  string           `json:"today" format:"date" description:"the day the overdue are counted at"`
	Groups []appReportGroup `json:"groups" required:"true" nullable:"false" description:"one per group with applications, in the order of the key"`
	Total  appReportGroup   `json:"total" description:"every group together; its ratings are all those given in the span and scope"`
}

// appReportGroupView converts a group.
func appReportGroupView(g report.Group) appReportGroup {
	v := appReportGroup{Key: g.Key, Name: g.Name.ZH, NameEN: g.Name.EN, Received: g.Received, NotAccepted: g.NotAccepted, Completed: g.Completed,
		Refused: g.Refused, Withdrawn: g.Withdrawn, Running: g.Running, Online: g.Online, OnlineRate: g.OnlinePercent(), OnTime: g.OnTime,
		Late: g.Late, OnTimeRate: g.OnTimePercent(), Overdue: g.Overdue, DuePending: g.DuePending, WorkingDays: g.WorkingDays, Timed: g.Timed}
	if g.Timed > 0 {
		v.AverageDays = g.AverageDaysText()
	}
	if g.Ratings != nil {
		v.Ratings, v.Satisfied = g.Ratings.Total, g.Ratings.Satisfied
		if g.Ratings.Total > 0 {
			v.RatingRate = g.Ratings.Percent()
		}
	}
	return v
}

// applicationReport reads the parameters and counts the report.
func (s *server) applicationReport(r *http.Request) (*report.Report, error) {
	p, err := bind[appReportParams](r)
	if err != nil {
		return nil, err
	}
	if s.rep == nil {
		return nil, fault.Errorf(fault.NotFound, "the handling report is not configured on this server")
	}
	return s.rep.Report(r.Context(), p.filter())
}

func (s *server) handleApplicationReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.applicationReport(r)
	if err != nil {
		return err
	}
	f := rep.Filter
	out := appReportResponse{By: string(f.By), Region: string(f.Region), From: dateString(f.From), To: dateString(f.To), Today: dateString(rep.Today),
		Groups: make([]appReportGroup, 0, len(rep.Groups)), Total: appReportGroupView(rep.Total)}
	for _, g := range rep.Groups {
		out.Groups = append(out.Groups, appReportGroupView(g))
	}
	reply(w, r, http.StatusOK, out)
	return nil
}

func (s *server) handleApplicationReportXLSX(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.applicationReport(r)
	if err != nil {
		return err
	}
	header, rows := report.Table(rep)
	var buf bytes.Buffer
	if err := exchange.WriteXLSX(&buf, exchange.Sheet{Name: "政务服务统计", Header: header, Rows: rows}); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", xlsxMediaType)
	h.Set("Content-Disposition", `attachment; filename="`+report.FileName(rep.Filter)+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}
