package httpapi_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"safetynet/internal/period"
)

type alertJSON struct {
	ID           int64  `json:"id"`
	HouseholdID  int64  `json:"household_id"`
	TownshipCode string `json:"township_code"`
	TownshipName string `json:"township_name"`
	Level        int    `json:"level"`
	Risk         string `json:"risk"`
	DueOn        string `json:"due_on"`
	Overdue      bool   `json:"overdue"`
	Status       string `json:"status"`
	Disposition  string `json:"disposition"`
	Version      int64  `json:"version"`
	Why          []struct {
		Trigger    string `json:"trigger"`
		Thresholds []struct {
			Key string `json:"key"`
		} `json:"thresholds"`
	} `json:"why"`
	Explanation *struct {
		Inputs     map[string]json.RawMessage `json:"inputs"`
		Reproduced bool                       `json:"reproduced"`
	} `json:"explanation"`
	Person *struct {
		Name     string `json:"name"`
		IDNumber string `json:"id_number"`
	} `json:"person"`
	Signals []struct {
		ID     int64 `json:"id"`
		Level  int   `json:"level"`
		Raised bool  `json:"raised"`
	} `json:"signals"`
	Visits []struct {
		Outcome  string `json:"outcome"`
		Username string `json:"username"`
	} `json:"visits"`
	Decision *struct {
		Programme string `json:"programme"`
		Amount    int64  `json:"amount"`
	} `json:"decision"`
}

func TestAlertsAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v := villages(t, "652301", 1)[0]
	head := b.createPerson(t, "cw1", v, 71)
	child := b.createPerson(t, "cw1", v, 72)
	b.do(t, "POST", "/api/v1/households", "cw1", map[string]any{
		"region_code": v, "hukou_type": "rural",
		"members": []map[string]any{{"person_id": head.ID, "relation": "head"}, {"person_id": child.ID, "relation": "child"}},
	}).want(t, http.StatusCreated)
	today := period.DateOf(time.Now().In(time.FixedZone("CST", 8*3600)))
	bill := map[string]any{"person_id": head.ID, "kind": "hospital_bill", "source": "medical_insurance",
		"occurred_on": today.AddDays(-5).String(), "amount": 1200000, "detail": "住院"}
	death := map[string]any{"id_number": residentID(t, 71), "name": "王芳", "kind": "earner_death", "source": "public_security",
		"occurred_on": today.AddDays(-3).String()}

	// Bad items are named; nothing is recorded.
	p := b.do(t, "POST", "/api/v1/signals", "cw1", map[string]any{"signals": []any{
		bill, map[string]any{"id_number": "652301198005171234", "kind": "divorce", "source": "tax", "occurred_on": today.String()},
	}}).problem(t, http.StatusUnprocessableEntity)
	wantField(t, p, "signals[1].id_number")
	p = b.do(t, "POST", "/api/v1/signals", "cw1", map[string]any{"signals": []any{
		bill, map[string]any{"person_id": child.ID, "kind": "divorce", "source": "tax", "occurred_on": today.String()},
	}}).problem(t, http.StatusUnprocessableEntity)
	wantField(t, p, "signals[1].kind")
	// A hospital bill of int64-max fen is above limits.amount.
	hugeBill := map[string]any{"person_id": head.ID, "kind": "hospital_bill", "source": "medical_insurance",
		"occurred_on": today.AddDays(-5).String(), "amount": int64(math.MaxInt64)}
	wantField(t, b.do(t, "POST", "/api/v1/signals", "cw1", map[string]any{"signals": []any{bill, hugeBill}}).problem(t, http.StatusUnprocessableEntity),
		"signals[1].amount")
	// Outside the caller's scope the person is unknown.
	wantField(t, b.do(t, "POST", "/api/v1/signals", "cw2", map[string]any{"signals": []any{bill}}).problem(t, http.StatusUnprocessableEntity),
		"signals[0].person_id")
	b.do(t, "POST", "/api/v1/signals", "approver", map[string]any{"signals": []any{bill}}).problem(t, http.StatusForbidden)

	var rec struct {
		Recorded int     `json:"recorded"`
		IDs      []int64 `json:"ids"`
	}
	b.do(t, "POST", "/api/v1/signals", "cw1", map[string]any{"batch": "医保 2026-11", "signals": []any{bill, death}}).
		want(t, http.StatusCreated).decode(t, &rec)
	if rec.Recorded != 2 || len(rec.IDs) != 2 || rec.IDs[0] == 0 {
		t.Fatalf("recorded %+v", rec)
	}
	var sum struct {
		Signals, Opened, Attached int
		ByLevel                   map[string]int `json:"by_level"`
	}
	b.do(t, "POST", "/api/v1/signal-runs", "approver", map[string]any{}).problem(t, http.StatusForbidden)
	b.do(t, "POST", "/api/v1/signal-runs", "cw1", map[string]any{}).want(t, http.StatusOK).decode(t, &sum)
	if sum.Signals != 2 || sum.Opened != 1 || sum.ByLevel["red"] != 1 {
		t.Fatalf("process %+v: want one red alert from two signals", sum)
	}

	var list listJSON[alertJSON]
	b.do(t, "GET", "/api/v1/alerts?status=open&level=red", "cw1", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 1 || list.NextAfter != nil {
		t.Fatalf("alerts %+v", list)
	}
	a := list.Items[0]
	if a.Risk != "red" || a.Overdue || a.TownshipCode != string(v[:9]) || len(a.Why) == 0 || a.Why[0].Trigger != "trigger_earner_death" ||
		a.Person != nil || a.Signals != nil {
		t.Errorf("listed alert %+v", a)
	}
	path := fmt.Sprintf("/api/v1/alerts/%d", a.ID)
	var full alertJSON
	b.do(t, "GET", path, "cw1", nil).want(t, http.StatusOK).decode(t, &full)
	if full.Person == nil || !strings.Contains(full.Person.IDNumber, "*") || full.Person.Name != "王芳" || full.TownshipName == "" ||
		len(full.Signals) != 2 || full.Decision == nil || full.Decision.Programme != "low_income_risk" || full.Decision.Amount != 3 ||
		full.Explanation == nil || !full.Explanation.Reproduced || string(full.Explanation.Inputs["kind"]) != `"earner_death"` {
		t.Errorf("alert %+v", full)
	}
	var unmasked alertJSON
	b.do(t, "GET", path, "approver", nil).want(t, http.StatusOK).decode(t, &unmasked)
	if unmasked.Person == nil || unmasked.Person.IDNumber != string(residentID(t, 71)) {
		t.Errorf("the approver sees %+v, want the ID number in full", unmasked.Person)
	}
	b.do(t, "GET", path, "cw2", nil).problem(t, http.StatusNotFound)
	b.do(t, "GET", "/api/v1/alerts/999999", "cw1", nil).problem(t, http.StatusNotFound)
	wantField(t, b.do(t, "GET", "/api/v1/alerts?as_of=2026-01-01", "cw1", nil).problem(t, http.StatusUnprocessableEntity), "as_of")
	wantField(t, b.do(t, "GET", "/api/v1/alerts?level=purple", "cw1", nil).problem(t, http.StatusUnprocessableEntity), "level")

	// Overdue after its due date, per township, until disposed of.
	later := today.AddDays(30).String()
	b.do(t, "GET", "/api/v1/alerts?overdue=true&as_of="+later, "cw1", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != a.ID {
		t.Errorf("overdue alerts in 30 days: %+v", list.Items)
	}
	var towns listJSON[struct {
		Township string  `json:"township"`
		Name     string  `json:"name"`
		Overdue  int     `json:"overdue"`
		AlertIDs []int64 `json:"alert_ids"`
	}]
	b.do(t, "GET", "/api/v1/alerts/overdue?as_of="+later, "analyst", nil).want(t, http.StatusOK).decode(t, &towns)
	if len(towns.Items) != 1 || towns.Items[0].Township != string(v[:9]) || towns.Items[0].Name == "" || towns.Items[0].Overdue != 1 ||
		towns.Items[0].AlertIDs[0] != a.ID {
		t.Errorf("overdue per township: %+v", towns.Items)
	}

	wantField(t, b.do(t, "POST", path+"/disposition", "cw1", map[string]any{"version": full.Version, "disposition": "referred", "programme": "dibao"}).
		problem(t, http.StatusUnprocessableEntity), "disposition")
	wantField(t, b.do(t, "POST", path+"/visits", "cw1", map[string]any{"visited_on": today.String(), "outcome": "met"}).
		problem(t, http.StatusUnprocessableEntity), "version")
	b.do(t, "POST", path+"/visits", "auditor", map[string]any{"version": full.Version, "visited_on": today.String(), "outcome": "met"}).
		problem(t, http.StatusForbidden)
	var visited alertJSON
	b.do(t, "POST", path+"/visits", "cw1", map[string]any{"version": full.Version, "visited_on": today.String(), "outcome": "met", "note": "入户"}).
		want(t, http.StatusCreated).decode(t, &visited)
	if visited.Status != "visited" || len(visited.Visits) != 1 || visited.Visits[0].Username != "cw1" {
		t.Errorf("visited alert %+v", visited)
	}
	b.do(t, "POST", path+"/disposition", "cw1", map[string]any{"version": full.Version, "disposition": "no_need", "note": "x"}).
		problem(t, http.StatusConflict)
	var closed alertJSON
	b.do(t, "POST", path+"/disposition", "cw1", map[string]any{"version": visited.Version, "disposition": "referred", "programme": "temporary_assistance"}).
		want(t, http.StatusOK).decode(t, &closed)
	if closed.Status != "closed" || closed.Disposition != "referred" {
		t.Errorf("closed alert %+v", closed)
	}
	b.do(t, "GET", "/api/v1/alerts/overdue?as_of="+later, "cw1", nil).want(t, http.StatusOK).decode(t, &towns)
	if len(towns.Items) != 0 {
		t.Errorf("overdue after the disposition: %+v", towns.Items)
	}

	// The OpenAPI document lists the routes.
	var doc struct {
		Paths map[string]json.RawMessage `json:"paths"`
	}
	b.do(t, "GET", "/api/v1/openapi.json", "", nil).want(t, http.StatusOK).decode(t, &doc)
	for _, p := range []string{"/api/v1/signals", "/api/v1/signal-runs", "/api/v1/alerts", "/api/v1/alerts/overdue", "/api/v1/alerts/{id}",
		"/api/v1/alerts/{id}/visits", "/api/v1/alerts/{id}/disposition"} {
		if _, ok := doc.Paths[p]; !ok {
			t.Errorf("the OpenAPI document lacks %s", p)
		}
	}
}
