package console

import (
	"net/http"
	"strconv"
	"strings"

	"safetynet/internal/auth"
	"safetynet/internal/crossprov"
	"safetynet/internal/fault"
	"safetynet/internal/period"
)

func init() {
	register(map[string]msg{
		"nav.crossprov":                      {"跨省通办来件", "Cross-province requests"},
		"queue.crossprov_incoming_to_handle": {"待办理的跨省通办来件", "Requests of other provinces to handle"},
		"xp.title":                           {"跨省通办来件", "Requests from other provinces"},
		"xp.intro":                           {"其他省份经办机构发来的养老保险关系转移联系函和异地居住人员资格认证请求，由参保人所在县市区经办人员办理；办理或不予办理后，答复经全国平台发回对方，只发一次。", "Transfer contact letters and certification requests sent by agencies of other provinces, handled by the caseworkers of the person's county; the answer goes back through the national platform, once."},
		"xp.status":                          {"状态", "Status"},
		"xp.show":                            {"显示", "Show"},
		"xp.status.to_handle":                {"待办理", "To handle"},
		"xp.status.accepted":                 {"已办理并答复", "Done and answered"},
		"xp.status.refused":                  {"不予办理，已答复", "Refused and answered"},
		"xp.kind.transfer_out":               {"养老保险关系转出（联系函）", "Transfer the pension out (contact letter)"},
		"xp.kind.certification":              {"异地居住领取待遇人员资格认证", "Certify a pensioner living here"},
		"xp.received":                        {"收到时间", "Received"},
		"xp.person":                          {"参保人", "Person"},
		"xp.matter":                          {"来件事项", "Request"},
		"xp.from":                            {"来件机构", "From"},
		"xp.detail":                          {"说明", "Details"},
		"xp.detail.applied_on":               {"对方受理转入申请：", "Applied there on "},
		"xp.detail.living_in":                {"居住地：", "Living in: "},
		"xp.outcome":                         {"办理结果", "Outcome"},
		"xp.accept_transfer":                 {"办理转出并发送参保缴费凭证", "Transfer out and send the voucher"},
		"xp.accept_certification":            {"确认认证并答复", "Certify and answer"},
		"xp.method":                          {"认证方式", "Method"},
		"xp.method.face":                     {"人脸识别", "Face recognition"},
		"xp.method.visit":                    {"入户核查", "Home visit"},
		"xp.method.data_match":               {"数据比对", "Data matching"},
		"xp.cert_date":                       {"认证日期", "Date certified"},
		"xp.reason":                          {"不予办理理由", "Reason for refusing"},
		"xp.refuse":                          {"不予办理", "Refuse"},
		"xp.none":                            {"没有该状态的来件。", "No request in this state."},
		"xp.more":                            {"更多", "More"},
		"xp.handled_by":                      {"办理人", "Handled by"},
		"xp.transferred":                     {"已转出，参保缴费凭证已发送", "Transferred out, voucher sent"},
		"xp.transferred_amounts":             {"已转出个人账户 %s、统筹基金 %s（%d 个月），参保缴费凭证已发送", "Transferred out: account %s, pooled funds %s (%d months), voucher sent"},
		"xp.certified":                       {"已认证（%s，%s）", "Certified (%s, %s)"},
		"xp.refused_because":                 {"不予办理：%s", "Refused: %s"},
		"xp.problem.reason":                  {"请填写不予办理的理由（不超过500字）。", "Say why, at most 500 characters."},
		"xp.problem.method":                  {"请选择认证方式。", "Choose how the person was certified."},
		"xp.problem.date":                    {"认证日期应为不晚于今天的日期。", "The date certified must be a date no later than today."},
		"xp.problem.person_id":               {"无法办理转出：%s", "The transfer cannot be made: %s"},
		"xp.problem.conflict":                {"该来件已由他人办理或正在办理，请刷新后查看。", "Someone else handled or is handling it: reload."},
		"xp.problem.forbidden":               {"您无权办理该来件。", "You may not handle it."},
		"xp.problem.no_balance":              {"该人员的职工养老保险个人账户没有可转出的余额", "the employee personal account has no balance"},
		"xp.province.11":                     {"北京市", "Beijing"},
		"xp.province.12":                     {"天津市", "Tianjin"},
		"xp.province.13":                     {"河北省", "Hebei"},
		"xp.province.14":                     {"山西省", "Shanxi"},
		"xp.province.15":                     {"内蒙古自治区", "Inner Mongolia"},
		"xp.province.21":                     {"辽宁省", "Liaoning"},
		"xp.province.22":                     {"吉林省", "Jilin"},
		"xp.province.23":                     {"黑龙江省", "Heilongjiang"},
		"xp.province.31":                     {"上海市", "Shanghai"},
		"xp.province.32":                     {"江苏省", "Jiangsu"},
		"xp.province.33":                     {"浙江省", "Zhejiang"},
		"xp.province.34":                     {"安徽省", "Anhui"},
		"xp.province.35":                     {"福建省", "Fujian"},
		"xp.province.36":                     {"江西省", "Jiangxi"},
		"xp.province.37":                     {"山东省", "Shandong"},
		"xp.province.41":                     {"河南省", "Henan"},
		"xp.province.42":                     {"湖北省", "Hubei"},
		"xp.province.43":                     {"湖南省", "Hunan"},
		"xp.province.44":                     {"广东省", "Guangdong"},
		"xp.province.45":                     {"广西壮族自治区", "Guangxi"},
		"xp.province.46":                     {"海南省", "Hainan"},
		"xp.province.50":                     {"重庆市", "Chongqing"},
		"xp.province.51":                     {"四川省", "Sichuan"},
		"xp.province.52":                     {"贵州省", "Guizhou"},
		"xp.province.53":                     {"云南省", "Yunnan"},
		"xp.province.54":                     {"西藏自治区", "Tibet"},
		"xp.province.61":                     {"陕西省", "Shaanxi"},
		"xp.province.62":                     {"甘肃省", "Gansu"},
		"xp.province.63":                     {"青海省", "Qinghai"},
		"xp.province.64":                     {"宁夏回族自治区", "Ningxia"},
		"xp.province.65":                     {"新疆维吾尔自治区", "Xinjiang"},
		"xp.agency":                          {"经办机构 %s", "agency %s"},
	})
}

