package execute

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"safetynet/internal/bundles"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

// The executors of the bundled matters (一件事一次办, docs/bundles.md): each
// decodes its form into the request of internal/bundles and calls the
// bundle, which runs the real domain services in order and finds its
// earlier effects by their natural keys, so Execute is idempotent for one
// application.

func init() {
	register("bundle.enterprise_open", func(s Services) Executor { return &openBundle{bundleService(s)} })
	register("bundle.enterprise_close", func(s Services) Executor { return &closeBundle{bundleService(s)} })
	register("bundle.retirement", func(s Services) Executor { return &retireBundle{bundleService(s)} })
	register("bundle.death", func(s Services) Executor { return &deathBundle{bundleService(s), s.Registry} })
}

func bundleService(s Services) *bundles.Service {
	return bundles.New(s.Registry, s.Insurance, s.Pensions, s.Deaths, s.Closings, s.Assistance)
}

// formProblems re-keys the problems of an Invalid error from a bundle
// (keyed by the bundle request's fields) as form.<field>, leaving person_id
// and organisation_id as they are; other errors pass unchanged.
func formProblems(err error) error {
	var fe *fault.Error
	if err == nil || !errors.As(err, &fe) || fe.Code != fault.Invalid || len(fe.Fields) == 0 {
		return err
	}
	out := *fe
	out.Fields = make(map[string]string, len(fe.Fields))
	for k, v := range fe.Fields {
		if k != "person_id" && k != "organisation_id" && k != "form" && !strings.HasPrefix(k, "form.") {
			k = "form." + k
		}
		out.Fields[k] = v
	}
	out.FieldReasons = nil
	return &out
}

// yuan writes an amount as 1,234.56 元.
func yuan(f money.Fen) string { return f.String() + " 元" }

// monthZH writes a month as 2026年11月.
func monthZH(m period.Month) string { return fmt.Sprintf("%d年%d月", m.Year(), int(m.MonthOfYear())) }

// dateZH writes a date as 2026年11月22日.
func dateZH(d period.Date) string {
	y, m, dd := d.YMD()
	return fmt.Sprintf("%d年%d月%d日", y, int(m), dd)
}

// ---- 企业开办一件事

type openBundle struct{ s *bundles.Service }

func (e *openBundle) Fields() []Field {
	return []Field{
		{Name: "uscc", Label: label("统一社会信用代码", "unified social credit code"), Kind: "text", Required: true},
		{Name: "name", Label: label("单位名称", "name"), Kind: "text", Required: true},
		{Name: "industry_code", Label: label("行业代码（GB/T 4754）", "industry class (GB/T 4754)"), Kind: "text", Required: true},
		{Name: "size", Label: label("企业规模", "size"), Kind: "choice", Values: []string{"micro", "small", "medium", "large"}, Required: true},
		{Name: "region_code", Label: label("所在地区", "region"), Kind: "text", Required: true},
		{Name: "address", Label: label("地址", "address"), Kind: "text"},
		{Name: "from", Label: label("参保起始月份", "first month insured"), Kind: "month", Required: true},
		{Name: "risk_class", Label: label("工伤保险行业风险类别（1-8）", "work-injury risk class (1-8)"), Kind: "int", Required: true},
		// staff is a list of objects {person_id, monthly_wage (fen)}.
		{Name: "staff", Label: label("参保职工（人员编号及申报月工资）", "staff (person id and monthly wage in fen)"), Kind: "list", Required: true},
	}
}

func (e *openBundle) request(req Request) (bundles.OpenRequest, error) {
	var r bundles.OpenRequest
	return r, decodeForm(req.Form, &r)
}

func (e *openBundle) Check(ctx context.Context, req Request) error {
	r, err := e.request(req)
	if err != nil {
		return err
	}
	return formProblems(e.s.CheckOpen(ctx, r))
}

func (e *openBundle) Execute(ctx context.Context, req Request) (Result, error) {
	r, err := e.request(req)
	if err != nil {
		return Result{}, err
	}
	o, err := e.s.OpenEnterprise(ctx, r)
	if err != nil {
		return Result{}, formProblems(err)
	}
	schemes := make([]string, len(bundles.OpeningSchemes))
	for i, sc := range bundles.OpeningSchemes {
		schemes[i] = bundles.SchemeZH(sc)
	}
	return Result{Ref: fmt.Sprintf("organisation:%d", o.Organisation.ID),
		Summary: fmt.Sprintf("已登记用人单位%s（统一社会信用代码 %s）；%d 名职工（%s）自%s起参加%s，共办理 %d 项参保登记。",
			o.Organisation.Name, o.Organisation.USCC, len(o.StaffNames), strings.Join(o.StaffNames, "、"), monthZH(r.From),
			strings.Join(schemes, "、"), len(o.Enrolments))}, nil
}

