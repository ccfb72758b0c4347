package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"safetynet/internal/ids"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// concurrently sends n copies of a request as user at once and returns the
// answers (status and body), in no particular order. It calls no t.Fatal
// off the test's goroutine: a failed request is an answer of status 0.
func (b *testBundle) concurrently(t *testing.T, n int, method, path, user string, body any) []*result {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	tok := b.token(t, user)
	out := make([]*result, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = &result{}
			req, err := http.NewRequest(method, b.url+path, bytes.NewReader(raw))
			if err != nil {
				out[i].body = []byte(err.Error())
				return
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				out[i].body = []byte(err.Error())
				return
			}
			defer resp.Body.Close()
			out[i].status, out[i].header = resp.StatusCode, resp.Header
			out[i].body, _ = io.ReadAll(resp.Body)
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// elder registers an 88-year-old living alone in a village of county: one
// for the high-age allowance.
func (b *testBundle) elder(t *testing.T, county region.Code, seq int) {
	t.Helper()
	vs := villages(t, county, 1)
	id, err := ids.MakeResidentID(string(county), period.MustDate(1938, time.March, 3), seq)
	if err != nil {
		t.Fatal(err)
	}
	var p personJSON
	b.do(t, "POST", "/api/v1/persons", "admin", map[string]any{
		"id_number": id, "name": "马桂兰", "ethnicity": "hui", "hukou_type": "rural", "hukou_region": string(county), "region_code": vs[0],
	}).want(t, http.StatusCreated).decode(t, &p)
	b.do(t, "POST", "/api/v1/households", "admin", map[string]any{
		"region_code": vs[0], "hukou_type": "rural", "members": []map[string]any{{"person_id": p.ID, "relation": "head"}},
	}).want(t, http.StatusCreated)
}

// onceRunJSON is what these tests read of a screening run.
type onceRunJSON struct {
	ID           int64  `json:"id"`
	Programme    string `json:"programme"`
	Period       string `json:"period"`
	Region       string `json:"region"`
	Status       string `json:"status"`
	SupersededBy int64  `json:"superseded_by"`
	Supersedes   int64  `json:"supersedes"`
}

// allRuns reads every screening run there is, by id from 1 until 25 in a
// row are not found.
func (b *testBundle) allRuns(t *testing.T) []onceRunJSON {
	t.Helper()
	var out []onceRunJSON
	for id, missing := 1, 0; missing < 25; id++ {
		res := b.do(t, "GET", "/api/v1/screenings/"+strconv.Itoa(id), "admin", nil)
		if res.status == http.StatusNotFound {
			missing++
			continue
		}
		missing = 0
		var r onceRunJSON
		res.want(t, http.StatusOK).decode(t, &r)
		out = append(out, r)
	}
	return out
}

// openRuns counts the undecided, not superseded runs per programme, month
// and region.
func openRuns(runs []onceRunJSON) map[string]int {
	out := map[string]int{}
	for _, r := range runs {
		if r.Status == "proposed" || r.Status == "reviewed" {
			out[r.Programme+"/"+r.Period+"/"+r.Region]++
		}
	}
	return out
}

// TestScreeningJobStartedOnce posts twenty screening jobs of one month at
// once, on each engine: every answer is 202 at a job of the month (the
// same one, unless it ended before a late answer started the next), each
// job is claimed by one answer and runs once (one attempt) to its end with
// one run per programme, and no programme has a second open run.
func TestScreeningJobStartedOnce(t *testing.T) {
	for name, open := range sqlstoretest.Engines() {
		t.Run(name, func(t *testing.T) {
			b := setupOn(t, open)
			b.elder(t, "652301", 7)
			month := period.DateOf(time.Now().In(time.FixedZone("CST", 8*3600))).Period().String()
			type jobJSON struct {
				ID       int64   `json:"id"`
				Status   string  `json:"status"`
				Claimed  bool    `json:"claimed"`
				Attempts int     `json:"attempts"`
				RunIDs   []int64 `json:"run_ids"`
				Error    string  `json:"error"`
			}
			follow := func(id int64) jobJSON {
				t.Helper()
				var job jobJSON
				for deadline := time.Now().Add(60 * time.Second); ; {
					b.do(t, "GET", fmt.Sprintf("/api/v1/screening-jobs/%d", id), "cw1", nil).want(t, http.StatusOK).decode(t, &job)
					if job.Status != "running" {
						return job
					}
					if time.Now().After(deadline) {
						t.Fatalf("job %+v still running after 60 s", job)
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
			answers := b.concurrently(t, 20, "POST", "/api/v1/screening-jobs", "cw1", map[string]any{"period": month})
			claims := map[int64]int{}
			for i, res := range answers {
				if res.status != http.StatusAccepted {
					t.Fatalf("answer %d: status %d, want 202; body %s", i, res.status, res.body)
				}
				var j jobJSON
				res.decode(t, &j)
				if res.header.Get("Location") != fmt.Sprintf("/api/v1/screening-jobs/%d", j.ID) {
					t.Errorf("answer %d: job %d at %q", i, j.ID, res.header.Get("Location"))
				}
				claims[j.ID] += 0
				if j.Claimed {
					claims[j.ID]++
				}
			}
			for id, n := range claims {
				if n != 1 {
					t.Errorf("job %d claimed by %d answers, want 1", id, n)
				}
				if job := follow(id); job.Status != "done" || job.Attempts != 1 || len(job.RunIDs) != 5 {
					t.Errorf("job %+v: want done in one attempt with 5 runs", job)
				}
			}
			if len(claims) > 1 {
				t.Logf("%d jobs: the first ended before a late answer arrived", len(claims))
			}
			// A later start of the month is a new job whose runs supersede
			// the earlier's: still one open run per programme.
			var job jobJSON
			b.do(t, "POST", "/api/v1/screening-jobs", "cw1", map[string]any{"period": month}).want(t, http.StatusAccepted).decode(t, &job)
			if _, seen := claims[job.ID]; seen || !job.Claimed {
				t.Fatalf("a start after the jobs ended: %+v; want a new job, claimed", job)
			}
			if job = follow(job.ID); job.Status != "done" || job.Attempts != 1 {
				t.Fatalf("the later job %+v: want done in one attempt", job)
			}
			runs := b.allRuns(t)
			if want := 5 * (len(claims) + 1); len(runs) != want {
				t.Errorf("%d runs stored, want the 5 of each of the %d jobs", len(runs), len(claims)+1)
			}
			for key, n := range openRuns(runs) {
				if n != 1 {
					t.Errorf("%d open runs of %s, want 1", n, key)
				}
			}
			if len(openRuns(runs)) != 5 {
				t.Errorf("open runs %v, want one per programme", openRuns(runs))
			}
		})
	}
}

// TestScreeningProposedOnce posts twenty screenings of one programme and
// month at once, on each engine: one run stays open; every other answer
// is a run it superseded (pointing on to the next) or a 409 naming the
// open run.
func TestScreeningProposedOnce(t *testing.T) {
	for name, open := range sqlstoretest.Engines() {
		t.Run(name, func(t *testing.T) {
			b := setupOn(t, open)
			b.elder(t, "652301", 7)
			month := period.DateOf(time.Now().In(time.FixedZone("CST", 8*3600))).Period().String()
			answers := b.concurrently(t, 20, "POST", "/api/v1/screenings", "cw1", map[string]any{"programme": "high_age_allowance", "period": month})
			var conflicts []string
			for i, res := range answers {
				switch res.status {
				case http.StatusCreated:
				case http.StatusConflict:
					var p problemBody
					res.decode(t, &p)
					conflicts = append(conflicts, p.Detail)
				default:
					t.Fatalf("answer %d: status %d, want 201 or 409; body %s", i, res.status, res.body)
				}
			}
			runs := b.allRuns(t)
			open := openRuns(runs)
			if len(open) != 1 || open["high_age_allowance/"+month+"/652301"] != 1 {
				t.Fatalf("open runs %v after 20 screenings at once, want one", open)
			}
			var live int64
			byID := map[int64]onceRunJSON{}
			for _, r := range runs {
				byID[r.ID] = r
				if r.Status == "proposed" {
					live = r.ID
				}
			}
			if len(runs)+len(conflicts) != 20 {
				t.Errorf("%d runs and %d conflicts, want 20 answers in all", len(runs), len(conflicts))
			}
			for _, r := range runs {
				if r.ID == live {
					continue
				}
				if r.Status != "superseded" || byID[r.SupersededBy].Supersedes != r.ID {
					t.Errorf("run %+v: want superseded by a run that says so", r)
				}
			}
			for _, d := range conflicts {
				if !strings.Contains(d, "screening run ") {
					t.Errorf("409 %q does not name the open run", d)
				}
			}
			// The superseded runs are not decided; the open one is.
			for _, r := range runs {
				path := fmt.Sprintf("/api/v1/screenings/%d/decision", r.ID)
				if r.ID == live {
					b.do(t, "POST", path, "approver", map[string]any{"outcome": "approve"}).want(t, http.StatusOK)
					continue
				}
				pb := b.do(t, "POST", path, "approver", map[string]any{"outcome": "approve"}).problem(t, http.StatusConflict)
				if !strings.Contains(pb.Detail, "superseded by run") {
					t.Errorf("deciding superseded run %d: %q, want it to name the run that superseded it", r.ID, pb.Detail)
				}
			}
		})
	}
}

// TestCountyReviewOfPrefectureScreening has a prefecture-wide screening
// reviewed county by county: each county's caseworker follows the
// prefecture's job, reads and reviews
// the items of their county only, once; a new screening does not replace
// a run under review; the approver cannot approve before every county has
// reviewed, then approves, and only the accepted items become awards.
func TestCountyReviewOfPrefectureScreening(t *testing.T) {
	b := setup(t)
	b.elder(t, "652301", 7)
	b.elder(t, "652302", 8)
	month := period.DateOf(time.Now().In(time.FixedZone("CST", 8*3600))).Period().String()
	type itemJSON struct {
		Seq        int    `json:"seq"`
		Change     string `json:"change"`
		RegionCode string `json:"region_code"`
		Accepted   bool   `json:"accepted"`
		ReviewedBy int64  `json:"reviewed_by"`
	}
	type countyJSON struct {
		County   string `json:"county"`
		Items    int    `json:"items"`
		Reviewed int    `json:"reviewed"`
	}
	type runJSON struct {
		ID         int64        `json:"id"`
		Status     string       `json:"status"`
		Supersedes int64        `json:"supersedes"`
		NewAwards  int          `json:"new_awards"`
		Counties   []countyJSON `json:"counties"`
		Items      []itemJSON   `json:"items"`
	}
	// The county caseworkers find the runs of a prefecture-wide job.
	var job struct {
		ID     int64   `json:"id"`
		Status string  `json:"status"`
		RunIDs []int64 `json:"run_ids"`
	}
	b.do(t, "POST", "/api/v1/screening-jobs", "admin", map[string]any{"period": month, "region": "652300"}).want(t, http.StatusAccepted).decode(t, &job)
	for deadline := time.Now().Add(60 * time.Second); job.Status == "running"; {
		if time.Now().After(deadline) {
			t.Fatalf("job %+v still running after 60 s", job)
		}
		time.Sleep(20 * time.Millisecond)
		b.do(t, "GET", fmt.Sprintf("/api/v1/screening-jobs/%d", job.ID), "cw1", nil).want(t, http.StatusOK).decode(t, &job)
	}
	if job.Status != "done" || len(job.RunIDs) != 5 {
		t.Fatalf("the prefecture's job as Changji City reads it: %+v; want done with its 5 runs", job)
	}
	// A screening of the programme again supersedes the job's run, which
	// nobody has reviewed.
	var run runJSON
	b.do(t, "POST", "/api/v1/screenings", "admin", map[string]any{"programme": "high_age_allowance", "period": month, "region": "652300"}).
		want(t, http.StatusCreated).decode(t, &run)
	if !slices.Contains(job.RunIDs, run.Supersedes) {
		t.Errorf("the new run supersedes run %d, want the job's high-age run (one of %v)", run.Supersedes, job.RunIDs)
	}
	if len(run.Items) != 2 || len(run.Counties) != 2 || run.Counties[0] != (countyJSON{County: "652301", Items: 1}) {
		t.Fatalf("prefecture run %+v: want one new item in each of 652301 and 652302", run)
	}
	seqOf := map[string]int{}
	for _, it := range run.Items {
		seqOf[it.RegionCode[:6]] = it.Seq
	}
	path := fmt.Sprintf("/api/v1/screenings/%d", run.ID)

	// Each county reads its own items.
	var seen runJSON
	b.do(t, "GET", path, "cw1", nil).want(t, http.StatusOK).decode(t, &seen)
	if len(seen.Items) != 1 || seen.Items[0].RegionCode[:6] != "652301" {
		t.Fatalf("the run as Changji City reads it: %+v; want its one item only", seen)
	}
	pb := b.do(t, "POST", path+"/reviews", "cw1", map[string]any{"accept": []int{seqOf["652302"]}, "reason": "x"}).problem(t, http.StatusUnprocessableEntity)
	if _, ok := pb.field("accept"); !ok {
		t.Errorf("Changji City accepting Fukang's item: %+v, want the accept field named", pb)
	}
	b.do(t, "POST", path+"/reviews", "cw1", map[string]any{"all": true}).want(t, http.StatusOK).decode(t, &seen)
	if seen.Status != "proposed" || len(seen.Items) != 1 || seen.Items[0].ReviewedBy == 0 || !seen.Items[0].Accepted {
		t.Fatalf("after Changji City's review: %+v; want its item reviewed, accepted, the run still proposed", seen)
	}
	b.do(t, "POST", path+"/reviews", "cw1", map[string]any{"all": true}).problem(t, http.StatusConflict)
	// Under review, the run is not replaced by a new screening.
	pb = b.do(t, "POST", "/api/v1/screenings", "admin", map[string]any{"programme": "high_age_allowance", "period": month, "region": "652300"}).
		problem(t, http.StatusConflict)
	if !strings.Contains(pb.Detail, fmt.Sprintf("screening run %d ", run.ID)) {
		t.Errorf("a new screening of a run under review: %q, want the open run named", pb.Detail)
	}
	pb = b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "approve"}).problem(t, http.StatusConflict)
	if !strings.Contains(pb.Detail, "652302") {
		t.Errorf("approval before Fukang reviewed: %q, want Fukang named as still to review", pb.Detail)
	}

	// Fukang leaves its item out; the run is then reviewed and approved.
	b.do(t, "POST", path+"/reviews", "cw2", map[string]any{"accept": []int{}, "reason": "户籍待核实"}).want(t, http.StatusOK).decode(t, &seen)
	if seen.Status != "reviewed" {
		t.Fatalf("after every county reviewed: %+v; want reviewed", seen)
	}
	b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "approve"}).want(t, http.StatusOK).decode(t, &run)
	if run.Status != "approved" || run.Counties[0].Reviewed != 1 || run.Counties[1].Reviewed != 1 {
		t.Fatalf("decided run %+v: want approved with both counties reviewed", run)
	}
	// Changji City's elder is awarded, Fukang's is not.
	for _, c := range []struct {
		user, county string
		new          int
	}{{"cw1", "652301", 0}, {"cw2", "652302", 1}} {
		var again runJSON
		b.do(t, "POST", "/api/v1/screenings", c.user, map[string]any{"programme": "high_age_allowance", "period": month, "region": c.county}).
			want(t, http.StatusCreated).decode(t, &again)
		if again.NewAwards != c.new {
			t.Errorf("screening %s after the decision: %d new, want %d", c.county, again.NewAwards, c.new)
		}
	}
}
