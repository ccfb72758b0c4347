package crossprov

import (
	"context"
	"fmt"
	"sync"

	"safetynet/internal/clock"
	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/period"
)

// RemoteAccount is a person's employee pension account at the simulated
// counterpart: what it transfers on a 联系函 and reports in a record.
type RemoteAccount struct {
	Balance money.Fen
	Pooled  money.Fen
	Months  int
	From    period.Month
	To      period.Month
}

// Simulated is another province's agency for the demo and the tests: a
// Platform whose Send hands the message to the agency, which answers by
// rules into the inbox Receive reads. It acknowledges every request,
// then:
//   - a transfer_out_request: confirms the funds received, the voucher's
//     amounts (a funds notice back), or refuses a person in Refuse;
//   - a transfer_in_contact: transfers the account in Accounts by a funds
//     notice, or refuses if it holds none for the person;
//   - a certification_request: certifies the person (by face
//     recognition, on the request's date) unless they are in Deceased,
//     whom it refuses with the date of death;
//   - a record_request: returns the record of the account in Accounts
//     (an empty one for a person it does not know).
//
// Answers to its own messages (acks, refusals) it ignores.
type Simulated struct {
	// Party is the simulated agency.
	Party Party
	// Accounts are the accounts it holds, by ID number.
	Accounts map[ids.ResidentID]RemoteAccount
	// Deceased are the persons it knows dead, with the date.
	Deceased map[ids.ResidentID]period.Date
	// Refuse are the persons whose transfers it refuses, with the reason.
	Refuse map[ids.ResidentID]string

	clock clock.Clock
	mu    sync.Mutex
	inbox []Delivery
	seen  map[string]bool
	// Sent are the documents it received, in order.
	Sent [][]byte
}

// NewSimulated returns a simulated agency, party p, dating its answers by
// clk.
func NewSimulated(p Party, clk clock.Clock) *Simulated {
	return &Simulated{Party: p, Accounts: map[ids.ResidentID]RemoteAccount{}, Deceased: map[ids.ResidentID]period.Date{},
		Refuse: map[ids.ResidentID]string{}, clock: clk, seen: map[string]bool{}}
}

// Send implements Platform: the agency reads the message and queues its
// answers. A message ID it has seen is ignored, as the real platform
// would.
func (s *Simulated) Send(ctx context.Context, id string, doc []byte) error {
	m, err := Decode(doc)
	if err != nil {
		return fmt.Errorf("simulated agency: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Sent = append(s.Sent, doc)
	if s.seen[m.ID] {
		return nil
	}
	s.seen[m.ID] = true
	if m.Receiver.Province != s.Party.Province {
		return fmt.Errorf("simulated agency: message %s is for province %s, not %s", m.ID, m.Receiver.Province, s.Party.Province)
	}
	if m.Kind.answer() {
		return nil
	}
	v, err := m.Decoded()
	if err != nil {
		return fmt.Errorf("simulated agency: %w", err)
	}
	today := s.clock.Today()
	id0 := m.Person.IDNumber
	if err := s.answer(m, KindAck, &Ack{Note: "已受理"}); err != nil {
		return err
	}
	switch p := v.(type) {
	case *TransferVoucher:
		if why, ok := s.Refuse[id0]; ok {
			return s.answer(m, KindRefusal, &Refusal{Reason: why})
		}
		return s.answer(m, KindFundsNotice, &FundsNotice{On: today, Balance: p.Balance, Pooled: p.Pooled, Months: p.Months})
	case *TransferContact:
		if why, ok := s.Refuse[id0]; ok {
			return s.answer(m, KindRefusal, &Refusal{Reason: why})
		}
		a, ok := s.Accounts[id0]
		if !ok {
			return s.answer(m, KindRefusal, &Refusal{Reason: "本机构无该人员的职工养老保险参保记录"})
		}
		return s.answer(m, KindFundsNotice, &FundsNotice{On: today, Balance: a.Balance, Pooled: a.Pooled, Months: a.Months})
	case *CertificationRequest:
		if d, ok := s.Deceased[id0]; ok {
			return s.answer(m, KindCertificationResult, &CertificationResult{Outcome: NotCertified, Date: today,
				Reason: fmt.Sprintf("经核查，该人员已于 %s 死亡", d)})
		}
		return s.answer(m, KindCertificationResult, &CertificationResult{Outcome: Certified, Date: today, Method: "face"})
	case *RecordRequest:
		a := s.Accounts[id0]
		return s.answer(m, KindRecord, &Record{Record: p.Record, IssuedOn: today, Months: a.Months, Balance: a.Balance, From: a.From, To: a.To})
	}
	return nil
}

// answer queues an answer of kind to m. The caller holds mu.
func (s *Simulated) answer(m *Message, kind Kind, payload any) error {
	a, err := NewMessage(kind, s.Party, m.Sender, m.Person, m.ID, s.clock.Now(), payload)
	if err != nil {
		return err
	}
	doc, err := a.Encode()
	if err != nil {
		return err
	}
	s.inbox = append(s.inbox, Delivery{Name: a.ID + ".json", Data: doc})
	return nil
}

// Deliver puts a document into the inbox as if the counterpart had sent
// it (a test's duplicate or malformed message).
func (s *Simulated) Deliver(doc []byte, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inbox = append(s.inbox, Delivery{Name: name, Data: doc})
}

// Receive implements Platform.
func (s *Simulated) Receive(ctx context.Context, limit int) ([]Delivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := min(limit, len(s.inbox))
	return append([]Delivery(nil), s.inbox[:n]...), nil
}

// Done implements Platform: the delivery leaves the inbox.
func (s *Simulated) Done(ctx context.Context, d Delivery, refusal error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, x := range s.inbox {
		if x.Name == d.Name {
			s.inbox = append(s.inbox[:i], s.inbox[i+1:]...)
			break
		}
	}
	return nil
}
