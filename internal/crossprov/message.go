package crossprov

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/period"
)

// Version is the version of the message format this package writes and
// reads (docs/crossprov.md, Format).
const Version = "crossprov/1"

// MaxMessageSize is the largest message document Decode accepts, in bytes.
const MaxMessageSize = 1 << 20

// Kind is what a message is.
type Kind string

// The kinds of message (docs/crossprov.md, Kinds).
const (
	// KindTransferOut carries the 参保缴费凭证 of a transfer out: the
	// amounts moved to the receiving agency.
	KindTransferOut Kind = "transfer_out_request"
	// KindTransferContact is the 联系函 of the receiving agency asking the
	// agency where the person was insured to transfer the account.
	KindTransferContact Kind = "transfer_in_contact"
	// KindFundsNotice is the notice of transferred funds: sent by the
	// agency that transfers, or confirmed back by the one that received.
	KindFundsNotice Kind = "transfer_funds_notice"
	// KindCertificationRequest asks the agency where a pensioner lives to
	// certify them (异地认证).
	KindCertificationRequest Kind = "certification_request"
	// KindCertificationResult answers it: certified or refused.
	KindCertificationResult Kind = "certification_result"
	// KindRecordRequest asks for a record of a person.
	KindRecordRequest Kind = "record_request"
	// KindRecord is the record asked for.
	KindRecord Kind = "record"
	// KindAck acknowledges a request (受理回执).
	KindAck Kind = "ack"
	// KindRefusal refuses a request with its reason.
	KindRefusal Kind = "refusal"
)

// Kinds are the kinds of message, in the order of docs/crossprov.md.
var Kinds = []Kind{KindTransferOut, KindTransferContact, KindFundsNotice, KindCertificationRequest,
	KindCertificationResult, KindRecordRequest, KindRecord, KindAck, KindRefusal}

// answer reports whether messages of kind k answer a request and so
// carry its correlation id.
func (k Kind) answer() bool {
	switch k {
	case KindFundsNotice, KindCertificationResult, KindRecord, KindAck, KindRefusal:
		return true
	}
	return false
}

// Party is an agency at either end of a message: the codes of its
// province and prefecture (6-digit administrative division codes) and
// its own agency code (经办机构代码).
type Party struct {
	Province   string `json:"province"`
	Prefecture string `json:"prefecture"`
	Agency     string `json:"agency"`
}

// Person is whom a message is about.
type Person struct {
	IDNumber ids.ResidentID `json:"id_number"`
	Name     string         `json:"name"`
}

// Message is one document exchanged with the national platform. ID is
// unique and the idempotency key: a message received twice is processed
// once. An answer (ack, refusal, funds notice, certification result,
// record) carries in CorrelationID the ID of the request it answers.
type Message struct {
	Version       string          `json:"version"`
	ID            string          `json:"id"`
	Kind          Kind            `json:"kind"`
	Sender        Party           `json:"sender"`
	Receiver      Party           `json:"receiver"`
	Person        Person          `json:"person"`
	SentAt        time.Time       `json:"sent_at"`
	CorrelationID string          `json:"correlation_id,omitempty"`
	Payload       json.RawMessage `json:"payload"`
}

// TransferYear is one year of a transfer voucher.
type TransferYear struct {
	Year   int       `json:"year"`
	Base   money.Fen `json:"base"`
	Pooled money.Fen `json:"pooled"`
	Months int       `json:"months"`
}

// TransferVoucher is the payload of a transfer_out_request: the 参保缴费凭证
// of the account moved, amounts in fen.
type TransferVoucher struct {
	On      period.Date    `json:"on"`
	Balance money.Fen      `json:"balance"`
	Pooled  money.Fen      `json:"pooled"`
	Months  int            `json:"months"`
	Years   []TransferYear `json:"years"`
}

// TransferContact is the payload of a transfer_in_contact (联系函).
type TransferContact struct {
	// AppliedOn is when the person applied at the receiving agency.
	AppliedOn period.Date `json:"applied_on"`
}

