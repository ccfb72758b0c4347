package httpapi

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// pensionRoutes are the routes of retirement awards, payroll, certification and duplicate control.
func (s *server) pensionRoutes() []route {
	type (
		awardList       = listResponse[awardResponse]
		overpaymentList = listResponse[overpaymentResponse]
		duplicateList   = listResponse[duplicateResponse]
	)
	return []route{
		{method: "GET", path: "/api/v1/awards", op: "listPensionAwards", handler: s.handleListAwards, tag: "pensions",
			summary: "List pension awards in your scope (a citizen lists their own)", params: awardListParams{}, status: http.StatusOK, resp: awardList{}},
		{method: "POST", path: "/api/v1/awards", op: "createPensionAward", handler: s.handleCreateAward, tag: "pensions",
			summary: "Decide a pension award (待遇核定) with the scheme's programme; a refusal names the conditions not met",
			body:    awardRequest{}, status: http.StatusCreated, resp: awardResponse{}},
		{method: "GET", path: "/api/v1/awards/{id}", op: "getPensionAward", handler: s.handleFindAward, tag: "pensions",
			summary: "Read an award with its full explanation and yearly adjustments", params: awardParams{}, status: http.StatusOK, resp: awardResponse{}},
		{method: "GET", path: "/api/v1/awards/{id}/calculation", op: "getPensionCalculation", handler: s.handleAwardCalculation, tag: "pensions",
			summary: "A printable HTML page explaining every number of an award (zh-CN with English)", params: awardParams{}, status: http.StatusOK, resp: "", contentType: "text/html"},
		{method: "POST", path: "/api/v1/payroll-runs", op: "runPensionPayroll", handler: s.handlePayroll, tag: "pensions",
			summary: "Run the pension payroll of a month (养老金发放); running it again writes only what changed",
			body:    payrollRequest{}, status: http.StatusOK, resp: payrollResponse{}},
		{method: "POST", path: "/api/v1/pension-adjustments", op: "adjustPensions", handler: s.handleAdjust, tag: "pensions",
			summary: "Run the yearly pension adjustment (基本养老金调整), paid from January; late months come as arrears",
			body:    adjustRequest{}, status: http.StatusOK, resp: adjustResponse{}},
		{method: "POST", path: "/api/v1/certifications", op: "recordCertification", handler: s.handleCertify, tag: "pensions",
			summary: "Record a qualification certification (资格认证); the next payroll resumes a suspended award with back pay",
			body:    certificationRequest{}, status: http.StatusCreated, resp: certificationResponse{}},
		{method: "GET", path: "/api/v1/overpayments", op: "listOverpayments", handler: s.handleOverpayments, tag: "pensions",
			summary: "List months paid after a death, to recover", params: overpaymentParams{}, status: http.StatusOK, resp: overpaymentList{}},
		{method: "GET", path: "/api/v1/pension-duplicates", op: "listPensionDuplicates", handler: s.handleDuplicates, tag: "pensions",
			summary: "List duplicate pension receipts (重复领取): both schemes, or one month paid in two regions", params: pensionRegionParams{}, status: http.StatusOK, resp: duplicateList{}},
		{method: "GET", path: "/api/v1/reports/pensions", op: "getPensionsReport", handler: s.handlePensionReport, tag: "pensions",
			summary: "Average employee and resident pension of a month, before and after the year's adjustment", params: reportParams{}, status: http.StatusOK, resp: pensionReport{}},
	}
}

// awardResponse is a pension award (待遇核定).
type awardResponse struct {
	ID         int64  `json:"id"`
	PersonID   int64  `json:"person_id"`
	Scheme     string `json:"scheme" enum:"employee_pension,resident_pension"`
	RegionCode string `json:"region_code"`
	Start      string `json:"start" example:"2025-01" description:"first month paid"`
	Amount     int64  `json:"amount" description:"monthly amount at the start, in fen"`
	Status     string `json:"status" enum:"active,suspended,stopped"`
	Group      string `json:"retirement_group,omitempty" enum:"male,female_cadre,female_worker"`
	// ContributionMonths is N in months, deemed months included.
	ContributionMonths int    `json:"contribution_months"`
	StopMonth          string `json:"stop_month,omitempty" description:"last month payable, once stopped"`
	// Decision is the programme's explained decision; only when one award
	// is read.
	Decision      *decisionResponse    `json:"decision,omitempty"`
	Adjustments   []adjustmentResponse `json:"adjustments,omitempty"`
	PolicyVersion string               `json:"policy_version"`
	CreatedBy     string               `json:"created_by"`
	Version       int64                `json:"version"`
}

