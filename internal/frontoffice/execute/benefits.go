package execute

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

// The executors of the unemployment and work-injury benefit actions.

func init() {
	register("insurance.unemployment.claim", func(s Services) Executor { return &unemploymentClaim{s} })
	register("insurance.unemployment.stop", func(s Services) Executor { return &unemploymentStop{s} })
	register("insurance.unemployment.list", func(s Services) Executor { return &unemploymentList{s} })
	register("insurance.injury.record", func(s Services) Executor { return &injuryRecord{s} })
	register("insurance.injury.list", func(s Services) Executor { return &injuryList{s} })
}

// retirementGroupField asks for the retirement-age group, which decides
// when a benefit ends: it follows from the registry for a man and is
// asked for a woman (cadre or worker).
var retirementGroupField = Field{Name: "retirement_group", Label: label("退休年龄类别（女性必填：female_cadre 女干部 / female_worker 女工人）",
	"Retirement-age group (required for a woman)"), Kind: "choice", Values: insurance.RetirementGroups}

// insCheckGroup checks the retirement-age group against the person's sex in
// the registry: a man is male; a woman must say which group.
func insCheckGroup(pr *fault.Problems, p *registry.Person, group string) {
	if group != "" && !slices.Contains(insurance.RetirementGroups, group) {
		pr.Add(formKey("retirement_group"), "must be one of %s", strings.Join(insurance.RetirementGroups, ", "))
		return
	}
	if p == nil {
		return
	}
	switch male := p.Gender() == ids.Male; {
	case male && group != "" && group != insurance.GroupMale:
		pr.Add(formKey("retirement_group"), "the registry records the person as male")
	case !male && group == "":
		pr.Add(formKey("retirement_group"), "is required for a woman: female_cadre or female_worker, as her post")
	case !male && group == insurance.GroupMale:
		pr.Add(formKey("retirement_group"), "the registry records the person as female")
	}
}

// unemploymentClaim decides and records an unemployment benefit claim
// (insurance.Benefits.Claim).
type unemploymentClaim struct{ s Services }

type unemploymentClaimForm struct {
	PersonID        registry.PersonID `json:"person_id"`
	OrgID           registry.OrgID    `json:"org_id"`
	SeparationDate  period.Date       `json:"separation_date"`
	Separation      string            `json:"separation"`
	RegisteredOn    period.Date       `json:"registered_on"`
	RetirementGroup string            `json:"retirement_group"`
}

func (x *unemploymentClaim) Fields() []Field {
	return []Field{
		insPersonField,
		{Name: "org_id", Label: label("原用人单位", "Last employer"), Kind: "int", Required: true},
		{Name: "separation_date", Label: label("解除或终止劳动关系日期", "Date the job ended"), Kind: "date", Required: true},
		{Name: "separation", Label: label("离职原因", "How the job ended"), Kind: "choice", Values: insurance.Separations, Required: true},
		{Name: "registered_on", Label: label("失业登记日期", "Date registered as unemployed"), Kind: "date", Required: true},
		retirementGroupField,
	}
}

func (x *unemploymentClaim) parse(ctx context.Context, req Request) (*insurance.UnemploymentClaim, error) {
	var f unemploymentClaimForm
	var pr fault.Problems
	decodeFormInto(req.Form, &f, &pr)
	c := &insurance.UnemploymentClaim{PersonID: insApplicantPerson(req, f.PersonID, &pr), OrgID: f.OrgID, SeparationDate: f.SeparationDate,
		Separation: f.Separation, RegisteredOn: f.RegisteredOn, RetirementGroup: f.RetirementGroup}
	if c.OrgID <= 0 {
		pr.Add(formKey("org_id"), "is required: the last employer")
	}
	requireDate(&pr, "separation_date", f.SeparationDate)
	requireChoice(&pr, "separation", f.Separation, insurance.Separations...)
	requireDate(&pr, "registered_on", f.RegisteredOn)
	p, err := insReadPerson(ctx, x.s.Registry, c.PersonID, &pr)
	if err != nil {
		return nil, err
	}
	insCheckGroup(&pr, p, f.RetirementGroup)
	if p != nil && c.RetirementGroup == "" {
		c.RetirementGroup = insurance.GroupMale // insCheckGroup passed: a man
	}
	return c, pr.Err(formInvalid)
}

func (x *unemploymentClaim) Check(ctx context.Context, req Request) error {
	_, err := x.parse(ctx, req)
	return err
}

