package execute

import (
	"context"
	"fmt"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/registry"
)

func init() {
	register("insurance.enrolments.certificate", func(s Services) Executor { return &certificate{s} })
}

// certificate prints the enrolments of a person or an employer as a
// certificate (参保证明) with insurance.Service.Enrolments: a read, done at
// the counter at once (即办).
type certificate struct{ s Services }

// EnrolmentCertificate is the record a certificate prints.
type EnrolmentCertificate struct {
	Holder     string                 `json:"holder"`
	Scheme     insurance.Scheme       `json:"scheme,omitempty"`
	Enrolments []*insurance.Enrolment `json:"enrolments"`
}

// Fields implements Executor: the certificate takes no form.
func (c *certificate) Fields() []Field { return []Field{} }

// holder reads the holder named by the request.
func (c *certificate) holder(ctx context.Context, req Request) (string, error) {
	var pr fault.Problems
	name := ""
	switch {
	case req.Matter.Args["of"] == "employer" || req.Organisation > 0:
		o, err := c.s.Registry.Organisation(ctx, req.Organisation)
		if req.Organisation <= 0 {
			pr.Add("organisation_id", "is required: the employer whose enrolments are printed")
		} else if err != nil {
			if fault.CodeOf(err) != fault.NotFound {
				return "", err
			}
			pr.Add("organisation_id", "organisation %d does not exist", req.Organisation)
		} else {
			name = o.Name
		}
	case req.Person <= 0:
		pr.Add("person_id", "is required: the person whose enrolments are printed")
	default:
		p, err := c.s.Registry.Person(ctx, req.Person)
		if err != nil {
			if fault.CodeOf(err) != fault.NotFound {
				return "", err
			}
			pr.Add("person_id", "person %d does not exist", req.Person)
		} else {
			name = p.Name
		}
	}
	return name, pr.Err("invalid certificate")
}

// Check implements Executor.
func (c *certificate) Check(ctx context.Context, req Request) error {
	_, err := c.holder(ctx, req)
	return err
}

// Execute implements Executor.
func (c *certificate) Execute(ctx context.Context, req Request) (Result, error) {
	name, err := c.holder(ctx, req)
	if err != nil {
		return Result{}, err
	}
	f := insurance.EnrolmentFilter{Scheme: insurance.Scheme(req.Matter.Args["scheme"]), Page: registry.Page{Limit: registry.PageMax}}
	if req.Organisation > 0 {
		f.OrgID = req.Organisation
	} else {
		f.PersonID = req.Person
	}
	es, err := c.s.Insurance.Enrolments(ctx, f)
	if err != nil {
		return Result{}, err
	}
	what := "社会保险"
	if f.Scheme != "" {
		what = coreSchemeZH(f.Scheme)
	}
	return Result{Summary: fmt.Sprintf("已出具%s%s参保证明，共%d条参保记录", name, what, len(es)),
		Record: EnrolmentCertificate{Holder: name, Scheme: f.Scheme, Enrolments: es}}, nil
}
