package httpapi

import (
	"net/http"
	"sort"

	"safetynet/internal/fault"
	"safetynet/internal/matters"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/workday"
)

// maxCalendarSpan is the longest range GET /api/v1/calendar/working-days
// lists, in days: a year and a bit.
const maxCalendarSpan = 400

// matterRoutes are the public routes of the front office's data: the
// catalogue of matters (事项清单), the service points and the working-day
// calendar. They are published information: no sign-in.
func (s *server) matterRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/matters", op: "listMatters", handler: s.handleListMatters, public: true, tag: "matters",
			summary:     "List the matters the front office receives (事项清单), with their channels, materials and time limits",
			description: "Each matter names its department, legal basis, who may apply, the materials (those fetched from the registry are not asked for: 减材料; deferrable ones may come after acceptance: 容缺), the promised time limit in working days and the domain action that carries it out.",
			params:      matterListParams{}, status: http.StatusOK, resp: matterList{}},
		{method: "GET", path: "/api/v1/matters/{id}", op: "getMatter", handler: s.handleGetMatter, public: true, tag: "matters",
			summary: "Read a matter of the catalogue", params: matterParams{}, status: http.StatusOK, resp: matterResponse{}},
		{method: "GET", path: "/api/v1/service-points", op: "listServicePoints", handler: s.handleListServicePoints, public: true, tag: "matters",
			summary: "List the service points (服务网点): halls, township platforms, village points and bank outlets",
			params:  servicePointListParams{}, status: http.StatusOK, resp: servicePointList{}},
		{method: "GET", path: "/api/v1/service-points/{id}", op: "getServicePoint", handler: s.handleGetServicePoint, public: true, tag: "matters",
			summary: "Read a service point with the matters it receives", params: servicePointParams{}, status: http.StatusOK, resp: servicePointDetail{}},
		{method: "GET", path: "/api/v1/calendar/working-days", op: "listWorkingDays", handler: s.handleWorkingDays, public: true, tag: "matters",
			summary:     "List the days of a range with whether each is a working day, and the due date of a time limit",
			description: "Working days follow the State Council's holiday notices (调休 included). A year whose notice is not in the calendar is a 422 naming the year.",
			params:      workingDayParams{}, status: http.StatusOK, resp: workingDaysResponse{}},
	}
}

// bilingualJSON is a name in Chinese and English.
type bilingualJSON struct {
	ZH string `json:"zh" example:"城乡居民基本养老保险参保登记" description:"the name in Chinese"`
	EN string `json:"en" example:"Enrolment in the resident basic pension" description:"the name in English"`
}

// materialResponse is a material a matter asks for.
type materialResponse struct {
	ID   string        `json:"id" example:"id_card"`
	Name bilingualJSON `json:"name"`
	Form string        `json:"form" enum:"original,copy,either" description:"whether the original (原件) or a copy (复印件) is checked in"`
	// Deferrable materials may be supplied after acceptance (容缺受理).
	Deferrable bool `json:"deferrable" description:"true when the material may be supplied after acceptance (容缺受理)"`
	// FromRegistry names the registry fact that replaces the material
	// (减材料); the applicant is not asked for it.
	FromRegistry string `json:"from_registry,omitempty" example:"person.id_number" description:"the registry fact that replaces the material (减材料); the applicant is not asked for it"`
}

// departmentResponse is a department that decides matters.
type departmentResponse struct {
	ID   string        `json:"id" example:"sibao"`
	Name bilingualJSON `json:"name"`
}

// actionResponse is the domain action that carries a matter out.
type actionResponse struct {
	ID       string            `json:"id" example:"insurance.enrol"`
	Does     string            `json:"does" description:"what the action does, in words"`
	Method   string            `json:"method" example:"insurance.Service.Enrol"`
	ReadOnly bool              `json:"read_only" description:"true for an action that only reads or prints a record (查询/打印)"`
	Args     map[string]string `json:"args" required:"true" nullable:"false" description:"the fixed arguments the matter gives the action, such as scheme or programme"`
}

