package execute

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

// The executors of the personal-account actions and the job-stabilisation
// refund.

func init() {
	register("insurance.account.statement", func(s Services) Executor { return &accountStatement{s} })
	register("insurance.account.back_pay", func(s Services) Executor { return &backPay{s} })
	register("insurance.account.tier_change", func(s Services) Executor { return &tierChange{s} })
	register("insurance.account.hardship_premium", func(s Services) Executor { return &hardshipPremium{s} })
	register("insurance.refund.screen", func(s Services) Executor { return &refundScreen{s} })
}

// accountStatement reads a person's personal-account statement in the
// matter's scheme (insurance.Accounts.Statement).
type accountStatement struct{ s Services }

type insPersonForm struct {
	PersonID registry.PersonID `json:"person_id"`
}

func (x *accountStatement) Fields() []Field { return []Field{insPersonField} }

func (x *accountStatement) parse(req Request) (registry.PersonID, insurance.Scheme, error) {
	var f insPersonForm
	var pr fault.Problems
	decodeFormInto(req.Form, &f, &pr)
	person := insApplicantPerson(req, f.PersonID, &pr)
	scheme := argScheme(req.Matter)
	if scheme != insurance.EmployeePension && scheme != insurance.ResidentPension {
		return 0, "", fmt.Errorf("matter %s: the statement needs the argument scheme, a pension", req.Matter.ID)
	}
	return person, scheme, pr.Err(formInvalid)
}

func (x *accountStatement) Check(ctx context.Context, req Request) error {
	_, _, err := x.parse(req)
	return err
}

func (x *accountStatement) Execute(ctx context.Context, req Request) (Result, error) {
	person, scheme, err := x.parse(req)
	if err != nil {
		return Result{}, err
	}
	st, err := x.s.Accounts.Statement(ctx, person, scheme)
	if err != nil {
		return Result{}, domainError(err, x.Fields(), nil)
	}
	paid := fmt.Sprintf("累计缴费%d个月", st.ContributionMonths)
	if scheme == insurance.ResidentPension {
		paid = fmt.Sprintf("累计缴费%d年", st.ContributionYears)
	}
	return Result{Record: st, Summary: fmt.Sprintf("%s的%s个人账户：%s，账户余额%s。", st.Name, schemeZH(scheme), paid, yuanText(st.Balance))}, nil
}

// backPay records a resident pension back payment for missed years
// (insurance.Accounts.BackPay).
type backPay struct{ s Services }

type backPayForm struct {
	PersonID registry.PersonID `json:"person_id"`
	// Years are the years to back-pay, written 2015,2016.
	Years string    `json:"years"`
	Tier  money.Fen `json:"tier"`
}

func (x *backPay) Fields() []Field {
	return []Field{
		insPersonField,
		{Name: "years", Label: label("补缴年度（以逗号分隔，如 2015,2016）", "Years to back-pay, separated by commas (2015,2016)"), Kind: "text", Required: true},
		{Name: "tier", Label: label("缴费档次（分/年）", "Contribution tier (fen a year)"), Kind: "fen", Required: true},
	}
}

// parseYears reads a list of years written 2015,2016.
func parseYears(s string, pr *fault.Problems, field string) []int {
	var ys []int
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' }) {
		y, err := strconv.Atoi(part)
		if err != nil || y < 1900 || y > 9999 {
			pr.Add(formKey(field), "%q is not a year", part)
			return nil
		}
		ys = append(ys, y)
	}
	if len(ys) == 0 {
		pr.Add(formKey(field), "is required: the years, separated by commas")
	}
	slices.Sort(ys)
	return ys
}

func (x *backPay) parse(req Request) (registry.PersonID, []int, money.Fen, error) {
	var f backPayForm
	var pr fault.Problems
	decodeFormInto(req.Form, &f, &pr)
	person := insApplicantPerson(req, f.PersonID, &pr)
	ys := parseYears(f.Years, &pr, "years")
	if f.Tier <= 0 {
		pr.Add(formKey("tier"), "is required: the yearly tier chosen, in fen")
	}
	return person, ys, f.Tier, pr.Err(formInvalid)
}

func (x *backPay) Check(ctx context.Context, req Request) error {
	_, _, _, err := x.parse(req)
	return err
}

