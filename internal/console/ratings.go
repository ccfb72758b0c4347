package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/frontoffice/ratings"
	"safetynet/internal/period"
)

// ratingRoutes are the pages of the ratings (好差评, docs/ratings.md): the
// follow-ups of poor ratings (差评整改) with the counts per point, and a
// follow-up's page with the forms to answer and to close it.
func (c *Console) ratingRoutes() {
	read := []auth.Permission{auth.PermRatingsFollowUp, auth.PermAuditRead}
	c.handle("GET /ratings", c.handleRatings, read...)
	c.handle("GET /ratings/follow-ups/{id}", c.handleFollowUp, read...)
	c.handle("POST /ratings/follow-ups/{id}/answer", c.handleFollowUpAnswer, auth.PermRatingsFollowUp)
	c.handle("POST /ratings/follow-ups/{id}/close", c.handleFollowUpClose, auth.PermRatingsFollowUp)
}

// followUpLine is a follow-up as the pages show it: names, not ids.
type followUpLine struct {
	F      *ratings.FollowUp
	Point  string
	Matter string
}

// pointCountLine is one point's counts on the ratings page.
type pointCountLine struct {
	Point string
	C     ratings.Count
}

// ratingsPage is the data of the ratings page.
type ratingsPage struct {
	State     string
	States    []string
	FollowUps []followUpLine
	From, To  period.Date
	Counts    []pointCountLine
}

// followUpPage is the data of a follow-up's page.
type followUpPage struct {
	followUpLine
	Today period.Date
	// CanAnswer and CanClose say which form the post may use: closing is
	// for another user than the one who answered.
	CanAnswer, CanClose bool
	// AnsweredBy and ClosedBy name who answered and who closed it.
	AnsweredBy, ClosedBy staffRef
	Form                 url.Values
	Problems             map[string]string
	Failed               string
}

// followUpStates are the filters of the list: waiting for the answer,
// overdue, answered waiting for the close, closed, every one.
var followUpStates = []string{"open", "overdue", "answered", "closed", "all"}

// followUpLineOf names a follow-up's point and matter in language l.
func (c *Console) followUpLineOf(l Lang, f *ratings.FollowUp) followUpLine {
	line := followUpLine{F: f, Point: f.PointID, Matter: f.MatterID}
	if off := c.app.Ratings.Office(); off != nil {
		if pt, ok := off.Points.Point(f.PointID); ok {
			line.Point = pt.Name.ZH
			if l == EN && pt.Name.EN != "" {
				line.Point = pt.Name.EN
			}
		}
		if m, ok := off.Catalogue.Matter(f.MatterID); ok {
			line.Matter = m.Name.ZH
			if l == EN && m.Name.EN != "" {
				line.Matter = m.Name.EN
			}
		}
	}
	return line
}

// handleRatings lists the follow-ups in the post's scope by state, and
// counts the ratings per point over the last 30 days.
func (c *Console) handleRatings(w http.ResponseWriter, r *http.Request) error {
	p := c.newPage(r, "ratings")
	state := r.URL.Query().Get("state")
	if state == "" {
		state = "open"
	}
	f := ratings.FollowUpFilter{Limit: 200}
	switch state {
	case "open", "answered", "closed":
		f.Status = ratings.Status(state)
	case "overdue":
		f.Overdue = true
	case "all":
	default:
		return fault.Problems{"state": "must be open, overdue, answered, closed or all"}.Err("invalid filter")
	}
	fus, err := c.app.Ratings.FollowUps(r.Context(), f)
	if err != nil {
		return err
	}
	today := c.app.Clock.Today()
	data := ratingsPage{State: state, States: followUpStates, From: today.AddDays(-29), To: today}
	for _, fu := range fus {
		data.FollowUps = append(data.FollowUps, c.followUpLineOf(p.Lang, fu))
	}
	counts, err := c.app.Ratings.Counts(r.Context(), ratings.Filter{From: data.From, To: data.To, By: ratings.ByPoint})
	if err != nil {
		return err
	}
	for _, cnt := range counts {
		data.Counts = append(data.Counts, pointCountLine{Point: c.followUpLineOf(p.Lang, &ratings.FollowUp{PointID: cnt.Key}).Point, C: cnt})
	}
	p.Title, p.Active, p.Data = p.T("ratings.title"), "ratings", data
	c.render(w, r, http.StatusOK, p)
	return nil
}