// matterResponse is a matter of the catalogue.
type matterResponse struct {
	ID         string             `json:"id" example:"resident_pension_enrol"`
	Name       bilingualJSON      `json:"name"`
	Department departmentResponse `json:"department" description:"the department that decides the matter (实施主体)"`
	Basis      string             `json:"basis" description:"the legal basis (设定依据)"`
	Applicants []string           `json:"applicants" required:"true" nullable:"false" description:"who may apply: person, agent, employer, household, heir"`
	Materials  []materialResponse `json:"materials" required:"true" nullable:"false" description:"the materials (申请材料)"`
	// TimeLimit is the promised time limit in working days (承诺时限),
	// counted from the day after acceptance.
	TimeLimit int `json:"time_limit_working_days" example:"1" description:"the promised time limit (承诺时限) in working days, the day after acceptance being day 1"`
	// LegalTimeLimit is the law's time limit when it differs; absent
	// otherwise.
	LegalTimeLimit int            `json:"legal_time_limit_working_days,omitempty" description:"the law's time limit in working days (法定时限) when it differs from the promise"`
	Channels       []string       `json:"channels" required:"true" nullable:"false" description:"drawn from window, online, mobile, cross_province, bank, township, village"`
	Action         actionResponse `json:"action"`
}

func matterOf(m matters.Matter) matterResponse {
	out := matterResponse{ID: m.ID, Name: bilingualJSON(m.Name), Basis: m.Basis,
		Department: departmentResponse{ID: m.Department.ID, Name: bilingualJSON(m.Department.Name)},
		Applicants: make([]string, len(m.Applicants)), Materials: make([]materialResponse, len(m.Materials)),
		TimeLimit: m.TimeLimit, LegalTimeLimit: m.LegalTimeLimit, Channels: make([]string, len(m.Channels))}
	for i, a := range m.Applicants {
		out.Applicants[i] = string(a)
	}
	for i, x := range m.Materials {
		out.Materials[i] = materialResponse{ID: x.ID, Name: bilingualJSON(x.Name), Form: x.Form, Deferrable: x.Deferrable, FromRegistry: x.FromRegistry}
	}
	for i, c := range m.Channels {
		out.Channels[i] = string(c)
	}
	a, _ := matters.ActionByID(m.Action)
	out.Action = actionResponse{ID: a.ID, Does: a.Does, Method: a.Method, ReadOnly: a.ReadOnly, Args: m.Args}
	return out
}

// matterList is a page of matters with the counts per channel of the
// whole catalogue.
type matterList struct {
	listResponse[matterResponse]
	// ChannelCounts are the matters open to each channel, over the whole
	// catalogue (not the filter).
	ChannelCounts map[string]int `json:"channel_counts" required:"true" nullable:"false" description:"the matters open to each channel over the whole catalogue, not the filter"`
}

// matterListParams are the filters of the catalogue and a page.
type matterListParams struct {
	Channel    string `query:"channel" enum:"window,online,mobile,cross_province,bank,township,village" description:"only the matters open to this channel"`
	Department string `query:"department" example:"minzheng" description:"only the matters of this department (its id)"`
	Q          string `query:"q" example:"养老" description:"only the matters whose Chinese or English name contains this text"`
	pageParams
}

// matterParams are the parameters of a matter's URL.
type matterParams struct {
	ID string `path:"id" example:"pension_transfer_out"`
}

// filter is the catalogue filter of the parameters; an unknown channel or
// department is an Invalid error naming the parameter.
func (p matterListParams) filter(cat *matters.Catalogue) (matters.Filter, error) {
	var pr fault.Problems
	f := matters.Filter{Department: p.Department, Q: p.Q}
	if p.Channel != "" {
		c, err := matters.ParseChannel(p.Channel)
		if err != nil {
			pr.Add("channel", "%v", err)
		}
		f.Channel = c
	}
	if p.Department != "" {
		known := false
		for _, d := range cat.Departments() {
			known = known || d.ID == p.Department
		}
		if !known {
			pr.Add("department", "unknown department %q", p.Department)
		}
	}
	return f, pr.Err("invalid query parameters")
}

// handleListMatters lists the catalogue, or the part the filters select,
// in the order of the published list.
func (s *server) handleListMatters(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[matterListParams](r)
	if err != nil {
		return err
	}
	cat := s.office.Catalogue
	f, err := p.filter(cat)
	if err != nil {
		return err
	}
	out := matterList{listResponse: wholePage(cat.Matters(f), p.page(), matterOf), ChannelCounts: map[string]int{}}
	for _, c := range matters.Channels() {
		out.ChannelCounts[string(c)] = 0
	}
	for c, n := range cat.CountByChannel() {
		out.ChannelCounts[string(c)] = n
	}
	reply(w, r, http.StatusOK, out)
	return nil
}