// crossprovRoutes registers the page of the requests of other provinces
// (跨省通办来件, docs/crossprov.md, Incoming tasks), for the caseworkers
// who handle them.
func (c *Console) crossprovRoutes() {
	c.handle("GET /exchange/cross-province", c.handleCrossTasks, auth.PermInsurance)
	c.handle("POST /exchange/cross-province/{id}/accept", c.handleAcceptCrossTask, auth.PermInsurance)
	c.handle("POST /exchange/cross-province/{id}/refuse", c.handleRefuseCrossTask, auth.PermInsurance)
}

// crossTasksPerPage is how many requests one page lists.
const crossTasksPerPage = 25

// crossTasksPage is the data of the page.
type crossTasksPage struct {
	Status   crossprov.TaskStatus
	Statuses []crossprov.TaskStatus
	Rows     []crossTaskRow
	Next     int64
	Today    period.Date
	Methods  []string
	// Problems are the refused action's problem, beside its row.
	Problems map[int64]string
}

// crossTaskRow is one request as the page shows it.
type crossTaskRow struct {
	*crossprov.Task
	From    string
	Detail  string
	Outcome string
	Handled staffRef
}

// handleCrossTasks lists the requests of a status (to handle by default)
// in the caseworker's scope, oldest first.
func (c *Console) handleCrossTasks(w http.ResponseWriter, r *http.Request) error {
	return c.renderCrossTasks(w, r, http.StatusOK, nil)
}

