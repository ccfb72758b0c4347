package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/demo"
	"safetynet/internal/synth"
)

func runGen(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "gen", "gen --db DSN --persons N --seed S")
	dsn := dsnFlag(fs, defaultDB)
	persons := fs.Int("persons", 20000, "number of persons to generate (1600000 for the whole prefecture)")
	seed := fs.Int64("seed", 1, "random seed: the same seed gives the same population")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *persons <= 0 {
		return fmt.Errorf("--persons must be positive")
	}
	a, _, err := createApp(ctx, e, *dsn, "gen")
	if err != nil {
		return err
	}
	defer a.Close()
	sd := newSeeder(a, e.stdout)
	sum, elapsed, err := populate(ctx, sd, *persons, *seed, e.stderr, true)
	if err != nil {
		return err
	}
	printSummary(e.stdout, sum, elapsed)
	return sd.Enrol(ctx)
}

// generate loads a synthetic population into db, showing its progress on
// w when bar is set (a bar on a terminal, plain lines otherwise).
func generate(ctx context.Context, a *app.App, persons int, seed int64, w io.Writer, bar bool) (synth.Summary, time.Duration, error) {
	return populate(ctx, newSeeder(a, io.Discard), persons, seed, w, bar)
}

// populate loads a synthetic population through the seeder, showing its
// progress on w when bar is set, and returns how long it took.
func populate(ctx context.Context, sd *demo.Seeder, persons int, seed int64, w io.Writer, bar bool) (synth.Summary, time.Duration, error) {
	start := time.Now()
	var pb *progress
	if bar {
		pb = newProgress(w, "persons")
	}
	sum, err := sd.Population(ctx, persons, seed, func(done int) {
		if pb != nil {
			pb.set("generating persons", done, persons)
		}
	})
	if err != nil {
		return sum, 0, err
	}
	return sum, time.Since(start), nil
}

// printSummary prints what the generator made and how fast.
func printSummary(w io.Writer, s synth.Summary, elapsed time.Duration) {
	fmt.Fprintf(w, "generated %d persons in %d households, %d organisations, %d employment spells, %d disability records, %d deaths, %d bank accounts\n",
		s.Persons, s.Households, s.Organisations, s.Employment, s.Disabilities, s.Deaths, s.BankAccounts)
	secs := elapsed.Seconds()
	if secs > 0 {
		fmt.Fprintf(w, "took %.1f s: %.0f persons/s\n", secs, float64(s.Persons)/secs)
	}
}
