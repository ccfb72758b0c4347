package httpapi

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"

	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/policy"

	"safetynet/internal/insurance"
	"safetynet/internal/registry"
)

// deathRoutes are the routes of the settlement of an insured person's
// death (身后事): proposed by a caseworker, decided by a second user.
func (s *server) deathRoutes() []route {
	return []route{
		{method: "POST", path: "/api/v1/persons/{id}/death-settlement", op: "proposeDeathSettlement", handler: s.handleProposeDeath, tag: "pensions",
			summary: "Propose the settlement of a recorded death (身后事): the funeral grant and survivors' benefit of the employee pension (人社部发〔2021〕18号), " +
				"the inheritable personal-account balance, less the pension paid after the death; another user decides it (one live settlement per person: 409)",
			params: personParams{}, body: deathSettlementRequest{}, status: http.StatusCreated, resp: deathSettlementResponse{}},
		{method: "GET", path: "/api/v1/death-settlements/{id}", op: "getDeathSettlement", handler: s.handleGetDeath, tag: "pensions",
			summary: "Read a death settlement with its amounts explained", params: idParams{}, status: http.StatusOK, resp: deathSettlementResponse{}},
		{method: "GET", path: "/api/v1/death-settlements/{id}/calculation", op: "getDeathSettlementCalculation", handler: s.handleDeathCalculation, tag: "pensions",
			summary: "The printable settlement (身后待遇核定表) as an HTML page (text/html)",
			params:  idParams{}, status: http.StatusOK, resp: "", contentType: "text/html"},
		{method: "POST", path: "/api/v1/death-settlements/{id}/decision", op: "decideDeathSettlement", handler: s.handleDecideDeath, tag: "pensions",
			summary: "Approve or reject a death settlement, by an approver who did not propose it: approved, the pension stops, the overpayments are recovered, " +
				"the household's assistance is due for review from the month after, and the survivor is paid through a payment instruction",
			params: idParams{}, body: decisionRequest{}, status: http.StatusOK, resp: deathSettlementResponse{}},
	}
}

// deathSettlementRequest is the body of POST /api/v1/persons/{id}/death-settlement.
type deathSettlementRequest struct {
	SurvivorID int64 `json:"survivor_id" required:"true" minimum:"1" description:"the survivor (遗属) paid, a registered living person; paid to their confirmed primary account, held without one"`
	DiedAtWork bool  `json:"died_at_work,omitempty" description:"the death is a work injury (因工死亡): the work-injury fund pays the grants, this settlement only the account"`
}

// settledOverpaymentResponse is a month of pension paid after the death.
type settledOverpaymentResponse struct {
	AwardID   int64  `json:"award_id"`
	Period    string `json:"period" example:"2026-08"`
	Amount    int64  `json:"amount" description:"fen"`
	Recovered bool   `json:"recovered" description:"recovered by this settlement (whole months, oldest first, as far as the balance and the grant reach)"`
}

// deathSettlementResponse is a death settlement.
type deathSettlementResponse struct {
	ID         int64  `json:"id"`
	PersonID   int64  `json:"person_id"`
	RegionCode string `json:"region_code"`
	DeathDate  string `json:"death_date" format:"date"`
	Scheme     string `json:"scheme" enum:"employee_pension,resident_pension"`
	SurvivorID int64  `json:"survivor_id"`
	Status     string `json:"status" enum:"proposed,approved,rejected"`
	// The amounts, in fen.
	FuneralGrant     int64 `json:"funeral_grant" description:"丧葬补助金, fen"`
	SurvivorsBenefit int64 `json:"survivors_benefit" description:"抚恤金, fen"`
	Inheritable      int64 `json:"inheritable" description:"个人账户可继承余额: the personal part of the employee account (the whole resident account) less the account pension drawn, fen"`
	Overpayment      int64 `json:"overpayment" description:"pension paid for months after the death, outstanding when proposed, fen"`
	Recovered        int64 `json:"recovered" description:"the part of it recovered from the balance, then the grant, fen"`
	Net              int64 `json:"net" description:"paid to the survivor: grant + benefit + inheritable − recovered, fen"`
	// The facts read.
	Retired            bool                         `json:"retired" description:"the person drew the pension when they died"`
	ContributionMonths int                          `json:"contribution_months" description:"months counted for the survivors' benefit"`
	MonthsDrawn        int                          `json:"months_drawn" description:"months of pension paid while alive"`
	AccountCredited    int64                        `json:"account_credited" description:"the account's inheritable entries, fen"`
	AccountDrawn       int64                        `json:"account_drawn" description:"personal-account pension paid from it while alive, fen"`
	Overpayments       []settledOverpaymentResponse `json:"overpayments" required:"true" nullable:"false"`
	Steps              []string                     `json:"steps" required:"true" nullable:"false" description:"how each amount was found, in words (zh-CN)"`
	Decision           *decisionResponse            `json:"decision,omitempty" description:"the programme survivor_benefit's explained decision; absent under the resident pension"`
	CreatedBy          int64                        `json:"created_by"`
	DecidedBy          int64                        `json:"decided_by,omitempty"`
	Note               string                       `json:"note,omitempty"`
	InstructionID      int64                        `json:"instruction_id,omitempty" description:"the payment instruction made on approval"`
	Version            int64                        `json:"version"`
}

