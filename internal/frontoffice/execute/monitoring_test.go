package execute_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/monitoring"
	"safetynet/internal/period"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestMonitoringSignal records a person's report of hardship once as a
// signal of the civil affairs bureau, on both engines, and names what a
// report leaves out.
func TestMonitoringSignal(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := sqlstoretest.NewAssistance(t, open)
		set := ab.App.Executors
		h, ps := ab.Household(t, sqlstoretest.Village(t, "652301", 4), 11, period.MustDate(1970, time.April, 2))
		req := request("SN1", "monitoring.signal", nil, map[string]any{"kind": "hospital_bill", "occurred_on": "2026-11-10", "amount": 3_500_000, "detail": "住院手术"})
		req.Person = ps[0].ID
		r := twice(t, set, ab.CW, "monitoring.signal", req)
		sg, err := ab.App.Monitoring.SignalOfBatch(ab.CW, h.ID, "SN1")
		if err != nil || r.Ref != "signal:"+strconv.FormatInt(int64(sg.ID), 10) || sg.Source != monitoring.CivilAffairs || sg.Amount != 3_500_000 || sg.Processed {
			t.Fatalf("signal %+v, %v for %+v; want the one report, waiting in the queue", sg, err, r)
		}
		if !strings.Contains(r.Summary, "大额医疗支出") {
			t.Errorf("summary %q, want the kind named", r.Summary)
		}
		if _, err := ab.App.Monitoring.SignalOfBatch(ab.CaseworkerOfElsewhere, h.ID, "SN1"); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("the signal read by a caseworker of another county: %v, want not found", err)
		}
		wantProblems(t, set, ab.CW, "monitoring.signal", request("SN2", "monitoring.signal", nil, map[string]any{"kind": "new_disability", "amount": 5}),
			"person_id", "form.occurred_on", "form.amount", "form.grade")
	})
}
