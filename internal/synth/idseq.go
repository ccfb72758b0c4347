package synth

import (
	"fmt"
	"math"

	"safetynet/internal/period"
)

// Resident ID sequences (顺序码).
//
// A resident ID is (division, birth date, sequence, check digit); the
// sequence's parity gives the gender. For each key (division, birth date,
// gender) there are slotsPerKey sequence slots: slot s is sequence 2s+1 for
// a man and 2s+2 for a woman.
//
// Runs on the same database must not reuse a slot, but a run knows only its
// own first person key S (Config.Start.Person) and size N. The slots are
// therefore tiled along the person-key axis: run (S, N) may use, for key k,
// the slots
//
//	[⌊(S−1)·R + φₖ⌋, ⌊(S−1+N)·R + φₖ⌋)
//
// where R = slotRate and φₖ ∈ [0, 1) is a fixed phase per key. A later run
// starts at S' ≥ S+N, so its range starts where this one ends: ranges of
// different runs never overlap, whatever their sizes. Within a run a
// counter per key hands out the range's slots in order.
//
// R is about four times the largest expected demand per person of any key
// (a birth day in Changji City at the peak of the age pyramid), so a run
// of any size has ample slots on most days. When a key's range is full (or
// empty, as happens for most keys in very small runs) the birth date moves
// to the nearest day that has a free slot. The phase φₖ = frac(h(division,
// gender) + day·(√5−1)/2) spreads the keys that have a slot in small runs
// evenly over the calendar, so the move is short: in a run of 2,000 persons
// about one day in twenty has a slot.
//
// Limits: the tiling holds while S−1+N ≤ (slotsPerKey−1)/R, about 19.9
// million persons over all runs on one database; Generate refuses a run
// beyond that. It assumes that each run starts after the last person key
// of earlier runs (true when Start comes from the database), that earlier
// runs were complete (a run stopped half way leaves keys below S+N unused
// and the next run then starts inside its range, so a few of its IDs may
// collide; the loader reports that as a Conflict), and that no resident
// IDs came from elsewhere (imports are not looked at). Changing R or the
// phases between runs voids the guarantee.
const (
	slotsPerKey = 499
	slotRate    = 1.0 / 40000
	golden      = 0.6180339887498949
)

// idAlloc hands out resident ID sequences for one run.
type idAlloc struct {
	divs    []string // division codes, by index
	minDate period.Date
	maxDate period.Date // Today
	days    int
	used    []uint16 // per (division, day, gender)
	phase   []float64
	lo, hi  float64 // (S−1)·R and (S−1+N)·R
	// moved counts the assignments that moved the birth date, and
	// movedDays the days moved in total.
	moved, movedDays int
}

func newIDAlloc(divs []string, minDate, today period.Date, start int64, n int) (*idAlloc, error) {
	lo := float64(start-1) * slotRate
	hi := float64(start-1+int64(n)) * slotRate
	if hi+1 > slotsPerKey {
		return nil, fmt.Errorf("persons %d to %d are beyond the %d persons whose resident IDs the generator can keep unique across runs",
			start, start-1+int64(n), int64((slotsPerKey-1)/slotRate))
	}
	days := int(today-minDate) + 1
	a := &idAlloc{divs: divs, minDate: minDate, maxDate: today, days: days, lo: lo, hi: hi,
		used: make([]uint16, len(divs)*days*2), phase: make([]float64, len(divs)*2)}
	for i, d := range divs {
		for g := range 2 {
			var h uint64
			for _, c := range []byte(d) {
				h = h*10 + uint64(c-'0')
			}
			a.phase[i*2+g] = float64(mix64(h*2+uint64(g))>>11) / (1 << 53)
		}
	}
	return a, nil
}

// take reserves a slot for (div, gender, day) and returns its sequence
// number, or false if the run's range for that key is used up.
func (a *idAlloc) take(div int, male bool, d period.Date) (int, bool) {
	g := b2i(male)
	_, frac := math.Modf(a.phase[div*2+g] + float64(d)*golden)
	lo, hi := int(a.lo+frac), int(a.hi+frac)
	idx := (div*a.days+int(d-a.minDate))*2 + g
	s := lo + int(a.used[idx])
	if s >= hi {
		return 0, false
	}
	a.used[idx]++
	if male {
		return 2*s + 1, true
	}
	return 2*s + 2, true
}

// assign finds the day nearest to want, within [from, to], that has a free
// slot for (div, gender), reserves it and returns the day and sequence.
func (a *idAlloc) assign(div int, male bool, want, from, to period.Date) (period.Date, int, bool) {
	from, to = max(from, a.minDate), min(to, a.maxDate)
	want = min(max(want, from), to)
	for k := 0; ; k++ {
		up, down := want+period.Date(k), want-period.Date(k)
		if up > to && down < from {
			return 0, 0, false
		}
		if up <= to {
			if s, ok := a.take(div, male, up); ok {
				a.count(k)
				return up, s, true
			}
		}
		if k > 0 && down >= from {
			if s, ok := a.take(div, male, down); ok {
				a.count(k)
				return down, s, true
			}
		}
	}
}

func (a *idAlloc) count(days int) {
	if days > 0 {
		a.moved++
		a.movedDays += days
	}
}