func deathSettlementOf(d *insurance.DeathSettlement) deathSettlementResponse {
	out := deathSettlementResponse{ID: int64(d.ID), PersonID: int64(d.PersonID), RegionCode: string(d.RegionCode), DeathDate: dateString(d.DeathDate),
		Scheme: string(d.Scheme), SurvivorID: int64(d.SurvivorID), Status: string(d.Status), FuneralGrant: int64(d.FuneralGrant),
		SurvivorsBenefit: int64(d.SurvivorsBenefit), Inheritable: int64(d.Inheritable), Overpayment: int64(d.Overpayment), Recovered: int64(d.Recovered),
		Net: int64(d.Net), Retired: d.Detail.Retired, ContributionMonths: d.Detail.ContributionMonths, MonthsDrawn: d.Detail.MonthsDrawn,
		AccountCredited: int64(d.Detail.AccountCredited), AccountDrawn: int64(d.Detail.AccountDrawn), Overpayments: []settledOverpaymentResponse{},
		Steps: append([]string{}, d.Detail.Steps...), CreatedBy: d.CreatedBy, DecidedBy: d.DecidedBy, Note: d.Note,
		InstructionID: int64(d.InstructionID), Version: d.Version}
	for _, o := range d.Detail.Overpayments {
		out.Overpayments = append(out.Overpayments, settledOverpaymentResponse{AwardID: int64(o.AwardID), Period: o.Period.String(),
			Amount: int64(o.Amount), Recovered: o.Recovered})
	}
	if d.Detail.Decision != nil {
		dr := decisionOf(d.Detail.Decision)
		out.Decision = &dr
	}
	return out
}

func (s *server) handleProposeDeath(w http.ResponseWriter, r *http.Request) error {
	p, req, err := bindBody[personParams, deathSettlementRequest](r)
	if err != nil {
		return err
	}
	d, err := s.deaths.Propose(r.Context(), insurance.DeathRequest{PersonID: p.ID, SurvivorID: registry.PersonID(req.SurvivorID), DiedAtWork: req.DiedAtWork})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/death-settlements/"+strconv.FormatInt(int64(d.ID), 10))
	reply(w, r, http.StatusCreated, deathSettlementOf(d))
	return nil
}

func (s *server) handleGetDeath(w http.ResponseWriter, r *http.Request) error {
	return getByID(s.deaths.Find, deathSettlementOf)(w, r)
}

func (s *server) handleDecideDeath(w http.ResponseWriter, r *http.Request) error {
	return decide(s.deaths.Decide, deathSettlementOf)(w, r)
}

// deathStatusText names a settlement's status in Chinese.
var deathStatusText = map[insurance.SettlementStatus]string{
	insurance.SettlementProposed: "待审批", insurance.SettlementApproved: "已核定", insurance.SettlementRejected: "不予核定",
}

