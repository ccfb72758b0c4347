package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/swaggest/jsonschema-go"
	"github.com/swaggest/openapi-go"
	"github.com/swaggest/openapi-go/openapi3"
	"github.com/swaggest/openapi-go/openapi31"

	"safetynet/internal/assistance"
	"safetynet/internal/insurance"
	"safetynet/internal/monitoring"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/registry"
	"safetynet/internal/screening"
)

// Security scheme names of the OpenAPI document.
const (
	securityBearer = "bearer"
	securityCookie = "cookie"
)

// openAPIDescription is the document's description, in both renderings.
const openAPIDescription = "Social protection registry of the prefecture. Personal data (ID numbers, phones, " +
	"bank accounts) is masked unless your role may see it. Lists paginate by key: pass next_after " +
	"as ?after= until it is null. Errors are RFC 9457 problems naming the fields at fault. " +
	"Every amount of money is an integer number of fen (分, 1/100 yuan)."

// openAPIDocument builds the OpenAPI 3.1 document of routes from their Go
// request and response types.
func openAPIDocument(version string, routes []route) ([]byte, error) {
	ref := openapi31.NewReflector()
	spec := ref.SpecEns()
	spec.Info.WithTitle("safetynet API").WithVersion(version).WithDescription(openAPIDescription)
	spec.SetHTTPBearerTokenSecurity(securityBearer, "opaque", "The token from POST /api/v1/login.")
	spec.SetAPIKeySecurity(securityCookie, sessionCookie, openapi.InCookie, "The session cookie set by POST /api/v1/login.")
	// Relative: the document is served by the API it describes.
	spec.WithServers(openapi31.Server{URL: "/", Description: ptr("This server")})
	// Every operation needs a signed-in user unless it says security: [].
	spec.WithSecurity(map[string][]string{securityBearer: {}}, map[string][]string{securityCookie: {}})
	for _, t := range openAPITags {
		spec.Tags = append(spec.Tags, openapi31.Tag{Name: t.name, Description: ptr(t.description)})
	}
	if err := addOperations(ref, routes); err != nil {
		return nil, err
	}
	doc, err := json.Marshal(ref.Spec)
	if err != nil {
		return nil, fmt.Errorf("marshal: %w", err)
	}
	return finishOperations(doc, routes)
}

// openAPI30Document builds the same document rendered as OpenAPI 3.0, for
// client generators that read only 3.0 (nullable: true, not type: [..., null]).
func openAPI30Document(version string, routes []route) ([]byte, error) {
	ref := openapi3.NewReflector()
	spec := ref.SpecEns()
	spec.Info.WithTitle("safetynet API").WithVersion(version).WithDescription(openAPIDescription)
	spec.SetHTTPBearerTokenSecurity(securityBearer, "opaque", "The token from POST /api/v1/login.")
	spec.SetAPIKeySecurity(securityCookie, sessionCookie, openapi.InCookie, "The session cookie set by POST /api/v1/login.")
	spec.WithServers(openapi3.Server{URL: "/", Description: ptr("This server")})
	spec.WithSecurity(map[string][]string{securityBearer: {}}, map[string][]string{securityCookie: {}})
	for _, t := range openAPITags {
		spec.Tags = append(spec.Tags, openapi3.Tag{Name: t.name, Description: ptr(t.description)})
	}
	if err := addOperations(ref, routes); err != nil {
		return nil, err
	}
	doc, err := json.Marshal(ref.Spec)
	if err != nil {
		return nil, fmt.Errorf("marshal: %w", err)
	}
	return finishOperations(doc, routes)
}

