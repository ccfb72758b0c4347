package execute

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"safetynet/internal/crossprov"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/matters"
	"safetynet/internal/period"
)

func init() {
	register("insurance.account.transfer_out", func(s Services) Executor { return &transfer{s: s, kind: crossprov.TransferOut} })
	register("insurance.account.transfer_in", func(s Services) Executor { return &transfer{s: s, kind: crossprov.TransferIn} })
}

// transfer carries out the pension transfer matters across provinces
// (养老保险关系转移接续): it starts a cross-province request carrying the
// application's number (docs/crossprov.md) and waits for the other
// province. A transfer out debits the account at once
// (insurance.Accounts.TransferOut) and sends the 参保缴费凭证; a transfer
// in sends the 联系函, and the other province's funds notice becomes
// insurance.Accounts.TransferIn. The application is finished when the
// request is: completed, or refused or failed with the reason.
type transfer struct {
	s    Services
	kind crossprov.RequestKind
}

// transferForm is the form of the transfer matters: the agency in the
// other province.
type transferForm struct {
	Province   string `json:"counterpart_province"`
	Prefecture string `json:"counterpart_prefecture"`
	Agency     string `json:"counterpart_agency"`
	On         string `json:"on"`
}

func (t *transfer) Fields() []Field {
	fs := []Field{
		{Name: "counterpart_province", Label: matters.Bilingual{ZH: "对方省份代码", EN: "Province of the other agency (6-digit code)"}, Kind: "text", Required: true},
		{Name: "counterpart_prefecture", Label: matters.Bilingual{ZH: "对方地市代码", EN: "Prefecture of the other agency (6-digit code)"}, Kind: "text"},
		{Name: "counterpart_agency", Label: matters.Bilingual{ZH: "对方经办机构代码", EN: "Code of the other agency"}, Kind: "text", Required: true},
	}
	if t.kind == crossprov.TransferOut {
		fs = append(fs, Field{Name: "on", Label: matters.Bilingual{ZH: "转出日期", EN: "Date of the transfer"}, Kind: "date"})
	}
	return fs
}

// form decodes and checks the form, adding what is wrong to pr.
func (t *transfer) form(req Request, pr *fault.Problems) (transferForm, period.Date) {
	var f transferForm
	var on period.Date
	if len(bytes.TrimSpace(req.Form)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(req.Form))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			pr.Add("form", "不是有效的表单：%v", err)
			return f, on
		}
	}
	f.Province, f.Prefecture, f.Agency = strings.TrimSpace(f.Province), strings.TrimSpace(f.Prefecture), strings.TrimSpace(f.Agency)
	isCode := func(v string) bool { return len(v) == 6 && strings.Trim(v, "0123456789") == "" && v[:2] != "00" }
	self := t.s.CrossProvince.Self()
	switch {
	case f.Province == "":
		pr.Add("form.counterpart_province", "请填写对方省份代码（6位，以0000结尾）")
	case !isCode(f.Province) || f.Province[2:] != "0000":
		pr.Add("form.counterpart_province", "%q 不是省级行政区划代码（6位，以0000结尾）", f.Province)
	case f.Province == self.Province:
		pr.Add("form.counterpart_province", "%s 是本省：省内转移不走跨省通办", f.Province)
	}
	if f.Prefecture != "" && (!isCode(f.Prefecture) || len(f.Province) == 6 && f.Prefecture[:2] != f.Province[:2]) {
		pr.Add("form.counterpart_prefecture", "%q 不是该省的地市代码（6位）", f.Prefecture)
	}
	if f.Agency == "" || len(f.Agency) > 32 {
		pr.Add("form.counterpart_agency", "请填写对方经办机构代码（不超过32个字符）")
	}
	if t.kind == crossprov.TransferOut && strings.TrimSpace(f.On) != "" {
		d, err := period.ParseDate(strings.TrimSpace(f.On))
		if err != nil {
			pr.Add("form.on", "转出日期应为 YYYY-MM-DD：%v", err)
		}
		on = d
	}
	return f, on
}

