package policy

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// Population is a columnar set of cases of one entity: one int64 column per
// input (in the engine's forms: fen, dec millionths, 0/1, period.Date, str
// ids from StrID) and each row's region.
type Population struct {
	Entity string
	N      int
	cols   map[string][]int64
	// RegionIdx gives each row's region as an index into Regions.
	RegionIdx []int32
	Regions   []region.Code
}

// NewPopulation returns an empty population of n rows, all in region code.
func NewPopulation(entity string, n int, code region.Code) *Population {
	return &Population{Entity: entity, N: n, cols: map[string][]int64{}, RegionIdx: make([]int32, n), Regions: []region.Code{code}}
}

// Set installs the column of an input; it must have N values.
func (p *Population) Set(input string, col []int64) {
	if len(col) != p.N {
		panic(fmt.Sprintf("population: column %s has %d rows, want %d", input, len(col), p.N))
	}
	p.cols[input] = col
}

// Column returns the column of an input.
func (p *Population) Column(input string) ([]int64, bool) { c, ok := p.cols[input]; return c, ok }

// Case returns row i as a row-wise case.
func (pk *Package) Case(p *Population, i int) Case {
	c := Case{Entity: p.Entity, Region: p.Regions[p.RegionIdx[i]], Inputs: map[string]json.RawMessage{}}
	ent := pk.Entities[p.Entity]
	for name, col := range p.cols {
		in := ent.Inputs[name]
		if in == nil {
			continue
		}
		c.Inputs[name] = pk.jsonValue(in, col[i])
	}
	return c
}

// jsonValue renders an engine value as a case's JSON input.
func (pk *Package) jsonValue(in *Input, v int64) []byte {
	switch in.Type {
	case TDec:
		return []byte(`"` + formatDec(v) + `"`)
	case TBool:
		if v != 0 {
			return []byte("true")
		}
		return []byte("false")
	case TDate:
		return []byte(`"` + period.Date(v).String() + `"`)
	case TStr:
		return []byte(`"` + pk.strs.str(v) + `"`)
	}
	return []byte(fmt.Sprint(v))
}

// StrID returns the engine form of a str input's value.
func (pk *Package) StrID(entity, input, value string) (int64, error) {
	e, ok := pk.Entities[entity]
	if !ok {
		return 0, fmt.Errorf("unknown entity %s", entity)
	}
	in, ok := e.Inputs[input]
	if !ok || in.Type != TStr {
		return 0, fmt.Errorf("%s has no str input %s", entity, input)
	}
	id, ok := in.valueIDs[value]
	if !ok {
		return 0, fmt.Errorf("%s.%s: %q is not one of %v", entity, input, value, in.Values)
	}
	return id, nil
}

// BatchResult is a programme's decisions for a whole population.
type BatchResult struct {
	Programme string
	Eligible  []bool
	// Amount is in fen, 0 where not eligible.
	Amount []int64
	// Count and Total sum the eligible rows and their amounts.
	Count int
	Total int64
}

// chunkRows is the number of rows evaluated together: small enough for the
// working columns to stay in cache, large enough to amortise dispatch.
const chunkRows = 2048

// instr is one operation of a flattened plan, reading and writing slots.
type instr struct {
	n       *node
	dst     int
	a, b, c int
	args    []int
	col     []int64     // the population column of an input
	steps   *dateSteps  // for age_at and months_between to a fixed day
	pvals   []int64     // per-region parameter values
	ptabs   [][]Bracket // per-region scales
	uniform bool
}

// plan is a programme flattened for columnar evaluation.
type plan struct {
	prog   *Programme
	instrs []instr
	nslots int
	// stepSlot is the slot holding each step's value.
	stepSlot []int
	// stepEnd is the number of instructions that compute steps[0..i].
	stepEnd []int
}

// EvaluateBatch decides programme id for every row of pop, spreading chunks of
// rows over workers goroutines (0: one per CPU).
func (pk *Package) EvaluateBatch(id string, per period.Month, pop *Population, workers int) (*BatchResult, error) {
	return pk.evaluateBatch(id, per, pop, workers, nil)
}

