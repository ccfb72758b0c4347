package console

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/exchange"
	"safetynet/internal/exchange/records"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/insurance"
	"safetynet/internal/monitoring"
	"safetynet/internal/registry"
)

// exchangeRoutes are the pages of the data exchange (数据交换): upload a
// department file, read its row-by-row report with nothing written, then
// confirm its import (all rows or none).
func (c *Console) exchangeRoutes() {
	c.handle("GET /exchange", c.handleExchange, auth.PermRegistryWrite)
	c.handle("POST /exchange/check", c.handleExchangeCheck, auth.PermRegistryWrite)
	c.handle("POST /exchange/import", c.handleExchangeImport, auth.PermRegistryWrite)
}

// exchangeKinds are the department files the console imports, in the
// order offered (the kinds of `safetynet import`).
var exchangeKinds = []string{"deaths", "signals", "tax", "hardship"}

// exchangeProfile returns the profile of a kind of department file.
func exchangeProfile(kind string) (exchange.Profile, bool) {
	switch kind {
	case "deaths":
		return exchange.Deaths(), true
	case "signals":
		return exchange.Signals(), true
	case "tax":
		return exchange.TaxContributions(), true
	case "hardship":
		return exchange.HardshipIdentities(), true
	}
	return exchange.Profile{}, false
}

// uploadKeep is how long an uploaded file waits for its confirmation
// before the next upload of the same user removes it.
const uploadKeep = 24 * time.Hour

// upload is what the console keeps of a checked file between the report
// and the confirmation, beside the file itself: never taken from the form.
type upload struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
	// Source (deaths), Department (signals) and Year (hardship) are the
	// import's options.
	Source     string `json:"source,omitempty"`
	Department string `json:"department,omitempty"`
	Year       int    `json:"year,omitempty"`
}

// uploadRoot is the folder of the uploaded files waiting for their
// confirmation.
func uploadRoot() string { return filepath.Join(os.TempDir(), "safetynet-console-uploads") }

// uploadDir is the folder of the uploads of one session, named by a hash
// of its token: another session (another user, or another database's
// server on the same machine) cannot name them, and the files are keyed by
// their SHA-256, so the content read at the confirmation is the content
// checked.
func uploadDir(r *http.Request) (string, error) {
	tok, _ := r.Context().Value(sessionKey{}).(string)
	if tok == "" {
		return "", fault.Errorf(fault.Unauthenticated, "sign in first")
	}
	sum := sha256.Sum256([]byte("console upload\x00" + tok))
	return filepath.Join(uploadRoot(), hex.EncodeToString(sum[:16])), nil
}

// exchangePage is the data of the exchange pages.
type exchangePage struct {
	Kinds       []string
	Sources     []string
	Departments []monitoring.Source
	Year        int
	// Form holds the choices made; Problems the problems of the form.
	Form     map[string]string
	Problems map[string]string
	// Report is the check of an uploaded file; SHA names it for the
	// confirmation.
	Report *exchange.Report
	Title  string
	SHA    string
	Lines  []reportLine
	// Refused says the service refused the import: Lines are its problems
	// and nothing was written.
	Refused bool
	// Done is the outcome of an import, shown after it.
	Done string
}

// reportLine is one problem of a file, in words.
type reportLine struct {
	Line   int
	Column string
	Value  string
	Rule   string
	Reason string
}

// newExchangePage returns the exchange page with its choices.
func (c *Console) newExchangePage(r *http.Request) (*page, *exchangePage) {
	p := c.newPage(r, "exchange")
	p.Title, p.Active = p.T("exchange.title"), "exchange"
	return p, &exchangePage{Kinds: exchangeKinds, Sources: registry.DeathSources, Departments: monitoring.Sources,
		Year: c.app.Clock.Today().Year(), Form: map[string]string{}}
}

// doneQuery is the query of the page after an import: the kind and two
// counts, never text to show as it is.
func doneQuery(kind string, a, b int) string {
	return fmt.Sprintf("done=%s&a=%d&b=%d", kind, a, b)
}