// adjustmentResponse is one year's adjustment of an award, with its parts.
type adjustmentResponse struct {
	Year        int    `json:"year"`
	Announced   string `json:"announced"`
	Own         int64  `json:"own" description:"pension in force in December of the previous year, fen"`
	Fixed       int64  `json:"fixed" description:"定额调整, fen"`
	PerYear     int64  `json:"per_year" description:"挂钩调整 per whole contribution year, fen"`
	Years       int    `json:"years"`
	Linked      int64  `json:"linked" description:"挂钩调整 share of the own pension, fen"`
	Age         int    `json:"age" description:"age reached in the year"`
	AgeExtra    int64  `json:"age_extra" description:"高龄倾斜, fen"`
	RemoteExtra int64  `json:"remote_extra" description:"艰苦边远地区倾斜, fen"`
	Amount      int64  `json:"amount" description:"monthly increase from January, fen"`
}

func adjustmentOf(a insurance.Adjustment) adjustmentResponse {
	return adjustmentResponse{Year: a.Year, Announced: a.Announced.String(), Own: int64(a.Own), Fixed: int64(a.Fixed),
		PerYear: int64(a.PerYear), Years: a.Years, Linked: int64(a.Linked), Age: a.Age, AgeExtra: int64(a.AgeExtra),
		RemoteExtra: int64(a.RemoteExtra), Amount: int64(a.Amount)}
}

func awardOf(a *insurance.Award) awardResponse {
	out := awardResponse{ID: int64(a.ID), PersonID: int64(a.PersonID), Scheme: string(a.Scheme), RegionCode: string(a.RegionCode),
		Start: monthString(a.Start), Amount: int64(a.Amount), Status: string(a.Status), Group: a.Group,
		ContributionMonths: a.ContributionMonths, StopMonth: monthString(a.StopMonth), PolicyVersion: a.PolicyVersion,
		CreatedBy: a.CreatedBy, Version: a.Version}
	if a.Decision != nil {
		d := decisionOf(a.Decision)
		out.Decision = &d
	}
	return out
}

func awardKey(a *insurance.Award) int64 { return int64(a.ID) }

// awardRequest is the body of POST /api/v1/awards.
type awardRequest struct {
	PersonID int64  `json:"person_id" required:"true" minimum:"1"`
	Scheme   string `json:"scheme" required:"true" enum:"employee_pension,resident_pension"`
	Start    string `json:"start,omitempty" example:"2025-02" description:"first month of the pension, YYYY-MM; default the statutory retirement month (employee) or the month after the pension age (resident)"`
	// Group is required for the employee pension and checked against the
	// registry's gender.
	Group string `json:"retirement_group,omitempty" enum:"male,female_cadre,female_worker"`
	// DeemedMonths and DeemedWageIndex are the deemed contributions
	// (视同缴费) from the personnel archive.
	DeemedMonths    int    `json:"deemed_months,omitempty" minimum:"0" maximum:"600"`
	DeemedWageIndex string `json:"deemed_wage_index,omitempty" example:"1.1" description:"decimal, 0 to 3"`
}

// awardParams are the parameters of an award's URL.
type awardParams struct {
	ID int64 `path:"id" minimum:"1"`
}

// awardListParams are the filters of GET /api/v1/awards.
type awardListParams struct {
	Region   region.Code       `query:"region" description:"division code; default your whole scope"`
	PersonID registry.PersonID `query:"person_id"`
	Scheme   string            `query:"scheme" enum:"employee_pension,resident_pension"`
	pageParams
}

