package execute

import (
	"context"
	"fmt"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

// The executors of the enrolment and contribution actions.

func init() {
	register("insurance.enrolment.transition", func(s Services) Executor { return &enrolmentTransition{s} })
	register("insurance.contributions.post", func(s Services) Executor { return &contributionsPost{s} })
	register("insurance.contributions.list", func(s Services) Executor { return &contributionsList{s} })
	register("insurance.arrears.list", func(s Services) Executor { return &arrearsList{s} })
}

// enrolmentTransition suspends, resumes or terminates a person's
// enrolment in the matter's scheme (insurance.Service.Transition).
type enrolmentTransition struct{ s Services }

type transitionForm struct {
	PersonID registry.PersonID `json:"person_id"`
	OrgID    registry.OrgID    `json:"org_id"`
	Scheme   insurance.Scheme  `json:"scheme"`
	From     period.Month      `json:"from"`
	Reason   string            `json:"reason"`
}

func (x *enrolmentTransition) Fields() []Field {
	return []Field{
		insPersonField,
		{Name: "scheme", Label: label("险种（事项未限定时）", "Scheme (when the matter does not fix it)"), Kind: "choice", Values: schemeValues()},
		{Name: "from", Label: label("变更起始月份", "First month of the change"), Kind: "month", Required: true},
		{Name: "reason", Label: label("原因（暂停、终止时必填）", "Reason (for a suspension or termination)"), Kind: "text"},
		{Name: "org_id", Label: label("参保单位（有多个单位参保时）", "Employer of the enrolment (when several)"), Kind: "int"},
	}
}

// parse decodes and checks the form, returning the person, scheme and
// target status.
func (x *enrolmentTransition) parse(ctx context.Context, req Request) (f transitionForm, person registry.PersonID, scheme insurance.Scheme, to insurance.Status, err error) {
	var pr fault.Problems
	decodeFormInto(req.Form, &f, &pr)
	person = insApplicantPerson(req, f.PersonID, &pr)
	to = insurance.Status(req.Matter.Args["to"])
	switch to {
	case insurance.Active, insurance.Suspended, insurance.Terminated:
	default:
		return f, 0, "", "", fmt.Errorf("matter %s: the action needs the argument to", req.Matter.ID)
	}
	if scheme = argScheme(req.Matter); scheme == "" {
		scheme = f.Scheme
		if !scheme.Valid() {
			pr.Add("form.scheme", "请选择险种 (choose the scheme)")
		}
	}
	if f.From.IsZero() {
		pr.Add("form.from", "请填写变更起始月份 (the first month is required)")
	}
	if to != insurance.Active && strings.TrimSpace(f.Reason) == "" {
		pr.Add("form.reason", "请说明暂停或终止的原因 (say why)")
	}
	if _, rerr := insReadPerson(ctx, x.s.Registry, person, &pr); rerr != nil {
		return f, 0, "", "", rerr
	}
	return f, person, scheme, to, pr.Err("invalid application")
}

func (x *enrolmentTransition) Check(ctx context.Context, req Request) error {
	f, person, scheme, to, err := x.parse(ctx, req)
	if err != nil {
		return err
	}
	_, err = x.find(ctx, req, f, person, scheme, to)
	return err
}

// find returns the enrolment the change applies to; a problem when the
// person has none in the state the change starts from.
func (x *enrolmentTransition) find(ctx context.Context, req Request, f transitionForm, person registry.PersonID, scheme insurance.Scheme, to insurance.Status) (*insurance.Enrolment, error) {
	from := insurance.Active
	if to == insurance.Active {
		from = insurance.Suspended
	}
	es, err := x.s.Insurance.Enrolments(ctx, insurance.EnrolmentFilter{PersonID: person, Scheme: scheme, Page: registry.Page{Limit: registry.PageMax}})
	if err != nil {
		return nil, err
	}
	org := f.OrgID
	if org == 0 {
		org = req.Organisation
	}
	var found []*insurance.Enrolment
	for _, e := range es {
		if e.Status == from || to == insurance.Terminated && e.Status == insurance.Suspended {
			if org == 0 || e.OrgID == org {
				found = append(found, e)
			}
		}
	}
	switch len(found) {
	case 0:
		var pr fault.Problems
		pr.Add("person_id", "该人员没有可%s的%s参保记录 (no enrolment to change)", statusVerbZH(to), schemeZH(scheme))
		return nil, pr.Err("invalid application")
	case 1:
		return found[0], nil
	}
	var pr fault.Problems
	pr.Add("form.org_id", "该人员有%d条%s参保记录，请填写参保单位 (name the employer)", len(found), schemeZH(scheme))
	return nil, pr.Err("invalid application")
}

func statusVerbZH(to insurance.Status) string {
	switch to {
	case insurance.Suspended:
		return "暂停"
	case insurance.Active:
		return "恢复"
	}
	return "终止"
}

// done finds the effect of an earlier run of the application: the
// enrolment suspended or terminated with the application's number in its
// reason, or the enrolment resumed from the month.
func (x *enrolmentTransition) done(ctx context.Context, req Request, person registry.PersonID, scheme insurance.Scheme, to insurance.Status, from period.Month) (*insurance.Enrolment, error) {
	es, err := insAllPages(func(after int64) ([]*insurance.Enrolment, error) {
		return x.s.Insurance.Enrolments(ctx, insurance.EnrolmentFilter{PersonID: person, Scheme: scheme, Page: registry.Page{After: after, Limit: registry.PageMax}})
	}, func(e *insurance.Enrolment) int64 { return int64(e.ID) })
	if err != nil {
		return nil, err
	}
	// A resume closes the suspended enrolment with "resumed from <from>"
	// in its reason and opens one from the month.
	resumed := false
	for _, e := range es {
		if e.Status == insurance.Terminated && strings.Contains(e.Reason, "resumed from "+from.String()) {
			resumed = true
		}
	}
	for _, e := range es {
		switch {
		case to == insurance.Active && resumed && e.Status == insurance.Active && e.Start == from:
			return e, nil
		case to != insurance.Active && e.Status == to && strings.Contains(e.Reason, "（"+appMark(req.ApplicationNo)+"）"):
			return e, nil
		}
	}
	return nil, nil
}

func (x *enrolmentTransition) Execute(ctx context.Context, req Request) (Result, error) {
	f, person, scheme, to, err := x.parse(ctx, req)
	if err != nil {
		return Result{}, err
	}
	e, err := x.done(ctx, req, person, scheme, to, f.From)
	if err != nil {
		return Result{}, err
	}
	if e == nil {
		cur, err := x.find(ctx, req, f, person, scheme, to)
		if err != nil {
			return Result{}, err
		}
		reason := ""
		if to != insurance.Active {
			reason = strings.TrimSpace(f.Reason) + "（" + appMark(req.ApplicationNo) + "）"
		}
		if e, err = x.s.Insurance.Transition(ctx, cur.ID, cur.Version, to, f.From, reason); err != nil {
			return Result{}, domainError(err, x.Fields(), map[string]string{"status": "person_id"})
		}
	}
	name := insPersonName(ctx, x.s.Registry, person)
	var sum string
	switch to {
	case insurance.Active:
		sum = fmt.Sprintf("%s的%s自%s起恢复缴费。", name, schemeZH(scheme), monthText(f.From))
	default:
		sum = fmt.Sprintf("%s的%s自%s起%s，最后缴费月份为%s。", name, schemeZH(scheme), monthText(f.From), statusVerbZH(to), monthText(e.End))
	}
	return Result{Ref: fmt.Sprintf("enrolment:%d", e.ID), Summary: sum}, nil
}

// contributionsPost records a contribution paid at the window or bank
// (insurance.Service.Post): one receipt for one person, scheme and month.
type contributionsPost struct{ s Services }

type postForm struct {
	PersonID   registry.PersonID `json:"person_id"`
	Scheme     insurance.Scheme  `json:"scheme"`
	Period     period.Month      `json:"period"`
	Base       money.Fen         `json:"base"`
	Employer   money.Fen         `json:"employer"`
	Individual money.Fen         `json:"individual"`
	PaidOn     period.Date       `json:"paid_on"`
	ReceiptNo  string            `json:"receipt_no"`
}

func (x *contributionsPost) Fields() []Field {
	return []Field{
		insPersonField,
		{Name: "scheme", Label: label("险种（事项未限定时）", "Scheme (when the matter does not fix it)"), Kind: "choice", Values: schemeValues()},
		{Name: "period", Label: label("费款所属期", "Month paid for"), Kind: "month", Required: true},
		{Name: "base", Label: label("缴费基数（分）", "Contribution base (fen)"), Kind: "fen"},
		{Name: "employer", Label: label("单位缴费（分）", "Employer's part (fen)"), Kind: "fen"},
		{Name: "individual", Label: label("个人缴费（分）", "Individual's part (fen)"), Kind: "fen"},
		{Name: "paid_on", Label: label("缴费日期", "Date paid"), Kind: "date", Required: true},
		{Name: "receipt_no", Label: label("缴费凭证号", "Receipt number"), Kind: "text", Required: true},
	}
}

func (x *contributionsPost) parse(ctx context.Context, req Request) (insurance.Payment, error) {
	var f postForm
	var pr fault.Problems
	decodeFormInto(req.Form, &f, &pr)
	p := insurance.Payment{PersonID: insApplicantPerson(req, f.PersonID, &pr), OrgID: req.Organisation, Scheme: argScheme(req.Matter),
		Period: f.Period, Base: f.Base, Employer: f.Employer, Individual: f.Individual, PaidOn: f.PaidOn, ReceiptNo: strings.TrimSpace(f.ReceiptNo)}
	if p.Scheme == "" {
		if p.Scheme = f.Scheme; !p.Scheme.Valid() {
			pr.Add("form.scheme", "请选择险种 (choose the scheme)")
		}
	}
	if p.Period.IsZero() {
		pr.Add("form.period", "请填写费款所属期 (the month is required)")
	}
	if p.PaidOn.IsZero() {
		pr.Add("form.paid_on", "请填写缴费日期 (the date paid is required)")
	}
	if p.ReceiptNo == "" || len(p.ReceiptNo) > 40 {
		pr.Add("form.receipt_no", "请填写缴费凭证号，最多40个字符 (the receipt number, at most 40 characters)")
	}
	if f.Base < 0 || f.Employer < 0 || f.Individual < 0 {
		pr.Add("form.individual", "金额不能为负 (amounts are not negative)")
	} else if f.Employer == 0 && f.Individual == 0 {
		pr.Add("form.individual", "请填写缴费金额 (nothing was paid)")
	}
	if _, err := insReadPerson(ctx, x.s.Registry, p.PersonID, &pr); err != nil {
		return p, err
	}
	return p, pr.Err("invalid application")
}

func (x *contributionsPost) Check(ctx context.Context, req Request) error {
	_, err := x.parse(ctx, req)
	return err
}

// posted finds the payment with the receipt number, nil if none.
func (x *contributionsPost) posted(ctx context.Context, p insurance.Payment) (*insurance.Payment, error) {
	ps, err := x.s.Insurance.Contributions(ctx, insurance.ContributionFilter{PersonID: p.PersonID, Scheme: p.Scheme, From: p.Period, To: p.Period,
		Page: registry.Page{Limit: registry.PageMax}})
	if err != nil {
		return nil, err
	}
	for i := range ps {
		if ps[i].ReceiptNo == p.ReceiptNo {
			return &ps[i], nil
		}
	}
	return nil, nil
}

// postRename keys the problems of Post as the form's fields.
var postRename = map[string]string{
	"payments[0].person_id": "person_id", "payments[0].org_id": "organisation_id", "payments[0].scheme": "form.scheme",
	"payments[0].period": "form.period", "payments[0].base": "form.base", "payments[0].employer": "form.employer",
	"payments[0].individual": "form.individual", "payments[0].amount": "form.individual", "payments[0].paid_on": "form.paid_on",
	"payments[0].receipt_no": "form.receipt_no",
}

func (x *contributionsPost) Execute(ctx context.Context, req Request) (Result, error) {
	p, err := x.parse(ctx, req)
	if err != nil {
		return Result{}, err
	}
	got, err := x.posted(ctx, p)
	if err != nil {
		return Result{}, err
	}
	if got == nil {
		if err := x.s.Insurance.Post(ctx, []insurance.Payment{p}); err != nil {
			return Result{}, domainError(err, x.Fields(), postRename)
		}
		if got, err = x.posted(ctx, p); err != nil {
			return Result{}, err
		}
		if got == nil {
			return Result{}, fmt.Errorf("contribution %s posted but not found", p.ReceiptNo)
		}
	}
	total, err := money.Add(got.Employer, got.Individual)
	if err != nil {
		return Result{}, err
	}
	return Result{Ref: fmt.Sprintf("payment:%d", got.ID),
		Summary: fmt.Sprintf("已收到%s%s%s的缴费%s（凭证号%s）。", insPersonName(ctx, x.s.Registry, got.PersonID), monthText(got.Period), schemeZH(got.Scheme),
			yuanText(total), got.ReceiptNo)}, nil
}

// contributionsList reads the contributions of a person or an employer
// (insurance.Service.Contributions).
type contributionsList struct{ s Services }

type contribListForm struct {
	PersonID registry.PersonID `json:"person_id"`
	From     period.Month      `json:"from"`
	To       period.Month      `json:"to"`
}

func (x *contributionsList) Fields() []Field {
	return []Field{
		insPersonField,
		{Name: "from", Label: label("起始月份", "From month"), Kind: "month"},
		{Name: "to", Label: label("截止月份", "To month"), Kind: "month"},
	}
}

func (x *contributionsList) filter(ctx context.Context, req Request) (insurance.ContributionFilter, error) {
	var f contribListForm
	var pr fault.Problems
	decodeFormInto(req.Form, &f, &pr)
	cf := insurance.ContributionFilter{Scheme: argScheme(req.Matter), From: f.From, To: f.To}
	if req.Matter.Args["of"] == "employer" {
		cf.OrgID = insApplicantOrg(req, 0, "organisation_id", &pr)
		if f.From.IsZero() || f.To.IsZero() {
			pr.Add("form.from", "单位缴费记录请给出起止月份 (give the months from and to)")
		}
	} else {
		cf.PersonID = insApplicantPerson(req, f.PersonID, &pr)
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To < f.From {
		pr.Add("form.to", "截止月份早于起始月份 (to is before from)")
	}
	return cf, pr.Err("invalid application")
}

func (x *contributionsList) Check(ctx context.Context, req Request) error {
	_, err := x.filter(ctx, req)
	return err
}

func (x *contributionsList) Execute(ctx context.Context, req Request) (Result, error) {
	cf, err := x.filter(ctx, req)
	if err != nil {
		return Result{}, err
	}
	var ps []insurance.Payment
	more := false
	if cf.OrgID > 0 {
		// An employer's records over its whole staff are read a page at
		// a time: the first page here, with a word when there are more.
		cf.Page = registry.Page{Limit: employerListMax + 1}
		if ps, err = x.s.Insurance.Contributions(ctx, cf); err != nil {
			return Result{}, err
		}
		if more = len(ps) > employerListMax; more {
			ps = ps[:employerListMax]
		}
	} else {
		// A person's records are few (a working life's months): all of
		// them.
		ps, err = insAllPages(func(after int64) ([]insurance.Payment, error) {
			f := cf
			f.Page = registry.Page{After: after, Limit: registry.PageMax}
			return x.s.Insurance.Contributions(ctx, f)
		}, func(p insurance.Payment) int64 { return p.ID })
		if err != nil {
			return Result{}, err
		}
	}
	if ps == nil {
		ps = []insurance.Payment{}
	}
	var total money.Total
	for _, p := range ps {
		total.Add(p.Employer)
		total.Add(p.Individual)
	}
	sum, err := total.Result()
	if err != nil {
		return Result{}, err
	}
	who := ""
	if cf.OrgID > 0 {
		who = insOrgName(ctx, x.s.Registry, cf.OrgID)
	} else {
		who = insPersonName(ctx, x.s.Registry, cf.PersonID)
	}
	what := "社会保险"
	if cf.Scheme != "" {
		what = schemeZH(cf.Scheme)
	}
	if more {
		return Result{Summary: fmt.Sprintf("%s的%s缴费记录多于%d条，此处为前%d条，合计%s；请缩小起止月份查询其余记录。", who, what,
			employerListMax, employerListMax, yuanText(sum)), Record: ps}, nil
	}
	if cf.OrgID == 0 {
		// A person's summary counts the months paid (缴费年限).
		months := map[period.Month]bool{}
		for _, p := range ps {
			months[p.Period] = true
		}
		return Result{Summary: fmt.Sprintf("%s的%s缴费记录共%d条，缴费%d个月，合计%s。", who, what, len(ps), len(months), yuanText(sum)), Record: ps}, nil
	}
	return Result{Summary: fmt.Sprintf("%s的%s缴费记录共%d条，合计%s。", who, what, len(ps), yuanText(sum)), Record: ps}, nil
}

// employerListMax is the most contribution records of an employer one
// read returns: the API's largest page.
const employerListMax = registry.PageMax - 1

// arrearsList reads an employer's arrears (insurance.Service.Arrears).
type arrearsList struct{ s Services }

type arrearsForm struct {
	From period.Month `json:"from"`
	To   period.Month `json:"to"`
}

func (x *arrearsList) Fields() []Field {
	return []Field{
		{Name: "from", Label: label("起始月份", "From month"), Kind: "month", Required: true},
		{Name: "to", Label: label("截止月份", "To month"), Kind: "month", Required: true},
	}
}

func (x *arrearsList) filter(req Request) (insurance.ArrearsFilter, error) {
	var f arrearsForm
	var pr fault.Problems
	decodeFormInto(req.Form, &f, &pr)
	af := insurance.ArrearsFilter{OrgID: insApplicantOrg(req, 0, "organisation_id", &pr), From: f.From, To: f.To}
	if f.From.IsZero() {
		pr.Add("form.from", "请填写起始月份 (the first month is required)")
	}
	if f.To.IsZero() {
		pr.Add("form.to", "请填写截止月份 (the last month is required)")
	} else if !f.From.IsZero() && f.To < f.From {
		pr.Add("form.to", "截止月份早于起始月份 (to is before from)")
	}
	return af, pr.Err("invalid application")
}

func (x *arrearsList) Check(ctx context.Context, req Request) error {
	_, err := x.filter(req)
	return err
}

func (x *arrearsList) Execute(ctx context.Context, req Request) (Result, error) {
	af, err := x.filter(req)
	if err != nil {
		return Result{}, err
	}
	rows, err := x.s.Insurance.Arrears(ctx, af)
	if err != nil {
		return Result{}, err
	}
	if rows == nil {
		rows = []insurance.ArrearsRow{}
	}
	var total money.Total
	for _, r := range rows {
		total.Add(r.Arrears)
	}
	sum, err := total.Result()
	if err != nil {
		return Result{}, err
	}
	name := insOrgName(ctx, x.s.Registry, af.OrgID)
	if len(rows) == 0 {
		return Result{Summary: fmt.Sprintf("%s在%s至%s无欠费。", name, monthText(af.From), monthText(af.To)), Record: rows}, nil
	}
	return Result{Summary: fmt.Sprintf("%s在%s至%s有%d笔欠费，合计%s。", name, monthText(af.From), monthText(af.To), len(rows), yuanText(sum)), Record: rows}, nil
}
