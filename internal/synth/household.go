package synth

import (
	"math"
	"math/rand/v2"

	"safetynet/internal/period"
)

// Households are formed within a batch by matching: the batch's persons
// are drawn from the age pyramid first, so the population's ages follow it
// exactly whatever the households look like; then
//
//  1. adults marry by age- and sex-specific shares, each husband with a
//     woman of about his age (he is 2.5 years older on average, between 4
//     years younger and 8 older);
//  2. each couple, and each single adult who lives alone, forms a family
//     unit, placed in a village or community of a county;
//  3. minors, and most unmarried adults under 40, join a unit as children,
//     the unit's younger partner (in practice the mother) being 20 to 42
//     years older (27.5 on average), up to the family's number of
//     children;
//  4. many single people of 60 and over join a unit as a parent (20 to 42
//     years older than its head's generation) or as a grandparent;
//  5. some young couples are registered in the head's parents' household
//     (the husband or wife becomes a child, the other a child-in-law, their
//     children grandchildren), and some old couples in a child's household.
//
// A unit and everything merged into it is one household of at most six
// persons.

// Relations inside a unit, before merges.
const (
	rHead uint8 = iota
	rSpouse
	rChild
	rParent
	rGrandparent
)

// Kinds of merge of a unit into another.
const (
	mergeNone uint8 = iota
	mergeYoung
	mergeOld
)

// Flags of merges a unit has received.
const (
	recvYoung uint8 = 1 << iota
	recvOld
)

// bperson is a person of the batch being generated.
type bperson struct {
	birth  period.Date
	age    int16
	male   bool
	dead   bool
	rel    uint8 // relation in its own unit
	unit   int32 // own unit
	hh     int32 // unit of the household it ends up in
	father int32 // index of the father in the batch, or -1
	// Name parts, for children's names: the surname (Han style) or the
	// given name (patronymic styles).
	surname, given string
	name           string // full name, once named
}

// bunit is a family unit: a couple or a single adult, with the persons
// who joined it.
type bunit struct {
	head, spouse int32 // spouse is -1 for a single person
	ref          int16 // younger partner's age, matched against children
	size         int8
	kids, kidCap int8
	parents      int8
	merge        uint8
	recv         uint8
	into         int32 // unit merged into, or -1
	county       int16
	village      int32
	urban        bool
	eth, other   uint8 // ethnic group; otherPeoples index when ethOther
}