// deathPage is the printable settlement of a death (身后待遇核定表): the
// amounts, the steps in words, the grant's explained calculation and the
// months recovered.
var deathPage = template.Must(template.New("death").Funcs(template.FuncMap{
	"yuan": func(f money.Fen) string { return f.String() + " 元" },
}).Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>身后待遇核定表 {{.Name}}</title>
<style>
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.5em; border-bottom: 1px solid #999; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; }
th, td { border: 1px solid #bbb; padding: .3em .5em; text-align: left; vertical-align: top; font-size: .9em; }
th { background: #eee; } .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.en { color: #555; font-size: .85em; }
@media print { body { margin: 1cm; } }
</style>
</head>
<body>
<h1>身后待遇核定表 <span class="en">Settlement of a death</span></h1>
<table>
<tr><th>姓名</th><td>{{.Name}}</td><th>核定编号</th><td>{{.D.ID}}</td></tr>
<tr><th>死亡日期</th><td>{{.Death}}</td><th>参保地</th><td>{{.Region}}</td></tr>
<tr><th>险种</th><td>{{.Scheme}}</td><th>状态</th><td>{{.Status}}</td></tr>
</table>
<h2>核定金额 <span class="en">Amounts</span></h2>
<table><tr><th>项目</th><th class="num">金额</th></tr>
<tr><td>丧葬补助金</td><td class="num">{{yuan .D.FuneralGrant}}</td></tr>
<tr><td>抚恤金</td><td class="num">{{yuan .D.SurvivorsBenefit}}</td></tr>
<tr><td>个人账户可继承余额</td><td class="num">{{yuan .D.Inheritable}}</td></tr>
<tr><td>死亡后多发养老金（其中扣回）</td><td class="num">{{yuan .D.Overpayment}}（{{yuan .D.Recovered}}）</td></tr>
<tr><td><strong>支付遗属</strong></td><td class="num"><strong>{{yuan .D.Net}}</strong></td></tr>
</table>
<h2>计算说明 <span class="en">How the amounts were found</span></h2>
<ol>{{range .D.Detail.Steps}}<li>{{.}}</li>{{end}}</ol>
{{if .E}}<h2>丧葬补助金和抚恤金计算过程 <span class="en">Grant and benefit, step by step</span></h2>
<table><tr><th>项目</th><th>计算公式</th><th>代入数值</th><th class="num">结果</th></tr>
{{range .E.Variables}}<tr><td>{{.Label}}</td><td>{{.Formula}}</td><td>{{.Values}}</td><td class="num">{{.Value}}</td></tr>
{{end}}</table>
<table><tr><th>参数</th><th class="num">取值</th><th>执行日期</th><th>依据</th><th>状态</th></tr>
{{range .E.Parameters}}<tr><td>{{.Label}}</td><td class="num">{{.Value}}</td><td>{{.From}}</td><td>{{.Source}}</td><td>{{.Status}}</td></tr>
{{end}}</table>{{end}}
{{if .D.Detail.Overpayments}}<h2>死亡后多发养老金 <span class="en">Pension paid after the death</span></h2>
<table><tr><th>月份</th><th class="num">金额</th><th>本次扣回</th></tr>
{{range .D.Detail.Overpayments}}<tr><td>{{.Period}}</td><td class="num">{{yuan .Amount}}</td><td>{{if .Recovered}}是{{else}}否，另行追回{{end}}</td></tr>
{{end}}</table>{{end}}
<p>本表由系统按政策规则生成，状态为“待确认”的参数为待核实的占位值。</p>
</body>
</html>
`))

// handleDeathCalculation writes the printable settlement of a death.
func (s *server) handleDeathCalculation(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[idParams](r)
	if err != nil {
		return err
	}
	d, err := s.deaths.Find(r.Context(), insurance.DeathSettlementID(p.ID))
	if err != nil {
		return err
	}
	var ex *policy.Explanation
	if d.Detail.Decision != nil {
		if pk := policy.PackageOf(s.policies(), d.Detail.Decision); pk != nil {
			if ex, err = pk.Explain(d.Detail.Decision, policy.ExplainOptions{Lang: policy.ZH, YearOnlyDates: mayNotSeePII(r)}); err != nil {
				return err
			}
		}
	}
	// The person by name: reading it is a read of their file, recorded;
	// who may not read the registry sees the number.
	name := "人员编号 " + strconv.FormatInt(int64(d.PersonID), 10)
	if per, err := s.reg.Person(r.Context(), d.PersonID); err == nil {
		name = per.Name
	} else if fault.CodeOf(err) != fault.Forbidden && fault.CodeOf(err) != fault.NotFound {
		return err
	}
	scheme := "企业职工基本养老保险"
	if d.Scheme == insurance.ResidentPension {
		scheme = "城乡居民基本养老保险"
	}
	var buf bytes.Buffer
	data := map[string]any{"D": d, "E": ex, "Name": name, "Region": regionText(s.pol.Tree, d.RegionCode), "Scheme": scheme,
		"Death": policy.DateText(d.DeathDate, policy.ZH), "Status": deathStatusText[d.Status]}
	if err := deathPage.Execute(&buf, data); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}
