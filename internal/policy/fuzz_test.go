package policy

import (
	"encoding/json"
	"testing"
	"time"

	"safetynet/internal/period"
)

// FuzzCompile feeds rule expressions to the compiler: it must never panic,
// and an expression it accepts must evaluate (or fail cleanly) in both
// engines with the same result.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		"total_income / members < p.dibao.standard", "round(total_income / members)", "hukou_type in [\"urban\"]",
		"members > 2 ? 1.5 : 2", "not hukou_local or members % 2 == 0", "min(members, 3) * max(1, 2)",
		"scale(p.high_age.amount, members * 30)", "abs(-members) + ceil(1.25) - floor(-1.5)", "p.dibao.standard * p.edge.multiplier",
		"total_income < ", "frob(1)", "members.x", "[1, 2]", "\"a\" + 1", "1 / 0 > 0", "9223372036854775807 + members > 0",
	} {
		f.Add(s)
	}
	pk := loadBasic(f)
	ent := pk.Entities["household"]
	per := period.NewMonth(2025, time.March)
	c := household(3, 150000, 1000, true)
	pop := NewPopulation("household", 1, "652301001001")
	for name := range ent.Inputs {
		v, err := pk.inputValue(ent.Inputs[name], c.Inputs[name])
		if err != nil {
			f.Fatal(err)
		}
		pop.Set(name, []int64{v})
	}
	f.Fuzz(func(t *testing.T, src string) {
		p := &Programme{ID: "fuzz", Entity: "household", Period: PeriodMonth, NameZH: "x", NameEN: "x"}
		cmp := &compiler{pk: pk, prog: p, entity: ent, names: map[string]int{}, inputIdx: map[string]int{}, paramIdx: map[string]int{}}
		root, err := cmp.compile(src)
		if err != nil {
			return
		}
		p.steps = []*step{{name: "v", source: src, kind: stepVar, root: root}, {name: "amount", source: "0", kind: stepAmount, root: &node{op: opConst, typ: TInt}}}
		p.nVars = 1
		p.allInputs = p.collectInputs()
		pk.progs["fuzz"] = p
		defer delete(pk.progs, "fuzz")
		_, rerr := pk.Evaluate("fuzz", per, c)
		_, berr := pk.EvaluateBatch("fuzz", per, pop, 1)
		if (rerr == nil) != (berr == nil) {
			t.Fatalf("%q: row-wise error %v, columnar error %v", src, rerr, berr)
		}
	})
}

// FuzzCase feeds arbitrary JSON inputs to the evaluation of a case: an
// error names the input, and nothing panics.
func FuzzCase(f *testing.F) {
	f.Add([]byte(`{"members":3,"total_income":150000,"financial_assets":0,"hukou_local":true,"hukou_type":"urban"}`))
	f.Add([]byte(`{"members":"3","total_income":1.5,"hukou_local":"yes","hukou_type":"city"}`))
	f.Add([]byte(`{"members":0,"total_income":-1,"financial_assets":null}`))
	pk := loadBasic(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		var inputs map[string]json.RawMessage
		if json.Unmarshal(raw, &inputs) != nil {
			return
		}
		c := Case{Entity: "household", Region: "652301001001", Inputs: inputs}
		for _, id := range []string{"dibao", "dibao_edge"} {
			d, err := pk.Evaluate(id, period.NewMonth(2025, time.March), c)
			if err == nil && d.Eligible && d.Amount <= 0 && id == "dibao" {
				t.Fatalf("dibao granted with amount %d for %s", d.Amount, raw)
			}
		}
	})
}
