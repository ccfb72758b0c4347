package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestArrearsPagesByKey walks GET /api/v1/arrears a row at a time and two
// rows at a time: the pages, read from the store an employer at a time,
// give every month of every employer in arrears once, in order, as the
// whole list does.
func TestArrearsPagesByKey(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v := villages(t, "652301", 1)[0]
	for i, code8 := range []string{"MA7ARR01", "MA7ARR02", "MA7ARR03"} {
		p := b.createPerson(t, "cw1", v, 91+i)
		org := b.createOrg(t, "cw1", "652301", code8)
		b.do(t, "POST", "/api/v1/employment", "cw1", map[string]any{
			"person_id": p.ID, "org_id": org, "start": "2024-07-01", "monthly_wage": 700000 + 100000*i,
		}).want(t, http.StatusCreated)
		b.enrol(t, "cw1", map[string]any{
			"person_id": p.ID, "scheme": "employee_pension", "kind": "employer", "org_id": org, "start": "2025-01",
		}).want(t, http.StatusCreated)
	}
	for _, m := range []string{"2025-03", "2025-04"} {
		b.do(t, "POST", "/api/v1/assessments", "cw1", map[string]any{"period": m}).want(t, http.StatusOK)
	}
	var whole listJSON[arrearsJSON]
	b.do(t, "GET", "/api/v1/arrears?from=2025-01&to=2025-06&limit=500", "cw1", nil).want(t, http.StatusOK).decode(t, &whole)
	if len(whole.Items) != 6 || whole.NextAfter != nil {
		t.Fatalf("arrears of three employers over two months: %+v, want 6 rows on one page", whole)
	}
	for _, size := range []int{1, 2, 4} {
		var got []arrearsJSON
		after := int64(0)
		for range 10 {
			var page listJSON[arrearsJSON]
			b.do(t, "GET", fmt.Sprintf("/api/v1/arrears?from=2025-01&to=2025-06&limit=%d&after=%d", size, after), "cw1", nil).
				want(t, http.StatusOK).decode(t, &page)
			if len(page.Items) > size {
				t.Fatalf("a page of %d has %d rows", size, len(page.Items))
			}
			got = append(got, page.Items...)
			if page.NextAfter == nil {
				break
			}
			after = *page.NextAfter
		}
		if diff := cmp.Diff(whole.Items, got); diff != "" {
			t.Errorf("arrears in pages of %d (-whole +pages):\n%s", size, diff)
		}
	}
}
