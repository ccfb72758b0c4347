package crossprov_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/crossprov"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// beijing is the simulated counterpart: Beijing's municipal agency.
var beijing = crossprov.Party{Province: "110000", Prefecture: "110100", Agency: "11010001"}

// fixture is a store with the services, a caseworker and an approver of
// Changji City, and the simulated Beijing agency.
type fixture struct {
	db  *sqlstore.DB
	a   *app.App
	clk *clock.Settable // the clock of the store and the services
	sim *crossprov.Simulated
	cw  context.Context // caseworker of 652301, user 2
	ap  context.Context // approver of the prefecture, user 3
	adm context.Context // administrator, user 1
}

func newFixture(t *testing.T, open func(testing.TB) *sqlstore.DB) *fixture {
	t.Helper()
	db := open(t)
	a, clk := sqlstoretest.NewApp(t, db, app.Options{})
	bg := context.Background()
	return &fixture{db: db, a: a, clk: clk, sim: crossprov.NewSimulated(beijing, a.Clock),
		cw:  auth.WithPrincipal(bg, auth.Principal{UserID: 2, Username: "cw", Role: auth.RoleCaseworker, Scope: "652301"}),
		ap:  auth.WithPrincipal(bg, auth.Principal{UserID: 3, Username: "ap", Role: auth.RoleApprover, Scope: region.Changji}),
		adm: sqlstoretest.Admin()}
}

// person registers the seq-th person of a village of Changji City.
func (f *fixture) person(t *testing.T, seq int) *registry.Person {
	t.Helper()
	p := sqlstoretest.NewPerson(t, sqlstoretest.Village(t, "652301", 3), seq)
	if err := f.a.Registry.CreatePerson(f.adm, p); err != nil {
		t.Fatalf("create person: %v", err)
	}
	return p
}

// request reads a request as the administrator.
func (f *fixture) request(t *testing.T, id int64) *crossprov.Request {
	t.Helper()
	r, err := f.a.CrossProvince.Request(f.adm, id)
	if err != nil {
		t.Fatalf("request %d: %v", id, err)
	}
	return r
}

// count counts rows of a table.
func (f *fixture) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := f.db.QueryRowRaw(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTransferOutRoundTrip: a transfer out debits the account and sends
// its voucher; the counterpart acknowledges it and confirms the funds;
// the request is completed and the account stays as the transfer left it.
func TestTransferOutRoundTrip(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		p := f.person(t, 11)
		today := f.a.Clock.Today()
		if _, err := f.a.Accounts.TransferIn(f.adm, p.ID, insurance.TransferInRequest{FromRegion: "440300", On: today, Balance: 120000, Pooled: 30000, Months: 36}); err != nil {
			t.Fatalf("seed the account: %v", err)
		}
		xp := f.a.CrossProvince
		r, err := xp.Start(f.cw, crossprov.StartRequest{Kind: crossprov.TransferOut, PersonID: p.ID, Counterpart: beijing})
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		if r.Status != crossprov.StatusDrafted || r.Balance != 120000 || !strings.HasPrefix(r.RecordRef, "transfer:") {
			t.Errorf("started request = %+v", r)
		}
		if bal, _ := f.a.Accounts.AccountBalance(f.adm, p.ID, insurance.EmployeePension, 0); bal != 0 {
			t.Errorf("balance after the transfer out = %s, want 0", bal)
		}
		if sum, err := xp.Dispatch(context.Background(), f.sim); err != nil || sum.Sent != 1 {
			t.Fatalf("Dispatch = %+v, %v", sum, err)
		}
		if got := f.request(t, r.ID).Status; got != crossprov.StatusSent {
			t.Errorf("after dispatch: %s, want sent", got)
		}
		m, err := crossprov.Decode(f.sim.Sent[0])
		if err != nil || m.Kind != crossprov.KindTransferOut || m.Person.IDNumber != p.IDNumber || m.ID != r.MessageID {
			t.Fatalf("sent message = %+v, %v", m, err)
		}
		// The ack alone first: acknowledged.
		ds, _ := f.sim.Receive(context.Background(), 1)
		if c, err := xp.Process(context.Background(), ds[0].Data); err != nil || c != crossprov.Claimed {
			t.Fatalf("Process ack = %s, %v", c, err)
		}
		f.sim.Done(context.Background(), ds[0], nil)
		if got := f.request(t, r.ID).Status; got != crossprov.StatusAcknowledged {
			t.Errorf("after the ack: %s, want acknowledged", got)
		}
		if sum, err := xp.Receive(context.Background(), f.sim); err != nil || sum.Processed != 1 {
			t.Fatalf("Receive = %+v, %v", sum, err)
		}
		got := f.request(t, r.ID)
		if got.Status != crossprov.StatusCompleted || got.Status.Text(got.Kind) == "" {
			t.Errorf("after the funds notice: %+v, want completed", got)
		}
		tr, err := xp.TransferOf(f.adm, got)
		if err != nil || tr == nil || tr.Direction != insurance.TransferOutward || tr.Balance != 120000 || tr.OtherRegion != "110100" {
			t.Errorf("transfer of the request = %+v, %v", tr, err)
		}
		if bal, _ := f.a.Accounts.AccountBalance(f.adm, p.ID, insurance.EmployeePension, 0); bal != 0 {
			t.Errorf("balance after completion = %s, want 0", bal)
		}
		acts := sqlstoretest.AuditActions(t, f.db)
		for _, a := range []string{"crossprov.request", "crossprov.sent", "crossprov.acknowledged", "crossprov.completed", "account.transfer_out"} {
			if acts[a] != 1 {
				t.Errorf("audit %s = %d, want 1", a, acts[a])
			}
		}
	})
}

