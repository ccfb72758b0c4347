package payment

import (
	"context"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// RunStatus is where a payment run stands.
type RunStatus string

// The run statuses.
const (
	RunRunning RunStatus = "running" // started; still running, or killed half-way
	RunDone    RunStatus = "done"    // every line of the month instructed
	RunFailed  RunStatus = "failed"  // stopped by an error, kept in Error
)

// Run is one payment run (生成支付指令) of a month and region: who started
// it, when, and what it made.
type Run struct {
	ID         int64        `json:"id"`
	Period     period.Month `json:"period"`
	Region     region.Code  `json:"region"`
	Status     RunStatus    `json:"status"`
	Made       int          `json:"made"`
	Held       int          `json:"held"`
	Amount     money.Fen    `json:"amount"`
	Chunks     int          `json:"chunks"`
	Error      string       `json:"error,omitempty"`
	CreatedBy  int64        `json:"created_by"`
	CreatedAt  time.Time    `json:"created_at"`
	FinishedAt time.Time    `json:"finished_at,omitzero"`
}

// RunFilter selects payment runs. A run belongs to the region it was made
// for: a filter takes the runs made for a region in its subtree.
type RunFilter struct {
	Region region.Code
	Period period.Month // all months when zero
	Status RunStatus
	// After takes the runs of a key above it; Limit is the most to return.
	After int64
	Limit int
}

// RunStore records payment runs.
type RunStore interface {
	// StartRun inserts r as running and fills its ID, with its audit
	// event.
	StartRun(ctx context.Context, r *Run) error
	// FinishRun stores r's status, counts, error and end, with its audit
	// event.
	FinishRun(ctx context.Context, r *Run) error
	// Runs lists the runs matching f by key.
	Runs(ctx context.Context, f RunFilter) ([]*Run, error)
}

// Runs lists the payment runs made for the caller's scope or a part of
// it, by key.
func (s *Service) Runs(ctx context.Context, f RunFilter) ([]*Run, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if f.Region, err = auth.ScopeFilter(p, f.Region); err != nil {
		return nil, err
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	return s.store.Runs(ctx, f)
}

// finishRun records how a run ended: done, or failed with err. The record
// is written even when ctx was cancelled, so that the run does not stay
// running.
func (s *Service) finishRun(ctx context.Context, r *Run, sum *GenerateSummary, err error) error {
	r.Status, r.FinishedAt = RunDone, s.clock.Now().UTC()
	if sum != nil {
		r.Made, r.Held, r.Amount, r.Chunks = sum.Created, sum.Held, sum.Amount, sum.Chunks
	}
	if err != nil {
		r.Status, r.Error = RunFailed, err.Error()
	}
	if ferr := s.store.FinishRun(context.WithoutCancel(ctx), r); ferr != nil && err == nil {
		return ferr
	}
	return err
}