// addOperations adds an operation for each route to ref's document,
// refusing a route without a camelCase operation id of its own or with an
// undeclared tag.
func addOperations(ref openapi.Reflector, routes []route) error {
	// Months and dates are read from parameters as YYYY-MM and YYYY-MM-DD
	// strings (bind); typed ids are plain integers.
	ref.JSONSchemaReflector().AddTypeMapping(period.Month(0), "")
	ref.JSONSchemaReflector().AddTypeMapping(period.Date(0), "")
	for _, id := range []any{registry.PersonID(0), registry.HouseholdID(0), registry.OrgID(0), registry.EmploymentID(0),
		assistance.CaseID(0), assistance.ObjectionID(0), insurance.EnrolmentID(0), monitoring.AlertID(0),
		payment.BatchID(0), screening.JobID(0)} {
		ref.JSONSchemaReflector().AddTypeMapping(id, int64(0))
	}
	ref.JSONSchemaReflector().DefaultOptions = append(ref.JSONSchemaReflector().DefaultOptions,
		jsonschema.InterceptDefName(defName), jsonschema.InterceptProp(describeFen),
		jsonschema.InterceptProp(describeQuery), jsonschema.InterceptProp(describeByName))
	ops := map[string]bool{}
	for _, rt := range routes {
		if !operationIDPattern.MatchString(rt.op) {
			return fmt.Errorf("%s %s: operation id %q is not camelCase", rt.method, rt.path, rt.op)
		}
		if ops[rt.op] {
			return fmt.Errorf("%s %s: operation id %q is taken", rt.method, rt.path, rt.op)
		}
		ops[rt.op] = true
		if !declaredTag(rt.tag) {
			return fmt.Errorf("%s %s: tag %q is not declared in openAPITags", rt.method, rt.path, rt.tag)
		}
		oc, err := ref.NewOperationContext(rt.method, rt.path)
		if err != nil {
			return fmt.Errorf("%s %s: %w", rt.method, rt.path, err)
		}
		oc.SetTags(rt.tag)
		oc.SetSummary(rt.summary)
		oc.SetDescription(operationDescription(rt))
		oc.SetID(rt.op)
		if rt.params != nil {
			oc.AddReqStructure(rt.params)
		}
		if rt.body != nil {
			oc.AddReqStructure(rt.body, openapi.WithContentType("application/json"))
		}
		if rt.contentType != "" {
			oc.AddRespStructure(rt.resp, openapi.WithHTTPStatus(rt.status), openapi.WithContentType(rt.contentType))
		} else {
			oc.AddRespStructure(rt.resp, openapi.WithHTTPStatus(rt.status))
		}
		if rt.accepted != nil {
			oc.AddRespStructure(rt.accepted, openapi.WithHTTPStatus(http.StatusAccepted))
		}
		for _, status := range errorStatuses(rt) {
			oc.AddRespStructure(problem{}, openapi.WithHTTPStatus(status), openapi.WithContentType("application/problem+json"))
		}
		if err := ref.AddOperation(oc); err != nil {
			return fmt.Errorf("%s %s: %w", rt.method, rt.path, err)
		}
	}
	return nil
}

// finishOperations sets what the generated types cannot say on the JSON:
// security: [] on the operations of public routes, lifting the document's
// global requirement of a signed-in user (an empty list is omitted by
// them), and an example of each JSON request body.
func finishOperations(doc []byte, routes []route) ([]byte, error) {
	var rest map[string]json.RawMessage
	if err := json.Unmarshal(doc, &rest); err != nil {
		return nil, fmt.Errorf("read back: %w", err)
	}
	var paths map[string]map[string]map[string]any
	if err := json.Unmarshal(rest["paths"], &paths); err != nil {
		return nil, fmt.Errorf("read back paths: %w", err)
	}
	for _, rt := range routes {
		op := paths[rt.path][strings.ToLower(rt.method)]
		if op == nil {
			return nil, fmt.Errorf("%s %s: not in the document", rt.method, rt.path)
		}
		if rt.public {
			op["security"] = []any{}
		}
		if rt.body != nil {
			rb, _ := op["requestBody"].(map[string]any)
			content, _ := rb["content"].(map[string]any)
			media, _ := content["application/json"].(map[string]any)
			if media == nil {
				return nil, fmt.Errorf("%s %s: no JSON request body in the document", rt.method, rt.path)
			}
			media["example"] = exampleOf(reflect.TypeOf(rt.body))
		}
	}
	b, err := json.Marshal(paths)
	if err != nil {
		return nil, err
	}
	rest["paths"] = b
	return json.Marshal(rest)
}

