package demo

import (
	"context"
	"fmt"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/money"
	"safetynet/internal/synth"
)

// Population loads a synthetic population of persons into the registry,
// the same for the same seed, through a registry loader; progress, when
// not nil, is told how many persons are done.
func (s *Seeder) Population(ctx context.Context, persons int, seed int64, progress func(done int)) (synth.Summary, error) {
	ctx = auth.WithPrincipal(ctx, auth.SystemPrincipal("gen", s.Juris.Home))
	loader, err := s.Registry.NewLoader(ctx, s.Store)
	if err != nil {
		return synth.Summary{}, err
	}
	keys, err := loader.NextKeys(ctx)
	if err != nil {
		return synth.Summary{}, err
	}
	s.population = persons
	cfg := synth.Config{Persons: persons, Seed: seed, Today: s.Today(), Start: keys, Home: s.Juris.Home}
	sum, err := synth.Generate(ctx, cfg, s.Juris.Tree, loader.Load, func(done int) {
		if progress != nil {
			progress(done)
		}
	})
	if err != nil {
		return sum, fmt.Errorf("generate: %w", err)
	}
	return sum, loader.Finish(ctx)
}

// Enrol enrols the generated population in the insurance schemes in bulk
// (Store.SeedEnrolments), flexible workers at a share of the average wage
// in force today.
func (s *Seeder) Enrol(ctx context.Context) error {
	start := time.Now()
	today := s.Today()
	avg, _, err := s.Policy.Value("social_insurance.average_wage", today, s.Juris.Home)
	if err != nil {
		return err
	}
	ctx = auth.WithPrincipal(ctx, auth.SystemPrincipal("gen", s.Juris.Home))
	e, err := s.Store.SeedEnrolments(ctx, today, money.Fen(avg))
	if err != nil {
		return err
	}
	fmt.Fprintf(s.Out, "enrolled %d employees through their employers (%d in unemployment, %d in work injury), %d flexible workers, %d residents in %.1f s\n",
		e.Employer, e.Unemployment, e.WorkInjury, e.Flexible, e.Resident, time.Since(start).Seconds())
	return nil
}
