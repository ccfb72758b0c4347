package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"safetynet/internal/ids"
	"safetynet/internal/period"
)

// TestScreeningAPI finds an 88-year-old for the high-age allowance with no
// application: a caseworker screens and reviews, a caseworker may not
// approve, an approver does and the award exists. Then the screening of
// every programme runs in the background: the caller follows its percent
// to the end and finds a run per programme, the 88-year-old's allowance
// unchanged.
func TestScreeningAPI(t *testing.T) {
	b := setup(t)
	vs := villages(t, "652301", 1)
	id, err := ids.MakeResidentID("652301", period.MustDate(1938, time.March, 3), 7)
	if err != nil {
		t.Fatal(err)
	}
	var p personJSON
	b.do(t, "POST", "/api/v1/persons", "cw1", map[string]any{
		"id_number": id, "name": "马桂兰", "ethnicity": "hui", "hukou_type": "rural", "hukou_region": "652301", "region_code": vs[0],
	}).want(t, http.StatusCreated).decode(t, &p)
	b.do(t, "POST", "/api/v1/households", "cw1", map[string]any{
		"region_code": vs[0], "hukou_type": "rural", "members": []map[string]any{{"person_id": p.ID, "relation": "head"}},
	}).want(t, http.StatusCreated)
	month := period.DateOf(time.Now().In(time.FixedZone("CST", 8*3600))).Period().String()

	type runJSON struct {
		ID        int64  `json:"id"`
		Programme string `json:"programme"`
		Status    string `json:"status"`
		NewAwards int    `json:"new_awards"`
		Changed   int    `json:"changed"`
		Stopped   int    `json:"stopped"`
		Items     []struct {
			PersonID int64 `json:"person_id"`
			Amount   int64 `json:"amount"`
		} `json:"items"`
	}
	pb := b.do(t, "POST", "/api/v1/screenings", "cw1", map[string]any{"programme": "dibao", "period": month}).problem(t, http.StatusUnprocessableEntity)
	if _, ok := pb.field("programme"); !ok {
		t.Errorf("screening dibao: errors %+v do not name the programme", pb.Errors)
	}
	var run runJSON
	b.do(t, "POST", "/api/v1/screenings", "cw1", map[string]any{"programme": "high_age_allowance", "period": month}).
		want(t, http.StatusCreated).decode(t, &run)
	if run.NewAwards != 1 || len(run.Items) != 1 || run.Items[0].PersonID != p.ID || run.Items[0].Amount <= 0 {
		t.Fatalf("run %+v: want person %d new", run, p.ID)
	}
	path := fmt.Sprintf("/api/v1/screenings/%d", run.ID)
	b.do(t, "POST", path+"/reviews", "cw1", map[string]any{"all": true}).want(t, http.StatusOK).decode(t, &run)
	if run.Status != "reviewed" {
		t.Fatalf("after review: %s", run.Status)
	}
	b.do(t, "POST", path+"/decision", "cw1", map[string]any{"outcome": "approve"}).problem(t, http.StatusForbidden)
	b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "approve"}).want(t, http.StatusOK).decode(t, &run)
	if run.Status != "approved" {
		t.Fatalf("after decision: %s", run.Status)
	}

	b.do(t, "POST", "/api/v1/screening-jobs", "cw1", map[string]any{"period": "2025-13"}).problem(t, http.StatusUnprocessableEntity)
	b.do(t, "POST", "/api/v1/screening-jobs", "cw2", map[string]any{"period": month, "region": "652301"}).problem(t, http.StatusForbidden)
	type jobJSON struct {
		ID      int64   `json:"id"`
		Status  string  `json:"status"`
		Phase   string  `json:"phase"`
		Percent float64 `json:"percent"`
		Done    int     `json:"done"`
		Total   int     `json:"total"`
		RunIDs  []int64 `json:"run_ids"`
		Error   string  `json:"error"`
	}
	var job jobJSON
	res := b.do(t, "POST", "/api/v1/screening-jobs", "cw1", map[string]any{"period": month}).want(t, http.StatusAccepted)
	res.decode(t, &job)
	loc := res.header.Get("Location")
	if loc != fmt.Sprintf("/api/v1/screening-jobs/%d", job.ID) || job.Status != "running" {
		t.Fatalf("started job %+v at %q", job, loc)
	}
	for deadline := time.Now().Add(30 * time.Second); job.Status == "running"; {
		if time.Now().After(deadline) {
			t.Fatalf("job %+v still running after 30 s", job)
		}
		time.Sleep(20 * time.Millisecond)
		b.do(t, "GET", loc, "cw1", nil).want(t, http.StatusOK).decode(t, &job)
		if job.Percent < 0 || job.Percent > 100 {
			t.Fatalf("job at %v%%", job.Percent)
		}
	}
	if job.Status != "done" || job.Phase != "done" || job.Percent != 100 || job.Done != job.Total || len(job.RunIDs) != 5 {
		t.Fatalf("job %+v: want done at 100%% with 5 runs", job)
	}
	b.do(t, "GET", loc, "cw2", nil).problem(t, http.StatusNotFound)
	seen := map[string]bool{}
	for _, id := range job.RunIDs {
		var r runJSON
		b.do(t, "GET", fmt.Sprintf("/api/v1/screenings/%d", id), "cw1", nil).want(t, http.StatusOK).decode(t, &r)
		seen[r.Programme] = true
		if r.Programme == "high_age_allowance" && (r.NewAwards != 0 || r.Changed != 0 || r.Stopped != 0) {
			t.Errorf("the job's high-age run %+v: the award is in place, nothing to change", r)
		}
	}
	if len(seen) != 5 || !seen["heating_assistance"] || !seen["disability_care_subsidy"] {
		t.Errorf("the job's runs are of %v", seen)
	}
}

