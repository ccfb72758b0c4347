package frontoffice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/crossprov"
	"safetynet/internal/fault"
	"safetynet/internal/frontoffice/execute"
	"safetynet/internal/frontoffice/ratings"
	"safetynet/internal/ids"
	"safetynet/internal/matters"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/workday"
)

// ParamWarning is the policy parameter of the warning before a due date,
// in working days (policies/changji/parameters/frontoffice.yaml).
const ParamWarning = "frontoffice.warning_working_days"

// Principals rebuilds the principal of a user acting in a post
// (auth.Service.ActAs).
type Principals interface {
	ActAs(ctx context.Context, userID, postID int64) (auth.Principal, error)
}

// Service runs the front office over a store.
type Service struct {
	store      Store
	registry   *registry.Service
	principals Principals
	executors  *execute.Set
	policy     *policy.Package
	clock      clock.Clock
	ratings    *ratings.Service

	loadOffice func() (*matters.Office, error)
	mu         sync.Mutex
	office     *matters.Office
	// settleLease is how long SettlePending holds an application (sweep.go).
	settleLease time.Duration
	// crossProvince is the cross-province exchange (crossprov.go).
	crossProvince *crossprov.Service
}

// New returns the front office over store. load reads the catalogue, the
// points and the calendar the first time they are needed, unless
// SetOffice gave them before.
func New(store Store, reg *registry.Service, principals Principals, executors *execute.Set, pk *policy.Package, clk clock.Clock,
	load func() (*matters.Office, error)) *Service {
	return &Service{store: store, registry: reg, principals: principals, executors: executors, policy: pk, clock: clk, loadOffice: load}
}

// SetOffice makes off the catalogue, points and calendar of the service
// (the server's, read from the operator's policy folder).
func (s *Service) SetOffice(off *matters.Office) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.office = off
}

// Office returns the catalogue, points and calendar in use.
func (s *Service) Office() (*matters.Office, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.office == nil {
		if s.loadOffice == nil {
			return nil, errors.New("frontoffice: no catalogue of matters")
		}
		off, err := s.loadOffice()
		if err != nil {
			return nil, err
		}
		s.office = off
	}
	return s.office, nil
}

// Executor returns the executor of a matter's action.
func (s *Service) Executor(m matters.Matter) (execute.Executor, bool) {
	if s.executors == nil {
		return nil, false
	}
	return s.executors.For(m.Action)
}

// MaterialIn is how a material was checked in at receipt.
type MaterialIn struct {
	// How is original, copy, uploaded or deferred.
	How string `json:"how"`
	// Promised is the date a deferred material is promised by.
	Promised period.Date `json:"promised,omitzero"`
}

// Receipt is what the counter or the channel takes in.
type Receipt struct {
	Matter         string            `json:"matter"`
	Channel        matters.Channel   `json:"channel"`
	Point          string            `json:"point,omitempty"`
	PersonID       registry.PersonID `json:"person_id,omitempty"`
	OrganisationID registry.OrgID    `json:"organisation_id,omitempty"`
	Agent          *Agent            `json:"agent,omitempty"`
	Form           json.RawMessage   `json:"form,omitempty"`
	// Materials are the materials brought, by the catalogue's material
	// id; those fetched from the registry are not asked and ignored here.
	Materials map[string]MaterialIn `json:"materials,omitempty"`
}

// counterChannels are the channels received at a service point.
var counterChannels = []matters.Channel{matters.Window, matters.Bank, matters.Township, matters.Village}

// agentMaterials are the catalogue's materials of an agent (代办): asked
// only when an agent applies.
var agentMaterials = []string{"agent_id", "authorisation"}

// departmentPerm is the permission of a department's back office.
func departmentPerm(dept string) auth.Permission {
	if dept == "minzheng" {
		return auth.PermAssistance
	}
	return auth.PermInsurance
}