// renderCrossTasks renders the page, with a refused action's problem
// beside its row.
func (c *Console) renderCrossTasks(w http.ResponseWriter, r *http.Request, status int, problems map[int64]string) error {
	q := r.URL.Query()
	st := crossprov.TaskStatus(q.Get("status"))
	switch st {
	case "":
		st = crossprov.ToHandle
	case crossprov.ToHandle, crossprov.Accepted, crossprov.Declined:
	default:
		return fault.Errorf(fault.Invalid, "status must be to_handle, accepted or refused")
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	ctx := r.Context()
	ts, err := c.app.CrossProvince.Tasks(ctx, crossprov.TaskFilter{Status: st, After: after, Limit: crossTasksPerPage + 1})
	if err != nil {
		return err
	}
	p := c.newPage(r, "crossprov")
	data := crossTasksPage{Status: st, Statuses: []crossprov.TaskStatus{crossprov.ToHandle, crossprov.Accepted, crossprov.Declined},
		Today: c.app.Clock.Today(), Methods: []string{"face", "visit", "data_match"}, Problems: problems}
	if len(ts) > crossTasksPerPage {
		ts = ts[:crossTasksPerPage]
		data.Next = ts[len(ts)-1].ID
	}
	staff := c.staff(ctx, p.Lang)
	for _, t := range ts {
		row := crossTaskRow{Task: t, From: partyName(p.Lang, t.Counterpart)}
		switch t.Kind {
		case crossprov.TransferOut:
			if d, err := period.ParseDate(t.Detail); err == nil {
				row.Detail = p.T("xp.detail.applied_on") + dateText(p.Lang, d)
			}
		case crossprov.Certification:
			row.Detail = p.T("xp.detail.living_in") + t.Detail
		}
		switch t.Status {
		case crossprov.Accepted:
			if t.Kind == crossprov.TransferOut {
				row.Outcome = p.T("xp.transferred")
				tr, err := c.app.CrossProvince.TransferOfTask(ctx, t)
				if err != nil {
					return err
				}
				if tr != nil {
					row.Outcome = p.T("xp.transferred_amounts", yuan(p.Lang, tr.Balance), yuan(p.Lang, tr.Pooled), tr.Months)
				}
			} else {
				row.Outcome = p.T("xp.certified", dateText(p.Lang, t.On), p.T("xp.method."+t.Method))
			}
		case crossprov.Declined:
			row.Outcome = p.T("xp.refused_because", t.Reason)
		}
		if t.HandledBy != 0 {
			row.Handled = staff.id(t.HandledBy)
		}
		data.Rows = append(data.Rows, row)
	}
	p.Title, p.Active, p.Data = p.T("xp.title"), "crossprov", data
	c.render(w, r, status, p)
	return nil
}

// partyName names an agency of another province: the province by name,
// then its agency code.
func partyName(l Lang, p crossprov.Party) string {
	name := p.Province
	if len(p.Province) == 6 {
		if n := translate(l, "xp.province."+p.Province[:2]); !strings.HasPrefix(n, "xp.") {
			name = n
		}
	}
	return name + " " + translate(l, "xp.agency", p.Agency)
}

// handleAcceptCrossTask does what the other province asks, through the
// exchange's service (insurance.write over the person's region; the
// transfer out through insurance.Accounts.TransferOut): a problem shows
// beside the row.
func (c *Console) handleAcceptCrossTask(w http.ResponseWriter, r *http.Request) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	in := crossprov.AcceptTask{Method: r.PostFormValue("method")}
	if s := strings.TrimSpace(r.PostFormValue("date")); s != "" {
		d, err := period.ParseDate(s)
		if err != nil {
			return c.crossTaskFailed(w, r, id, &fault.Error{Code: fault.Invalid, Message: "invalid acceptance", Fields: map[string]string{"date": err.Error()}})
		}
		in.Date = d
	}
	if _, err := c.app.CrossProvince.AcceptTask(r.Context(), id, in); err != nil {
		return c.crossTaskFailed(w, r, id, err)
	}
	http.Redirect(w, r, "/exchange/cross-province", http.StatusSeeOther)
	return nil
}

// handleRefuseCrossTask refuses the request with the reason typed in.
func (c *Console) handleRefuseCrossTask(w http.ResponseWriter, r *http.Request) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	if _, err := c.app.CrossProvince.RefuseTask(r.Context(), id, r.PostFormValue("reason")); err != nil {
		return c.crossTaskFailed(w, r, id, err)
	}
	http.Redirect(w, r, "/exchange/cross-province", http.StatusSeeOther)
	return nil
}

// crossTaskFailed shows an action's refusal beside its row (a missing
// request is the error page).
func (c *Console) crossTaskFailed(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	l := langOf(r)
	var msg string
	status := http.StatusUnprocessableEntity
	switch fault.CodeOf(err) {
	case fault.Invalid:
		var parts []string
		fs := faultFields(err)
		for _, k := range []string{"reason", "method", "date", "person_id"} {
			why, ok := fs[k]
			if !ok {
				continue
			}
			switch {
			case l == EN:
				parts = append(parts, k+": "+why)
			case k == "person_id":
				if strings.Contains(why, "no balance") {
					why = translate(l, "xp.problem.no_balance")
				}
				parts = append(parts, translate(l, "xp.problem.person_id", why))
			default:
				parts = append(parts, translate(l, "xp.problem."+k))
			}
		}
		if len(parts) == 0 {
			parts = append(parts, faultText(l, err))
		}
		msg = strings.Join(parts, " ")
	case fault.Conflict:
		status, msg = http.StatusConflict, translate(l, "xp.problem.conflict")
	case fault.Forbidden:
		status, msg = http.StatusForbidden, translate(l, "xp.problem.forbidden")
	default:
		return err
	}
	// The list shows the requests still to handle, where the row is.
	r.URL.RawQuery = ""
	return c.renderCrossTasks(w, r, status, map[int64]string{id: msg})
}
