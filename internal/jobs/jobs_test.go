package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"safetynet/internal/jobs"
)

// TestLimitQueuesTheExtraJob hands N+1 jobs to a runner of limit N: N run
// at once, the extra one is queued and runs once one of them ends.
func TestLimitQueuesTheExtraJob(t *testing.T) {
	const n = 3
	r := jobs.New(jobs.Config{Limit: n})
	t.Cleanup(func() { _, _ = r.Shutdown(context.Background()) })
	var mu sync.Mutex
	running, most := 0, 0
	started := make(chan int, n+1)
	release := make([]chan struct{}, n+1)
	for i := range release {
		release[i] = make(chan struct{})
	}
	for i := range n + 1 {
		queued, err := r.Go(context.Background(), fmt.Sprint("job ", i), func(ctx context.Context) error {
			mu.Lock()
			running++
			most = max(most, running)
			mu.Unlock()
			started <- i
			<-release[i]
			mu.Lock()
			running--
			mu.Unlock()
			return nil
		})
		if err != nil {
			t.Fatalf("Go(job %d): %v", i, err)
		}
		if want := i == n; queued != want {
			t.Fatalf("Go(job %d): queued = %v, want %v", i, queued, want)
		}
	}
	for range n {
		if i := <-started; i == n {
			t.Fatalf("the extra job %d started before a slot freed", i)
		}
	}
	if f := r.Free(); f != 0 {
		t.Errorf("Free() with %d running and one queued = %d, want 0", n, f)
	}
	if started, err := r.TryGo(context.Background(), "try", func(context.Context) error { return nil }); started || err != nil {
		t.Errorf("TryGo on a full runner = %v, %v; want not started, no error", started, err)
	}
	select {
	case i := <-started:
		t.Fatalf("job %d started with %d running", i, n)
	default:
	}
	close(release[0])
	if i := <-started; i != n {
		t.Fatalf("after job 0 ended, job %d started, want the queued job %d", i, n)
	}
	for i := 1; i <= n; i++ {
		close(release[i])
	}
	if _, err := r.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if most != n {
		t.Errorf("at most %d jobs ran at once, want %d", most, n)
	}
}

// TestShutdownCancelsAndWaits: Shutdown cancels the running jobs' contexts
// and returns once they have returned, with no goroutine of theirs left;
// the queued job never starts, and no job is taken after.
func TestShutdownCancelsAndWaits(t *testing.T) {
	before := runtime.NumGoroutine()
	r := jobs.New(jobs.Config{Limit: 2})
	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, "caller")
	reqCtx, endRequest := context.WithCancel(ctx)
	var stopped [2]chan struct{}
	started := make(chan struct{}, 2)
	for i := range stopped {
		stopped[i] = make(chan struct{})
		if _, err := r.Go(reqCtx, fmt.Sprint("job ", i), func(ctx context.Context) error {
			defer close(stopped[i])
			if ctx.Value(key{}) != "caller" {
				return errors.New("the caller's values are lost")
			}
			started <- struct{}{}
			<-ctx.Done()
			return ctx.Err()
		}); err != nil {
			t.Fatal(err)
		}
	}
	ran := false
	if _, err := r.Go(ctx, "queued", func(context.Context) error { ran = true; return nil }); err != nil {
		t.Fatal(err)
	}
	loops := make(chan struct{}, 100)
	if err := r.Every(ctx, "loop", time.Hour, func(context.Context) error { loops <- struct{}{}; return nil }); err != nil {
		t.Fatal(err)
	}
	<-started
	<-started
	<-loops
	// The request's end does not stop a job: only the runner's shutdown does.
	endRequest()
	for i := range stopped {
		select {
		case <-stopped[i]:
			t.Fatalf("job %d stopped with its request, before Shutdown", i)
		default:
		}
	}
	dropped, err := r.Shutdown(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if dropped != 1 {
		t.Errorf("Shutdown dropped %d queued jobs, want 1", dropped)
	}
	for i := range stopped {
		select {
		case <-stopped[i]:
		default:
			t.Errorf("Shutdown returned before job %d returned", i)
		}
	}
	if ran {
		t.Error("the queued job ran after Shutdown")
	}
	if _, err := r.Go(ctx, "late", func(context.Context) error { return nil }); !errors.Is(err, jobs.ErrClosed) {
		t.Errorf("Go after Shutdown: %v, want ErrClosed", err)
	}
	// The jobs' goroutines are gone (a few polls: the runtime may not have
	// counted an exited goroutine out yet).
	for i := 0; runtime.NumGoroutine() > before; i++ {
		if i == 100 {
			t.Fatalf("%d goroutines after Shutdown, %d before the runner", runtime.NumGoroutine(), before)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestShutdownGivesUpAtItsDeadline: a job that ignores its cancellation
// makes Shutdown return its context's error rather than hang.
func TestShutdownGivesUpAtItsDeadline(t *testing.T) {
	r := jobs.New(jobs.Config{Limit: 1})
	release, started := make(chan struct{}), make(chan struct{})
	defer close(release)
	if _, err := r.Go(context.Background(), "stubborn", func(context.Context) error { close(started); <-release; return nil }); err != nil {
		t.Fatal(err)
	}
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Shutdown with a stubborn job = %v, want its context's error", err)
	}
}

// TestPanicFailsTheJobOnly: a job's panic is recovered as the job's
// failure; the runner's slot frees and the next job runs.
func TestPanicFailsTheJobOnly(t *testing.T) {
	r := jobs.New(jobs.Config{Limit: 1})
	t.Cleanup(func() { _, _ = r.Shutdown(context.Background()) })
	if _, err := r.Go(context.Background(), "panics", func(context.Context) error { panic("boom") }); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	if _, err := r.Go(context.Background(), "next", func(context.Context) error { close(done); return nil }); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the job after a panicking one never ran")
	}
}

// TestDuplicateName: a job of the name of one running is refused, and
// taken again once that one has ended.
func TestDuplicateName(t *testing.T) {
	r := jobs.New(jobs.Config{Limit: 2})
	t.Cleanup(func() { _, _ = r.Shutdown(context.Background()) })
	release, ended := make(chan struct{}), make(chan struct{})
	if _, err := r.Go(context.Background(), "screening job 1", func(context.Context) error { <-release; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Go(context.Background(), "screening job 1", func(context.Context) error { return nil }); !errors.Is(err, jobs.ErrDuplicate) {
		t.Fatalf("second job of one name: %v, want ErrDuplicate", err)
	}
	close(release)
	for i := 0; ; i++ {
		_, err := r.Go(context.Background(), "screening job 1", func(context.Context) error { close(ended); return nil })
		if err == nil {
			break
		}
		if !errors.Is(err, jobs.ErrDuplicate) || i == 1000 {
			t.Fatalf("job of the name of one ended: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	<-ended
}