// handleGetMatter returns one matter.
func (s *server) handleGetMatter(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[matterParams](r)
	if err != nil {
		return err
	}
	m, ok := s.office.Catalogue.Matter(p.ID)
	if !ok {
		return fault.Errorf(fault.NotFound, "matter %s not found", p.ID)
	}
	reply(w, r, http.StatusOK, matterOf(m))
	return nil
}

// hoursJSON is a daily opening period in Beijing time.
type hoursJSON struct {
	From string `json:"from" example:"10:00" description:"opening time, Beijing time"`
	To   string `json:"to" example:"14:00" description:"closing time, Beijing time"`
}

// servicePointResponse is a service point.
type servicePointResponse struct {
	ID     string        `json:"id" example:"bank-652301-01"`
	Kind   string        `json:"kind" enum:"hall,township,village,bank"`
	Region region.Code   `json:"region" example:"652301001"`
	Name   bilingualJSON `json:"name"`
	// Channel is the channel of the matters the point receives.
	Channel string      `json:"channel" enum:"window,township,village,bank"`
	Days    string      `json:"open_days" enum:"working_days,every_day" description:"working_days follows the working-day calendar (调休 included)"`
	Hours   []hoursJSON `json:"open_hours" required:"true" nullable:"false" description:"the daily opening periods"`
	// Synthetic points have made-up names (the bank outlets: the published
	// figure is their count).
	Synthetic bool `json:"synthetic" description:"true for a point with a made-up name (the bank outlets: their count is published, not their list)"`
}

func servicePointOf(p matters.Point) servicePointResponse {
	out := servicePointResponse{ID: p.ID, Kind: string(p.Kind), Region: p.Region, Name: bilingualJSON(p.Name), Channel: string(p.Channel),
		Days: p.Opening.Days, Hours: make([]hoursJSON, len(p.Opening.Hours)), Synthetic: p.Synthetic}
	for i, h := range p.Opening.Hours {
		out.Hours[i] = hoursJSON(h)
	}
	return out
}

// servicePointDetail is a service point with the matters it receives.
type servicePointDetail struct {
	servicePointResponse
	// Matters are the ids of the matters the point receives, in the order
	// of the catalogue.
	Matters []string `json:"matters" required:"true" nullable:"false" description:"the ids of the matters the point receives, in the catalogue's order"`
}

// servicePointList is a page of service points.
type servicePointList = listResponse[servicePointResponse]

// servicePointListParams are the filters of the service points and a page.
type servicePointListParams struct {
	Region region.Code `query:"region" example:"652301" description:"only the points in this region's subtree"`
	Kind   string      `query:"kind" enum:"hall,township,village,bank"`
	Matter string      `query:"matter" example:"resident_pension_enrol" description:"only the points that receive this matter"`
	pageParams
}

// servicePointParams are the parameters of a point's URL.
type servicePointParams struct {
	ID string `path:"id" example:"township-652301001"`
}

