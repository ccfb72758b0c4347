package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
)

// BenchmarkGenSQLite generates and loads 200,000 persons with their
// households, employers, spells, disability records and accounts into a
// new SQLite database, as `safetynet gen` does, and reports persons/s.
func BenchmarkGenSQLite(b *testing.B) {
	const persons = 200_000
	for b.Loop() {
		db, err := createStore(context.Background(), filepath.Join(b.TempDir(), "bench.db"), slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := generate(context.Background(), db, persons, 1, io.Discard, false); err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
	b.ReportMetric(float64(persons*b.N)/b.Elapsed().Seconds(), "persons/s")
}
