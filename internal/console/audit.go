package console

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
)

// auditRoutes are the pages of the audit trail (审计): the trail filtered
// by actor, entity, action and date, and who read a given person.
func (c *Console) auditRoutes() {
	c.handle("GET /audit", c.handleAudit, auth.PermAuditRead)
	c.handle("GET /audit/reads", c.handleAuditReads, auth.PermAuditRead)
}

// auditPageSize is how many events one page of the trail shows.
const auditPageSize = 50

// auditLine is one event of the trail, in words.
type auditLine struct {
	Seq    int64
	At     time.Time
	Actor  staffRef
	Role   string
	Action string
	// Code is the action's code, shown when it has no words.
	Code   string
	Entity string
	// Person is the key of the person the event is about, for the link
	// to who read them.
	Person string
	Region string
	Fields string
}

// auditPage is the data of the audit page.
type auditPage struct {
	Form     url.Values
	Problems map[string]string
	Rows     []auditLine
	Next     int64
	Query    string
	Searched bool
	// Actions are the known actions, for the action field's suggestions.
	Actions []auditAction
}

// auditAction is a known action with its words.
type auditAction struct{ Code, Label string }

// auditScope returns the filter scope of the principal: its region, and
// whether events tied to no region (sign-ins, users) are in it, as the
// API's audit list decides.
func auditScope(p auth.Principal) (region.Code, bool) {
	l := p.Scope.Level()
	return p.Scope, l == region.Province || l == region.Prefecture
}

// handleAudit lists the trail, newest first, filtered by actor (username),
// entity (kind and id), action and dates.
func (c *Console) handleAudit(w http.ResponseWriter, r *http.Request) error {
	pr, err := auth.Require(r.Context(), auth.PermAuditRead)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := c.newPage(r, "audit")
	p.Title, p.Active = p.T("audit.title"), "audit"
	data := auditPage{Form: q}
	for _, a := range auditKnownActions {
		data.Actions = append(data.Actions, auditAction{Code: a, Label: auditActionText(p.Lang, a)})
	}
	scope, unregioned := auditScope(pr)
	f := sqlstore.AuditFilter{Scope: scope, Unregioned: unregioned, Actor: strings.TrimSpace(q.Get("actor")), EntityKind: strings.TrimSpace(q.Get("kind")),
		EntityID: strings.TrimSpace(q.Get("entity")), Action: strings.TrimSpace(q.Get("action")), Limit: auditPageSize + 1}
	var probs fault.Problems
	f.From = c.dayStart(&probs, "from", q.Get("from"), 0)
	f.To = c.dayStart(&probs, "to", q.Get("to"), 1)
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		probs.Add("to", "%s", p.T("audit.bad_range"))
	}
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	status := http.StatusOK
	if len(probs) > 0 {
		data.Problems = probs
		status = http.StatusUnprocessableEntity
	} else {
		evs, err := c.app.Store.AuditTrail(r.Context(), f)
		if err != nil {
			return err
		}
		data.Searched = true
		if len(evs) > auditPageSize {
			evs = evs[:auditPageSize]
			data.Next = evs[len(evs)-1].Seq
		}
		data.Rows = c.auditLines(r.Context(), p.Lang, evs)
		nq := url.Values{}
		for _, k := range []string{"actor", "kind", "entity", "action", "from", "to"} {
			if v := q.Get(k); v != "" {
				nq.Set(k, v)
			}
		}
		data.Query = nq.Encode()
	}
	p.Data = data
	c.render(w, r, status, p)
	return nil
}

// dayStart reads a date field as the start of that day (plus days) in the
// jurisdiction's zone; empty is the zero time.
func (c *Console) dayStart(pr *fault.Problems, field, s string, plus int) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	d, err := period.ParseDate(s)
	if err != nil {
		pr.Add(field, "%s", "YYYY-MM-DD")
		return time.Time{}
	}
	y, m, day := d.AddDays(plus).YMD()
	return time.Date(y, m, day, 0, 0, 0, 0, c.app.Juris.Zone)
}

