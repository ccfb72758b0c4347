package sqlstore_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"safetynet/internal/assistance"
	"safetynet/internal/fault"
	"safetynet/internal/period"
	"safetynet/internal/screening"
	"safetynet/internal/sqlstore"
)

// TestScreeningJobLease has two workers over one database start the same
// job: the first claims it, the second only observes, until the first's
// lease expires (the clock moves on) and the second takes the job over; the
// first's next write then fails as lost, leaving the job to the second,
// which ends it. A worker whose holder is gone (killed) takes the job up at
// once, with no wait for the lease.
func TestScreeningJobLease(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := setupAssistance(t, open)
		v := village(t, "652301", 4)
		m := ab.month()
		ab.household(t, v, 61, period.MustDate(1940, time.March, 1))
		worker := func(name string, gone func(string) bool) *screening.Service {
			as := assistance.NewService(ab.db, ab.db, ab.db, insurancePolicies(t))
			as.NowFunc = ab.as.NowFunc
			s := screening.NewService(ab.db, as)
			s.Leases = screening.LeaseConfig{Worker: name, GoneFunc: gone, Lease: time.Minute}
			return s
		}
		a, b := worker("host-a:1", nil), worker("host-b:2", nil)

		ja, resumed, err := a.StartJob(ab.cw, m, "652301")
		if err != nil || resumed || !ja.Held() || ja.Attempts != 1 || screening.WorkerOf(ja.LeaseOwner) != "host-a:1" {
			t.Fatalf("a's start: %+v, resumed %v, %v; want a new job held by a", ja, resumed, err)
		}
		jb, resumed, err := b.StartJob(ab.cw, m, "652301")
		if err != nil || !resumed || jb.Held() || jb.ID != ja.ID || jb.LeaseOwner != ja.LeaseOwner {
			t.Fatalf("b's start while a holds the job: %+v, resumed %v, %v; want a's job, not held", jb, resumed, err)
		}
		if err := b.RunJob(ab.cw, jb, nil); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("b runs a job a holds: %v, want conflict", err)
		}
		if jobs, err := b.ResumeJobs(ab.cw, 0); err != nil || len(jobs) != 0 {
			t.Errorf("b resumes while a's lease lasts: %d jobs, %v; want none", len(jobs), err)
		}

		// a stalls past its lease: b takes the job over.
		*ab.now = ab.now.Add(2 * time.Minute)
		jobs, err := b.ResumeJobs(ab.cw, 0)
		if err != nil || len(jobs) != 1 || !jobs[0].Held() || jobs[0].ID != ja.ID || jobs[0].Attempts != 2 {
			t.Fatalf("b resumes after a's lease expired: %+v, %v; want a's job held, attempt 2", jobs, err)
		}
		if err := a.RunJob(ab.cw, ja, nil); !errors.Is(err, screening.ErrLeaseLost) {
			t.Fatalf("a runs on after losing its lease: %v, want the lease lost", err)
		}
		stored, err := ab.sc.FindJob(ab.cw, ja.ID)
		if err != nil || stored.Status != "running" || screening.WorkerOf(stored.LeaseOwner) != "host-b:2" {
			t.Fatalf("the job after a lost it: %+v, %v; want running, held by b", stored, err)
		}
		if err := b.RunJob(ab.cw, jobs[0], nil); err != nil {
			t.Fatal(err)
		}
		done, err := ab.sc.FindJob(ab.cw, ja.ID)
		if err != nil || done.Status != "done" || done.Attempts != 2 || len(done.RunIDs) != 5 || done.LeaseOwner != "" {
			t.Fatalf("the job b ended: %+v, %v; want done in 2 attempts with 5 runs and no lease", done, err)
		}

		// A holder that is gone (its process killed) is not waited for.
		next := m.Add(1)
		jc, _, err := a.StartJob(ab.cw, next, "652301")
		if err != nil || !jc.Held() {
			t.Fatalf("a's start of %s: %+v, %v", next, jc, err)
		}
		c := worker("host-a:3", func(owner string) bool { return screening.WorkerOf(owner) == "host-a:1" })
		jd, resumed, err := c.StartJob(ab.cw, next, "652301")
		if err != nil || !resumed || !jd.Held() || jd.ID != jc.ID {
			t.Fatalf("c's start of a job held by a gone worker: %+v, resumed %v, %v; want it held by c", jd, resumed, err)
		}
		if err := c.RunJob(ab.cw, jd, nil); err != nil {
			t.Fatal(err)
		}
	})
}

// TestScreeningJobPanicFails: a panic inside a screening job (here in its
// progress report) fails the job, stored failed with the panic as its
// error and its lease let go, rather than crashing the process or leaving
// the job running for a resume to repeat.
func TestScreeningJobPanicFails(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := setupAssistance(t, open)
		v := village(t, "652301", 4)
		ab.household(t, v, 61, period.MustDate(1940, time.March, 1))
		job, _, err := ab.sc.StartJob(ab.cw, ab.month(), "652301")
		if err != nil || !job.Held() {
			t.Fatalf("start: %+v, %v", job, err)
		}
		err = ab.sc.RunJob(ab.cw, job, func(j *screening.Job) {
			if j.Phase == screening.PhaseHouseholds {
				panic("boom")
			}
		})
		if err == nil || !strings.Contains(err.Error(), "panicked: boom") {
			t.Fatalf("a job that panics: %v, want its panic as the error", err)
		}
		stored, err := ab.sc.FindJob(ab.cw, job.ID)
		if err != nil || stored.Status != "failed" || !strings.Contains(stored.Error, "boom") || stored.LeaseOwner != "" {
			t.Fatalf("the job as stored: %+v, %v; want failed with the panic, no lease holder", stored, err)
		}
		if js, err := ab.sc.ResumeJobs(ab.cw, 0); err != nil || len(js) != 0 {
			t.Errorf("resume after the failure: %d jobs, %v; want none", len(js), err)
		}
	})
}