// exampleOf makes an example value of type t from its fields' example:""
// and enum:"" tags: a struct's required fields and those with an example.
func exampleOf(t reflect.Type) any {
	switch t.Kind() {
	case reflect.Pointer:
		return exampleOf(t.Elem())
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return ""
		}
		return []any{exampleOf(t.Elem())}
	case reflect.Map:
		return map[string]any{}
	case reflect.Struct:
		out := map[string]any{}
		exampleFields(t, out)
		return out
	case reflect.Bool:
		return false
	case reflect.String:
		return ""
	case reflect.Float32, reflect.Float64:
		return 0.0
	default:
		return 1
	}
}

// exampleFields sets out's entries for struct type t's fields, embedded
// structs' included.
func exampleFields(t reflect.Type, out map[string]any) {
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			if ft := f.Type; ft.Kind() == reflect.Struct {
				exampleFields(ft, out)
			}
			continue
		}
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		ex, hasEx := f.Tag.Lookup("example")
		if !hasEx && f.Tag.Get("required") != "true" {
			continue
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case hasEx:
			out[name] = parseExample(ft, ex)
		case f.Tag.Get("enum") != "":
			first, _, _ := strings.Cut(f.Tag.Get("enum"), ",")
			out[name] = parseExample(ft, first)
		default:
			out[name] = exampleOf(ft)
		}
	}
}

// parseExample reads the tag value s as a value of kind t's.
func parseExample(t reflect.Type, s string) any {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n
		}
	case reflect.Bool:
		if v, err := strconv.ParseBool(s); err == nil {
			return v
		}
	case reflect.Float32, reflect.Float64:
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			return v
		}
	case reflect.Slice:
		return []any{parseExample(t.Elem(), s)}
	}
	return s
}

// operationIDPattern is the form of an operation id: camelCase, starting
// with a lower-case verb such as list, get, create or approve.
var operationIDPattern = regexp.MustCompile(`^[a-z]+(?:[A-Z0-9][a-z0-9]*)*$`)

// operationDescription is the description of rt's operation: its own,
// then what its other fields imply for a caller.
func operationDescription(rt route) string {
	var b []string
	if rt.description != "" {
		b = append(b, rt.description)
	} else {
		b = append(b, rt.summary+".")
	}
	if rt.public {
		b = append(b, "Public: no sign-in needed.")
	} else {
		b = append(b, "Needs a signed-in user (bearer token or session cookie); 403 when the user's role "+
			"lacks the permission or the record is outside the user's region scope.")
	}
	if rt.resp != nil && strings.HasPrefix(reflect.TypeOf(rt.resp).Name(), "listResponse[") {
		b = append(b, "Paginated by key: pass next_after as ?after= until it is null.")
	}
	if strings.HasSuffix(rt.path, "/decision") {
		b = append(b, "Maker-checker: a second user with decision.approve decides; "+
			"whoever made or requested the record cannot.")
	}
	if rt.accepted != nil {
		b = append(b, "202 when the change is held for a second user's approval.")
	}
	if rt.body != nil && hasJSONField(reflect.TypeOf(rt.body), "version") && !strings.HasSuffix(rt.path, "/decision") {
		b = append(b, "Send the version you read: 409 when the record changed since.")
	}
	if rt.body != nil && rt.method != http.MethodGet {
		b = append(b, "422 names each field at fault and why; nothing is written then.")
	}
	if rt.limited {
		b = append(b, "Counted against a per-user limit: 429 over it.")
	}
	return strings.Join(b, " ")
}

// hasJSONField reports whether struct type t has a field of JSON name name.
func hasJSONField(t reflect.Type, name string) bool {
	if t.Kind() != reflect.Struct {
		return false
	}
	for f := range t.Fields() {
		if n, _, _ := strings.Cut(f.Tag.Get("json"), ","); n == name {
			return true
		}
	}
	return false
}

