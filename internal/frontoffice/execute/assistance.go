package execute

import (
	"context"
	"fmt"
	"strings"

	"safetynet/internal/assistance"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

// The executors of the assistance actions: applications for assistance,
// means tests, objections on public notice, and the two reads (an award
// being paid, a household's classification). The applicant is a person
// of a registered household; the household is theirs. A repeated Execute
// finds its earlier effect by the application's number, which the record
// carries in its note (case, means test, objection). docs/execute-registry.md
// lists the forms and what a second run finds.

func init() {
	register("assistance.apply", func(s Services) Executor { return &assistanceApply{s} })
	register("assistance.means_test", func(s Services) Executor { return &meansTest{s} })
	register("assistance.objection", func(s Services) Executor { return &objection{s} })
	register("assistance.award.record", func(s Services) Executor { return &awardRecord{s} })
	register("assistance.classification", func(s Services) Executor { return &classification{s} })
}

// programmeNames are the zh-CN names of the assistance programmes.
var programmeNames = map[string]string{
	assistance.ProgDibao:     "最低生活保障",
	assistance.ProgTekun:     "特困人员救助供养",
	assistance.ProgTemporary: "临时救助",
}

// caseProgramme is the assistance programme of a matter's programme arg.
func caseProgramme(arg string) string {
	if arg == "temporary" {
		return assistance.ProgTemporary
	}
	return arg
}

// caseChannels maps the catalogue's channels to the assistance case's.
var caseChannels = map[string]assistance.Channel{
	"window": assistance.ChannelCounter, "online": assistance.ChannelOnline, "mobile": assistance.ChannelOnline,
	"township": assistance.ChannelTownship, "village": assistance.ChannelVillage, "bank": assistance.ChannelBankPoint,
	"cross_province": assistance.ChannelCrossProvince,
}

var channelValues = []string{"window", "online", "mobile", "township", "village", "bank", "cross_province"}

// layerText names a classification's layer for the applicant.
func layerText(l assistance.Layer) string {
	if l == assistance.LayerNone {
		return "不属于低收入人口（未分层）"
	}
	return l.Name().ZH
}

// ---- assistance.apply (programme=dibao|tekun|temporary)

type assistanceApply struct{ Services }

type applyForm struct {
	Channel      string    `json:"channel"`
	HardshipType string    `json:"hardship_type"`
	Expense      money.Fen `json:"expense"`
	Note         string    `json:"note"`
}

func (e *assistanceApply) Fields() []Field {
	return []Field{
		{Name: "channel", Label: label("受理渠道（默认窗口）", "Channel received through (window when not given)"), Kind: "choice", Values: channelValues},
		{Name: "hardship_type", Label: label("临时救助类型（临时救助必填）", "Type of hardship (temporary assistance)"), Kind: "choice", Values: []string{"emergency", "expense"}},
		{Name: "expense", Label: label("突发或必需支出（分，临时救助必填）", "Expense not covered otherwise (fen, temporary assistance)"), Kind: "fen"},
		{Name: "note", Label: label("申请事由", "What the household asks for and why"), Kind: "text"},
	}
}

func (e *assistanceApply) form(req Request) (applyForm, fault.Problems) {
	var f applyForm
	var p fault.Problems
	decodeFormInto(req.Form, &f, &p)
	requirePerson(&p, req)
	if f.Channel != "" {
		requireChoice(&p, "channel", f.Channel, channelValues...)
	}
	if caseProgramme(req.Matter.Args["programme"]) == assistance.ProgTemporary {
		requireChoice(&p, "hardship_type", f.HardshipType, "emergency", "expense")
		if f.Expense <= 0 && p[formKey("expense")] == "" {
			p.Add(formKey("expense"), "is required: the expense not covered by insurance or other aid, in fen")
		}
	} else {
		if f.HardshipType != "" {
			p.Add(formKey("hardship_type"), "only temporary assistance has a hardship type")
		}
		if f.Expense != 0 {
			p.Add(formKey("expense"), "only temporary assistance has an expense")
		}
	}
	return f, p
}

func (e *assistanceApply) Check(ctx context.Context, req Request) error {
	_, p := e.form(req)
	return p.Err(formInvalid)
}

func (e *assistanceApply) Execute(ctx context.Context, req Request) (Result, error) {
	f, p := e.form(req)
	if err := p.Err(formInvalid); err != nil {
		return Result{}, err
	}
	who, err := e.Registry.Person(ctx, req.Person)
	if err != nil {
		return Result{}, err
	}
	h, err := householdOf(ctx, e.Registry, req.Person)
	if err != nil {
		return Result{}, err
	}
	prog := caseProgramme(req.Matter.Args["programme"])
	mark := appMark(req.ApplicationNo)
	// The case this application opened carries its number in its note.
	cs, err := e.Assistance.Cases(ctx, assistance.CaseFilter{HouseholdID: h.ID, Programme: prog, Page: registry.Page{Limit: 100}})
	if err != nil {
		return Result{}, err
	}
	for _, c := range cs {
		if strings.Contains(c.ApplicantNote, mark) {
			return applied(who, c), nil
		}
	}
	ch := assistance.ChannelCounter
	if f.Channel != "" {
		ch = caseChannels[f.Channel]
	}
	c := &assistance.Case{Programme: prog, HouseholdID: h.ID, PersonID: req.Person, Channel: ch,
		HardshipType: assistance.HardshipType(f.HardshipType), Expense: f.Expense,
		ApplicantNote: strings.TrimSpace(mark + " " + strings.TrimSpace(f.Note))}
	if err := e.Assistance.Apply(ctx, c, "前台受理，"+mark); err != nil {
		return Result{}, asFormError(err, map[string]string{"household_id": "person_id", "programme": "form"})
	}
	return applied(who, c), nil
}

func applied(who *registry.Person, c *assistance.Case) Result {
	return Result{Ref: ref("assistance_case", int64(c.ID)),
		Summary: fmt.Sprintf("%s家庭的%s申请已受理（案件编号%d），将进行入户调查和家庭经济状况核对。", who.Name, programmeNames[c.Programme], c.ID)}
}

// ---- assistance.means_test

type meansTest struct{ Services }

type meansTestForm struct {
	Period      period.Month        `json:"period"`
	Members     []assistance.Member `json:"members"`
	Lines       []assistance.Line   `json:"lines"`
	HeatingType string              `json:"heating_type"`
	Note        string              `json:"note"`
}

func (e *meansTest) Fields() []Field {
	return []Field{
		{Name: "period", Label: label("核对月份", "Month of the test"), Kind: "month", Required: true},
		{Name: "members", Label: label("共同生活家庭成员", "Members living together"), Kind: "members", Required: true},
		{Name: "lines", Label: label("收入、财产和支出（12个月）", "Incomes, assets and expenses (12 months)"), Kind: "lines"},
		{Name: "heating_type", Label: label("取暖方式", "Heating"), Kind: "text", Required: true},
		{Name: "note", Label: label("备注", "Note"), Kind: "text"},
	}
}

func (e *meansTest) form(req Request) (meansTestForm, fault.Problems) {
	var f meansTestForm
	var p fault.Problems
	decodeFormInto(req.Form, &f, &p)
	requirePerson(&p, req)
	requireMonth(&p, "period", f.Period)
	if len(f.Members) == 0 && p[formKey("members")] == "" {
		p.Add(formKey("members"), "is required: every member living together, the applicant first")
	}
	for i, m := range f.Members {
		if m.PersonID <= 0 {
			p.Add(fmt.Sprintf("form.members[%d].person_id", i), "is required")
		}
	}
	requireText(&p, "heating_type", f.HeatingType)
	return f, p
}

func (e *meansTest) Check(ctx context.Context, req Request) error {
	_, p := e.form(req)
	return p.Err(formInvalid)
}

func (e *meansTest) Execute(ctx context.Context, req Request) (Result, error) {
	f, p := e.form(req)
	if err := p.Err(formInvalid); err != nil {
		return Result{}, err
	}
	h, err := householdOf(ctx, e.Registry, req.Person)
	if err != nil {
		return Result{}, err
	}
	mark := appMark(req.ApplicationNo)
	ts, err := e.Assistance.MeansTests(ctx, assistance.TestFilter{HouseholdID: h.ID, Page: registry.Page{Limit: 500}})
	if err != nil {
		return Result{}, err
	}
	for _, t := range ts {
		if strings.Contains(t.Note, mark) {
			ex, err := e.Assistance.Explain(ctx, h.ID, t.Period)
			if err != nil {
				return Result{}, err
			}
			if ex.TestID == t.ID {
				return tested(t, &ex.Classification), nil
			}
			// A later test of the month classifies the household now;
			// this one's figures are its own.
			return tested(t, nil), nil
		}
	}
	t := &assistance.MeansTest{HouseholdID: h.ID, Period: f.Period, Members: f.Members, Lines: f.Lines,
		HeatingType: f.HeatingType, Source: assistance.SourceInvestigation, Note: strings.TrimSpace(mark + " " + strings.TrimSpace(f.Note))}
	ex, err := e.Assistance.CreateMeansTest(ctx, t)
	if err != nil {
		return Result{}, asFormError(err, map[string]string{"household_id": "person_id"})
	}
	return tested(ex.Test, &ex.Classification), nil
}

func tested(t *assistance.MeansTest, c *assistance.Classification) Result {
	s := fmt.Sprintf("家庭经济状况核对已完成（%s，家庭成员%d人）", monthText(t.Period), t.MemberCount)
	if c != nil {
		s += fmt.Sprintf("：家庭月人均收入%s，认定结果为%s。", yuanText(c.PerCapitaIncome), layerText(c.Layer))
	} else {
		s += "。"
	}
	return Result{Ref: ref("means_test", int64(t.ID)), Summary: s}
}

// ---- assistance.objection

type objection struct{ Services }

type objectionForm struct {
	CaseID     int64       `json:"case_id"`
	Objector   string      `json:"objector"`
	Content    string      `json:"content"`
	ReceivedOn period.Date `json:"received_on"`
}

func (e *objection) Fields() []Field {
	return []Field{
		{Name: "case_id", Label: label("公示案件编号", "Number of the case on notice"), Kind: "int", Required: true},
		{Name: "objector", Label: label("异议人（可匿名）", "Who objects (may be anonymous)"), Kind: "text"},
		{Name: "content", Label: label("异议内容及证据", "The objection and its evidence"), Kind: "text", Required: true},
		{Name: "received_on", Label: label("收到日期（默认当日）", "Day received (today when not given)"), Kind: "date"},
	}
}

func (e *objection) form(req Request) (objectionForm, fault.Problems) {
	var f objectionForm
	var p fault.Problems
	decodeFormInto(req.Form, &f, &p)
	if f.CaseID <= 0 && p[formKey("case_id")] == "" {
		p.Add(formKey("case_id"), "is required: the number of the case on public notice")
	}
	requireText(&p, "content", f.Content)
	return f, p
}

func (e *objection) Check(ctx context.Context, req Request) error {
	_, p := e.form(req)
	return p.Err(formInvalid)
}

func (e *objection) Execute(ctx context.Context, req Request) (Result, error) {
	f, p := e.form(req)
	if err := p.Err(formInvalid); err != nil {
		return Result{}, err
	}
	id := assistance.CaseID(f.CaseID)
	v, err := e.Assistance.FindCase(ctx, id)
	if fault.CodeOf(err) == fault.NotFound {
		return Result{}, &fault.Error{Code: fault.Invalid, Message: formInvalid, Fields: map[string]string{formKey("case_id"): fmt.Sprintf("case %d not found", f.CaseID)}}
	} else if err != nil {
		return Result{}, err
	}
	mark := appMark(req.ApplicationNo)
	for _, o := range v.Objections {
		if strings.Contains(o.Content, mark) {
			return objected(&o), nil
		}
	}
	o, err := e.Assistance.Object(ctx, id, &assistance.Objection{Objector: strings.TrimSpace(f.Objector),
		Content: strings.TrimSpace(f.Content) + "（" + mark + "）", ReceivedOn: f.ReceivedOn})
	if err != nil {
		return Result{}, asFormError(err, nil)
	}
	return objected(o), nil
}

func objected(o *assistance.Objection) Result {
	return Result{Ref: ref("objection", int64(o.ID)),
		Summary: fmt.Sprintf("对案件%d的公示异议已于%s受理，核查后将告知结果；核查期间暂停审批。", o.CaseID, dateText(o.ReceivedOn))}
}

// ---- assistance.award.record (read-only)

type awardRecord struct{ Services }

type awardForm struct {
	AwardID int64 `json:"award_id"`
}

func (e *awardRecord) Fields() []Field {
	return []Field{
		{Name: "award_id", Label: label("待遇编号（不填则列出正在发放的全部待遇）", "Award (all awards in payment when not given)"), Kind: "int"},
	}
}

func (e *awardRecord) form(req Request) (awardForm, fault.Problems) {
	var f awardForm
	var p fault.Problems
	decodeFormInto(req.Form, &f, &p)
	if f.AwardID == 0 {
		requirePerson(&p, req)
	}
	return f, p
}

func (e *awardRecord) Check(ctx context.Context, req Request) error {
	_, p := e.form(req)
	return p.Err(formInvalid)
}

func (e *awardRecord) Execute(ctx context.Context, req Request) (Result, error) {
	f, p := e.form(req)
	if err := p.Err(formInvalid); err != nil {
		return Result{}, err
	}
	var awards []*assistance.Award
	if f.AwardID != 0 {
		a, err := e.Assistance.FindAward(ctx, assistance.AwardID(f.AwardID))
		if fault.CodeOf(err) == fault.NotFound {
			return Result{}, &fault.Error{Code: fault.Invalid, Message: formInvalid, Fields: map[string]string{formKey("award_id"): fmt.Sprintf("award %d not found", f.AwardID)}}
		} else if err != nil {
			return Result{}, err
		}
		if req.Person != 0 && a.PersonID != req.Person && !e.householdOf(ctx, req.Person, a.HouseholdID) {
			return Result{}, &fault.Error{Code: fault.Invalid, Message: formInvalid, Fields: map[string]string{formKey("award_id"): fmt.Sprintf("award %d is not the applicant's", f.AwardID)}}
		}
		awards = append(awards, a)
	} else {
		// The person's own awards (特困) and their household's.
		seen := map[assistance.AwardID]bool{}
		add := func(flt assistance.AwardFilter) error {
			flt.Status, flt.Page = assistance.AwardActive, registry.Page{Limit: 100}
			as, err := e.Assistance.Awards(ctx, flt)
			for _, a := range as {
				if !seen[a.ID] {
					seen[a.ID] = true
					awards = append(awards, a)
				}
			}
			return err
		}
		if err := add(assistance.AwardFilter{PersonID: req.Person}); err != nil {
			return Result{}, err
		}
		if h, err := householdOf(ctx, e.Registry, req.Person); err == nil {
			if err := add(assistance.AwardFilter{HouseholdID: h.ID}); err != nil {
				return Result{}, err
			}
		} else if fault.CodeOf(err) != fault.Invalid {
			return Result{}, err
		}
	}
	if len(awards) == 0 {
		return Result{Summary: "经查询，目前没有正在发放的社会救助待遇。", Record: awards}, nil
	}
	parts := make([]string, len(awards))
	for i, a := range awards {
		name := programmeNames[a.Programme]
		if name == "" {
			name = a.Programme
		}
		parts[i] = fmt.Sprintf("%s每月%s（自%s起）", name, yuanText(a.Amount), monthText(a.Start))
	}
	return Result{Summary: "正在发放的社会救助待遇：" + strings.Join(parts, "；") + "。", Record: awards}, nil
}

// householdOf reports whether household is the household of person.
func (e *awardRecord) householdOf(ctx context.Context, person registry.PersonID, household registry.HouseholdID) bool {
	if household == 0 {
		return false
	}
	h, err := householdOf(ctx, e.Registry, person)
	return err == nil && h.ID == household
}

// ---- assistance.classification (read-only)

type classification struct{ Services }

type classificationForm struct {
	Month period.Month `json:"month"`
}

func (e *classification) Fields() []Field {
	return []Field{
		{Name: "month", Label: label("认定月份（默认本月）", "Month (this month when not given)"), Kind: "month"},
	}
}

func (e *classification) form(req Request) (classificationForm, fault.Problems) {
	var f classificationForm
	var p fault.Problems
	decodeFormInto(req.Form, &f, &p)
	requirePerson(&p, req)
	return f, p
}

func (e *classification) Check(ctx context.Context, req Request) error {
	_, p := e.form(req)
	return p.Err(formInvalid)
}

func (e *classification) Execute(ctx context.Context, req Request) (Result, error) {
	f, p := e.form(req)
	if err := p.Err(formInvalid); err != nil {
		return Result{}, err
	}
	m := f.Month
	if m.IsZero() {
		m = e.Assistance.Today().Period()
	}
	h, err := householdOf(ctx, e.Registry, req.Person)
	if err != nil {
		return Result{}, err
	}
	ex, err := e.Assistance.Explain(ctx, h.ID, m)
	if fault.CodeOf(err) == fault.NotFound {
		return Result{Summary: fmt.Sprintf("截至%s，您的家庭尚未进行家庭经济状况核对，没有认定结果。", monthText(m))}, nil
	} else if err != nil {
		return Result{}, err
	}
	return Result{Record: ex, Summary: fmt.Sprintf("%s家庭认定结果：%s（家庭成员%d人，月人均收入%s）。",
		monthText(m), layerText(ex.Layer), ex.Members, yuanText(ex.PerCapitaIncome))}, nil
}