// scratch holds buffers reused from batch to batch. Nothing in it is
// handed to emit.
type scratch struct {
	ps         []bperson
	units      []bunit
	wives      [maxAge + 1][]int32
	buckets    [maxAge + 1][]int32
	men, kids  []int32
	elders     []int32
	young, old []int32
	parentMale []int32
	count      []int32
	order      []int32
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

func clampInt(v, lo, hi int) int { return min(max(v, lo), hi) }

// normalInt draws a normal variate rounded and clamped to [lo, hi].
func normalInt(r *rand.Rand, mean, sd float64, lo, hi int) int {
	return clampInt(int(math.Round(mean+sd*r.NormFloat64())), lo, hi)
}

// formHouseholds groups the persons of ps into family units and merges
// some units into others. Every person ends with unit set; a unit with
// into ≥ 0 was merged into that unit.
func (g *gen) formHouseholds(r *rand.Rand, ps []bperson) []bunit {
	s := &g.scratch
	for a := range s.wives {
		s.wives[a] = s.wives[a][:0]
	}
	men := s.men[:0]
	for i := range ps {
		p := &ps[i]
		p.unit = -1
		if p.age >= 18 && r.Float64() < married(int(p.age), p.male) {
			if p.male {
				men = append(men, int32(i))
			} else {
				s.wives[p.age] = append(s.wives[p.age], int32(i))
			}
		}
	}
	s.men = men

	// 1. Couples.
	units := s.units[:0]
	for _, m := range men {
		a := int(ps[m].age)
		w := popNear(&s.wives, a-normalInt(r, 2.5, 3, -4, 8), 4, 20)
		if w < 0 {
			continue
		}
		h, sp := m, w
		if r.Float64() < wifeHead {
			h, sp = w, m
		}
		u := int32(len(units))
		units = append(units, bunit{head: h, spouse: sp, ref: min(ps[m].age, ps[w].age), size: 2, into: -1})
		ps[h].unit, ps[h].rel = u, rHead
		ps[sp].unit, ps[sp].rel = u, rSpouse
	}
	// 2. Singles: children to place, elders to place, or alone.
	kids, elders := s.kids[:0], s.elders[:0]
	for i := range ps {
		p := &ps[i]
		if p.unit >= 0 {
			continue
		}
		switch a := int(p.age); {
		case a < 18:
			kids = append(kids, int32(i))
		case a < 60 && r.Float64() < staysWithParents(a):
			kids = append(kids, int32(i))
		case a >= 60 && r.Float64() < livesWithChild(a):
			elders = append(elders, int32(i))
		default:
			units = append(units, single(ps, int32(i), len(units)))
		}
	}
	for i := range units {
		g.placeUnit(r, &units[i])
	}
	addSingle := func(i int32) {
		units = append(units, single(ps, i, len(units)))
		g.placeUnit(r, &units[len(units)-1])
	}

	// 3. Children.
	g.bucket(units, func(u *bunit) bool { return u.kidCap > 0 && u.size < maxHousehold })
	childFit := func(u int32) (bool, bool) {
		x := &units[u]
		ok := x.size < maxHousehold && x.kids < x.kidCap
		return ok, !ok
	}
	for _, c := range kids {
		a := int(ps[c].age)
		u := pickUnit(r, &s.buckets, a+normalInt(r, childGapMean, childGapSD, childGapMin, childGapMax), 6, a+childGapMin-1, a+childGapMax+3, 4, childFit)
		if u < 0 && a < 18 {
			g.fallbacks++
			u = anyParent(r, units, a)
		}
		if u < 0 {
			addSingle(c)
			continue
		}
		units[u].size++
		units[u].kids++
		ps[c].unit, ps[c].rel = u, rChild
	}
	s.kids = kids

	// 4. Elders.
	g.bucket(units, func(u *bunit) bool { return u.size < maxHousehold && u.parents < 2 })
	for _, e := range elders {
		a := int(ps[e].age)
		elderFit := func(u int32) (bool, bool) {
			x := &units[u]
			if x.size >= maxHousehold || x.parents >= 2 {
				return false, true
			}
			return int(ps[x.head].age) <= a-19, false
		}
		rel := rParent
		u := pickUnit(r, &s.buckets, a-normalInt(r, 28, 4.5, 20, 42), 5, a-47, a-19, 4, elderFit)
		if u < 0 {
			rel = rGrandparent
			u = pickUnit(r, &s.buckets, a-45-r.IntN(21), 5, a-70, a-40, 4, elderFit)
		}
		if u < 0 {
			addSingle(e)
			continue
		}
		units[u].size++
		units[u].parents++
		ps[e].unit, ps[e].rel = u, rel
	}
	s.elders = elders

	// 5. Merges of young and old couples.
	young, old := s.young[:0], s.old[:0]
	for i := range units {
		x := &units[i]
		if x.spouse < 0 {
			continue
		}
		switch {
		case x.ref < 30 && x.parents == 0 && r.Float64() < youngCoupleMerge:
			x.merge = mergeYoung
			young = append(young, int32(i))
		case max(ps[x.head].age, ps[x.spouse].age) >= 70 && x.size == 2 && r.Float64() < oldCoupleMerge:
			x.merge = mergeOld
			old = append(old, int32(i))
		}
	}
	s.young, s.old = young, old
	g.bucket(units, func(u *bunit) bool { return u.merge == mergeNone && u.size < maxHousehold })
	for _, y := range young {
		yu := &units[y]
		h := int(ps[yu.head].age)
		t := pickUnit(r, &s.buckets, h+normalInt(r, childGapMean, childGapSD, childGapMin, childGapMax), 4, h+childGapMin-1, h+childGapMax+3, 6,
			func(u int32) (bool, bool) {
				x := &units[u]
				if x.size >= maxHousehold {
					return false, true
				}
				return x.recv&recvYoung == 0 && x.size+yu.size <= maxHousehold && x.eth == yu.eth && x.other == yu.other, false
			})
		if t < 0 {
			yu.merge = mergeNone
			continue
		}
		yu.into = t
		units[t].size += yu.size
		units[t].recv |= recvYoung
	}
	for _, o := range old {
		ou := &units[o]
		a := int(max(ps[ou.head].age, ps[ou.spouse].age))
		younger := int(min(ps[ou.head].age, ps[ou.spouse].age))
		t := pickUnit(r, &s.buckets, a-normalInt(r, 28, 4.5, 20, 42), 4, a-47, a-19, 6,
			func(u int32) (bool, bool) {
				x := &units[u]
				if x.size >= maxHousehold {
					return false, true
				}
				return x.parents == 0 && x.recv&recvOld == 0 && x.size+2 <= maxHousehold && int(ps[x.head].age) <= younger-19 &&
					x.eth == ou.eth && x.other == ou.other, false
			})
		if t < 0 {
			ou.merge = mergeNone
			continue
		}
		ou.into = t
		units[t].size += 2
		units[t].parents += 2
		units[t].recv |= recvOld
	}
	s.units = units
	return units
}

// single returns a one-person unit for person i, which becomes unit u.
func single(ps []bperson, i int32, u int) bunit {
	ps[i].unit, ps[i].rel = int32(u), rHead
	return bunit{head: i, spouse: -1, ref: ps[i].age, size: 1, into: -1}
}

// placeUnit gives a new unit its county, village, hukou type, ethnic group
// and number of children.
func (g *gen) placeUnit(r *rand.Rand, u *bunit) {
	c := g.countyT.pick(r)
	ci := &g.counties[c]
	v := ci.homeVill.pick(r)
	u.county, u.village = int16(c), int32(v)
	urban := urbanInVillage
	if ci.villages[v].community {
		urban = urbanInCommunity
	}
	u.urban = r.Float64() < urban
	u.eth = uint8(g.ethT[b2i(ci.mori)].pick(r))
	if u.eth == ethOther {
		u.other = uint8(g.otherT.pick(r))
	}
	k := 2
	if u.eth == ethHan {
		k = 1 - b2i(u.urban)
	}
	u.kidCap = int8(1 + g.capT[k].pick(r))
	if u.spouse < 0 && r.Float64() < 0.7 {
		u.kidCap = 0 // most single adults have no children with them
	}
}

// bucket files the units that keep accepts by their reference age.
func (g *gen) bucket(units []bunit, keep func(*bunit) bool) {
	b := &g.scratch.buckets
	for a := range b {
		b[a] = b[a][:0]
	}
	for i := range units {
		if keep(&units[i]) {
			b[units[i].ref] = append(b[units[i].ref], int32(i))
		}
	}
}

// popNear removes and returns a person from the bucket of age t, or of the
// nearest age within window (never below minAge); -1 if all are empty.
func popNear(b *[maxAge + 1][]int32, t, window, minAge int) int32 {
	for k := 0; k <= window; k++ {
		for _, a := range [2]int{t + k, t - k} {
			if a < minAge || a > maxAge || len(b[a]) == 0 {
				continue
			}
			n := len(b[a]) - 1
			i := b[a][n]
			b[a] = b[a][:n]
			return i
		}
	}
	return -1
}

// pickUnit returns a random unit from the bucket of age t, or of the
// nearest age within window and within [lo, hi], that fit accepts, trying
// up to tries units per age. fit also says whether a unit it refuses can
// never fit again, so that it leaves the bucket. It returns -1 if none
// fits.
func pickUnit(r *rand.Rand, b *[maxAge + 1][]int32, t, window, lo, hi, tries int, fit func(int32) (ok, drop bool)) int32 {
	lo, hi = max(lo, 0), min(hi, maxAge)
	for k := 0; k <= window; k++ {
		for side, a := range [2]int{t + k, t - k} {
			if side == 1 && k == 0 || a < lo || a > hi {
				continue
			}
			bk := b[a]
			for n := 0; n < tries && len(bk) > 0; n++ {
				j := r.IntN(len(bk))
				u := bk[j]
				ok, drop := fit(u)
				if ok {
					b[a] = bk
					return u
				}
				if drop {
					bk[j] = bk[len(bk)-1]
					bk = bk[:len(bk)-1]
				}
			}
			b[a] = bk
		}
	}
	return -1
}

// anyParent is the last resort for a minor no family took: any unit with
// room whose younger partner is 20 to 45 years older, searched from a
// random start. It returns -1 if there is none.
func anyParent(r *rand.Rand, units []bunit, age int) int32 {
	if len(units) == 0 {
		return -1
	}
	start := r.IntN(len(units))
	for k := range units {
		i := (start + k) % len(units)
		if u := &units[i]; u.size < maxHousehold && int(u.ref) >= age+childGapMin && int(u.ref) <= age+45 {
			return int32(i)
		}
	}
	return -1
}