func (t *transfer) Check(ctx context.Context, req Request) error {
	var pr fault.Problems
	t.form(req, &pr)
	if req.Person <= 0 {
		pr.Add("person_id", "养老保险关系转移由参保人本人（或其代理人）申请：请指明参保人")
	} else {
		per, err := t.s.Registry.Person(ctx, req.Person)
		switch {
		case fault.CodeOf(err) == fault.NotFound:
			pr.Add("person_id", "参保人 %d 不存在", req.Person)
		case err != nil:
			return err
		case !per.Alive():
			pr.Add("person_id", "参保人已于 %s 死亡", per.DeathDate)
		case t.kind == crossprov.TransferOut:
			bal, err := t.s.Accounts.AccountBalance(ctx, req.Person, insurance.EmployeePension, 0)
			if err != nil {
				return err
			}
			if bal <= 0 {
				pr.Add("person_id", "参保人的职工养老保险个人账户没有可转出的余额")
			}
		}
	}
	return pr.Err("invalid transfer application")
}

func (t *transfer) Execute(ctx context.Context, req Request) (Result, error) {
	if err := t.Check(ctx, req); err != nil {
		// A transfer out already made empties the account: look for the
		// application's request before refusing it.
		r, ferr := t.find(ctx, req)
		if ferr != nil || r == nil {
			return Result{}, err
		}
		return t.result(r)
	}
	r, err := t.find(ctx, req)
	if err != nil {
		return Result{}, err
	}
	if r == nil {
		var pr fault.Problems
		f, on := t.form(req, &pr)
		r, err = t.s.CrossProvince.Start(ctx, crossprov.StartRequest{Kind: t.kind, PersonID: req.Person, On: on, ApplicationNo: req.ApplicationNo,
			Counterpart: crossprov.Party{Province: f.Province, Prefecture: f.Prefecture, Agency: f.Agency}})
		if err != nil {
			return Result{}, err
		}
	}
	return t.result(r)
}

// find returns the application's request of this kind, nil if none was
// started.
func (t *transfer) find(ctx context.Context, req Request) (*crossprov.Request, error) {
	if req.ApplicationNo == "" {
		return nil, fault.Errorf(fault.Invalid, "the application has no number")
	}
	rs, err := t.s.CrossProvince.Requests(ctx, crossprov.Filter{ApplicationNo: req.ApplicationNo, Limit: 100})
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if r.Kind == t.kind && r.Direction == crossprov.Outgoing {
			return r, nil
		}
	}
	return nil, nil
}

// result says where the request stands: pending until completed, an
// error naming the reason when refused or failed.
func (t *transfer) result(r *crossprov.Request) (Result, error) {
	ref := "crossprov_request:" + strconv.FormatInt(r.ID, 10)
	who := r.Counterpart.Province
	if r.Counterpart.Prefecture != "" {
		who = r.Counterpart.Prefecture
	}
	who = fmt.Sprintf("对方经办机构（%s，%s）", who, r.Counterpart.Agency)
	switch r.Status {
	case crossprov.StatusCompleted:
		var s string
		if t.kind == crossprov.TransferOut {
			s = fmt.Sprintf("养老保险关系已转出至%s：个人账户 %s 元、统筹基金 %s 元，缴费 %d 个月，对方已确认到账。", who, r.Balance, r.Pooled, r.Months)
		} else {
			s = fmt.Sprintf("养老保险关系已从%s转入：个人账户 %s 元、统筹基金 %s 元，缴费 %d 个月，已记入个人账户。", who, r.Balance, r.Pooled, r.Months)
		}
		return Result{Ref: ref, Summary: s}, nil
	case crossprov.StatusRefused:
		return Result{}, fault.Errorf(fault.Invalid, "跨省转移未能办结：%s不予办理，理由：%s", who, r.Reason)
	case crossprov.StatusFailed:
		return Result{}, fault.Errorf(fault.Invalid, "跨省转移未能办结：%s", r.Reason)
	}
	s := fmt.Sprintf("已向%s发出%s，当前状态：%s。", who, map[crossprov.RequestKind]string{
		crossprov.TransferOut: "养老保险关系转出（参保缴费凭证）", crossprov.TransferIn: "养老保险关系转入联系函"}[t.kind], r.Status.Text(r.Kind))
	if t.kind == crossprov.TransferOut && r.Status != crossprov.StatusAnswered {
		s = fmt.Sprintf("已从个人账户转出 %s 元（统筹基金 %s 元），%s", r.Balance, r.Pooled, s)
	}
	return Result{Ref: ref, Summary: s, Pending: true}, nil
}
