package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"safetynet/internal/region"
)

// assistanceCaseJSON is the part of a case the tests read.
type assistanceCaseJSON struct {
	ID         int64  `json:"id"`
	Status     string `json:"status"`
	Version    int64  `json:"version"`
	Objections []struct {
		ID      int64  `json:"id"`
		Outcome string `json:"outcome"`
		Finding string `json:"finding"`
	} `json:"objections"`
}

// caseOnNotice registers a two-person household in village as user,
// applies for 低保 for it, records the investigation (wages of 300 yuan a
// month each) and assesses the case: on public notice, awaiting approval.
// It returns the case's path, the case and the household's id.
func (b *testBundle) caseOnNotice(t *testing.T, user string, village region.Code, seq int) (string, assistanceCaseJSON, int64) {
	t.Helper()
	person := func(seq int) personJSON {
		var p personJSON
		b.do(t, "POST", "/api/v1/persons", user, map[string]any{"id_number": residentID(t, seq), "name": "马建国", "ethnicity": "hui",
			"hukou_type": "rural", "hukou_region": village[:6], "region_code": village}).want(t, http.StatusCreated).decode(t, &p)
		return p
	}
	head, spouse := person(seq), person(seq+1)
	var h struct {
		ID int64 `json:"id"`
	}
	b.do(t, "POST", "/api/v1/households", user, map[string]any{"region_code": village, "hukou_type": "rural",
		"members": []map[string]any{{"person_id": head.ID, "relation": "head"}, {"person_id": spouse.ID, "relation": "spouse"}}}).
		want(t, http.StatusCreated).decode(t, &h)
	var c assistanceCaseJSON
	b.do(t, "POST", "/api/v1/assistance-cases", user, map[string]any{"programme": "dibao", "household_id": h.ID, "channel": "online"}).
		want(t, http.StatusCreated).decode(t, &c)
	path := fmt.Sprintf("/api/v1/assistance-cases/%d", c.ID)
	members := []map[string]any{{"person_id": head.ID, "has_supporter": true}, {"person_id": spouse.ID, "has_supporter": true}}
	lines := []map[string]any{{"person_id": head.ID, "kind": "income.wage", "amount": 360_000}, {"person_id": spouse.ID, "kind": "income.wage", "amount": 360_000}}
	b.do(t, "POST", path+"/investigation", user, map[string]any{"version": c.Version, "heating_type": "central", "members": members, "lines": lines}).
		want(t, http.StatusOK).decode(t, &c)
	b.do(t, "POST", path+"/assessment", user, map[string]any{"version": c.Version}).want(t, http.StatusOK).decode(t, &c)
	if c.Status != "notice" {
		t.Fatalf("assessed case %+v, want on notice", c)
	}
	return path, c, h.ID
}

// TestAssistanceObjections raises objections during the public notice and
// resolves them: bad ones are named, a dismissed one leaves the case on
// notice, an upheld one sends it back to be investigated again.
func TestAssistanceObjections(t *testing.T) {
	t.Parallel()
	b := setup(t)
	vs := villages(t, "652301", 1)
	path, c, _ := b.caseOnNotice(t, "cw1", vs[0], 311)

	wantField(t, b.do(t, "POST", path+"/objections", "cw1", map[string]any{"objector": "村民"}).problem(t, http.StatusUnprocessableEntity), "content")
	wantField(t, b.do(t, "POST", path+"/objections", "cw1", map[string]any{"content": "有车", "received_on": "2025-02-30"}).
		problem(t, http.StatusUnprocessableEntity), "received_on")
	wantField(t, b.do(t, "POST", path+"/objections", "cw1", map[string]any{"content": "有车", "received_on": "2001-01-01"}).
		problem(t, http.StatusUnprocessableEntity), "received_on") // before the notice
	b.do(t, "POST", path+"/objections", "cw2", map[string]any{"content": "有车"}).problem(t, http.StatusNotFound) // another county's case
	wantField(t, b.do(t, "POST", "/api/v1/assistance-cases/0/objections", "cw1", map[string]any{"content": "有车"}).
		problem(t, http.StatusUnprocessableEntity), "id")

	b.do(t, "POST", path+"/objections", "cw1", map[string]any{"objector": "匿名", "content": "家中有车"}).want(t, http.StatusOK).decode(t, &c)
	if len(c.Objections) != 1 || c.Objections[0].Outcome != "pending" {
		t.Fatalf("objections %+v, want one pending", c.Objections)
	}
	first := fmt.Sprintf("%s/objections/%d/resolution", path, c.Objections[0].ID)
	wantField(t, b.do(t, "POST", path+"/objections/x/resolution", "cw1", map[string]any{"finding": "无车"}).
		problem(t, http.StatusUnprocessableEntity), "objection")
	b.do(t, "POST", fmt.Sprintf("%s/objections/%d/resolution", path, c.Objections[0].ID+100), "cw1", map[string]any{"finding": "无车"}).
		problem(t, http.StatusNotFound)
	b.do(t, "POST", first, "cw1", map[string]any{"upheld": false, "finding": "车辆已过户"}).want(t, http.StatusOK).decode(t, &c)
	if c.Status != "notice" || c.Objections[0].Outcome != "dismissed" || c.Objections[0].Finding != "车辆已过户" {
		t.Errorf("after a dismissal: %+v, want still on notice with the objection dismissed", c)
	}
	b.do(t, "POST", first, "cw1", map[string]any{"upheld": true, "finding": "again"}).problem(t, http.StatusConflict) // resolved already

	b.do(t, "POST", path+"/objections", "cw1", map[string]any{"content": "另有收入"}).want(t, http.StatusOK).decode(t, &c)
	second := fmt.Sprintf("%s/objections/%d/resolution", path, c.Objections[1].ID)
	b.do(t, "POST", second, "cw1", map[string]any{"upheld": true, "finding": "有务工收入"}).want(t, http.StatusOK).decode(t, &c)
	if c.Status != "applied" || c.Objections[1].Outcome != "upheld" {
		t.Errorf("after an upheld objection: %+v, want back to applied with the objection upheld", c)
	}
	b.do(t, "POST", path+"/objections", "cw1", map[string]any{"content": "不在公示期"}).problem(t, http.StatusConflict)
}

