package httpapi

import (
	"bytes"
	"html/template"
	"net/http"
	"strings"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// accountRoutes are the routes of personal accounts, government-paid premiums, back payment and transfer.
func (s *server) accountRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/persons/{id}/account", op: "getPersonAccount", handler: s.handleAccount, tag: "accounts",
			summary: "Read a person's personal-account statement (个人账户) in a pension scheme; citizens read their own",
			params:  accountParams{}, status: http.StatusOK, resp: statementResponse{}},
		{method: "GET", path: "/api/v1/persons/{id}/account/statement", op: "getPersonAccountStatement", handler: s.handleAccountStatementHTML, tag: "accounts",
			summary: "The printable statement (个人账户对账单) as an HTML page (text/html)",
			params:  accountParams{}, status: http.StatusOK, resp: "", contentType: "text/html"},
		{method: "POST", path: "/api/v1/account-credits", op: "creditAccounts", handler: s.handleCredit, tag: "accounts",
			summary: "Credit the personal accounts from a month's payments (个人账户记账); a second run posts nothing",
			body:    creditRequest{}, status: http.StatusOK, resp: creditResponse{}},
		{method: "POST", path: "/api/v1/account-interest", op: "creditAccountInterest", handler: s.handleInterest, tag: "accounts",
			summary: "Credit a year's interest to the personal accounts (记账利息); a second run posts nothing",
			body:    interestRequest{}, status: http.StatusOK, resp: interestResponse{}},
		{method: "POST", path: "/api/v1/hardship-premiums", op: "payHardshipPremiums", handler: s.handlePayHardship, tag: "accounts",
			summary: "Pay a year's resident-pension premiums for the hardship groups (代缴); nobody is paid for twice in a year (id 0: nobody new)",
			body:    hardshipRequest{}, status: http.StatusOK, resp: hardshipBatchResponse{}},
		{method: "GET", path: "/api/v1/hardship-premiums/{id}", op: "getHardshipPremiumRun", handler: s.handleGetHardship, tag: "accounts",
			summary: "Read a 代缴 batch: who was paid for and why", params: hardshipParams{}, status: http.StatusOK, resp: hardshipBatchResponse{}},
		{method: "POST", path: "/api/v1/persons/{id}/account/back-payments", op: "recordAccountBackPayment", handler: s.handleBackPay, tag: "accounts",
			summary: "Record a resident's back payment (补缴) of past years, with no government subsidy",
			params:  personParams{}, body: backPayRequest{}, status: http.StatusCreated, resp: backPayResponse{}},
		{method: "POST", path: "/api/v1/persons/{id}/account/tier-upgrades", op: "upgradeAccountTier", handler: s.handleUpgradeTier, tag: "accounts",
			summary: "Pay the difference to raise a resident year's tier (提档); the subsidy difference for the current year only",
			params:  personParams{}, body: tierUpgradeRequest{}, status: http.StatusCreated, resp: tierUpgradeResponse{}},
		{method: "POST", path: "/api/v1/persons/{id}/account/transfer-out", op: "transferAccountOut", handler: s.handleTransferOut, tag: "accounts",
			summary: "Move the employee pension out of Changji (转出): the whole account balance and 12% of each year's bases since 1998",
			params:  personParams{}, body: transferOutRequest{}, status: http.StatusCreated, resp: transferResponse{}},
		{method: "POST", path: "/api/v1/persons/{id}/account/transfer-in", op: "transferAccountIn", handler: s.handleTransferIn, tag: "accounts",
			summary: "Record an employee account moved into Changji (转入); above limits.transfer_in.review_above it is pending until another user approves it",
			params:  personParams{}, body: transferInRequest{}, status: http.StatusCreated, resp: transferResponse{}},
	}
}

// accountParams name a person's account.
type accountParams struct {
	ID     registry.PersonID `path:"id" minimum:"1"`
	Scheme string            `query:"scheme" enum:"employee_pension,resident_pension" description:"default employee_pension"`
}

// accountEntryResponse is one credit or debit of a personal account.
type accountEntryResponse struct {
	ID         int64  `json:"id"`
	Period     string `json:"period" example:"2025-03"`
	Kind       string `json:"kind" enum:"contribution,subsidy,collective,hardship_premium,back_payment,interest,transfer_in,transfer_out,refund"`
	Amount     int64  `json:"amount" description:"in fen, negative for debits"`
	Base       int64  `json:"base,omitempty" description:"the contribution base the entry was computed from, in fen"`
	Government bool   `json:"government,omitempty" description:"public money (subsidies, 代缴), neither refunded nor inherited"`
	Ref        string `json:"ref" example:"payment:123"`
	RegionCode string `json:"region_code"`
}