// FundsNotice is the payload of a transfer_funds_notice: the amounts
// transferred (or received, when confirmed back), in fen.
type FundsNotice struct {
	On      period.Date `json:"on"`
	Balance money.Fen   `json:"balance"`
	Pooled  money.Fen   `json:"pooled"`
	Months  int         `json:"months"`
}

// CertificationRequest is the payload of a certification_request.
type CertificationRequest struct {
	// LivingIn is where the pensioner lives, as the requesting agency
	// knows it (an address or a region's name).
	LivingIn string `json:"living_in"`
}

// Certification outcomes.
const (
	Certified    = "certified"
	NotCertified = "refused"
)

// CertificationResult is the payload of a certification_result.
type CertificationResult struct {
	Outcome string      `json:"outcome"`
	Date    period.Date `json:"date"`
	// Method is face, visit or data_match for a certified person.
	Method string `json:"method"`
	Reason string `json:"reason"`
}

// The records a record_request may ask for.
const (
	RecordVoucher     = "contribution_voucher" // 参保缴费凭证
	RecordCertificate = "insured_certificate"  // 参保证明
	RecordRights      = "rights_record"        // 个人权益记录
)

// RecordRequest is the payload of a record_request.
type RecordRequest struct {
	Record string `json:"record"`
}

// Record is the payload of a record: the person's insurance at the
// sending agency.
type Record struct {
	Record   string      `json:"record"`
	IssuedOn period.Date `json:"issued_on"`
	// Months are the contribution months; Balance the personal-account
	// balance in fen.
	Months  int       `json:"months"`
	Balance money.Fen `json:"balance"`
	// From and To are the first and last months insured, when any.
	From period.Month `json:"from,omitzero"`
	To   period.Month `json:"to,omitzero"`
}

// Ack is the payload of an ack.
type Ack struct {
	Note string `json:"note"`
}

// Refusal is the payload of a refusal.
type Refusal struct {
	Reason string `json:"reason"`
}

// NewMessage builds a message of kind about person from sender to
// receiver, sent at, with a fresh random ID and payload encoded.
func NewMessage(kind Kind, sender, receiver Party, person Person, correlation string, at time.Time, payload any) (*Message, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("encode %s payload: %w", kind, err)
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("message id: %w", err)
	}
	return &Message{Version: Version, ID: hex.EncodeToString(b[:]), Kind: kind, Sender: sender, Receiver: receiver, Person: person,
		SentAt: at.UTC().Truncate(time.Second), CorrelationID: correlation, Payload: body}, nil
}

// Encode writes m as the document Decode reads.
func (m *Message) Encode() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode message %s: %w", m.ID, err)
	}
	return append(b, '\n'), nil
}

// Decoded decodes the payload of a decoded message: a *TransferVoucher,
// *TransferContact, *FundsNotice, *CertificationRequest,
// *CertificationResult, *RecordRequest, *Record, *Ack or *Refusal after
// its kind. Decode has checked it.
func (m *Message) Decoded() (any, error) {
	var pr fault.Problems
	v := decodePayload(m.Kind, m.Payload, &pr)
	if err := pr.Err("invalid payload"); err != nil {
		return nil, err
	}
	return v, nil
}

