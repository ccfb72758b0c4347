package crossprov_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/crossprov"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// incoming builds a request of kind from Beijing about who.
func (f *fixture) incoming(t *testing.T, kind crossprov.Kind, who crossprov.Person, payload any) []byte {
	t.Helper()
	m, err := crossprov.NewMessage(kind, beijing, f.a.CrossProvince.Self(), who, "", f.a.Clock.Now(), payload)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// sentKinds decodes what the simulated agency received.
func (f *fixture) sentKinds(t *testing.T) []*crossprov.Message {
	t.Helper()
	var out []*crossprov.Message
	for _, doc := range f.sim.Sent {
		m, err := crossprov.Decode(doc)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// fukang is a caseworker of another county (Fukang, 652302).
func fukang() context.Context {
	return auth.WithPrincipal(context.Background(), auth.Principal{UserID: 4, Username: "cw.fukang", Role: auth.RoleCaseworker, Scope: "652302"})
}

// TestIncomingContactLetterAccepted: Beijing's 联系函 for a person
// insured here becomes a task to handle in the person's county, in the
// transaction that processes the message; another county's caseworker
// neither sees nor handles it; two accepts at once transfer the pension
// out and send the 参保缴费凭证 once; Beijing's confirmation of the funds
// completes the request that follows the voucher.
func TestIncomingContactLetterAccepted(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		p := f.person(t, 21)
		today := f.a.Clock.Today()
		if _, err := f.a.Accounts.TransferIn(f.adm, p.ID, insurance.TransferInRequest{FromRegion: "440300", On: today, Balance: 180000, Pooled: 40000, Months: 40}); err != nil {
			t.Fatalf("seed the account: %v", err)
		}
		xp := f.a.CrossProvince
		doc := f.incoming(t, crossprov.KindTransferContact, crossprov.Person{IDNumber: p.IDNumber, Name: p.Name}, &crossprov.TransferContact{AppliedOn: today})
		if c, err := xp.Process(context.Background(), doc); err != nil || c != crossprov.Claimed {
			t.Fatalf("Process = %s, %v", c, err)
		}
		// Delivered again: processed once, one task.
		if c, err := xp.Process(context.Background(), doc); err != nil || c != crossprov.Processed {
			t.Fatalf("second delivery = %s, %v", c, err)
		}
		ts, err := xp.Tasks(f.cw, crossprov.TaskFilter{Status: crossprov.ToHandle})
		if err != nil || len(ts) != 1 {
			t.Fatalf("tasks = %+v, %v; want one to handle", ts, err)
		}
		task := ts[0]
		if task.Kind != crossprov.TransferOut || task.PersonID != p.ID || task.RegionCode != p.RegionCode || task.Counterpart != beijing || task.Status != crossprov.ToHandle {
			t.Errorf("task = %+v", task)
		}
		if n, err := xp.CountTasksToHandle(f.cw); err != nil || n != 1 {
			t.Errorf("count to handle = %d, %v; want 1", n, err)
		}
		// Another county: nothing to see, and the task is missing.
		other := fukang()
		if ts, err := xp.Tasks(other, crossprov.TaskFilter{}); err != nil || len(ts) != 0 {
			t.Errorf("Fukang's tasks = %+v, %v; want none", ts, err)
		}
		if n, _ := xp.CountTasksToHandle(other); n != 0 {
			t.Errorf("Fukang's count = %d, want 0", n)
		}
		if _, err := xp.Task(other, task.ID); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("Fukang reads the task: %v, want NotFound", err)
		}
		if _, err := xp.AcceptTask(other, task.ID, crossprov.AcceptTask{}); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("Fukang accepts the task: %v, want NotFound", err)
		}
		// Two accepts at once: one does it, the other is told.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = xp.AcceptTask(f.cw, task.ID, crossprov.AcceptTask{})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch fault.CodeOf(err) {
			case "":
				ok++
			case fault.Conflict:
			default:
				t.Errorf("concurrent accept: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("accepts that succeeded = %d (%v), want 1", ok, errs)
		}
		if _, err := xp.AcceptTask(f.cw, task.ID, crossprov.AcceptTask{}); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("accepting a handled task: %v, want Conflict", err)
		}
		got, err := xp.Task(f.cw, task.ID)
		if err != nil || got.Status != crossprov.Accepted || got.HandledBy != 2 || got.ReplyID == "" || got.On != today {
			t.Fatalf("accepted task = %+v, %v", got, err)
		}
		if bal, _ := f.a.Accounts.AccountBalance(f.adm, p.ID, insurance.EmployeePension, 0); bal != 0 {
			t.Errorf("balance after the transfer out = %s, want 0", bal)
		}
		if err := xp.Exchange(context.Background(), f.sim, 5); err != nil {
			t.Fatalf("Exchange: %v", err)
		}
		sent := f.sentKinds(t)
		if len(sent) != 1 || sent[0].Kind != crossprov.KindTransferOut || sent[0].CorrelationID != task.MessageID || sent[0].ID != got.ReplyID {
			t.Fatalf("sent = %+v; want one voucher answering the 联系函", sent)
		}
		v, _ := sent[0].Decoded()
		if vo := v.(*crossprov.TransferVoucher); vo.Balance != 180000 {
			t.Errorf("voucher = %+v, want the balance 1800.00", vo)
		}
		rs, err := xp.Requests(f.adm, crossprov.Filter{PersonID: p.ID})
		if err != nil || len(rs) != 1 {
			t.Fatalf("the person's requests = %+v, %v", rs, err)
		}
		if r := rs[0]; r.Direction != crossprov.Incoming || r.Kind != crossprov.TransferOut || r.Status != crossprov.StatusCompleted || r.Balance != 180000 || r.RecordRef != got.RecordRef {
			t.Errorf("the voucher's request = %+v (task record %s), want completed", r, got.RecordRef)
		}
		acts := sqlstoretest.AuditActions(t, f.db)
		for a, want := range map[string]int{"crossprov.incoming": 1, "crossprov.incoming_accepted": 1, "account.transfer_out": 1, "crossprov.completed": 1} {
			if acts[a] != want {
				t.Errorf("audit %s = %d, want %d", a, acts[a], want)
			}
		}
	})
}