// statementYearResponse is one year of a statement; amounts in fen.
type statementYearResponse struct {
	Year          int   `json:"year"`
	Opening       int64 `json:"opening"`
	Contributions int64 `json:"contributions"`
	Subsidies     int64 `json:"subsidies"`
	Hardship      int64 `json:"hardship" description:"premiums paid by government (代缴)"`
	BackPayments  int64 `json:"back_payments"`
	Interest      int64 `json:"interest"`
	Transfers     int64 `json:"transfers"`
	Refunds       int64 `json:"refunds"`
	Closing       int64 `json:"closing"`
	Months        int   `json:"months" description:"months of the year with a contribution credited"`
}

// statementResponse is a personal-account statement (个人账户对账单).
type statementResponse struct {
	PersonID           int64                   `json:"person_id"`
	Name               string                  `json:"name"`
	Scheme             string                  `json:"scheme" enum:"employee_pension,resident_pension"`
	Balance            int64                   `json:"balance" description:"in fen"`
	Government         int64                   `json:"government" description:"the part of the balance from public money, in fen"`
	ContributionMonths int                     `json:"contribution_months"`
	ContributionYears  int                     `json:"contribution_years"`
	Years              []statementYearResponse `json:"years" required:"true" nullable:"false"`
	Entries            []accountEntryResponse  `json:"entries" required:"true" nullable:"false"`
	// Transfers are the employee pension's moves in and out (转移接续).
	Transfers []transferResponse `json:"transfers" required:"true" nullable:"false"`
}

func statementOf(st *insurance.Statement) statementResponse {
	out := statementResponse{PersonID: int64(st.PersonID), Name: st.Name, Scheme: string(st.Scheme), Balance: int64(st.Balance),
		Government: int64(st.Government), ContributionMonths: st.ContributionMonths, ContributionYears: st.ContributionYears,
		Years: make([]statementYearResponse, len(st.Years)), Entries: make([]accountEntryResponse, len(st.Entries)),
		Transfers: make([]transferResponse, len(st.Transfers))}
	for i := range st.Transfers {
		out.Transfers[i] = transferOf(&st.Transfers[i])
	}
	for i, y := range st.Years {
		out.Years[i] = statementYearResponse{Year: y.Year, Opening: int64(y.Opening), Contributions: int64(y.Contributions),
			Subsidies: int64(y.Subsidies), Hardship: int64(y.Hardship), BackPayments: int64(y.BackPayments), Interest: int64(y.Interest),
			Transfers: int64(y.Transfers), Refunds: int64(y.Refunds), Closing: int64(y.Closing), Months: y.Months}
	}
	for i, e := range st.Entries {
		out.Entries[i] = accountEntryResponse{ID: e.ID, Period: e.Period.String(), Kind: string(e.Kind), Amount: int64(e.Amount),
			Base: int64(e.Base), Government: e.Government, Ref: e.Ref, RegionCode: string(e.RegionCode)}
	}
	return out
}

// statement reads the statement the request names.
func (s *server) statement(r *http.Request) (*insurance.Statement, error) {
	p, err := bind[accountParams](r)
	if err != nil {
		return nil, err
	}
	scheme := insurance.Scheme(p.Scheme)
	if scheme == "" {
		scheme = insurance.EmployeePension
	}
	if scheme != insurance.EmployeePension && scheme != insurance.ResidentPension {
		return nil, queryProblem("scheme", "must be employee_pension or resident_pension")
	}
	return s.acc.Statement(r.Context(), p.ID, scheme)
}

// handleAccount returns a person's personal-account statement as JSON.
func (s *server) handleAccount(w http.ResponseWriter, r *http.Request) error {
	st, err := s.statement(r)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, statementOf(st))
	return nil
}