// Receive receives an application (受理). A receipt that names no known
// matter, channel, point or applicant is a 422 and records nothing. A
// receipt missing an essential material, or whose form the action finds
// wrong, is recorded as not accepted (不予受理) with everything missing
// told at once (一次性告知). Otherwise the application is accepted with
// its due date, a deferrable material missing with a promise date held as
// deferred (容缺); a read-only matter is finished at once (即办).
func (s *Service) Receive(ctx context.Context, in Receipt) (*Application, error) {
	p, err := auth.Require(ctx, auth.PermReceive)
	if err != nil {
		return nil, err
	}
	off, err := s.Office()
	if err != nil {
		return nil, err
	}
	var pr fault.Problems
	m, ok := off.Catalogue.Matter(in.Matter)
	if !ok {
		pr.Add("matter", "unknown matter %q", in.Matter)
		return nil, pr.Err("invalid application")
	}
	if _, err := matters.ParseChannel(string(in.Channel)); err != nil {
		pr.Add("channel", "%v", err)
	} else if !m.Open(in.Channel) {
		pr.Add("channel", "事项「%s」不通过%s渠道受理", m.Name.ZH, in.Channel)
	}
	var point matters.Point
	if slices.Contains(counterChannels, in.Channel) {
		switch point, ok = off.Points.Point(in.Point); {
		case in.Point == "":
			pr.Add("point", "is required for the %s channel: the service point that receives", in.Channel)
		case !ok:
			pr.Add("point", "unknown service point %q", in.Point)
		case point.Channel != in.Channel:
			pr.Add("point", "%s receives through the %s channel, not %s", point.ID, point.Channel, in.Channel)
		case !p.InScope(point.Region):
			return nil, fault.Errorf(fault.Forbidden, "service point %s is outside your scope %s", point.ID, p.Scope)
		}
	} else if in.Point != "" {
		pr.Add("point", "the %s channel has no service point", in.Channel)
	}
	ex, ok := s.Executor(m)
	if !ok {
		pr.Add("matter", "事项「%s」的办理动作 %s 尚未接入", m.Name.ZH, m.Action)
	}
	a := &Application{Matter: m.ID, MatterName: m.Name, Department: m.Department.ID, Channel: in.Channel, Point: point.ID,
		Form: in.Form, TimeLimit: m.TimeLimit}
	s.applicant(ctx, &pr, m, in, a)
	if in.Agent != nil {
		if !slices.Contains(m.Applicants, matters.Agent) {
			pr.Add("agent", "事项「%s」不可代办", m.Name.ZH)
		}
		name := strings.TrimSpace(in.Agent.Name)
		if name == "" {
			pr.Add("agent.name", "is required")
		}
		id, err := ids.ParseResidentID(in.Agent.IDNumber, s.clock.Today())
		if err != nil {
			pr.Add("agent.id_number", "%v", err)
		}
		a.Agent = &Agent{Name: name, IDNumber: ids.Mask(string(id))}
	}
	if err := pr.Err("invalid application"); err != nil {
		return nil, err
	}

	// What is missing, all of it, for the 一次性告知.
	today := s.clock.Today()
	var missing []string
	form := map[string]string{}
	known := map[string]bool{}
	for _, mat := range m.Materials {
		known[mat.ID] = true
		c := MaterialCheck{ID: mat.ID, Name: mat.Name}
		got, brought := in.Materials[mat.ID]
		switch {
		case !mat.Asked():
			c.How, c.Fact = MaterialFromRegistry, mat.FromRegistry
		case slices.Contains(agentMaterials, mat.ID) && a.Agent == nil:
			continue
		case !brought:
			c.How = MaterialMissing
			missing = append(missing, mat.Name.ZH)
		case got.How == MaterialOriginal || got.How == MaterialUploaded || (got.How == MaterialCopy && mat.Form != "original"):
			c.How = got.How
		case got.How == MaterialCopy:
			pr.Add("materials."+mat.ID, "须提供原件")
		case got.How == MaterialDeferred && !mat.Deferrable:
			pr.Add("materials."+mat.ID, "「%s」不可容缺受理", mat.Name.ZH)
		case got.How == MaterialDeferred && got.Promised <= today:
			pr.Add("materials."+mat.ID+".promised", "容缺材料须承诺今后的补交日期")
		case got.How == MaterialDeferred:
			c.How, c.Promised = MaterialDeferred, got.Promised
		default:
			pr.Add("materials."+mat.ID+".how", "want original, copy, uploaded or deferred, not %q", got.How)
		}
		a.Materials = append(a.Materials, c)
	}
	for id := range in.Materials {
		if !known[id] {
			pr.Add("materials."+id, "事项「%s」不要求此材料", m.Name.ZH)
		}
	}
	if err := pr.Err("invalid materials"); err != nil {
		return nil, err
	}
	req := execute.Request{Matter: m, Person: a.PersonID, Organisation: a.OrganisationID, Form: in.Form}
	if err := ex.Check(ctx, req); err != nil {
		if fault.CodeOf(err) != fault.Invalid {
			return nil, err
		}
		for k, v := range fault.FieldsOf(err) {
			form[k] = v
		}
		if len(form) == 0 {
			form["form"] = fault.MessageOf(err)
		}
	}

	a.ReceivedBy, a.ReceivedByName, a.ReceivedAt, a.AcceptedOn = p.UserID, p.Username, s.clock.Now().UTC(), today
	prefix := "SN" + shortCode(in.Channel, point) + today.Time().Format("20060102")
	ev := Event{From: "", ActorID: p.UserID, ActorName: p.Username}
	if len(missing) > 0 || len(form) > 0 {
		a.Status, a.Reason = NotAccepted, tellOnce(m, missing, form, ex.Fields())
		ev.Action, ev.To, ev.Note = "not_accept", NotAccepted, a.Reason
		if err := s.store.CreateApplication(ctx, a, prefix, ev, &Notice{Kind: payment.NoticeAppNotAccepted, Message: a.Reason}); err != nil {
			return nil, err
		}
		return a, nil
	}
	a.Status = Received
	if err := s.setDue(a); err != nil {
		return nil, err
	}
	ev.Action, ev.To = "receive", Received
	if d := a.Outstanding(); len(d) > 0 {
		ev.Note = "容缺受理：" + materialNames(d)
	}
	if err := s.store.CreateApplication(ctx, a, prefix, ev, &Notice{Kind: payment.NoticeAppReceived, Message: receivedText(a)}); err != nil {
		return nil, err
	}
	if act, ok := matters.ActionByID(m.Action); ok && act.ReadOnly {
		// 即办: a read is done at once by the receiver, when the
		// receiver may read it; otherwise the back office does it.
		res, err := ex.Execute(ctx, s.request(a, m))
		switch {
		case fault.CodeOf(err) == fault.Forbidden || fault.CodeOf(err) == fault.NotFound:
			return a, nil
		case err != nil:
			return a, err
		}
		if err := s.finish(ctx, a, p, res, "complete"); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// applicant reads the applicant from the registry and records its name.
func (s *Service) applicant(ctx context.Context, pr *fault.Problems, m matters.Matter, in Receipt, a *Application) {
	employer := slices.Contains(m.Applicants, matters.Employer)
	personal := slices.ContainsFunc(m.Applicants, func(x matters.Applicant) bool { return x != matters.Employer })
	switch {
	case in.PersonID > 0 && in.OrganisationID > 0:
		pr.Add("organisation_id", "give either person_id or organisation_id, not both")
	case in.OrganisationID > 0 && !employer:
		pr.Add("organisation_id", "事项「%s」由个人申请：须填写 person_id", m.Name.ZH)
	case in.PersonID > 0 && !personal:
		pr.Add("person_id", "事项「%s」由用人单位申请：须填写 organisation_id", m.Name.ZH)
	case in.OrganisationID > 0:
		o, err := s.registry.Organisation(ctx, in.OrganisationID)
		if err != nil {
			pr.Add("organisation_id", "no organisation %d in your scope", in.OrganisationID)
			return
		}
		a.OrganisationID, a.ApplicantName, a.RegionCode = o.ID, o.Name, o.RegionCode
	case in.PersonID > 0:
		p, err := s.registry.Person(ctx, in.PersonID)
		if err != nil {
			pr.Add("person_id", "no person %d in your scope", in.PersonID)
			return
		}
		a.PersonID, a.ApplicantName, a.RegionCode = p.ID, p.Name, p.RegionCode
	case personal:
		pr.Add("person_id", "is required: the applicant registered in the registry (申请人)")
	default:
		pr.Add("organisation_id", "is required: the employer registered in the registry (申请单位)")
	}
}

// shortCode is the receipt number's code of the point (its kind's letter
// and the digits of its id) or of a channel without points.
func shortCode(c matters.Channel, p matters.Point) string {
	if p.ID == "" {
		switch c {
		case matters.Online:
			return "OL"
		case matters.Mobile:
			return "MB"
		default:
			return "XP"
		}
	}
	var b strings.Builder
	b.WriteString(strings.ToUpper(string(p.Kind)[:1]))
	for _, r := range p.ID {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// tellOnce is the 一次性告知 of a receipt not accepted: every missing
// material and every problem of the form, at once.
func tellOnce(m matters.Matter, missing []string, form map[string]string, fields []execute.Field) string {
	var b strings.Builder
	fmt.Fprintf(&b, "您申请的「%s」不予受理，请一次性补齐以下材料和信息后再次申请：", m.Name.ZH)
	n := 0
	for _, x := range missing {
		n++
		fmt.Fprintf(&b, "\n%d. 缺少材料：%s", n, x)
	}
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		n++
		fmt.Fprintf(&b, "\n%d. %s：%s", n, fieldName(k, fields), reasonZH(form[k]))
	}
	return b.String()
}

// fieldName names a problem's key for the applicant: the form field's
// Chinese label (form.<name>, or form.<name>.<part> for a part of it),
// the applicant, or the application's information as a whole.
func fieldName(key string, fields []execute.Field) string {
	switch key {
	case "person_id":
		return "申请人"
	case "organisation_id":
		return "申请单位"
	case "form":
		return "申请信息"
	}
	name, _ := strings.CutPrefix(key, "form.")
	head, rest, _ := strings.Cut(name, ".")
	for _, f := range fields {
		if f.Name == head && f.Label.ZH != "" {
			if rest != "" {
				return "申请信息「" + f.Label.ZH + "」（" + rest + "）"
			}
			return "申请信息「" + f.Label.ZH + "」"
		}
	}
	return "申请信息（" + name + "）"
}

// reasonZH gives a problem's reason in Chinese: the executors write most
// of theirs in Chinese; the few generic English ones of the form decoding
// are put into words here, and any other English reason is replaced by a
// request to correct the field, so that the applicant's notice is Chinese
// throughout.
func reasonZH(reason string) string {
	for _, r := range reason {
		if unicode.Is(unicode.Han, r) {
			return reason
		}
	}
	switch {
	case strings.HasPrefix(reason, "is required (a date"):
		return "必须填写（日期，如2026-10-09）"
	case strings.HasPrefix(reason, "is required (a month"):
		return "必须填写（年月，如2026-10）"
	case strings.HasPrefix(reason, "is required (one of"):
		return "必须从规定的选项中选择"
	case strings.HasPrefix(reason, "is required"):
		return "必须填写"
	}
	return "填写不符合要求，请按窗口指引更正"
}

// materialNames lists the materials' Chinese names.
func materialNames(ms []MaterialCheck) string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name.ZH
		if !m.Promised.IsZero() {
			names[i] += "（承诺" + zhDate(m.Promised) + "前补交）"
		}
	}
	return strings.Join(names, "、")
}

// zhDate writes a date as 2026年10月9日.
func zhDate(d period.Date) string {
	y, mo, day := d.YMD()
	return fmt.Sprintf("%d年%d月%d日", y, int(mo), day)
}

// receivedText is the notice of an accepted application.
func receivedText(a *Application) string {
	var b strings.Builder
	fmt.Fprintf(&b, "您申请的「%s」已受理，受理编号%s，承诺%d个工作日内办结", a.MatterName.ZH, a.No, a.TimeLimit)
	if !a.DueDate.IsZero() {
		fmt.Fprintf(&b, "（%s前）", zhDate(a.DueDate))
	}
	b.WriteString("。")
	if d := a.Outstanding(); len(d) > 0 {
		b.WriteString("容缺受理，请按承诺补交：" + materialNames(d) + "；补齐前不予办结。")
	}
	return b.String()
}

// setDue counts the due date from acceptance, the acceptance day not
// counted, with the closed suspensions left out. A year whose holidays are
// not published yet leaves the due date pending, with the reason.
func (s *Service) setDue(a *Application) error {
	off, err := s.Office()
	if err != nil {
		return err
	}
	due, err := off.Calendar.DueDate(a.AcceptedOn, a.TimeLimit, suspendedSpans(a))
	var unpub *workday.UnpublishedError
	switch {
	case errors.As(err, &unpub):
		a.DueDate, a.DuePending = 0, fmt.Sprintf("待公布%d年节假日安排后计算", unpub.Year)
	case err != nil:
		return err
	default:
		a.DueDate, a.DuePending = due, ""
	}
	return nil
}

// suspendedSpans are the closed suspensions of a as the calendar's spans:
// the clock stands still from the day after the correction was asked to
// the day the materials came, both included.
func suspendedSpans(a *Application) []workday.Span {
	var spans []workday.Span
	for _, sp := range a.Suspensions {
		if !sp.To.IsZero() && sp.To > sp.From {
			spans = append(spans, workday.Span{From: sp.From.AddDays(1), To: sp.To})
		}
	}
	return spans
}

// setCompleted records the day of 办结 and the working days it took, net
// of the suspensions; a year of the calendar not published leaves the
// days unknown (nil), not guessed.
func (s *Service) setCompleted(a *Application) {
	a.CompletedOn, a.WorkingDays = s.clock.Today(), nil
	off, err := s.Office()
	if err != nil || a.AcceptedOn.IsZero() {
		return
	}
	if n, err := off.Calendar.Elapsed(a.AcceptedOn, a.CompletedOn, suspendedSpans(a)); err == nil {
		a.WorkingDays = &n
	}
}

// request is the executor's request of a.
func (s *Service) request(a *Application, m matters.Matter) execute.Request {
	return execute.Request{ApplicationNo: a.No, Matter: m, Person: a.PersonID, Organisation: a.OrganisationID, Form: a.Form}
}

// finish records the result of the action: completed (办结) with the
// applicant's notice, or, for a result still pending, completing with its
// reference.
func (s *Service) finish(ctx context.Context, a *Application, p auth.Principal, res execute.Result, action string) error {
	from := a.Status
	a.ResultRef, a.ResultSummary = res.Ref, res.Summary
	if res.Record != nil {
		rec, err := json.Marshal(res.Record)
		if err != nil {
			return err
		}
		a.ResultRecord = rec
	}
	if res.Pending {
		a.Status = Completing
		return s.store.UpdateApplication(ctx, a, Event{Action: "pending", From: from, To: Completing, ActorID: p.UserID, ActorName: p.Username,
			Note: "待确认：" + res.Summary}, nil)
	}
	a.Status, a.CompletedAt, a.AssigneeID, a.AssigneeName = Completed, s.clock.Now().UTC(), 0, ""
	s.setCompleted(a)
	msg := fmt.Sprintf("您申请的「%s」（受理编号%s）已办结：%s", a.MatterName.ZH, a.No, res.Summary)
	return s.store.UpdateApplication(ctx, a, Event{Action: action, From: from, To: Completed, ActorID: p.UserID, ActorName: p.Username,
		Note: res.Summary}, &Notice{Kind: payment.NoticeAppCompleted, Message: msg})
}

// regionOf reads a region filter's code.
func regionOf(s string) region.Code { return region.Code(s) }