// personClaims lists every claim of the person.
func personClaims(ctx context.Context, b *insurance.Benefits, person registry.PersonID) ([]*insurance.UnemploymentClaim, error) {
	return insAllPages(func(after int64) ([]*insurance.UnemploymentClaim, error) {
		return b.Claims(ctx, insurance.ClaimFilter{PersonID: person, Page: registry.Page{After: after, Limit: registry.PageMax}})
	}, func(c *insurance.UnemploymentClaim) int64 { return int64(c.ID) })
}

func (x *unemploymentClaim) Execute(ctx context.Context, req Request) (Result, error) {
	c, err := x.parse(ctx, req)
	if err != nil {
		return Result{}, err
	}
	// A claim is the person's for one separation: one with this
	// separation date was made by this application before a crash.
	cs, err := personClaims(ctx, x.s.Benefits, c.PersonID)
	if err != nil {
		return Result{}, err
	}
	var got *insurance.UnemploymentClaim
	for _, e := range cs {
		if e.SeparationDate == c.SeparationDate {
			got = e
		}
	}
	if got == nil {
		if err := x.s.Benefits.Claim(ctx, c); err != nil {
			return Result{}, domainError(err, x.Fields(), nil)
		}
		got = c
	}
	return Result{Ref: fmt.Sprintf("unemployment_claim:%d", got.ID),
		Summary: fmt.Sprintf("%s的失业保险金已核定：每月%s，可领取%d个月，自%s起发放。", insPersonName(ctx, x.s.Registry, got.PersonID),
			yuanText(got.MonthlyAmount), got.EntitlementMonths, monthText(got.Start))}, nil
}

// unemploymentStop ends a person's open unemployment claim
// (insurance.Benefits.Stop).
type unemploymentStop struct{ s Services }

type unemploymentStopForm struct {
	PersonID registry.PersonID `json:"person_id"`
	Reason   string            `json:"reason"`
	From     period.Month      `json:"from"`
}

// stopReasons are the reasons Stop takes, as text.
func stopReasons() []string {
	out := make([]string, len(insurance.StopReasons))
	for i, r := range insurance.StopReasons {
		out[i] = string(r)
	}
	return out
}

func (x *unemploymentStop) Fields() []Field {
	return []Field{
		insPersonField,
		{Name: "reason", Label: label("停发原因", "Why the benefit stops"), Kind: "choice", Values: stopReasons(), Required: true},
		{Name: "from", Label: label("停发起始月份", "First month not paid"), Kind: "month", Required: true},
	}
}

func (x *unemploymentStop) parse(req Request) (registry.PersonID, unemploymentStopForm, error) {
	var f unemploymentStopForm
	var pr fault.Problems
	decodeFormInto(req.Form, &f, &pr)
	person := insApplicantPerson(req, f.PersonID, &pr)
	requireChoice(&pr, "reason", f.Reason, stopReasons()...)
	requireMonth(&pr, "from", f.From)
	return person, f, pr.Err(formInvalid)
}

func (x *unemploymentStop) Check(ctx context.Context, req Request) error {
	_, _, err := x.parse(req)
	return err
}

func (x *unemploymentStop) Execute(ctx context.Context, req Request) (Result, error) {
	person, f, err := x.parse(req)
	if err != nil {
		return Result{}, err
	}
	cs, err := personClaims(ctx, x.s.Benefits, person)
	if err != nil {
		return Result{}, err
	}
	var open, done *insurance.UnemploymentClaim
	for _, c := range cs {
		switch {
		case c.Status == insurance.ClaimOpen:
			open = c
		case c.Status == insurance.ClaimEnded && string(c.StopReason) == f.Reason && c.End == f.From.Add(-1):
			done = c // stopped by this application before a crash
		}
	}
	if open == nil && done == nil {
		var pr fault.Problems
		pr.Add("person_id", "%s没有正在领取的失业保险金 (no open claim)", insPersonName(ctx, x.s.Registry, person))
		return Result{}, pr.Err("no unemployment benefit to stop")
	}
	if done == nil {
		if done, err = x.s.Benefits.Stop(ctx, open.ID, open.Version, insurance.StopReason(f.Reason), f.From); err != nil {
			return Result{}, domainError(err, x.Fields(), nil)
		}
	}
	return Result{Ref: fmt.Sprintf("unemployment_claim:%d", done.ID),
		Summary: fmt.Sprintf("%s的失业保险金自%s起停发，最后发放月份为%s。", insPersonName(ctx, x.s.Registry, person), monthText(f.From), monthText(done.End))}, nil
}