// statementPage is the printable statement: self-contained, zh-CN labels
// with English, no external assets.
var statementPage = template.Must(template.New("statement").Funcs(template.FuncMap{
	"yuan":   func(f money.Fen) string { return f.String() },
	"scheme": schemeLabel,
	"kind":   kindLabel,
	"month":  func(m period.Month) string { return policy.MonthText(m, policy.ZH) },
	"date":   func(d period.Date) string { return policy.DateText(d, policy.ZH) },
	"ref":    refText,
}).Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>个人账户对账单 Personal account statement</title>
<style>
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #000; }
h1 { font-size: 1.4em; margin-bottom: 0.2em; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #444; padding: 0.25em 0.5em; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
th small, dt small { display: block; font-weight: normal; color: #444; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
dt { font-weight: bold; }
@media print { body { margin: 0; } }
</style>
</head>
<body>
<h1>个人账户对账单 <small>Personal account statement</small></h1>
<dl>
<dt>姓名 <small>Name</small></dt><dd>{{.Name}}</dd>
<dt>险种 <small>Scheme</small></dt><dd>{{scheme .Scheme}}</dd>
<dt>账户余额（元） <small>Balance (yuan)</small></dt><dd>{{yuan .Balance}}</dd>
<dt>其中政府补贴（元） <small>of which public money (yuan)</small></dt><dd>{{yuan .Government}}</dd>
<dt>缴费月数 <small>Contribution months</small></dt><dd>{{.ContributionMonths}}</dd>
<dt>缴费年限 <small>Contribution years</small></dt><dd>{{.ContributionYears}}</dd>
<dt>打印日期 <small>Printed on</small></dt><dd>{{.Printed}}</dd>
</dl>
<h2>年度汇总（元） <small>Yearly summary (yuan)</small></h2>
<table>
<tr><th>年度<small>Year</small></th><th>期初<small>Opening</small></th><th>个人缴费<small>Contributions</small></th><th>政府补贴<small>Subsidies</small></th><th>代缴<small>Paid by government</small></th><th>补缴<small>Back payments</small></th><th>利息<small>Interest</small></th><th>转移<small>Transfers</small></th><th>退费<small>Refunds</small></th><th>期末<small>Closing</small></th><th>月数<small>Months</small></th></tr>
{{range .Years}}<tr><td>{{.Year}}</td><td class="n">{{yuan .Opening}}</td><td class="n">{{yuan .Contributions}}</td><td class="n">{{yuan .Subsidies}}</td><td class="n">{{yuan .Hardship}}</td><td class="n">{{yuan .BackPayments}}</td><td class="n">{{yuan .Interest}}</td><td class="n">{{yuan .Transfers}}</td><td class="n">{{yuan .Refunds}}</td><td class="n">{{yuan .Closing}}</td><td class="n">{{.Months}}</td></tr>
{{else}}<tr><td colspan="11">无记录 No entries</td></tr>
{{end}}</table>
<h2>明细（元） <small>Entries (yuan)</small></h2>
<table>
<tr><th>所属期<small>Period</small></th><th>类型<small>Kind</small></th><th>金额<small>Amount</small></th><th>缴费基数<small>Base</small></th><th>来源<small>Reference</small></th></tr>
{{range .Entries}}<tr><td>{{month .Period}}</td><td>{{kind .Kind}}</td><td class="n">{{yuan .Amount}}</td><td class="n">{{if .Base}}{{yuan .Base}}{{end}}</td><td>{{ref .Ref}}</td></tr>
{{end}}</table>
{{if .Transfers}}<h2>转移接续（元） <small>Transfers (yuan)</small></h2>
<table>
<tr><th>日期<small>Date</small></th><th>方向<small>Direction</small></th><th>对方地区<small>Other region</small></th><th>账户金额<small>Balance</small></th><th>统筹基金<small>Pooled funds</small></th><th>月数<small>Months</small></th></tr>
{{range .Transfers}}<tr><td>{{date .On}}</td><td>{{if eq .Direction "in"}}转入 In{{else}}转出 Out{{end}}</td><td>{{call $.RegionName .OtherRegion}}</td><td class="n">{{yuan .Balance}}</td><td class="n">{{yuan .Pooled}}</td><td class="n">{{.Months}}</td></tr>
{{end}}</table>
{{end}}</body>
</html>
`))

func schemeLabel(s insurance.Scheme) string {
	switch s {
	case insurance.EmployeePension:
		return "企业职工基本养老保险 Employee basic pension"
	case insurance.ResidentPension:
		return "城乡居民基本养老保险 Resident basic pension"
	}
	return string(s)
}

func kindLabel(k insurance.EntryKind) string {
	switch k {
	case insurance.EntryContribution:
		return "个人缴费 Contribution"
	case insurance.EntrySubsidy:
		return "政府缴费补贴 Government subsidy"
	case insurance.EntryCollective:
		return "集体补助 Collective subsidy"
	case insurance.EntryHardship:
		return "政府代缴 Paid by government"
	case insurance.EntryBackPayment:
		return "补缴 Back payment"
	case insurance.EntryInterest:
		return "记账利息 Interest"
	case insurance.EntryTransferIn:
		return "转入 Transfer in"
	case insurance.EntryTransferOut:
		return "转出 Transfer out"
	case insurance.EntryRefund:
		return "退费 Refund"
	}
	return string(k)
}

// refPrefixes name the sources of account entries ("payment:123").
var refPrefixes = map[string]string{"payment": "缴费记录", "interest": "记账利息", "hardship": "政府代缴", "transfer": "转移接续", "refund": "退费"}

// refText writes an entry's source for people: "缴费记录 123",
// "记账利息 2024".
func refText(ref string) string {
	kind, rest, ok := strings.Cut(ref, ":")
	if name, known := refPrefixes[kind]; ok && known {
		return name + " " + rest
	}
	return ref
}

// handleAccountStatementHTML returns the printable statement page.
func (s *server) handleAccountStatementHTML(w http.ResponseWriter, r *http.Request) error {
	st, err := s.statement(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	data := struct {
		*insurance.Statement
		Printed    string
		RegionName func(string) string
	}{st, policy.DateText(s.reg.Today(), policy.ZH), func(other string) string {
		// A division code of the tree by its name; a name or a code
		// from outside the jurisdiction as written.
		if code, err := region.ParseCode(other); err == nil {
			if _, ok := s.pol.Tree.Node(code); ok {
				return regionText(s.pol.Tree, code)
			}
		}
		return other
	}}
	if err := statementPage.Execute(&buf, data); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}

// creditRequest is the body of POST /api/v1/account-credits.
type creditRequest struct {
	Period string `json:"period" required:"true" example:"2025-03" description:"the payments' month, YYYY-MM"`
	// Region limits the run to a subtree; default your whole scope.
	Region string `json:"region,omitempty" example:"652301"`
}

// creditResponse totals a crediting run; amounts in fen.
type creditResponse struct {
	Period        string                  `json:"period"`
	Region        string                  `json:"region"`
	Payments      int                     `json:"payments" description:"payments of the month that feed an account"`
	Posted        int                     `json:"posted" description:"entries this run posted"`
	AlreadyPosted int                     `json:"already_posted" description:"entries an earlier run posted, skipped"`
	Contributions int64                   `json:"contributions"`
	Subsidies     int64                   `json:"subsidies"`
	Parameters    []parameterReadResponse `json:"parameters" required:"true" nullable:"false"`
}

func paramReads(rs []policy.ParamRead) []parameterReadResponse {
	out := make([]parameterReadResponse, len(rs))
	for i, p := range rs {
		out[i] = parameterReadResponse{Key: p.Key, Value: p.Value, Unit: p.Unit, From: dateString(p.From),
			Source: p.Source, Status: p.Status, Layer: p.Layer, Region: string(p.Region)}
	}
	return out
}

// bodyRegion parses an optional region of a request body.
func bodyRegion(pr *fault.Problems, s string) region.Code {
	if s == "" {
		return ""
	}
	c, err := region.ParseCode(s)
	if err != nil {
		pr.Add("region", "%v", err)
	}
	return c
}

// handleCredit runs the monthly crediting.
func (s *server) handleCredit(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[creditRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	m := periodField(&pr, "period", req.Period)
	code := bodyRegion(&pr, req.Region)
	if err := pr.Err("invalid crediting run"); err != nil {
		return err
	}
	sum, err := s.acc.Credit(r.Context(), m, code)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, creditResponse{Period: sum.Period.String(), Region: string(sum.Region), Payments: sum.Payments,
		Posted: sum.Posted, AlreadyPosted: sum.AlreadyPosted, Contributions: int64(sum.Contributions), Subsidies: int64(sum.Subsidies),
		Parameters: paramReads(sum.Parameters)})
	return nil
}

// interestRequest is the body of POST /api/v1/account-interest.
type interestRequest struct {
	Year   int    `json:"year" required:"true" minimum:"1998" example:"2024"`
	Region string `json:"region,omitempty" example:"652301"`
}

// interestResponse totals an interest run, per scheme; amounts in fen.
type interestResponse struct {
	Year          int                     `json:"year"`
	Region        string                  `json:"region"`
	Persons       map[string]int          `json:"persons" description:"accounts credited by this run"`
	AlreadyPosted map[string]int          `json:"already_posted" description:"accounts credited by an earlier run"`
	Interest      map[string]int64        `json:"interest"`
	Parameters    []parameterReadResponse `json:"parameters" required:"true" nullable:"false"`
}

// handleInterest runs the yearly interest.
func (s *server) handleInterest(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[interestRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	code := bodyRegion(&pr, req.Region)
	if err := pr.Err("invalid interest run"); err != nil {
		return err
	}
	sum, err := s.acc.CreditInterest(r.Context(), req.Year, code)
	if err != nil {
		return err
	}
	out := interestResponse{Year: sum.Year, Region: string(sum.Region), Persons: map[string]int{}, AlreadyPosted: map[string]int{},
		Interest: map[string]int64{}, Parameters: paramReads(sum.Parameters)}
	for sc, n := range sum.Persons {
		out.Persons[string(sc)] = n
	}
	for sc, n := range sum.AlreadyPosted {
		out.AlreadyPosted[string(sc)] = n
	}
	for sc, v := range sum.Interest {
		out.Interest[string(sc)] = int64(v)
	}
	reply(w, r, http.StatusOK, out)
	return nil
}

// hardshipRequest is the body of POST /api/v1/hardship-premiums.
type hardshipRequest struct {
	Year   int    `json:"year" required:"true" minimum:"2014" example:"2025" description:"the contribution year"`
	Region string `json:"region,omitempty" example:"652301"`
}

// hardshipParams name a 代缴 batch.
type hardshipParams struct {
	ID int64 `path:"id" minimum:"1"`
}

// hardshipItemResponse is one person paid for, with the groups that
// qualified.
type hardshipItemResponse struct {
	PersonID   int64    `json:"person_id"`
	Name       string   `json:"name"`
	RegionCode string   `json:"region_code"`
	Groups     []string `json:"groups" required:"true" nullable:"false" description:"severe_disability, dibao, tekun, low_income"`
	Amount     int64    `json:"amount" description:"in fen"`
}

// hardshipBatchResponse is a run of the government-paid premiums (代缴).
type hardshipBatchResponse struct {
	ID          int64                   `json:"id" description:"0 when the run found nobody new to pay for"`
	Year        int                     `json:"year"`
	Region      string                  `json:"region"`
	Amount      int64                   `json:"amount" description:"the premium paid per person, in fen"`
	Persons     int                     `json:"persons"`
	Total       int64                   `json:"total" description:"in fen"`
	AlreadyPaid int                     `json:"already_paid" description:"qualifying persons paid for by an earlier batch of the year"`
	CreatedAt   string                  `json:"created_at,omitempty" format:"date-time"`
	Items       []hardshipItemResponse  `json:"items" required:"true" nullable:"false"`
	Parameters  []parameterReadResponse `json:"parameters,omitempty"`
}

func hardshipBatchOf(b *insurance.HardshipBatch) hardshipBatchResponse {
	out := hardshipBatchResponse{ID: b.ID, Year: b.Year, Region: string(b.Region), Amount: int64(b.Amount), Persons: b.Persons,
		Total: int64(b.Total), AlreadyPaid: b.AlreadyPaid, Items: make([]hardshipItemResponse, len(b.Items)), Parameters: paramReads(b.Parameters)}
	if !b.CreatedAt.IsZero() {
		out.CreatedAt = b.CreatedAt.UTC().Format(time.RFC3339)
	}
	for i, it := range b.Items {
		gs := make([]string, len(it.Groups))
		for j, g := range it.Groups {
			gs[j] = string(g)
		}
		out.Items[i] = hardshipItemResponse{PersonID: int64(it.PersonID), Name: it.Name, RegionCode: string(it.RegionCode), Groups: gs, Amount: int64(it.Amount)}
	}
	return out
}

// handlePayHardship runs the 代缴 of a year.
func (s *server) handlePayHardship(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[hardshipRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	code := bodyRegion(&pr, req.Region)
	if err := pr.Err("invalid 代缴 run"); err != nil {
		return err
	}
	b, err := s.acc.PayHardshipPremiums(r.Context(), req.Year, code)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, hardshipBatchOf(b))
	return nil
}

// handleGetHardship returns a 代缴 batch.
func (s *server) handleGetHardship(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[hardshipParams](r)
	if err != nil {
		return err
	}
	b, err := s.acc.HardshipBatch(r.Context(), p.ID)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, hardshipBatchOf(b))
	return nil
}

// backPayRequest is the body of POST /api/v1/persons/{id}/account/back-payments.
type backPayRequest struct {
	Years []int `json:"years" required:"true" nullable:"false" minItems:"1" description:"the past years to back-pay"`
	Tier  int64 `json:"tier" required:"true" minimum:"1" description:"the yearly tier in fen"`
}

// paymentResponse is a contribution recorded.
type paymentResponse struct {
	ID         int64  `json:"id"`
	Period     string `json:"period" example:"2015-01"`
	Individual int64  `json:"individual" description:"in fen"`
	ReceiptNo  string `json:"receipt_no"`
	Source     string `json:"source" enum:"posted,tax_bureau,back_payment,tier_upgrade"`
}

func paymentOf(p insurance.Payment) paymentResponse {
	return paymentResponse{ID: p.ID, Period: p.Period.String(), Individual: int64(p.Individual), ReceiptNo: p.ReceiptNo, Source: string(p.Source)}
}

// backPayResponse is a back payment (补缴) recorded.
type backPayResponse struct {
	PersonID          int64                   `json:"person_id"`
	Tier              int64                   `json:"tier"`
	Years             []int                   `json:"years" required:"true" nullable:"false"`
	Total             int64                   `json:"total" description:"in fen"`
	ContributionYears int                     `json:"contribution_years" description:"the person's resident years after it"`
	Payments          []paymentResponse       `json:"payments" required:"true" nullable:"false"`
	Parameters        []parameterReadResponse `json:"parameters" required:"true" nullable:"false"`
}

// handleBackPay records a resident's back payment.
func (s *server) handleBackPay(w http.ResponseWriter, r *http.Request) error {
	in, req, err := bindBody[personParams, backPayRequest](r)
	if err != nil {
		return err
	}
	bp, err := s.acc.BackPay(r.Context(), in.ID, req.Years, money.Fen(req.Tier))
	if err != nil {
		return err
	}
	out := backPayResponse{PersonID: int64(bp.PersonID), Tier: int64(bp.Tier), Years: bp.Years, Total: int64(bp.Total),
		ContributionYears: bp.ContributionYears, Parameters: paramReads(bp.Parameters)}
	for _, p := range bp.Payments {
		out.Payments = append(out.Payments, paymentOf(p))
	}
	reply(w, r, http.StatusCreated, out)
	return nil
}

// tierUpgradeRequest is the body of POST /api/v1/persons/{id}/account/tier-upgrades.
type tierUpgradeRequest struct {
	Year int   `json:"year" required:"true" example:"2025"`
	Tier int64 `json:"tier" required:"true" minimum:"1" description:"the new yearly tier in fen"`
}

// tierUpgradeResponse is a tier upgrade (提档) recorded; amounts in fen.
type tierUpgradeResponse struct {
	PersonID   int64                   `json:"person_id"`
	Year       int                     `json:"year"`
	Paid       int64                   `json:"paid" description:"what the year held before"`
	Tier       int64                   `json:"tier"`
	Difference int64                   `json:"difference"`
	Subsidy    int64                   `json:"subsidy" description:"the extra government subsidy, current year only"`
	Payment    paymentResponse         `json:"payment"`
	Parameters []parameterReadResponse `json:"parameters" required:"true" nullable:"false"`
}

// handleUpgradeTier records a resident's tier upgrade.
func (s *server) handleUpgradeTier(w http.ResponseWriter, r *http.Request) error {
	p, req, err := bindBody[personParams, tierUpgradeRequest](r)
	if err != nil {
		return err
	}
	up, err := s.acc.UpgradeTier(r.Context(), p.ID, req.Year, money.Fen(req.Tier))
	if err != nil {
		return err
	}
	reply(w, r, http.StatusCreated, tierUpgradeResponse{PersonID: int64(up.PersonID), Year: up.Year, Paid: int64(up.Paid), Tier: int64(up.Tier),
		Difference: int64(up.Difference), Subsidy: int64(up.Subsidy), Payment: paymentOf(up.Payment), Parameters: paramReads(up.Parameters)})
	return nil
}

// transferOutRequest is the body of POST /api/v1/persons/{id}/account/transfer-out.
type transferOutRequest struct {
	ToRegion string `json:"to_region" required:"true" maxLength:"100" example:"440300 深圳市" description:"where the account goes, outside Changji"`
	On       string `json:"on" required:"true" format:"date"`
}

// transferInRequest is the body of POST /api/v1/persons/{id}/account/transfer-in.
type transferInRequest struct {
	FromRegion string `json:"from_region" required:"true" maxLength:"100" example:"北京市"`
	On         string `json:"on" required:"true" format:"date"`
	Balance    int64  `json:"balance" required:"true" minimum:"1" description:"the personal-account balance received, in fen"`
	Pooled     int64  `json:"pooled" minimum:"0" description:"the pooled funds received, in fen"`
	Months     int    `json:"months" required:"true" minimum:"1" maximum:"720" description:"contribution months carried"`
}

// transferYearResponse is one year behind a transfer out; amounts in fen.
type transferYearResponse struct {
	Year   int   `json:"year"`
	Base   int64 `json:"base"`
	Pooled int64 `json:"pooled"`
	Months int   `json:"months"`
}

// transferResponse is a transfer recorded (转移接续); amounts in fen.
type transferResponse struct {
	ID          int64                   `json:"id"`
	PersonID    int64                   `json:"person_id"`
	Direction   string                  `json:"direction" enum:"out,in"`
	RegionCode  string                  `json:"region_code"`
	OtherRegion string                  `json:"other_region"`
	On          string                  `json:"on" format:"date"`
	Balance     int64                   `json:"balance"`
	Pooled      int64                   `json:"pooled"`
	Months      int                     `json:"months"`
	Years       []transferYearResponse  `json:"years" required:"true" nullable:"false"`
	Parameters  []parameterReadResponse `json:"parameters,omitempty"`
	Status      string                  `json:"status" enum:"done,pending,rejected" description:"pending: a large transfer-in waiting for a second user; the account is credited when approved"`
	CreatedBy   int64                   `json:"created_by,omitempty" description:"the user who recorded it"`
	DecidedBy   int64                   `json:"decided_by,omitempty" description:"the user who approved or rejected it"`
	DecidedAt   string                  `json:"decided_at,omitempty" format:"date-time"`
	Note        string                  `json:"decision_note,omitempty"`
}

func transferOf(t *insurance.Transfer) transferResponse {
	out := transferResponse{ID: t.ID, PersonID: int64(t.PersonID), Direction: t.Direction, RegionCode: string(t.RegionCode),
		OtherRegion: t.OtherRegion, On: dateString(t.On), Balance: int64(t.Balance), Pooled: int64(t.Pooled), Months: t.Months,
		Years: make([]transferYearResponse, len(t.Years)), Parameters: paramReads(t.Parameters), Status: string(t.Status), CreatedBy: t.CreatedBy,
		DecidedBy: t.DecidedBy, Note: t.DecisionNote}
	if !t.DecidedAt.IsZero() {
		out.DecidedAt = timeString(t.DecidedAt)
	}
	for i, y := range t.Years {
		out.Years[i] = transferYearResponse{Year: y.Year, Base: int64(y.Base), Pooled: int64(y.Pooled), Months: y.Months}
	}
	return out
}

// handleTransferOut moves a person's employee pension out.
func (s *server) handleTransferOut(w http.ResponseWriter, r *http.Request) error {
	p, req, err := bindBody[personParams, transferOutRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	on := dateField(&pr, "on", req.On)
	if err := pr.Err("invalid transfer"); err != nil {
		return err
	}
	t, err := s.acc.TransferOut(r.Context(), p.ID, req.ToRegion, on)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusCreated, transferOf(t))
	return nil
}

// handleTransferIn records an account moved in.
func (s *server) handleTransferIn(w http.ResponseWriter, r *http.Request) error {
	p, req, err := bindBody[personParams, transferInRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	on := dateField(&pr, "on", req.On)
	if err := pr.Err("invalid transfer"); err != nil {
		return err
	}
	t, err := s.acc.TransferIn(r.Context(), p.ID, insurance.TransferInRequest{FromRegion: req.FromRegion, On: on,
		Balance: money.Fen(req.Balance), Pooled: money.Fen(req.Pooled), Months: req.Months})
	if err != nil {
		return err
	}
	reply(w, r, http.StatusCreated, transferOf(t))
	return nil
}
