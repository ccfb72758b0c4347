package screening

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/jobs"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// JobID is a screening job's surrogate key.
type JobID int64

// The phases of a screening job, in order.
const (
	// PhaseClassify classifies every tested household into the layers of
	// the low-income population (特困, 低保, 低保边缘, 刚性支出困难).
	PhaseClassify = "classify"
	// PhaseHouseholds screens the household allowances (heating, festival).
	PhaseHouseholds = "households"
	// PhasePersons screens the monthly person allowances (high age,
	// disability living and care subsidies).
	PhasePersons = "persons"
	// PhaseDone: every phase is stored.
	PhaseDone = "done"
)

// JobStatus is where a screening job (全量筛查任务) stands: running (also
// when its process died: another resumes it), done or failed.
type JobStatus string

// The screening job statuses.
const (
	JobRunning JobStatus = "running" // under way, or to resume
	JobDone    JobStatus = "done"    // every phase stored
	JobFailed  JobStatus = "failed"  // stopped by an error, kept in Error
)

// HouseholdAllowances are the household programmes a screening job
// screens: one-offs of their season, found eligible only in its months.
var HouseholdAllowances = []string{assistance.ProgHeating, assistance.ProgFestival}

// Job is a screening of every person and household programme of
// the region for a month (全量筛查): the classification of the tested
// households, then a run per household allowance, then a run per monthly
// person allowance. Each phase is stored whole (the classification in one
// transaction, the runs of a phase with the job's move to the next phase in
// another), so a job stopped by a crash is resumed from the phase it was in
// and ends as an uninterrupted one would.
type Job struct {
	ID     JobID        `json:"id"`
	Period period.Month `json:"period"`
	Region region.Code  `json:"region"`
	Status JobStatus    `json:"status"`
	// Phase is the phase being run (classify, households, persons), or
	// done.
	Phase string `json:"phase"`
	// Done counts the rows read of Total (tested households, households
	// and persons, all phases together).
	Done  int `json:"done"`
	Total int `json:"total"`
	// Classification is the first phase's summary with, per layer, the
	// classified households not yet served (Unserved).
	Classification *JobClassification `json:"classification,omitempty"`
	// Attempts counts the claims of the job by a worker: more than one
	// after a resume.
	Attempts   int       `json:"attempts"`
	Error      string    `json:"error,omitempty"`
	CreatedBy  int64     `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	// RunIDs are the job's screening runs, for review and approval.
	RunIDs []RunID `json:"run_ids"`
	// LeaseOwner is the worker running the job ("" when none does),
	// until LeaseUntil unless it renews the lease; HeartbeatAt is its
	// last renewal.
	LeaseOwner  string    `json:"lease_owner,omitempty"`
	LeaseUntil  time.Time `json:"lease_until,omitzero"`
	HeartbeatAt time.Time `json:"heartbeat_at,omitzero"`
	// held says this value's worker claimed the job: it runs it.
	held bool
}

// Held reports whether the job was claimed by the call that returned it:
// the caller runs it (RunJob). Otherwise another worker does and
// the caller only follows it.
func (j *Job) Held() bool { return j.held }

// ErrLeaseLost is the error of a job's write by a worker whose lease
// another worker took over (it had expired, or its worker seemed gone):
// the other worker finishes the job.
var ErrLeaseLost = errors.New("the job's lease was taken over by another worker")

// DefaultJobLease is how long a claim of a job lasts without a heartbeat
// when LeaseConfig.Lease is not set: longer than the longest write of a
// job's phase (the classification of a prefecture, in one transaction).
const DefaultJobLease = 5 * time.Minute

// LeaseConfig configures how a process claims screening jobs. A job is
// run by the one worker holding its lease; the lease is renewed by every
// progress write and taken over when it expires or its holder is gone.
type LeaseConfig struct {
	// Worker names this process in the leases it holds (its host and
	// process id, say); "" names it by a random token.
	Worker string
	// GoneFunc, when set, says whether the worker that owner names has
	// ended (killed or crashed on this host): its job is then taken up at
	// once rather than when the lease expires.
	GoneFunc func(owner string) bool
	// Lease is how long a claim lasts without renewal; 0 means
	// DefaultJobLease.
	Lease time.Duration
}

// lease is the configured lease duration.
func (c LeaseConfig) lease() time.Duration {
	if c.Lease > 0 {
		return c.Lease
	}
	return DefaultJobLease
}

// owner names a new claim: the worker and a random token, so that two
// claims of one process are two owners.
func (c LeaseConfig) owner() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	w := c.Worker
	if w == "" {
		w = "worker"
	}
	return w + "#" + hex.EncodeToString(b[:])
}

// WorkerOf is the worker part of a lease owner, as LeaseConfig.Worker
// named it.
func WorkerOf(owner string) string {
	w, _, _ := strings.Cut(owner, "#")
	return w
}

// JobClassification is what a job's classification found.
type JobClassification struct {
	assistance.ClassifySummary
	// Unserved counts per layer the households classified 特困 or 低保 with
	// neither an active award nor an open case: the candidates found
	// without an application.
	Unserved map[assistance.Layer]int `json:"unserved"`
}

// Percent is how far the job is, 0 to 100, to one decimal.
func (j *Job) Percent() float64 {
	if j.Phase == PhaseDone {
		return 100
	}
	if j.Total <= 0 {
		return 0
	}
	return float64(min(j.Done, j.Total)*1000/j.Total) / 10
}

// phases are the phases of a job in order.
var phases = []string{PhaseClassify, PhaseHouseholds, PhasePersons, PhaseDone}

// phaseIndex orders the phases.
func phaseIndex(phase string) int { return slices.Index(phases, phase) }

// StartJob starts the screening of every programme of the region
// subtree for month m, or, when one of the same month and region is
// running (stopped by a crash, or run by another worker), returns that
// one: resumed then says so. The job is claimed for the caller when no
// other worker holds it (j.Held): the caller then runs it with
// RunJob, from the phase it stopped in; otherwise the caller
// only follows it.
func (s *Service) StartJob(ctx context.Context, m period.Month, code region.Code) (*Job, bool, error) {
	if m.IsZero() {
		return nil, false, &fault.Error{Code: fault.Invalid, Message: "invalid screening", Fields: map[string]string{"period": "is required"}}
	}
	p, err := auth.Require(ctx, auth.PermAssistance)
	if err != nil {
		return nil, false, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, false, err
	}
	now := s.now().UTC()
	j := &Job{Period: m, Region: code, Status: JobRunning, Phase: PhaseClassify, CreatedBy: p.UserID,
		CreatedAt: now, UpdatedAt: now}
	resumed, err := s.store.StartScreeningJob(ctx, j)
	if err != nil {
		return nil, false, err
	}
	if err := s.claim(ctx, j); err != nil {
		return nil, false, err
	}
	return j, resumed, nil
}

// claim claims j for a new owner of this process when its lease is free,
// expired or its holder gone; j.Held says whether it was.
func (s *Service) claim(ctx context.Context, j *Job) error {
	now := s.now().UTC()
	gone := ""
	if j.LeaseOwner != "" && now.Before(j.LeaseUntil) && s.Leases.GoneFunc != nil && s.Leases.GoneFunc(j.LeaseOwner) {
		gone = j.LeaseOwner
	}
	owner := s.Leases.owner()
	if gone == "" {
		gone = owner // matches no lease
	}
	ok, err := s.store.ClaimScreeningJob(ctx, j, owner, gone, now, now.Add(s.Leases.lease()))
	if err != nil {
		return err
	}
	j.held = ok
	if !ok {
		// Read again for the holder and its lease.
		cur, err := s.store.ScreeningJob(ctx, j.ID)
		if err != nil {
			return err
		}
		*j = *cur
	}
	return nil
}

// ResumeJobs claims the running jobs that no live worker holds
// (their worker crashed, was killed, shut down or let them go, or they
// wait queued) and returns them, to be run with RunJob: what a process
// does when it starts, and then now and again, so that no job stays
// half-done. It claims at most limit jobs (all when limit <= 0): those a
// runner has room for.
func (s *Service) ResumeJobs(ctx context.Context, limit int) ([]*Job, error) {
	if _, err := auth.Require(ctx, auth.PermAssistance); err != nil {
		return nil, err
	}
	jobs, err := s.store.RunningScreeningJobs(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Job
	for _, j := range jobs {
		if _, err := auth.RequireIn(ctx, auth.PermAssistance, j.Region); err != nil {
			continue
		}
		if limit > 0 && len(out) == limit {
			break
		}
		if err := s.claim(ctx, j); err != nil {
			return out, err
		}
		if j.held {
			out = append(out, j)
		}
	}
	return out, nil
}

// RunJob runs job, claimed by StartJob or
// ResumeJobs, from its phase to the end, storing its progress as
// it goes and renewing its lease with each write (progress, when set, is
// told too); a failure is stored on the job and returned. A job not held
// is Conflict: another worker runs it. Stopped (ctx cancelled), the job
// is let go, to be taken up again.
func (s *Service) RunJob(ctx context.Context, j *Job, progress func(*Job)) error {
	if !j.held {
		return fault.Errorf(fault.Conflict, "screening job %d is run by %s: follow it", j.ID, j.LeaseOwner)
	}
	err := s.runRecovered(ctx, j, progress)
	switch {
	case err == nil:
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		// Stopped: whatever the error says. A stop that lands during a
		// commit fails it with sql.ErrTxDone (database/sql rolls the
		// transaction back when its context ends), not context.Canceled;
		// the job is let go all the same, never stored failed.
		if rerr := s.store.ReleaseScreeningJob(context.WithoutCancel(ctx), j.ID, j.LeaseOwner); rerr != nil {
			return errors.Join(err, rerr)
		}
	case errors.Is(err, ErrLeaseLost):
		// Another worker took the job up: it finishes it.
	default:
		j.Status, j.Error = JobFailed, err.Error()
		if uerr := s.updateJob(context.WithoutCancel(ctx), j); uerr != nil {
			return errors.Join(err, uerr)
		}
	}
	j.held = false
	return err
}

// runRecovered runs j, turning a panic into the error that fails it: the
// job is stored failed rather than left running.
func (s *Service) runRecovered(ctx context.Context, j *Job, progress func(*Job)) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("screening job %d panicked: %v", j.ID, v)
		}
	}()
	return s.runScreeningJob(ctx, j, progress)
}

// Runner runs jobs in the background, at most a limit at once
// (jobs.Runner): TryGo starts fn at once or not at all, Go starts it or
// queues it until a slot frees. The jobs' contexts carry the values of
// ctx and end when the runner shuts down.
type Runner interface {
	TryGo(ctx context.Context, name string, fn func(context.Context) error) (started bool, err error)
	Go(ctx context.Context, name string, fn func(context.Context) error) (queued bool, err error)
}

// Submit hands job j, claimed by StartJob or ResumeJobs, to runner. It
// runs at once when the runner has a free slot. Otherwise j waits queued:
// its lease is let go, so that it is stored as running with no holder,
// and the runner claims it again when a slot frees, unless another
// process took it up first (then that one runs it). A job never runs
// twice at once: only its lease holder writes, and a runner that has the
// job queued or running already keeps that one (queued is then true too). A runner shut down drops
// the queued jobs; the next process to start resumes them (ResumeJobs),
// as it resumes a job stopped mid-way.
func (s *Service) Submit(ctx context.Context, runner Runner, j *Job) (queued bool, err error) {
	if !j.held {
		return false, fault.Errorf(fault.Conflict, "screening job %d is run by %s: follow it", j.ID, j.LeaseOwner)
	}
	name := fmt.Sprintf("screening job %d", j.ID)
	run := *j
	started, err := runner.TryGo(ctx, name, func(ctx context.Context) error { return s.RunJob(ctx, &run, nil) })
	if err == nil && started {
		return false, nil
	}
	if rerr := s.store.ReleaseScreeningJob(context.WithoutCancel(ctx), j.ID, j.LeaseOwner); rerr != nil {
		return false, errors.Join(err, rerr)
	}
	j.held, j.LeaseOwner, j.LeaseUntil = false, "", time.Time{}
	if errors.Is(err, jobs.ErrDuplicate) {
		return true, nil // queued or running here already: that one runs it
	}
	if err != nil {
		return false, err
	}
	id := j.ID
	if _, err := runner.Go(ctx, name, func(ctx context.Context) error {
		cur, err := s.store.ScreeningJob(ctx, id)
		if err != nil || cur.Status != JobRunning {
			return err
		}
		if err := s.claim(ctx, cur); err != nil || !cur.held {
			return err // another worker runs it
		}
		return s.RunJob(ctx, cur, nil)
	}); err != nil {
		return false, err
	}
	return true, nil
}

// updateJob stores j's progress, renewing its lease.
func (s *Service) updateJob(ctx context.Context, j *Job) error {
	j.UpdatedAt = s.now().UTC()
	j.LeaseUntil = j.UpdatedAt.Add(s.Leases.lease())
	return s.store.UpdateScreeningJob(ctx, j)
}

func (s *Service) runScreeningJob(ctx context.Context, j *Job, progress func(*Job)) error {
	if _, err := auth.RequireIn(ctx, auth.PermAssistance, j.Region); err != nil {
		return err
	}
	m, code := j.Period, j.Region
	// The rows of every phase, for the percent: counted again on a resume,
	// the phases done counting as read.
	var counts [3]int
	for i, entity := range []string{"test", "household", "person"} {
		n, err := s.store.ScreenableCount(ctx, entity, m, code)
		if err != nil {
			return err
		}
		counts[i] = n
	}
	j.Total = counts[0] + counts[1] + counts[2]
	offset := func(phase string) int {
		n := 0
		for i := range phaseIndex(phase) {
			n += counts[i]
		}
		return n
	}
	j.Done = offset(j.Phase)
	last := time.Time{}
	tell := func(phase string, done int) error {
		j.Phase, j.Done = phase, offset(phase)+done
		now := s.now().UTC()
		if now.Sub(last) < 250*time.Millisecond && done > 0 {
			return nil
		}
		last = now
		if progress != nil {
			progress(j)
		}
		return s.updateJob(ctx, j)
	}
	if err := tell(j.Phase, 0); err != nil {
		return err
	}

	if j.Phase == PhaseClassify {
		// The classification replaces the month's in one transaction: run
		// again after a crash, it gives the same rows.
		sum, err := s.asst.ClassifyAllProgress(ctx, m, code, func(done int) {
			// Progress of the classification is told, not stored, until
			// its transaction ends (a write would wait for it on SQLite).
			j.Done = done
			if progress != nil {
				progress(j)
			}
		})
		if err != nil {
			return err
		}
		unserved, err := s.store.UnservedHouseholds(ctx, m, code)
		if err != nil {
			return err
		}
		j.Classification = &JobClassification{ClassifySummary: *sum, Unserved: unserved}
		if err := tell(PhaseHouseholds, 0); err != nil {
			return err
		}
	}
	for _, ph := range []struct {
		phase, next string
		progs       []string
	}{{PhaseHouseholds, PhasePersons, HouseholdAllowances}, {PhasePersons, PhaseDone, MonthlyAllowances}} {
		if j.Phase != ph.phase {
			continue
		}
		runs, err := s.screen(ctx, ph.progs, m, code, nil, func(done int) error { return tell(ph.phase, done) })
		if err != nil {
			return err
		}
		// The runs are stored with the job's move to the next phase, in
		// one transaction, by the lease holder only (ErrLeaseLost for a
		// worker whose lease another took over).
		for _, r := range runs {
			r.JobID = j.ID
		}
		j.Phase, j.Done, j.UpdatedAt = ph.next, offset(ph.next), s.now().UTC()
		j.LeaseUntil = j.UpdatedAt.Add(s.Leases.lease())
		if err := s.store.CreateScreeningRuns(ctx, runs, j); err != nil {
			return err
		}
		if progress != nil {
			progress(j)
		}
	}
	now := s.now().UTC()
	j.Status, j.Phase, j.Done, j.FinishedAt = JobDone, PhaseDone, j.Total, now
	if err := s.updateJob(ctx, j); err != nil {
		return err
	}
	if progress != nil {
		progress(j)
	}
	cur, err := s.store.ScreeningJob(ctx, j.ID)
	if err != nil {
		return err
	}
	j.RunIDs = cur.RunIDs
	return nil
}

// FindJob returns a job with its progress and runs. A caseworker
// of a county reads a job of a wider region (the prefecture's) too: its
// runs are those whose items of the county they review.
func (s *Service) FindJob(ctx context.Context, id JobID) (*Job, error) {
	j, err := s.store.ScreeningJob(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	// A county follows a wider job to find its items; any other job outside
	// the scope is answered as missing.
	if !p.InScope(j.Region) && (p.Scope == "" || !j.Region.Contains(p.Scope)) {
		return nil, auth.NotFound("screening job", id)
	}
	return j, nil
}