// auditLines puts events in words.
func (c *Console) auditLines(ctx context.Context, l Lang, evs []audit.Event) []auditLine {
	out := make([]auditLine, 0, len(evs))
	staff := c.staff(ctx, l)
	for _, e := range evs {
		line := auditLine{Seq: e.Seq, At: e.At, Actor: staff.actor(e.Actor.UserID, e.Actor.Name), Role: translate(l, "role."+e.Actor.Role), Action: auditActionText(l, e.Action),
			Entity: auditEntityText(l, e.EntityKind) + " " + e.EntityID, Fields: strings.Join(e.Fields, "、")}
		if _, ok := messages["role."+e.Actor.Role]; !ok {
			line.Role = translate(l, "audit.role.system")
		}
		if line.Action == "" {
			line.Code = e.Action
		}
		if e.EntityKind == "person" && strings.Trim(e.EntityID, "0123456789") == "" {
			line.Person = e.EntityID
		}
		if e.RegionCode != "" {
			line.Region = c.regionName(l, region.Code(e.RegionCode))
		}
		out = append(out, line)
	}
	return out
}

// auditActionText puts an action ("person.read") in words: the words of
// the whole action if it has its own, else those of its entity and verb;
// "" when there are none.
func auditActionText(l Lang, action string) string {
	if _, ok := messages["audit.action."+action]; ok {
		return translate(l, "audit.action."+action)
	}
	kind, verb, ok := strings.Cut(action, ".")
	_, kok := messages["audit.entity."+kind]
	_, vok := messages["audit.verb."+verb]
	if !ok || !kok || !vok {
		return ""
	}
	if l == EN {
		return translate(l, "audit.entity."+kind) + ": " + translate(l, "audit.verb."+verb)
	}
	return translate(l, "audit.verb."+verb) + translate(l, "audit.entity."+kind)
}

// auditEntityText names an entity kind in words, or gives the kind.
func auditEntityText(l Lang, kind string) string {
	if _, ok := messages["audit.entity."+kind]; ok {
		return translate(l, "audit.entity."+kind)
	}
	return kind
}

// auditKnownActions are offered as suggestions in the action field.
var auditKnownActions = []string{"person.read", "person.search", "person.create", "person.death", "person.identity", "alert.visit", "alert.dispose",
	"case.apply", "award.create", "batch.create", "batch.download", "bank_account.create", "session.login", "session.login_failed", "user.create",
	"exchange.import"}

// auditReadsPage is the data of the page of who read a person.
type auditReadsPage struct {
	Q        string
	Person   *registry.Person
	Region   string
	IDNumber string
	Rows     []auditLine
	Next     int64
	Searched bool
	NotFound bool
}

