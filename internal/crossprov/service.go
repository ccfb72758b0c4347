package crossprov

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// Config is the operational configuration of the exchange (not policy).
// The zero Config takes every default.
type Config struct {
	// Agency is this side's agency code (经办机构代码); the home region's
	// code followed by "01" when empty.
	Agency string
	// Lease is how long a receiver holds an incoming message it processes
	// before another may take it over (a crashed receiver's); 5 minutes
	// when 0.
	Lease time.Duration
	// MaxAttempts is how many times a message is sent before its request
	// fails; 5 when 0.
	MaxAttempts int
	// Batch is how many messages one Dispatch or Receive handles; 100
	// when 0.
	Batch int
}

// Service keeps the cross-province requests: it starts them, sends their
// messages and applies the answers.
type Service struct {
	store Store
	reg   *registry.Service
	acc   *insurance.Accounts
	pen   *insurance.Pensions
	juris region.Jurisdiction
	clock clock.Clock
	cfg   Config
	self  Party
}

// NewService returns the service over store, applying answers through the
// registry, account and pension services.
func NewService(store Store, reg *registry.Service, acc *insurance.Accounts, pen *insurance.Pensions, j region.Jurisdiction, clk clock.Clock, cfg Config) *Service {
	if cfg.Agency == "" {
		cfg.Agency = string(j.Home) + "01"
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 5 * time.Minute
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 100
	}
	home := string(j.Home)
	self := Party{Province: home[:2] + "0000", Prefecture: home[:6], Agency: cfg.Agency}
	return &Service{store: store, reg: reg, acc: acc, pen: pen, juris: j, clock: clk, cfg: cfg, self: self}
}

// Self is this side's party in the messages.
func (s *Service) Self() Party { return s.self }

// system is ctx acting as the exchange's system process.
func (s *Service) system(ctx context.Context) context.Context {
	return auth.WithPrincipal(ctx, auth.SystemPrincipal("crossprov", s.juris.Home))
}

// StartRequest is what a caseworker gives to start a request.
type StartRequest struct {
	Kind        RequestKind
	PersonID    registry.PersonID
	Counterpart Party
	// On is the date of a transfer out (today when zero).
	On period.Date
	// LivingIn is where a pensioner to certify lives; Record the record
	// asked for.
	LivingIn string
	Record   string
	// ApplicationNo is the front office's application (办件编号) the
	// request carries out, at most 40 characters; empty for none.
	ApplicationNo string
}

// otherRegion is how the transfer names the counterpart: its prefecture's
// code, or its province's.
func otherRegion(p Party) string {
	if p.Prefecture != "" {
		return p.Prefecture
	}
	return p.Province
}

