package synth

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// DefaultBatchSize is the number of persons per batch when
// Config.BatchSize is not set.
const DefaultBatchSize = 20_000

// Config describes a synthetic population.
type Config struct {
	// Persons is the number of persons to generate: 1,600,000 for the
	// whole prefecture, a few thousand for a demo.
	Persons int
	// Seed selects the population. The same seed, configuration and start
	// keys give the same output.
	Seed int64
	// Today is the reference date: ages, deaths and employment are as of
	// this day, and nobody is born after it. It must be 2008 or later.
	Today period.Date
	// BatchSize is the number of persons per emitted batch
	// (DefaultBatchSize if zero or negative). Households are formed within
	// a batch, so the output depends on it.
	BatchSize int
	// Start holds the first key of each kind to use (the database may hold
	// records already). A zero key counts as 1.
	Start registry.Keys
	// Home is the region whose counties the population lives in (every
	// county of the tree when empty).
	Home region.Code
}

// Summary counts what Generate produced.
type Summary struct {
	Persons       int
	Households    int
	Members       int // household members: equal to Persons
	Organisations int
	Employment    int
	Disabilities  int
	Deaths        int // persons with a recorded death
	BankAccounts  int
	// ByCounty counts persons by the county-level code of their region.
	ByCounty map[region.Code]int
}

// Generate creates the synthetic population described by cfg over the
// counties, townships and villages of tree, and hands it to emit in
// batches. The first batches hold the organisations (and their bank
// accounts); then come the persons, in batches of cfg.BatchSize with their
// households, employment spells, disability records and bank accounts.
// Every reference to a person stays inside the person's batch; employment
// spells refer to organisations of the first batches.
//
// Generation runs in a goroutine of its own, one batch ahead of emit, but
// emit is called for one batch at a time, in order, never concurrently.
// emit may keep the batch: every batch is freshly allocated. progress, if
// not nil, is called after each emitted batch with the number of persons
// emitted so far. Generate stops at the first error of emit, or when ctx
// is done, and returns that error with an empty Summary.
func Generate(ctx context.Context, cfg Config, tree *region.Tree, emit func(context.Context, *registry.Bulk) error, progress func(done int)) (Summary, error) {
	if emit == nil {
		return Summary{}, errors.New("synth: no emit function")
	}
	g, err := newGen(cfg, tree)
	if err != nil {
		return Summary{}, err
	}
	type item struct {
		b    *registry.Bulk
		done int
	}
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan item, 1)
	var genErr error
	go func() {
		defer close(ch)
		genErr = g.run(gctx, func(b *registry.Bulk, done int) bool {
			select {
			case ch <- item{b, done}:
				return true
			case <-gctx.Done():
				return false
			}
		})
	}()
	var emitErr error
	for it := range ch {
		if emitErr != nil || ctx.Err() != nil {
			// Drain until the generator notices the cancellation: a batch
			// already made when ctx ended is not emitted (the generator's
			// select may still pick the send when both are ready).
			continue
		}
		if err := emit(ctx, it.b); err != nil {
			emitErr = err
			cancel()
			continue
		}
		if progress != nil {
			progress(it.done)
		}
	}
	switch {
	case emitErr != nil:
		return Summary{}, emitErr
	case ctx.Err() != nil:
		return Summary{}, ctx.Err()
	case genErr != nil:
		return Summary{}, genErr
	}
	return g.sum, nil
}

// countyInfo is a county-level unit with what the generator needs of it.
type countyInfo struct {
	node      region.Node
	short     string // name used in organisation names
	villages  []villageInfo
	homeVill  table // households over villages and communities
	orgVill   table // non-farm organisations
	farmVill  table // farms
	homeDiv   int   // ID division index; -1 for a zone without a code
	mori      bool
	energy    float64 // 0, or the weight of energy industries (Zhundong 1, Fukang 0.5)
	industryT table   // enterprise industries
}

type villageInfo struct {
	code      region.Code
	community bool
	prefix    string // address: county, township, village
}

