package bundles

import (
	"context"
	"fmt"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// OpeningSchemes are the schemes an opened enterprise enrols its staff in,
// in order: the employee pension, unemployment and work injury.
var OpeningSchemes = []insurance.Scheme{insurance.EmployeePension, insurance.Unemployment, insurance.WorkInjury}

// Staff is a member of an opened enterprise's staff.
type Staff struct {
	PersonID registry.PersonID `json:"person_id"`
	// MonthlyWage is the gross monthly wage declared (fen), the base of
	// the contributions.
	MonthlyWage money.Fen `json:"monthly_wage"`
}

// OpenRequest asks to open an enterprise (企业开办一件事): register the
// employer and enrol its staff from month From.
type OpenRequest struct {
	USCC         string           `json:"uscc"`
	Name         string           `json:"name"`
	IndustryCode string           `json:"industry_code"`
	Size         registry.OrgSize `json:"size"`
	RegionCode   region.Code      `json:"region_code"`
	Address      string           `json:"address,omitempty"`
	// From is the first month insured; the employment spells start on its
	// first day.
	From period.Month `json:"from"`
	// RiskClass is the work-injury industry risk class, 1 to 8.
	RiskClass int     `json:"risk_class"`
	Staff     []Staff `json:"staff"`
}

// Opening is what opening an enterprise did.
type Opening struct {
	Organisation *registry.Organisation `json:"organisation"`
	// Employments are the staff's spells with the employer and Enrolments
	// their enrolments, by staff member then scheme (OpeningSchemes).
	Employments []*registry.Employment `json:"employments"`
	Enrolments  []*insurance.Enrolment `json:"enrolments"`
	// StaffNames are the staff's registered names, in order.
	StaffNames []string `json:"staff_names"`
}

// CheckOpen validates an opening without writing anything: the USCC's
// check character and embedded division (strictly, as the registry
// checks a code the market regulator issued), no employer registered with
// it yet, the employer's details, and each staff member registered, alive,
// 16 or older in From, listed once and not insured in one of the schemes
// already. The problems are keyed by the request's fields (staff[i].x).
func (s *Service) CheckOpen(ctx context.Context, req OpenRequest) error {
	var pr fault.Problems
	code, _, err := ids.ParseUSCC(strings.TrimSpace(req.USCC), ids.Strict)
	if err != nil {
		pr.Add("uscc", "统一社会信用代码不正确：%v", err)
	} else if o, err := s.orgByUSCC(ctx, code); err == nil {
		pr.Add("uscc", "统一社会信用代码 %s 已登记为 %s（单位编号 %d）", code, o.Name, o.ID)
	} else if !isNotFound(err) {
		return err
	}
	if strings.TrimSpace(req.Name) == "" {
		pr.Add("name", "单位名称必填")
	}
	if strings.TrimSpace(req.IndustryCode) == "" {
		pr.Add("industry_code", "行业代码（GB/T 4754）必填")
	}
	if req.RegionCode == "" {
		pr.Add("region_code", "单位所在地区必填")
	}
	if !req.Size.Valid() {
		pr.Add("size", "企业规模须为 micro、small、medium 或 large，而非 %q", req.Size)
	}
	if req.From.IsZero() {
		pr.Add("from", "参保起始月份必填")
	}
	if req.RiskClass < 1 || req.RiskClass > 8 {
		pr.Add("risk_class", "工伤保险行业风险类别须为 1 至 8")
	}
	if len(req.Staff) == 0 {
		pr.Add("staff", "列出至少一名参保职工")
	}
	seen := map[registry.PersonID]int{}
	for i, st := range req.Staff {
		field := fmt.Sprintf("staff[%d].person_id", i)
		if j, dup := seen[st.PersonID]; dup {
			pr.Add(field, "与第 %d 名职工重复", j+1)
			continue
		}
		seen[st.PersonID] = i
		if wf := fmt.Sprintf("staff[%d].monthly_wage", i); st.MonthlyWage <= 0 {
			pr.Add(wf, "申报月工资必填（分）")
		} else if s.registry.WageCeiling != nil {
			// The plausibility ceiling the registry applies to the spell.
			if err := s.registry.WageCeiling(&pr, wf, st.MonthlyWage, s.registry.Today()); err != nil {
				return fmt.Errorf("wage ceiling: %w", err)
			}
		}
		p, err := s.registry.Person(ctx, st.PersonID)
		switch {
		case isNotFound(err):
			pr.Add(field, "人员 %d 未登记", st.PersonID)
			continue
		case err != nil:
			return err
		case !p.Alive():
			pr.Add(field, "%s 已于 %s 死亡", p.Name, p.DeathDate)
			continue
		case !req.From.IsZero() && period.AgeAt(p.BirthDate(), req.From.Last()) < 16:
			pr.Add(field, "%s 在 %s 未满16周岁", p.Name, monthZH(req.From))
			continue
		}
		for _, sc := range OpeningSchemes {
			ens, err := s.insurance.Enrolments(ctx, insurance.EnrolmentFilter{PersonID: p.ID, Scheme: sc, Page: registry.Page{Limit: pageMax}})
			if err != nil {
				return err
			}
			for _, e := range ens {
				if e.Status != insurance.Terminated {
					pr.Add(field, "%s 已参加%s（参保编号 %d），须先办理减员或转移", p.Name, schemeZH[sc], e.ID)
					break
				}
			}
		}
	}
	return invalid(&pr, "invalid enterprise opening")
}

// OpenEnterprise registers the employer (its USCC checked strictly) and
// enrols each staff member in the employee pension, unemployment and work
// injury from From, recording their employment spells from its first
// day. Each step is its own transaction (a saga without compensation,
// docs/bundles.md): called again, it finds the employer by its USCC, a
// spell by person and employer, an enrolment by person, scheme, employer
// and start month, and makes only what is missing.
func (s *Service) OpenEnterprise(ctx context.Context, req OpenRequest) (*Opening, error) {
	var pr fault.Problems
	code, _, err := ids.ParseUSCC(strings.TrimSpace(req.USCC), ids.Strict)
	if err != nil {
		pr.Add("uscc", "统一社会信用代码不正确：%v", err)
	}
	if req.From.IsZero() {
		pr.Add("from", "参保起始月份必填")
	}
	if len(req.Staff) == 0 {
		pr.Add("staff", "列出至少一名参保职工")
	}
	if err := invalid(&pr, "invalid enterprise opening"); err != nil {
		return nil, err
	}
	out := &Opening{}
	o, err := s.orgByUSCC(ctx, code)
	switch {
	case err == nil:
		if o.Name != strings.TrimSpace(req.Name) || o.RegionCode != req.RegionCode {
			pr.Add("uscc", "统一社会信用代码 %s 已登记为 %s（%s），与申请的单位不符", code, o.Name, o.RegionCode)
			return nil, invalid(&pr, "invalid enterprise opening")
		}
	case isNotFound(err):
		o = &registry.Organisation{USCC: code, Name: strings.TrimSpace(req.Name), IndustryCode: req.IndustryCode, Size: req.Size,
			RegionCode: req.RegionCode, Address: req.Address}
		if err := s.registry.CreateOrganisation(ctx, o); err != nil {
			return nil, fmt.Errorf("register employer: %w", err)
		}
	default:
		return nil, err
	}
	out.Organisation = o
	for i, st := range req.Staff {
		p, err := s.registry.Person(ctx, st.PersonID)
		if err != nil {
			return nil, fmt.Errorf("staff %d: %w", i, err)
		}
		out.StaffNames = append(out.StaffNames, p.Name)
		sp, err := s.spell(ctx, o, st, req.From.First())
		if err != nil {
			return nil, fmt.Errorf("staff %d: %w", i, err)
		}
		out.Employments = append(out.Employments, sp)
		for _, sc := range OpeningSchemes {
			e, err := s.enrolment(ctx, o, st.PersonID, sc, req.From, req.RiskClass)
			if err != nil {
				return nil, fmt.Errorf("staff %d, %s: %w", i, sc, err)
			}
			out.Enrolments = append(out.Enrolments, e)
		}
	}
	return out, nil
}

// orgByUSCC finds the organisation registered with code in the caller's
// scope; NotFound when there is none.
func (s *Service) orgByUSCC(ctx context.Context, code ids.USCC) (*registry.Organisation, error) {
	os, err := s.registry.Organisations(ctx, registry.OrgFilter{USCC: string(code), Page: registry.Page{Limit: 2}})
	if err != nil {
		return nil, err
	}
	for _, o := range os {
		if o.USCC == code {
			return o, nil
		}
	}
	return nil, fault.Errorf(fault.NotFound, "no organisation with USCC %s", code)
}

// spell returns the person's spell with the employer, recording it from
// start when there is none.
func (s *Service) spell(ctx context.Context, o *registry.Organisation, st Staff, start period.Date) (*registry.Employment, error) {
	sps, err := s.registry.Employments(ctx, registry.EmploymentFilter{PersonID: st.PersonID, OrgID: o.ID, Page: registry.Page{Limit: pageMax}})
	if err != nil {
		return nil, err
	}
	for _, sp := range sps {
		if sp.Start == start {
			return sp, nil
		}
	}
	sp := &registry.Employment{PersonID: st.PersonID, OrgID: o.ID, Start: start, MonthlyWage: st.MonthlyWage}
	if err := s.registry.CreateEmployment(ctx, sp); err != nil {
		return nil, err
	}
	return sp, nil
}

// enrolment returns the person's enrolment in the scheme through the
// employer from month from, enrolling them when there is none.
func (s *Service) enrolment(ctx context.Context, o *registry.Organisation, person registry.PersonID, sc insurance.Scheme, from period.Month, risk int) (*insurance.Enrolment, error) {
	ens, err := s.insurance.Enrolments(ctx, insurance.EnrolmentFilter{PersonID: person, OrgID: o.ID, Scheme: sc, Page: registry.Page{Limit: pageMax}})
	if err != nil {
		return nil, err
	}
	for _, e := range ens {
		if e.Start == from {
			return e, nil
		}
	}
	e := &insurance.Enrolment{PersonID: person, Scheme: sc, Kind: insurance.ThroughEmployer, OrgID: o.ID, Start: from}
	if sc == insurance.WorkInjury {
		e.RiskClass = risk
	}
	if err := s.insurance.Enrol(ctx, e); err != nil {
		return nil, err
	}
	return e, nil
}

// schemeZH names the schemes in zh-CN.
var schemeZH = map[insurance.Scheme]string{
	insurance.EmployeePension: "企业职工基本养老保险",
	insurance.ResidentPension: "城乡居民基本养老保险",
	insurance.Unemployment:    "失业保险",
	insurance.WorkInjury:      "工伤保险",
}

// SchemeZH names a scheme in zh-CN.
func SchemeZH(sc insurance.Scheme) string {
	if n, ok := schemeZH[sc]; ok {
		return n
	}
	return string(sc)
}