// TestTransferInSecondUser: a 联系函 to the counterpart brings back a
// funds notice above limits.transfer_in.review_above: the transfer-in is
// recorded pending in the name of the user who asked, who may not decide
// it; a second user approves it and the account is credited.
func TestTransferInSecondUser(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		p := f.person(t, 12)
		f.sim.Accounts[p.IDNumber] = crossprov.RemoteAccount{Balance: 9_000_000, Pooled: 1_000_001, Months: 120}
		xp := f.a.CrossProvince
		// The administrator asks: it may approve, but not its own.
		r, err := xp.Start(f.adm, crossprov.StartRequest{Kind: crossprov.TransferIn, PersonID: p.ID, Counterpart: beijing})
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		if err := xp.Exchange(context.Background(), f.sim, 5); err != nil {
			t.Fatalf("Exchange: %v", err)
		}
		got := f.request(t, r.ID)
		if got.Status != crossprov.StatusAnswered || got.Balance != 9_000_000 || got.Months != 120 {
			t.Fatalf("request after the funds notice = %+v, want answered", got)
		}
		tr, err := xp.TransferOf(f.adm, got)
		if err != nil || tr.Status != insurance.TransferPending || tr.CreatedBy != 1 {
			t.Fatalf("transfer = %+v, %v; want pending, by user 1", tr, err)
		}
		if bal, _ := f.a.Accounts.AccountBalance(f.adm, p.ID, insurance.EmployeePension, 0); bal != 0 {
			t.Errorf("balance while pending = %s, want 0", bal)
		}
		// The administrator has no decision.approve; an approver who is
		// also user 1 is the maker.
		maker := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 1, Username: "admin", Role: auth.RoleApprover, Scope: region.Changji})
		if _, err := f.a.Accounts.DecideTransfer(maker, tr.ID, true, ""); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("the maker's decision: %v, want Forbidden", err)
		}
		if _, err := f.a.Accounts.DecideTransfer(f.ap, tr.ID, true, ""); err != nil {
			t.Fatalf("the second user's decision: %v", err)
		}
		if bal, _ := f.a.Accounts.AccountBalance(f.adm, p.ID, insurance.EmployeePension, 0); bal != 9_000_000 {
			t.Errorf("balance after approval = %s, want 90,000.00", bal)
		}
		if got := f.request(t, r.ID); got.Status.Text(got.Kind) == "" {
			t.Errorf("no status text")
		}
	})
}