// handleExchange shows the upload form, and the outcome of an import.
func (c *Console) handleExchange(w http.ResponseWriter, r *http.Request) error {
	p, data := c.newExchangePage(r)
	q := r.URL.Query()
	if k := q.Get("done"); slices.Contains(exchangeKinds, k) {
		a, _ := strconv.Atoi(q.Get("a"))
		b, _ := strconv.Atoi(q.Get("b"))
		data.Done = p.T("exchange.done."+k, a, b)
	}
	p.Data = data
	c.render(w, r, http.StatusOK, p)
	return nil
}

// handleExchangeCheck reads an uploaded file against its profile and shows
// the row-by-row report, writing nothing; a file without problems is kept
// for the confirmation.
func (c *Console) handleExchangeCheck(w http.ResponseWriter, r *http.Request) error {
	p, data := c.newExchangePage(r)
	fail := func(field, key string) error {
		data.Problems = map[string]string{field: p.T(key)}
		p.Data = data
		c.render(w, r, http.StatusUnprocessableEntity, p)
		return nil
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fail("file", "exchange.too_big")
		}
		return fail("file", "exchange.no_file")
	}
	defer r.MultipartForm.RemoveAll()
	up := upload{Kind: r.FormValue("kind"), Source: r.FormValue("source"), Department: r.FormValue("department")}
	for _, k := range []string{"kind", "source", "department", "year"} {
		data.Form[k] = r.FormValue(k)
	}
	profile, ok := exchangeProfile(up.Kind)
	if !ok {
		return fail("kind", "exchange.choose_kind")
	}
	if up.Kind == "hardship" {
		y, err := strconv.Atoi(r.FormValue("year"))
		if err != nil {
			return fail("year", "exchange.bad_year")
		}
		up.Year = y
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return fail("file", "exchange.no_file")
	}
	defer f.Close()
	up.Name = filepath.Base(hdr.Filename)
	ext := strings.ToLower(filepath.Ext(up.Name))
	if ext != ".csv" && ext != ".xlsx" {
		return fail("file", "exchange.bad_ext")
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return fail("file", "exchange.no_file")
	}
	sum := sha256.Sum256(b)
	sha := hex.EncodeToString(sum[:])
	_, rep, err := exchange.Read(r.Context(), bytes.NewReader(b), up.Name, profile, c.app.Clock.Today())
	if err != nil && fault.CodeOf(err) != fault.Invalid {
		return err
	}
	data.Report, data.Title = rep, profile.Title
	data.Lines = c.reportLines(p.Lang, rep)
	status := http.StatusOK
	if rep.OK() {
		dir, err := uploadDir(r)
		if err != nil {
			return err
		}
		if err := keepUpload(dir, sha, ext, b, up); err != nil {
			return err
		}
		data.SHA = sha
	} else {
		status = http.StatusUnprocessableEntity
	}
	p.Data = data
	c.render(w, r, status, p)
	return nil
}

// keepUpload stores a checked file and what was chosen with it, and
// removes the sessions' uploads older than uploadKeep.
func keepUpload(dir, sha, ext string, b []byte, up upload) error {
	if es, err := os.ReadDir(uploadRoot()); err == nil {
		for _, e := range es {
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > uploadKeep {
				os.RemoveAll(filepath.Join(uploadRoot(), e.Name()))
			}
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	meta, err := json.Marshal(up)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, sha+ext), b, 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, sha+".json"), meta, 0o600)
}