// pensionRegionParams select a region subtree, and a page.
type pensionRegionParams struct {
	Region region.Code `query:"region" description:"division code; default your whole scope"`
	pageParams
}

// handleCreateAward decides and stores an award.
func (s *server) handleCreateAward(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[awardRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	ar := insurance.AwardRequest{PersonID: registry.PersonID(req.PersonID), Scheme: insurance.Scheme(req.Scheme), Group: req.Group,
		DeemedMonths: req.DeemedMonths}
	if req.Start != "" {
		ar.Start = periodField(&pr, "start", req.Start)
	}
	if req.DeemedWageIndex != "" {
		if ar.DeemedWageIndex, err = money.ParseRate(req.DeemedWageIndex); err != nil {
			pr.Add("deemed_wage_index", "%v", err)
		}
	}
	if err := pr.Err("invalid award request"); err != nil {
		return err
	}
	a, err := s.pen.Award(r.Context(), ar)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/awards/"+strconv.FormatInt(int64(a.ID), 10))
	reply(w, r, http.StatusCreated, awardOf(a))
	return nil
}

// readAward reads the award of the {id} path parameter with its
// adjustments.
func (s *server) readAward(r *http.Request) (*insurance.Award, []insurance.Adjustment, error) {
	p, err := bind[idParams](r)
	if err != nil {
		return nil, nil, err
	}
	a, err := s.pen.FindAward(r.Context(), insurance.AwardID(p.ID))
	if err != nil {
		return nil, nil, err
	}
	adjs, err := s.pen.AwardAdjustments(r.Context(), a.ID)
	if err != nil {
		return nil, nil, err
	}
	return a, adjs, nil
}

// handleFindAward returns an award with its explanation.
func (s *server) handleFindAward(w http.ResponseWriter, r *http.Request) error {
	a, adjs, err := s.readAward(r)
	if err != nil {
		return err
	}
	out := awardOf(a)
	for _, adj := range adjs {
		out.Adjustments = append(out.Adjustments, adjustmentOf(adj))
	}
	reply(w, r, http.StatusOK, out)
	return nil
}

// handleListAwards lists awards.
func (s *server) handleListAwards(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[awardListParams](r)
	if err != nil {
		return err
	}
	f := insurance.AwardFilter{Region: p.Region, PersonID: p.PersonID,
		Scheme: insurance.Scheme(p.Scheme), Page: p.page()}
	as, err := s.pen.Awards(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(as, f.Limit, awardKey, awardOf))
	return nil
}

// calculationPage is the printable explanation of an award (养老金核定表),
// in Chinese: the person and the region by name, every step as its label,
// its formula in labels and with the values, amounts in 元. It uses no
// external assets, so that it prints and archives as one file.
var calculationPage = template.Must(template.New("calculation").Funcs(template.FuncMap{
	"yuan":  func(f money.Fen) string { return f.String() + " 元" },
	"deref": func(b *bool) bool { return *b },
}).Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>养老金待遇核定计算表 {{.Name}}</title>
<style>
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.5em; border-bottom: 1px solid #999; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; }
th, td { border: 1px solid #bbb; padding: .3em .5em; text-align: left; vertical-align: top; font-size: .9em; }
th { background: #eee; } .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.en { color: #555; font-size: .85em; } .no { color: #a00; }
@media print { body { margin: 1cm; } }
</style>
</head>
<body>
<h1>养老金待遇核定计算表 <span class="en">Pension award calculation</span></h1>
<table>
<tr><th>姓名</th><td>{{.Name}}</td><th>核定编号</th><td>{{.A.ID}}</td></tr>
<tr><th>险种</th><td>{{.E.Programme}}</td><th>参保地</th><td>{{.Region}}</td></tr>
<tr><th>待遇起始月份</th><td>{{.Start}}</td><th>发放状态</th><td>{{.Status}}</td></tr>
<tr><th>月领取金额</th><td class="num"><strong>{{yuan .A.Amount}}</strong></td><th>核定结论</th><td>{{.E.Summary}}</td></tr>
<tr><th>计算公式</th><td colspan="3">{{.E.Amount.Text}}</td></tr>
<tr><th>政策版本</th><td colspan="3">{{.D.Version}}（参数取值日 {{.AsOf}}）</td></tr>
</table>
<h2>计算过程 <span class="en">Calculation, step by step</span></h2>
<table><tr><th>项目</th><th>计算公式</th><th>代入数值</th><th class="num">结果</th></tr>
{{range .E.Variables}}<tr><td>{{.Label}}</td><td>{{.Formula}}</td><td>{{.Values}}</td><td class="num">{{.Value}}</td></tr>
{{end}}<tr><td><strong>{{.E.Amount.Label}}</strong></td><td>{{.E.Amount.Formula}}</td><td>{{.E.Amount.Values}}</td><td class="num"><strong>{{.E.Amount.Value}}</strong></td></tr>
</table>
<h2>资格条件 <span class="en">Conditions</span></h2>
<table><tr><th>条件</th><th>核对情况</th><th>是否满足</th></tr>
{{range .E.Conditions}}<tr><td>{{.Label}}</td><td>{{.Values}}</td><td>{{if .Holds}}{{if deref .Holds}}满足{{else}}<span class="no">不满足</span>{{end}}{{end}}</td></tr>
{{end}}</table>
<h2>个人数据 <span class="en">From the records</span></h2>
<table><tr><th>项目</th><th class="num">数值</th></tr>
{{range .E.Inputs}}<tr><td>{{.Label}}</td><td class="num">{{.Value}}</td></tr>
{{end}}</table>
<h2>政策参数 <span class="en">Parameters</span></h2>
<table><tr><th>参数</th><th class="num">取值</th><th>执行日期</th><th>依据</th><th>状态</th></tr>
{{range .E.Parameters}}<tr><td>{{.Label}}</td><td class="num">{{.Value}}</td><td>{{.From}}</td><td>{{.Source}}</td><td>{{.Status}}</td></tr>
{{end}}</table>
{{if .Adjustments}}<h2>历年调整 <span class="en">Yearly adjustments</span></h2>
<table><tr><th>年度</th><th class="num">原养老金</th><th class="num">定额调整</th><th class="num">缴费年限挂钩</th><th class="num">养老金挂钩</th><th class="num">高龄倾斜</th><th class="num">艰苦边远地区倾斜</th><th class="num">月增加额</th></tr>
{{range .Adjustments}}<tr><td>{{.Year}}年</td><td class="num">{{yuan .Own}}</td><td class="num">{{yuan .Fixed}}</td><td class="num">{{yuan .PerYear}} × {{.Years}} 年</td><td class="num">{{yuan .Linked}}</td><td class="num">{{yuan .AgeExtra}}</td><td class="num">{{yuan .RemoteExtra}}</td><td class="num">{{yuan .Amount}}</td></tr>
{{end}}</table>{{end}}
<p>本表由系统按政策规则生成，状态为“待确认”的参数为待核实的占位值。</p>
</body>
</html>
`))

// awardStatusText names an award's status in Chinese.
var awardStatusText = map[insurance.AwardStatus]string{
	insurance.AwardActive: "正常发放", insurance.AwardSuspended: "暂停发放", insurance.AwardStopped: "终止发放",
}

// regionText names a division by its path from the prefecture down, as
// an address is written: 昌吉回族自治州昌吉市宁边路街道….
func regionText(t *region.Tree, code region.Code) string {
	var b strings.Builder
	for _, n := range t.Path(code) {
		if n.Level != region.Province {
			b.WriteString(n.NameZH)
		}
	}
	if b.Len() == 0 {
		return string(code)
	}
	return b.String()
}

// handleAwardCalculation writes the printable calculation of an award.
func (s *server) handleAwardCalculation(w http.ResponseWriter, r *http.Request) error {
	a, adjs, err := s.readAward(r)
	if err != nil {
		return err
	}
	if a.Decision == nil {
		return fault.Errorf(fault.NotFound, "award %d has no stored decision", a.ID)
	}
	pk := policy.PackageOf(s.policies(), a.Decision)
	if pk == nil {
		return fmt.Errorf("award %d: no policy package has programme %s", a.ID, a.Decision.Programme)
	}
	ex, err := pk.Explain(a.Decision, policy.ExplainOptions{Lang: policy.ZH, YearOnlyDates: mayNotSeePII(r)})
	if err != nil {
		return err
	}
	// The person by name: reading it is a read of their file, recorded;
	// who may read the award but not the registry sees the number.
	name := "人员编号 " + strconv.FormatInt(int64(a.PersonID), 10)
	if per, err := s.reg.Person(r.Context(), a.PersonID); err == nil {
		name = per.Name
	} else if fault.CodeOf(err) != fault.Forbidden && fault.CodeOf(err) != fault.NotFound {
		return err
	}
	status := awardStatusText[a.Status]
	if status == "" {
		status = string(a.Status)
	}
	var buf bytes.Buffer
	data := map[string]any{"A": a, "D": a.Decision, "E": ex, "Name": name, "Region": regionText(s.pol.Tree, a.RegionCode),
		"Start": policy.MonthText(a.Start, policy.ZH), "Status": status, "AsOf": policy.DateText(a.Decision.AsOf, policy.ZH),
		"Adjustments": adjs}
	if err := calculationPage.Execute(&buf, data); err != nil {
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

// payrollRequest is the body of POST /api/v1/payroll-runs.
type payrollRequest struct {
	Period string `json:"period" required:"true" example:"2025-06" description:"month paid, YYYY-MM"`
	// Region limits the run to a subtree; default your whole scope.
	Region string `json:"region,omitempty" example:"652301"`
}

// overpaymentResponse is a month paid after a death.
type overpaymentResponse struct {
	AwardID    int64  `json:"award_id"`
	PersonID   int64  `json:"person_id"`
	RegionCode string `json:"region_code"`
	Period     string `json:"period"`
	Amount     int64  `json:"amount" description:"fen"`
	Status     string `json:"status" enum:"outstanding,recovered"`
}

func overpaymentOf(o insurance.Overpayment) overpaymentResponse {
	return overpaymentResponse{AwardID: int64(o.AwardID), PersonID: int64(o.PersonID), RegionCode: string(o.RegionCode),
		Period: o.Period.String(), Amount: int64(o.Amount), Status: string(o.Status)}
}

// payrollResponse reports a payroll run.
type payrollResponse struct {
	RunID      int64  `json:"run_id" description:"0 when nothing_new: no run recorded"`
	NothingNew bool   `json:"nothing_new,omitempty" description:"the month was paid already and nothing changed: nothing written, no run recorded"`
	Period     string `json:"period"`
	Region     string `json:"region"`
	Awards     int    `json:"awards"`
	NewLines   int    `json:"new_lines" description:"lines written by this run; 0 when the month was run before and nothing changed"`
	Lines      int    `json:"lines" description:"all lines of the month"`
	Regular    int64  `json:"regular" description:"the month's regular payments, fen"`
	Arrears    int64  `json:"arrears" description:"the month's back pay, fen"`
	// Suspended, Resumed and Stopped count awards withheld for overdue
	// certification, paid again, and stopped by death.
	Suspended    int                   `json:"suspended"`
	Resumed      int                   `json:"resumed"`
	Stopped      int                   `json:"stopped"`
	Overpayments []overpaymentResponse `json:"overpayments" required:"true" nullable:"false"`
}

// regionField parses an optional region code.
func regionField(pr *fault.Problems, name, s string) region.Code {
	if s == "" {
		return ""
	}
	code, err := region.ParseCode(s)
	if err != nil {
		pr.Add(name, "%v", err)
	}
	return code
}

// handlePayroll runs a month's payroll.
func (s *server) handlePayroll(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[payrollRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	m := periodField(&pr, "period", req.Period)
	code := regionField(&pr, "region", req.Region)
	if err := pr.Err("invalid payroll run"); err != nil {
		return err
	}
	sum, err := s.pen.Payroll(r.Context(), m, code)
	if err != nil {
		return err
	}
	out := payrollResponse{RunID: sum.ID, NothingNew: sum.NothingNew, Period: sum.Period.String(), Region: string(sum.Region), Awards: sum.Awards,
		NewLines: sum.NewLines, Lines: sum.Lines, Regular: int64(sum.Regular), Arrears: int64(sum.Arrears),
		Suspended: sum.Suspended, Resumed: sum.Resumed, Stopped: sum.Stopped, Overpayments: []overpaymentResponse{}}
	for _, o := range sum.Overpayments {
		out.Overpayments = append(out.Overpayments, overpaymentOf(o))
	}
	reply(w, r, http.StatusOK, out)
	return nil
}

// adjustRequest is the body of POST /api/v1/pension-adjustments.
type adjustRequest struct {
	Year      int    `json:"year" required:"true" example:"2025"`
	Announced string `json:"announced" required:"true" example:"2025-06" description:"month the adjustment is decided and run, YYYY-MM"`
	Region    string `json:"region,omitempty" example:"652301"`
}

// adjustResponse reports an adjustment run.
type adjustResponse struct {
	Year       int                     `json:"year"`
	Announced  string                  `json:"announced"`
	Region     string                  `json:"region"`
	Awards     int                     `json:"awards" description:"awards adjusted for the year, by this or an earlier run"`
	New        int                     `json:"new" description:"awards adjusted by this run"`
	Increase   int64                   `json:"increase" description:"monthly increase of the new ones, fen"`
	Parameters []parameterReadResponse `json:"parameters" required:"true" nullable:"false"`
}

// handleAdjust runs a yearly adjustment.
func (s *server) handleAdjust(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[adjustRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	m := periodField(&pr, "announced", req.Announced)
	code := regionField(&pr, "region", req.Region)
	if err := pr.Err("invalid adjustment run"); err != nil {
		return err
	}
	sum, err := s.pen.Adjust(r.Context(), req.Year, m, code)
	if err != nil {
		return err
	}
	out := adjustResponse{Year: sum.Year, Announced: sum.Announced.String(), Region: string(sum.Region), Awards: sum.Awards,
		New: sum.New, Increase: int64(sum.Increase), Parameters: make([]parameterReadResponse, len(sum.Parameters))}
	for i, p := range sum.Parameters {
		out.Parameters[i] = parameterReadResponse{Key: p.Key, Value: p.Value, Unit: p.Unit, From: dateString(p.From),
			Source: p.Source, Status: p.Status, Layer: p.Layer, Region: string(p.Region)}
	}
	reply(w, r, http.StatusOK, out)
	return nil
}

// certificationRequest is the body of POST /api/v1/certifications.
type certificationRequest struct {
	PersonID int64  `json:"person_id" required:"true" minimum:"1"`
	Date     string `json:"date" required:"true" format:"date"`
	Method   string `json:"method" required:"true" enum:"data_match,face,visit"`
	Note     string `json:"note,omitempty" maxLength:"500"`
}

// certificationResponse is a recorded certification.
type certificationResponse struct {
	ID         int64  `json:"id"`
	PersonID   int64  `json:"person_id"`
	RegionCode string `json:"region_code"`
	Date       string `json:"date" format:"date"`
	Method     string `json:"method" enum:"data_match,face,visit"`
	Note       string `json:"note,omitempty"`
	CreatedBy  string `json:"created_by"`
}

// handleCertify records a certification.
func (s *server) handleCertify(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[certificationRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	c := &insurance.Certification{PersonID: registry.PersonID(req.PersonID), Date: dateField(&pr, "date", req.Date),
		Method: insurance.CertMethod(req.Method), Note: req.Note}
	if err := pr.Err("invalid certification"); err != nil {
		return err
	}
	if err := s.pen.Certify(r.Context(), c); err != nil {
		return err
	}
	reply(w, r, http.StatusCreated, certificationResponse{ID: c.ID, PersonID: int64(c.PersonID), RegionCode: string(c.RegionCode),
		Date: dateString(c.Date), Method: string(c.Method), Note: c.Note, CreatedBy: c.CreatedBy})
	return nil
}

// overpaymentParams filter GET /api/v1/overpayments.
type overpaymentParams struct {
	Region region.Code `query:"region" description:"division code; default your whole scope"`
	Status string      `query:"status" enum:"outstanding,recovered"`
	pageParams
}

// handleOverpayments lists overpayments.
func (s *server) handleOverpayments(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[overpaymentParams](r)
	if err != nil {
		return err
	}
	code, status, page := p.Region, insurance.OverpaymentStatus(p.Status), p.page()
	os, err := s.pen.Overpayments(r.Context(), code, status)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(keyPage(os, page, overpaymentKey), page.Limit, overpaymentKey, overpaymentOf))
	return nil
}

// duplicateResponse is a duplicate pension receipt.
type duplicateResponse struct {
	PersonID int64    `json:"person_id"`
	Rule     string   `json:"rule" enum:"employee_and_resident,paid_in_two_regions"`
	AwardIDs []int64  `json:"award_ids" required:"true" nullable:"false"`
	Regions  []string `json:"regions" required:"true" nullable:"false"`
	Period   string   `json:"period,omitempty" description:"first month paid twice"`
}

// handleDuplicates lists duplicate receipts.
func (s *server) handleDuplicates(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[pensionRegionParams](r)
	if err != nil {
		return err
	}
	code, page := p.Region, p.page()
	ds, err := s.pen.Duplicates(r.Context(), code)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(keyPage(ds, page, duplicateKey), page.Limit, duplicateKey, func(d insurance.Duplicate) duplicateResponse {
		dr := duplicateResponse{PersonID: int64(d.PersonID), Rule: d.Rule, Period: monthString(d.Period)}
		for j := range d.AwardIDs {
			dr.AwardIDs = append(dr.AwardIDs, int64(d.AwardIDs[j]))
			dr.Regions = append(dr.Regions, string(d.Regions[j]))
		}
		return dr
	}))
	return nil
}

// pensionAverageResponse is the average pension of a scheme.
type pensionAverageResponse struct {
	Period string `json:"period" example:"2025-06" description:"the month averaged, YYYY-MM"`
	Scheme string `json:"scheme" enum:"employee_pension,resident_pension"`
	Awards int    `json:"awards"`
	Before int64  `json:"before" description:"average before the year's adjustment, fen"`
	After  int64  `json:"after" description:"average after the year's adjustment, fen"`
}

// pensionReport is the body of GET /api/v1/reports/pensions: averages,
// month by month, which do not add up, so no totals.
type pensionReport = reportResponse[pensionAverageResponse, noTotals]

// handlePensionReport returns the average pensions of each month.
func (s *server) handlePensionReport(w http.ResponseWriter, r *http.Request) error {
	p, err := s.readReportPeriod(r)
	if err != nil {
		return err
	}
	out := newReport[pensionAverageResponse, noTotals]("pensions", p)
	for _, m := range p.months() {
		rep, err := s.pen.Report(r.Context(), m, p.Region)
		if err != nil {
			return err
		}
		for _, row := range rep.Rows {
			out.Rows = append(out.Rows, pensionAverageResponse{Period: m.String(), Scheme: string(row.Scheme), Awards: row.Awards,
				Before: int64(row.Before), After: int64(row.After)})
		}
	}
	reply(w, r, http.StatusOK, out)
	return nil
}

// overpaymentKey orders overpayments by award and month, as one integer.
func overpaymentKey(o insurance.Overpayment) int64 { return int64(o.AwardID)<<20 | int64(o.Period) }

// duplicateKey orders duplicate receipts by person and rule, as one
// integer.
func duplicateKey(d insurance.Duplicate) int64 {
	k := int64(d.PersonID) << 1
	if d.Rule == insurance.DupTwoRegions {
		k |= 1
	}
	return k
}