// Decode reads one message document strictly: every field known, every
// required field present, the version this package reads, ID numbers
// valid (internal/ids), amounts integer numbers of fen, the payload the
// one of its kind. Its error is a fault.Invalid naming each bad field
// ("payload.balance", "person.id_number").
func Decode(data []byte) (*Message, error) {
	var pr fault.Problems
	if len(data) > MaxMessageSize {
		pr.Add("message", "is %d bytes, more than %d", len(data), MaxMessageSize)
		return nil, pr.Err("invalid message")
	}
	o := newObject("", data, &pr)
	if o == nil {
		return nil, pr.Err("invalid message")
	}
	m := &Message{}
	o.str("version", &m.Version, 20)
	if m.Version != "" && m.Version != Version {
		pr.Add("version", "is %q: this side reads %s", m.Version, Version)
	}
	o.str("id", &m.ID, 64)
	if m.ID != "" && !validID(m.ID) {
		pr.Add("id", "must be 8 to 64 letters, digits, '.', '_' or '-'")
	}
	var kind string
	o.str("kind", &kind, 40)
	m.Kind = Kind(kind)
	if kind != "" && !slices.Contains(Kinds, m.Kind) {
		pr.Add("kind", "is %q, not a kind of this format", kind)
	}
	for _, p := range []struct {
		name string
		dst  *Party
	}{{"sender", &m.Sender}, {"receiver", &m.Receiver}} {
		if po := o.object(p.name, true); po != nil {
			po.code("province", &p.dst.Province, true)
			po.code("prefecture", &p.dst.Prefecture, false)
			po.str("agency", &p.dst.Agency, 32)
			po.done()
			if p.dst.Province != "" && p.dst.Prefecture != "" && p.dst.Prefecture[:2] != p.dst.Province[:2] {
				pr.Add(p.name+".prefecture", "%s is not in province %s", p.dst.Prefecture, p.dst.Province)
			}
		}
	}
	if po := o.object("person", true); po != nil {
		var raw string
		if po.str("id_number", &raw, 18) {
			id, err := ids.ParseResidentID(raw, 0)
			if err != nil {
				pr.Add("person.id_number", "%v", err)
			}
			m.Person.IDNumber = id
		}
		po.str("name", &m.Person.Name, 60)
		po.done()
	}
	if raw, ok := o.raw("sent_at", true); ok {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			pr.Add("sent_at", "must be an RFC 3339 time string")
		} else if t, err := time.Parse(time.RFC3339, s); err != nil {
			pr.Add("sent_at", "must be an RFC 3339 time, not %.40q", s)
		} else {
			m.SentAt = t
		}
	}
	if m.Kind.answer() || o.has("correlation_id") {
		o.str("correlation_id", &m.CorrelationID, 64)
		if m.CorrelationID != "" && !validID(m.CorrelationID) {
			pr.Add("correlation_id", "must be the id of the request answered")
		}
	}
	if raw, ok := o.raw("payload", true); ok {
		m.Payload = json.RawMessage(bytes.Clone(raw))
		if slices.Contains(Kinds, m.Kind) {
			decodePayload(m.Kind, raw, &pr)
		}
	}
	o.done()
	if err := pr.Err("invalid message"); err != nil {
		return nil, err
	}
	return m, nil
}

