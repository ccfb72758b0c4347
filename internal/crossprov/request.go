package crossprov

import (
	"context"
	"encoding/json"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// RequestKind is the matter a cross-province request carries.
type RequestKind string

// The request kinds (docs/crossprov.md, Requests).
const (
	// TransferOut moves the person's employee pension to the counterpart
	// (转出): the account is debited at once and its 参保缴费凭证 sent.
	TransferOut RequestKind = "transfer_out"
	// TransferIn asks the counterpart to transfer the person's account here
	// (转入: 联系函); its funds notice becomes a TransferIn.
	TransferIn RequestKind = "transfer_in"
	// Certification asks the counterpart where the pensioner lives to
	// certify them (异地认证).
	Certification RequestKind = "certification"
	// RecordReq asks the counterpart for a record of the person.
	RecordReq RequestKind = "record"
)

// RequestKinds are the request kinds.
var RequestKinds = []RequestKind{TransferOut, TransferIn, Certification, RecordReq}

// Direction says who started a request: outgoing ones start here.
type Direction string

// Directions.
const (
	Outgoing Direction = "outgoing"
	Incoming Direction = "incoming"
)

// Status is where a request stands.
type Status string

// The statuses of a request (docs/crossprov.md, States).
const (
	StatusDrafted      Status = "drafted"      // recorded, its message not yet handed to the platform
	StatusSent         Status = "sent"         // handed to the platform
	StatusAcknowledged Status = "acknowledged" // the counterpart acknowledged it (受理)
	StatusAnswered     Status = "answered"     // answered; a second user still decides (a large transfer-in)
	StatusCompleted    Status = "completed"    // answered and applied here (办结)
	StatusRefused      Status = "refused"      // the counterpart refused it, with the reason
	StatusFailed       Status = "failed"       // it could not be sent or applied, with the reason
)

// Statuses are the statuses, in order.
var Statuses = []Status{StatusDrafted, StatusSent, StatusAcknowledged, StatusAnswered, StatusCompleted, StatusRefused, StatusFailed}

// Final reports whether no answer changes a request in status st.
func (st Status) Final() bool {
	return st == StatusCompleted || st == StatusRefused || st == StatusFailed
}

// Text is the status in zh-CN, as the applicant reads it.
func (st Status) Text(kind RequestKind) string {
	switch st {
	case StatusDrafted:
		return "已登记，待发送"
	case StatusSent:
		return "已发往对方经办机构"
	case StatusAcknowledged:
		return "对方经办机构已受理"
	case StatusAnswered:
		if kind == TransferIn {
			return "转移资金已到，待复核后记入个人账户"
		}
		return "对方已答复，待本地处理"
	case StatusCompleted:
		switch kind {
		case TransferOut:
			return "已办结：养老保险关系已转出，对方已确认到账"
		case TransferIn:
			return "已办结：养老保险关系已转入"
		case Certification:
			return "已办结：异地资格认证完成"
		}
		return "已办结"
	case StatusRefused:
		return "对方不予办理"
	case StatusFailed:
		return "办理失败"
	}
	return string(st)
}

// Request is one cross-province request and where it stands.
type Request struct {
	ID        int64             `json:"id"`
	Direction Direction         `json:"direction"`
	Kind      RequestKind       `json:"kind"`
	PersonID  registry.PersonID `json:"person_id"`
	// RegionCode is the person's region here: the request's scope.
	RegionCode  region.Code `json:"region_code"`
	Counterpart Party       `json:"counterpart"`
	Status      Status      `json:"status"`
	// Reason is why a request was refused or failed, or the last sending
	// error while it is retried.
	Reason string `json:"reason,omitempty"`
	// Retries counts the failed attempts to send its message.
	Retries int `json:"retries"`
	// MessageID is the ID of the request's message: answers carry it as
	// their correlation id.
	MessageID string `json:"message_id"`
	// On is the transfer's date (transfer_out), Detail what else the
	// request names: where the pensioner lives (certification) or the
	// record asked for.
	On     period.Date `json:"on,omitzero"`
	Detail string      `json:"detail,omitempty"`
	// Balance, Pooled and Months are the amounts of a transfer: those sent
	// (transfer_out) or received (transfer_in), in fen.
	Balance money.Fen `json:"balance"`
	Pooled  money.Fen `json:"pooled"`
	Months  int       `json:"months"`
	// RecordRef is the domain record the request produced:
	// "transfer:12", "certification:5".
	RecordRef string `json:"record_ref,omitempty"`
	// Answer is the payload of the answer that completed it (a record).
	Answer json.RawMessage `json:"answer,omitempty"`
	// CreatedBy is the user who started it, acting as ActingRole over
	// ActingScope: the answer is applied in their name (a transfer-in is
	// theirs, and another user decides it).
	CreatedBy     int64       `json:"created_by"`
	CreatedByName string      `json:"created_by_name"`
	ActingRole    auth.Role   `json:"-"`
	ActingScope   region.Code `json:"-"`
	CreatedAt     time.Time   `json:"created_at"`
	UpdatedAt     time.Time   `json:"updated_at"`
	Version       int64       `json:"version"`
	// ApplicationNo is the front office's application (办件编号) that
	// started the request; empty for one started otherwise.
	ApplicationNo string `json:"application_no,omitempty"`
}

// OutMessage is a message waiting to be handed to the platform, or
// handed.
type OutMessage struct {
	ID        string
	RequestID int64
	Kind      Kind
	Doc       []byte
	Attempts  int
}

// InMessage is a received message as stored: its ID, kind, correlation
// id and document.
type InMessage struct {
	ID            string
	Kind          Kind
	CorrelationID string
	Doc           []byte
}

// Claim is the outcome of claiming an incoming message for processing.
type Claim string

// Claims.
const (
	Claimed   Claim = "claimed"   // this receiver processes it now
	Processed Claim = "processed" // it was processed before: nothing to do
	Busy      Claim = "busy"      // another receiver holds it under a live lease
)

// Filter selects requests: of one person, or of one application, paged
// by ID.
type Filter struct {
	PersonID registry.PersonID
	// ApplicationNo selects the requests of one application (办件).
	ApplicationNo string
	// Region is the scope's subtree when no person is named.
	Region region.Code
	After  int64
	Limit  int
}

// Store keeps the requests and messages. sqlstore.DB implements it.
type Store interface {
	// CreateCrossRequest records r (drafted) and its message to send, in
	// one transaction with its audit event; it sets r's ID and times.
	CreateCrossRequest(ctx context.Context, r *Request, m OutMessage) error
	// CrossRequest returns the request; NotFound if there is none.
	CrossRequest(ctx context.Context, id int64) (*Request, error)
	// CrossRequestByMessage returns the request whose message is id;
	// NotFound if none.
	CrossRequestByMessage(ctx context.Context, id string) (*Request, error)
	// CrossRequests lists requests by f, in ID order.
	CrossRequests(ctx context.Context, f Filter) ([]*Request, error)
	// PendingOutMessages returns up to limit messages waiting to be sent,
	// oldest first.
	PendingOutMessages(ctx context.Context, limit int) ([]OutMessage, error)
	// MarkSent records m handed to the platform, and its request (if
	// drafted) sent, in one transaction with the audit event.
	MarkSent(ctx context.Context, m OutMessage) error
	// MarkSendFailed counts a failed attempt to send m with its reason;
	// giveUp fails the message and its request.
	MarkSendFailed(ctx context.Context, m OutMessage, reason string, giveUp bool) error
	// ClaimInbound records an incoming message (once: its ID is unique)
	// and claims it until the lease ends, unless it was processed before
	// or another receiver's lease on it is still running.
	ClaimInbound(ctx context.Context, m InMessage, now, until time.Time) (Claim, error)
	// FinishInbound marks the claimed message processed with its outcome,
	// applies the change of r (nil for none: status, reason, record ref,
	// amounts, answer; r.Version must be the stored one; a new request
	// when r.ID is 0), records task (nil for none: an incoming request
	// for a caseworker) and queues out, in one transaction with the audit
	// events.
	FinishInbound(ctx context.Context, messageID, outcome string, r *Request, task *Task, out []OutMessage) error
	TaskStore
	// Transfer and Transfers read the pension transfers (insurance).
	Transfer(ctx context.Context, id int64) (*insurance.Transfer, error)
	Transfers(ctx context.Context, personID registry.PersonID) ([]insurance.Transfer, error)
}
