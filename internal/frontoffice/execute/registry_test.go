package execute_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/frontoffice/execute"
	"safetynet/internal/ids"
	"safetynet/internal/matters"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// fixture is a store with the app's services and executors, the
// back-office caseworker who runs the actions and a second user who
// confirms what needs one.
type fixture struct {
	sqlstoretest.Registry
	// CW is the reviewing caseworker (the maker of the domain actions);
	// Checker a second user with decision.approve.
	CW, Checker context.Context
}

func newFixture(t *testing.T, open func(testing.TB) *sqlstore.DB) fixture {
	t.Helper()
	tb := sqlstoretest.NewRegistry(t, open)
	as := func(id int64, name string, role auth.Role) context.Context {
		return auth.WithPrincipal(context.Background(), auth.Principal{UserID: id, Username: name, Role: role, Scope: "652300"})
	}
	return fixture{Registry: tb, CW: as(7, "cw.review", auth.RoleCaseworker), Checker: as(8, "checker", auth.RoleApprover)}
}

// executor returns the executor of action.
func (f fixture) executor(t *testing.T, action string) execute.Executor {
	t.Helper()
	ex, ok := f.App.Executors.For(action)
	if !ok {
		t.Fatalf("no executor for %s", action)
	}
	return ex
}

// request is a request of application no for a matter of action with the
// matter's args and the form.
func request(no, action string, args map[string]string, form any) execute.Request {
	raw, err := json.Marshal(form)
	if err != nil {
		panic(err)
	}
	return execute.Request{ApplicationNo: no, Matter: matters.Matter{ID: "test", Action: action, Args: args}, Form: raw}
}

// twice checks req and executes it twice, wanting one effect: the same
// Ref and summary both times.
func (f fixture) twice(t *testing.T, action string, req execute.Request) execute.Result {
	t.Helper()
	return twice(t, f.App.Executors, f.CW, action, req)
}

// wantProblems checks req and wants an Invalid naming every key.
func (f fixture) wantProblems(t *testing.T, action string, req execute.Request, keys ...string) {
	t.Helper()
	wantProblems(t, f.App.Executors, f.CW, action, req, keys...)
}

// twice checks req and executes it twice in ctx, wanting one effect: the
// same Ref and summary both times.
func twice(t *testing.T, set *execute.Set, ctx context.Context, action string, req execute.Request) execute.Result {
	t.Helper()
	ex, ok := set.For(action)
	if !ok {
		t.Fatalf("no executor for %s", action)
	}
	if err := ex.Check(ctx, req); err != nil {
		t.Fatalf("%s: Check: %v", action, err)
	}
	first, err := ex.Execute(ctx, req)
	if err != nil {
		t.Fatalf("%s: Execute: %v", action, err)
	}
	again, err := ex.Execute(ctx, req)
	if err != nil {
		t.Fatalf("%s: Execute again: %v", action, err)
	}
	if again.Ref != first.Ref || again.Summary != first.Summary || again.Pending != first.Pending {
		t.Fatalf("%s: executed twice: %+v then %+v; want one effect, the same result", action, first, again)
	}
	if first.Summary == "" {
		t.Errorf("%s: no summary", action)
	}
	return first
}

// wantProblems checks req in ctx and wants an Invalid naming every key.
func wantProblems(t *testing.T, set *execute.Set, ctx context.Context, action string, req execute.Request, keys ...string) {
	t.Helper()
	ex, ok := set.For(action)
	if !ok {
		t.Fatalf("no executor for %s", action)
	}
	err := ex.Check(ctx, req)
	if fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("%s: Check = %v, want Invalid", action, err)
	}
	got := fault.FieldsOf(err)
	for _, k := range keys {
		if got[k] == "" {
			t.Errorf("%s: Check problems %v, want one for %s", action, got, k)
		}
	}
}

// id is the number of a Ref kind:id.
func id(t *testing.T, r execute.Result, kind string) int64 {
	t.Helper()
	k, n, ok := strings.Cut(r.Ref, ":")
	if !ok || k != kind {
		t.Fatalf("Ref %q, want %s:<id>", r.Ref, kind)
	}
	v, err := strconv.ParseInt(n, 10, 64)
	if err != nil {
		t.Fatalf("Ref %q: %v", r.Ref, err)
	}
	return v
}