// TestRemoteCertification: a pensioner living in Beijing is certified
// there; one the counterpart knows dead is refused with the reason.
func TestRemoteCertification(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		alive, dead := f.person(t, 13), f.person(t, 14)
		f.sim.Deceased[dead.IDNumber] = f.a.Clock.Today().AddDays(-40)
		xp := f.a.CrossProvince
		var ids []int64
		for _, p := range []*registry.Person{alive, dead} {
			r, err := xp.Start(f.cw, crossprov.StartRequest{Kind: crossprov.Certification, PersonID: p.ID, Counterpart: beijing, LivingIn: "北京市朝阳区"})
			if err != nil {
				t.Fatalf("Start: %v", err)
			}
			ids = append(ids, r.ID)
		}
		if err := xp.Exchange(context.Background(), f.sim, 5); err != nil {
			t.Fatalf("Exchange: %v", err)
		}
		ok, no := f.request(t, ids[0]), f.request(t, ids[1])
		if ok.Status != crossprov.StatusCompleted || !strings.HasPrefix(ok.RecordRef, "certification:") {
			t.Errorf("certified request = %+v", ok)
		}
		if no.Status != crossprov.StatusRefused || !strings.Contains(no.Reason, "死亡") {
			t.Errorf("refused request = %+v", no)
		}
		var n int
		if err := f.db.QueryRowRaw(context.Background(), fmt.Sprintf("SELECT COUNT(*) FROM certifications WHERE person_id = %d", alive.ID)).Scan(&n); err != nil || n != 1 {
			t.Errorf("certifications of the pensioner = %d, %v; want 1", n, err)
		}
	})
}

// TestMessageProcessedOnce: an answer delivered twice is processed once,
// and so is one two receivers take at the same moment.
func TestMessageProcessedOnce(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		xp := f.a.CrossProvince
		var docs [][]byte
		for seq := 15; seq <= 16; seq++ {
			p := f.person(t, seq)
			if _, err := xp.Start(f.cw, crossprov.StartRequest{Kind: crossprov.RecordReq, PersonID: p.ID, Counterpart: beijing, Record: crossprov.RecordCertificate}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := xp.Dispatch(context.Background(), f.sim); err != nil {
			t.Fatal(err)
		}
		ds, _ := f.sim.Receive(context.Background(), 10)
		for _, d := range ds {
			docs = append(docs, d.Data)
		}
		if len(docs) != 4 {
			t.Fatalf("answers = %d, want an ack and a record for each", len(docs))
		}
		// Delivered twice, one after the other.
		for i, want := range []crossprov.Claim{crossprov.Claimed, crossprov.Processed} {
			if c, err := xp.Process(context.Background(), docs[0]); err != nil || c != want {
				t.Errorf("delivery %d = %s, %v; want %s", i+1, c, err, want)
			}
		}
		// Two receivers at once, each message.
		for _, doc := range docs[1:] {
			var wg sync.WaitGroup
			got := make([]crossprov.Claim, 2)
			for i := range got {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c, err := xp.Process(context.Background(), doc)
					if err != nil {
						t.Errorf("concurrent Process: %v", err)
					}
					got[i] = c
				}()
			}
			wg.Wait()
			if n := countClaim(got, crossprov.Claimed); n != 1 {
				t.Errorf("concurrent claims = %v, want exactly one claimed", got)
			}
		}
		acts := sqlstoretest.AuditActions(t, f.db)
		if acts["crossprov.completed"] != 2 {
			t.Errorf("completed events = %d, want 2", acts["crossprov.completed"])
		}
		rs, err := xp.Requests(f.adm, crossprov.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.Status != crossprov.StatusCompleted || len(r.Answer) == 0 {
				t.Errorf("request %d = %s, answer %s; want completed with the record", r.ID, r.Status, r.Answer)
			}
		}
	})
}

func countClaim(cs []crossprov.Claim, c crossprov.Claim) int {
	n := 0
	for _, x := range cs {
		if x == c {
			n++
		}
	}
	return n
}

