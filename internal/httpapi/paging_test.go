package httpapi

import (
	"testing"

	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

// TestKeyPageArrears pages arrears rows, whose identity is employer, month
// and scheme, by their one-integer key: every row once, in order, with
// next_after set exactly while more remain.
func TestKeyPageArrears(t *testing.T) {
	var rows []insurance.ArrearsRow
	for _, org := range []registry.OrgID{9, 2, 5} {
		for _, m := range []period.Month{period.NewMonth(2025, 3), period.NewMonth(2024, 12)} {
			for _, sc := range []insurance.Scheme{insurance.WorkInjury, insurance.EmployeePension, insurance.Unemployment} {
				rows = append(rows, insurance.ArrearsRow{OrgID: org, Period: m, Scheme: sc})
			}
		}
	}
	conv := func(a insurance.ArrearsRow) insurance.ArrearsRow { return a }
	var got []insurance.ArrearsRow
	page, pages := registry.Page{Limit: 4 + 1}, 0
	for {
		l := newList(keyPage(rows, page, arrearsKey), page.Limit, arrearsKey, conv)
		got = append(got, l.Items...)
		pages++
		if l.NextAfter == nil {
			break
		}
		if pages > 10 {
			t.Fatal("the pages do not end")
		}
		page.After = *l.NextAfter
	}
	if len(got) != 18 || pages != 5 {
		t.Fatalf("%d rows in %d pages, want 18 in 5", len(got), pages)
	}
	for i := 1; i < len(got); i++ {
		a, b := got[i-1], got[i]
		if a.OrgID > b.OrgID || a.OrgID == b.OrgID && (a.Period > b.Period || a.Period == b.Period && arrearsKey(a) >= arrearsKey(b)) {
			t.Errorf("row %d %+v before row %d %+v: want employer, month, scheme order, each once", i-1, a, i, b)
		}
	}
}
