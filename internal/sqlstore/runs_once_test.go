package sqlstore_test

import (
	"errors"
	"testing"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/period"
	"safetynet/internal/screening"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestScreeningJobLease has two workers over one database start the same
// job: the first claims it, the second only observes, until the first's
// lease expires (the clock moves on) and the second takes the job over; the
// first's next write then fails as lost, leaving the job to the second,
// which ends it. A worker whose holder is gone (killed) takes the job up at
// once, with no wait for the lease.
func TestScreeningJobLease(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := sqlstoretest.NewAssistance(t, open)
		v := sqlstoretest.Village(t, "652301", 4)
		m := ab.Month()
		ab.Household(t, v, 61, period.MustDate(1940, time.March, 1))
		worker := func(name string, gone func(string) bool) *screening.Service {
			s := ab.OtherProcess().Screening
			s.Leases = screening.LeaseConfig{Worker: name, GoneFunc: gone, Lease: time.Minute}
			return s
		}
		a, b := worker("host-a:1", nil), worker("host-b:2", nil)

		ja, resumed, err := a.StartJob(ab.CW, m, "652301")
		if err != nil || resumed || !ja.Held() || ja.Attempts != 1 || screening.WorkerOf(ja.LeaseOwner) != "host-a:1" {
			t.Fatalf("a's start: %+v, resumed %v, %v; want a new job held by a", ja, resumed, err)
		}
		jb, resumed, err := b.StartJob(ab.CW, m, "652301")
		if err != nil || !resumed || jb.Held() || jb.ID != ja.ID || jb.LeaseOwner != ja.LeaseOwner {
			t.Fatalf("b's start while a holds the job: %+v, resumed %v, %v; want a's job, not held", jb, resumed, err)
		}
		if err := b.RunJob(ab.CW, jb, nil); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("b runs a job a holds: %v, want conflict", err)
		}
		if jobs, err := b.ResumeJobs(ab.CW, 0); err != nil || len(jobs) != 0 {
			t.Errorf("b resumes while a's lease lasts: %d jobs, %v; want none", len(jobs), err)
		}

		// a stalls past its lease: b takes the job over.
		*ab.Now = ab.Now.Add(2 * time.Minute)
		jobs, err := b.ResumeJobs(ab.CW, 0)
		if err != nil || len(jobs) != 1 || !jobs[0].Held() || jobs[0].ID != ja.ID || jobs[0].Attempts != 2 {
			t.Fatalf("b resumes after a's lease expired: %+v, %v; want a's job held, attempt 2", jobs, err)
		}
		if err := a.RunJob(ab.CW, ja, nil); !errors.Is(err, screening.ErrLeaseLost) {
			t.Fatalf("a runs on after losing its lease: %v, want the lease lost", err)
		}
		stored, err := ab.Sc.FindJob(ab.CW, ja.ID)
		if err != nil || stored.Status != screening.JobRunning || screening.WorkerOf(stored.LeaseOwner) != "host-b:2" {
			t.Fatalf("the job after a lost it: %+v, %v; want running, held by b", stored, err)
		}
		if err := b.RunJob(ab.CW, jobs[0], nil); err != nil {
			t.Fatal(err)
		}
		done, err := ab.Sc.FindJob(ab.CW, ja.ID)
		if err != nil || done.Status != screening.JobDone || done.Attempts != 2 || len(done.RunIDs) != 5 || done.LeaseOwner != "" {
			t.Fatalf("the job b ended: %+v, %v; want done in 2 attempts with 5 runs and no lease", done, err)
		}

		// A holder that is gone (its process killed) is not waited for.
		next := m.Add(1)
		jc, _, err := a.StartJob(ab.CW, next, "652301")
		if err != nil || !jc.Held() {
			t.Fatalf("a's start of %s: %+v, %v", next, jc, err)
		}
		c := worker("host-a:3", func(owner string) bool { return screening.WorkerOf(owner) == "host-a:1" })
		jd, resumed, err := c.StartJob(ab.CW, next, "652301")
		if err != nil || !resumed || !jd.Held() || jd.ID != jc.ID {
			t.Fatalf("c's start of a job held by a gone worker: %+v, resumed %v, %v; want it held by c", jd, resumed, err)
		}
		if err := c.RunJob(ab.CW, jd, nil); err != nil {
			t.Fatal(err)
		}
	})
}