// TestMalformedMessageRefused: a message with a bad ID number, an amount
// in yuan and an unknown field is refused naming each field, and nothing
// is written.
func TestMalformedMessageRefused(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		before := sqlstoretest.AuditCount(t, f.db)
		doc := fmt.Sprintf(`{"version":"crossprov/1","id":"abcdef0123456789","kind":"transfer_funds_notice",
			"sender":{"province":"110000","prefecture":"110100","agency":"11010001"},
			"receiver":{"province":"650000","prefecture":"652300","agency":"65230001"},
			"person":{"id_number":"652301198003051234","name":"张三"},"sent_at":"2026-11-22T02:00:00Z",
			"correlation_id":"0123456789abcdef","payload":{"on":"2026-11-20","balance":1200.50,"pooled":0,"months":12,"bonus":1}}`)
		_, err := f.a.CrossProvince.Process(context.Background(), []byte(doc))
		fs := fault.FieldsOf(err)
		if fault.CodeOf(err) != fault.Invalid || fs["person.id_number"] == "" || fs["payload.balance"] == "" || fs["payload.bonus"] == "" {
			t.Errorf("Process = %v, fields %v; want person.id_number, payload.balance and payload.bonus named", err, fs)
		}
		if n := f.count(t, "crossprov_messages"); n != 0 {
			t.Errorf("messages recorded = %d, want 0", n)
		}
		if after := sqlstoretest.AuditCount(t, f.db); after != before {
			t.Errorf("audit events %d → %d, want none written", before, after)
		}
	})
}

// TestCrashedReceiverResumes: a receiver that applied a funds notice (the
// transfer-in is recorded) and died before marking the message processed
// holds it until its lease ends; a delivery meanwhile waits (busy); then
// another receiver takes it over, finds the transfer the first one made
// and completes the request without a second transfer.
func TestCrashedReceiverResumes(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		p := f.person(t, 17)
		f.sim.Accounts[p.IDNumber] = crossprov.RemoteAccount{Balance: 300000, Pooled: 100000, Months: 60}
		xp := f.a.CrossProvince
		r, err := xp.Start(f.cw, crossprov.StartRequest{Kind: crossprov.TransferIn, PersonID: p.ID, Counterpart: beijing})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := xp.Dispatch(context.Background(), f.sim); err != nil {
			t.Fatal(err)
		}
		ds, _ := f.sim.Receive(context.Background(), 10)
		if len(ds) != 2 {
			t.Fatalf("answers = %d, want the ack and the funds notice", len(ds))
		}
		notice, err := crossprov.Decode(ds[1].Data)
		if err != nil || notice.Kind != crossprov.KindFundsNotice {
			t.Fatalf("second answer = %+v, %v", notice, err)
		}
		// The first receiver: claimed, applied, then gone.
		now := f.a.Clock.Now()
		if c, err := f.db.ClaimInbound(context.Background(), crossprov.InMessage{ID: notice.ID, Kind: notice.Kind, CorrelationID: notice.CorrelationID, Doc: ds[1].Data},
			now, now.Add(5*time.Minute)); err != nil || c != crossprov.Claimed {
			t.Fatalf("claim = %s, %v", c, err)
		}
		v, _ := notice.Decoded()
		fn := v.(*crossprov.FundsNotice)
		if _, err := f.a.Accounts.TransferIn(f.cw, p.ID, insurance.TransferInRequest{FromRegion: beijing.Prefecture, On: fn.On, Balance: fn.Balance, Pooled: fn.Pooled, Months: fn.Months}); err != nil {
			t.Fatalf("the first receiver's transfer-in: %v", err)
		}
		if c, err := xp.Process(context.Background(), ds[1].Data); err != nil || c != crossprov.Busy {
			t.Errorf("while the lease runs: %s, %v; want busy", c, err)
		}
		f.clk.Set(func() time.Time { return now.Add(6 * time.Minute) })
		if c, err := xp.Process(context.Background(), ds[1].Data); err != nil || c != crossprov.Claimed {
			t.Fatalf("after the lease: %s, %v; want claimed", c, err)
		}
		got := f.request(t, r.ID)
		if got.Status != crossprov.StatusCompleted || got.Balance != 300000 {
			t.Errorf("request = %+v, want completed", got)
		}
		ts, err := f.db.Transfers(context.Background(), p.ID)
		if err != nil || len(ts) != 1 || got.RecordRef != insurance.TransferRef(ts[0].ID) {
			t.Errorf("transfers = %+v, %v; want the one the first receiver made, linked", ts, err)
		}
		if bal, _ := f.a.Accounts.AccountBalance(f.adm, p.ID, insurance.EmployeePension, 0); bal != 300000 {
			t.Errorf("balance = %s, want 3,000.00 credited once", bal)
		}
	})
}