// unemploymentList reads a person's unemployment claims with what was
// drawn (insurance.Benefits.Claims).
type unemploymentList struct{ s Services }

func (x *unemploymentList) Fields() []Field { return []Field{insPersonField} }

func (x *unemploymentList) Check(ctx context.Context, req Request) error {
	_, err := (&pensionRecord{x.s}).parse(req)
	return err
}

func (x *unemploymentList) Execute(ctx context.Context, req Request) (Result, error) {
	person, err := (&pensionRecord{x.s}).parse(req)
	if err != nil {
		return Result{}, err
	}
	cs, err := personClaims(ctx, x.s.Benefits, person)
	if err != nil {
		return Result{}, err
	}
	if cs == nil {
		cs = []*insurance.UnemploymentClaim{}
	}
	name := insPersonName(ctx, x.s.Registry, person)
	if len(cs) == 0 {
		return Result{Record: cs, Summary: fmt.Sprintf("%s没有失业保险金申领记录。", name)}, nil
	}
	parts := make([]string, len(cs))
	for i, c := range cs {
		state := "领取中"
		if c.Status == insurance.ClaimEnded {
			state = "已停发，最后月份" + monthText(c.End)
		}
		parts[i] = fmt.Sprintf("自%s起每月%s，核定%d个月，已领%d个月（%s）", monthText(c.Start), yuanText(c.MonthlyAmount), c.EntitlementMonths, c.MonthsDrawn, state)
	}
	return Result{Record: cs, Summary: fmt.Sprintf("%s的失业保险金：%s。", name, strings.Join(parts, "；"))}, nil
}

// injuryRecord records a recognised work injury with its disability grade
// and benefits (insurance.Benefits.RecordInjury).
type injuryRecord struct{ s Services }

type injuryForm struct {
	PersonID             registry.PersonID `json:"person_id"`
	OrgID                registry.OrgID    `json:"org_id"`
	InjuryDate           period.Date       `json:"injury_date"`
	RecognisedOn         period.Date       `json:"recognised_on"`
	Grade                int               `json:"grade"`
	Nursing              string            `json:"nursing"`
	EmployerArrangesWork *bool             `json:"employer_arranges_work"`
	RetirementGroup      string            `json:"retirement_group"`
}

func (x *injuryRecord) Fields() []Field {
	return []Field{
		insPersonField,
		{Name: "org_id", Label: label("受伤时的参保单位（单位申请时可空）", "Employer insured with when injured (empty when it applies)"), Kind: "int"},
		{Name: "injury_date", Label: label("受伤日期", "Date of the injury"), Kind: "date", Required: true},
		{Name: "recognised_on", Label: label("工伤认定日期", "Date recognised as a work injury"), Kind: "date", Required: true},
		{Name: "grade", Label: label("伤残等级（1-10级，据劳动能力鉴定结论）", "Disability grade, 1 to 10 (from the appraisal)"), Kind: "int", Required: true},
		{Name: "nursing", Label: label("生活自理障碍等级", "Nursing level"), Kind: "choice", Values: insurance.NursingLevels[1:]},
		{Name: "employer_arranges_work", Label: label("单位是否安排适当工作（五、六级必填）", "Whether the employer arranges suitable work (required for grades 5-6)"), Kind: "bool"},
		retirementGroupField,
	}
}