// person registers a person of a Changji village, the seq-th.
func (f fixture) person(t *testing.T, seq int) *registry.Person {
	t.Helper()
	p := sqlstoretest.NewPerson(t, sqlstoretest.Village(t, "652301", 1), seq)
	if err := f.Svc.CreatePerson(f.Ctx, p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPersonRegisterAndChange(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		village := sqlstoretest.Village(t, "652301", 2)
		idn := sqlstoretest.ResidentID(t, "652301", 1975, time.June, 1, 41)
		form := map[string]any{"id_number": string(idn), "name": "王芳", "ethnicity": "hui", "hukou_type": "urban", "region_code": string(village)}
		r := f.twice(t, "registry.person.register", request("SN1", "registry.person.register", nil, form))
		p, err := f.Svc.Person(f.Ctx, registry.PersonID(id(t, r, "person")))
		if err != nil || p.Name != "王芳" || p.IDNumber != idn {
			t.Fatalf("registered %+v, %v", p, err)
		}
		f.wantProblems(t, "registry.person.register", request("SN2", "registry.person.register", nil,
			map[string]any{"id_number": "123", "ethnicity": "martian", "colour": "red"}),
			"form.name", "form.id_number", "form.ethnicity", "form.hukou_type", "form.region_code", "form.colour")

		// A detail is changed at once, once.
		req := request("SN3", "registry.person.change", nil, map[string]any{"phone": "13900001111"})
		req.Person = p.ID
		f.twice(t, "registry.person.change", req)
		if got, _ := f.Svc.Person(f.Ctx, p.ID); got.Phone != "13900001111" || got.Version != p.Version+1 {
			t.Errorf("after the change %+v, want the new phone at version %d", got, p.Version+1)
		}
		// A change of name waits for a second user.
		req = request("SN4", "registry.person.change", nil, map[string]any{"name": "王芳芳", "reason": "户口簿姓名变更页"})
		req.Person = p.ID
		r = f.twice(t, "registry.person.change", req)
		if !r.Pending {
			t.Fatalf("identity change %+v, want pending", r)
		}
		if _, err := f.Svc.DecideIdentityChange(f.Checker, registry.IdentityChangeID(id(t, r, "identity_change")), true, ""); err != nil {
			t.Fatal(err)
		}
		done, err := f.executor(t, "registry.person.change").Execute(f.CW, req)
		if err != nil || done.Pending || done.Ref != r.Ref {
			t.Fatalf("after the confirmation %+v, %v; want done, same ref", done, err)
		}
		if got, _ := f.Svc.Person(f.Ctx, p.ID); got.Name != "王芳芳" {
			t.Errorf("name after the confirmation %q", got.Name)
		}
		// A system process changes who a person is at once, once.
		req = request("SN4S", "registry.person.change", nil, map[string]any{"name": "王一芳", "reason": "公安户籍信息比对"})
		req.Person = p.ID
		if r := twice(t, f.App.Executors, f.App.System(context.Background(), "test"), "registry.person.change", req); r.Pending || r.Ref != "person:"+strconv.FormatInt(int64(p.ID), 10) {
			t.Errorf("identity change by the system %+v, want done on the person", r)
		}
		if got, _ := f.Svc.Person(f.Ctx, p.ID); got.Name != "王一芳" {
			t.Errorf("name after the system's change %q", got.Name)
		}
		bad := request("SN5", "registry.person.change", nil, map[string]any{"name": "王", "phone": "13900001111"})
		f.wantProblems(t, "registry.person.change", bad, "person_id", "form.phone", "form.reason")
	})
}

func TestDeathRecord(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		p := f.person(t, 51)
		form := map[string]any{"deceased_id_number": string(p.IDNumber), "death_date": "2026-11-02", "source": "family_report"}
		r := f.twice(t, "registry.death.record", request("SN1", "registry.death.record", nil, form))
		if got, _ := f.Svc.Person(f.Ctx, p.ID); got.Alive() || r.Ref != "person:"+strconv.FormatInt(int64(p.ID), 10) {
			t.Errorf("after the death record %+v, %+v", got, r)
		}
		f.wantProblems(t, "registry.death.record", request("SN2", "registry.death.record", nil, map[string]any{"source": "rumour"}),
			"form.deceased_id_number", "form.death_date", "form.source")
	})
}

