package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

// postPaid stores n monthly payments of the scheme, the last in month last.
func (b *testBundle) postPaid(t *testing.T, person, org int64, scheme insurance.Scheme, last period.Month, n int, base money.Fen) {
	t.Helper()
	ps := make([]insurance.Payment, 0, n)
	for i := range n {
		m := last.Add(-i)
		ps = append(ps, insurance.Payment{ReceiptNo: fmt.Sprintf("R-%d-%s-%s", person, scheme, m), PersonID: registry.PersonID(person),
			OrgID: registry.OrgID(org), Scheme: scheme, Period: m, RegionCode: "652301", Base: base, Employer: base / 100,
			Individual: base / 100, PaidOn: m.Last(), Source: insurance.Posted})
	}
	if err := b.db.PostPayments(systemContext(), ps); err != nil {
		t.Fatal(err)
	}
}

type claimJSON struct {
	ID                int64  `json:"id"`
	EntitlementMonths int    `json:"entitlement_months"`
	MonthsDrawn       int    `json:"months_drawn"`
	MonthlyAmount     int64  `json:"monthly_amount"`
	Status            string `json:"status"`
	StopReason        string `json:"stop_reason"`
	End               string `json:"end"`
	Version           int64  `json:"version"`
	Decision          *struct {
		Programme  string `json:"programme"`
		Eligible   bool   `json:"eligible"`
		Why        string `json:"why"`
		Conditions []struct {
			Name string `json:"name"`
		} `json:"conditions"`
		Parameters []struct {
			Key string `json:"key"`
		} `json:"parameters"`
	} `json:"decision"`
}

func TestUnemploymentClaimsAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v := villages(t, "652301", 1)[0]
	org := b.createOrg(t, "cw1", "652301", "MA7BEN01")
	worker := b.createPerson(t, "cw1", v, 91)
	short := b.createPerson(t, "cw1", v, 93)
	sep := period.MustDate(2026, time.June, 30)
	b.postPaid(t, worker.ID, org, insurance.Unemployment, sep.Period(), 60, 500000)
	b.postPaid(t, short.ID, org, insurance.Unemployment, sep.Period(), 11, 500000)
	body := func(person int64, reason string) map[string]any {
		return map[string]any{"person_id": person, "org_id": org, "separation_date": "2026-06-30", "separation": reason, "registered_on": "2026-07-02"}
	}

	// Out of scope, then refused with the failed conditions named.
	wantField(t, b.do(t, "POST", "/api/v1/unemployment-claims", "cw2", body(worker.ID, "contract_expired")).problem(t, http.StatusUnprocessableEntity), "person_id")
	p := b.do(t, "POST", "/api/v1/unemployment-claims", "cw1", body(short.ID, "dismissed_for_cause")).problem(t, http.StatusUnprocessableEntity)
	wantField(t, p, "conditions.contributed_at_least_one_year")
	wantField(t, p, "conditions.lost_job_involuntarily")
	wantField(t, b.do(t, "POST", "/api/v1/unemployment-claims", "cw1", map[string]any{"person_id": worker.ID}).problem(t, http.StatusUnprocessableEntity), "separation_date")

	var c claimJSON
	r := b.do(t, "POST", "/api/v1/unemployment-claims", "cw1", body(worker.ID, "contract_expired")).want(t, http.StatusCreated)
	r.decode(t, &c)
	if c.EntitlementMonths != 18 || c.MonthlyAmount != 171000 || c.Status != "open" || c.Decision == nil || !c.Decision.Eligible ||
		c.Decision.Why == "" || len(c.Decision.Conditions) == 0 || len(c.Decision.Parameters) == 0 {
		t.Fatalf("created claim %+v: want 18 months of 1,710.00 with the explained decision", c)
	}
	path := fmt.Sprintf("/api/v1/unemployment-claims/%d", c.ID)
	if loc := r.header.Get("Location"); loc != path {
		t.Errorf("Location = %q, want %s", loc, path)
	}
	b.do(t, "POST", "/api/v1/unemployment-claims", "cw1", body(worker.ID, "contract_expired")).problem(t, http.StatusConflict)

	// Two runs of July: one line.
	var run struct {
		Lines        int   `json:"lines"`
		AlreadyPaid  int   `json:"already_paid"`
		Unemployment int64 `json:"unemployment"`
	}
	b.do(t, "POST", "/api/v1/benefit-runs", "cw1", map[string]any{"period": "2026-07"}).want(t, http.StatusOK).decode(t, &run)
	if run.Lines != 1 || run.Unemployment != 171000 {
		t.Errorf("run: %+v", run)
	}
	b.do(t, "POST", "/api/v1/benefit-runs", "cw1", map[string]any{"period": "2026-07"}).want(t, http.StatusOK).decode(t, &run)
	if run.Lines != 0 || run.AlreadyPaid != 1 {
		t.Errorf("second run: %+v", run)
	}
	wantField(t, b.do(t, "POST", "/api/v1/benefit-runs", "cw1", map[string]any{"period": "July"}).problem(t, http.StatusUnprocessableEntity), "period")
	b.do(t, "POST", "/api/v1/benefit-runs", "analyst", map[string]any{"period": "2026-07"}).problem(t, http.StatusForbidden)

	var got claimJSON
	b.do(t, "GET", path, "auditor", nil).want(t, http.StatusOK).decode(t, &got)
	if got.MonthsDrawn != 1 || got.Decision == nil {
		t.Errorf("read claim %+v: want 1 month drawn and the decision", got)
	}
	b.do(t, "GET", path, "cw2", nil).problem(t, http.StatusNotFound)
	var list listJSON[claimJSON]
	b.do(t, "GET", "/api/v1/unemployment-claims?status=open", "cw1", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != c.ID {
		t.Errorf("open claims: %+v", list.Items)
	}

	// A citizen reads their own claim, and no one else's.
	ctx := systemContext()
	for _, nu := range []auth.NewUser{{Username: "worker91", Role: auth.RoleCitizen, PersonID: worker.ID},
		{Username: "short93", Role: auth.RoleCitizen, PersonID: short.ID}} {
		nu.Password, nu.DisplayName, nu.Scope = testPassword, nu.Username, "652301"
		if _, err := b.au.CreateUser(ctx, nu); err != nil {
			t.Fatalf("create citizen %s: %v", nu.Username, err)
		}
	}
	b.do(t, "GET", path, "worker91", nil).want(t, http.StatusOK)
	b.do(t, "GET", path, "short93", nil).problem(t, http.StatusNotFound)
	var own listJSON[claimJSON]
	b.do(t, "GET", "/api/v1/unemployment-claims", "short93", nil).want(t, http.StatusOK).decode(t, &own)
	if len(own.Items) != 0 {
		t.Errorf("a citizen without claims lists %d", len(own.Items))
	}
	b.do(t, "GET", "/api/v1/unemployment-claims", "worker91", nil).want(t, http.StatusOK).decode(t, &own)
	if len(own.Items) != 1 || own.Items[0].ID != c.ID {
		t.Errorf("the claimant lists %+v", own.Items)
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/unemployment-claims?person_id=%d", worker.ID), "short93", nil).problem(t, http.StatusForbidden)
	b.do(t, "POST", "/api/v1/benefit-runs", "worker91", map[string]any{"period": "2026-08"}).problem(t, http.StatusForbidden)

	// Stop from August for enlistment.
	b.do(t, "POST", path+"/termination", "cw1", map[string]any{"version": got.Version, "reason": "enlisted", "from": "2026-07"}).problem(t, http.StatusConflict)
	b.do(t, "POST", path+"/termination", "cw1", map[string]any{"version": got.Version, "reason": "enlisted", "from": "2026-08"}).want(t, http.StatusOK).decode(t, &got)
	if got.Status != "ended" || got.StopReason != "enlisted" || got.End != "2026-07" {
		t.Errorf("stopped claim %+v", got)
	}
}

func TestInjuriesAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v := villages(t, "652301", 1)[0]
	org := b.createOrg(t, "cw1", "652301", "MA7BEN02")
	worker := b.createPerson(t, "cw1", v, 95)
	b.enrol(t, "cw1", map[string]any{"person_id": worker.ID, "scheme": "work_injury", "kind": "employer", "org_id": org, "start": "2025-01", "risk_class": 2}).
		want(t, http.StatusCreated)
	b.postPaid(t, worker.ID, org, insurance.WorkInjury, period.NewMonth(2025, time.December), 12, 600000)
	body := map[string]any{"person_id": worker.ID, "org_id": org, "injury_date": "2026-01-10", "recognised_on": "2026-03-02", "grade": 2}

	wantField(t, b.do(t, "POST", "/api/v1/injuries", "cw1", map[string]any{"person_id": worker.ID, "org_id": org, "injury_date": "2024-06-01",
		"recognised_on": "2024-08-01", "grade": 2}).problem(t, http.StatusUnprocessableEntity), "org_id")
	var in struct {
		ID            int64  `json:"id"`
		OwnWage       int64  `json:"own_wage"`
		Grant         int64  `json:"grant"`
		Allowance     string `json:"allowance"`
		AllowanceFrom string `json:"allowance_from"`
		GrantDecision *struct {
			Programme string `json:"programme"`
			Amount    int64  `json:"amount"`
		} `json:"grant_decision"`
		AllowanceDecision *struct {
			Amount int64 `json:"amount"`
		} `json:"allowance_decision"`
	}
	b.do(t, "POST", "/api/v1/injuries", "cw1", body).want(t, http.StatusCreated).decode(t, &in)
	// Grade 2: 25 months of 6,000; allowance 85% from April.
	if in.OwnWage != 600000 || in.Grant != 25*600000 || in.Allowance != "open" || in.AllowanceFrom != "2026-04" ||
		in.GrantDecision == nil || in.GrantDecision.Programme != "work_injury_disability" || in.AllowanceDecision == nil || in.AllowanceDecision.Amount != 510000 {
		t.Fatalf("injury %+v", in)
	}
	b.do(t, "POST", "/api/v1/injuries", "cw1", body).problem(t, http.StatusConflict)
	b.do(t, "GET", fmt.Sprintf("/api/v1/injuries/%d", in.ID), "cw1", nil).want(t, http.StatusOK)
	var list listJSON[struct {
		ID int64 `json:"id"`
	}]
	b.do(t, "GET", "/api/v1/injuries?status=open", "admin", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 1 {
		t.Errorf("open allowances: %+v", list.Items)
	}
	var run struct {
		Lines     int   `json:"lines"`
		Allowance int64 `json:"allowance"`
	}
	b.do(t, "POST", "/api/v1/benefit-runs", "cw1", map[string]any{"period": "2026-04", "region": "652301"}).want(t, http.StatusOK).decode(t, &run)
	if run.Lines != 1 || run.Allowance != 510000 {
		t.Errorf("run: %+v", run)
	}
}