// Start records a request for a person in the caller's scope, with
// insurance.write, and queues its message. A transfer out debits the
// account at once (insurance.Accounts.TransferOut) and sends its
// 参保缴费凭证; the others send their request and wait for the answer.
func (s *Service) Start(ctx context.Context, in StartRequest) (*Request, error) {
	if _, err := auth.Require(ctx, auth.PermInsurance); err != nil {
		return nil, err
	}
	var pr fault.Problems
	if !slices.Contains(RequestKinds, in.Kind) {
		pr.Add("kind", "must be transfer_out, transfer_in, certification or record, not %q", in.Kind)
	}
	s.checkCounterpart(in.Counterpart, &pr)
	in.LivingIn, in.Record = strings.TrimSpace(in.LivingIn), strings.TrimSpace(in.Record)
	if in.ApplicationNo = strings.TrimSpace(in.ApplicationNo); len(in.ApplicationNo) > 40 {
		pr.Add("application_no", "at most 40 characters")
	}
	switch in.Kind {
	case TransferOut:
		if in.On.IsZero() {
			in.On = s.clock.Today()
		}
	case Certification:
		if in.LivingIn == "" || len([]rune(in.LivingIn)) > 100 {
			pr.Add("living_in", "say where the pensioner lives, at most 100 characters")
		}
	case RecordReq:
		if in.Record != RecordVoucher && in.Record != RecordCertificate && in.Record != RecordRights {
			pr.Add("record", "must be %s, %s or %s", RecordVoucher, RecordCertificate, RecordRights)
		}
	}
	var per *registry.Person
	if in.PersonID <= 0 {
		pr.Add("person_id", "is required")
	} else {
		var err error
		per, err = s.reg.Person(ctx, in.PersonID)
		switch {
		case fault.CodeOf(err) == fault.NotFound:
			pr.Add("person_id", "person %d does not exist", in.PersonID)
		case err != nil:
			return nil, err
		default:
			if _, err := auth.RequireFound(ctx, auth.PermInsurance, per.RegionCode, "person", in.PersonID); err != nil {
				return nil, err
			}
			if !per.Alive() {
				pr.Add("person_id", "the person died on %s", per.DeathDate)
			}
		}
	}
	if err := pr.Err("invalid cross-province request"); err != nil {
		return nil, err
	}
	p, _ := auth.PrincipalFrom(ctx)
	r := &Request{Direction: Outgoing, Kind: in.Kind, PersonID: per.ID, RegionCode: per.RegionCode, Counterpart: in.Counterpart,
		Status: StatusDrafted, CreatedBy: p.UserID, CreatedByName: p.Username, ActingRole: p.Role, ActingScope: p.Scope, ApplicationNo: in.ApplicationNo}
	var kind Kind
	var payload any
	switch in.Kind {
	case TransferOut:
		v, t, err := s.transferOut(ctx, per.ID, otherRegion(in.Counterpart), in.On)
		if err != nil {
			return nil, err
		}
		kind, payload = KindTransferOut, v
		r.On, r.Balance, r.Pooled, r.Months, r.RecordRef = t.On, t.Balance, t.Pooled, v.Months, insurance.TransferRef(t.ID)
	case TransferIn:
		kind, payload = KindTransferContact, &TransferContact{AppliedOn: s.clock.Today()}
	case Certification:
		kind, payload, r.Detail = KindCertificationRequest, &CertificationRequest{LivingIn: in.LivingIn}, in.LivingIn
	case RecordReq:
		kind, payload, r.Detail = KindRecordRequest, &RecordRequest{Record: in.Record}, in.Record
	}
	m, err := NewMessage(kind, s.self, in.Counterpart, Person{IDNumber: per.IDNumber, Name: per.Name}, "", s.clock.Now(), payload)
	if err != nil {
		return nil, err
	}
	doc, err := m.Encode()
	if err != nil {
		return nil, err
	}
	r.MessageID = m.ID
	if err := s.store.CreateCrossRequest(ctx, r, OutMessage{ID: m.ID, Kind: kind, Doc: doc}); err != nil {
		return nil, err
	}
	return r, nil
}

// checkCounterpart checks the other agency of a request: in another
// province.
func (s *Service) checkCounterpart(c Party, pr *fault.Problems) {
	isCode := func(v string) bool { return len(v) == 6 && strings.Trim(v, "0123456789") == "" && v[:2] != "00" }
	switch {
	case !isCode(c.Province) || c.Province[2:] != "0000":
		pr.Add("counterpart.province", "must be a 6-digit province code ending in 0000")
	case c.Province == s.self.Province:
		pr.Add("counterpart.province", "%s is this province: a cross-province request goes to another", c.Province)
	}
	if c.Prefecture != "" && (!isCode(c.Prefecture) || len(c.Province) == 6 && c.Prefecture[:2] != c.Province[:2]) {
		pr.Add("counterpart.prefecture", "must be a 6-digit division code in the province")
	}
	if a := strings.TrimSpace(c.Agency); a == "" || len(a) > 32 {
		pr.Add("counterpart.agency", "name the agency code, at most 32 characters")
	}
}