// TestIncomingRecordRequest: another province asks for the record of a
// person of this registry: it is answered with the employee account as it
// stands and recorded as an incoming request, completed, which the
// person's list shows; a person unknown here, or a name that does not
// match, is refused and records no request.
func TestIncomingRecordRequest(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		p := f.person(t, 18)
		today := f.a.Clock.Today()
		if _, err := f.a.Accounts.TransferIn(f.adm, p.ID, insurance.TransferInRequest{FromRegion: "440300", On: today, Balance: 250000, Pooled: 0, Months: 48}); err != nil {
			t.Fatal(err)
		}
		xp := f.a.CrossProvince
		ask := func(id crossprov.Person) []byte {
			m, err := crossprov.NewMessage(crossprov.KindRecordRequest, beijing, xp.Self(), id, "", f.a.Clock.Now(), &crossprov.RecordRequest{Record: crossprov.RecordRights})
			if err != nil {
				t.Fatal(err)
			}
			doc, _ := m.Encode()
			return doc
		}
		stranger := sqlstoretest.NewPerson(t, sqlstoretest.Village(t, "652301", 3), 19)
		for _, who := range []crossprov.Person{{IDNumber: p.IDNumber, Name: p.Name}, {IDNumber: p.IDNumber, Name: "李四"}, {IDNumber: stranger.IDNumber, Name: stranger.Name}} {
			if c, err := xp.Process(context.Background(), ask(who)); err != nil || c != crossprov.Claimed {
				t.Fatalf("Process = %s, %v", c, err)
			}
		}
		rs, err := xp.Requests(f.adm, crossprov.Filter{PersonID: p.ID})
		if err != nil || len(rs) != 1 {
			t.Fatalf("the person's requests = %+v, %v; want the one answered", rs, err)
		}
		if r := rs[0]; r.Direction != crossprov.Incoming || r.Status != crossprov.StatusCompleted || r.Balance != 250000 || r.Months != 48 || r.Counterpart != beijing {
			t.Errorf("incoming request = %+v", r)
		}
		if sum, err := xp.Dispatch(context.Background(), f.sim); err != nil || sum.Sent != 3 {
			t.Fatalf("Dispatch = %+v, %v; want the record and two refusals", sum, err)
		}
		kinds := map[crossprov.Kind]int{}
		for _, doc := range f.sim.Sent {
			m, err := crossprov.Decode(doc)
			if err != nil {
				t.Fatal(err)
			}
			kinds[m.Kind]++
			if m.Kind == crossprov.KindRecord {
				v, _ := m.Decoded()
				if rec := v.(*crossprov.Record); rec.Balance != 250000 || rec.Months != 48 || rec.Record != crossprov.RecordRights {
					t.Errorf("record sent = %+v", rec)
				}
			}
		}
		if kinds[crossprov.KindRecord] != 1 || kinds[crossprov.KindRefusal] != 2 {
			t.Errorf("answers sent = %v, want a record and two refusals", kinds)
		}
	})
}

// TestTransferOutStartedAgain: a transfer out recorded without its
// request (the request's transaction failed after the transfer's) is
// found and sent when the request is started again; one with its request
// is not taken twice.
func TestTransferOutStartedAgain(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		p := f.person(t, 20)
		today := f.a.Clock.Today()
		if _, err := f.a.Accounts.TransferIn(f.adm, p.ID, insurance.TransferInRequest{FromRegion: "440300", On: today, Balance: 80000, Pooled: 0, Months: 12}); err != nil {
			t.Fatal(err)
		}
		orphan, err := f.a.Accounts.TransferOut(f.cw, p.ID, beijing.Prefecture, today)
		if err != nil {
			t.Fatal(err)
		}
		xp := f.a.CrossProvince
		r, err := xp.Start(f.cw, crossprov.StartRequest{Kind: crossprov.TransferOut, PersonID: p.ID, Counterpart: beijing})
		if err != nil || r.RecordRef != insurance.TransferRef(orphan.ID) || r.Balance != 80000 {
			t.Fatalf("Start again = %+v, %v; want the orphan transfer %d sent", r, err, orphan.ID)
		}
		if _, err := xp.Start(f.cw, crossprov.StartRequest{Kind: crossprov.TransferOut, PersonID: p.ID, Counterpart: beijing}); fault.CodeOf(err) != fault.Invalid && fault.CodeOf(err) != fault.Conflict {
			t.Errorf("a third start = %v, want refused", err)
		}
	})
}
