package policy

import (
	"fmt"
	"sort"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// Override replaces a parameter's value from a date on, for a what-if: "the
// 低保 standard at 700 yuan from 2025-01".
type Override struct {
	Key   string      `json:"key"`
	From  period.Date `json:"from"`
	Value string      `json:"value"`
	// Region, when set, changes only that county's (or lower region's)
	// values; otherwise the value holds everywhere, county overrides
	// included.
	Region region.Code `json:"region,omitempty"`
}

// ParseOverride reads "key=value@2025-01-01" or "key=value@2025-01" (the
// first of the month), optionally "key@652301=value@2025-01".
func ParseOverride(s string) (Override, error) {
	var o Override
	lhs, rhs, ok := strings.Cut(s, "=")
	if !ok {
		return o, fmt.Errorf("override %q: want key=value@date", s)
	}
	key, reg, _ := strings.Cut(lhs, "@")
	val, from, ok := strings.Cut(rhs, "@")
	if !ok {
		return o, fmt.Errorf("override %q: want key=value@date", s)
	}
	o.Key, o.Value, o.Region = strings.TrimSpace(key), strings.TrimSpace(val), region.Code(reg)
	d, err := period.ParseDate(from)
	if err != nil {
		m, merr := period.ParseMonth(from)
		if merr != nil {
			return o, fmt.Errorf("override %q: date: %v", s, err)
		}
		d = m.First()
	}
	o.From = d
	return o, nil
}

// apply returns a copy of p with the override's value in force from its
// date on: later values are replaced.
func (o Override) apply(p *Param) (*Param, error) {
	if p.Kind == KindScale {
		return nil, fmt.Errorf("parameter %s is a scale: what-if changes plain values only", p.Key)
	}
	v, err := parseScalar(p.Kind, o.Value)
	if err != nil {
		return nil, fmt.Errorf("override %s: value %q: %v", p.Key, o.Value, err)
	}
	cp := *p
	nv := ParamValue{From: o.From, Text: o.Value, V: v, Source: "what-if", Status: "unconfirmed"}
	splice := func(list []ParamValue) []ParamValue {
		var out []ParamValue
		for _, x := range list {
			if x.From < o.From {
				out = append(out, x)
			}
		}
		return append(out, nv)
	}
	if o.Region == "" {
		// Everywhere: county lists change from the date on too.
		cp.Values = splice(p.Values)
		cp.Regions = make(map[region.Code][]ParamValue, len(p.Regions))
		for k, v := range p.Regions {
			cp.Regions[k] = splice(v)
		}
		return &cp, nil
	}
	if _, err := region.ParseCode(string(o.Region)); err != nil {
		return nil, fmt.Errorf("override %s: %v", p.Key, err)
	}
	cp.Regions = make(map[region.Code][]ParamValue, len(p.Regions)+1)
	for k, v := range p.Regions {
		cp.Regions[k] = v
	}
	base := p.Values
	if own, ok := p.Regions[o.Region]; ok {
		base = own
	}
	cp.Regions[o.Region] = splice(base)
	return &cp, nil
}

// Tally counts beneficiaries and sums their amounts.
type Tally struct {
	Count int       `json:"count"`
	Total money.Fen `json:"total"`
}

// WhatIfRow compares one county before and after.
type WhatIfRow struct {
	Region     region.Code `json:"region"`
	Name       string      `json:"name,omitempty"`
	Before     Tally       `json:"before"`
	After      Tally       `json:"after"`
	DeltaCount int         `json:"delta_count"`
	DeltaTotal money.Fen   `json:"delta_total"`
}

// WhatIfReport is the effect of parameter overrides on one programme.
type WhatIfReport struct {
	Programme string      `json:"programme"`
	Period    string      `json:"period"`
	Overrides []Override  `json:"overrides"`
	Rows      []WhatIfRow `json:"rows"`
	Total     WhatIfRow   `json:"total"`
	Cases     int         `json:"cases"`
}

// WhatIf evaluates programme id over pop under the current rules and under
// the overrides, and compares beneficiaries and cost by county.
func (pk *Package) WhatIf(id string, per period.Month, pop *Population, overrides []Override, workers int) (*WhatIfReport, error) {
	repl := map[string]*Param{}
	var pr fault.Problems
	for i, o := range overrides {
		base, ok := repl[o.Key]
		if !ok {
			if base, ok = pk.params[o.Key]; !ok {
				pr.Add(fmt.Sprintf("overrides[%d].key", i), "unknown parameter %s", o.Key)
				continue
			}
		}
		np, err := o.apply(base)
		if err != nil {
			pr.Add(fmt.Sprintf("overrides[%d].value", i), "%v", err)
			continue
		}
		repl[o.Key] = np
	}
	if len(overrides) == 0 {
		pr.Add("overrides", "give at least one parameter override")
	}
	if err := pr.Err("invalid what-if"); err != nil {
		return nil, err
	}
	before, err := pk.EvaluateBatch(id, per, pop, workers)
	if err != nil {
		return nil, err
	}
	after, err := pk.EvaluateBatchWith(id, per, pop, workers, func(key string) *Param { return repl[key] })
	if err != nil {
		return nil, err
	}
	rep := &WhatIfReport{Programme: id, Period: per.String(), Overrides: overrides, Cases: pop.N}
	// Rows by county: map each population region to its county once.
	countyOf := make([]int, len(pop.Regions))
	idx := map[region.Code]int{}
	for r, code := range pop.Regions {
		c := code.County()
		i, ok := idx[c]
		if !ok {
			i = len(rep.Rows)
			idx[c] = i
			rep.Rows = append(rep.Rows, WhatIfRow{Region: c})
		}
		countyOf[r] = i
	}
	// Every sum is checked: an overflow fails the report, never wraps.
	sums := make([][2]money.Total, len(rep.Rows)) // before, after by row
	for i := range pop.N {
		r := countyOf[pop.RegionIdx[i]]
		row := &rep.Rows[r]
		if before.Eligible[i] {
			row.Before.Count++
			sums[r][0].Add(money.Fen(before.Amount[i]))
		}
		if after.Eligible[i] {
			row.After.Count++
			sums[r][1].Add(money.Fen(after.Amount[i]))
		}
	}
	var totBefore, totAfter money.Total
	for i := range rep.Rows {
		r := &rep.Rows[i]
		if r.Before.Total, err = sums[i][0].Result(); err != nil {
			return nil, fmt.Errorf("what-if %s %s: %s before: %w", id, per, r.Region, err)
		}
		if r.After.Total, err = sums[i][1].Result(); err != nil {
			return nil, fmt.Errorf("what-if %s %s: %s after: %w", id, per, r.Region, err)
		}
		if r.DeltaTotal, err = money.Sub(r.After.Total, r.Before.Total); err != nil {
			return nil, fmt.Errorf("what-if %s %s: %s change: %w", id, per, r.Region, err)
		}
		r.DeltaCount = r.After.Count - r.Before.Count
		rep.Total.Before.Count += r.Before.Count
		rep.Total.After.Count += r.After.Count
		totBefore.Add(r.Before.Total)
		totAfter.Add(r.After.Total)
	}
	sort.Slice(rep.Rows, func(i, j int) bool { return rep.Rows[i].Region < rep.Rows[j].Region })
	rep.Total.Region = "total"
	if rep.Total.Before.Total, err = totBefore.Result(); err != nil {
		return nil, fmt.Errorf("what-if %s %s: total before: %w", id, per, err)
	}
	if rep.Total.After.Total, err = totAfter.Result(); err != nil {
		return nil, fmt.Errorf("what-if %s %s: total after: %w", id, per, err)
	}
	rep.Total.DeltaCount = rep.Total.After.Count - rep.Total.Before.Count
	if rep.Total.DeltaTotal, err = money.Sub(rep.Total.After.Total, rep.Total.Before.Total); err != nil {
		return nil, fmt.Errorf("what-if %s %s: total change: %w", id, per, err)
	}
	return rep, nil
}
