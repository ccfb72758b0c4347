package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/screening"
)

// screeningJobJSON is what these tests read of a screening job.
type screeningJobJSON struct {
	ID         int64   `json:"id"`
	Status     string  `json:"status"`
	Phase      string  `json:"phase"`
	Claimed    bool    `json:"claimed"`
	Queued     bool    `json:"queued"`
	LeaseOwner string  `json:"lease_owner"`
	Attempts   int     `json:"attempts"`
	RunIDs     []int64 `json:"run_ids"`
	Error      string  `json:"error"`
}

// followJob reads job id until it is no longer running.
func (b *testBundle) followJob(t *testing.T, id int64) screeningJobJSON {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); ; {
		var job screeningJobJSON
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

// occupy hands the bundle's job runner as many jobs as it has slots,
// each waiting, even when cancelled, until the returned function is first
// called: the jobs handed after them wait queued until then.
func (b *testBundle) occupy(t *testing.T) (release func()) {
	t.Helper()
	ch := make(chan struct{})
	for i := range b.jobs.Limit() {
		if _, err := b.jobs.Go(context.Background(), fmt.Sprint("blocker ", i), func(context.Context) error { <-ch; return nil }); err != nil {
			t.Fatalf("blocker %d: %v", i, err)
		}
	}
	var once sync.Once
	return func() { once.Do(func() { close(ch) }) }
}

// TestScreeningJobGoesThroughTheRunner: with the runner's slots all taken,
// a started screening job is answered 202 queued, stored running with no
// lease holder, and runs to its end once a slot frees; run by the runner,
// not by the request, it survives the request's end.
func TestScreeningJobGoesThroughTheRunner(t *testing.T) {
	b := setup(t)
	b.elder(t, "652301", 7)
	month := period.DateOf(time.Now().In(time.FixedZone("CST", 8*3600))).Period().String()
	release := b.occupy(t)
	var job screeningJobJSON
	b.do(t, "POST", "/api/v1/screening-jobs", "cw1", map[string]any{"period": month}).want(t, http.StatusAccepted).decode(t, &job)
	if !job.Claimed || !job.Queued || job.LeaseOwner != "" || job.Status != "running" {
		t.Fatalf("a job started with the runner full: %+v; want claimed, queued, running with no lease holder", job)
	}
	// Started again while it waits, it is the same job, still queued.
	var again screeningJobJSON
	b.do(t, "POST", "/api/v1/screening-jobs", "cw1", map[string]any{"period": month}).want(t, http.StatusAccepted).decode(t, &again)
	if again.ID != job.ID || !again.Queued || again.LeaseOwner != "" {
		t.Fatalf("the job started again while queued: %+v; want job %d, queued", again, job.ID)
	}
	var stored screeningJobJSON
	b.do(t, "GET", fmt.Sprintf("/api/v1/screening-jobs/%d", job.ID), "cw1", nil).want(t, http.StatusOK).decode(t, &stored)
	if stored.Status != "running" || stored.Phase != screening.PhaseClassify || stored.LeaseOwner != "" {
		t.Fatalf("the queued job as stored: %+v; want running in its first phase, no lease holder", stored)
	}
	release()
	if done := b.followJob(t, job.ID); done.Status != "done" || len(done.RunIDs) != 5 || done.LeaseOwner != "" {
		t.Fatalf("the queued job once a slot freed: %+v; want done with 5 runs, its lease let go", done)
	}
	// With a slot free, a job runs at once.
	next := period.DateOf(time.Now().In(time.FixedZone("CST", 8*3600))).Period().Add(-1).String()
	var now screeningJobJSON
	b.do(t, "POST", "/api/v1/screening-jobs", "cw1", map[string]any{"period": next}).want(t, http.StatusAccepted).decode(t, &now)
	if !now.Claimed || now.Queued {
		t.Fatalf("a job started with a slot free: %+v; want claimed, not queued", now)
	}
	if done := b.followJob(t, now.ID); done.Status != "done" || done.Attempts != 1 {
		t.Fatalf("the job run at once: %+v; want done in one attempt", done)
	}
}

// TestScreeningJobResumedAfterShutdown shuts the runner down with one
// screening job queued and one just started (stopped mid-way, or ended
// before the shutdown reached it): another process's worker then resumes
// what is left, and each job ends done with its five runs, none twice.
func TestScreeningJobResumedAfterShutdown(t *testing.T) {
	b := setup(t)
	b.elder(t, "652301", 7)
	now := period.DateOf(time.Now().In(time.FixedZone("CST", 8*3600))).Period()
	var running, queued screeningJobJSON
	b.do(t, "POST", "/api/v1/screening-jobs", "cw1", map[string]any{"period": now.String()}).want(t, http.StatusAccepted).decode(t, &running)
	release := b.occupy(t)
	defer release()
	b.do(t, "POST", "/api/v1/screening-jobs", "cw1", map[string]any{"period": now.Add(-1).String()}).want(t, http.StatusAccepted).decode(t, &queued)
	if running.Queued || !queued.Queued {
		t.Fatalf("jobs started before and after the runner filled: %+v, %+v; want the second only queued", running, queued)
	}
	// The blockers do not end on cancellation: they are released as the
	// shutdown begins, which waits for them and for the first job.
	go func() { time.Sleep(50 * time.Millisecond); release() }()
	if _, err := b.jobs.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	for _, id := range []int64{running.ID, queued.ID} {
		var j screeningJobJSON
		b.do(t, "GET", fmt.Sprintf("/api/v1/screening-jobs/%d", id), "cw1", nil).want(t, http.StatusOK).decode(t, &j)
		if j.LeaseOwner != "" || j.Status == "failed" {
			t.Fatalf("job %d after the shutdown: %+v; want done, or running with its lease let go", id, j)
		}
	}

	// Another process takes up what is left.
	j := region.DefaultJurisdiction()
	other := app.New(b.db, b.asst.Policy(), j, b.now.In(j.Zone), app.Options{}).Screening
	other.Leases = screening.LeaseConfig{Worker: "next-process"}
	js, err := other.ResumeJobs(systemContext(), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range js {
		if err := other.RunJob(systemContext(), j, nil); err != nil {
			t.Fatalf("resume job %d: %v", j.ID, err)
		}
	}
	for _, id := range []int64{running.ID, queued.ID} {
		if j := b.followJob(t, id); j.Status != "done" || len(j.RunIDs) != 5 {
			t.Errorf("job %d resumed after the shutdown: %+v; want done with its 5 runs", id, j)
		}
	}
	if runs := b.allRuns(t); len(runs) != 10 {
		t.Errorf("%d runs stored, want the 5 of each job, none twice", len(runs))
	}
}