func (x *injuryRecord) parse(ctx context.Context, req Request) (*insurance.Injury, error) {
	var f injuryForm
	var pr fault.Problems
	decodeFormInto(req.Form, &f, &pr)
	in := &insurance.Injury{PersonID: insApplicantPerson(req, f.PersonID, &pr), OrgID: insApplicantOrg(req, f.OrgID, formKey("org_id"), &pr),
		InjuryDate: f.InjuryDate, RecognisedOn: f.RecognisedOn, Grade: f.Grade, Nursing: f.Nursing, RetirementGroup: f.RetirementGroup}
	// Grades 5 and 6 are paid the allowance unless the employer arranges
	// suitable work: the form says which, it is never assumed.
	switch {
	case f.EmployerArrangesWork != nil:
		in.EmployerArrangesWork = *f.EmployerArrangesWork
	case f.Grade == 5 || f.Grade == 6:
		pr.Add(formKey("employer_arranges_work"), "is required for grades 5 and 6: say whether the employer arranges suitable work")
	}
	requireDate(&pr, "injury_date", f.InjuryDate)
	requireDate(&pr, "recognised_on", f.RecognisedOn)
	if f.Grade < 1 || f.Grade > 10 {
		pr.Add(formKey("grade"), "is required: the disability grade from 1 to 10 of the appraisal")
	}
	if f.Nursing != "" && !slices.Contains(insurance.NursingLevels, f.Nursing) {
		pr.Add(formKey("nursing"), "must be one of %s", strings.Join(insurance.NursingLevels[1:], ", "))
	}
	p, err := insReadPerson(ctx, x.s.Registry, in.PersonID, &pr)
	if err != nil {
		return nil, err
	}
	insCheckGroup(&pr, p, f.RetirementGroup)
	if p != nil && in.RetirementGroup == "" {
		in.RetirementGroup = insurance.GroupMale // insCheckGroup passed: a man
	}
	return in, pr.Err(formInvalid)
}

func (x *injuryRecord) Check(ctx context.Context, req Request) error {
	_, err := x.parse(ctx, req)
	return err
}

// personInjuries lists every injury of the person.
func personInjuries(ctx context.Context, b *insurance.Benefits, person registry.PersonID) ([]*insurance.Injury, error) {
	return insAllPages(func(after int64) ([]*insurance.Injury, error) {
		return b.Injuries(ctx, insurance.ClaimFilter{PersonID: person, Page: registry.Page{After: after, Limit: registry.PageMax}})
	}, func(in *insurance.Injury) int64 { return int64(in.ID) })
}

// injurySummary says what an injury brings, in zh-CN.
func injurySummary(name string, in *insurance.Injury) string {
	s := fmt.Sprintf("%s的工伤（%s受伤，伤残%d级）待遇已核定：一次性伤残补助金%s", name, dateText(in.InjuryDate), in.Grade, yuanText(in.Grant))
	if in.Allowance == insurance.ClaimOpen {
		s += fmt.Sprintf("，伤残津贴自%s起按月发放", monthText(in.AllowanceFrom))
	}
	return s + "。"
}

func (x *injuryRecord) Execute(ctx context.Context, req Request) (Result, error) {
	in, err := x.parse(ctx, req)
	if err != nil {
		return Result{}, err
	}
	// One injury per person and injury date: one found was recorded by
	// this application before a crash.
	ins, err := personInjuries(ctx, x.s.Benefits, in.PersonID)
	if err != nil {
		return Result{}, err
	}
	var got *insurance.Injury
	for _, e := range ins {
		if e.InjuryDate == in.InjuryDate {
			got = e
		}
	}
	if got == nil {
		if err := x.s.Benefits.RecordInjury(ctx, in); err != nil {
			return Result{}, domainError(err, x.Fields(), map[string]string{"org_id": formKey("org_id")})
		}
		got = in
	}
	return Result{Ref: fmt.Sprintf("injury:%d", got.ID), Summary: injurySummary(insPersonName(ctx, x.s.Registry, got.PersonID), got)}, nil
}

// injuryList reads a person's work injuries and their benefits
// (insurance.Benefits.Injuries).
type injuryList struct{ s Services }

func (x *injuryList) Fields() []Field { return []Field{insPersonField} }

func (x *injuryList) Check(ctx context.Context, req Request) error {
	_, err := (&pensionRecord{x.s}).parse(req)
	return err
}

func (x *injuryList) Execute(ctx context.Context, req Request) (Result, error) {
	person, err := (&pensionRecord{x.s}).parse(req)
	if err != nil {
		return Result{}, err
	}
	ins, err := personInjuries(ctx, x.s.Benefits, person)
	if err != nil {
		return Result{}, err
	}
	if ins == nil {
		ins = []*insurance.Injury{}
	}
	name := insPersonName(ctx, x.s.Registry, person)
	if len(ins) == 0 {
		return Result{Record: ins, Summary: fmt.Sprintf("%s没有工伤待遇记录。", name)}, nil
	}
	parts := make([]string, len(ins))
	for i, in := range ins {
		parts[i] = fmt.Sprintf("%s受伤，伤残%d级，一次性伤残补助金%s", dateText(in.InjuryDate), in.Grade, yuanText(in.Grant))
	}
	return Result{Record: ins, Summary: fmt.Sprintf("%s的工伤待遇：%s。", name, strings.Join(parts, "；"))}, nil
}