// TestScreeningReviewItemNotes: a review gives an item left out its own
// reason (notes) instead of the one reason for all; a note for an item
// the run has not is a 422 naming it.
func TestScreeningReviewItemNotes(t *testing.T) {
	b := setup(t)
	vs := villages(t, "652301", 1)
	id, err := ids.MakeResidentID("652301", period.MustDate(1938, time.March, 3), 7)
	if err != nil {
		t.Fatal(err)
	}
	var p personJSON
	b.do(t, "POST", "/api/v1/persons", "cw1", map[string]any{
		"id_number": id, "name": "马桂兰", "ethnicity": "hui", "hukou_type": "rural", "hukou_region": "652301", "region_code": vs[0],
	}).want(t, http.StatusCreated).decode(t, &p)
	b.do(t, "POST", "/api/v1/households", "cw1", map[string]any{
		"region_code": vs[0], "hukou_type": "rural", "members": []map[string]any{{"person_id": p.ID, "relation": "head"}},
	}).want(t, http.StatusCreated)
	month := period.DateOf(time.Now().In(time.FixedZone("CST", 8*3600))).Period().String()
	var run struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
		Items  []struct {
			Seq      int    `json:"seq"`
			Accepted bool   `json:"accepted"`
			Note     string `json:"note"`
		} `json:"items"`
	}
	b.do(t, "POST", "/api/v1/screenings", "cw1", map[string]any{"programme": "high_age_allowance", "period": month}).
		want(t, http.StatusCreated).decode(t, &run)
	if len(run.Items) != 1 {
		t.Fatalf("the run has %d items, want 1", len(run.Items))
	}
	path := fmt.Sprintf("/api/v1/screenings/%d/reviews", run.ID)
	pb := b.do(t, "POST", path, "cw1", map[string]any{"accept": []int{}, "notes": []map[string]any{{"seq": 5, "note": "无此条"}}}).problem(t, http.StatusUnprocessableEntity)
	if _, ok := pb.field("notes.5"); !ok {
		t.Errorf("a note for item 5 of 1: errors %+v do not name notes.5", pb.Errors)
	}
	b.do(t, "POST", path, "cw1", map[string]any{"accept": []int{}, "notes": []map[string]any{{"seq": 1, "note": "本人已迁往外省"}}}).
		want(t, http.StatusOK).decode(t, &run)
	if run.Status != "reviewed" || run.Items[0].Accepted || run.Items[0].Note != "本人已迁往外省" {
		t.Errorf("after the review: %+v, want item 1 left out with its own reason", run)
	}
}
