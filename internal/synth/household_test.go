package synth

import (
	"context"
	"testing"
	"time"

	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// TestFamiliesTakeTheChildren checks that nearly every minor finds a family
// of a fitting age by matching, not by the last-resort search.
func TestFamiliesTakeTheChildren(t *testing.T) {
	tree, err := region.Default()
	if err != nil {
		t.Fatal(err)
	}
	g, err := newGen(Config{Persons: 50_000, Seed: 9, Today: period.MustDate(2024, time.October, 15)}, tree)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.run(context.Background(), func(*registry.Bulk, int) bool { return true }); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d minors placed by the last-resort search", g.fallbacks)
	if share := float64(g.fallbacks) / 50_000; share > 0.002 {
		t.Errorf("%d minors (%.2f%% of persons) needed the last-resort family search", g.fallbacks, 100*share)
	}
}