// decodePayload decodes and checks the payload of kind from raw, adding
// its problems under "payload.".
func decodePayload(kind Kind, raw []byte, pr *fault.Problems) any {
	o := newObject("payload", raw, pr)
	if o == nil {
		return nil
	}
	defer o.done()
	switch kind {
	case KindTransferOut:
		v := &TransferVoucher{}
		o.date("on", &v.On)
		o.fen("balance", &v.Balance, true)
		o.fen("pooled", &v.Pooled, false)
		o.months("months", &v.Months)
		if raw, ok := o.raw("years", false); ok {
			var items []json.RawMessage
			if json.Unmarshal(raw, &items) != nil {
				pr.Add("payload.years", "must be an array")
			}
			for i, it := range items {
				yo := newObject(fmt.Sprintf("payload.years[%d]", i), it, pr)
				if yo == nil {
					continue
				}
				var y TransferYear
				yo.int("year", &y.Year, 1951, 9999)
				yo.fen("base", &y.Base, false)
				yo.fen("pooled", &y.Pooled, false)
				yo.int("months", &y.Months, 0, 12)
				yo.done()
				v.Years = append(v.Years, y)
			}
		}
		return v
	case KindTransferContact:
		v := &TransferContact{}
		o.date("applied_on", &v.AppliedOn)
		return v
	case KindFundsNotice:
		v := &FundsNotice{}
		o.date("on", &v.On)
		o.fen("balance", &v.Balance, true)
		o.fen("pooled", &v.Pooled, false)
		o.months("months", &v.Months)
		return v
	case KindCertificationRequest:
		v := &CertificationRequest{}
		o.str("living_in", &v.LivingIn, 100)
		return v
	case KindCertificationResult:
		v := &CertificationResult{}
		o.str("outcome", &v.Outcome, 20)
		o.date("date", &v.Date)
		switch v.Outcome {
		case Certified:
			o.str("method", &v.Method, 20)
			if v.Method != "" && v.Method != "face" && v.Method != "visit" && v.Method != "data_match" {
				pr.Add("payload.method", "must be face, visit or data_match, not %q", v.Method)
			}
			o.optStr("reason", &v.Reason, 500)
		case NotCertified:
			o.optStr("method", &v.Method, 20)
			o.str("reason", &v.Reason, 500)
		case "":
		default:
			pr.Add("payload.outcome", "must be certified or refused, not %q", v.Outcome)
		}
		return v
	case KindRecordRequest:
		v := &RecordRequest{}
		o.str("record", &v.Record, 40)
		checkRecord(v.Record, pr)
		return v
	case KindRecord:
		v := &Record{}
		o.str("record", &v.Record, 40)
		checkRecord(v.Record, pr)
		o.date("issued_on", &v.IssuedOn)
		o.int("months", &v.Months, 0, 12*80)
		o.fen("balance", &v.Balance, false)
		o.month("from", &v.From)
		o.month("to", &v.To)
		return v
	case KindAck:
		v := &Ack{}
		o.optStr("note", &v.Note, 500)
		return v
	case KindRefusal:
		v := &Refusal{}
		o.str("reason", &v.Reason, 500)
		return v
	}
	return nil
}

// checkRecord checks the name of a record.
func checkRecord(r string, pr *fault.Problems) {
	switch r {
	case RecordVoucher, RecordCertificate, RecordRights, "":
	default:
		pr.Add("payload.record", "must be %s, %s or %s, not %q", RecordVoucher, RecordCertificate, RecordRights, r)
	}
}

// validID reports whether s is a message ID: 8 to 64 ASCII letters,
// digits, '.', '_' or '-'.
func validID(s string) bool {
	if len(s) < 8 || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// object is a JSON object being decoded field by field, so that every
// problem names its field and every field left over is unknown.
type object struct {
	path   string
	fields map[string]json.RawMessage
	seen   map[string]bool
	pr     *fault.Problems
}

// newObject parses raw as one JSON object at path; nil, with the problem
// added, if it is not one.
func newObject(path string, raw []byte, pr *fault.Problems) *object {
	name := path
	if name == "" {
		name = "message"
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var fields map[string]json.RawMessage
	if err := dec.Decode(&fields); err != nil || fields == nil {
		pr.Add(name, "must be a JSON object")
		return nil
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		pr.Add(name, "must be one JSON object, with nothing after it")
		return nil
	}
	if dup := duplicateKey(raw); dup != "" {
		pr.Add(join(path, dup), "appears twice")
		return nil
	}
	return &object{path: path, fields: fields, seen: map[string]bool{}, pr: pr}
}

// duplicateKey returns a key that appears twice at the top level of the
// object raw, "" if none does.
func duplicateKey(raw []byte) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return ""
	}
	keys := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return ""
		}
		k, _ := t.(string)
		if keys[k] {
			return k
		}
		keys[k] = true
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return ""
		}
	}
	return ""
}

// join joins a path and a field name.
func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// has reports whether the object has field name (not null).
func (o *object) has(name string) bool {
	raw, ok := o.fields[name]
	return ok && string(raw) != "null"
}

// raw returns field name's JSON, marking it seen; a missing required
// field is a problem.
func (o *object) raw(name string, required bool) (json.RawMessage, bool) {
	o.seen[name] = true
	raw, ok := o.fields[name]
	if !ok || string(raw) == "null" {
		if required {
			o.pr.Add(join(o.path, name), "is required")
		}
		return nil, false
	}
	return raw, true
}

