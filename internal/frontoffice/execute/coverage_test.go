package execute_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"safetynet/internal/fault"
	"safetynet/internal/frontoffice/execute"
	"safetynet/internal/matters"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
	"safetynet/policies"
)

// fieldKinds are the kinds of form fields the counter's form knows.
var fieldKinds = []string{"text", "date", "month", "fen", "int", "bool", "choice", "list", "members", "lines"}

// TestEveryActionHasAnExecutor finds an executor in the application's set
// for every action of the closed list.
func TestEveryActionHasAnExecutor(t *testing.T) {
	pb := sqlstoretest.NewPensions(t, sqlstoretest.Open)
	for _, act := range matters.Actions() {
		if _, ok := pb.App.Executors.For(act.ID); !ok {
			t.Errorf("action %s has no executor", act.ID)
		}
	}
}

// TestShippedCatalogueIsWired loads the shipped catalogue and finds, for
// every matter, an executor whose form is well formed: field names unique
// and not empty, kinds known, a choice with values and none of them empty.
func TestShippedCatalogueIsWired(t *testing.T) {
	pb := sqlstoretest.NewPensions(t, sqlstoretest.Open)
	cat, err := matters.Load(policies.FS, "changji/matters.yaml")
	if err != nil {
		t.Fatalf("matters.Load: %v", err)
	}
	ms := cat.Matters(matters.Filter{})
	if len(ms) == 0 {
		t.Fatal("the shipped catalogue has no matters")
	}
	for _, m := range ms {
		ex, ok := pb.App.Executors.For(m.Action)
		if !ok {
			t.Errorf("matter %s: action %s has no executor", m.ID, m.Action)
			continue
		}
		checkFields(t, m.ID, ex.Fields())
	}
}

// checkFields reports what is wrong with the form fields of matter id.
func checkFields(t *testing.T, id string, fs []execute.Field) {
	t.Helper()
	seen := map[string]bool{}
	for _, f := range fs {
		if f.Name == "" {
			t.Errorf("matter %s: a field with no name", id)
		}
		if seen[f.Name] {
			t.Errorf("matter %s: field %s twice", id, f.Name)
		}
		seen[f.Name] = true
		if !slices.Contains(fieldKinds, f.Kind) {
			t.Errorf("matter %s: field %s of unknown kind %q", id, f.Name, f.Kind)
		}
		if f.Label.ZH == "" {
			t.Errorf("matter %s: field %s has no zh-CN label", id, f.Name)
		}
		if f.Kind == "choice" && (len(f.Values) == 0 || slices.Contains(f.Values, "")) {
			t.Errorf("matter %s: choice field %s with values %q", id, f.Name, f.Values)
		}
	}
}

// TestEmptyFormNamesRequiredFields checks, for every matter of the
// shipped catalogue, an application with an empty form from an applicant
// of the kind the matter takes (a person, or an employer): the executor's
// Check refuses it naming every required field the matter does not fix
// by its arguments.
func TestEmptyFormNamesRequiredFields(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		village := sqlstoretest.Village(t, "652301", 0)
		person := pb.Person(t, village, 1)
		org := pb.Org(t, village, 1)
		off, err := pb.App.FrontOffice.Office()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range off.Catalogue.Matters(matters.Filter{}) {
			ex, ok := pb.App.Executors.For(m.Action)
			if !ok {
				t.Errorf("matter %s: action %s has no executor", m.ID, m.Action)
				continue
			}
			var required []string
			for _, f := range ex.Fields() {
				if _, fixed := m.Args[f.Name]; f.Required && !fixed {
					required = append(required, f.Name)
				}
			}
			if len(required) == 0 {
				continue
			}
			// A matter an employer or a person may apply for (an agent
			// acting for either) is checked with each: one of them
			// must name every required field.
			var tried []string
			ok = false
			for _, req := range applicantsOf(m, person.ID, org.ID) {
				err := ex.Check(pb.Ctx, req)
				got := fault.FieldsOf(err)
				var unnamed []string
				for _, f := range required {
					if got["form."+f] == "" {
						unnamed = append(unnamed, f)
					}
				}
				if fault.CodeOf(err) == fault.Invalid && len(unnamed) == 0 {
					ok = true
					break
				}
				tried = append(tried, fmt.Sprintf("%v leaves %s unnamed", err, strings.Join(unnamed, ", ")))
			}
			if !ok {
				t.Errorf("matter %s: Check of an empty form does not name every required field: %s", m.ID, strings.Join(tried, "; "))
			}
		}
	})
}

// applicantsOf are the requests of matter m with an empty form, one for
// each kind of applicant m takes: the employer org, the person.
func applicantsOf(m matters.Matter, person registry.PersonID, org registry.OrgID) []execute.Request {
	var out []execute.Request
	if slices.Contains(m.Applicants, matters.Employer) {
		out = append(out, execute.Request{ApplicationNo: "SNCOVER0001", Matter: m, Organisation: org})
	}
	if personal(m) {
		out = append(out, execute.Request{ApplicationNo: "SNCOVER0001", Matter: m, Person: person})
	}
	return out
}

// personal reports whether a person (or one acting for a person) may
// apply for m.
func personal(m matters.Matter) bool {
	return slices.ContainsFunc(m.Applicants, func(a matters.Applicant) bool { return a != matters.Employer })
}
