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
	"safetynet/internal/assistance"
)

// jobLeases is how this process claims screening jobs: it names itself by
// host and process id, and a job held by a process of this host that no
// longer exists (killed, crashed) is taken up at once rather than when its
// lease expires. A holder on another host is waited for until its lease
// expires.
func jobLeases() assistance.LeaseConfig {
	host, _ := os.Hostname()
	return assistance.LeaseConfig{
		Worker: fmt.Sprintf("%s:%d", host, os.Getpid()),
		GoneFunc: func(owner string) bool {
			h, pid, ok := strings.Cut(assistance.WorkerOf(owner), ":")
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

// resumeScreeningJobs takes up, when the server starts and then every
// jobResumeEvery until ctx ends, the screening jobs left running by a
// worker that is gone (or whose lease expired), and runs each to its end
// in the background.
func resumeScreeningJobs(ctx context.Context, a *app.App, logger *slog.Logger) error {
	svc := a.Assistance
	ctx = a.System(ctx, "screening-resume")
	logger = logger.With("component", "screening_jobs")
	go func() {
		for {
			jobs, err := svc.ResumeScreeningJobs(ctx)
			if err != nil && ctx.Err() == nil {
				logger.Error("resume screening jobs", "err", err)
			}
			for _, j := range jobs {
				logger.Info("screening job taken up", "job", int64(j.ID), "phase", j.Phase, "attempts", j.Attempts)
				go func() {
					if err := svc.RunScreeningJob(ctx, j, nil); err != nil && ctx.Err() == nil {
						logger.Error("screening job failed", "job", int64(j.ID), "err", err)
					}
				}()
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(jobResumeEvery):
			}
		}
	}()
	return nil
}
