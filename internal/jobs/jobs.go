// Package jobs runs the process's background work: jobs that outlive the
// request or command that starts them (a screening job of a whole month,
// docs/architecture.md) and the loops that look for work left by a gone
// process. Every background goroutine of the server is started here, not
// by a bare go statement in a handler, so that one limit bounds the jobs
// running at once, a job's panic fails that job only, and Shutdown stops
// them all and waits for them.
//
// A job that must survive a shutdown or a crash keeps its own state
// elsewhere (a screening job's lease and phase in the store): Shutdown
// cancels its context and the job stops where another process, or this
// one restarted, resumes it. The CPU-parallel fan-out inside one
// computation (a batch evaluation, a prefetch) is not a job.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// DefaultLimit is the number of jobs run at once when Config.Limit is not
// set: a screening job keeps a core busy, and the server shares its cores
// with the requests it answers.
const DefaultLimit = 2

// ErrClosed is the error of a job handed to a runner that is shutting
// down.
var ErrClosed = errors.New("the job runner is shut down")

// ErrDuplicate is the error of a job handed to a runner that runs or
// queues a job of the same name.
var ErrDuplicate = errors.New("a job of that name is running or queued")

// Config configures a Runner.
type Config struct {
	// Limit bounds the jobs running at once; 0 means DefaultLimit. A job
	// past the limit waits in the queue, in the order handed, until a
	// running one ends.
	Limit int
	// Logger logs the jobs' failures and panics; nil logs nothing.
	Logger *slog.Logger
}

// Runner runs jobs in the background, at most Limit at once.
type Runner struct {
	limit  int
	logger *slog.Logger
	// base is cancelled by Shutdown: every job's context ends with it.
	base   context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	closed  bool
	running int
	queue   []*job
	names   map[string]bool // the jobs running or queued
}

// job is a job handed to the runner.
type job struct {
	ctx  context.Context // the values of the caller's context, cancelled with the runner
	stop func() bool     // unlinks ctx from the runner's base
	end  context.CancelFunc
	name string
	fn   func(context.Context) error
}

// New returns a Runner.
func New(cfg Config) *Runner {
	if cfg.Limit <= 0 {
		cfg.Limit = DefaultLimit
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	base, cancel := context.WithCancel(context.Background())
	return &Runner{limit: cfg.Limit, logger: logger.With("component", "jobs"), base: base, cancel: cancel, names: map[string]bool{}}
}

// Limit is the number of jobs the runner runs at once.
func (r *Runner) Limit() int { return r.limit }

// Free is the number of jobs that would start at once if handed now: the
// limit less the jobs running and queued.
func (r *Runner) Free() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return max(r.limit-r.running-len(r.queue), 0)
}

// Go hands fn to the runner under name: it runs at once when fewer than
// the limit run, or else waits queued until a running job ends. fn's
// context carries the values of ctx (the acting user, say) but not its
// cancellation: it ends when the runner shuts down. queued says fn waits.
// ErrDuplicate when a job of that name is running or queued, ErrClosed
// after Shutdown.
func (r *Runner) Go(ctx context.Context, name string, fn func(context.Context) error) (queued bool, err error) {
	return r.submit(ctx, name, fn, true)
}

// TryGo is Go that never queues: fn runs at once, or, with the runner
// full, is not taken (started false, no error).
func (r *Runner) TryGo(ctx context.Context, name string, fn func(context.Context) error) (started bool, err error) {
	queued, err := r.submit(ctx, name, fn, false)
	return err == nil && !queued, err
}

func (r *Runner) submit(ctx context.Context, name string, fn func(context.Context) error, mayQueue bool) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closed:
		return false, ErrClosed
	case r.names[name]:
		return false, fmt.Errorf("job %s: %w", name, ErrDuplicate)
	case r.running >= r.limit && !mayQueue:
		return true, nil
	}
	jctx, end := context.WithCancel(context.WithoutCancel(ctx))
	j := &job{ctx: jctx, stop: context.AfterFunc(r.base, end), end: end, name: name, fn: fn}
	r.names[name] = true
	if r.running >= r.limit {
		r.queue = append(r.queue, j)
		return true, nil
	}
	r.start(j)
	return false, nil
}

// start runs j; r.mu is held.
func (r *Runner) start(j *job) {
	r.running++
	r.wg.Add(1)
	go r.run(j)
}

// run runs j, then the next queued job in its slot.
func (r *Runner) run(j *job) {
	defer r.wg.Done()
	for j != nil {
		if err := r.call(j); err != nil && !errors.Is(err, context.Canceled) {
			r.logger.Error("job failed", "job", j.name, "err", err)
		}
		j.stop()
		j.end()
		r.mu.Lock()
		delete(r.names, j.name)
		j = nil
		if len(r.queue) > 0 && !r.closed {
			j, r.queue = r.queue[0], r.queue[1:]
		} else {
			r.running--
		}
		r.mu.Unlock()
	}
}

// call runs j's function, turning a panic into its error.
func (r *Runner) call(j *job) (err error) {
	defer func() {
		if v := recover(); v != nil {
			r.logger.Error("job panicked", "job", j.name, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			err = fmt.Errorf("job %s panicked: %v", j.name, v)
		}
	}()
	return j.fn(j.ctx)
}

// Every runs fn now and then every interval until the runner shuts down,
// outside the limit: a loop that looks for work and hands it to Go. A
// failure of fn is logged and the loop goes on; its panic ends the loop.
func (r *Runner) Every(ctx context.Context, name string, interval time.Duration, fn func(context.Context) error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ErrClosed
	}
	j := &job{name: name}
	j.ctx, j.end = context.WithCancel(context.WithoutCancel(ctx))
	j.stop = context.AfterFunc(r.base, j.end)
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer j.end()
		defer j.stop()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			j.fn = fn
			if err := r.call(j); err != nil && j.ctx.Err() == nil {
				r.logger.Error("job loop failed", "job", name, "err", err)
			}
			select {
			case <-j.ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return nil
}

// Shutdown stops the runner: no job is taken any more, the queued ones
// are dropped (their own state says they are to be resumed), the running
// ones' contexts are cancelled, and Shutdown waits for them to return, or
// for ctx to end (its error then). It returns the number of queued jobs
// dropped.
func (r *Runner) Shutdown(ctx context.Context) (dropped int, err error) {
	r.mu.Lock()
	r.closed = true
	dropped = len(r.queue)
	for _, j := range r.queue {
		j.stop()
		j.end()
		delete(r.names, j.name)
	}
	r.queue = nil
	r.mu.Unlock()
	r.cancel()
	done := make(chan struct{})
	go func() {
		r.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return dropped, nil
	case <-ctx.Done():
		return dropped, ctx.Err()
	}
}