// loadUpload reads back a kept file by its SHA-256, checking that its
// content still has that hash.
func loadUpload(dir, sha string) ([]byte, upload, error) {
	var up upload
	if len(sha) != 64 || strings.Trim(sha, "0123456789abcdef") != "" {
		return nil, up, fault.Errorf(fault.NotFound, "no such upload")
	}
	meta, err := os.ReadFile(filepath.Join(dir, sha+".json"))
	if err != nil {
		return nil, up, fault.Errorf(fault.NotFound, "no such upload")
	}
	if err := json.Unmarshal(meta, &up); err != nil {
		return nil, up, err
	}
	b, err := os.ReadFile(filepath.Join(dir, sha+strings.ToLower(filepath.Ext(up.Name))))
	if err != nil {
		return nil, up, fault.Errorf(fault.NotFound, "no such upload")
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != sha {
		return nil, up, fault.Errorf(fault.Conflict, "the upload changed: upload the file again")
	}
	return b, up, nil
}

// dropUpload removes a kept file once imported.
func dropUpload(dir, sha string, up upload) {
	os.Remove(filepath.Join(dir, sha+strings.ToLower(filepath.Ext(up.Name))))
	os.Remove(filepath.Join(dir, sha+".json"))
}

// reportLines puts a file's problems in words: the rule in the page's
// language, the reason as the reader gave it.
func (c *Console) reportLines(l Lang, rep *exchange.Report) []reportLine {
	if rep == nil {
		return nil
	}
	out := make([]reportLine, 0, len(rep.Problems))
	for _, pb := range rep.Problems {
		rule := translate(l, "exchange.rule.other")
		if _, ok := messages["exchange.rule."+string(pb.Rule)]; ok {
			rule = translate(l, "exchange.rule."+string(pb.Rule))
		}
		out = append(out, reportLine{Line: pb.Line, Column: pb.Header, Value: pb.Value, Rule: rule, Reason: pb.Reason})
	}
	return out
}

// handleExchangeImport imports a checked file: read again from the copy
// kept under its SHA-256, then written by the service in one transaction,
// all rows or none; a refusal shows the service's row-by-row problems.
func (c *Console) handleExchangeImport(w http.ResponseWriter, r *http.Request) error {
	pr, _ := auth.PrincipalFrom(r.Context())
	sha := r.PostFormValue("sha")
	dir, err := uploadDir(r)
	if err != nil {
		return err
	}
	b, up, err := loadUpload(dir, sha)
	if err != nil {
		return err
	}
	profile, ok := exchangeProfile(up.Kind)
	if !ok {
		return fault.Errorf(fault.NotFound, "no such upload")
	}
	p, data := c.newExchangePage(r)
	ctx := r.Context()
	rows, rep, err := exchange.Read(ctx, bytes.NewReader(b), up.Name, profile, c.app.Clock.Today())
	if err != nil {
		return err
	}
	data.Report, data.Title = rep, profile.Title
	var done string
	switch up.Kind {
	case "deaths":
		var out *registry.DeathImport
		if out, err = c.app.Registry.RecordDeaths(ctx, records.DeathNotices(rows), up.Source); err == nil {
			done = doneQuery(up.Kind, out.Recorded, out.Repeats)
		}
	case "signals":
		ss := records.Signals(rows, monitoring.Source(up.Department))
		numbers := make([]ids.ResidentID, len(ss))
		for i, sg := range ss {
			numbers[i] = sg.IDNumber
		}
		// As the API's signals: the ID numbers named count as searches.
		if err = c.app.Registry.CheckIDSearches(ctx, numbers); err == nil {
			var n int
			if n, err = c.app.Monitoring.RecordSignals(ctx, up.Name, ss); err == nil {
				done = doneQuery(up.Kind, n, 0)
			}
		}
	case "tax":
		var n int
		if n, err = c.app.Insurance.ImportTax(ctx, c.app.Store, records.TaxRecords(rows)); err == nil {
			done = doneQuery(up.Kind, n, 0)
		}
	case "hardship":
		var imp *insurance.HardshipImport
		if imp, err = c.app.Accounts.ImportHardship(ctx, c.app.Store, up.Year, up.Name, records.HardshipRecords(rows)); err == nil {
			done = doneQuery(up.Kind, imp.Added, imp.Known)
		}
	}
	if code := fault.CodeOf(err); code == fault.Throttled {
		// The ID numbers of a signals file count as searches by ID number,
		// as the API's signals do, within the hourly limit.
		data.Refused = true
		data.Lines = []reportLine{{Rule: p.T("exchange.throttled"), Reason: fault.MessageOf(err)}}
		p.Data = data
		c.render(w, r, http.StatusTooManyRequests, p)
		return nil
	} else if code == fault.Invalid {
		data.Refused = true
		data.Lines = serviceLines(p.Lang, profile, fault.FieldsOf(err))
		if len(data.Lines) == 0 {
			data.Lines = []reportLine{{Rule: fault.MessageOf(err)}}
		}
		p.Data = data
		c.render(w, r, http.StatusUnprocessableEntity, p)
		return nil
	} else if err != nil {
		return err
	}
	// The file itself is recorded beside the service's own events: who
	// imported which file (by its SHA-256) of which kind.
	if err := c.app.Store.RecordReads(ctx, []registry.ReadEvent{{Action: "exchange.import", Kind: "exchange", ID: sha[:16], Region: pr.Scope,
		Detail: struct{ Kind, File, SHA256 string }{up.Kind, up.Name, sha}}}); err != nil {
		return err
	}
	dropUpload(dir, sha, up)
	http.Redirect(w, r, "/exchange?"+done, http.StatusSeeOther)
	return nil
}

// serviceLines puts a service's refusal ("row 12: id_number" → reason) in
// row order, each field by its column's header.
func serviceLines(l Lang, p exchange.Profile, fields map[string]string) []reportLine {
	headers := map[string]string{}
	for _, f := range p.Fields {
		if len(f.Headers) > 0 {
			headers[f.Name] = f.Headers[0]
		}
	}
	out := make([]reportLine, 0, len(fields))
	for k, why := range fields {
		rl := reportLine{Reason: why, Rule: translate(l, "exchange.rule.refused")}
		if s, ok := strings.CutPrefix(k, "row "); ok {
			n, field, _ := strings.Cut(s, ": ")
			rl.Line, _ = strconv.Atoi(n)
			rl.Column = cmp.Or(headers[field], field)
		} else {
			rl.Column = cmp.Or(headers[k], k)
		}
		out = append(out, rl)
	}
	slices.SortFunc(out, func(a, b reportLine) int { return cmp.Or(a.Line-b.Line, strings.Compare(a.Column, b.Column)) })
	return out
}

func init() { register(exchangeMessages) }

// exchangeMessages are the texts of the exchange pages.
var exchangeMessages = map[string]msg{
	"exchange.title":                        {"数据交换", "Data exchange"},
	"exchange.hint":                         {"上传部门交换文件（CSV 或 XLSX，不超过 1 MiB）。系统先逐行校验并给出报告，此时不写入任何数据；确认导入后，全部行一次写入，任何一行有误则全部不写入。", "Upload a department file (CSV or XLSX, at most 1 MiB). It is checked row by row first and nothing is written; once you confirm, all rows are written at once, or none if any row is refused."},
	"exchange.kind":                         {"文件类型", "Kind of file"},
	"exchange.kind.deaths":                  {"公安死亡信息", "Deaths (public security)"},
	"exchange.kind.signals":                 {"低收入人口动态监测信号", "Monitoring signals"},
	"exchange.kind.tax":                     {"税务征收明细", "Tax collection file"},
	"exchange.kind.hardship":                {"困难群体名单（代缴）", "Hardship list (premiums paid by government)"},
	"exchange.source":                       {"死亡信息来源（死亡信息）", "Source of the deaths (deaths)"},
	"exchange.source.public_security":       {"公安", "Public security"},
	"exchange.source.civil_affairs_funeral": {"民政殡葬", "Civil affairs (funerals)"},
	"exchange.source.health":                {"卫生健康", "Health"},
	"exchange.source.family_report":         {"家属报告", "Family report"},
	"exchange.source.court":                 {"法院宣告", "Court"},
	"exchange.department":                   {"报送部门（监测信号，文件未列来源时）", "Department (signals, for rows without a source)"},
	"exchange.department.none":              {"（以文件中的来源部门为准）", "(as each row says)"},
	"exchange.year":                         {"缴费年度（困难群体名单）", "Contribution year (hardship list)"},
	"exchange.file":                         {"文件", "File"},
	"exchange.check":                        {"上传并校验", "Upload and check"},
	"exchange.report":                       {"校验报告", "Check report"},
	"exchange.report.summary":               {"%s：共 %d 行，%d 行通过，%d 行有误", "%s: %d rows, %d passed, %d refused"},
	"exchange.report.ok":                    {"全部行校验通过，尚未写入任何数据。", "Every row passed; nothing is written yet."},
	"exchange.report.bad":                   {"文件有误，未写入任何数据。请改正后重新上传。", "The file has problems; nothing was written. Correct it and upload it again."},
	"exchange.refused":                      {"导入被拒绝，未写入任何数据：", "The import was refused; nothing was written:"},
	"exchange.confirm":                      {"确认导入", "Confirm the import"},
	"exchange.confirm.ask":                  {"确认将此文件全部写入？", "Write this whole file?"},
	"exchange.col.line":                     {"行号", "Row"},
	"exchange.col.column":                   {"列", "Column"},
	"exchange.col.value":                    {"值", "Value"},
	"exchange.col.rule":                     {"问题", "Problem"},
	"exchange.col.reason":                   {"说明", "Detail"},
	"exchange.too_big":                      {"文件超过 1 MiB，请分批上传", "The file is over 1 MiB: split it"},
	"exchange.no_file":                      {"请选择文件", "Choose a file"},
	"exchange.bad_ext":                      {"只接受 .csv 或 .xlsx 文件", "Only .csv or .xlsx files"},
	"exchange.choose_kind":                  {"请选择文件类型", "Choose the kind of file"},
	"exchange.bad_year":                     {"请填写年度，如 2026", "Give a year such as 2026"},
	"exchange.done.deaths":                  {"已导入：登记死亡 %d 人，此前已登记 %d 人。", "Imported: %d deaths recorded, %d recorded before."},
	"exchange.done.signals":                 {"已导入：登记风险信号 %d 条，待研判。%.0d", "Imported: %d signals recorded, waiting to be graded.%.0d"},
	"exchange.done.tax":                     {"已导入：入账缴费 %d 笔。%.0d", "Imported: %d contributions posted.%.0d"},
	"exchange.done.hardship":                {"已导入：新增困难群体身份 %d 人，此前已有 %d 人。", "Imported: %d identities added, %d known before."},
	"exchange.rule.format":                  {"不是可读的 CSV 或 XLSX 文件", "Not a readable CSV or XLSX file"},
	"exchange.rule.encoding":                {"文字编码有误", "Bad text encoding"},
	"exchange.rule.no_header":               {"找不到表头", "No header line"},
	"exchange.rule.missing_column":          {"缺少必需的列", "A required column is missing"},
	"exchange.rule.duplicate_column":        {"列重复", "A column twice"},
	"exchange.rule.too_many_rows":           {"行数过多", "Too many rows"},
	"exchange.rule.line_too_long":           {"行过长", "Line too long"},
	"exchange.rule.quote":                   {"引号不配对", "Bad quotes"},
	"exchange.rule.field_count":             {"列数与表头不符", "Not as many fields as the header"},
	"exchange.rule.empty_line":              {"数据中间有空行", "An empty line between rows"},
	"exchange.rule.duplicate_key":           {"与前面的行重复", "Repeats an earlier row"},
	"exchange.rule.inconsistent":            {"各列数值相互矛盾", "Values do not fit together"},
	"exchange.rule.required":                {"必填项为空", "Required value empty"},
	"exchange.rule.invalid":                 {"格式不正确", "Not a valid value"},
	"exchange.rule.out_of_range":            {"超出允许范围", "Out of range"},
	"exchange.rule.negative":                {"不能为负数", "Negative"},
	"exchange.rule.future":                  {"日期晚于今天", "A date in the future"},
	"exchange.rule.not_in_list":             {"不是允许的取值", "Not one of the allowed values"},
	"exchange.rule.control_char":            {"含有控制字符", "A control character"},
	"exchange.rule.too_long":                {"内容过长", "Too long"},
	"exchange.rule.stored_as_number":        {"号码被 Excel 存成了数字", "A number Excel stored as a number"},
	"exchange.rule.length":                  {"身份号码位数不对", "Wrong length of ID number"},
	"exchange.rule.characters":              {"身份号码含非法字符", "Bad characters in the ID number"},
	"exchange.rule.region":                  {"身份号码的地区码不存在", "Unknown region in the ID number"},
	"exchange.rule.birth_date":              {"身份号码中的出生日期不正确", "Bad birth date in the ID number"},
	"exchange.rule.check_digit":             {"身份号码校验码错误", "Wrong check digit"},
	"exchange.rule.refused":                 {"业务校验未通过", "Refused by the service"},
	"exchange.throttled":                    {"文件中的身份号码计入按身份号码查询的次数，已超过每小时限额，请稍后再试或分批导入", "The file's ID numbers count as searches by ID number and pass the hourly limit: try later or in smaller files"},
	"exchange.rule.other":                   {"其他问题", "Another problem"},
}