func TestBankAccountAndPayeeAgentWaitForASecondUser(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		p := f.person(t, 61)
		req := request("SN1", "registry.bank_account.register", nil,
			map[string]any{"bank_code": "ICBC", "bank_name": "工商银行", "account_no": "6222020000001234", "account_name": p.Name, "primary": true})
		req.Person = p.ID
		r := f.twice(t, "registry.bank_account.register", req)
		if !r.Pending || strings.Contains(r.Summary, "6222020000001234") {
			t.Fatalf("account %+v, want pending, the number masked", r)
		}
		if _, err := f.Svc.DecideBankAccount(f.Checker, registry.BankAccountID(id(t, r, "bank_account")), true, ""); err != nil {
			t.Fatal(err)
		}
		if done, err := f.executor(t, "registry.bank_account.register").Execute(f.CW, req); err != nil || done.Pending || done.Ref != r.Ref {
			t.Fatalf("after the confirmation %+v, %v", done, err)
		}
		// An account the second user rejects refuses the application that
		// asked for it, with the checker's note.
		rej := request("SN2R", "registry.bank_account.register", nil,
			map[string]any{"bank_code": "ABC", "bank_name": "农业银行", "account_no": "6228480000005678", "account_name": p.Name})
		rej.Person = p.ID
		r = f.twice(t, "registry.bank_account.register", rej)
		if _, err := f.Svc.DecideBankAccount(f.Checker, registry.BankAccountID(id(t, r, "bank_account")), false, "账户名与身份证不符"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.executor(t, "registry.bank_account.register").Execute(f.CW, rej); fault.CodeOf(err) != fault.Conflict || !strings.Contains(err.Error(), "账户名与身份证不符") {
			t.Errorf("after the rejection: %v, want a conflict with the checker's note", err)
		}
		bad := request("SN2", "registry.bank_account.register", nil, map[string]any{"bank_code": "NOBANK"})
		f.wantProblems(t, "registry.bank_account.register", bad, "person_id", "form.bank_code", "form.account_no", "form.account_name", "form.bank_name")

		agent := sqlstoretest.ResidentID(t, "652301", 1990, time.May, 4, 62)
		req = request("SN3", "registry.payee_agent.register", nil, map[string]any{"name": "李明", "id_number": string(agent), "relation": "child"})
		req.Person = p.ID
		r = f.twice(t, "registry.payee_agent.register", req)
		if !r.Pending {
			t.Fatalf("agent %+v, want pending", r)
		}
		if _, err := f.Svc.DecidePayeeAgent(f.Checker, registry.AgentID(id(t, r, "payee_agent")), true, ""); err != nil {
			t.Fatal(err)
		}
		if done, err := f.executor(t, "registry.payee_agent.register").Execute(f.CW, req); err != nil || done.Pending || done.Ref != r.Ref {
			t.Fatalf("after the confirmation %+v, %v", done, err)
		}
		bad = request("SN4", "registry.payee_agent.register", nil, map[string]any{"relation": "head"})
		bad.Person = p.ID
		f.wantProblems(t, "registry.payee_agent.register", bad, "form.name", "form.id_number", "form.relation")
	})
}

func TestOrganisationRegisterChangeAndClose(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		form := map[string]any{"uscc": string(uscc(t, 1)), "name": "昌吉市天山食品有限公司", "industry_code": "C13", "size": "small", "region_code": "652301"}
		r := f.twice(t, "registry.organisation.register", request("SN1", "registry.organisation.register", nil, form))
		oid := registry.OrgID(id(t, r, "organisation"))
		f.wantProblems(t, "registry.organisation.register", request("SN2", "registry.organisation.register", nil, map[string]any{"size": "huge"}),
			"form.uscc", "form.name", "form.industry_code", "form.size", "form.region_code")

		req := request("SN3", "registry.organisation.change", map[string]string{"change": "details"}, map[string]any{"address": "昌吉市北京南路1号"})
		req.Organisation = oid
		f.twice(t, "registry.organisation.change", req)
		if o, _ := f.Svc.Organisation(f.Ctx, oid); o.Address != "昌吉市北京南路1号" {
			t.Errorf("address after the change %q", o.Address)
		}

		f.wantProblems(t, "registry.organisation.change", request("SN3B", "registry.organisation.change", map[string]string{"change": "details"}, map[string]any{"size": "huge"}),
			"organisation_id", "form.size")
		f.wantProblems(t, "registry.organisation.change", request("SN3C", "registry.organisation.change", map[string]string{"change": "details"}, map[string]any{}),
			"organisation_id")

		// Staff hired and let go.
		p := f.person(t, 71)
		hire := request("SN4", "registry.employment.start", nil, map[string]any{"employee_id_number": string(p.IDNumber), "start": "2026-03-01", "monthly_wage": 600000})
		hire.Organisation = oid
		f.twice(t, "registry.employment.start", hire)
		f.wantProblems(t, "registry.employment.start", request("SN5", "registry.employment.start", nil, map[string]any{"monthly_wage": "6000.00"}),
			"organisation_id", "form.employee_id_number", "form.start", "form.monthly_wage")
		leave := request("SN6", "registry.employment.end", nil, map[string]any{"employee_id_number": string(p.IDNumber), "end": "2026-09-30", "separation": "voluntary"})
		leave.Organisation = oid
		r = f.twice(t, "registry.employment.end", leave)
		if s, _ := f.Svc.Employment(f.Ctx, registry.EmploymentID(id(t, r, "employment"))); s.End.String() != "2026-09-30" {
			t.Errorf("spell after the leave %+v", s)
		}
		f.wantProblems(t, "registry.employment.end", request("SN7", "registry.employment.end", nil, map[string]any{"separation": "fired"}),
			"organisation_id", "form.employee_id_number", "form.end", "form.separation")

		closeReq := request("SN8", "registry.organisation.change", map[string]string{"change": "close"}, map[string]any{"closed_on": "2026-11-01", "reason": "营业执照注销"})
		closeReq.Organisation = oid
		f.wantProblems(t, "registry.organisation.change", request("SN9", "registry.organisation.change", map[string]string{"change": "close"}, map[string]any{}),
			"organisation_id", "form.closed_on", "form.reason")
		f.twice(t, "registry.organisation.change", closeReq)
		if o, _ := f.Svc.Organisation(f.Ctx, oid); !o.Closed() {
			t.Errorf("organisation after the closing %+v, want closed", o)
		}
	})
}