// handleListServicePoints lists the points the filters select: halls,
// townships, villages, then banks, each in the order of the region tree.
func (s *server) handleListServicePoints(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[servicePointListParams](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	f := matters.PointFilter{Region: p.Region, Matter: p.Matter}
	if p.Kind != "" {
		k, err := matters.ParseKind(p.Kind)
		if err != nil {
			pr.Add("kind", "%v", err)
		}
		f.Kind = k
	}
	if p.Matter != "" {
		if _, ok := s.office.Catalogue.Matter(p.Matter); !ok {
			pr.Add("matter", "unknown matter %q", p.Matter)
		}
	}
	if p.Region != "" {
		if _, ok := s.pol.Tree.Node(p.Region); !ok {
			pr.Add("region", "%s is not a region of the tree", p.Region)
		}
	}
	if err := pr.Err("invalid query parameters"); err != nil {
		return err
	}
	reply(w, r, http.StatusOK, wholePage(s.office.Points.List(f), p.page(), servicePointOf))
	return nil
}

// handleGetServicePoint returns one point with the matters it receives.
func (s *server) handleGetServicePoint(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[servicePointParams](r)
	if err != nil {
		return err
	}
	pt, ok := s.office.Points.Point(p.ID)
	if !ok {
		return fault.Errorf(fault.NotFound, "service point %s not found", p.ID)
	}
	out := servicePointDetail{servicePointResponse: servicePointOf(pt), Matters: []string{}}
	for _, m := range s.office.Points.Matters(pt) {
		out.Matters = append(out.Matters, m.ID)
	}
	reply(w, r, http.StatusOK, out)
	return nil
}

// workingDayParams are the range of days to list and an optional time
// limit to count from its first day.
type workingDayParams struct {
	From period.Date `query:"from" required:"true" example:"2026-02-12" description:"the first day of the range"`
	To   period.Date `query:"to" required:"true" example:"2026-02-28" description:"the last day of the range, at most 400 days after from"`
	// Limit is a time limit in working days: the answer gives its due
	// date for a matter accepted on from.
	Limit int `query:"limit" minimum:"1" maximum:"250" example:"10" description:"a time limit in working days; the answer gives its due date for a matter accepted on from (the day after acceptance is day 1)"`
}

// workingDayJSON is one day of the range.
type workingDayJSON struct {
	Date    period.Date `json:"date"`
	Working bool        `json:"working" description:"whether the day is a working day"`
	// Holiday names the festival when the day is one of its days off.
	Holiday string `json:"holiday,omitempty" example:"春节" description:"the festival, when the day is one of its days off"`
}

// calendarSourceJSON is a year's holiday notice.
type calendarSourceJSON struct {
	Year   int         `json:"year"`
	Title  string      `json:"title"`
	Number string      `json:"number,omitempty" description:"the notice's document number (文号); absent when not checked"`
	Date   period.Date `json:"date"`
	Status string      `json:"status" enum:"confirmed,unconfirmed"`
}

// workingDaysResponse lists the days of a range.
type workingDaysResponse struct {
	Days []workingDayJSON `json:"days" required:"true" nullable:"false" description:"every day of the range"`
	// WorkingDays counts the working days after from up to and including
	// to.
	WorkingDays int `json:"working_days" description:"the working days after from up to and including to"`
	// Due is the due date of the time limit asked for; absent without one.
	Due     *period.Date         `json:"due,omitempty"`
	Sources []calendarSourceJSON `json:"sources" required:"true" nullable:"false" description:"the holiday notices of the years the answer reads"`
}

// handleWorkingDays lists the days of a range with whether each is a
// working day.
func (s *server) handleWorkingDays(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[workingDayParams](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	switch {
	case p.From.IsZero():
		pr.Add("from", "is required: a date YYYY-MM-DD")
	case p.To.IsZero():
		pr.Add("to", "is required: a date YYYY-MM-DD")
	case p.To < p.From:
		pr.Add("to", "is before from")
	case int(p.To-p.From) > maxCalendarSpan:
		pr.Add("to", "is more than %d days after from", maxCalendarSpan)
	}
	if p.Limit < 0 || p.Limit > 250 {
		pr.Add("limit", "must be 1 to 250 working days")
	}
	if err := pr.Err("invalid query parameters"); err != nil {
		return err
	}
	cal := s.office.Calendar
	out := workingDaysResponse{Days: []workingDayJSON{}, Sources: []calendarSourceJSON{}}
	years := map[int]bool{}
	for d := p.From; d <= p.To; d = d.AddDays(1) {
		ok, err := cal.IsWorkingDay(d)
		if err != nil {
			return calendarProblem("to", err)
		}
		day := workingDayJSON{Date: d, Working: ok}
		day.Holiday, _ = cal.HolidayName(d)
		out.Days = append(out.Days, day)
		years[d.Year()] = true
	}
	if out.WorkingDays, err = cal.WorkingDaysBetween(p.From, p.To); err != nil {
		return calendarProblem("to", err)
	}
	if p.Limit > 0 {
		due, err := cal.AddWorkingDays(p.From, p.Limit)
		if err != nil {
			return calendarProblem("limit", err)
		}
		out.Due = &due
		years[due.Year()] = true
	}
	ys := make([]int, 0, len(years))
	for y := range years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	for _, y := range ys {
		yr, err := cal.Year(y)
		if err != nil {
			return calendarProblem("to", err)
		}
		out.Sources = append(out.Sources, calendarSourceJSON{Year: y, Title: yr.Source.Title, Number: yr.Source.Number, Date: yr.Source.Date, Status: yr.Source.Status})
	}
	reply(w, r, http.StatusOK, out)
	return nil
}

// calendarProblem turns a year missing from the calendar into a 422 on the
// field that reached it.
func calendarProblem(field string, err error) error {
	if ue, ok := err.(*workday.UnpublishedError); ok {
		var pr fault.Problems
		pr.Add(field, "%d is not in the working-day calendar: its holiday notice is not published or not loaded", ue.Year)
		return pr.Err("invalid query parameters")
	}
	return err
}
