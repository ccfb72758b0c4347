package execute_test

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"testing"

	"safetynet/internal/fault"
	"safetynet/internal/frontoffice/execute"
	"safetynet/internal/matters"
	"safetynet/policies"
)

// The helpers of the tests of the insurance executors.

var insCatalogue = sync.OnceValues(func() (*matters.Catalogue, error) {
	return matters.Load(policies.FS, "changji/matters.yaml")
})

// insMatter returns the matter of Changji's insCatalogue with the id.
func insMatter(t *testing.T, id string) matters.Matter {
	t.Helper()
	c, err := insCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	m, ok := c.Matter(id)
	if !ok {
		t.Fatalf("no matter %s in the insCatalogue", id)
	}
	return m
}

// insExecutor returns the executor of the matter's action.
func insExecutor(t *testing.T, set *execute.Set, m matters.Matter) execute.Executor {
	t.Helper()
	e, ok := set.For(m.Action)
	if !ok {
		t.Fatalf("no executor of %s", m.Action)
	}
	return e
}

// insForm encodes a form.
func insForm(t *testing.T, v map[string]any) json.RawMessage {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// insExecuteTwice checks and executes req twice, as after a crash between the
// action and the application's 办结: both give the same result.
func insExecuteTwice(t *testing.T, ctx context.Context, set *execute.Set, req execute.Request) execute.Result {
	t.Helper()
	e := insExecutor(t, set, req.Matter)
	if err := e.Check(ctx, req); err != nil {
		t.Fatalf("%s: Check: %v %v", req.Matter.ID, err, fault.FieldsOf(err))
	}
	first, err := e.Execute(ctx, req)
	if err != nil {
		t.Fatalf("%s: Execute: %v %v", req.Matter.ID, err, fault.FieldsOf(err))
	}
	second, err := e.Execute(ctx, req)
	if err != nil {
		t.Fatalf("%s: Execute again: %v %v", req.Matter.ID, err, fault.FieldsOf(err))
	}
	if first.Ref != second.Ref || first.Summary != second.Summary || first.Pending != second.Pending {
		t.Errorf("%s: executed twice: %+v then %+v, want the same result", req.Matter.ID, first, second)
	}
	if first.Summary == "" {
		t.Errorf("%s: no summary", req.Matter.ID)
	}
	return first
}

// insWantProblems checks that err is Invalid naming every field.
func insWantProblems(t *testing.T, what string, err error, fields ...string) {
	t.Helper()
	got := fault.FieldsOf(err)
	if fault.CodeOf(err) != fault.Invalid {
		t.Errorf("%s: %v, want Invalid naming %v", what, err, fields)
		return
	}
	for _, f := range fields {
		if got[f] == "" {
			t.Errorf("%s: problems %v do not name %s", what, got, f)
		}
	}
}

// insCheckMissing checks req and wants every field named.
func insCheckMissing(t *testing.T, ctx context.Context, set *execute.Set, req execute.Request, fields ...string) {
	t.Helper()
	insWantProblems(t, req.Matter.ID+" Check", insExecutor(t, set, req.Matter).Check(ctx, req), fields...)
}

// insItoa writes an id.
func insItoa(n int64) string { return strconv.FormatInt(n, 10) }
