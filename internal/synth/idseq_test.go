package synth

import (
	"context"
	"testing"
	"time"

	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// TestBirthDatesBarelyMove checks that keeping resident IDs unique across
// runs moves few birth dates, and not far, for runs large and small.
func TestBirthDatesBarelyMove(t *testing.T) {
	tree, err := region.Default()
	if err != nil {
		t.Fatal(err)
	}
	today := period.MustDate(2024, time.October, 15)
	discard := func(context.Context, *registry.Bulk) error { return nil }
	for _, tc := range []struct {
		persons     int
		start       registry.PersonID
		maxMoved    float64 // share of persons
		maxMeanDays float64 // mean move of those moved
	}{
		{100_000, 1, 0.02, 3},
		{100_000, 5_000_001, 0.02, 3},
		{2_000, 1, 0.97, 15},
		{2_000, 123_457, 0.97, 15},
	} {
		g, err := newGen(Config{Persons: tc.persons, Seed: 3, Today: today, Start: registry.Keys{Person: tc.start}}, tree)
		if err != nil {
			t.Fatal(err)
		}
		if err := g.run(context.Background(), func(b *registry.Bulk, _ int) bool { return discard(context.Background(), b) == nil }); err != nil {
			t.Fatal(err)
		}
		moved := float64(g.ids.moved) / float64(tc.persons)
		mean := float64(g.ids.movedDays) / float64(max(1, g.ids.moved))
		t.Logf("%d persons from key %d: %.2f%% of birth dates moved, by %.1f days on average", tc.persons, tc.start, 100*moved, mean)
		if moved > tc.maxMoved || mean > tc.maxMeanDays {
			t.Errorf("%d persons from key %d: %.2f%% moved by %.1f days on average, want at most %.2f%% and %.1f days",
				tc.persons, tc.start, 100*moved, mean, 100*tc.maxMoved, tc.maxMeanDays)
		}
	}
}