func TestHouseholdChangeAndDisability(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		head, spouse := f.person(t, 81), f.person(t, 82)
		h := &registry.Household{RegionCode: head.RegionCode, HukouType: registry.HukouUrban,
			Members: []registry.Member{{PersonID: head.ID, Relation: registry.RelHead}}}
		if err := f.Svc.CreateHousehold(f.Ctx, h); err != nil {
			t.Fatal(err)
		}
		req := request("SN1", "registry.household.change", nil, map[string]any{"address": "昌吉市延安北路2号",
			"members": []map[string]any{{"person_id": head.ID, "relation": "head"}, {"person_id": spouse.ID, "relation": "spouse"}}})
		req.Person = head.ID
		f.twice(t, "registry.household.change", req)
		if got, _ := f.Svc.Household(f.Ctx, h.ID); len(got.Members) != 2 || got.Address != "昌吉市延安北路2号" || got.Version != h.Version+1 {
			t.Errorf("household after the change %+v", got)
		}
		bad := request("SN2", "registry.household.change", nil, map[string]any{"members": []map[string]any{{"relation": "boss"}}})
		f.wantProblems(t, "registry.household.change", bad, "person_id", "form.members[0].person_id", "form.members[0].relation", "form.members")

		req = request("SN3", "registry.disability.record", nil, map[string]any{"kind": "physical", "grade": 2, "certificate_no": "65230119800305004142", "issued": "2025-05-01"})
		req.Person = spouse.ID
		f.twice(t, "registry.disability.record", req)
		if ds, _ := f.Svc.Disabilities(f.Ctx, spouse.ID); len(ds) != 1 || ds[0].Grade != 2 {
			t.Errorf("disabilities %+v, want the one recorded", ds)
		}
		f.wantProblems(t, "registry.disability.record", request("SN4", "registry.disability.record", nil, map[string]any{"grade": 7}),
			"person_id", "form.kind", "form.grade", "form.certificate_no", "form.issued")
	})
}

// uscc makes a valid USCC of a Changji employer, the n-th.
func uscc(t *testing.T, n int) ids.USCC {
	t.Helper()
	c, err := ids.MakeUSCC('9', '1', "652301", fmt.Sprintf("MA%06d", n))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestExecuteKeepsTheServicesRules runs actions with principals the
// registry refuses: a user without registry.write registers nobody, and a
// caseworker of another county does not find the deceased; nothing is
// written either way.
func TestExecuteKeepsTheServicesRules(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		idn := sqlstoretest.ResidentID(t, "652301", 1975, time.June, 1, 91)
		req := request("SN1", "registry.person.register", nil, map[string]any{"id_number": string(idn), "name": "赵强", "ethnicity": "han",
			"hukou_type": "rural", "region_code": string(sqlstoretest.Village(t, "652301", 2))})
		if _, err := f.executor(t, "registry.person.register").Execute(f.Checker, req); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("registered by an approver: %v, want forbidden", err)
		}
		if _, err := f.Svc.PersonByIDNumber(f.Ctx, string(idn)); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("the person after the refusal: %v, want none registered", err)
		}
		p := f.person(t, 92)
		elsewhere := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 9, Username: "cw.fukang", Role: auth.RoleCaseworker, Scope: "652302"})
		death := request("SN2", "registry.death.record", nil, map[string]any{"deceased_id_number": string(p.IDNumber), "death_date": "2026-11-02", "source": "family_report"})
		if _, err := f.executor(t, "registry.death.record").Execute(elsewhere, death); fault.FieldsOf(err)["form.deceased_id_number"] == "" {
			t.Errorf("death recorded by a caseworker of another county: %v, want the deceased unknown", err)
		}
		if got, _ := f.Svc.Person(f.Ctx, p.ID); !got.Alive() {
			t.Errorf("the person after the refusal %+v, want alive", got)
		}
	})
}