// Request returns a request: staff with registry.read in the person's
// region, or the citizen it is about; anyone else is answered as if it
// did not exist.
func (s *Service) Request(ctx context.Context, id int64) (*Request, error) {
	r, err := s.store.CrossRequest(ctx, id)
	if err != nil {
		if fault.CodeOf(err) == fault.NotFound {
			return nil, auth.NotFound("cross-province request", id)
		}
		return nil, err
	}
	if _, err := auth.RequireSelfOrFound(ctx, auth.PermRegistryRead, int64(r.PersonID), r.RegionCode, "cross-province request", id); err != nil {
		return nil, err
	}
	return r, nil
}

// Requests lists the requests of a person (read like Request), or, with
// no person, those in the caller's scope (region: its subtree), paged by
// ID.
func (s *Service) Requests(ctx context.Context, f Filter) ([]*Request, error) {
	if p, ok := auth.PrincipalFrom(ctx); ok && p.Role == auth.RoleCitizen {
		// A citizen reads their own, named: someone else's are answered
		// as missing, before any lookup.
		if f.PersonID <= 0 {
			return nil, &fault.Error{Code: fault.Invalid, Message: "invalid list", Fields: map[string]string{"person_id": "is required: a citizen lists their own requests"}}
		}
		if _, err := auth.RequireSelfOrFound(ctx, auth.PermRegistryRead, int64(f.PersonID), "", "person", f.PersonID); err != nil {
			return nil, err
		}
		f.Region = ""
		return s.store.CrossRequests(ctx, f)
	}
	if f.PersonID > 0 {
		per, err := s.reg.Person(ctx, f.PersonID)
		if fault.CodeOf(err) == fault.NotFound {
			return nil, auth.NotFound("person", f.PersonID)
		} else if err != nil {
			return nil, err
		}
		if _, err := auth.RequireSelfOrFound(ctx, auth.PermRegistryRead, int64(per.ID), per.RegionCode, "person", f.PersonID); err != nil {
			return nil, err
		}
		f.Region = ""
	} else {
		p, err := auth.Require(ctx, auth.PermRegistryRead)
		if err != nil {
			return nil, err
		}
		if f.Region, err = auth.ScopeFilter(p, f.Region); err != nil {
			return nil, err
		}
	}
	return s.store.CrossRequests(ctx, f)
}

// TransferOf returns the pension transfer a request produced, nil if none.
func (s *Service) TransferOf(ctx context.Context, r *Request) (*insurance.Transfer, error) {
	id, ok := strings.CutPrefix(r.RecordRef, "transfer:")
	if !ok {
		return nil, nil
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("request %d: record %q: %w", r.ID, r.RecordRef, err)
	}
	return s.store.Transfer(ctx, n)
}

// DispatchSummary counts what Dispatch did.
type DispatchSummary struct {
	Sent   int `json:"sent"`
	Failed int `json:"failed"`
}

// Dispatch hands the waiting messages to the platform, oldest first: each
// sent one is marked sent with its request; a failure is counted and
// retried by the next Dispatch, and after Config.MaxAttempts fails its
// request with the reason. It runs as the system process.
func (s *Service) Dispatch(ctx context.Context, p Platform) (DispatchSummary, error) {
	ctx = s.system(ctx)
	var sum DispatchSummary
	ms, err := s.store.PendingOutMessages(ctx, s.cfg.Batch)
	if err != nil {
		return sum, err
	}
	for _, m := range ms {
		if err := p.Send(ctx, m.ID, m.Doc); err != nil {
			if ctx.Err() != nil {
				return sum, ctx.Err()
			}
			sum.Failed++
			if err := s.store.MarkSendFailed(ctx, m, err.Error(), m.Attempts+1 >= s.cfg.MaxAttempts); err != nil {
				return sum, err
			}
			continue
		}
		if err := s.store.MarkSent(ctx, m); err != nil {
			return sum, err
		}
		sum.Sent++
	}
	return sum, nil
}

