package policy

import (
	"math/rand/v2"
	"testing"
	"time"

	"safetynet/internal/period"
)

// TestMemoKeysDecideResults checks the MemoKey contract of every function
// that has one: arguments with the same key give the same result or the
// same failure.
func TestMemoKeysDecideResults(t *testing.T) {
	strs := newInterner()
	groups := []int64{strs.id("male"), strs.id("female_cadre"), strs.id("female_worker"), strs.id("nobody")}
	r := rand.New(rand.NewPCG(3, 1))
	lo, hi := int64(period.MustDate(1900, time.January, 1)), int64(period.MustDate(2030, time.December, 31))
	for _, f := range PensionFuncs() {
		if f.MemoKey == nil {
			continue
		}
		seen := map[int64][2]int64{} // key → result, failed
		for range 20000 {
			var args []int64
			if len(f.Args) == 1 {
				args = []int64{int64(r.IntN(12000)) - 10}
			} else {
				args = []int64{lo + r.Int64N(hi-lo), groups[r.IntN(len(groups))]}
			}
			key, ok := f.MemoKey(args)
			if !ok {
				continue
			}
			v, err := f.Call(args, strs.str)
			got := [2]int64{v, b2i(err != nil)}
			if want, ok := seen[key]; ok && want != got {
				t.Fatalf("%s%v: key %d gives %v, an earlier row with that key gave %v", f.Name, args, key, got, want)
			}
			seen[key] = got
		}
		if len(seen) < 100 {
			t.Errorf("%s: only %d distinct keys exercised", f.Name, len(seen))
		}
	}
}