// orgRef is what person batches need to know of an organisation.
type orgRef struct {
	id     registry.OrgID
	region region.Code
	size   uint8
}

// gen holds the state of one Generate call. Only the generating goroutine
// touches it.
type gen struct {
	cfg   Config
	today period.Date
	voc   *vocab
	nm    *namer
	keys  registry.Keys
	sum   Summary

	counties  []countyInfo
	countyT   table // households over counties
	orgCounty table // organisations over counties

	ids            *idAlloc
	legacyDiv      int
	extDivs        []int
	extT           table
	zhundongDivs   []int
	zhundongT      table
	ageT           table
	ageLo, ageHi   [maxAge + 1]period.Date
	died           [maxAge + 1]float64
	wageLevel      [maxAge + 1]float64 // nominal wages n years ago, relative to today
	disK           float64
	legacyBorn     period.Date // first day on which 652303 was no longer issued
	secondGenCerts period.Date // first day of second-generation disability certificates
	ethT           [2]table    // [ordinary, Mori]
	otherT         table
	indivT         table
	sizeT          [2]table // [ordinary, energy]
	capT           [3]table // children per family, by childCaps row
	mobileT        table
	bankT, bankOrg table
	deathT         table
	disKindT       table
	disGradeT      table

	orgs          []orgRef
	orgsByCounty  [][]int32
	orgCountyEmpT []table
	orgAllEmpT    table

	scratch   scratch
	fallbacks int // minors placed by anyParent (for tuning)
}

