package main

import (
	"context"
	"log/slog"
	"net"
	"os"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/screening"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestServeResumesScreeningJobs leaves a screening job claimed by a
// process of this host that no longer exists (a crash), its lease far from
// over, and starts the server: the server takes the job up at once and
// runs it to its end.
func TestServeResumesScreeningJobs(t *testing.T) {
	db := sqlstoretest.Open(t)
	host, _ := os.Hostname()
	dead := testApp(t, db).Screening
	// A process id above any the kernel hands out: a gone process.
	dead.Leases = screening.LeaseConfig{Worker: host + ":2147483647", Lease: time.Hour}
	ctx := auth.WithPrincipal(context.Background(), auth.SystemPrincipal("test", region.Changji))
	job, _, err := dead.StartJob(ctx, period.NewMonth(2026, time.March), region.Changji)
	if err != nil || !job.Held() {
		t.Fatalf("the crashed process's job: %+v, %v", job, err)
	}
	if !processGone(2147483647) || processGone(os.Getpid()) {
		t.Fatalf("processGone: a process that does not exist is not gone, or this one is")
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- serve(sctx, defaultEnv(), ln, testApp(t, db), slog.New(slog.DiscardHandler), defaultServerConfig())
	}()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	for deadline := time.Now().Add(30 * time.Second); ; {
		got, err := dead.FindJob(ctx, job.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == screening.JobDone {
			if got.Attempts != 2 || got.LeaseOwner != "" {
				t.Errorf("the job resumed by the server: %+v; want done in a second attempt, its lease let go", got)
			}
			return
		}
		if got.Status == screening.JobFailed || time.Now().After(deadline) {
			t.Fatalf("the crashed process's job after the server started: %+v; want it taken up and done", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
