package execute

import (
	"context"
	"fmt"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/matters"
	"safetynet/internal/money"
	"safetynet/internal/registry"
)

func init() {
	register("insurance.enrol", func(s Services) Executor { return &enrol{s} })
}

// enrol opens an enrolment (参保登记) in the matter's scheme with
// insurance.Service.Enrol: an employer enrols an employee (form.person_id),
// a person enrols as a flexible worker or a resident, or through an
// employer (form.org_id). A second run finds the enrolment of that person
// in that scheme from that month, of that kind and employer, and returns
// it.
type enrol struct{ s Services }

// Fields implements Executor.
func (e *enrol) Fields() []Field {
	return []Field{
		{Name: "person_id", Label: matters.Bilingual{ZH: "参保人员编号（单位申请时）", EN: "person enrolled (when an employer applies)"}, Kind: "int"},
		{Name: "kind", Label: matters.Bilingual{ZH: "参保类型", EN: "kind of enrolment"}, Kind: "choice",
			Values: []string{string(insurance.ThroughEmployer), string(insurance.Flexible), string(insurance.Resident)}},
		{Name: "org_id", Label: matters.Bilingual{ZH: "参保单位编号（个人经单位参保时）", EN: "employer (a person enrolling through one)"}, Kind: "int"},
		{Name: "start", Label: matters.Bilingual{ZH: "参保起始月份", EN: "first month covered"}, Kind: "month", Required: true},
		{Name: "base", Label: matters.Bilingual{ZH: "缴费基数（灵活就业，分）", EN: "monthly base of a flexible worker (fen)"}, Kind: "fen"},
		{Name: "tier", Label: matters.Bilingual{ZH: "缴费档次（城乡居民，分/年）", EN: "yearly tier of a resident (fen)"}, Kind: "fen"},
		{Name: "risk_class", Label: matters.Bilingual{ZH: "行业风险类别（工伤保险，1-8）", EN: "industry risk class (work injury, 1-8)"}, Kind: "int"},
	}
}

// read reads and checks the form into the enrolment to open, with the
// person's name.
func (e *enrol) read(ctx context.Context, req Request) (*insurance.Enrolment, string, error) {
	f := readCoreForm(req.Form)
	en := &insurance.Enrolment{Scheme: insurance.Scheme(req.Matter.Args["scheme"])}
	if req.Organisation > 0 {
		en.Kind, en.OrgID = insurance.ThroughEmployer, req.Organisation
		en.PersonID = registry.PersonID(f.int("person_id", true))
	} else {
		en.PersonID = req.Person
		en.Kind = insurance.Kind(f.choice("kind", true, string(insurance.ThroughEmployer), string(insurance.Flexible), string(insurance.Resident)))
		if en.Kind == insurance.ThroughEmployer {
			en.OrgID = registry.OrgID(f.int("org_id", true))
		}
	}
	en.Start = f.month("start", true)
	switch en.Kind {
	case insurance.Flexible:
		en.Base = money.Fen(f.int("base", true))
		if f.has("base") && en.Base <= 0 {
			f.pr.Add("form.base", "must be above zero")
		}
		if en.Scheme != insurance.EmployeePension {
			f.pr.Add("form.kind", "flexible workers enrol in the employee pension only")
		}
	case insurance.Resident:
		en.Tier = money.Fen(f.int("tier", true))
		if f.has("tier") && en.Tier <= 0 {
			f.pr.Add("form.tier", "must be above zero")
		}
		if en.Scheme != insurance.ResidentPension {
			f.pr.Add("form.kind", "residents enrol in the resident pension only")
		}
	case insurance.ThroughEmployer:
		if en.Scheme == insurance.ResidentPension {
			f.pr.Add("form.kind", "the resident pension has no employer: kind resident")
		}
	}
	if en.Scheme == insurance.WorkInjury {
		en.RiskClass = int(f.int("risk_class", true))
		if f.has("risk_class") && (en.RiskClass < 1 || en.RiskClass > 8) {
			f.pr.Add("form.risk_class", "want the employer's risk class, 1 to 8")
		}
	}
	name := ""
	field := "person_id"
	if req.Organisation > 0 {
		field = "form.person_id"
	}
	if en.PersonID > 0 {
		p, err := e.s.Registry.Person(ctx, en.PersonID)
		switch {
		case fault.CodeOf(err) == fault.NotFound:
			f.pr.Add(field, "person %d does not exist", en.PersonID)
		case err != nil:
			return nil, "", err
		default:
			name = p.Name
		}
	} else if req.Organisation == 0 {
		f.pr.Add("person_id", "is required: the person enrolled")
	}
	return en, name, f.err("enrolment")
}

// Check implements Executor.
func (e *enrol) Check(ctx context.Context, req Request) error {
	_, _, err := e.read(ctx, req)
	return err
}

// Execute implements Executor.
func (e *enrol) Execute(ctx context.Context, req Request) (Result, error) {
	en, name, err := e.read(ctx, req)
	if err != nil {
		return Result{}, err
	}
	prior, err := e.s.Insurance.Enrolments(ctx, insurance.EnrolmentFilter{PersonID: en.PersonID, Scheme: en.Scheme})
	if err != nil {
		return Result{}, err
	}
	for _, p := range prior {
		if p.Start == en.Start && p.Kind == en.Kind && p.OrgID == en.OrgID {
			return e.result(name, p), nil
		}
	}
	if err := e.s.Insurance.Enrol(ctx, en); err != nil {
		return Result{}, err
	}
	return e.result(name, en), nil
}

// result is the enrolment's result.
func (e *enrol) result(name string, en *insurance.Enrolment) Result {
	return Result{Ref: fmt.Sprintf("enrolment:%d", en.ID),
		Summary: fmt.Sprintf("已为%s办理%s参保登记，自%s起参保", name, coreSchemeZH(en.Scheme), coreZhMonth(en.Start))}
}
