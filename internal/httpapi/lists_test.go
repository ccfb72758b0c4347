package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"safetynet/internal/region"
)

// TestUnknownQueryParameter checks that a query parameter the route does
// not declare is refused with a 422 naming it, on any route, instead of
// being ignored (a misspelt filter returned the whole scope).
func TestUnknownQueryParameter(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		path, user, param string
	}{
		{"/api/v1/persons?regoin=652302", "cw1", "regoin"},
		{"/api/v1/persons?region=652301&limit=2&Region=652302", "cw1", "Region"},
		{"/api/v1/me?verbose=1", "cw1", "verbose"},
		{"/api/v1/payment-instructions?stauts=pending", "cw1", "stauts"},
		{"/api/v1/regions/652301?depth=2", "cw1", "depth"},
		{"/api/v1/assistance-items?q=x", "", "q"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p := b.do(t, "GET", tt.path, tt.user, nil).problem(t, http.StatusUnprocessableEntity)
			if _, ok := p.field(tt.param); !ok {
				t.Errorf("GET %s: errors %+v do not name %s", tt.path, p.Errors, tt.param)
			}
		})
	}
	// Declared parameters, the embedded page ones among them, still pass.
	for _, path := range []string{"/api/v1/persons?region=652301&limit=2&after=1", "/api/v1/me", "/api/v1/regions?parent=652301"} {
		b.do(t, "GET", path, "cw1", nil).want(t, http.StatusOK)
	}
}

// listRoute is a GET route of the OpenAPI document whose answer is a list
// page (items and next_after), with its query parameters.
type listRoute struct {
	path     string
	params   map[string]bool // name → required
	pageable bool            // declares limit and after
}