// residentPayments returns the person's resident pension payments of the
// years from first to last, by receipt number.
func residentPayments(ctx context.Context, ins *insurance.Service, person registry.PersonID, first, last int) (map[string]insurance.Payment, error) {
	ps, err := insAllPages(func(after int64) ([]insurance.Payment, error) {
		return ins.Contributions(ctx, insurance.ContributionFilter{PersonID: person, Scheme: insurance.ResidentPension,
			From: period.NewMonth(first, 1), To: period.NewMonth(last, 12), Page: registry.Page{After: after, Limit: registry.PageMax}})
	}, func(p insurance.Payment) int64 { return p.ID })
	if err != nil {
		return nil, err
	}
	out := make(map[string]insurance.Payment, len(ps))
	for _, p := range ps {
		out[p.ReceiptNo] = p
	}
	return out, nil
}

// backPayReceipt is the receipt number BackPay gives the payment of a
// year.
func backPayReceipt(person registry.PersonID, year int) string {
	return fmt.Sprintf("BP-%d-%d", person, year)
}

func (x *backPay) Execute(ctx context.Context, req Request) (Result, error) {
	person, ys, tier, err := x.parse(req)
	if err != nil {
		return Result{}, err
	}
	// The back payment of these years was made already when each has its
	// payment (BackPay numbers them BP-<person>-<year>).
	paid, err := residentPayments(ctx, x.s.Insurance, person, ys[0], ys[len(ys)-1])
	if err != nil {
		return Result{}, err
	}
	var got []insurance.Payment
	for _, y := range ys {
		if p, ok := paid[backPayReceipt(person, y)]; ok {
			got = append(got, p)
		}
	}
	if len(got) != len(ys) {
		bp, err := x.s.Accounts.BackPay(ctx, person, ys, tier)
		if err != nil {
			return Result{}, domainError(err, x.Fields(), nil)
		}
		if got = bp.Payments; len(got) == 0 || got[0].ID == 0 {
			if paid, err = residentPayments(ctx, x.s.Insurance, person, ys[0], ys[len(ys)-1]); err != nil {
				return Result{}, err
			}
			got = got[:0]
			for _, y := range ys {
				got = append(got, paid[backPayReceipt(person, y)])
			}
		}
	}
	var total money.Total
	years := make([]string, len(got))
	for i, p := range got {
		total.Add(p.Individual)
		years[i] = strconv.Itoa(p.Period.Year())
	}
	sum, err := total.Result()
	if err != nil {
		return Result{}, err
	}
	return Result{Ref: fmt.Sprintf("payment:%d", got[0].ID),
		Summary: fmt.Sprintf("%s补缴城乡居民基本养老保险%s年度共%d年，每年%s，合计%s。", insPersonName(ctx, x.s.Registry, person),
			strings.Join(years, "、"), len(got), yuanText(tier), yuanText(sum))}, nil
}

// tierChange pays the difference for a resident pension year paid at a
// lower tier (insurance.Accounts.UpgradeTier).
type tierChange struct{ s Services }

type tierForm struct {
	PersonID registry.PersonID `json:"person_id"`
	Year     int               `json:"year"`
	Tier     money.Fen         `json:"tier"`
}

func (x *tierChange) Fields() []Field {
	return []Field{
		insPersonField,
		{Name: "year", Label: label("缴费年度", "Contribution year"), Kind: "int", Required: true},
		{Name: "tier", Label: label("调整后的缴费档次（分/年）", "New tier (fen a year)"), Kind: "fen", Required: true},
	}
}

func (x *tierChange) parse(req Request) (registry.PersonID, tierForm, error) {
	var f tierForm
	var pr fault.Problems
	decodeFormInto(req.Form, &f, &pr)
	person := insApplicantPerson(req, f.PersonID, &pr)
	if f.Year < 1900 || f.Year > 9999 {
		pr.Add(formKey("year"), "is required: the contribution year")
	}
	if f.Tier <= 0 {
		pr.Add(formKey("tier"), "is required: the new yearly tier, in fen")
	}
	return person, f, pr.Err(formInvalid)
}

func (x *tierChange) Check(ctx context.Context, req Request) error {
	_, _, err := x.parse(req)
	return err
}

