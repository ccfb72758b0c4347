package payment

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/region"
)

// NoticeKind is what a notice tells.
type NoticeKind string

// The notice kinds.
const (
	NoticeGranted NoticeKind = "granted" // a benefit was granted
	NoticePaid    NoticeKind = "paid"    // a payment reached the account
	NoticeFailed  NoticeKind = "failed"  // a payment came back: check the account
	NoticeStopped NoticeKind = "stopped" // a benefit was stopped, with the reason

	// The front office's notices to an applicant (docs/frontoffice.md).
	NoticeAppReceived    NoticeKind = "application_received"     // an application was accepted (受理)
	NoticeAppNotAccepted NoticeKind = "application_not_accepted" // not accepted, with everything missing (一次性告知)
	NoticeAppCorrection  NoticeKind = "application_correction"   // materials to supply (补正)
	NoticeAppCompleted   NoticeKind = "application_completed"    // finished (办结), with what was done
	NoticeAppRefused     NoticeKind = "application_refused"      // refused, with the reason
)

// NoticeStatus is where a notice stands in the outbox: queued (to send),
// sent, or failed (given up after the last attempt).
type NoticeStatus string

// The notice statuses.
const (
	NoticeQueued      NoticeStatus = "queued" // to send at the next delivery
	NoticeSent        NoticeStatus = "sent"   // delivered
	NoticeUndelivered NoticeStatus = "failed" // not delivered after the last attempt
)

// Notice is a message to a citizen or an enterprise in the outbox (通知).
type Notice struct {
	ID            int64       `json:"id"`
	RecipientKind string      `json:"recipient_kind"`
	RecipientID   int64       `json:"recipient_id"`
	RegionCode    region.Code `json:"region_code"`
	Kind          NoticeKind  `json:"kind"`
	// Ref is what the notice is about, once: "paid/<instruction>/<attempt>".
	Ref       string       `json:"ref"`
	Message   string       `json:"message"`
	Status    NoticeStatus `json:"status"`
	Attempts  int          `json:"attempts"`
	CreatedAt time.Time    `json:"created_at"`
	SentAt    time.Time    `json:"sent_at,omitzero"`
}

// Sender delivers a notice (SMS, the 12333 app, a letter); a fake in tests,
// LogSender by default.
type Sender interface {
	// Send delivers n; an error leaves it queued for the next delivery.
	Send(ctx context.Context, n *Notice) error
}

// LogSender logs each notice it is given, by ID and kind only: no name,
// number or message text reaches the log.
type LogSender struct{ Logger *slog.Logger }

// Send implements Sender.
func (s LogSender) Send(ctx context.Context, n *Notice) error {
	s.Logger.InfoContext(ctx, "notice sent", slog.Int64("notice_id", n.ID), slog.String("kind", string(n.Kind)),
		slog.String("recipient_kind", n.RecipientKind), slog.Int64("recipient_id", n.RecipientID))
	return nil
}

// NoticeStore keeps the outbox.
type NoticeStore interface {
	// QueuedNotices returns up to limit queued notices, oldest first.
	QueuedNotices(ctx context.Context, limit int) ([]*Notice, error)
	// MarkNotice records a delivery attempt's outcome.
	MarkNotice(ctx context.Context, id int64, sent bool, at time.Time) error
}

// DeliverNotices hands up to limit queued notices to the sender and
// records each outcome; a notice the sender fails stays queued (failed
// after five attempts).
func (s *Service) DeliverNotices(ctx context.Context, sender Sender, limit int) (sent, failed int, err error) {
	if _, err := auth.Require(ctx, auth.PermPayment); err != nil {
		return 0, 0, err
	}
	ns, err := s.store.QueuedNotices(ctx, limit)
	if err != nil {
		return 0, 0, err
	}
	for _, n := range ns {
		if err := sender.Send(ctx, n); err != nil {
			failed++
			if merr := s.store.MarkNotice(ctx, n.ID, false, s.clock.Now().UTC()); merr != nil {
				return sent, failed, merr
			}
			continue
		}
		sent++
		if err := s.store.MarkNotice(ctx, n.ID, true, s.clock.Now().UTC()); err != nil {
			return sent, failed, fmt.Errorf("notice %d: %w", n.ID, err)
		}
	}
	return sent, failed, nil
}
