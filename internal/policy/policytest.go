package policy

import (
	"encoding/json"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"safetynet/internal/period"
	"safetynet/internal/region"
)

// TestCase is one policy test: a case, a period and the expected decision.
type TestCase struct {
	Name   string
	File   string
	Line   int
	Period period.Month
	Case   Case
	// Expected outcome; Amount and Conditions are checked when given.
	Eligible   bool
	Amount     *int64
	Conditions map[string]bool
	// Error, when set, expects evaluation to fail with a message containing
	// this text.
	Error string
}

type testFile struct {
	Name   string         `yaml:"name"`
	Period string         `yaml:"period"`
	Region string         `yaml:"region"`
	Inputs map[string]any `yaml:"inputs"`
	Expect struct {
		Eligible   *bool           `yaml:"eligible"`
		Amount     *int64          `yaml:"amount"`
		Conditions map[string]bool `yaml:"conditions"`
		Error      string          `yaml:"error"`
	} `yaml:"expect"`
}

func parseTests(file string, data []byte, p *Programme) ([]*TestCase, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &LoadError{File: file, Err: err}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.SequenceNode {
		return nil, &LoadError{File: file, Err: fmt.Errorf("a test file is a list of cases")}
	}
	conds := map[string]bool{}
	for _, c := range p.Conditions() {
		conds[c] = true
	}
	var out []*TestCase
	for _, n := range doc.Content[0].Content {
		var tf testFile
		fail := func(format string, args ...any) error {
			return &LoadError{File: file, Line: n.Line, Name: tf.Name, Err: fmt.Errorf(format, args...)}
		}
		if err := decodeStrict(n, &tf); err != nil {
			return nil, fail("%v", err)
		}
		if tf.Name == "" {
			return nil, fail("a test needs a name")
		}
		per, err := period.ParseMonth(tf.Period)
		if err != nil {
			return nil, fail("period: %v", err)
		}
		tc := &TestCase{Name: tf.Name, File: file, Line: n.Line, Period: per, Amount: tf.Expect.Amount,
			Conditions: tf.Expect.Conditions, Error: tf.Expect.Error}
		if tf.Expect.Eligible == nil && tf.Expect.Error == "" {
			return nil, fail("expect.eligible is required")
		}
		if tf.Expect.Eligible != nil {
			tc.Eligible = *tf.Expect.Eligible
		}
		for c := range tf.Expect.Conditions {
			if !conds[c] {
				return nil, fail("expect.conditions: %s has no condition %s", p.ID, c)
			}
		}
		tc.Case = Case{Entity: p.Entity, Region: region.Code(tf.Region), Inputs: map[string]json.RawMessage{}}
		for k, v := range tf.Inputs {
			raw, err := json.Marshal(v)
			if err != nil {
				return nil, fail("inputs.%s: %v", k, err)
			}
			tc.Case.Inputs[k] = raw
		}
		out = append(out, tc)
	}
	return out, nil
}

// TestResult is the outcome of one policy test.
type TestResult struct {
	Programme string
	Test      *TestCase
	Decision  *Decision
	// Failures lists what differed from the expectation; empty when the
	// test passed.
	Failures []string
}

// RunTests runs every policy test of the package, programme by programme.
func (pk *Package) RunTests() []TestResult {
	var out []TestResult
	for _, id := range sortedKeys(pk.Tests) {
		for _, tc := range pk.Tests[id] {
			out = append(out, pk.runTest(id, tc))
		}
	}
	return out
}

func (pk *Package) runTest(id string, tc *TestCase) TestResult {
	r := TestResult{Programme: id, Test: tc}
	d, err := pk.Evaluate(id, tc.Period, tc.Case)
	r.Decision = d
	if tc.Error != "" {
		if err == nil || !strings.Contains(err.Error(), tc.Error) {
			r.Failures = append(r.Failures, fmt.Sprintf("error = %v, want one containing %q", err, tc.Error))
		}
		return r
	}
	if err != nil {
		r.Failures = append(r.Failures, fmt.Sprintf("evaluation failed: %v", err))
		return r
	}
	if d.Eligible != tc.Eligible {
		r.Failures = append(r.Failures, fmt.Sprintf("eligible = %v, want %v (%s)", d.Eligible, tc.Eligible, d.Why()))
	}
	if tc.Amount != nil && int64(d.Amount) != *tc.Amount {
		r.Failures = append(r.Failures, fmt.Sprintf("amount = %d fen, want %d", d.Amount, *tc.Amount))
	}
	for _, name := range sortedKeys(tc.Conditions) {
		want := tc.Conditions[name]
		for _, c := range d.Conditions {
			if c.Name == name && c.Value != want {
				r.Failures = append(r.Failures, fmt.Sprintf("condition %s = %v, want %v", name, c.Value, want))
			}
		}
	}
	return r
}

// Why summarises a decision in one line: the conditions and requirements
// that failed, or that all held.
func (d *Decision) Why() string {
	var failed []string
	for _, r := range d.Requirements {
		if !r.Holds {
			failed = append(failed, r.Kind+" "+r.Programme)
		}
	}
	for _, c := range d.Conditions {
		if !c.Value {
			failed = append(failed, c.Name)
		}
	}
	if len(failed) == 0 {
		return "all conditions hold"
	}
	return "not met: " + strings.Join(failed, ", ")
}