func (x *tierChange) Execute(ctx context.Context, req Request) (Result, error) {
	person, f, err := x.parse(req)
	if err != nil {
		return Result{}, err
	}
	// UpgradeTier numbers its payment UP-<person>-<year>-<tier>.
	receipt := fmt.Sprintf("UP-%d-%d-%d", person, f.Year, int64(f.Tier))
	paid, err := residentPayments(ctx, x.s.Insurance, person, f.Year, f.Year)
	if err != nil {
		return Result{}, err
	}
	p, ok := paid[receipt]
	subsidy := ""
	if !ok {
		up, err := x.s.Accounts.UpgradeTier(ctx, person, f.Year, f.Tier)
		if err != nil {
			return Result{}, domainError(err, x.Fields(), nil)
		}
		p = up.Payment
		if up.Subsidy > 0 {
			subsidy = fmt.Sprintf("，政府补贴增加%s", yuanText(up.Subsidy))
		}
		if p.ID == 0 {
			if paid, err = residentPayments(ctx, x.s.Insurance, person, f.Year, f.Year); err != nil {
				return Result{}, err
			}
			p = paid[receipt]
		}
	}
	return Result{Ref: fmt.Sprintf("payment:%d", p.ID),
		Summary: fmt.Sprintf("%s的城乡居民基本养老保险%d年度缴费档次调整为每年%s，补缴差额%s%s。", insPersonName(ctx, x.s.Registry, person),
			f.Year, yuanText(f.Tier), yuanText(p.Individual), subsidy)}, nil
}

// hardshipPremium has the government pay the resident pension premium of
// a person in hardship for a year (代缴), by running the year's 代缴 for the
// person's village or community (insurance.Accounts.PayHardshipPremiums):
// the run pays every qualifying person there not paid for yet, nobody
// twice.
type hardshipPremium struct{ s Services }

type hardshipForm struct {
	PersonID registry.PersonID `json:"person_id"`
	Year     int               `json:"year"`
}

func (x *hardshipPremium) Fields() []Field {
	return []Field{
		insPersonField,
		{Name: "year", Label: label("缴费年度", "Contribution year"), Kind: "int", Required: true},
	}
}

func (x *hardshipPremium) parse(req Request) (registry.PersonID, int, error) {
	var f hardshipForm
	var pr fault.Problems
	decodeFormInto(req.Form, &f, &pr)
	person := insApplicantPerson(req, f.PersonID, &pr)
	if f.Year < 2014 || f.Year > 9999 {
		pr.Add(formKey("year"), "is required: the contribution year, from 2014")
	}
	return person, f.Year, pr.Err(formInvalid)
}

func (x *hardshipPremium) Check(ctx context.Context, req Request) error {
	_, _, err := x.parse(req)
	return err
}

// paidEntry returns the person's 代缴 entry of the year, nil if none.
func (x *hardshipPremium) paidEntry(ctx context.Context, person registry.PersonID, year int) (*insurance.AccountEntry, string, error) {
	st, err := x.s.Accounts.Statement(ctx, person, insurance.ResidentPension)
	if err != nil {
		return nil, "", err
	}
	for i := range st.Entries {
		e := &st.Entries[i]
		if e.Kind == insurance.EntryHardship && e.Ref == insurance.HardshipRef(year) {
			return e, st.Name, nil
		}
	}
	return nil, st.Name, nil
}

func (x *hardshipPremium) Execute(ctx context.Context, req Request) (Result, error) {
	person, year, err := x.parse(req)
	if err != nil {
		return Result{}, err
	}
	e, name, err := x.paidEntry(ctx, person, year)
	if err != nil {
		return Result{}, domainError(err, x.Fields(), nil)
	}
	if e == nil {
		p, err := x.s.Registry.Person(ctx, person)
		if err != nil {
			return Result{}, err
		}
		if _, err := x.s.Accounts.PayHardshipPremiums(ctx, year, p.RegionCode); err != nil {
			return Result{}, domainError(err, x.Fields(), nil)
		}
		if e, _, err = x.paidEntry(ctx, person, year); err != nil {
			return Result{}, err
		}
		if e == nil {
			var pr fault.Problems
			pr.Add("person_id", "%s在%d年度不符合困难群体代缴条件（须为本地户籍、参加城乡居民养老保险、属重度残疾、低保、特困或监测低收入人口）(not in a hardship group for the year)", name, year)
			return Result{}, pr.Err("not eligible for the government-paid premium")
		}
	}
	return Result{Ref: fmt.Sprintf("account_entry:%d", e.ID),
		Summary: fmt.Sprintf("%s的城乡居民基本养老保险%d年度保费%s由政府代缴，已记入个人账户。", name, year, yuanText(e.Amount))}, nil
}