// ReceiveSummary counts what Receive did.
type ReceiveSummary struct {
	Processed int `json:"processed"`
	Duplicate int `json:"duplicate"`
	Busy      int `json:"busy"`
	Refused   int `json:"refused"`
}

// Receive processes the documents waiting in the platform's inbox (see
// Process) and takes each out of it, a refused one with its reason. A
// document another receiver is processing stays.
func (s *Service) Receive(ctx context.Context, p Platform) (ReceiveSummary, error) {
	var sum ReceiveSummary
	ds, err := p.Receive(ctx, s.cfg.Batch)
	if err != nil {
		return sum, err
	}
	for _, d := range ds {
		out, err := s.Process(ctx, d.Data)
		switch {
		case fault.CodeOf(err) == fault.Invalid:
			sum.Refused++
			if err := p.Done(ctx, d, err); err != nil {
				return sum, err
			}
			continue
		case err != nil:
			return sum, err
		case out == Busy:
			sum.Busy++
			continue
		case out == Processed:
			sum.Duplicate++
		default:
			sum.Processed++
		}
		if err := p.Done(ctx, d, nil); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// Exchange dispatches and receives until nothing moves (at most rounds
// times): what the demo and the tests do with a Simulated counterpart.
func (s *Service) Exchange(ctx context.Context, p Platform, rounds int) error {
	for range rounds {
		d, err := s.Dispatch(ctx, p)
		if err != nil {
			return err
		}
		r, err := s.Receive(ctx, p)
		if err != nil {
			return err
		}
		if d.Sent == 0 && r.Processed+r.Duplicate+r.Refused == 0 {
			return nil
		}
	}
	return nil
}

// refused is the error of a message that is well formed but cannot be
// applied: it is recorded processed with its reason and taken out of the
// inbox as refused.
func refused(field, format string, args ...any) error {
	return &fault.Error{Code: fault.Invalid, Message: "message refused", Fields: map[string]string{field: fmt.Sprintf(format, args...)}}
}

// Process handles one incoming message document once: it is decoded
// strictly (a malformed one is a fault.Invalid naming the field, and
// nothing is written), claimed by its ID (Processed if it was handled
// before, Busy while another receiver holds it), applied, and marked
// processed with the request's new state in one transaction. A receiver
// that crashed after applying an answer leaves the message claimed; when
// the lease ends another receiver takes it over and finds the domain
// record the first one made (a transfer-in is unique by person, region
// and date) instead of making a second.
func (s *Service) Process(ctx context.Context, doc []byte) (Claim, error) {
	m, err := Decode(doc)
	if err != nil {
		return "", err
	}
	if m.Receiver.Province != s.self.Province || m.Receiver.Prefecture != "" && m.Receiver.Prefecture != s.self.Prefecture {
		return "", refused("receiver", "the message is for %s %s, not this agency (%s %s)", m.Receiver.Province, m.Receiver.Prefecture, s.self.Province, s.self.Prefecture)
	}
	ctx = s.system(ctx)
	now := s.clock.Now()
	c, err := s.store.ClaimInbound(ctx, InMessage{ID: m.ID, Kind: m.Kind, CorrelationID: m.CorrelationID, Doc: doc}, now, now.Add(s.cfg.Lease))
	if err != nil || c != Claimed {
		return c, err
	}
	var r *Request
	var task *Task
	var out []OutMessage
	var outcome string
	if m.Kind == KindTransferContact || m.Kind == KindCertificationRequest {
		task, out, outcome, err = s.incomingTask(ctx, m)
	} else {
		r, out, outcome, err = s.apply(ctx, m)
	}
	var fe *fault.Error
	if errors.As(err, &fe) && fe.Code == fault.Invalid {
		// Well formed but not applicable: processed as refused, so that it
		// is not tried again, and the request (if any) keeps its state.
		if ferr := s.store.FinishInbound(ctx, m.ID, "refused: "+fe.Error(), nil, nil, nil); ferr != nil {
			return "", ferr
		}
		return "", err
	}
	if err != nil {
		return "", err
	}
	if err := s.store.FinishInbound(ctx, m.ID, outcome, r, task, out); err != nil {
		return "", err
	}
	return Claimed, nil
}

// apply works out what an incoming message changes: the request's new
// state (nil for none), messages to send back, and the outcome recorded
// with the message.
func (s *Service) apply(ctx context.Context, m *Message) (*Request, []OutMessage, string, error) {
	if m.Kind == KindRecordRequest {
		return s.answerRecord(ctx, m)
	}
	if !m.Kind.answer() {
		// A request from another province that no caseworker here takes
		// (a voucher sent without our 联系函): answered with a refusal.
		out, err := s.reply(m, KindRefusal, &Refusal{Reason: "本地尚未开通该事项的跨省协同，请线下联系"})
		if err != nil {
			return nil, nil, "", err
		}
		return nil, []OutMessage{out}, "refused: incoming " + string(m.Kind) + " not handled here yet", nil
	}
	r, err := s.store.CrossRequestByMessage(ctx, m.CorrelationID)
	if fault.CodeOf(err) == fault.NotFound {
		return nil, nil, "", refused("correlation_id", "no request of this agency has the message id %s", m.CorrelationID)
	} else if err != nil {
		return nil, nil, "", err
	}
	if r.Counterpart.Province != m.Sender.Province {
		return nil, nil, "", refused("sender.province", "request %d went to province %s, not %s", r.ID, r.Counterpart.Province, m.Sender.Province)
	}
	per, err := s.reg.Person(ctx, r.PersonID)
	if err != nil {
		return nil, nil, "", err
	}
	if per.IDNumber != m.Person.IDNumber {
		return nil, nil, "", refused("person.id_number", "is not the person of request %d", r.ID)
	}
	if r.Status.Final() {
		return nil, nil, fmt.Sprintf("ignored: request %d is %s", r.ID, r.Status), nil
	}
	v, err := m.Decoded()
	if err != nil {
		return nil, nil, "", err
	}
	switch a := v.(type) {
	case *Ack:
		if r.Status == StatusDrafted || r.Status == StatusSent {
			r.Status = StatusAcknowledged
			return r, nil, "acknowledged", nil
		}
		return nil, nil, "ignored: acknowledged after " + string(r.Status), nil
	case *Refusal:
		r.Status, r.Reason = StatusRefused, a.Reason
		return r, nil, "refused by the counterpart", nil
	case *FundsNotice:
		return s.applyFunds(ctx, r, a)
	case *CertificationResult:
		if r.Kind != Certification {
			return nil, nil, "", refused("kind", "a certification result does not answer a %s request", r.Kind)
		}
		if a.Outcome == NotCertified {
			r.Status, r.Reason = StatusRefused, a.Reason
			return r, nil, "not certified", nil
		}
		note := fmt.Sprintf("异地认证：%s %s，报文 %s", m.Sender.Province, m.Sender.Agency, m.ID)
		c := &insurance.Certification{PersonID: r.PersonID, Date: a.Date, Method: insurance.CertMethod(a.Method), Note: note}
		if err := s.pen.Certify(ctx, c); err != nil {
			return nil, nil, "", err
		}
		r.Status, r.RecordRef = StatusCompleted, "certification:"+strconv.FormatInt(c.ID, 10)
		return r, nil, "certified", nil
	case *Record:
		if r.Kind != RecordReq {
			return nil, nil, "", refused("kind", "a record does not answer a %s request", r.Kind)
		}
		r.Status, r.Answer = StatusCompleted, json.RawMessage(m.Payload)
		return r, nil, "record received", nil
	}
	return nil, nil, "", refused("kind", "%s does not answer a request", m.Kind)
}

// applyFunds applies a funds notice: for a transfer out, the counterpart's
// confirmation of what it received; for a transfer in, the amounts to
// credit, recorded as a TransferIn in the name of the user who asked (a
// large one then waits for a second user).
func (s *Service) applyFunds(ctx context.Context, r *Request, n *FundsNotice) (*Request, []OutMessage, string, error) {
	switch r.Kind {
	case TransferOut:
		if n.Balance != r.Balance || n.Pooled != r.Pooled {
			r.Status = StatusFailed
			r.Reason = fmt.Sprintf("对方确认到账金额（个人账户 %s 元，统筹基金 %s 元）与转出金额（%s 元，%s 元）不符，需人工核对", n.Balance, n.Pooled, r.Balance, r.Pooled)
			return r, nil, "funds differ", nil
		}
		r.Status = StatusCompleted
		return r, nil, "funds confirmed", nil
	case TransferIn:
		other := otherRegion(r.Counterpart)
		t, err := s.existingTransferIn(ctx, r.PersonID, other, n.On)
		if err != nil {
			return nil, nil, "", err
		}
		if t == nil {
			as := auth.WithPrincipal(ctx, auth.Principal{UserID: r.CreatedBy, Username: r.CreatedByName, Role: r.ActingRole, Scope: r.ActingScope})
			t, err = s.acc.TransferIn(as, r.PersonID, insurance.TransferInRequest{FromRegion: other, On: n.On, Balance: n.Balance, Pooled: n.Pooled, Months: n.Months})
			if fault.CodeOf(err) == fault.Invalid || fault.CodeOf(err) == fault.Forbidden {
				r.Status, r.Reason = StatusFailed, "转入记账失败："+fault.MessageOf(err)+fieldText(err)
				return r, nil, "transfer-in refused here", nil
			}
			if err != nil {
				return nil, nil, "", err
			}
		}
		r.Balance, r.Pooled, r.Months, r.On, r.RecordRef = n.Balance, n.Pooled, n.Months, n.On, insurance.TransferRef(t.ID)
		r.Status = StatusCompleted
		if t.Status == insurance.TransferPending {
			r.Status = StatusAnswered
		}
		return r, nil, "transfer-in recorded " + string(t.Status), nil
	}
	return nil, nil, "", refused("kind", "a funds notice does not answer a %s request", r.Kind)
}

// fieldText lists the fields of an error's problems.
func fieldText(err error) string {
	fs := fault.FieldsOf(err)
	if len(fs) == 0 {
		return ""
	}
	keys := make([]string, 0, len(fs))
	for k := range fs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "；%s：%s", k, fs[k])
	}
	return b.String()
}

