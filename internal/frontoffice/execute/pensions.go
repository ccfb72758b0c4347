package execute

import (
	"context"
	"fmt"
	"strings"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// The executors of the pension actions.

func init() {
	register("insurance.pension.award", func(s Services) Executor { return &pensionAward{s} })
	register("insurance.pension.calculation", func(s Services) Executor { return &pensionCalculation{s} })
	register("insurance.pension.record", func(s Services) Executor { return &pensionRecord{s} })
	register("insurance.pension.payroll", func(s Services) Executor { return &pensionPayroll{s} })
}

// pensionAward awards a pension in the matter's scheme with its
// calculation (insurance.Pensions.Award).
type pensionAward struct{ s Services }

type pensionAwardForm struct {
	PersonID        registry.PersonID `json:"person_id"`
	Start           period.Month      `json:"start"`
	RetirementGroup string            `json:"retirement_group"`
	DeemedMonths    int               `json:"deemed_months"`
	// DeemedWageIndex is the deemed wage index written as a decimal
	// (0.85).
	DeemedWageIndex string `json:"deemed_wage_index"`
}

func (x *pensionAward) Fields() []Field {
	return []Field{
		insPersonField,
		{Name: "start", Label: label("待遇起始月份（空为法定退休或领取年龄的月份）", "First month (empty: the statutory month)"), Kind: "month"},
		{Name: "retirement_group", Label: label("退休年龄类别（职工养老保险必填）", "Retirement-age group (employee pension)"), Kind: "choice",
			Values: insurance.RetirementGroups},
		{Name: "deemed_months", Label: label("视同缴费月数（据人事档案）", "Deemed contribution months (from the personnel archive)"), Kind: "int"},
		{Name: "deemed_wage_index", Label: label("视同缴费指数（如 0.85）", "Deemed wage index (e.g. 0.85)"), Kind: "text"},
	}
}

func (x *pensionAward) parse(ctx context.Context, req Request) (insurance.AwardRequest, error) {
	var f pensionAwardForm
	var pr fault.Problems
	decodeFormInto(req.Form, &f, &pr)
	ar := insurance.AwardRequest{PersonID: insApplicantPerson(req, f.PersonID, &pr), Scheme: argScheme(req.Matter), Start: f.Start,
		Group: f.RetirementGroup, DeemedMonths: f.DeemedMonths}
	if ar.Scheme != insurance.EmployeePension && ar.Scheme != insurance.ResidentPension {
		return ar, fmt.Errorf("matter %s: the award needs the argument scheme, a pension", req.Matter.ID)
	}
	if s := strings.TrimSpace(f.DeemedWageIndex); s != "" {
		r, err := money.ParseRate(s)
		if err != nil || r < 0 {
			pr.Add(formKey("deemed_wage_index"), "must be a decimal such as 0.85")
		}
		ar.DeemedWageIndex = r
	}
	if f.DeemedMonths < 0 {
		pr.Add(formKey("deemed_months"), "must be 0 or more")
	}
	p, err := insReadPerson(ctx, x.s.Registry, ar.PersonID, &pr)
	if err != nil {
		return ar, err
	}
	if ar.Scheme == insurance.EmployeePension {
		// The group decides the retirement age: required, and it must
		// agree with the sex the registry records.
		requireChoice(&pr, "retirement_group", f.RetirementGroup, insurance.RetirementGroups...)
		if p != nil && f.RetirementGroup != "" {
			male := p.Gender() == ids.Male
			if male != (f.RetirementGroup == insurance.GroupMale) {
				pr.Add(formKey("retirement_group"), "does not agree with the sex the registry records for the person")
			}
		}
	} else if f.RetirementGroup != "" || f.DeemedMonths != 0 || f.DeemedWageIndex != "" {
		pr.Add(formKey("retirement_group"), "the resident pension takes no retirement group or deemed contributions")
	}
	return ar, pr.Err(formInvalid)
}

func (x *pensionAward) Check(ctx context.Context, req Request) error {
	_, err := x.parse(ctx, req)
	return err
}

// current returns the person's award in the scheme that is not stopped,
// nil if none.
func currentAward(ctx context.Context, ps *insurance.Pensions, person registry.PersonID, scheme insurance.Scheme) (*insurance.Award, error) {
	as, err := ps.Awards(ctx, insurance.AwardFilter{PersonID: person, Scheme: scheme, Page: registry.Page{Limit: registry.PageMax}})
	if err != nil {
		return nil, err
	}
	var got *insurance.Award
	for _, a := range as {
		if a.Status != insurance.AwardStopped && (got == nil || a.ID > got.ID) {
			got = a
		}
	}
	return got, nil
}

func (x *pensionAward) Execute(ctx context.Context, req Request) (Result, error) {
	ar, err := x.parse(ctx, req)
	if err != nil {
		return Result{}, err
	}
	// One pension per person and scheme: an award not stopped that the
	// same caseworker made (Execute runs again with the reviewer's
	// principal) is this application's, made before a crash; one made by
	// someone else is left for Award to refuse.
	a, err := currentAward(ctx, x.s.Pensions, ar.PersonID, ar.Scheme)
	if err != nil {
		return Result{}, err
	}
	if p, ok := auth.PrincipalFrom(ctx); a != nil && (!ok || a.CreatedBy != p.Username) {
		a = nil
	}
	if a == nil {
		if a, err = x.s.Pensions.Award(ctx, ar); err != nil {
			return Result{}, domainError(err, x.Fields(), nil)
		}
	}
	return Result{Ref: fmt.Sprintf("award:%d", a.ID),
		Summary: fmt.Sprintf("%s的%s待遇已核定：每月%s，自%s起发放（计发缴费年限%d个月）。", insPersonName(ctx, x.s.Registry, a.PersonID),
			schemeZH(a.Scheme), yuanText(a.Amount), monthText(a.Start), a.ContributionMonths)}, nil
}

// pensionCalculation reads a pension award with its explained calculation
// (insurance.Pensions.FindAward).
type pensionCalculation struct{ s Services }

type awardReadForm struct {
	PersonID registry.PersonID `json:"person_id"`
	AwardID  int64             `json:"award_id"`
}

func (x *pensionCalculation) Fields() []Field {
	return []Field{insPersonField,
		{Name: "award_id", Label: label("核定记录编号（空为当前待遇）", "Award number (empty: the award in payment)"), Kind: "int"}}
}

func (x *pensionCalculation) parse(req Request) (registry.PersonID, awardReadForm, error) {
	var f awardReadForm
	var pr fault.Problems
	decodeFormInto(req.Form, &f, &pr)
	person := insApplicantPerson(req, f.PersonID, &pr)
	if f.AwardID < 0 {
		pr.Add(formKey("award_id"), "must be an award number")
	}
	return person, f, pr.Err(formInvalid)
}

func (x *pensionCalculation) Check(ctx context.Context, req Request) error {
	_, _, err := x.parse(req)
	return err
}

func (x *pensionCalculation) Execute(ctx context.Context, req Request) (Result, error) {
	person, f, err := x.parse(req)
	if err != nil {
		return Result{}, err
	}
	var a *insurance.Award
	if f.AwardID > 0 {
		if a, err = x.s.Pensions.FindAward(ctx, insurance.AwardID(f.AwardID)); err != nil {
			return Result{}, err
		}
		if a.PersonID != person {
			var pr fault.Problems
			pr.Add(formKey("award_id"), "award %d is not the person's", f.AwardID)
			return Result{}, pr.Err(formInvalid)
		}
	} else {
		scheme := argScheme(req.Matter)
		if a, err = currentAward(ctx, x.s.Pensions, person, scheme); err != nil {
			return Result{}, err
		}
		if a == nil {
			return Result{}, fault.Errorf(fault.NotFound, "%s没有%s待遇核定记录", insPersonName(ctx, x.s.Registry, person), schemeZH(scheme))
		}
		// The list leaves the decision out: read the award whole.
		if a, err = x.s.Pensions.FindAward(ctx, a.ID); err != nil {
			return Result{}, err
		}
	}
	return Result{Record: a, Summary: fmt.Sprintf("%s的%s核定表：自%s起每月%s，计发缴费年限%d个月。", insPersonName(ctx, x.s.Registry, a.PersonID),
		schemeZH(a.Scheme), monthText(a.Start), yuanText(a.Amount), a.ContributionMonths)}, nil
}

// pensionRecord reads the pensions a person is paid
// (insurance.Pensions.Awards).
type pensionRecord struct{ s Services }

func (x *pensionRecord) Fields() []Field { return []Field{insPersonField} }

func (x *pensionRecord) parse(req Request) (registry.PersonID, error) {
	var f insPersonForm
	var pr fault.Problems
	decodeFormInto(req.Form, &f, &pr)
	person := insApplicantPerson(req, f.PersonID, &pr)
	return person, pr.Err(formInvalid)
}

func (x *pensionRecord) Check(ctx context.Context, req Request) error {
	_, err := x.parse(req)
	return err
}

// awardStatusZH names an award's status in zh-CN.
func awardStatusZH(s insurance.AwardStatus) string {
	switch s {
	case insurance.AwardActive:
		return "正常发放"
	case insurance.AwardSuspended:
		return "暂停发放"
	case insurance.AwardStopped:
		return "终止发放"
	}
	return string(s)
}

func (x *pensionRecord) Execute(ctx context.Context, req Request) (Result, error) {
	person, err := x.parse(req)
	if err != nil {
		return Result{}, err
	}
	as, err := x.s.Pensions.Awards(ctx, insurance.AwardFilter{PersonID: person, Scheme: argScheme(req.Matter), Page: registry.Page{Limit: registry.PageMax}})
	if err != nil {
		return Result{}, err
	}
	if as == nil {
		as = []*insurance.Award{}
	}
	name := insPersonName(ctx, x.s.Registry, person)
	if len(as) == 0 {
		return Result{Record: as, Summary: fmt.Sprintf("%s没有养老金待遇记录。", name)}, nil
	}
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = fmt.Sprintf("%s自%s起每月%s（%s）", schemeZH(a.Scheme), monthText(a.Start), yuanText(a.Amount), awardStatusZH(a.Status))
	}
	return Result{Record: as, Summary: fmt.Sprintf("%s的养老金待遇：%s。", name, strings.Join(parts, "；"))}, nil
}

