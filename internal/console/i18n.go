package console

import (
	"fmt"
	"net/http"
)

// Lang is a language of the console: zh-CN by default, English on request.
type Lang string

// The console's languages.
const (
	ZH Lang = "zh-CN"
	EN Lang = "en"
)

// langs are the console's languages, the default first.
var langs = []Lang{ZH, EN}

// langCookie keeps the language a user chose.
const langCookie = "sn_lang"

// parseLang reads a language name.
func parseLang(s string) (Lang, bool) {
	switch s {
	case "zh-CN", "zh":
		return ZH, true
	case "en":
		return EN, true
	}
	return "", false
}

// langOf returns the request's language: the one chosen, else zh-CN (the
// browser's Accept-Language is not asked: the bureau's language is the
// default whatever the machine).
func langOf(r *http.Request) Lang {
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := parseLang(c.Value); ok {
			return l
		}
	}
	return ZH
}

// translate returns the text of key in l; a key with no text is a bug
// that TestEveryMessageTranslated finds, shown as the key meanwhile.
func translate(l Lang, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m.zh
	if l == EN {
		s = m.en
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// msg is one text of the console in both languages.
type msg struct{ zh, en string }

// messages are the console's texts by key, from every area's table.
// Domain statuses and kinds are keyed "<kind>.<value>" so that a page
// shows a status by its key.
var messages = map[string]msg{}

// register adds an area's texts to messages; a key given twice is a bug
// that stops the process at start.
func register(table map[string]msg) {
	for k, m := range table {
		if _, dup := messages[k]; dup {
			panic("console: message " + k + " defined twice")
		}
		messages[k] = m
	}
}

func init() { register(coreMessages) }

// coreMessages are the texts of the layout, sign-in, errors and home.
var coreMessages = map[string]msg{
	"app.name":                   {"社会保障工作台", "Social protection console"},
	"app.bureau":                 {"社会保险中心 · 民政局", "Social insurance centre · Civil affairs bureau"},
	"nav.home":                   {"我的待办", "My work"},
	"nav.persons":                {"人员/家庭", "Persons & households"},
	"nav.assistance":             {"社会救助", "Social assistance"},
	"nav.screening":              {"免申即享", "Proactive benefits"},
	"nav.payments":               {"支付", "Payments"},
	"nav.monitoring":             {"动态监测", "Monitoring"},
	"nav.insurance":              {"社会保险", "Social insurance"},
	"nav.exchange":               {"数据交换", "Data exchange"},
	"nav.statistics":             {"统计分析", "Statistics"},
	"nav.audit":                  {"审计", "Audit"},
	"nav.users":                  {"用户与岗位", "Users & posts"},
	"nav.signout":                {"退出", "Sign out"},
	"nav.skip":                   {"跳到正文", "Skip to content"},
	"nav.main":                   {"主导航", "Main navigation"},
	"lang.switch":                {"English", "中文"},
	"login.title":                {"登录", "Sign in"},
	"login.username":             {"用户名", "Username"},
	"login.password":             {"密码", "Password"},
	"login.submit":               {"登录", "Sign in"},
	"login.wrong":                {"用户名或密码错误。", "Wrong username or password."},
	"login.locked":               {"尝试次数过多，账号或地址已暂时锁定，请稍后再试。", "Too many attempts: the account or address is locked for a while; try again later."},
	"login.busy":                 {"系统繁忙，请稍后再试。", "The system is busy; try again in a moment."},
	"error.not_found":            {"没有找到该记录，或不在您的管辖范围内。", "No such record, or it is outside your scope."},
	"error.forbidden":            {"您的岗位无权进行此操作。", "Your post may not do this."},
	"error.invalid":              {"填写有误，请按提示修改。", "Some fields need correcting."},
	"error.conflict":             {"记录已被他人修改或状态不允许，请刷新后重试。", "The record changed or its state does not allow this; reload and try again."},
	"error.too_many":             {"操作过于频繁，请稍后再试。", "Too many requests; try again later."},
	"error.internal":             {"系统出错，请稍后再试或联系管理员。", "Something went wrong; try again later or call the administrator."},
	"error.back":                 {"返回首页", "Back to my work"},
	"home.title":                 {"我的待办", "My work"},
	"home.post":                  {"当前岗位", "Post"},
	"home.nothing":               {"暂无待办事项。", "Nothing is waiting for you."},
	"home.as_of":                 {"统计截至", "As of"},
	"home.items":                 {"件", "items"},
	"role.admin":                 {"系统管理员", "Administrator"},
	"role.caseworker":            {"经办员", "Caseworker"},
	"role.approver":              {"审核审批员", "Approver"},
	"role.auditor":               {"稽核监督员", "Auditor"},
	"role.analyst":               {"统计分析员", "Analyst"},
	"role.citizen":               {"参保人", "Citizen"},
	"role.clerk":                 {"综合柜员", "Counter clerk"},
	"queue.cases_to_investigate": {"待入户调查的救助申请", "Applications to investigate"},
	"queue.cases_to_assess":      {"待评估的救助申请", "Cases to assess"},
	"queue.objections":           {"待处理的公示异议", "Objections to resolve"},
	"queue.reviews_due":          {"到期待复核的低保/特困", "Awards due for review"},
	"queue.screening_to_review":  {"待复核的免申即享筛查", "Screening runs to review"},
	"queue.alerts_due":           {"待处置的监测预警", "Alerts to dispose of"},
	"queue.alerts_overdue":       {"已逾期的监测预警", "Overdue alerts"},
	"queue.cases_to_approve":     {"待审批的救助案件", "Cases to approve"},
	"queue.fast_track_to_review": {"待事后审核的先行救助", "Fast-track grants to review"},
	"queue.screening_to_decide":  {"待审批的筛查结果", "Screening runs to decide"},
	"queue.review_proposals":     {"待审批的复核变更", "Review proposals to decide"},
	"queue.batches_to_approve":   {"待审批的支付批次", "Payment batches to approve"},
	"queue.batches_to_export":    {"待导出银行文件的批次", "Batches to export"},
	"queue.accounts_to_confirm":  {"待确认的银行账户", "Bank accounts to confirm"},
	"queue.identity_changes":     {"待确认的身份信息变更", "Identity changes to confirm"},
	"persons.title":              {"人员/家庭", "Persons & households"},
	"persons.search":             {"查询", "Search"},
	"persons.name":               {"姓名", "Name"},
	"persons.id_number":          {"公民身份号码", "ID number"},
	"persons.region":             {"所在地区", "Region"},
	"persons.none":               {"没有找到符合条件的人员。", "No person matches."},
	"persons.more":               {"更多", "More"},
	"persons.gender.M":           {"男", "Male"},
	"persons.gender.F":           {"女", "Female"},
	"persons.age":                {"年龄", "Age"},
	"persons.gender":             {"性别", "Gender"},
	"persons.household":          {"家庭", "Household"},
	"persons.hint":               {"按姓名或完整的公民身份号码查询（按身份号码查询会被记录并限次）。", "Search by name or by full ID number (searches by ID number are recorded and limited)."},
	"common.actions":             {"操作", "Actions"},
	"common.open":                {"打开", "Open"},
	"common.yes":                 {"是", "yes"},
	"common.no":                  {"否", "no"},
	"common.print":               {"打印", "Print"},
	"common.status":              {"状态", "Status"},
	"common.amount":              {"金额", "Amount"},
	"common.period":              {"月份", "Month"},
	"common.note":                {"备注", "Note"},
	"common.submit":              {"提交", "Submit"},
	"common.approve":             {"批准", "Approve"},
	"common.reject":              {"不予批准", "Reject"},
	"common.none":                {"无", "none"},
}

// T returns the text of key in the page's language.
func (p *page) T(key string, args ...any) string { return translate(p.Lang, key, args...) }