// existingTransferIn finds the transfer-in a crashed receiver recorded
// for the same person, region and date, nil if none.
func (s *Service) existingTransferIn(ctx context.Context, id registry.PersonID, other string, on period.Date) (*insurance.Transfer, error) {
	ts, err := s.store.Transfers(ctx, id)
	if err != nil {
		return nil, err
	}
	for i := range ts {
		if t := &ts[i]; t.Direction == insurance.TransferInward && t.OtherRegion == other && t.On == on {
			return t, nil
		}
	}
	return nil, nil
}

// reply builds an answer of kind to m, from this side.
func (s *Service) reply(m *Message, kind Kind, payload any) (OutMessage, error) {
	a, err := NewMessage(kind, s.self, m.Sender, m.Person, m.ID, s.clock.Now(), payload)
	if err != nil {
		return OutMessage{}, err
	}
	doc, err := a.Encode()
	if err != nil {
		return OutMessage{}, err
	}
	return OutMessage{ID: a.ID, Kind: kind, Doc: doc}, nil
}

// answerRecord answers another province's record request about a person
// of this registry with the employee pension account as it stands, and
// records the request, answered (completed). A person unknown here, or
// whose name does not match the ID number, is refused.
func (s *Service) answerRecord(ctx context.Context, m *Message) (*Request, []OutMessage, string, error) {
	v, err := m.Decoded()
	if err != nil {
		return nil, nil, "", err
	}
	rr := v.(*RecordRequest)
	refuse := func(reason, outcome string) (*Request, []OutMessage, string, error) {
		out, err := s.reply(m, KindRefusal, &Refusal{Reason: reason})
		if err != nil {
			return nil, nil, "", err
		}
		return nil, []OutMessage{out}, outcome, nil
	}
	per, err := s.reg.PersonByIDNumber(ctx, string(m.Person.IDNumber))
	if fault.CodeOf(err) == fault.NotFound {
		return refuse("本机构无该人员的登记记录", "refused: person unknown here")
	} else if err != nil {
		return nil, nil, "", err
	}
	if per.Name != m.Person.Name {
		return refuse("姓名与身份证号码不符", "refused: name does not match")
	}
	st, err := s.acc.Statement(ctx, per.ID, insurance.EmployeePension)
	if err != nil {
		return nil, nil, "", err
	}
	rec := &Record{Record: rr.Record, IssuedOn: s.clock.Today(), Months: st.ContributionMonths, Balance: max(st.Balance, 0)}
	for _, e := range st.Entries {
		if rec.From.IsZero() || e.Period < rec.From {
			rec.From = e.Period
		}
		if e.Period > rec.To {
			rec.To = e.Period
		}
	}
	out, err := s.reply(m, KindRecord, rec)
	if err != nil {
		return nil, nil, "", err
	}
	answer, err := json.Marshal(rec)
	if err != nil {
		return nil, nil, "", err
	}
	r := &Request{Direction: Incoming, Kind: RecordReq, PersonID: per.ID, RegionCode: per.RegionCode, Counterpart: m.Sender,
		Status: StatusCompleted, MessageID: m.ID, Detail: rr.Record, Balance: rec.Balance, Months: rec.Months, Answer: answer,
		CreatedByName: "system:crossprov", ActingRole: auth.RoleAdmin, ActingScope: s.juris.Home}
	return r, []OutMessage{out}, "record answered", nil
}

