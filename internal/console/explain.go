package console

import (
	"net/http"
	"slices"
	"strings"

	"safetynet/internal/auth"
	"safetynet/internal/policy"
)

// The console tells every policy decision through the policy package's
// own explanation (policy.Package.Explain, docs/console.md "Languages"):
// conditions, variables, the amount and the parameters by their labels, with the
// case's values in words. explanationOf is the one place it asks for one.

// policies are the policy packages whose decisions the console shows: the
// application's and the services' (the same one, but in tests), each once.
func (c *Console) policies() []*policy.Package {
	all := []*policy.Package{c.app.Policy}
	if c.app.Assistance != nil {
		all = append(all, c.app.Assistance.Policy())
	}
	if c.app.Pensions != nil {
		all = append(all, c.app.Pensions.Policy())
	}
	var out []*policy.Package
	for _, pk := range all {
		if pk != nil && !slices.Contains(out, pk) {
			out = append(out, pk)
		}
	}
	return out
}

// policyLang is the policy package's language of a console language.
func policyLang(l Lang) policy.Lang {
	if l == EN {
		return policy.EN
	}
	return policy.ZH
}

// explanationOf tells decision d in the request's language; the dates of
// the case are years only for a reader who may not see personal data. It
// is nil when no package can explain d (its programme is gone).
func (c *Console) explanationOf(r *http.Request, d *policy.Decision) *policy.Explanation {
	if d == nil {
		return nil
	}
	pk := policy.PackageOf(c.policies(), d)
	if pk == nil {
		return nil
	}
	pr, ok := auth.PrincipalFrom(r.Context())
	ex, err := pk.Explain(d, policy.ExplainOptions{Lang: policyLang(langOf(r)), YearOnlyDates: !ok || !pr.Can(auth.PermPII)})
	if err != nil {
		return nil
	}
	return ex
}

// failedLines are the requirements and conditions an explanation fails,
// each as its sentence with the case's values.
func failedLines(ex *policy.Explanation) []string {
	var out []string
	for _, ls := range [][]policy.Line{ex.Requirements, ex.Conditions} {
		for _, x := range ls {
			if x.Holds != nil && !*x.Holds {
				out = append(out, x.Text)
			}
		}
	}
	return out
}

// failedNames names, by the policy labels of programme prog, the
// requirements and conditions a service recorded as failed
// ("conditions not met: person_alive, requires dibao", see
// assistance.FailedConditions), for a reason stored without its decision.
func (c *Console) failedNames(l Lang, prog, list string) []string {
	var p *policy.Programme
	if c.app.Policy != nil {
		p, _ = c.app.Policy.Programme(prog)
	}
	var out []string
	for _, n := range strings.Split(list, ", ") {
		if kind, dep, ok := strings.Cut(n, " "); ok && (kind == "requires" || kind == "excludes") {
			out = append(out, translate(l, "assistance.requirement."+kind, c.programmeName(l, dep)))
			continue
		}
		if p != nil {
			if lb, ok := p.StepLabel(n); ok {
				out = append(out, lb.In(policyLang(l)))
				continue
			}
		}
		out = append(out, strings.ReplaceAll(n, "_", " "))
	}
	return out
}