// handleFollowUp shows a follow-up with the form its state allows.
func (c *Console) handleFollowUp(w http.ResponseWriter, r *http.Request) error {
	return c.showFollowUp(w, r, http.StatusOK, "", nil)
}

// showFollowUp renders a follow-up's page, with the problems of a refused
// form.
func (c *Console) showFollowUp(w http.ResponseWriter, r *http.Request, status int, failed string, problems map[string]string) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	f, err := c.app.Ratings.FollowUp(r.Context(), id)
	if err != nil {
		return err
	}
	p := c.newPage(r, "rating_follow_up")
	pr, _ := auth.PrincipalFrom(r.Context())
	can := pr.Can(auth.PermRatingsFollowUp)
	data := followUpPage{followUpLine: c.followUpLineOf(p.Lang, f), Today: c.app.Clock.Today(),
		CanAnswer: can && f.Status == ratings.StatusOpen, CanClose: can && f.Status == ratings.StatusAnswered && f.AnsweredBy != pr.UserID}
	staff := c.staff(r.Context(), p.Lang)
	if f.AnsweredBy != 0 {
		data.AnsweredBy = staff.actor(f.AnsweredBy, f.AnsweredByName)
	}
	if f.ClosedBy != 0 {
		data.ClosedBy = staff.actor(f.ClosedBy, f.ClosedByName)
	}
	if failed != "" {
		data.Form, data.Failed = r.PostForm, failed
		data.Problems = problemWords(p.Lang, "ratings.problem.", problems)
	}
	p.Title, p.Active, p.Data = p.T("ratings.follow_up.title", f.ApplicationNo), "ratings", data
	c.render(w, r, status, p)
	return nil
}

// handleFollowUpAnswer records the head's answer.
func (c *Console) handleFollowUpAnswer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return fault.Errorf(fault.Invalid, "unreadable form")
	}
	var pr fault.Problems
	version := formVersion(r, &pr)
	on, perr := period.ParseDate(r.PostFormValue("contacted_on"))
	if perr != nil {
		pr.Add("contacted_on", "%s", translate(langOf(r), "ratings.form.bad_date"))
	}
	if len(pr) == 0 {
		_, err = c.app.Ratings.Answer(r.Context(), id, ratings.Answer{Measures: r.PostFormValue("measures"), Contact: r.PostFormValue("contact"),
			ContactedOn: on, Version: version})
	} else {
		err = pr.Err("invalid answer")
	}
	if fault.CodeOf(err) == fault.Invalid {
		return c.showFollowUp(w, r, http.StatusUnprocessableEntity, "answer", faultFields(err))
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/ratings/follow-ups/%d", id), http.StatusSeeOther)
	return nil
}

// handleFollowUpClose closes an answered follow-up (a second user).
func (c *Console) handleFollowUpClose(w http.ResponseWriter, r *http.Request) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return fault.Errorf(fault.Invalid, "unreadable form")
	}
	var pr fault.Problems
	version := formVersion(r, &pr)
	if len(pr) == 0 {
		_, err = c.app.Ratings.Close(r.Context(), id, ratings.Close{Note: strings.TrimSpace(r.PostFormValue("note")), Version: version})
	} else {
		err = pr.Err("invalid close")
	}
	if fault.CodeOf(err) == fault.Invalid {
		return c.showFollowUp(w, r, http.StatusUnprocessableEntity, "close", faultFields(err))
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/ratings/follow-ups/%d", id), http.StatusSeeOther)
	return nil
}

func init() { register(ratingMessages) }