// transferOut moves the person's employee pension out to other on the
// date given (insurance.Accounts.TransferOut, in the caller's name), or
// finds the transfer an earlier attempt made and no request carries, and
// returns it with its 参保缴费凭证.
func (s *Service) transferOut(ctx context.Context, id registry.PersonID, other string, on period.Date) (*TransferVoucher, *insurance.Transfer, error) {
	t, err := s.orphanTransferOut(ctx, id, other, on)
	if err != nil {
		return nil, nil, err
	}
	if t == nil {
		if t, err = s.acc.TransferOut(ctx, id, other, on); err != nil {
			return nil, nil, err
		}
	}
	v := &TransferVoucher{On: t.On, Balance: t.Balance, Pooled: t.Pooled, Months: t.Months, Years: []TransferYear{}}
	for _, y := range t.Years {
		v.Years = append(v.Years, TransferYear{Year: y.Year, Base: y.Base, Pooled: y.Pooled, Months: y.Months})
	}
	if v.Months == 0 {
		// The voucher counts at least the month of the transfer: the
		// balance exists, so some contribution was made.
		v.Months = 1
	}
	return v, t, nil
}

// orphanTransferOut finds the transfer out of a request that failed to be
// recorded after its transfer was (same person, region and date, and no
// request carries it), so that starting the request again sends it
// instead of refusing a second transfer of the emptied account; nil if
// there is none.
func (s *Service) orphanTransferOut(ctx context.Context, id registry.PersonID, other string, on period.Date) (*insurance.Transfer, error) {
	ts, err := s.store.Transfers(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if t.Direction != insurance.TransferOutward || t.OtherRegion != other || t.On != on {
			continue
		}
		rs, err := s.store.CrossRequests(ctx, Filter{PersonID: id, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if r.RecordRef == insurance.TransferRef(t.ID) {
				return nil, nil
			}
		}
		return s.store.Transfer(ctx, t.ID)
	}
	return nil, nil
}
