package assistance

import (
	"context"
	"errors"
	"slices"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
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

// HouseholdAllowances are the household programmes a screening job
// screens: one-offs of their season, found eligible only in its months.
var HouseholdAllowances = []string{ProgHeating, ProgFestival}

// ScreeningJob is a screening of every person and household programme of
// the region for a month (全量筛查): the classification of the tested
// households, then a run per household allowance, then a run per monthly
// person allowance. Each phase is stored whole (the classification in one
// transaction, the runs of a phase with the job's move to the next phase in
// another), so a job stopped by a crash is resumed from the phase it was in
// and ends as an uninterrupted one would.
type ScreeningJob struct {
	ID     JobID        `json:"id"`
	Period period.Month `json:"period"`
	Region region.Code  `json:"region"`
	Status string       `json:"status"` // running | done | failed
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
	// Attempts counts the starts: more than one after a resume.
	Attempts   int       `json:"attempts"`
	Error      string    `json:"error,omitempty"`
	CreatedBy  int64     `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	// RunIDs are the job's screening runs, for review and approval.
	RunIDs []RunID `json:"run_ids"`
}

// JobClassification is what a job's classification found.
type JobClassification struct {
	ClassifySummary
	// Unserved counts per layer the households classified 特困 or 低保 with
	// neither an active award nor an open case: the candidates found
	// without an application.
	Unserved map[Layer]int `json:"unserved"`
}

// Percent is how far the job is, 0 to 100, to one decimal.
func (j *ScreeningJob) Percent() float64 {
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

// StartScreeningJob starts the screening of every programme of the region
// subtree for month m, or, when one of the same month and region is
// running (stopped by a crash, or run by another process), takes it up
// where it stopped: resumed then says so. RunScreeningJob does the work.
func (s *Service) StartScreeningJob(ctx context.Context, m period.Month, code region.Code) (*ScreeningJob, bool, error) {
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
	now := s.NowFunc().UTC()
	j := &ScreeningJob{Period: m, Region: code, Status: "running", Phase: PhaseClassify, Attempts: 1, CreatedBy: p.UserID,
		CreatedAt: now, UpdatedAt: now}
	resumed, err := s.store.StartScreeningJob(ctx, j)
	if err != nil {
		return nil, false, err
	}
	return j, resumed, nil
}

// RunScreeningJob runs job from its phase to the end, storing its progress
// as it goes (progress, when set, is told too); a failure is stored on the
// job and returned.
func (s *Service) RunScreeningJob(ctx context.Context, j *ScreeningJob, progress func(*ScreeningJob)) error {
	err := s.runScreeningJob(ctx, j, progress)
	if err != nil && !errors.Is(err, context.Canceled) {
		j.Status, j.Error, j.UpdatedAt = "failed", err.Error(), s.NowFunc().UTC()
		if uerr := s.store.UpdateScreeningJob(context.WithoutCancel(ctx), j); uerr != nil {
			return errors.Join(err, uerr)
		}
	}
	return err
}

func (s *Service) runScreeningJob(ctx context.Context, j *ScreeningJob, progress func(*ScreeningJob)) error {
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
		now := s.NowFunc().UTC()
		if now.Sub(last) < 250*time.Millisecond && done > 0 {
			return nil
		}
		last, j.UpdatedAt = now, now
		if progress != nil {
			progress(j)
		}
		return s.store.UpdateScreeningJob(ctx, j)
	}
	if err := tell(j.Phase, 0); err != nil {
		return err
	}

	if j.Phase == PhaseClassify {
		// The classification replaces the month's in one transaction: run
		// again after a crash, it gives the same rows.
		sum, err := s.classifyAll(ctx, m, code, func(done int) {
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
		// one transaction.
		for _, r := range runs {
			r.JobID = j.ID
		}
		j.Phase, j.Done, j.UpdatedAt = ph.next, offset(ph.next), s.NowFunc().UTC()
		if err := s.store.CreateScreeningRuns(ctx, runs, j); err != nil {
			if fault.CodeOf(err) != fault.Conflict {
				return err
			}
			// Another process stored this phase first: go on from where
			// the job is.
			cur, lerr := s.store.ScreeningJob(ctx, j.ID)
			if lerr != nil {
				return errors.Join(err, lerr)
			}
			if phaseIndex(cur.Phase) <= phaseIndex(ph.phase) {
				return err
			}
			j.Phase = cur.Phase
		}
		if progress != nil {
			progress(j)
		}
	}
	now := s.NowFunc().UTC()
	j.Status, j.Phase, j.Done, j.UpdatedAt, j.FinishedAt = "done", PhaseDone, j.Total, now, now
	if err := s.store.UpdateScreeningJob(ctx, j); err != nil {
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

// FindScreeningJob returns a job with its progress and runs.
func (s *Service) FindScreeningJob(ctx context.Context, id JobID) (*ScreeningJob, error) {
	j, err := s.store.ScreeningJob(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryRead, j.Region, "screening job", id); err != nil {
		return nil, err
	}
	return j, nil
}
