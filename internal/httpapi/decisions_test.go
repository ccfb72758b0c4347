package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"safetynet/internal/ids"
	"safetynet/internal/period"
)

// TestRejectionsNameTheNote rejects a screening run, a refund run and an
// assistance case without a reason: each 422 names note, the field the
// client sends the reason in, and not a field the request has not got.
// With a note, each rejection goes through.
func TestRejectionsNameTheNote(t *testing.T) {
	b := setup(t)
	vs := villages(t, "652301", 1)
	wantNote := func(what string, pb problemBody) {
		t.Helper()
		if _, ok := pb.field("note"); !ok || len(pb.Errors) != 1 {
			t.Errorf("%s without a note: errors %+v, want one naming note", what, pb.Errors)
		}
	}
	var status struct {
		ID      int64  `json:"id"`
		Status  string `json:"status"`
		Version int64  `json:"version"`
	}

	// A screening run of the high-age allowance, finding one 88-year-old.
	id, err := ids.MakeResidentID("652301", period.MustDate(1938, time.March, 3), 7)
	if err != nil {
		t.Fatal(err)
	}
	var p personJSON
	b.do(t, "POST", "/api/v1/persons", "cw1", map[string]any{
		"id_number": id, "name": "马桂兰", "ethnicity": "hui", "hukou_type": "rural", "hukou_region": "652301", "region_code": vs[0],
	}).want(t, http.StatusCreated).decode(t, &p)
	var h struct {
		ID int64 `json:"id"`
	}
	b.do(t, "POST", "/api/v1/households", "cw1", map[string]any{
		"region_code": vs[0], "hukou_type": "rural", "members": []map[string]any{{"person_id": p.ID, "relation": "head"}},
	}).want(t, http.StatusCreated).decode(t, &h)
	month := period.DateOf(time.Now().In(time.FixedZone("CST", 8*3600))).Period().String()
	b.do(t, "POST", "/api/v1/screenings", "cw1", map[string]any{"programme": "high_age_allowance", "period": month}).
		want(t, http.StatusCreated).decode(t, &status)
	path := fmt.Sprintf("/api/v1/screenings/%d", status.ID)
	b.do(t, "POST", path+"/review", "cw1", map[string]any{"all": true}).want(t, http.StatusOK)
	wantNote("screening rejection", b.do(t, "POST", path+"/decision", "approver", map[string]any{"approve": false}).problem(t, http.StatusUnprocessableEntity))
	b.do(t, "POST", path+"/decision", "approver", map[string]any{"approve": false, "note": "年龄核实有误"}).want(t, http.StatusOK).decode(t, &status)
	if status.Status != "rejected" {
		t.Errorf("screening run after a rejection with a note: %s", status.Status)
	}

	// A refund screening with no employers to refund records no run, so
	// there is nothing to reject (the refund rejection's note is checked in
	// the store's TestRefundEndToEnd, which has employers to refund).
	b.do(t, "POST", "/api/v1/refund-runs", "cw1", map[string]any{"year": 2025}).want(t, http.StatusOK).decode(t, &status)
	if status.ID != 0 || status.Status != "none" {
		t.Errorf("refund screening with nobody to refund: run %d %s, want none recorded", status.ID, status.Status)
	}

	// A 低保 case on notice, refused.
	b.do(t, "POST", "/api/v1/assistance-cases", "cw1", map[string]any{"programme": "dibao", "household_id": h.ID, "channel": "online"}).
		want(t, http.StatusCreated).decode(t, &status)
	path = fmt.Sprintf("/api/v1/assistance-cases/%d", status.ID)
	b.do(t, "POST", path+"/investigation", "cw1", map[string]any{"version": status.Version, "heating_type": "self_heating",
		"members": []map[string]any{{"person_id": p.ID, "has_supporter": true}},
		"lines":   []map[string]any{{"person_id": p.ID, "kind": "income.wage", "amount": 120_000}}}).want(t, http.StatusOK).decode(t, &status)
	b.do(t, "POST", path+"/assessment", "cw1", map[string]any{"version": status.Version}).want(t, http.StatusOK).decode(t, &status)
	wantNote("case refusal", b.do(t, "POST", path+"/refusal", "approver", map[string]any{"version": status.Version}).problem(t, http.StatusUnprocessableEntity))
	b.do(t, "POST", path+"/refusal", "approver", map[string]any{"version": status.Version, "note": "有赡养人"}).want(t, http.StatusOK).decode(t, &status)
	if status.Status != "refused" {
		t.Errorf("case after a refusal with a note: %s", status.Status)
	}
}