// object returns the object in field name.
func (o *object) object(name string, required bool) *object {
	raw, ok := o.raw(name, required)
	if !ok {
		return nil
	}
	return newObject(join(o.path, name), raw, o.pr)
}

// str decodes a required non-empty string of at most max characters; it
// reports whether one was read.
func (o *object) str(name string, dst *string, max int) bool {
	if !o.has(name) {
		o.raw(name, true)
		return false
	}
	if !o.optStr(name, dst, max) {
		return false
	}
	if *dst == "" {
		o.pr.Add(join(o.path, name), "is required")
		return false
	}
	return true
}

// optStr decodes an optional string of at most max characters.
func (o *object) optStr(name string, dst *string, max int) bool {
	raw, ok := o.raw(name, false)
	if !ok {
		return false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		o.pr.Add(join(o.path, name), "must be a string")
		return false
	}
	s = strings.TrimSpace(s)
	if n := len([]rune(s)); n > max {
		o.pr.Add(join(o.path, name), "is %d characters, at most %d", n, max)
		return false
	}
	*dst = s
	return true
}

// code decodes a 6-digit administrative division code; a province's ends
// in 0000.
func (o *object) code(name string, dst *string, province bool) {
	if !o.str(name, dst, 6) {
		return
	}
	s := *dst
	ok := len(s) == 6 && strings.Trim(s, "0123456789") == "" && s[:2] != "00"
	if ok && province {
		ok = s[2:] == "0000"
	}
	if !ok {
		*dst = ""
		what := "a 6-digit division code"
		if province {
			what = "a 6-digit province code ending in 0000"
		}
		o.pr.Add(join(o.path, name), "must be %s, not %q", what, s)
	}
}

// int decodes a required integer from min to max.
func (o *object) int(name string, dst *int, min, max int) {
	raw, ok := o.raw(name, true)
	if !ok {
		return
	}
	var v int64
	if json.Unmarshal(raw, &v) != nil {
		o.pr.Add(join(o.path, name), "must be an integer")
		return
	}
	if v < int64(min) || v > int64(max) {
		o.pr.Add(join(o.path, name), "must be from %d to %d", min, max)
		return
	}
	*dst = int(v)
}

// months decodes a required count of contribution months.
func (o *object) months(name string, dst *int) { o.int(name, dst, 1, 12*80) }

// fen decodes an amount: an integer number of fen, not negative, positive
// when positive is set.
func (o *object) fen(name string, dst *money.Fen, positive bool) {
	raw, ok := o.raw(name, true)
	if !ok {
		return
	}
	var v money.Fen
	if err := json.Unmarshal(raw, &v); err != nil {
		o.pr.Add(join(o.path, name), "must be an integer number of fen")
		return
	}
	switch {
	case v < 0:
		o.pr.Add(join(o.path, name), "must not be negative")
	case positive && v == 0:
		o.pr.Add(join(o.path, name), "must be positive")
	default:
		*dst = v
	}
}

// date decodes a required date, YYYY-MM-DD.
func (o *object) date(name string, dst *period.Date) {
	raw, ok := o.raw(name, true)
	if !ok {
		return
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		o.pr.Add(join(o.path, name), "must be a date string YYYY-MM-DD")
		return
	}
	d, err := period.ParseDate(s)
	if err != nil {
		o.pr.Add(join(o.path, name), "must be a date YYYY-MM-DD, not %.20q", s)
		return
	}
	*dst = d
}

// month decodes an optional month, YYYY-MM.
func (o *object) month(name string, dst *period.Month) {
	raw, ok := o.raw(name, false)
	if !ok {
		return
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		o.pr.Add(join(o.path, name), "must be a month string YYYY-MM")
		return
	}
	m, err := period.ParseMonth(s)
	if err != nil {
		o.pr.Add(join(o.path, name), "must be a month YYYY-MM, not %.20q", s)
		return
	}
	*dst = m
}

// done adds a problem for every field not read.
func (o *object) done() {
	for name := range o.fields {
		if !o.seen[name] {
			o.pr.Add(join(o.path, name), "is not a field of this format")
		}
	}
}