// ---- 企业注销一件事

type closeBundle struct{ s *bundles.Service }

func (e *closeBundle) Fields() []Field {
	return []Field{
		{Name: "on", Label: label("注销日期", "closing date"), Kind: "date", Required: true},
		{Name: "reason", Label: label("注销原因", "reason"), Kind: "text", Required: true},
		{Name: "arrears", Label: label("欠费处理（settle 结清后注销；list 列明欠费由清算组清偿）", "arrears: settle first, or list for the liquidation"),
			Kind: "choice", Values: []string{bundles.ArrearsSettle, bundles.ArrearsList}, Required: true},
	}
}

func (e *closeBundle) request(req Request) (bundles.CloseRequest, error) {
	r := bundles.CloseRequest{OrgID: req.Organisation}
	if err := decodeForm(req.Form, &r); err != nil {
		return r, err
	}
	if req.Organisation <= 0 {
		return r, &fault.Error{Code: fault.Invalid, Message: "invalid enterprise closing",
			Fields: map[string]string{"organisation_id": "企业注销由用人单位申请：写明单位"}}
	}
	return r, nil
}

func (e *closeBundle) Check(ctx context.Context, req Request) error {
	r, err := e.request(req)
	if err != nil {
		return err
	}
	return formProblems(e.s.CheckClose(ctx, r))
}

func (e *closeBundle) Execute(ctx context.Context, req Request) (Result, error) {
	r, err := e.request(req)
	if err != nil {
		return Result{}, err
	}
	out, err := e.s.CloseEnterprise(ctx, r)
	if err != nil {
		return Result{}, formProblems(err)
	}
	c := out.Closing
	arrears := "无欠费"
	if len(c.Arrears) > 0 {
		arrears = fmt.Sprintf("列明欠费 %s（%d 个险种月份），由清算组清偿", yuan(c.ArrearsTotal), len(c.Arrears))
	}
	return Result{Ref: fmt.Sprintf("organisation:%d", c.OrgID),
		Summary: fmt.Sprintf("%s已于%s注销社会保险登记：%d 项参保关系自%s起终止，%d 段劳动关系终止；%s。",
			out.Organisation.Name, dateZH(c.On), len(c.Terminated), monthZH(c.Month), c.Separated, arrears)}, nil
}

// ---- 退休一件事

type retireBundle struct{ s *bundles.Service }

func (e *retireBundle) Fields() []Field {
	return []Field{
		{Name: "start", Label: label("待遇起始月份（空则为法定退休月份）", "first month of the pension (statutory when empty)"), Kind: "month"},
		{Name: "retirement_group", Label: label("退休年龄类别（企业职工养老保险）", "retirement-age group (employee pension)"), Kind: "choice",
			Values: []string{insurance.GroupMale, insurance.GroupFemaleCadre, insurance.GroupFemaleWorker}},
		{Name: "deemed_months", Label: label("视同缴费月数", "deemed contribution months"), Kind: "int"},
	}
}

func (e *retireBundle) request(req Request) (bundles.RetireRequest, error) {
	r := bundles.RetireRequest{PersonID: req.Person, Scheme: insurance.Scheme(req.Matter.Args["scheme"])}
	if err := decodeForm(req.Form, &r); err != nil {
		return r, err
	}
	if req.Person <= 0 {
		return r, &fault.Error{Code: fault.Invalid, Message: "invalid retirement", Fields: map[string]string{"person_id": "退休由本人（或代办人）申请：写明申请人"}}
	}
	return r, nil
}

func (e *retireBundle) Check(ctx context.Context, req Request) error {
	r, err := e.request(req)
	if err != nil {
		return err
	}
	return formProblems(e.s.CheckRetire(ctx, r))
}

func (e *retireBundle) Execute(ctx context.Context, req Request) (Result, error) {
	r, err := e.request(req)
	if err != nil {
		return Result{}, err
	}
	out, err := e.s.Retire(ctx, r)
	if err != nil {
		return Result{}, formProblems(err)
	}
	a := out.Award
	back := ""
	if out.FirstPayroll > a.Start {
		back = fmt.Sprintf("，%s至%s的待遇随之补发", monthZH(a.Start), monthZH(out.FirstPayroll.Add(-1)))
	}
	return Result{Ref: fmt.Sprintf("pension_award:%d", a.ID),
		Summary: fmt.Sprintf("已核定%s待遇：自%s起每月 %s（计算见养老金核定表）；首次随%s养老金发放%s；待遇领取资格认证每 %d 个月一次，首次认证须在%s底前完成。",
			bundles.SchemeZH(a.Scheme), monthZH(a.Start), yuan(a.Amount), monthZH(out.FirstPayroll), back, out.IntervalMonths, monthZH(out.CertificationDue))}, nil
}

