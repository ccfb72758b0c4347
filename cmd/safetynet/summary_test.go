package main

import (
	"context"
	"log/slog"
	"net"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore/sqlstoretest"
	"safetynet/internal/statistics"
)

// TestServeSummarisesLastMonth starts the server on a database whose last
// month has no statistics: the server summarises it by itself, once; a
// second start finds the figures fresh and leaves them alone, and
// --summarise-every 0 turns the loop off.
func TestServeSummarisesLastMonth(t *testing.T) {
	db := sqlstoretest.Open(t)
	a := testApp(t, db)
	ctx := auth.WithPrincipal(context.Background(), auth.SystemPrincipal("test", region.Changji))
	last := a.Clock.Today().Period().Add(-1)
	month := func() statistics.Month {
		t.Helper()
		ms, err := a.Statistics.Months(ctx, last, last)
		if err != nil || len(ms) != 1 {
			t.Fatalf("months: %v %v", ms, err)
		}
		return ms[0]
	}
	run := func(sc serverConfig, until func() bool) {
		t.Helper()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		sctx, cancel := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() { served <- serve(sctx, defaultEnv(), ln, testApp(t, db), slog.New(slog.DiscardHandler), sc) }()
		for deadline := time.Now().Add(30 * time.Second); !until(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Error("the server did not summarise last month in 30 s")
				break
			}
		}
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	}

	off := defaultServerConfig()
	off.summariseEvery = 0
	run(off, func() bool { return true })
	if m := month(); m.Summarised() {
		t.Fatalf("--summarise-every 0 summarised %s: %+v", last, m)
	}

	run(defaultServerConfig(), func() bool { return month().Summarised() })
	first := month()
	if first.Version != 1 || first.SummarisedBy != "system:statistics-summary" {
		t.Errorf("last month after the first start: %+v; want version 1 by the server", first)
	}

	// A start that finds the month summarised within the day leaves it.
	started := time.Now()
	run(defaultServerConfig(), func() bool { return time.Since(started) > 300*time.Millisecond })
	if again := month(); again.Version != first.Version {
		t.Errorf("a second start summarised %s again: version %d, was %d", last, again.Version, first.Version)
	}
}