func newGen(cfg Config, tree *region.Tree) (*gen, error) {
	if tree == nil {
		return nil, errors.New("synth: no region tree")
	}
	if cfg.Persons <= 0 {
		return nil, fmt.Errorf("synth: persons must be positive, not %d", cfg.Persons)
	}
	if cfg.Today.IsZero() || cfg.Today.Year() < 2008 {
		return nil, fmt.Errorf("synth: today %q must be set and in 2008 or later", cfg.Today)
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	for _, k := range []*int64{(*int64)(&cfg.Start.Person), (*int64)(&cfg.Start.Household), (*int64)(&cfg.Start.Org),
		(*int64)(&cfg.Start.Employment), (*int64)(&cfg.Start.Disability), (*int64)(&cfg.Start.BankAccount)} {
		if *k <= 0 {
			*k = 1
		}
	}
	voc, err := loadVocab()
	if err != nil {
		return nil, err
	}
	g := &gen{cfg: cfg, today: cfg.Today, voc: voc, nm: newNamer(voc), keys: cfg.Start,
		sum: Summary{ByCounty: make(map[region.Code]int)}}
	if err := g.setupRegions(tree, cfg.Home); err != nil {
		return nil, err
	}
	g.setupPeople()
	if err := g.setupIDs(); err != nil {
		return nil, err
	}
	g.setupOrgTables()
	return g, nil
}

// setupRegions collects the counties and their villages and weights them.
func (g *gen) setupRegions(tree *region.Tree, home region.Code) error {
	var nodes []region.Node
	if n, ok := tree.Node(home); ok && n.Level == region.County {
		nodes = []region.Node{n}
	} else if ok {
		nodes = tree.Descendants(home, region.County)
	}
	if len(nodes) == 0 {
		nodes = tree.Counties()
	}
	var popW, orgW []float64
	zones := 0
	for _, n := range nodes {
		if n.Population2010 == 0 && n.Kind == "development_zone" {
			zones++
		}
	}
	for _, n := range nodes {
		zone := n.Kind == "development_zone"
		if n.Population2010 == 0 && !zone {
			continue
		}
		c := countyInfo{node: n, short: shortName(n), mori: n.Code == "652328", homeDiv: -1}
		switch {
		case zone:
			c.energy = 1
		case n.Code == "652302":
			c.energy = 0.5
		}
		var hw, ow, fw []float64
		for _, v := range tree.Descendants(n.Code, region.Village) {
			vi := villageInfo{code: v.Code, community: v.Kind == "community"}
			var pb strings.Builder
			for _, p := range tree.Path(v.Code) {
				if p.Level >= region.County {
					pb.WriteString(p.NameZH)
				}
			}
			vi.prefix = pb.String()
			c.villages = append(c.villages, vi)
			if vi.community {
				hw, ow, fw = append(hw, communityWeight), append(ow, orgCommunityWeight), append(fw, 1)
			} else {
				hw, ow, fw = append(hw, 1), append(ow, 1), append(fw, orgCommunityWeight)
			}
		}
		if len(c.villages) == 0 {
			continue
		}
		c.homeVill, c.orgVill, c.farmVill = newTable(hw), newTable(ow), newTable(fw)
		g.counties = append(g.counties, c)
		if zone {
			popW = append(popW, zhundongShare)
			orgW = append(orgW, zhundongOrgShare)
		} else {
			popW = append(popW, float64(n.Population2010))
			orgW = append(orgW, float64(n.Population2010))
		}
	}
	if len(g.counties) == 0 {
		return errors.New("synth: the region tree has no county with villages or communities")
	}
	// Scale the census counties to the share left over by the zones.
	var census float64
	for i, c := range g.counties {
		if c.node.Kind != "development_zone" {
			census += popW[i]
		}
	}
	if census == 0 {
		return errors.New("synth: no county of the region tree has a 2010 population")
	}
	for i, c := range g.counties {
		if c.node.Kind != "development_zone" {
			popW[i] = popW[i] / census * (1 - zhundongShare*float64(zones))
			orgW[i] = orgW[i] / census * (1 - zhundongOrgShare*float64(zones))
		}
	}
	g.countyT, g.orgCounty = newTable(popW), newTable(orgW)
	return nil
}

// shortName is the county name used in organisation names.
func shortName(n region.Node) string {
	switch {
	case n.Kind == "development_zone":
		r := []rune(n.NameZH)
		return "新疆" + string(r[:min(2, len(r))])
	case strings.HasSuffix(n.NameZH, "哈萨克自治县"):
		return strings.TrimSuffix(n.NameZH, "哈萨克自治县") + "县"
	}
	return n.NameZH
}

// setupPeople prepares the age, mortality, ethnicity and other tables.
func (g *gen) setupPeople() {
	var living [maxAge + 1]float64
	for _, b := range ageBands {
		for a := b.from; a <= b.to; a++ {
			living[a] = b.share / float64(b.to-b.from+1)
		}
	}
	// Draw ages so that, after the deaths of the last three years, the
	// living population follows the pyramid.
	w := make([]float64, maxAge+1)
	var dis, tot float64
	for a := range w {
		g.died[a] = diedShare(a)
		w[a] = living[a] / (1 - g.died[a])
		g.ageHi[a] = g.today.AddMonths(-12 * a)
		g.ageLo[a] = g.today.AddMonths(-12 * (a + 1)).AddDays(1)
		dis += w[a] * disabilityByAge(a)
		tot += w[a]
	}
	g.ageT = newTable(w)
	g.wageLevel[0] = 1
	for n := 1; n < len(g.wageLevel); n++ {
		growth := wageGrowthRecent
		if g.today.Year()-n < wageGrowthSwitch {
			growth = wageGrowthEarly
		}
		g.wageLevel[n] = g.wageLevel[n-1] / growth
	}
	g.disK = disabilityShare * tot / dis
	g.legacyBorn = period.MustDate(legacyBefore, time.January, 1)
	g.secondGenCerts = period.MustDate(2008, time.January, 1)
	g.ethT = [2]table{newTable(ethnicShares[:]), newTable(ethnicSharesMori[:])}
	ow := make([]float64, len(otherPeoples))
	for i, o := range otherPeoples {
		ow[i] = o.w
	}
	g.otherT = newTable(ow)
	g.sizeT = [2]table{newTable(sizeShares[:]), newTable(sizeSharesEn[:])}
	for i := range childCaps {
		g.capT[i] = newTable(childCaps[i][:])
	}
	mw := make([]float64, len(mobilePrefixes))
	for i, m := range mobilePrefixes {
		mw[i] = m.w
	}
	g.mobileT = newTable(mw)
	bw, bo := make([]float64, len(banks)), make([]float64, len(banks))
	for i, b := range banks {
		bw[i], bo[i] = b.w, b.orgW
	}
	g.bankT, g.bankOrg = newTable(bw), newTable(bo)
	dw := make([]float64, len(registry.DeathSources))
	for i, src := range registry.DeathSources {
		dw[i] = deathSourceWeight(src)
	}
	g.deathT = newTable(dw)
	kw := make([]float64, len(disabilityKinds))
	for i, k := range disabilityKinds {
		kw[i] = k.w
	}
	g.disKindT = newTable(kw)
	g.disGradeT = newTable(disabilityGrades[:])
}

// setupIDs lists the division codes resident IDs may carry and creates
// the sequence allocator.
func (g *gen) setupIDs() error {
	var divs []string
	index := make(map[string]int)
	add := func(code string) int {
		if i, ok := index[code]; ok {
			return i
		}
		index[code] = len(divs)
		divs = append(divs, code)
		return len(divs) - 1
	}
	for i := range g.counties {
		if g.counties[i].node.Kind != "development_zone" {
			g.counties[i].homeDiv = add(string(g.counties[i].node.Code))
		}
	}
	var zw []float64
	for _, z := range zhundongIDDivisions {
		g.zhundongDivs = append(g.zhundongDivs, add(z.code))
		zw = append(zw, z.w)
	}
	g.zhundongT = newTable(zw)
	g.legacyDiv = add(legacyCode)
	var ew []float64
	for _, e := range externalDivisions {
		g.extDivs = append(g.extDivs, add(e.code))
		ew = append(ew, e.w)
	}
	g.extT = newTable(ew)
	a, err := newIDAlloc(divs, g.ageLo[maxAge], g.today, int64(g.cfg.Start.Person), g.cfg.Persons)
	if err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	g.ids = a
	return nil
}

// setupOrgTables prepares the industry tables of each county.
func (g *gen) setupOrgTables() {
	inds := g.voc.industries
	iw := make([]float64, len(inds))
	for i, in := range inds {
		iw[i] = in.indiv
	}
	g.indivT = newTable(iw)
	for c := range g.counties {
		ci := &g.counties[c]
		w := make([]float64, len(inds))
		for i, in := range inds {
			switch {
			case ci.energy >= 1:
				w[i] = in.energy
			default:
				w[i] = in.weight + ci.energy*in.energy
			}
		}
		ci.industryT = newTable(w)
	}
}

// run generates every batch and hands each to send, which returns false
// when the consumer has stopped.
func (g *gen) run(ctx context.Context, send func(*registry.Bulk, int) bool) error {
	orgRNG := rand.New(rand.NewPCG(uint64(g.cfg.Seed), 0x6f7267))
	n := max(minOrgs, g.cfg.Persons/personsPerOrg)
	orgs, accts, err := g.makeOrgs(orgRNG, n)
	if err != nil {
		return err
	}
	for i := 0; i < len(orgs); i += g.cfg.BatchSize {
		j := min(len(orgs), i+g.cfg.BatchSize)
		b := &registry.Bulk{Organisations: orgs[i:j:j], BankAccounts: accts[i:j:j]}
		if ctx.Err() != nil || !send(b, 0) {
			return ctx.Err()
		}
	}
	done := 0
	for batch := uint64(1); done < g.cfg.Persons; batch++ {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		size := min(g.cfg.BatchSize, g.cfg.Persons-done)
		r := rand.New(rand.NewPCG(uint64(g.cfg.Seed), mix64(batch)))
		b, err := g.personBatch(r, size)
		if err != nil {
			return err
		}
		done += size
		if !send(b, done) {
			return ctx.Err()
		}
	}
	return nil
}