// TestIncomingCertificationRefused: a certification request becomes a
// task; a refusal needs a reason and sends it to the sender once; a
// certification accepted records its date and method and answers
// certified; a person unknown here is refused at once, with no task.
func TestIncomingCertificationRefused(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		xp := f.a.CrossProvince
		p, q := f.person(t, 22), f.person(t, 23)
		stranger := sqlstoretest.NewPerson(t, sqlstoretest.Village(t, "652301", 3), 24)
		for _, who := range []*registry.Person{p, q, stranger} {
			doc := f.incoming(t, crossprov.KindCertificationRequest, crossprov.Person{IDNumber: who.IDNumber, Name: who.Name}, &crossprov.CertificationRequest{LivingIn: "昌吉市宁边路街道"})
			if c, err := xp.Process(context.Background(), doc); err != nil || c != crossprov.Claimed {
				t.Fatalf("Process = %s, %v", c, err)
			}
		}
		ts, err := xp.Tasks(f.cw, crossprov.TaskFilter{})
		if err != nil || len(ts) != 2 {
			t.Fatalf("tasks = %+v, %v; want two (the stranger refused at once)", ts, err)
		}
		if _, err := xp.RefuseTask(f.cw, ts[0].ID, "  "); fault.CodeOf(err) != fault.Invalid || fault.FieldsOf(err)["reason"] == "" {
			t.Errorf("refusal without a reason: %v, want Invalid naming reason", err)
		}
		if _, err := xp.RefuseTask(fukang(), ts[0].ID, "不在本县"); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("Fukang refuses: %v, want NotFound", err)
		}
		const why = "经入户核查，该人员已长期不在本地居住"
		got, err := xp.RefuseTask(f.cw, ts[0].ID, why)
		if err != nil || got.Status != crossprov.Declined || got.Reason != why {
			t.Fatalf("RefuseTask = %+v, %v", got, err)
		}
		if _, err := xp.RefuseTask(f.cw, ts[0].ID, why); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("refused twice: %v, want Conflict", err)
		}
		if _, err := xp.AcceptTask(f.cw, ts[1].ID, crossprov.AcceptTask{Method: "telepathy"}); fault.CodeOf(err) != fault.Invalid || fault.FieldsOf(err)["method"] == "" {
			t.Errorf("accept with a bad method: %v, want Invalid naming method", err)
		}
		acc, err := xp.AcceptTask(f.cw, ts[1].ID, crossprov.AcceptTask{Method: "visit"})
		if err != nil || acc.Status != crossprov.Accepted || acc.Method != "visit" || acc.On != f.a.Clock.Today() {
			t.Fatalf("AcceptTask = %+v, %v", acc, err)
		}
		if _, err := xp.Dispatch(context.Background(), f.sim); err != nil {
			t.Fatal(err)
		}
		byKind := map[crossprov.Kind][]*crossprov.Message{}
		for _, m := range f.sentKinds(t) {
			byKind[m.Kind] = append(byKind[m.Kind], m)
		}
		if len(byKind[crossprov.KindRefusal]) != 2 || len(byKind[crossprov.KindCertificationResult]) != 1 {
			t.Fatalf("sent = %v; want two refusals (the caseworker's, the stranger's) and one result", byKind)
		}
		reasons := map[string]bool{}
		for _, m := range byKind[crossprov.KindRefusal] {
			v, _ := m.Decoded()
			reasons[v.(*crossprov.Refusal).Reason] = true
		}
		if !reasons[why] || !reasons["本机构无该人员的登记记录"] {
			t.Errorf("refusal reasons = %v", reasons)
		}
		v, _ := byKind[crossprov.KindCertificationResult][0].Decoded()
		if res := v.(*crossprov.CertificationResult); res.Outcome != crossprov.Certified || res.Method != "visit" {
			t.Errorf("result = %+v", res)
		}
		if rs, _ := xp.Requests(f.adm, crossprov.Filter{PersonID: q.ID}); len(rs) != 1 || rs[0].Status != crossprov.StatusCompleted || rs[0].Kind != crossprov.Certification {
			t.Errorf("the certified person's requests = %+v", rs)
		}
	})
}