// queryDescriptions describes the query parameters many lists share, for
// those whose field gives no description of its own.
var queryDescriptions = map[string]string{
	"region":       "Region code (行政区划代码) to filter by, within your scope.",
	"status":       "Only records in this status.",
	"period":       "The month, YYYY-MM.",
	"year":         "The year, YYYY.",
	"person_id":    "Only the records of this person (its id).",
	"org_id":       "Only the records of this organisation (its id).",
	"household_id": "Only the records of this household (its id).",
	"batch_id":     "Only the records of this payment batch (its id).",
	"payee_id":     "Only the records of this payee (a person's id).",
	"scheme":       "Only this social insurance scheme.",
	"programme":    "A programme id of the policy package (GET /api/v1/programmes).",
	"fund":         "Only this fund: the source the money is paid from.",
	"limit":        "The most items on a page.",
	"after":        "The next_after of the previous page: the key of its last item.",
}

// describeQuery gives a query parameter without a description of its own
// the one queryDescriptions has for its name.
func describeQuery(p jsonschema.InterceptPropParams) error {
	if !p.Processed || p.PropertySchema == nil || p.Field.Tag.Get("query") == "" {
		return nil
	}
	if p.PropertySchema.Description != nil && *p.PropertySchema.Description != "" {
		return nil
	}
	if d, ok := queryDescriptions[p.Name]; ok {
		p.PropertySchema.WithDescription(d)
	}
	return nil
}

// describeFen says "fen" in the description of every amount of money in a
// JSON body. Counts are int in this package's types; an int64 body field
// is an amount unless its name makes it an identifier, version or cursor.
func describeFen(p jsonschema.InterceptPropParams) error {
	if !p.Processed || p.PropertySchema == nil || p.Field.Tag.Get("json") == "" {
		return nil
	}
	if t := p.Field.Type; t.Kind() != reflect.Int64 && !(t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Int64) {
		return nil
	}
	if notMoney(p.Name) {
		return nil
	}
	desc := ""
	if p.PropertySchema.Description != nil {
		desc = *p.PropertySchema.Description
	}
	switch {
	case desc == "":
		desc = "Amount in fen (分, 1/100 yuan)."
	case !strings.Contains(desc, "fen"):
		desc += "; in fen (分, 1/100 yuan)"
	default:
		return nil
	}
	p.PropertySchema.WithDescription(desc)
	return nil
}

// notMoney reports whether an int64 JSON property named name is not an
// amount: an identifier, a version, a sequence number, a seed or a cursor.
func notMoney(name string) bool {
	switch name {
	case "id", "version", "seq", "seed", "cursor", "next_after", "supersedes", "source_ref":
		return true
	}
	return strings.HasSuffix(name, "_id") || strings.HasSuffix(name, "_by")
}