// refundScreen screens the employer's region for the year's
// job-stabilisation refund (insurance.Refunds.Screen) and waits for the
// batch holding the employer to be approved by a second user.
type refundScreen struct{ s Services }

type refundForm struct {
	Year int `json:"year"`
}

func (x *refundScreen) Fields() []Field {
	return []Field{{Name: "year", Label: label("返还年度（按上年度缴费情况核定）", "Refund year (on the previous year's figures)"), Kind: "int", Required: true}}
}

func (x *refundScreen) parse(req Request) (registry.OrgID, int, error) {
	var f refundForm
	var pr fault.Problems
	decodeFormInto(req.Form, &f, &pr)
	org := insApplicantOrg(req, 0, "organisation_id", &pr)
	if f.Year < 2015 || f.Year > 9999 {
		pr.Add(formKey("year"), "is required: the refund year, e.g. 2026 on 2025's figures")
	}
	return org, f.Year, pr.Err(formInvalid)
}

func (x *refundScreen) Check(ctx context.Context, req Request) error {
	_, _, err := x.parse(req)
	return err
}

// batchOf returns the refund run of the year for the employer's region
// that holds the employer: one proposed or approved, else one rejected;
// nil if none.
func (x *refundScreen) batchOf(ctx context.Context, org registry.OrgID, year int, o *registry.Organisation) (*insurance.RefundRun, *insurance.RefundItem, error) {
	runs, err := insAllPages(func(after int64) ([]*insurance.RefundRun, error) {
		return x.s.Refunds.Runs(ctx, insurance.RefundRunFilter{Region: o.RegionCode, Year: year, Page: registry.Page{After: after, Limit: registry.PageMax}})
	}, func(r *insurance.RefundRun) int64 { return int64(r.ID) })
	if err != nil {
		return nil, nil, err
	}
	var rejected *insurance.RefundRun
	var rejectedItem *insurance.RefundItem
	for _, r := range runs {
		if r.Status != insurance.RefundProposed && r.Status != insurance.RefundApproved && r.Status != insurance.RefundRejected {
			continue
		}
		full, err := x.s.Refunds.FindRun(ctx, r.ID)
		if err != nil {
			return nil, nil, err
		}
		for i := range full.Items {
			if full.Items[i].OrgID != org {
				continue
			}
			if full.Status == insurance.RefundRejected {
				rejected, rejectedItem = full, &full.Items[i]
				break
			}
			return full, &full.Items[i], nil
		}
	}
	return rejected, rejectedItem, nil
}

func (x *refundScreen) Execute(ctx context.Context, req Request) (Result, error) {
	org, year, err := x.parse(req)
	if err != nil {
		return Result{}, err
	}
	o, err := x.s.Registry.Organisation(ctx, org)
	if err != nil {
		return Result{}, err
	}
	run, it, err := x.batchOf(ctx, org, year, o)
	if err != nil {
		return Result{}, err
	}
	if run == nil {
		if _, err := x.s.Refunds.Screen(ctx, year, o.RegionCode); err != nil {
			return Result{}, domainError(err, x.Fields(), nil)
		}
		if run, it, err = x.batchOf(ctx, org, year, o); err != nil {
			return Result{}, err
		}
		if run == nil {
			var pr fault.Problems
			pr.Add("organisation_id", "%s不符合%d年度稳岗返还条件（按%d年度参保缴费、裁员情况核定）(not eligible for the year's refund)", o.Name, year, year-1)
			return Result{}, pr.Err("not eligible for the job-stabilisation refund")
		}
	}
	ref := fmt.Sprintf("refund_run:%d", run.ID)
	if run.Status == insurance.RefundRejected {
		var pr fault.Problems
		pr.Add("organisation_id", "%s%d年度稳岗返还（第%d批）审批未通过：%s (the batch was rejected)", o.Name, year, run.Batch, run.Reason)
		return Result{}, pr.Err("the job-stabilisation refund was rejected")
	}
	if run.Status == insurance.RefundProposed {
		return Result{Ref: ref, Pending: true, Summary: fmt.Sprintf("%s符合%d年度稳岗返还条件，拟返还%s，列入第%d批，待审批。", o.Name, year, yuanText(it.Amount), run.Batch)}, nil
	}
	return Result{Ref: ref, Summary: fmt.Sprintf("%s%d年度稳岗返还%s已审批（第%d批），将返还至单位账户。", o.Name, year, yuanText(it.Amount), run.Batch)}, nil
}
