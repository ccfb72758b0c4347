package execute_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/frontoffice/execute"
	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// coreRequest is the request of matter id of the catalogue.
func coreRequest(t *testing.T, pb sqlstoretest.Pensions, id, no string, form any) execute.Request {
	t.Helper()
	off, err := pb.App.FrontOffice.Office()
	if err != nil {
		t.Fatal(err)
	}
	m, ok := off.Catalogue.Matter(id)
	if !ok {
		t.Fatalf("no matter %s", id)
	}
	raw, err := json.Marshal(form)
	if err != nil {
		t.Fatal(err)
	}
	return execute.Request{ApplicationNo: no, Matter: m, Form: raw}
}

// TestEnrolExecutor enrols a flexible worker once, however often it runs
// for one application, and names each missing fact at receipt.
func TestEnrolExecutor(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		ex, ok := pb.App.Executors.For("insurance.enrol")
		if !ok {
			t.Fatal("no executor of insurance.enrol")
		}
		p := pb.Person(t, sqlstoretest.Village(t, "652301", 0), 3)
		req := coreRequest(t, pb, "flexible_employment_enrol", "SNT0001", map[string]any{"kind": "flexible"})
		req.Person = p.ID
		err := ex.Check(pb.Ctx, req)
		if f := fault.FieldsOf(err); f["form.start"] == "" || f["form.base"] == "" {
			t.Fatalf("Check = %v, want form.start and form.base named", err)
		}
		req.Form = json.RawMessage(`{"kind": "flexible", "start": "2026-11", "base": 450000}`)
		if err := ex.Check(pb.Ctx, req); err != nil {
			t.Fatalf("Check: %v", err)
		}
		first, err := ex.Execute(pb.Ctx, req)
		if err != nil {
			t.Fatalf("Execute: %v", err)
		}
		again, err := ex.Execute(pb.Ctx, req)
		if err != nil || again.Ref != first.Ref || !strings.Contains(first.Summary, "2026年11月") {
			t.Fatalf("Execute twice = %+v, %+v, %v; want the same enrolment, summary naming 2026年11月", first, again, err)
		}
		es, err := pb.Ins.Enrolments(pb.Ctx, insurance.EnrolmentFilter{PersonID: p.ID})
		if err != nil || len(es) != 1 || es[0].Kind != insurance.Flexible || es[0].Base != 450000 {
			t.Fatalf("enrolments %+v, %v; want one flexible at 4,500 元", es, err)
		}
	})
}

// TestCertifyExecutor records a pensioner's certification once per
// application and refuses a person without a pension.
func TestCertifyExecutor(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		ex, _ := pb.App.Executors.For("insurance.pension.certify")
		aw := pb.EmployeeAward(t, sqlstoretest.Village(t, "652301", 0), period.MustDate(1964, time.December, 5), 1, period.NewMonth(2026, time.January))
		req := coreRequest(t, pb, "employee_pension_certification", "SNT0002", map[string]any{"date": sqlstoretest.Today.String(), "method": "face"})
		req.Person = aw.PersonID
		for range 2 {
			if _, err := ex.Execute(pb.Ctx, req); err != nil {
				t.Fatalf("Execute: %v", err)
			}
		}
		cs, err := pb.Pen.Certifications(pb.Ctx, aw.PersonID, 10)
		if err != nil || len(cs) != 1 || cs[0].Method != insurance.CertFace {
			t.Fatalf("certifications %+v, %v; want one", cs, err)
		}
		other := pb.Person(t, sqlstoretest.Village(t, "652301", 0), 4)
		req.Person = other.ID
		if err := ex.Check(pb.Ctx, req); fault.FieldsOf(err)["person_id"] == "" {
			t.Errorf("Check of a person without a pension = %v, want person_id named", err)
		}
	})
}

// TestCertificateExecutor prints a person's enrolments as a record.
func TestCertificateExecutor(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		ex, _ := pb.App.Executors.For("insurance.enrolments.certificate")
		p := pb.Person(t, sqlstoretest.Village(t, "652301", 0), 3)
		pb.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.EmployeePension, Kind: insurance.Flexible,
			Start: period.NewMonth(2026, time.January), Base: 450000})
		req := coreRequest(t, pb, "employee_pension_certificate", "SNT0003", map[string]any{})
		req.Person = p.ID
		res, err := ex.Execute(pb.Ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		rec, ok := res.Record.(execute.EnrolmentCertificate)
		if !ok || len(rec.Enrolments) != 1 || !strings.Contains(res.Summary, "共1条") {
			t.Fatalf("certificate %+v", res)
		}
	})
}
