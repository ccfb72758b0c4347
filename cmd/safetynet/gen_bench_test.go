package main

import (
	"context"
	"io"
	"path/filepath"
	"testing"
)

// BenchmarkGenSQLite generates and loads 200,000 persons with their
// households, employers, spells, disability records and accounts into a
// new SQLite database, as `safetynet gen` does, and reports persons/s.
func BenchmarkGenSQLite(b *testing.B) {
	const persons = 200_000
	for b.Loop() {
		a, _, err := createApp(context.Background(), defaultEnv(), filepath.Join(b.TempDir(), "bench.db"), "bench")
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := generate(context.Background(), a, persons, 1, io.Discard, false); err != nil {
			b.Fatal(err)
		}
		a.Close()
	}
	b.ReportMetric(float64(persons*b.N)/b.Elapsed().Seconds(), "persons/s")
}