// EvaluateBatchWith is EvaluateBatch with parameter overrides: override
// returns a replacement parameter for a key, or nil to keep the package's.
func (pk *Package) EvaluateBatchWith(id string, per period.Month, pop *Population, workers int, override func(key string) *Param) (*BatchResult, error) {
	return pk.evaluateBatch(id, per, pop, workers, override)
}

func (pk *Package) evaluateBatch(id string, per period.Month, pop *Population, workers int, override func(string) *Param) (*BatchResult, error) {
	p, ok := pk.progs[id]
	if !ok {
		return nil, fault.Errorf(fault.NotFound, "programme %s not found", id)
	}
	if p.Entity != pop.Entity {
		return nil, fault.Errorf(fault.Invalid, "programme %s decides a %s, the population holds %s", id, p.Entity, pop.Entity)
	}
	for _, name := range p.allInputs {
		if _, ok := pop.cols[name]; !ok {
			return nil, &fault.Error{Code: fault.Invalid, Message: "incomplete population", Fields: map[string]string{"inputs." + name: "is missing: " + id + " needs it"}}
		}
	}
	if err := pk.checkColumns(p, pop); err != nil {
		return nil, err
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	memo := map[string]*BatchResult{}
	return pk.batch(p, per, pop, workers, override, memo)
}

func (pk *Package) batch(p *Programme, per period.Month, pop *Population, workers int, override func(string) *Param, memo map[string]*BatchResult) (*BatchResult, error) {
	if r, ok := memo[p.ID]; ok {
		return r, nil
	}
	deps := make([]*BatchResult, len(p.deps))
	for i, d := range p.deps {
		r, err := pk.batch(d, per, pop, workers, override, memo)
		if err != nil {
			return nil, fmt.Errorf("%s for %s: %w", d.ID, p.ID, err)
		}
		deps[i] = r
	}
	w := when(p, per)
	pl, err := pk.newPlan(p, w, pop, override)
	if err != nil {
		return nil, err
	}
	res := &BatchResult{Programme: p.ID, Eligible: make([]bool, pop.N), Amount: make([]int64, pop.N)}
	nChunks := (pop.N + chunkRows - 1) / chunkRows
	var next atomic.Int64
	var mu sync.Mutex
	var firstErr error
	firstRow := math.MaxInt
	var wg sync.WaitGroup
	for range min(workers, max(nChunks, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ws := newWorkspace(pl)
			for {
				ci := int(next.Add(1) - 1)
				if ci >= nChunks {
					return
				}
				lo := ci * chunkRows
				hi := min(lo+chunkRows, pop.N)
				if row, err := ws.run(pk, pl, w, pop, deps, lo, hi, res); err != nil {
					mu.Lock()
					if row < firstRow {
						firstRow, firstErr = row, err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, &fault.Error{Code: fault.Invalid, Message: fmt.Sprintf("%s: row %d cannot be decided", p.ID, firstRow), Err: firstErr}
	}
	var total money.Total // checked: an overflow fails the batch
	for i, e := range res.Eligible {
		if e {
			res.Count++
			total.Add(money.Fen(res.Amount[i]))
		}
	}
	t, err := total.Result()
	if err != nil {
		return nil, fmt.Errorf("%s: total: %w", p.ID, err)
	}
	res.Total = int64(t)
	memo[p.ID] = res
	return res, nil
}

// newPlan flattens the programme's steps into instructions and resolves
// every parameter for each region of the population.
func (pk *Package) newPlan(p *Programme, w When, pop *Population, override func(string) *Param) (*plan, error) {
	pl := &plan{prog: p}
	pvals := make([][]int64, len(p.params))
	ptabs := make([][][]Bracket, len(p.params))
	uniform := make([]bool, len(p.params))
	for i, prm := range p.params {
		if override != nil {
			if o := override(prm.Key); o != nil {
				prm = o
			}
		}
		pvals[i] = make([]int64, len(pop.Regions))
		ptabs[i] = make([][]Bracket, len(pop.Regions))
		uniform[i] = true
		for r, code := range pop.Regions {
			pv, _, err := prm.lookup(w.AsOf, code)
			if err != nil {
				return nil, &fault.Error{Code: fault.Invalid, Message: "parameter not in force", Err: err, Fields: map[string]string{"period": err.Error()}}
			}
			pvals[i][r], ptabs[i][r] = pv.V, pv.Scale
			if r > 0 && (pvals[i][r] != pvals[i][0] || !slices.Equal(ptabs[i][r], ptabs[i][0])) {
				uniform[i] = false
			}
		}
	}
	var emit func(n *node) int
	emit = func(n *node) int {
		in := instr{n: n, a: -1, b: -1, c: -1}
		if n.op == opRef {
			return pl.stepSlot[n.idx]
		}
		if n.a != nil {
			in.a = emit(n.a)
		}
		if n.b != nil {
			in.b = emit(n.b)
		}
		if n.c != nil {
			in.c = emit(n.c)
		}
		for _, an := range n.args {
			in.args = append(in.args, emit(an))
		}
		switch n.op {
		case opAgeAt, opMonthsBetween:
			if on, ok := fixedDate(n.b, w); ok {
				f := ageAt
				if n.op == opMonthsBetween {
					f = monthsBetween
				}
				in.steps = newDateSteps(on, f)
			}
		case opParam, opScale:
			in.pvals, in.ptabs, in.uniform = pvals[n.idx], ptabs[n.idx], uniform[n.idx]
		case opInput:
			in.col = pop.cols[p.inputs[n.idx].Name]
		}
		in.dst = pl.nslots
		pl.nslots++
		pl.instrs = append(pl.instrs, in)
		return in.dst
	}
	for _, st := range p.steps {
		pl.stepSlot = append(pl.stepSlot, emit(st.root))
		pl.stepEnd = append(pl.stepEnd, len(pl.instrs))
	}
	return pl, nil
}

// workspace is one worker's slots.
type workspace struct {
	memos map[int]*memoTable
	slots [][]int64
	own   [][]int64 // the buffers owned, reused across chunks
	bad   []bool
	elig  []bool
	args  [][]int64
}

func newWorkspace(pl *plan) *workspace {
	ws := &workspace{slots: make([][]int64, pl.nslots), own: make([][]int64, pl.nslots), bad: make([]bool, chunkRows), elig: make([]bool, chunkRows)}
	for i := range ws.own {
		ws.own[i] = make([]int64, chunkRows)
	}
	return ws
}

// run evaluates rows lo..hi and stores their decisions in res. It returns the
// first failing row and its error.
func (ws *workspace) run(pk *Package, pl *plan, w When, pop *Population, deps []*BatchResult, lo, hi int, res *BatchResult) (int, error) {
	n := hi - lo
	p := pl.prog
	bad := ws.bad[:n]
	clear(bad)
	amountStep := len(p.steps) - 1
	// Variables and conditions: the steps before the amount.
	condEnd := 0
	if amountStep > 0 {
		condEnd = pl.stepEnd[amountStep-1]
	}
	for k := 0; k < condEnd; k++ {
		ws.exec(pk, &pl.instrs[k], w, pop, lo, n, bad)
	}
	if row := firstTrue(bad); row >= 0 {
		return lo + row, ws.describe(pk, pl, w, pop, lo+row)
	}
	elig := ws.elig[:n]
	for i := range elig {
		elig[i] = true
	}
	for di, d := range deps {
		want := di < p.nReq
		for i := range elig {
			elig[i] = elig[i] && d.Eligible[lo+i] == want
		}
	}
	for si, st := range p.steps {
		if st.kind != stepCond {
			continue
		}
		col := ws.slots[pl.stepSlot[si]]
		for i := range elig {
			elig[i] = elig[i] && col[i] != 0
		}
	}
	// The amount.
	for k := condEnd; k < len(pl.instrs); k++ {
		ws.exec(pk, &pl.instrs[k], w, pop, lo, n, bad)
	}
	amt := ws.slots[pl.stepSlot[amountStep]]
	for i := range elig {
		if elig[i] {
			if bad[i] {
				return lo + i, ws.describe(pk, pl, w, pop, lo+i)
			}
			res.Eligible[lo+i] = true
			res.Amount[lo+i] = amt[i]
		}
	}
	return -1, nil
}

func firstTrue(b []bool) int {
	for i, v := range b {
		if v {
			return i
		}
	}
	return -1
}

// describe finds the error of one row by evaluating it row-wise, which
// names the failing expression.
func (ws *workspace) describe(pk *Package, pl *plan, w When, pop *Population, row int) error {
	c := pk.Case(pop, row)
	_, err := pk.decide(pl.prog, period.NewMonth(int(w.Year), time.Month(w.Month)), c)
	if err == nil {
		return fmt.Errorf("row %d failed in the columnar engine only", row)
	}
	return err
}

// exec runs one instruction over n rows starting at row lo.
func (ws *workspace) exec(pk *Package, in *instr, w When, pop *Population, lo, n int, bad []bool) {
	nd := in.n
	if nd.op == opInput {
		ws.slots[in.dst] = in.col[lo : lo+n]
		return
	}
	out := ws.own[in.dst][:n]
	ws.slots[in.dst] = out
	var a, b []int64
	if in.a >= 0 {
		a = ws.slots[in.a]
	}
	if in.b >= 0 {
		b = ws.slots[in.b]
	}
	switch nd.op {
	case opConst:
		fill(out, nd.k)
	case opParam:
		if in.uniform {
			fill(out, in.pvals[0])
		} else {
			ri := pop.RegionIdx[lo : lo+n]
			for i := range out {
				out[i] = in.pvals[ri[i]]
			}
		}
	case opScale:
		if in.uniform {
			t := in.ptabs[0]
			for i := range out {
				out[i] = scaleValue(t, a[i])
			}
		} else {
			ri := pop.RegionIdx[lo : lo+n]
			for i := range out {
				out[i] = scaleValue(in.ptabs[ri[i]], a[i])
			}
		}
	case opPeriodStart:
		fill(out, int64(w.Start))
	case opPeriodEnd:
		fill(out, int64(w.End))
	case opPeriodYear:
		fill(out, w.Year)
	case opPeriodMonth:
		fill(out, w.Month)
	case opToDec:
		for i := range out {
			v, ok := toDecOK(a[i])
			out[i] = v
			bad[i] = bad[i] || !ok
		}
	case opNeg:
		for i := range out {
			out[i] = -a[i]
			bad[i] = bad[i] || a[i] == math.MinInt64
		}
	case opNot:
		for i := range out {
			out[i] = 1 - a[i]
		}
	case opAdd:
		for i := range out {
			v, ok := addOK(a[i], b[i])
			out[i] = v
			bad[i] = bad[i] || !ok
		}
	case opSub:
		for i := range out {
			v, ok := subOK(a[i], b[i])
			out[i] = v
			bad[i] = bad[i] || !ok
		}
	case opMul:
		for i := range out {
			v, ok := mulOK(a[i], b[i])
			out[i] = v
			bad[i] = bad[i] || !ok
		}
	case opMulDec:
		for i := range out {
			v, ok := decMulOK(a[i], b[i])
			out[i] = v
			bad[i] = bad[i] || !ok
		}
	case opDiv:
		for i := range out {
			if b[i] == 0 {
				out[i], bad[i] = 0, true
				continue
			}
			v, ok := decDivOK(a[i], b[i])
			out[i] = v
			bad[i] = bad[i] || !ok
		}
	case opMod:
		for i := range out {
			switch b[i] {
			case 0:
				out[i], bad[i] = 0, true
			case -1:
				out[i] = 0
			default:
				out[i] = a[i] % b[i]
			}
		}
	case opEq:
		for i := range out {
			out[i] = b2i(a[i] == b[i])
		}
	case opNe:
		for i := range out {
			out[i] = b2i(a[i] != b[i])
		}
	case opLt:
		for i := range out {
			out[i] = b2i(a[i] < b[i])
		}
	case opLe:
		for i := range out {
			out[i] = b2i(a[i] <= b[i])
		}
	case opGt:
		for i := range out {
			out[i] = b2i(a[i] > b[i])
		}
	case opGe:
		for i := range out {
			out[i] = b2i(a[i] >= b[i])
		}
	case opAnd:
		for i := range out {
			out[i] = a[i] & b[i]
		}
	case opOr:
		for i := range out {
			out[i] = a[i] | b[i]
		}
	case opCond:
		c := ws.slots[in.c]
		for i := range out {
			if a[i] != 0 {
				out[i] = b[i]
			} else {
				out[i] = c[i]
			}
		}
	case opIn:
		for i := range out {
			out[i] = b2i(slices.Contains(nd.set, a[i]))
		}
	case opRound:
		for i := range out {
			out[i] = roundDec(a[i])
		}
	case opFloor:
		for i := range out {
			out[i] = floorDec(a[i])
		}
	case opCeil:
		for i := range out {
			out[i] = ceilDec(a[i])
		}
	case opMin:
		for i := range out {
			out[i] = min(a[i], b[i])
		}
	case opMax:
		for i := range out {
			out[i] = max(a[i], b[i])
		}
	case opAbs:
		for i := range out {
			v := a[i]
			if v < 0 {
				v = -v
			}
			out[i] = v
			bad[i] = bad[i] || a[i] == math.MinInt64
		}
	case opAgeAt, opMonthsBetween:
		f := ageAt
		if nd.op == opMonthsBetween {
			f = monthsBetween
		}
		if in.steps != nil {
			in.steps.apply(a, out, bad, f)
			return
		}
		for i := range out {
			v, ok := f(a[i], b[i])
			out[i] = v
			bad[i] = bad[i] || !ok
		}
	case opYearOf, opMonthOf:
		f := yearOf
		if nd.op == opMonthOf {
			f = monthOf
		}
		for i := range out {
			v, ok := f(a[i])
			out[i] = v
			bad[i] = bad[i] || !ok
		}
	case opCall:
		if cap(ws.args) < len(in.args) {
			ws.args = make([][]int64, len(in.args))
		}
		cols := ws.args[:len(in.args)]
		for j, s := range in.args {
			cols[j] = ws.slots[s]
		}
		argv := make([]int64, len(in.args))
		str := pk.strs.str // bind once: a method value allocates
		var memo *memoTable
		if nd.fn.MemoKey != nil {
			memo = ws.memo(in.dst)
		}
		for i := range out {
			for j := range cols {
				argv[j] = cols[j][i]
			}
			if memo != nil {
				if key, ok := nd.fn.MemoKey(argv); ok {
					v, fine := memo.get(key, func() (int64, bool) {
						v, err := nd.fn.Call(argv, str)
						return v, err == nil
					})
					out[i] = v
					bad[i] = bad[i] || !fine
					continue
				}
			}
			v, err := nd.fn.Call(argv, str)
			out[i] = v
			bad[i] = bad[i] || err != nil
		}
	default:
		for i := range out {
			bad[i] = true
		}
	}
}

func fill(out []int64, v int64) {
	for i := range out {
		out[i] = v
	}
}

// fixedDate reports whether n is the same date for every row, and which.
func fixedDate(n *node, w When) (int64, bool) {
	switch n.op {
	case opConst:
		return n.k, n.k != 0
	case opPeriodStart:
		return int64(w.Start), true
	case opPeriodEnd:
		return int64(w.End), true
	}
	return 0, false
}

// dateSteps computes f(x, on) for a fixed day on, where f counts whole years
// or months from x to on. It tabulates f for every day of the 130 years
// before on, so a row costs one lookup instead of two calendar conversions;
// outside the table it falls back to f itself, so the result is f's exactly.
type dateSteps struct {
	on    int64
	lo    int64
	table []int16 // table[x-lo] = f(x, on)
}

const dateStepsSpan = 130 * 366 // days tabulated before on

func newDateSteps(on int64, f func(int64, int64) (int64, bool)) *dateSteps {
	lo := on - dateStepsSpan
	if lo < 1 {
		return nil
	}
	s := &dateSteps{on: on, lo: lo, table: make([]int16, dateStepsSpan+1)}
	for x := lo; x <= on; x++ {
		v, ok := f(x, on)
		if !ok || v < math.MinInt16 || v > math.MaxInt16 {
			return nil
		}
		s.table[x-lo] = int16(v)
	}
	return s
}

func (s *dateSteps) apply(a, out []int64, bad []bool, f func(int64, int64) (int64, bool)) {
	n := uint64(len(s.table))
	for i, x := range a {
		if k := uint64(x - s.lo); k < n {
			out[i] = int64(s.table[k])
			continue
		}
		v, ok := f(x, s.on)
		out[i] = v
		bad[i] = bad[i] || !ok
	}
}

// checkColumns applies the row-wise engine's input checks to whole columns:
// no negative number unless the input is signed, bools 0 or 1, real dates,
// str values of the input's list. It names the first bad row.
func (pk *Package) checkColumns(p *Programme, pop *Population) error {
	ent := pk.Entities[p.Entity]
	for _, name := range p.allInputs {
		in := ent.Inputs[name]
		col := pop.cols[name]
		bad := -1
		switch in.Type {
		case TInt, TDec:
			if !in.Signed {
				bad = firstOutside(col, 0, math.MaxInt64)
			}
		case TBool:
			bad = firstOutside(col, 0, 1)
		case TDate:
			bad = firstOutside(col, 1, int64(lastDate))
		case TStr:
			var ok []bool
			for _, id := range in.valueIDs {
				if int(id) >= len(ok) {
					ok = append(ok, make([]bool, int(id)+1-len(ok))...)
				}
				ok[id] = true
			}
			for i, v := range col {
				if v < 0 || v >= int64(len(ok)) || !ok[v] {
					bad = i
					break
				}
			}
		}
		if bad >= 0 {
			c := pk.Case(pop, bad)
			return &fault.Error{Code: fault.Invalid, Message: fmt.Sprintf("%s: row %d cannot be decided", p.ID, bad),
				Fields: map[string]string{"inputs." + name: fmt.Sprintf("row %d: %s is not a valid %s", bad, c.Inputs[name], in.Kind)}}
		}
	}
	return nil
}

// firstOutside returns the first index whose value is outside [lo, hi], or
// -1.
func firstOutside(col []int64, lo, hi int64) int {
	for i, v := range col {
		if v < lo || v > hi {
			return i
		}
	}
	return -1
}

// memoTable remembers a function's results by MemoKey, direct-mapped.
type memoTable struct {
	keys []int64
	vals []int64
	st   []uint8 // 0 empty, 1 result, 2 error
}

const memoSize = 1 << 13

func (ws *workspace) memo(slot int) *memoTable {
	if m, ok := ws.memos[slot]; ok {
		return m
	}
	if ws.memos == nil {
		ws.memos = map[int]*memoTable{}
	}
	m := &memoTable{keys: make([]int64, memoSize), vals: make([]int64, memoSize), st: make([]uint8, memoSize)}
	ws.memos[slot] = m
	return m
}

func (m *memoTable) get(key int64, call func() (int64, bool)) (int64, bool) {
	h := (uint64(key) * 0x9E3779B97F4A7C15) >> (64 - 13)
	if m.st[h] != 0 && m.keys[h] == key {
		return m.vals[h], m.st[h] == 1
	}
	v, ok := call()
	m.keys[h], m.vals[h], m.st[h] = key, v, 2
	if ok {
		m.st[h] = 1
	}
	return v, ok
}
