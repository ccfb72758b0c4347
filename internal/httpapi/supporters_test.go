package httpapi_test

import (
	"fmt"
	"math"
	"net/http"
	"testing"
	"time"

	"safetynet/internal/ids"
	"safetynet/internal/period"
)

// supporterFamily registers a household of the given members, born on the
// given dates with the given relations, and opens a 低保 case for it.
func supporterFamily(t *testing.T, b *testBundle, seq int, births []period.Date, relations []string) (personIDs []int64, caseID, version int64) {
	t.Helper()
	vs := villages(t, "652301", 1)
	var members []map[string]any
	for i, born := range births {
		id, err := ids.MakeResidentID("652301", born, seq+i)
		if err != nil {
			t.Fatal(err)
		}
		var p personJSON
		b.do(t, "POST", "/api/v1/persons", "cw1", map[string]any{
			"id_number": id, "name": "马建国", "ethnicity": "hui", "hukou_type": "rural", "hukou_region": "652301", "region_code": vs[0],
		}).want(t, http.StatusCreated).decode(t, &p)
		personIDs = append(personIDs, p.ID)
		members = append(members, map[string]any{"person_id": p.ID, "relation": relations[i]})
	}
	var h struct {
		ID int64 `json:"id"`
	}
	b.do(t, "POST", "/api/v1/households", "cw1", map[string]any{"region_code": vs[0], "hukou_type": "rural", "members": members}).
		want(t, http.StatusCreated).decode(t, &h)
	var c struct {
		ID      int64 `json:"id"`
		Version int64 `json:"version"`
	}
	b.do(t, "POST", "/api/v1/assistance-cases", "cw1", map[string]any{"programme": "dibao", "household_id": h.ID, "channel": "online"}).
		want(t, http.StatusCreated).decode(t, &c)
	return personIDs, c.ID, c.Version
}