// handleAuditReads answers who read a person's file: the person named by
// their key or found by their whole ID number (a search the registry
// records and limits), then every read of them in the trail, newest first.
func (c *Console) handleAuditReads(w http.ResponseWriter, r *http.Request) error {
	pr, err := auth.Require(r.Context(), auth.PermAuditRead)
	if err != nil {
		return err
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	p := c.newPage(r, "audit_reads")
	p.Title, p.Active = p.T("audit.reads.title"), "audit"
	data := auditReadsPage{Q: q}
	if q != "" {
		data.Searched = true
		var person *registry.Person
		if looksLikeIDNumber(q) {
			ps, err := c.app.Registry.Persons(r.Context(), registry.PersonFilter{IDNumber: strings.ToUpper(q), Page: registry.Page{Limit: 1}})
			if err != nil {
				return err
			}
			if len(ps) > 0 {
				person = ps[0]
			}
		} else if id, err := strconv.ParseInt(q, 10, 64); err == nil && id > 0 {
			person, err = c.app.Registry.Person(r.Context(), registry.PersonID(id))
			if err != nil && fault.CodeOf(err) != fault.NotFound {
				return err
			}
		}
		if person == nil {
			data.NotFound = true
		} else {
			data.Person, data.Region, data.IDNumber = person, c.regionName(p.Lang, person.RegionCode), c.viewOf(r).IDNumber(person.IDNumber)
			scope, unregioned := auditScope(pr)
			evs, err := c.app.Store.AuditTrail(r.Context(), sqlstore.AuditFilter{Scope: scope, Unregioned: unregioned, EntityKind: "person",
				EntityID: strconv.FormatInt(int64(person.ID), 10), Actions: []string{"person.read"}, Before: before, Limit: auditPageSize + 1})
			if err != nil {
				return err
			}
			if len(evs) > auditPageSize {
				evs = evs[:auditPageSize]
				data.Next = evs[len(evs)-1].Seq
			}
			data.Rows = c.auditLines(r.Context(), p.Lang, evs)
		}
	}
	p.Data = data
	c.render(w, r, http.StatusOK, p)
	return nil
}

func init() { register(auditMessages) }

// auditMessages are the texts of the audit pages.
var auditMessages = map[string]msg{
	"audit.title":                        {"审计", "Audit"},
	"audit.trail":                        {"操作日志", "Audit trail"},
	"audit.hint":                         {"日志按时间倒序排列；只列出您管辖范围内的记录。日志不保存变更内容本身，只保存其摘要。", "Newest first; only the events of your scope. The trail keeps a digest of each change, not the change itself."},
	"audit.actor":                        {"操作人（用户名）", "Actor (username)"},
	"audit.kind":                         {"对象类型", "Entity kind"},
	"audit.entity":                       {"对象编号", "Entity id"},
	"audit.action":                       {"操作", "Action"},
	"audit.from":                         {"起始日期", "From"},
	"audit.to":                           {"截止日期", "To"},
	"audit.filter":                       {"查询", "Filter"},
	"audit.none":                         {"没有符合条件的记录。", "No event matches."},
	"audit.more":                         {"更早的记录", "Older events"},
	"audit.bad_range":                    {"截止日期不能早于起始日期", "is before the start"},
	"audit.col.seq":                      {"序号", "Seq"},
	"audit.col.at":                       {"时间", "When"},
	"audit.col.actor":                    {"操作人", "Actor"},
	"audit.col.action":                   {"操作", "Action"},
	"audit.col.entity":                   {"对象", "Entity"},
	"audit.col.region":                   {"地区", "Region"},
	"audit.col.fields":                   {"涉及字段", "Fields"},
	"audit.reads.title":                  {"谁查阅了此人", "Who read a person"},
	"audit.reads.link":                   {"查询谁查阅了某人的档案", "Who read a person's file"},
	"audit.reads.q":                      {"人员编号或完整公民身份号码", "Person key or full ID number"},
	"audit.reads.hint":                   {"按公民身份号码查询会作为一次身份号码查询被记录并限次；您的本次查阅也会记入日志。", "A search by ID number is recorded and limited like any other; your own read is recorded too."},
	"audit.reads.none":                   {"日志中没有查阅此人的记录。", "The trail has no read of this person."},
	"audit.reads.not_found":              {"没有找到该人员，或不在您的管辖范围内。", "No such person, or outside your scope."},
	"audit.reads.person":                 {"人员", "Person"},
	"audit.role.system":                  {"系统进程", "System process"},
	"audit.action.session.login":         {"登录", "Signed in"},
	"audit.action.session.login_failed":  {"登录失败", "Failed sign-in"},
	"audit.action.session.logout":        {"退出登录", "Signed out"},
	"audit.action.person.search":         {"按身份号码查询人员", "Searched a person by ID number"},
	"audit.action.person.search_refused": {"身份号码查询超限被拒", "ID number search refused (limit)"},
	"audit.action.person.identity":       {"变更人员身份信息", "Changed a person's identity"},
	"audit.action.person.death":          {"登记死亡", "Recorded a death"},
	"audit.action.exchange.import":       {"导入部门交换文件", "Imported a department file"},
	"audit.verb.read":                    {"查阅", "read"},
	"audit.verb.create":                  {"新增", "created"},
	"audit.verb.search":                  {"查询", "searched"},
	"audit.verb.visit":                   {"走访", "visited"},
	"audit.verb.dispose":                 {"处置办结", "disposed of"},
	"audit.verb.apply":                   {"申请", "applied"},
	"audit.verb.change":                  {"变更", "changed"},
	"audit.verb.download":                {"下载", "downloaded"},
	"audit.verb.record":                  {"登记", "recorded"},
	"audit.verb.import":                  {"导入", "imported"},
	"audit.verb.process":                 {"研判", "processed"},
	"audit.verb.run":                     {"批量计算", "ran"},
	"audit.verb.pay":                     {"发放", "paid"},
	"audit.verb.post":                    {"入账", "posted"},
	"audit.verb.return":                  {"回盘", "returned"},
	"audit.verb.update":                  {"修改", "updated"},
	"audit.verb.revoke":                  {"撤销", "revoked"},
	"audit.verb.stop":                    {"停止", "stopped"},
	"audit.verb.propose":                 {"提出", "proposed"},
	"audit.verb.review":                  {"复核", "reviewed"},
	"audit.verb.start":                   {"启动", "started"},
	"audit.verb.claim":                   {"认领", "claimed"},
	"audit.verb.save":                    {"保存", "saved"},
	"audit.verb.credit":                  {"记账", "credited"},
	"audit.verb.instruct":                {"发送支付指令", "instructed"},
	"audit.verb.resume":                  {"恢复", "resumed"},
	"audit.verb.post_return":             {"处理回盘", "posted the return of"},
	"audit.entity.person":                {"人员", "person"},
	"audit.entity.household":             {"家庭", "household"},
	"audit.entity.alert":                 {"监测预警", "alert"},
	"audit.entity.signal":                {"风险信号", "signal"},
	"audit.entity.case":                  {"救助案件", "case"},
	"audit.entity.award":                 {"待遇", "award"},
	"audit.entity.batch":                 {"支付批次", "payment batch"},
	"audit.entity.payment":               {"支付", "payment"},
	"audit.entity.bank_account":          {"银行账户", "bank account"},
	"audit.entity.user":                  {"用户", "user"},
	"audit.entity.session":               {"会话", "session"},
	"audit.entity.region":                {"行政区划", "region"},
	"audit.entity.organisation":          {"单位", "organisation"},
	"audit.entity.employment":            {"就业记录", "employment"},
	"audit.entity.enrolment":             {"参保登记", "enrolment"},
	"audit.entity.disability":            {"残疾信息", "disability"},
	"audit.entity.means_test":            {"家庭经济状况核对", "means test"},
	"audit.entity.screening":             {"免申即享筛查", "screening"},
	"audit.entity.refund":                {"稳岗返还", "refund"},
	"audit.entity.report":                {"统计报表", "report"},
	"audit.entity.exchange":              {"数据交换", "data exchange"},
	"audit.entity.hardship":              {"困难群体名单", "hardship list"},
	"audit.entity.account":               {"个人账户", "personal account"},
	"audit.entity.identity_change":       {"身份信息变更", "identity change"},
	"audit.entity.certification":         {"资格认证", "certification"},
	"audit.entity.classification":        {"低收入人口分层", "classification"},
	"audit.entity.payee_agent":           {"代领人", "payee agent"},
	"audit.entity.unemployment_claim":    {"失业保险金申请", "unemployment claim"},
	"audit.entity.work_injury":           {"工伤认定", "work injury"},
	"audit.entity.benefit":               {"社保待遇", "benefit"},
	"audit.entity.payroll":               {"养老金发放", "pension payroll"},
	"audit.entity.assessment":            {"核定", "assessment"},
	"audit.entity.adjustment":            {"待遇调整", "adjustment"},
	"audit.entity.review":                {"复核", "review"},
	"audit.entity.alert_run":             {"监测研判", "monitoring run"},
}
