package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/jobs"
	"safetynet/internal/screening"
)

// jobLeases is how this process claims screening jobs: it names itself by
// host and process id, and a job held by a process of this host that no
// longer exists (killed, crashed) is taken up at once rather than when its
// lease expires. A holder on another host is waited for until its lease
// expires.
func jobLeases() screening.LeaseConfig {
	host, _ := os.Hostname()
	return screening.LeaseConfig{
		Worker: fmt.Sprintf("%s:%d", host, os.Getpid()),
		GoneFunc: func(owner string) bool {
			h, pid, ok := strings.Cut(screening.WorkerOf(owner), ":")
			if !ok || h != host {
				return false
			}
			n, err := strconv.Atoi(pid)
			if err != nil || n <= 0 {
				return false
			}
			return processGone(n)
		},
	}
}

// processGone reports whether no process pid exists on this host.
func processGone(pid int) bool {
	if pid == os.Getpid() {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return true
	}
	err = p.Signal(syscall.Signal(0))
	return errors.Is(err, os.ErrProcessDone) || errors.Is(err, syscall.ESRCH)
}

// jobResumeEvery is how often a serving process looks for screening jobs
// that no live worker holds.
const jobResumeEvery = time.Minute

// resumeScreeningJobs has runner take up, when the server starts and
// then every jobResumeEvery until the runner shuts down, the screening
// jobs left running by a worker that is gone (or whose lease expired) and
// those waiting queued with no holder: as many as the runner has free
// slots, each run to its end by the runner.
func resumeScreeningJobs(ctx context.Context, a *app.App, runner *jobs.Runner, logger *slog.Logger) error {
	svc := a.Screening
	ctx = a.System(ctx, "screening-resume")
	logger = logger.With("component", "screening_jobs")
	return runner.Every(ctx, "resume screening jobs", jobResumeEvery, func(ctx context.Context) error {
		free := runner.Free()
		if free == 0 {
			return nil
		}
		js, err := svc.ResumeJobs(ctx, free)
		for _, j := range js {
			logger.Info("screening job taken up", "job", int64(j.ID), "phase", j.Phase, "attempts", j.Attempts)
			if _, serr := svc.Submit(ctx, runner, j); serr != nil {
				err = errors.Join(err, fmt.Errorf("screening job %d: %w", j.ID, serr))
			}
		}
		return err
	})
}