// TestInvestigationDerivesSupporters is the family of two working-age
// parents, one earning 12,000 yuan a year, and three children, investigated
// with has_supporter left out: the registry household gives every member a
// legal supporter (the parents for the children, each other for the
// parents), so nobody is 特困 and the household is in the 低保 layer.
func TestInvestigationDerivesSupporters(t *testing.T) {
	b := setup(t)
	births := []period.Date{period.MustDate(1986, time.March, 2), period.MustDate(1988, time.June, 9),
		period.MustDate(2014, time.April, 1), period.MustDate(2016, time.May, 5), period.MustDate(2019, time.July, 7)}
	ps, caseID, version := supporterFamily(t, b, 61, births, []string{"head", "spouse", "child", "child", "child"})
	var members []map[string]any
	for _, id := range ps {
		members = append(members, map[string]any{"person_id": id})
	}
	lines := []map[string]any{{"person_id": ps[0], "kind": "income.wage", "amount": 1_200_000}}
	b.do(t, "POST", fmt.Sprintf("/api/v1/assistance-cases/%d/investigation", caseID), "cw1",
		map[string]any{"version": version, "heating_type": "self_heating", "members": members, "lines": lines}).want(t, http.StatusOK)

	var tests struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/means-tests?household_id=%d", householdOf(t, b, caseID)), "cw1", nil).want(t, http.StatusOK).decode(t, &tests)
	if len(tests.Items) != 1 {
		t.Fatalf("%d means tests, want 1", len(tests.Items))
	}
	var mt struct {
		Members []struct {
			PersonID     int64 `json:"person_id"`
			HasSupporter bool  `json:"has_supporter"`
		} `json:"members"`
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/means-tests/%d", tests.Items[0].ID), "cw1", nil).want(t, http.StatusOK).decode(t, &mt)
	if len(mt.Members) != 5 {
		t.Fatalf("means test has %d members, want 5", len(mt.Members))
	}
	for _, m := range mt.Members {
		if !m.HasSupporter {
			t.Errorf("member %d: has_supporter false, want true (derived from the household)", m.PersonID)
		}
	}
	month := period.DateOf(time.Now().In(time.FixedZone("CST", 8*3600))).Period()
	var ex struct {
		Classification struct {
			Layer string `json:"layer"`
		} `json:"classification"`
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/households/%d/classification?period=%s", householdOf(t, b, caseID), month), "cw1", nil).
		want(t, http.StatusOK).decode(t, &ex)
	if ex.Classification.Layer != "dibao" {
		t.Errorf("layer %q, want dibao: two able parents support their children", ex.Classification.Layer)
	}
}

// householdOf is the household of a case.
func householdOf(t *testing.T, b *testBundle, caseID int64) int64 {
	t.Helper()
	var c struct {
		HouseholdID int64 `json:"household_id"`
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/assistance-cases/%d", caseID), "cw1", nil).want(t, http.StatusOK).decode(t, &c)
	return c.HouseholdID
}

// TestInvestigationRequiresUndecidableSupporter: an old woman living alone
// may have children elsewhere, which the registry does not know; leaving
// has_supporter out is a 422 naming it, and writes nothing; answering it
// is accepted. The heating type is asked the same way.
func TestInvestigationRequiresUndecidableSupporter(t *testing.T) {
	b := setup(t)
	ps, caseID, version := supporterFamily(t, b, 71, []period.Date{period.MustDate(1950, time.January, 1)}, []string{"head"})
	path := fmt.Sprintf("/api/v1/assistance-cases/%d/investigation", caseID)
	// heating_type is left out too: central heating would open heating
	// assistance, so it is asked, never assumed.
	pb := b.do(t, "POST", path, "cw1", map[string]any{"version": version, "members": []map[string]any{{"person_id": ps[0], "unable_to_work": true}}}).
		problem(t, http.StatusUnprocessableEntity)
	for _, f := range []string{"members[0].has_supporter", "heating_type"} {
		if _, ok := pb.field(f); !ok {
			t.Errorf("errors %+v do not name %s", pb.Errors, f)
		}
	}
	var list struct {
		Items []struct{} `json:"items"`
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/means-tests?household_id=%d", householdOf(t, b, caseID)), "cw1", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("a refused investigation wrote %d means tests", len(list.Items))
	}
	b.do(t, "POST", path, "cw1", map[string]any{"version": version, "heating_type": "self_heating",
		"members": []map[string]any{{"person_id": ps[0], "unable_to_work": true, "has_supporter": false}}}).want(t, http.StatusOK)
}

// TestMeansTestLineBounds: a means-test line of int64-max fen, which used
// to wrap the household's income negative before the policy engine saw it,
// is a 422 naming the line's amount; so is a quantity beyond belief.
func TestMeansTestLineBounds(t *testing.T) {
	b := setup(t)
	ps, caseID, version := supporterFamily(t, b, 81, []period.Date{period.MustDate(1980, time.January, 1), period.MustDate(1982, time.January, 1)},
		[]string{"head", "spouse"})
	path := fmt.Sprintf("/api/v1/assistance-cases/%d/investigation", caseID)
	members := []map[string]any{{"person_id": ps[0]}, {"person_id": ps[1]}}
	pb := b.do(t, "POST", path, "cw1", map[string]any{"version": version, "heating_type": "central", "members": members,
		"lines": []map[string]any{
			{"person_id": ps[0], "kind": "income.wage", "amount": 1_200_000},
			{"person_id": ps[0], "kind": "income.wage", "amount": int64(math.MaxInt64)},
			{"kind": "asset.vehicle", "quantity": 1_000_000},
			{"person_id": ps[1], "kind": "income.wage", "amount": int64(math.MaxInt64)},
		}}).problem(t, http.StatusUnprocessableEntity)
	for _, f := range []string{"lines[1].amount", "lines[2].quantity", "lines[3].amount"} {
		if _, ok := pb.field(f); !ok {
			t.Errorf("errors %+v do not name %s", pb.Errors, f)
		}
	}
	if _, ok := pb.field("lines[0].amount"); ok {
		t.Errorf("errors %+v name lines[0].amount, a plausible wage", pb.Errors)
	}
}

// TestTemporaryAssistanceExpenseBound: an expense of int64-max fen is a
// 422 naming expense.
func TestTemporaryAssistanceExpenseBound(t *testing.T) {
	b := setup(t)
	_, caseID, _ := supporterFamily(t, b, 91, []period.Date{period.MustDate(1980, time.January, 1)}, []string{"head"})
	hh := householdOf(t, b, caseID)
	pb := b.do(t, "POST", "/api/v1/assistance-cases", "cw1", map[string]any{"programme": "temporary_assistance", "household_id": hh, "channel": "online",
		"hardship_type": "expense", "expense": int64(math.MaxInt64)}).problem(t, http.StatusUnprocessableEntity)
	wantField(t, pb, "expense")
}