// pensionPayroll runs a month's pension payroll for a region
// (insurance.Pensions.Payroll). A run repeated writes only what changed.
type pensionPayroll struct{ s Services }

type payrollForm struct {
	Period period.Month `json:"period"`
	Region string       `json:"region"`
}

func (x *pensionPayroll) Fields() []Field {
	return []Field{
		{Name: "period", Label: label("发放月份", "Month paid"), Kind: "month", Required: true},
		{Name: "region", Label: label("发放地区（行政区划代码）", "Region (division code)"), Kind: "text", Required: true},
	}
}

func (x *pensionPayroll) parse(req Request) (payrollForm, error) {
	var f payrollForm
	var pr fault.Problems
	decodeFormInto(req.Form, &f, &pr)
	requireMonth(&pr, "period", f.Period)
	if _, err := region.ParseCode(f.Region); err != nil {
		pr.Add(formKey("region"), "is required: a division code such as 652301")
	}
	return f, pr.Err(formInvalid)
}

func (x *pensionPayroll) Check(ctx context.Context, req Request) error {
	_, err := x.parse(req)
	return err
}

func (x *pensionPayroll) Execute(ctx context.Context, req Request) (Result, error) {
	f, err := x.parse(req)
	if err != nil {
		return Result{}, err
	}
	code := region.Code(f.Region)
	sum, err := x.s.Pensions.Payroll(ctx, f.Period, code)
	if err != nil {
		return Result{}, domainError(err, x.Fields(), nil)
	}
	id := sum.ID
	if sum.NothingNew {
		// Run before: the month's latest run for the region is the one.
		runs, err := insAllPages(func(after int64) ([]*insurance.PayrollRun, error) {
			return x.s.Pensions.PayrollRuns(ctx, insurance.PayrollRunFilter{Region: code, Period: f.Period, Page: registry.Page{After: after, Limit: registry.PageMax}})
		}, func(r *insurance.PayrollRun) int64 { return r.ID })
		if err != nil {
			return Result{}, err
		}
		for _, r := range runs {
			if r.Region == code && r.ID > id {
				id = r.ID
			}
		}
	}
	total, err := money.Add(sum.Regular, sum.Arrears)
	if err != nil {
		return Result{}, err
	}
	return Result{Ref: fmt.Sprintf("payroll_run:%d", id),
		Summary: fmt.Sprintf("%s养老金发放：%d笔，合计%s（其中补发%s）；暂停%d人，终止%d人。", monthText(f.Period), sum.Lines, yuanText(total),
			yuanText(sum.Arrears), sum.Suspended, sum.Stopped)}, nil
}
