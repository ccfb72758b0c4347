package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/money"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
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
	db, err := createStore(ctx, *dsn, e.logger())
	if err != nil {
		return err
	}
	defer db.Close()
	sum, elapsed, err := generate(ctx, db, *persons, *seed, e.stderr, true)
	if err != nil {
		return err
	}
	printSummary(e.stdout, sum, elapsed)
	return seedInsurance(ctx, db, e.stdout)
}

// seedInsurance enrols the generated population in the insurance schemes
// (see sqlstore.SeedEnrolments), flexible workers at a share of the
// average wage in force today.
func seedInsurance(ctx context.Context, db *sqlstore.DB, w io.Writer) error {
	start := time.Now()
	pk, err := loadPolicies("")
	if err != nil {
		return err
	}
	today := registry.NewService(db).Today()
	avg, _, err := pk.Value("social_insurance.average_wage", today, region.Changji)
	if err != nil {
		return err
	}
	ctx = auth.WithPrincipal(ctx, auth.SystemPrincipal("gen", region.Changji))
	s, err := db.SeedEnrolments(ctx, today, money.Fen(avg))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "enrolled %d employees through their employers (%d in unemployment, %d in work injury), %d flexible workers, %d residents in %.1f s\n",
		s.Employer, s.Unemployment, s.WorkInjury, s.Flexible, s.Resident, time.Since(start).Seconds())
	return nil
}

// generate loads a synthetic population into db, showing its progress on
// w when bar is set (a bar on a terminal, plain lines otherwise).
func generate(ctx context.Context, db *sqlstore.DB, persons int, seed int64, w io.Writer, bar bool) (synth.Summary, time.Duration, error) {
	start := time.Now()
	ctx = auth.WithPrincipal(ctx, auth.SystemPrincipal("gen", "652300"))
	svc := registry.NewService(db)
	loader, err := svc.NewLoader(ctx, db)
	if err != nil {
		return synth.Summary{}, 0, err
	}
	keys, err := loader.NextKeys(ctx)
	if err != nil {
		return synth.Summary{}, 0, err
	}
	tree, err := region.Default()
	if err != nil {
		return synth.Summary{}, 0, err
	}
	var pb *progress
	if bar {
		pb = newProgress(w, "persons")
	}
	cfg := synth.Config{Persons: persons, Seed: seed, Today: svc.Today(), Start: keys}
	sum, err := synth.Generate(ctx, cfg, tree, loader.Load, func(done int) {
		if pb != nil {
			pb.set("generating persons", done, persons)
		}
	})
	if err != nil {
		return sum, 0, fmt.Errorf("generate: %w", err)
	}
	if err := loader.Finish(ctx); err != nil {
		return sum, 0, err
	}
	return sum, time.Since(start), nil
}

func printSummary(w io.Writer, s synth.Summary, elapsed time.Duration) {
	fmt.Fprintf(w, "generated %d persons in %d households, %d organisations, %d employment spells, %d disability records, %d deaths, %d bank accounts\n",
		s.Persons, s.Households, s.Organisations, s.Employment, s.Disabilities, s.Deaths, s.BankAccounts)
	secs := elapsed.Seconds()
	if secs > 0 {
		fmt.Fprintf(w, "took %.1f s: %.0f persons/s\n", secs, float64(s.Persons)/secs)
	}
}
