package execute

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/matters"
	"safetynet/internal/registry"
)

// This file holds what the insurance executors (insurance.go, pensions.go,
// benefits.go) share beside form.go: naming the applicant and the scheme,
// and reading pages.

// insApplicantPerson returns the person the application is about: the
// applicant, or, when an employer or agent applies, the person named in
// the form. With neither it records a problem and returns 0.
func insApplicantPerson(req Request, formPerson registry.PersonID, pr *fault.Problems) registry.PersonID {
	switch {
	case req.Person > 0:
		return req.Person
	case formPerson > 0:
		return formPerson
	}
	pr.Add("form.person_id", "请填写办理人员（单位代办时必填）(name the person)")
	return 0
}

// insApplicantOrg returns the employer the application is about: the
// applicant, or the employer named in the form. Without one it records a
// problem under field and returns 0.
func insApplicantOrg(req Request, formOrg registry.OrgID, field string, pr *fault.Problems) registry.OrgID {
	switch {
	case formOrg > 0:
		return formOrg
	case req.Organisation > 0:
		return req.Organisation
	}
	pr.Add(field, "请填写用人单位 (name the employer)")
	return 0
}

// insReadPerson reads a person for a check; a person who does not exist
// is a problem under person_id, and nil is returned. A caller who may not
// read the registry (a citizen applying online) gets nil too: the checks
// that need the registry are left to Execute, which runs them again with
// the back office's principal. Any other error is returned.
func insReadPerson(ctx context.Context, reg *registry.Service, id registry.PersonID, pr *fault.Problems) (*registry.Person, error) {
	if id <= 0 {
		return nil, nil
	}
	p, err := reg.Person(ctx, id)
	switch fault.CodeOf(err) {
	case fault.NotFound:
		pr.Add("person_id", "人员 %d 不存在 (no such person)", id)
		return nil, nil
	case fault.Forbidden:
		if c, ok := auth.PrincipalFrom(ctx); ok && c.Role == auth.RoleCitizen {
			return nil, nil
		}
	}
	return p, err
}

// argScheme returns the scheme a matter fixes in its args, "" if none.
func argScheme(m matters.Matter) insurance.Scheme {
	return insurance.Scheme(m.Args["scheme"])
}

// schemeZH names a scheme in zh-CN.
func schemeZH(s insurance.Scheme) string {
	switch s {
	case insurance.EmployeePension:
		return "企业职工基本养老保险"
	case insurance.ResidentPension:
		return "城乡居民基本养老保险"
	case insurance.Unemployment:
		return "失业保险"
	case insurance.WorkInjury:
		return "工伤保险"
	}
	return string(s)
}

// insPersonName returns the person's name for a summary; 本人 for a
// citizen reading their own record, who may not read the registry;
// 人员<id> when the person cannot be read.
func insPersonName(ctx context.Context, reg *registry.Service, id registry.PersonID) string {
	if p, err := reg.Person(ctx, id); err == nil && p.Name != "" {
		return p.Name
	}
	if c, ok := auth.PrincipalFrom(ctx); ok && c.Role == auth.RoleCitizen && c.PersonID == int64(id) {
		return "本人"
	}
	return fmt.Sprintf("人员%d", id)
}

// insOrgName returns the employer's name for a summary, or 单位 <id>.
func insOrgName(ctx context.Context, reg *registry.Service, id registry.OrgID) string {
	if o, err := reg.Organisation(ctx, id); err == nil && o.Name != "" {
		return o.Name
	}
	return fmt.Sprintf("单位%d", id)
}

// insPersonField is the form field naming the person when an employer or
// agent applies.
var insPersonField = Field{Name: "person_id", Label: label("办理人员（单位或代办人申请时）", "Person concerned (when an employer or agent applies)"), Kind: "int"}

// schemeValues are the values of a scheme field.
func schemeValues() []string {
	out := make([]string, len(insurance.Schemes))
	for i, s := range insurance.Schemes {
		out[i] = string(s)
	}
	return out
}

// insAllPages reads every page of a list by key, calling read with the key
// after which to read; key returns the key of an item.
func insAllPages[T any](read func(after int64) ([]T, error), key func(T) int64) ([]T, error) {
	var out []T
	var after int64
	for {
		page, err := read(after)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < registry.PageMax || len(page) == 0 {
			return out, nil
		}
		after = key(page[len(page)-1])
	}
}

// domainError keys the problems of a domain service's fault.Invalid as
// the application's: a key in rename as it says, a service key that names
// a field of the form (or a part of one: years.2015) as form.<key>, an employer's org_id outside the form
// as organisation_id; any other key (the conditions of a refusal, such as
// conditions.contributed_at_least_one_year) stays as the service gave it.
func domainError(err error, fields []Field, rename map[string]string) error {
	problems := fault.FieldsOf(err)
	if fault.CodeOf(err) != fault.Invalid || len(problems) == 0 {
		return err
	}
	inForm := func(k string) bool {
		return slices.ContainsFunc(fields, func(f Field) bool { return f.Name == k })
	}
	keys := make(map[string]string, len(problems))
	for k := range problems {
		switch {
		case rename[k] != "":
			keys[k] = rename[k]
		case inForm(k) || inForm(strings.SplitN(k, ".", 2)[0]):
			keys[k] = formKey(k)
		case k == "org_id":
			keys[k] = "organisation_id"
		default:
			keys[k] = k
		}
	}
	return asFormError(err, keys)
}
