package execute_test

import (
	"context"
	"strings"
	"testing"

	"safetynet/internal/app"
	"safetynet/internal/auth"
	"safetynet/internal/crossprov"
	"safetynet/internal/fault"
	"safetynet/internal/frontoffice/execute"
	"safetynet/internal/insurance"
	"safetynet/internal/matters"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// beijingForm names Beijing's municipal agency, the simulated
// counterpart.
const beijingForm = `{"counterpart_province":"110000","counterpart_prefecture":"110100","counterpart_agency":"11010001"}`

// transferFixture is a store with the services, a caseworker of Changji
// City (the reviewer whose principal runs the executors) and the
// simulated Beijing agency.
type transferFixture struct {
	a   *app.App
	cw  context.Context
	sim *crossprov.Simulated
}

func newTransferFixture(t *testing.T, open func(testing.TB) *sqlstore.DB) *transferFixture {
	t.Helper()
	db := open(t)
	a, _ := sqlstoretest.NewApp(t, db, app.Options{})
	return &transferFixture{a: a,
		cw:  auth.WithPrincipal(context.Background(), auth.Principal{UserID: 2, Username: "cw", Role: auth.RoleCaseworker, Scope: "652301"}),
		sim: crossprov.NewSimulated(crossprov.Party{Province: "110000", Prefecture: "110100", Agency: "11010001"}, a.Clock)}
}

func (f *transferFixture) person(t *testing.T, seq int) *registry.Person {
	t.Helper()
	p := sqlstoretest.NewPerson(t, sqlstoretest.Village(t, "652301", 3), seq)
	if err := f.a.Registry.CreatePerson(sqlstoretest.Admin(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *transferFixture) executor(t *testing.T, action string) execute.Executor {
	t.Helper()
	e, ok := f.a.Executors.For(action)
	if !ok {
		t.Fatalf("no executor for %s", action)
	}
	return e
}

// TestTransferOutExecutor: the executor of a transfer out starts a
// cross-province request with the application's number, visible by it,
// and answers pending; run again (a crash) it finds that request instead
// of transferring twice; once Beijing confirms the funds through the
// adapter it answers finished, with the amounts in words.
func TestTransferOutExecutor(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newTransferFixture(t, open)
		p := f.person(t, 31)
		if _, err := f.a.Accounts.TransferIn(sqlstoretest.Admin(), p.ID, insurance.TransferInRequest{FromRegion: "440300", On: f.a.Clock.Today(), Balance: 123456, Pooled: 20000, Months: 30}); err != nil {
			t.Fatal(err)
		}
		e := f.executor(t, "insurance.account.transfer_out")
		m := matters.Matter{ID: "pension_transfer_out", Action: "insurance.account.transfer_out"}
		req := execute.Request{ApplicationNo: "SN65230120261208001", Matter: m, Person: p.ID, Form: []byte(beijingForm)}
		if err := e.Check(f.cw, req); err != nil {
			t.Fatalf("Check: %v", err)
		}
		bad := req
		bad.Form = []byte(`{"counterpart_province":"650000","counterpart_agency":""}`)
		err := e.Check(f.cw, bad)
		if fs := fault.FieldsOf(err); fault.CodeOf(err) != fault.Invalid || fs["form.counterpart_province"] == "" || fs["form.counterpart_agency"] == "" {
			t.Errorf("Check of a transfer within the province = %v, want both fields named", err)
		}
		res, err := e.Execute(f.cw, req)
		if err != nil || !res.Pending || !strings.HasPrefix(res.Ref, "crossprov_request:") || !strings.Contains(res.Summary, "1,234.56 元") {
			t.Fatalf("Execute = %+v, %v; want pending with the request", res, err)
		}
		again, err := e.Execute(f.cw, req)
		if err != nil || again.Ref != res.Ref || !again.Pending {
			t.Fatalf("Execute again = %+v, %v; want the same request", again, err)
		}
		rs, err := f.a.CrossProvince.Requests(f.cw, crossprov.Filter{ApplicationNo: req.ApplicationNo})
		if err != nil || len(rs) != 1 || rs[0].ApplicationNo != req.ApplicationNo || rs[0].Kind != crossprov.TransferOut {
			t.Fatalf("requests of the application = %+v, %v", rs, err)
		}
		if bal, _ := f.a.Accounts.AccountBalance(f.cw, p.ID, insurance.EmployeePension, 0); bal != 0 {
			t.Errorf("balance after the transfer out = %s, want 0", bal)
		}
		if err := f.a.CrossProvince.Exchange(context.Background(), f.sim, 5); err != nil {
			t.Fatal(err)
		}
		done, err := e.Execute(f.cw, req)
		if err != nil || done.Pending || done.Ref != res.Ref || !strings.Contains(done.Summary, "对方已确认到账") {
			t.Fatalf("Execute after the answer = %+v, %v; want finished", done, err)
		}
	})
}

// TestTransferInExecutor: a transfer in sends the 联系函 and finishes
// when Beijing's funds are credited; one Beijing refuses is an error
// saying why.
func TestTransferInExecutor(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newTransferFixture(t, open)
		p, q := f.person(t, 32), f.person(t, 33)
		f.sim.Accounts[p.IDNumber] = crossprov.RemoteAccount{Balance: 50000, Pooled: 10000, Months: 24}
		f.sim.Refuse[q.IDNumber] = "该人员在本地仍在参保缴费，不能转出"
		e := f.executor(t, "insurance.account.transfer_in")
		m := matters.Matter{ID: "pension_transfer_in", Action: "insurance.account.transfer_in"}
		reqP := execute.Request{ApplicationNo: "SN65230120261208002", Matter: m, Person: p.ID, Form: []byte(beijingForm)}
		reqQ := execute.Request{ApplicationNo: "SN65230120261208003", Matter: m, Person: q.ID, Form: []byte(beijingForm)}
		for _, req := range []execute.Request{reqP, reqQ} {
			if res, err := e.Execute(f.cw, req); err != nil || !res.Pending {
				t.Fatalf("Execute %s = %+v, %v", req.ApplicationNo, res, err)
			}
		}
		if err := f.a.CrossProvince.Exchange(context.Background(), f.sim, 5); err != nil {
			t.Fatal(err)
		}
		done, err := e.Execute(f.cw, reqP)
		if err != nil || done.Pending || !strings.Contains(done.Summary, "500.00 元") {
			t.Fatalf("Execute after the funds = %+v, %v", done, err)
		}
		if bal, _ := f.a.Accounts.AccountBalance(f.cw, p.ID, insurance.EmployeePension, 0); bal != 50000 {
			t.Errorf("balance = %s, want 500.00", bal)
		}
		_, err = e.Execute(f.cw, reqQ)
		if err == nil || !strings.Contains(err.Error(), "不能转出") {
			t.Errorf("Execute of the refused = %v, want the reason", err)
		}
	})
}