// openAPITags declares the document's tags, in the order a reader meets
// them, each described in Chinese and English.
var openAPITags = []struct{ name, description string }{
	{"system", "系统：健康检查与本 OpenAPI 文档。System: health check and this OpenAPI document."},
	{"session", "会话：登录、退出、当前用户、切换岗位与修改密码。Session: sign in, sign out, the signed-in user, switching post and changing the password."},
	{"citizen", "市民（掌上办）：验证码登录、市民会话与本人信息，与工作人员会话分开。Citizen: one-time code sign-in, the citizen session (kept apart from staff sessions) and the citizen's own details."},
	{"users", "用户与岗位：管理员创建用户、授予与撤销岗位、停用、重置密码。Users and posts (岗位): an administrator creates users, grants and revokes posts, disables accounts and resets passwords."},
	{"persons", "人员：自然人登记、身份变更（须另一用户审批）、残疾记录与银行账户。Persons: registry of natural persons, identity changes (approved by a second user), disability records and bank accounts."},
	{"households", "家庭：家庭及其成员。Households and their members."},
	{"organisations", "单位：用人单位等组织及其银行账户。Organisations (employers and others) and their bank accounts."},
	{"employment", "就业：劳动关系的起止。Employment: spells of employment and their end."},
	{"insurance", "社会保险：参保登记、核定应缴、缴费与欠费。Social insurance: enrolments, monthly assessment, contributions and arrears (amounts in fen)."},
	{"accounts", "个人账户：养老保险个人账户、记账、计息、补缴与转移。Individual pension accounts: credits, interest, back payments and transfers (amounts in fen)."},
	{"pensions", "养老金：待遇核定、发放、调整、资格认证与多发追回。Pensions: awards, payroll, adjustments, certification and overpayments (amounts in fen)."},
	{"cross-province", "跨省通办：养老保险关系转移接续、异地资格认证与参保记录的跨省协同请求及其状态。Cross-province requests through the national platform: pension transfers out and in, remote certification and records, with their status (amounts in fen)."},
	{"benefits", "待遇：失业保险金与工伤待遇。Benefits: unemployment insurance and work injury (amounts in fen)."},
	{"assistance", "社会救助：低保、特困等救助申请、审核审批、复核与联助清单。Social assistance: applications, review, approval, periodic review and the catalogue of assistance items (amounts in fen)."},
	{"monitoring", "动态监测：风险信号、预警、走访与处置。Monitoring: risk signals, alerts, home visits and their outcome."},
	{"payments", "支付：支付批次、指令、银行回盘、退回与对账。Payments: batches, instructions, bank returns, refunds and reconciliation (amounts in fen)."},
	{"matters", "事项清单：前台受理的事项、服务网点与工作日历（公开）。Matters: the catalogue of matters the front office receives, the service points and the working-day calendar (public)."},
	{"ratings", "好差评：办件的评价、差评整改与按事项、网点、窗口人员的统计。Ratings: the applicants' ratings of the service, the follow-up of poor ones, and the counts per matter, point and clerk."},
	{"applications", "办件：一窗受理、审核、审批与办结，时限、补正与容缺。Applications: received at a counter or through a channel, reviewed, approved and finished by the matter's action, with time limits, corrections and deferred materials."},
	{"regions", "行政区划：区划树。Regions: the administrative division tree."},
	{"policy", "政策：项目、参数、单项测算与政策模拟。Policy: programmes, dated parameters, evaluation and what-if simulation."},
	{"reports", "报表：统计汇总。Reports: aggregate statistics."},
	{"audit", "审计：审计日志（审计员）。Audit: the audit trail (auditors)."},
}

// declaredTag reports whether openAPITags declares the tag name.
func declaredTag(name string) bool {
	for _, t := range openAPITags {
		if t.name == name {
			return true
		}
	}
	return false
}

func ptr[T any](v T) *T { return &v }

// errorStatuses lists the problem responses a route may give.
func errorStatuses(rt route) []int {
	var out []int
	if rt.body != nil {
		out = append(out, http.StatusBadRequest)
	}
	if !rt.public {
		out = append(out, http.StatusUnauthorized, http.StatusForbidden)
	}
	if strings.Contains(rt.path, "{") {
		out = append(out, http.StatusNotFound)
	}
	if rt.body != nil && rt.method != http.MethodGet && !rt.public {
		out = append(out, http.StatusConflict)
	}
	if rt.body != nil {
		out = append(out, http.StatusRequestEntityTooLarge)
	}
	if rt.body != nil || rt.params != nil {
		out = append(out, http.StatusUnprocessableEntity)
	}
	if rt.path == loginPath {
		// Locked after failures; busy checking other passwords.
		return append(out, http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable)
	}
	if rt.limited {
		out = append(out, http.StatusTooManyRequests)
	}
	return append(out, http.StatusInternalServerError)
}

// defName names the schemas of this package's types without the package
// prefix: "PersonResponse", "PersonResponseList" for a page of them, and
// "PaidRowResponseReport" for a report of those rows.
func defName(t reflect.Type, def string) string {
	if t.PkgPath() != reflect.TypeFor[problem]().PkgPath() {
		return def
	}
	name := t.Name()
	if base, arg, ok := strings.Cut(name, "["); ok {
		arg = strings.TrimSuffix(arg, "]")
		// A report's envelope is named by its rows, the first argument.
		arg, _, _ = strings.Cut(arg, ",")
		if i := strings.LastIndex(arg, "."); i >= 0 {
			arg = arg[i+1:]
		}
		name = exported(arg) + exported(strings.TrimSuffix(base, "Response"))
	}
	return exported(name)
}

func exported(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