// listRoutes reads the list routes from the API's own OpenAPI document, so
// that a list route added to the route table is walked without a change
// here.
func listRoutes(t *testing.T, b *testBundle) []listRoute {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name     string `json:"name"`
				In       string `json:"in"`
				Required bool   `json:"required"`
			} `json:"parameters"`
			Responses map[string]struct {
				Content map[string]struct {
					Schema struct {
						Ref string `json:"$ref"`
					} `json:"schema"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	b.do(t, "GET", "/api/v1/openapi.json", "", nil).want(t, http.StatusOK).decode(t, &doc)
	var out []listRoute
	for path, ops := range doc.Paths {
		op, ok := ops["get"]
		if !ok {
			continue
		}
		ref := op.Responses["200"].Content["application/json"].Schema.Ref
		props := doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")].Properties
		if _, ok := props["next_after"]; !ok {
			continue
		}
		lr := listRoute{path: path, params: map[string]bool{}}
		for _, p := range op.Parameters {
			if p.In == "query" {
				lr.params[p.Name] = p.Required
			}
		}
		_, hasLimit := lr.params["limit"]
		_, hasAfter := lr.params["after"]
		lr.pageable = hasLimit && hasAfter
		out = append(out, lr)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// walk reads every page of a list with the given page size and returns the
// items (as JSON) and the number of pages.
func walk(t *testing.T, b *testBundle, user, path, query string, size int) ([]string, int) {
	t.Helper()
	var items []string
	after, pages := "", 0
	for {
		u := fmt.Sprintf("%s?%slimit=%d%s", path, query, size, after)
		var page struct {
			Items     []json.RawMessage `json:"items"`
			NextAfter *int64            `json:"next_after"`
		}
		b.do(t, "GET", u, user, nil).want(t, http.StatusOK).decode(t, &page)
		pages++
		for _, it := range page.Items {
			items = append(items, string(it))
		}
		if page.NextAfter == nil {
			return items, pages
		}
		if len(page.Items) != size {
			t.Errorf("GET %s: %d items and a next_after; a page before the last is full (%d)", u, len(page.Items), size)
		}
		if pages > 1000 {
			t.Fatalf("GET %s: the pages do not end", u)
		}
		after = fmt.Sprintf("&after=%d", *page.NextAfter)
	}
}

// seedLists gives the lists of Changji City n rows each: persons and the
// audit trail through the API; pension awards (two per person: a duplicate
// receipt), overpayments, assistance awards due for review, payment
// instructions, batches and runs, screening runs and jobs, refund runs
// and payroll runs in the database; and two of each in Fukang, outside cw1's
// scope.
func seedLists(t *testing.T, b *testBundle, n int) (person, org int64) {
	t.Helper()
	for _, county := range []region.Code{"652301", "652302"} {
		v := villages(t, county, 1)[0]
		k := n
		if county != "652301" {
			k = 2
		}
		for i := range k {
			seq := 300 + i
			if county != "652301" {
				seq = 400 + i
			}
			p := b.createPerson(t, "admin", v, seq)
			id := p.ID
			if person == 0 {
				person = id
			}
			for _, q := range []string{
				fmt.Sprintf(`INSERT INTO awards (id, person_id, scheme, region_code, start_month, amount, status, decision, policy_version, created_by, created_at)
					VALUES (%d, %d, 'employee_pension', '%s', '2024-01', 280000, 'active', '{}', 't', 't', '2024-01-01T00:00:00Z')`, 2*id, id, v),
				fmt.Sprintf(`INSERT INTO awards (id, person_id, scheme, region_code, start_month, amount, status, decision, policy_version, created_by, created_at)
					VALUES (%d, %d, 'resident_pension', '%s', '2024-01', 20000, 'active', '{}', 't', 't', '2024-01-01T00:00:00Z')`, 2*id+1, id, v),
				fmt.Sprintf(`INSERT INTO overpayments (award_id, period, person_id, region_code, amount, status, created_at)
					VALUES (%d, '2025-02', %d, '%s', 280000, 'outstanding', '2025-03-01T00:00:00Z')`, 2*id, id, v),
				fmt.Sprintf(`INSERT INTO overpayments (award_id, period, person_id, region_code, amount, status, created_at)
					VALUES (%d, '2025-03', %d, '%s', 280000, 'outstanding', '2025-03-01T00:00:00Z')`, 2*id, id, v),
				fmt.Sprintf(`INSERT INTO assistance_awards (programme, kind, person_id, region_code, amount, start_month, status, review_due, created_by, created_at)
					VALUES ('tekun', 'monthly', %d, '%s', 100000, '2024-01', 'active', '2024-12-31', 't', '2024-01-01T00:00:00Z')`, id, v),
				fmt.Sprintf(`INSERT INTO payment_instructions (source, source_ref, period, fund, programme, payee_kind, payee_id, region_code, amount, status, created_at)
					VALUES ('pension', %d, '2025-03', 'employee_pension', 'employee_pension', 'person', %d, '%s', 280000, 'pending', '2025-03-01T00:00:00Z')`, 2*id, id, v),
				fmt.Sprintf(`INSERT INTO payment_batches (fund, bank_code, period, kind, region_code, status, lines, total, created_by, created_name, created_at)
					VALUES ('employee_pension', 'B%d', '2025-03', 'monthly', '%s', 'draft', 0, 0, 1, 't', '2025-03-01T00:00:00Z')`, i, county),
				fmt.Sprintf(`INSERT INTO screening_runs (programme, period, region_code, status, evaluated, eligible, new_awards, changed, stopped, amount,
					policy_version, created_by, created_at) VALUES ('%s', '2025-%02d', '%s', '%s', 10, 2, 1, 0, 0, 50000, 't', 1, '2025-03-01T00:00:00Z')`,
					[]string{"dibao", "tekun"}[i%2], []int{3 + i, 4}[i%2], county, []string{"proposed", "approved"}[i%2]),
				fmt.Sprintf(`INSERT INTO screening_jobs (period, region_code, status, phase, created_by, created_at, updated_at)
					VALUES ('2025-%02d', '%s', '%s', 'done', 1, '2025-03-01T00:00:00Z', '2025-03-01T00:00:00Z')`, 1+i, county, []string{"done", "failed"}[i%2]),
				fmt.Sprintf(`INSERT INTO refund_runs (year, batch, region_code, status, evaluated, enterprises, amount, policy_version, created_by, created_at)
					VALUES (%d, %d, '%s', '%s', 10, 3, 90000, 't', 1, '2025-03-01T00:00:00Z')`, []int{2020 + i, 2025}[i%2], i+1, county, []string{"proposed", "rejected"}[i%2]),
				fmt.Sprintf(`INSERT INTO payment_runs (period, region_code, status, made, created_by, created_at)
					VALUES ('2025-%02d', '%s', '%s', 3, 1, '2025-03-01T00:00:00Z')`, 1+i, county, []string{"done", "failed"}[i%2]),
				fmt.Sprintf(`INSERT INTO payroll_runs (period, region_code, awards, new_lines, lines, regular, arrears, suspended, resumed, stopped, created_by, created_at)
					VALUES ('2025-%02d', '%s', 4, 4, 4, 1120000, 0, 0, 0, 0, 't', '2025-03-01T00:00:00Z')`, 1+i%3, county),
			} {
				if err := b.db.ExecRaw(systemContext(), q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
		}
	}
	org = b.createOrg(t, "admin", "652301", "MA7LXT01")
	for i := range n {
		// Each account in its owner's registered name.
		for owner, holder := range map[string]string{fmt.Sprintf("persons/%d", person): "王芳", fmt.Sprintf("organisations/%d", org): "测试企业 MA7LXT01"} {
			b.do(t, "POST", "/api/v1/"+owner+"/bank-accounts", "admin", map[string]any{"bank_code": "ICBC", "bank_name": "工商银行",
				"account_no": fmt.Sprintf("62220000222%05d", i), "account_name": holder}).want(t, http.StatusCreated)
		}
	}
	return person, org
}

// listQueries are the required query parameters of the list routes that
// have them, and the path of those under a record.
var listQueries = map[string]string{
	"/api/v1/arrears":                "from=2025-01&to=2025-12&",
	"/api/v1/assessments":            "period=2025-03&",
	"/api/v1/low-income":             "period=2025-03&",
	"/api/v1/payment-banks":          "fund=employee_pension&period=2025-03&",
	"/api/v1/assistance-reviews/due": "as_of=2025-06-30&",
	"/api/v1/service-points":         "region=652390&", // the 855 points of the prefecture are more than a page
}

// TestListsWalk walks every list route of the API page by page, as a
// county caseworker and as the prefecture's admin, and checks that the
// pages together hold exactly the list read at once: nothing lost,
// nothing twice, next_after set exactly while more remain.
func TestListsWalk(t *testing.T) {
	t.Parallel()
	b := setup(t)
	person, org := seedLists(t, b, 5)
	routes := listRoutes(t, b)
	multiPage := 0
	for _, rt := range routes {
		if !rt.pageable {
			t.Errorf("GET %s is a list without limit and after: every list pages", rt.path)
			continue
		}
		path := strings.NewReplacer("persons/{id}", fmt.Sprintf("persons/%d", person), "organisations/{id}", fmt.Sprintf("organisations/%d", org)).Replace(rt.path)
		if strings.Contains(path, "{") {
			t.Errorf("GET %s: give its path parameter a value here", rt.path)
			continue
		}
		query := listQueries[rt.path]
		for name, required := range rt.params {
			if required && !strings.Contains(query, name+"=") {
				t.Errorf("GET %s needs ?%s=: give it a value in listQueries", rt.path, name)
			}
		}
		for _, user := range []string{"admin", "cw1"} {
			if res := b.do(t, "GET", path+"?"+query+"limit=500", user, nil); res.status != http.StatusOK {
				if res.status != http.StatusForbidden {
					t.Errorf("GET %s as %s: status %d: %s", path, user, res.status, res.body)
				}
				continue
			}
			all, pages := walk(t, b, user, path, query, 500)
			if pages != 1 {
				t.Fatalf("GET %s as %s: %d pages of 500; seed fewer rows", path, user, pages)
			}
			got, pages := walk(t, b, user, path, query, 2)
			seen := map[string]int{}
			for _, it := range got {
				seen[it]++
			}
			for _, it := range all {
				if seen[it] != 1 {
					t.Errorf("GET %s as %s by pages of 2: item seen %d times, want once: %s", path, user, seen[it], it)
				}
			}
			if len(got) != len(all) {
				t.Errorf("GET %s as %s: %d items by pages of 2, %d at once", path, user, len(got), len(all))
			}
			if want := max(1, (len(all)+1)/2); pages != want {
				t.Errorf("GET %s as %s: %d pages of 2 for %d items", path, user, pages, len(all))
			}
			if pages > 2 {
				multiPage++
			}
		}
	}
	t.Logf("%d list routes, %d walks (as admin or cw1) over several pages", len(routes), multiPage)
	if len(routes) < 30 || multiPage < 30 {
		t.Errorf("%d list routes, %d walks over several pages; want at least 30 of each", len(routes), multiPage)
	}
}

// TestPaymentBatchesScope checks that a county caseworker lists, reads and
// changes only the batches and instructions of the county.
func TestPaymentBatchesScope(t *testing.T) {
	t.Parallel()
	b := setup(t)
	seedLists(t, b, 3)
	type batch struct {
		ID         int64  `json:"id"`
		RegionCode string `json:"region_code"`
	}
	var all, mine listJSON[batch]
	b.do(t, "GET", "/api/v1/payment-batches", "admin", nil).want(t, http.StatusOK).decode(t, &all)
	b.do(t, "GET", "/api/v1/payment-batches", "cw1", nil).want(t, http.StatusOK).decode(t, &mine)
	if len(all.Items) != 5 || len(mine.Items) != 3 {
		t.Fatalf("admin lists %d batches, cw1 %d; want 5 and 3", len(all.Items), len(mine.Items))
	}
	var fukang int64
	for _, bt := range mine.Items {
		if bt.RegionCode != "652301" {
			t.Errorf("cw1 lists batch %d of %s", bt.ID, bt.RegionCode)
		}
	}
	for _, bt := range all.Items {
		if bt.RegionCode == "652302" {
			fukang = bt.ID
		}
	}
	b.do(t, "GET", "/api/v1/payment-batches?region=652302", "cw1", nil).problem(t, http.StatusForbidden)
	for _, q := range []string{"status=open", "fund=pension"} {
		p := b.do(t, "GET", "/api/v1/payment-batches?"+q, "cw1", nil).problem(t, http.StatusUnprocessableEntity)
		if name, _, _ := strings.Cut(q, "="); len(p.Errors) != 1 || p.Errors[0].Field != name {
			t.Errorf("GET /api/v1/payment-batches?%s: errors %+v, want one naming %s", q, p.Errors, name)
		}
	}
	// Outside the scope, a batch is answered as missing.
	b.do(t, "GET", fmt.Sprintf("/api/v1/payment-batches/%d", fukang), "cw1", nil).problem(t, http.StatusNotFound)
	b.do(t, "POST", fmt.Sprintf("/api/v1/payment-batches/%d/cancellation", fukang), "cw1", map[string]any{"version": 1}).problem(t, http.StatusNotFound)

	type instruction struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	var fk listJSON[instruction]
	b.do(t, "GET", "/api/v1/payment-instructions?region=652302", "admin", nil).want(t, http.StatusOK).decode(t, &fk)
	if len(fk.Items) != 2 {
		t.Fatalf("%d instructions in Fukang, want 2", len(fk.Items))
	}
	for _, action := range []string{"holds", "releases", "retries"} {
		b.do(t, "POST", "/api/v1/payment-instructions/"+action, "cw2", map[string]any{"ids": []int64{fk.Items[0].ID}, "reason": "核查"}).want(t, http.StatusOK)
		b.do(t, "POST", "/api/v1/payment-instructions/"+action, "cw1", map[string]any{"ids": []int64{fk.Items[0].ID}, "reason": "核查"}).
			problem(t, http.StatusNotFound)
	}
	b.do(t, "GET", "/api/v1/payment-instructions?region=652302", "admin", nil).want(t, http.StatusOK).decode(t, &fk)
	// cw2 held it; without a bank account, the release keeps it held.
	if fk.Items[0].Status != "held" {
		t.Errorf("instruction %d is %s, want held by cw2", fk.Items[0].ID, fk.Items[0].Status)
	}
}

// TestRunLists checks that a reviewer finds the screening runs and jobs,
// refund runs and payroll runs of the scope, by period, programme and
// status.
func TestRunLists(t *testing.T) {
	t.Parallel()
	b := setup(t)
	seedLists(t, b, 5)
	type run struct {
		ID        int64  `json:"id"`
		Region    string `json:"region"`
		Status    string `json:"status"`
		Period    string `json:"period"`
		Programme string `json:"programme"`
		Year      int    `json:"year"`
	}
	tests := []struct {
		path, user string
		want       int
		check      func(run) bool
	}{
		{"/api/v1/screenings", "admin", 7, nil},
		{"/api/v1/screenings", "cw1", 5, func(r run) bool { return r.Region == "652301" }},
		{"/api/v1/screenings?status=proposed", "cw1", 3, func(r run) bool { return r.Status == "proposed" }},
		{"/api/v1/screenings?programme=tekun&period=2025-04", "cw1", 2, func(r run) bool { return r.Programme == "tekun" && r.Period == "2025-04" }},
		{"/api/v1/screenings?region=652302", "cw2", 2, func(r run) bool { return r.Region == "652302" }},
		{"/api/v1/screening-jobs", "cw1", 5, func(r run) bool { return r.Region == "652301" }},
		{"/api/v1/screening-jobs?status=failed", "admin", 3, func(r run) bool { return r.Status == "failed" }},
		{"/api/v1/screening-jobs?period=2025-02", "admin", 2, func(r run) bool { return r.Period == "2025-02" }},
		{"/api/v1/refund-runs", "cw1", 5, func(r run) bool { return r.Region == "652301" }},
		{"/api/v1/refund-runs?year=2025&status=rejected", "admin", 3, func(r run) bool { return r.Year == 2025 && r.Status == "rejected" }},
		{"/api/v1/payroll-runs", "cw2", 2, func(r run) bool { return r.Region == "652302" }},
		{"/api/v1/payroll-runs?period=2025-01", "cw1", 2, func(r run) bool { return r.Period == "2025-01" }},
		{"/api/v1/payroll-runs?region=652301", "analyst", 5, nil},
	}
	for _, tt := range tests {
		t.Run(tt.path+" as "+tt.user, func(t *testing.T) {
			var page listJSON[run]
			b.do(t, "GET", tt.path, tt.user, nil).want(t, http.StatusOK).decode(t, &page)
			if len(page.Items) != tt.want {
				t.Errorf("GET %s as %s: %d runs, want %d", tt.path, tt.user, len(page.Items), tt.want)
			}
			for _, r := range page.Items {
				if tt.check != nil && !tt.check(r) {
					t.Errorf("GET %s as %s lists %+v", tt.path, tt.user, r)
				}
			}
		})
	}
	// A payment run is listed from its start, with what it made at its end.
	b.do(t, "POST", "/api/v1/payment-runs", "cw1", map[string]any{"period": "2025-06"}).want(t, http.StatusOK)
	var pr listJSON[struct {
		Region, Status, Period string
		Made                   int
		FinishedAt             string `json:"finished_at"`
	}]
	b.do(t, "GET", "/api/v1/payment-runs?period=2025-06", "cw1", nil).want(t, http.StatusOK).decode(t, &pr)
	if len(pr.Items) != 1 || pr.Items[0].Region != "652301" || pr.Items[0].Status != "done" || pr.Items[0].FinishedAt == "" {
		t.Errorf("payment runs of 2025-06: %+v, want cw1's run, done", pr.Items)
	}
	for path, want := range map[string]int{"/api/v1/payment-runs": 6, "/api/v1/payment-runs?status=failed": 2, "/api/v1/payment-runs?status=running": 0} {
		b.do(t, "GET", path, "cw1", nil).want(t, http.StatusOK).decode(t, &pr)
		if len(pr.Items) != want {
			t.Errorf("GET %s as cw1: %d runs, want %d", path, len(pr.Items), want)
		}
	}
	if p := b.do(t, "GET", "/api/v1/payment-runs?status=stuck", "cw1", nil).problem(t, http.StatusUnprocessableEntity); len(p.Errors) != 1 || p.Errors[0].Field != "status" {
		t.Errorf("errors %+v, want one naming status", p.Errors)
	}
	for _, path := range []string{"/api/v1/screenings?region=652302", "/api/v1/screening-jobs?region=652302", "/api/v1/refund-runs?region=652302",
		"/api/v1/payroll-runs?region=652302", "/api/v1/payment-runs?region=652302"} {
		b.do(t, "GET", path, "cw1", nil).problem(t, http.StatusForbidden)
	}
	p := b.do(t, "GET", "/api/v1/refund-runs?year=last", "cw1", nil).problem(t, http.StatusUnprocessableEntity)
	if _, ok := p.field("year"); !ok {
		t.Errorf("errors %+v do not name year", p.Errors)
	}
}