// TestIncomingAcceptRetried: an accept that crashed after the transfer
// out and before the task was marked leaves the transfer without its
// request; the accept retried (after the claim ran out, by another
// caseworker of the county) finds it and sends its voucher instead of
// refusing a second transfer of the emptied account.
func TestIncomingAcceptRetried(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		p := f.person(t, 25)
		today := f.a.Clock.Today()
		if _, err := f.a.Accounts.TransferIn(f.adm, p.ID, insurance.TransferInRequest{FromRegion: "440300", On: today, Balance: 90000, Pooled: 0, Months: 20}); err != nil {
			t.Fatal(err)
		}
		xp := f.a.CrossProvince
		doc := f.incoming(t, crossprov.KindTransferContact, crossprov.Person{IDNumber: p.IDNumber, Name: p.Name}, &crossprov.TransferContact{AppliedOn: today})
		if _, err := xp.Process(context.Background(), doc); err != nil {
			t.Fatal(err)
		}
		ts, err := xp.Tasks(f.cw, crossprov.TaskFilter{})
		if err != nil || len(ts) != 1 {
			t.Fatalf("tasks = %+v, %v", ts, err)
		}
		// The first accept's claim and its transfer, then the crash.
		if _, err := f.db.ClaimCrossTask(context.Background(), ts[0], 2, today, f.clk.Now(), f.clk.Now().Add(5*time.Minute)); err != nil {
			t.Fatal(err)
		}
		tr, err := f.a.Accounts.TransferOut(f.cw, p.ID, "110100", today)
		if err != nil {
			t.Fatal(err)
		}
		other := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 5, Username: "cw2", Role: auth.RoleCaseworker, Scope: "652301"})
		if _, err := xp.AcceptTask(other, ts[0].ID, crossprov.AcceptTask{}); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("accept under the first claim: %v, want Conflict", err)
		}
		later := f.clk.Now().Add(6 * time.Minute)
		f.clk.Set(func() time.Time { return later })
		got, err := xp.AcceptTask(other, ts[0].ID, crossprov.AcceptTask{})
		if err != nil || got.Status != crossprov.Accepted || got.RecordRef != insurance.TransferRef(tr.ID) || got.HandledBy != 5 {
			t.Fatalf("retried accept = %+v, %v; want the transfer %d", got, err, tr.ID)
		}
		acts := sqlstoretest.AuditActions(t, f.db)
		if acts["account.transfer_out"] != 1 {
			t.Errorf("transfers out = %d, want 1", acts["account.transfer_out"])
		}
	})
}