// TestAssistanceBadInputAndScope checks the 422s naming the parameter or
// field at fault, and the 404s outside the caller's scope, of the means
// test, classification, case, award, payment and report endpoints.
func TestAssistanceBadInputAndScope(t *testing.T) {
	t.Parallel()
	b := setup(t)
	vs := villages(t, "652301", 1)
	path, c, household := b.caseOnNotice(t, "cw1", vs[0], 321)

	for _, q := range []struct {
		method, path string
		body         any
		field        string
	}{
		{"POST", "/api/v1/means-tests", map[string]any{"household_id": household, "heating_type": "central", "members": []map[string]any{}}, "period"},
		{"POST", "/api/v1/means-tests", map[string]any{"household_id": household, "period": "2025-13", "heating_type": "central", "members": []map[string]any{}}, "period"},
		{"GET", "/api/v1/means-tests?household_id=0", nil, "household_id"},
		{"GET", "/api/v1/means-tests?region=65", nil, "region"},
		{"GET", fmt.Sprintf("/api/v1/households/%d/classification?period=2025-13", household), nil, "period"},
		{"GET", "/api/v1/households/x/classification?period=2025-06", nil, "id"},
		{"POST", "/api/v1/classification-runs", map[string]any{"period": "June"}, "period"},
		{"POST", "/api/v1/classification-runs", map[string]any{"period": "2025-06", "region": "x"}, "region"},
		{"GET", "/api/v1/low-income", nil, "period"},
		{"GET", "/api/v1/low-income?period=2025-06&limit=0", nil, "limit"},
		{"GET", "/api/v1/reports/low-income?from=2025&to=2025-06", nil, "from"},
		{"POST", "/api/v1/assistance-cases", map[string]any{"programme": "dibao", "household_id": household, "channel": "online", "applied_on": "2025-02-30"}, "applied_on"},
		{"GET", "/api/v1/assistance-cases?household_id=-1", nil, "household_id"},
		{"GET", "/api/v1/assistance-cases?after=-1", nil, "after"},
		{"POST", path + "/assessment", map[string]any{}, "version"},
		{"POST", path + "/withdrawal", map[string]any{"note": "no version"}, "version"},
		{"POST", path + "/decision", map[string]any{"outcome": "approve"}, "version"},
		{"POST", path + "/decision", map[string]any{"outcome": "confirm", "version": 1}, "outcome"},
		{"POST", path + "/investigation", map[string]any{"heating_type": "central", "members": []map[string]any{}}, "version"},
		{"GET", "/api/v1/assistance-awards?person_id=x", nil, "person_id"},
		{"GET", "/api/v1/assistance-reviews/due?as_of=2025-02-30", nil, "as_of"},
		{"POST", "/api/v1/assistance-awards/0/reviews", map[string]any{"heating_type": "central", "members": []map[string]any{}}, "id"},
		{"POST", "/api/v1/assistance-reviews/0/decision", map[string]any{"outcome": "approve"}, "id"},
		{"POST", "/api/v1/assistance-runs", map[string]any{}, "period"},
		{"GET", "/api/v1/reports/assistance?from=2025-01&to=2025-13", nil, "to"},
	} {
		user := "cw1"
		if q.path == "/api/v1/assistance-reviews/0/decision" {
			user = "approver"
		}
		pb := b.do(t, q.method, q.path, user, q.body).problem(t, http.StatusUnprocessableEntity)
		if _, ok := pb.field(q.field); !ok {
			t.Errorf("%s %s: problems %+v, want %s named", q.method, q.path, pb.Errors, q.field)
		}
	}

	// Another county's caseworker finds none of it.
	for _, p := range []string{path, fmt.Sprintf("/api/v1/households/%d/classification?period=2025-06", household)} {
		b.do(t, "GET", p, "cw2", nil).problem(t, http.StatusNotFound)
	}
	b.do(t, "POST", path+"/assessment", "cw2", map[string]any{"version": c.Version}).problem(t, http.StatusNotFound)
	b.do(t, "GET", "/api/v1/assistance-cases/999999", "cw1", nil).problem(t, http.StatusNotFound)
	b.do(t, "GET", "/api/v1/assistance-awards/999999", "cw1", nil).problem(t, http.StatusNotFound)
	b.do(t, "GET", "/api/v1/means-tests/999999", "cw1", nil).problem(t, http.StatusNotFound)

	// A 低保 case is not fast-tracked; a stale version is a conflict; the
	// applicant may withdraw it.
	b.do(t, "POST", path+"/fast-track", "cw1", map[string]any{"version": c.Version}).problem(t, http.StatusConflict)
	b.do(t, "POST", path+"/withdrawal", "cw1", map[string]any{"version": c.Version + 1, "note": "申请人撤回"}).problem(t, http.StatusConflict)
	b.do(t, "POST", path+"/withdrawal", "cw1", map[string]any{"version": c.Version, "note": "申请人撤回"}).want(t, http.StatusOK).decode(t, &c)
	if c.Status != "withdrawn" {
		t.Errorf("withdrawn case %+v, want withdrawn", c)
	}

	var list struct {
		Items []assistanceCaseJSON `json:"items"`
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/assistance-cases?household_id=%d&status=withdrawn", household), "cw1", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != c.ID {
		t.Errorf("withdrawn cases of the household %+v, want the case", list.Items)
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/assistance-cases?household_id=%d", household), "cw2", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("Fukang's caseworker lists %+v, want none", list.Items)
	}
	var tests struct {
		Items []struct {
			ID          int64 `json:"id"`
			HouseholdID int64 `json:"household_id"`
		} `json:"items"`
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/means-tests?household_id=%d", household), "cw1", nil).want(t, http.StatusOK).decode(t, &tests)
	if len(tests.Items) != 1 || tests.Items[0].HouseholdID != household {
		t.Fatalf("means tests of the household %+v, want the investigation's", tests.Items)
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/means-tests/%d", tests.Items[0].ID), "cw1", nil).want(t, http.StatusOK)
	b.do(t, "GET", fmt.Sprintf("/api/v1/means-tests/%d", tests.Items[0].ID), "cw2", nil).problem(t, http.StatusNotFound)
}

// TestMeansTestAndClassificationRun records a means test for a household
// and classifies the county's tested households for the month.
func TestMeansTestAndClassificationRun(t *testing.T) {
	t.Parallel()
	b := setup(t)
	vs := villages(t, "652301", 1)
	_, _, household := b.caseOnNotice(t, "cw1", vs[0], 331)
	var tests struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/means-tests?household_id=%d", household), "cw1", nil).want(t, http.StatusOK).decode(t, &tests)
	var test struct {
		Members []struct {
			PersonID int64 `json:"person_id"`
		} `json:"members"`
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/means-tests/%d", tests.Items[0].ID), "cw1", nil).want(t, http.StatusOK).decode(t, &test)
	members := test.Members
	req := map[string]any{"household_id": household, "period": "2025-08", "heating_type": "central", "source": "review",
		"members": []map[string]any{{"person_id": members[0].PersonID, "has_supporter": true}, {"person_id": members[1].PersonID, "has_supporter": true}},
		"lines":   []map[string]any{{"person_id": members[0].PersonID, "kind": "income.wage", "amount": 360_000}}}
	b.do(t, "POST", "/api/v1/means-tests", "cw2", req).problem(t, http.StatusUnprocessableEntity) // another county's household: unknown
	r := b.do(t, "POST", "/api/v1/means-tests", "cw1", req).want(t, http.StatusCreated)
	var ex struct {
		Classification struct {
			Period string `json:"period"`
			Layer  string `json:"layer"`
			TestID int64  `json:"test_id"`
		} `json:"classification"`
		Test struct {
			ID int64 `json:"id"`
		} `json:"test"`
	}
	r.decode(t, &ex)
	if ex.Classification.Period != "2025-08" || ex.Classification.Layer != "dibao" || ex.Test.ID == 0 {
		t.Errorf("means test classified %+v, want dibao for 2025-08", ex)
	}
	if loc := r.header.Get("Location"); loc != fmt.Sprintf("/api/v1/means-tests/%d", ex.Test.ID) {
		t.Errorf("Location %q, want the new test", loc)
	}

	var sum struct {
		Period     string         `json:"period"`
		Households int            `json:"households"`
		ByLayer    map[string]int `json:"by_layer"`
	}
	b.do(t, "POST", "/api/v1/classification-runs", "cw1", map[string]any{"period": "2025-08", "region": "652301"}).want(t, http.StatusOK).decode(t, &sum)
	if sum.Period != "2025-08" || sum.Households != 1 || sum.ByLayer["dibao"] != 1 {
		t.Errorf("classification run %+v, want the one household in dibao", sum)
	}
	b.do(t, "POST", "/api/v1/classification-runs", "cw1", map[string]any{"period": "2025-08", "region": "652302"}).problem(t, http.StatusForbidden)
}