// ratingMessages are the texts of the ratings pages.
var ratingMessages = map[string]msg{
	"nav.ratings":                     {"好差评整改", "Rating follow-ups"},
	"role.point_head":                 {"窗口负责人", "Service point head"},
	"queue.rating_follow_ups_open":    {"待整改的差评", "Poor ratings to follow up"},
	"ratings.title":                   {"好差评整改", "Follow-ups of poor ratings"},
	"ratings.state":                   {"状态", "State"},
	"ratings.state.open":              {"待整改", "To answer"},
	"ratings.state.overdue":           {"已超期", "Overdue"},
	"ratings.state.answered":          {"已整改待确认", "Answered, to close"},
	"ratings.state.closed":            {"已办结", "Closed"},
	"ratings.state.all":               {"全部", "All"},
	"ratings.filter":                  {"筛选", "Filter"},
	"ratings.none":                    {"没有符合条件的差评整改。", "No follow-up in this state."},
	"ratings.col.application":         {"办件编号", "Application"},
	"ratings.col.point":               {"服务网点", "Service point"},
	"ratings.col.matter":              {"事项", "Matter"},
	"ratings.col.level":               {"评价", "Rating"},
	"ratings.col.opened":              {"评价日期", "Rated on"},
	"ratings.col.due":                 {"整改期限", "Due"},
	"ratings.col.status":              {"状态", "State"},
	"ratings.col.total":               {"评价数", "Ratings"},
	"ratings.col.rate":                {"满意率", "Satisfaction"},
	"ratings.col.fu_open":             {"整改中", "Follow-ups open"},
	"ratings.col.fu_overdue":          {"超期", "Overdue"},
	"ratings.due_pending":             {"待%d年节假日公布后确定", "pending the %d holiday calendar"},
	"ratings.overdue":                 {"已超期", "overdue"},
	"ratings.counts":                  {"近30日各网点评价（%s至%s）", "Ratings per point, last 30 days (%s to %s)"},
	"ratings.counts.none":             {"这段时间没有评价。", "No rating in these days."},
	"ratings.level.1":                 {"非常不满意", "Very dissatisfied"},
	"ratings.level.2":                 {"不满意", "Dissatisfied"},
	"ratings.level.3":                 {"基本满意", "Fair"},
	"ratings.level.4":                 {"满意", "Satisfied"},
	"ratings.level.5":                 {"非常满意", "Very satisfied"},
	"ratings.status.open":             {"待整改", "To answer"},
	"ratings.status.answered":         {"已整改待确认", "Answered, to close"},
	"ratings.status.closed":           {"已办结", "Closed"},
	"ratings.follow_up.title":         {"差评整改 %s", "Follow-up of %s"},
	"ratings.follow_up.answer":        {"整改答复", "Answer"},
	"ratings.follow_up.measures":      {"整改情况", "What was put right"},
	"ratings.follow_up.contact":       {"回访情况", "Contact with the applicant"},
	"ratings.follow_up.contacted_on":  {"回访日期", "Contacted on"},
	"ratings.follow_up.answered_by":   {"答复人", "Answered by"},
	"ratings.follow_up.close":         {"确认办结", "Close"},
	"ratings.follow_up.close_note":    {"核实意见", "What was checked"},
	"ratings.follow_up.closed_by":     {"确认人", "Closed by"},
	"ratings.follow_up.second_user":   {"整改由您答复，须由另一位负责人确认办结。", "You answered it: another head closes it."},
	"ratings.follow_up.submit_answer": {"提交整改答复", "Submit the answer"},
	"ratings.follow_up.submit_close":  {"确认办结", "Close the follow-up"},
	"ratings.form.bad_date":           {"请填写有效日期", "enter a valid date"},
	"ratings.problem.measures":        {"请填写整改情况", "Say what was put right"},
	"ratings.problem.contact":         {"请填写回访情况", "Say how the applicant was contacted"},
	"ratings.problem.contacted_on":    {"回访日期有误", "The contact date is wrong"},
}