// ---- 身后一件事

type deathBundle struct {
	s   *bundles.Service
	reg *registry.Service
}

func (e *deathBundle) Fields() []Field {
	return []Field{
		{Name: "deceased_id", Label: label("死者人员编号", "person who died"), Kind: "int", Required: true},
		{Name: "death_date", Label: label("死亡日期", "date of death"), Kind: "date", Required: true},
		{Name: "source", Label: label("死亡信息来源", "source of the death record"), Kind: "choice", Values: registry.DeathSources, Required: true},
		{Name: "survivor_id", Label: label("领取待遇的遗属（空则为申请人）", "survivor paid (the applicant when empty)"), Kind: "int"},
		{Name: "died_at_work", Label: label("因工死亡", "died at work"), Kind: "bool"},
	}
}

func (e *deathBundle) request(req Request) (bundles.DeathRequest, error) {
	var r bundles.DeathRequest
	if err := decodeForm(req.Form, &r); err != nil {
		return r, err
	}
	if r.SurvivorID == 0 {
		r.SurvivorID = req.Person
	}
	return r, nil
}

func (e *deathBundle) Check(ctx context.Context, req Request) error {
	r, err := e.request(req)
	if err != nil {
		return err
	}
	return formProblems(e.s.CheckDeath(ctx, r))
}

func (e *deathBundle) Execute(ctx context.Context, req Request) (Result, error) {
	r, err := e.request(req)
	if err != nil {
		return Result{}, err
	}
	out, err := e.s.SettleDeath(ctx, r)
	if err != nil {
		return Result{}, formProblems(err)
	}
	d := out.Settlement
	if d == nil {
		return Result{Ref: fmt.Sprintf("person:%d", out.Deceased.ID),
			Summary: fmt.Sprintf("已登记%s于%s死亡；%s未参加基本养老保险，无丧葬补助金、抚恤金和个人账户余额可领；其社会救助待遇自%s起停发。",
				out.Deceased.Name, dateZH(out.Deceased.DeathDate), out.Deceased.Name, monthZH(out.StoppedFrom))}, nil
	}
	sv, err := e.reg.Person(ctx, d.SurvivorID)
	if err != nil {
		return Result{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "已登记%s于%s死亡；%s的养老金和救助待遇自%s起停发。身后事待遇（%s）：丧葬补助金 %s，抚恤金 %s，个人账户可继承余额 %s，扣回死亡后多发养老金 %s，支付遗属%s %s。",
		out.Deceased.Name, dateZH(out.Deceased.DeathDate), out.Deceased.Name, monthZH(out.StoppedFrom), bundles.SchemeZH(d.Scheme),
		yuan(d.FuneralGrant), yuan(d.SurvivorsBenefit), yuan(d.Inheritable), yuan(d.Recovered), sv.Name, yuan(d.Net))
	fmt.Fprintf(&b, "计算：%s。", strings.Join(d.Detail.Steps, "；"))
	if dec := d.Detail.Decision; dec != nil {
		// A parameter not confirmed yet (the local base of the grant and
		// benefit, a dated value) is said to be so.
		for _, p := range dec.Parameters {
			if p.Status != "" && p.Status != "confirmed" {
				fmt.Fprintf(&b, "注：参数 %s（%s，自%s起，%s 层）尚待核实（%s）。", p.Key, p.Value, dateZH(p.From), p.Layer, p.Status)
			}
		}
	}
	res := Result{Ref: fmt.Sprintf("death_settlement:%d", d.ID)}
	if out.Pending {
		b.WriteString("待另一名工作人员审批后支付。")
		res.Summary, res.Pending = b.String(), true
		return res, nil
	}
	b.WriteString("已审批，待遇经支付指令发放。")
	if len(out.Stopped) > 0 {
		fmt.Fprintf(&b, "本人 %d 项救助待遇已停发。", len(out.Stopped))
	}
	if len(out.Reviews) > 0 {
		due := out.Reviews[0].ReviewDue
		for _, a := range out.Reviews[1:] {
			due = min(due, a.ReviewDue)
		}
		fmt.Fprintf(&b, "家庭 %d 项社会救助待遇列入复核，复核日期%s。", len(out.Reviews), dateZH(due))
	}
	res.Summary = b.String()
	return res, nil
}
