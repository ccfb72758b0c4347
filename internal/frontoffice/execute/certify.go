package execute

import (
	"context"
	"fmt"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/matters"
)

func init() {
	register("insurance.pension.certify", func(s Services) Executor { return &certify{s} })
}

// certify records a pensioner's annual certification of entitlement
// (领取待遇资格认证) with insurance.Pensions.Certify. The certification's
// note carries the application number, by which a second run finds it.
type certify struct{ s Services }

// coreCertMethods are the certification methods, with their names.
var coreCertMethods = map[string]string{
	string(insurance.CertDataMatch): "数据比对认证",
	string(insurance.CertFace):      "人脸识别认证",
	string(insurance.CertVisit):     "现场或上门认证",
}

// Fields implements Executor.
func (c *certify) Fields() []Field {
	return []Field{
		{Name: "date", Label: matters.Bilingual{ZH: "认证日期", EN: "date of the certification"}, Kind: "date", Required: true},
		{Name: "method", Label: matters.Bilingual{ZH: "认证方式", EN: "method"}, Kind: "choice",
			Values: []string{string(insurance.CertDataMatch), string(insurance.CertFace), string(insurance.CertVisit)}, Required: true},
		{Name: "note", Label: matters.Bilingual{ZH: "备注", EN: "note"}, Kind: "text"},
	}
}

// read reads and checks the form and the pensioner.
func (c *certify) read(ctx context.Context, req Request) (*insurance.Certification, string, error) {
	f := readCoreForm(req.Form)
	cert := &insurance.Certification{PersonID: req.Person}
	cert.Date = f.date("date", true)
	cert.Method = insurance.CertMethod(f.choice("method", true, string(insurance.CertDataMatch), string(insurance.CertFace), string(insurance.CertVisit)))
	note := f.text("note", false)
	if len([]rune(note)) > 400 {
		f.pr.Add("form.note", "is at most 400 characters")
	}
	name := ""
	if req.Person <= 0 {
		f.pr.Add("person_id", "is required: the pensioner certified")
	} else {
		p, err := c.s.Registry.Person(ctx, req.Person)
		switch {
		case fault.CodeOf(err) == fault.NotFound:
			f.pr.Add("person_id", "person %d does not exist", req.Person)
		case err != nil:
			return nil, "", err
		default:
			name = p.Name
			scheme := insurance.Scheme(req.Matter.Args["scheme"])
			awards, err := c.s.Pensions.Awards(ctx, insurance.AwardFilter{PersonID: req.Person, Scheme: scheme})
			if err != nil {
				return nil, "", err
			}
			if len(awards) == 0 {
				f.pr.Add("person_id", "%s没有%s养老金待遇，无需领取资格认证", p.Name, coreSchemeZH(scheme))
			}
		}
	}
	if !cert.Date.IsZero() && cert.Date > c.s.Pensions.Today() {
		f.pr.Add("form.date", "%s is in the future", cert.Date)
	}
	cert.Note = strings.TrimSpace("办件" + req.ApplicationNo + " " + note)
	return cert, name, f.err("certification")
}

// Check implements Executor.
func (c *certify) Check(ctx context.Context, req Request) error {
	_, _, err := c.read(ctx, req)
	return err
}

// Execute implements Executor.
func (c *certify) Execute(ctx context.Context, req Request) (Result, error) {
	cert, name, err := c.read(ctx, req)
	if err != nil {
		return Result{}, err
	}
	prior, err := c.s.Pensions.Certifications(ctx, req.Person, 20)
	if err != nil {
		return Result{}, err
	}
	mark := "办件" + req.ApplicationNo
	for _, p := range prior {
		if req.ApplicationNo != "" && (p.Note == mark || strings.HasPrefix(p.Note, mark+" ")) {
			return c.result(name, &p), nil
		}
	}
	if err := c.s.Pensions.Certify(ctx, cert); err != nil {
		return Result{}, err
	}
	return c.result(name, cert), nil
}

// result is the certification's result.
func (c *certify) result(name string, cert *insurance.Certification) Result {
	return Result{Ref: fmt.Sprintf("certification:%d", cert.ID),
		Summary: fmt.Sprintf("已记录%s%s的领取待遇资格认证（%s）", name, coreZhDay(cert.Date), coreCertMethods[string(cert.Method)])}
}

// coreSchemeZH is a scheme's Chinese name.
func coreSchemeZH(s insurance.Scheme) string {
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
