// Package execute carries out the matters of the catalogue (办结): one
// executor for each action of matters.Actions, calling the domain service
// method that does the work with the application's form data and the
// caller's principal, so every permission, scope and maker-checker rule
// of the back office holds at the counter too (docs/matters.md).
//
// Executors register themselves in the init function of their file with
// register; New builds the set over the services of one process.
package execute

import (
	"context"
	"encoding/json"
	"sort"

	"safetynet/internal/assistance"
	"safetynet/internal/crossprov"
	"safetynet/internal/insurance"
	"safetynet/internal/matters"
	"safetynet/internal/monitoring"
	"safetynet/internal/registry"
)

// Request is one application's call on its action.
type Request struct {
	// ApplicationNo is the application's receipt number (办件编号). It is
	// the idempotency key of Execute.
	ApplicationNo string
	// Matter is the matter applied for; its Action and Args select and
	// fix the action.
	Matter matters.Matter
	// Person is the applicant when a person applies (0 otherwise).
	Person registry.PersonID
	// Organisation is the applicant when an employer applies (0
	// otherwise).
	Organisation registry.OrgID
	// Form is the application's form data: a JSON object whose fields the
	// executor declares in Fields.
	Form json.RawMessage
}

// Result is what an action did.
type Result struct {
	// Ref names the record the action created or changed, as kind:id
	// (enrolment:42, crossprov_request:7); empty for a read.
	Ref string `json:"ref,omitempty"`
	// Summary says in zh-CN what was done, for the applicant's notice and
	// the application's timeline (names, not ids; amounts in 元).
	Summary string `json:"summary"`
	// Record is what a read-only action read (a statement, a
	// certificate); nil otherwise.
	Record any `json:"record,omitempty"`
	// Pending is set when the action was started but finishes elsewhere
	// (a cross-province request waiting for the other province's answer,
	// a change waiting for a second user's approval): the application
	// records Ref and waits.
	Pending bool `json:"pending,omitempty"`
}

// Field is one field of an action's form.
type Field struct {
	// Name is the field's key in Form.
	Name  string            `json:"name"`
	Label matters.Bilingual `json:"label"`
	// Kind is text, date (2006-01-02), month (2006-01), fen (an integer
	// amount in fen), int, bool or choice (one of Values).
	Kind     string   `json:"kind"`
	Values   []string `json:"values,omitempty"`
	Required bool     `json:"required"`
}

// Executor carries out one action.
type Executor interface {
	// Fields describe the form the action takes, for the counter's form
	// and the API.
	Fields() []Field
	// Check validates the request at receipt, changing nothing: a
	// fault.Invalid carrying fault.Problems whose keys are form.<field>
	// (or person_id, organisation_id) and whose reasons say what is
	// wrong.
	Check(ctx context.Context, req Request) error
	// Execute carries the action out with the principal in ctx. It is
	// idempotent for one ApplicationNo: called again after a crash
	// between the action and the application's 办结, it finds the earlier
	// effect and returns it instead of doing the work twice.
	Execute(ctx context.Context, req Request) (Result, error)
}

// Services are the domain services the executors call.
type Services struct {
	Registry      *registry.Service
	Insurance     *insurance.Service
	Accounts      *insurance.Accounts
	Pensions      *insurance.Pensions
	Benefits      *insurance.Benefits
	Refunds       *insurance.Refunds
	Deaths        *insurance.Deaths
	Closings      *insurance.Closings
	Assistance    *assistance.Service
	Monitoring    *monitoring.Service
	CrossProvince *crossprov.Service
}

// builders maps an action id to the constructor of its executor; the init
// functions of the executor files fill it.
var builders = map[string]func(Services) Executor{}

// register records the constructor of action's executor. It panics on a
// second registration of one action: that is a programming error.
func register(action string, build func(Services) Executor) {
	if _, dup := builders[action]; dup {
		panic("execute: two executors for " + action)
	}
	builders[action] = build
}

// Set is the executors of one process.
type Set struct {
	byAction map[string]Executor
}

// New builds every registered executor over s.
func New(s Services) *Set {
	set := &Set{byAction: make(map[string]Executor, len(builders))}
	for id, b := range builders {
		set.byAction[id] = b(s)
	}
	return set
}

// For returns the executor of action, and whether there is one.
func (s *Set) For(action string) (Executor, bool) {
	e, ok := s.byAction[action]
	return e, ok
}

// Actions returns the actions that have an executor, sorted.
func (s *Set) Actions() []string {
	out := make([]string, 0, len(s.byAction))
	for id := range s.byAction {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
