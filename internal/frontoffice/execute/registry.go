package execute

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// The executors of the registry's actions: persons, deaths, where benefits
// are paid, employers, employment, households and disabilities. Each
// calls the registry service's method with the form mapped onto the
// registry's own types, so that its validation, scope and maker-checker
// rules hold; a repeated Execute finds its earlier effect by the record's
// natural key (the ID number, the USCC, the account number) or, for a
// change, because applying the same change again changes nothing.
// docs/execute-registry.md lists the forms and what a second run finds.

func init() {
	register("registry.person.register", func(s Services) Executor { return &personRegister{s} })
	register("registry.person.change", func(s Services) Executor { return &personChange{s} })
	register("registry.death.record", func(s Services) Executor { return &deathRecord{s} })
	register("registry.bank_account.register", func(s Services) Executor { return &bankAccountRegister{s} })
	register("registry.payee_agent.register", func(s Services) Executor { return &payeeAgentRegister{s} })
	register("registry.organisation.register", func(s Services) Executor { return &organisationRegister{s} })
	register("registry.organisation.change", func(s Services) Executor { return &organisationChange{s} })
	register("registry.employment.start", func(s Services) Executor { return &employmentStart{s} })
	register("registry.employment.end", func(s Services) Executor { return &employmentEnd{s} })
	register("registry.household.change", func(s Services) Executor { return &householdChange{s} })
	register("registry.disability.record", func(s Services) Executor { return &disabilityRecord{s} })
}

// ethnicityValues are the keys of registry.Ethnicities, sorted.
func ethnicityValues() []string {
	out := make([]string, 0, len(registry.Ethnicities))
	for k := range registry.Ethnicities {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// relationValues are the relations of a member or an agent to a person.
var relationValues = []string{"head", "spouse", "child", "parent", "grandchild", "grandparent", "sibling", "child_in_law", "other"}

// checkIDNumber records a problem with the form field name unless s is a
// valid resident ID number on today.
func checkIDNumber(p *fault.Problems, name, s string, today period.Date) {
	if strings.TrimSpace(s) == "" {
		return
	}
	if _, err := ids.ParseResidentID(s, today); err != nil {
		p.Add(formKey(name), "%v", err)
	}
}

// checkRegionCode records a problem with the form field name unless s is a
// region code.
func checkRegionCode(p *fault.Problems, name, s string) {
	if s == "" {
		return
	}
	if _, err := region.ParseCode(s); err != nil {
		p.Add(formKey(name), "%v", err)
	}
}

// ref is a Result's Ref: kind:id.
func ref(kind string, id int64) string { return kind + ":" + strconv.FormatInt(id, 10) }

// personByNumber finds the registered person of ID number raw, for a form
// that names a person other than the applicant; NotFound names the field.
func personByNumber(ctx context.Context, reg *registry.Service, field, raw string) (*registry.Person, error) {
	p, err := reg.PersonByIDNumber(ctx, raw)
	switch {
	case fault.CodeOf(err) == fault.NotFound:
		return nil, &fault.Error{Code: fault.Invalid, Message: formInvalid,
			Fields: map[string]string{formKey(field): "no registered person has this ID number"}}
	case err != nil:
		return nil, asFormError(err, map[string]string{"id_number": formKey(field)})
	}
	return p, nil
}

// ---- registry.person.register

type personRegister struct{ Services }

type personForm struct {
	IDNumber    string `json:"id_number"`
	Name        string `json:"name"`
	Ethnicity   string `json:"ethnicity"`
	HukouType   string `json:"hukou_type"`
	HukouRegion string `json:"hukou_region"`
	RegionCode  string `json:"region_code"`
	Phone       string `json:"phone"`
	Address     string `json:"address"`
}

func (e *personRegister) Fields() []Field {
	return []Field{
		{Name: "id_number", Label: label("公民身份号码", "Resident ID number"), Kind: "text", Required: true},
		{Name: "name", Label: label("姓名", "Name"), Kind: "text", Required: true},
		{Name: "ethnicity", Label: label("民族", "Ethnicity"), Kind: "choice", Values: ethnicityValues(), Required: true},
		{Name: "hukou_type", Label: label("户口性质", "Hukou type"), Kind: "choice", Values: []string{"urban", "rural"}, Required: true},
		{Name: "hukou_region", Label: label("户籍所在地区划代码", "Region of the hukou"), Kind: "text"},
		{Name: "region_code", Label: label("居住地区划代码", "Region of residence"), Kind: "text", Required: true},
		{Name: "phone", Label: label("联系电话", "Phone"), Kind: "text"},
		{Name: "address", Label: label("居住地址", "Address"), Kind: "text"},
	}
}

func (e *personRegister) form(req Request) (personForm, fault.Problems) {
	var f personForm
	var p fault.Problems
	decodeFormInto(req.Form, &f, &p)
	requireText(&p, "id_number", f.IDNumber)
	checkIDNumber(&p, "id_number", f.IDNumber, e.Registry.Today())
	requireText(&p, "name", f.Name)
	if _, ok := registry.Ethnicities[f.Ethnicity]; !ok {
		requireChoice(&p, "ethnicity", f.Ethnicity, ethnicityValues()...)
	}
	requireChoice(&p, "hukou_type", f.HukouType, "urban", "rural")
	requireText(&p, "region_code", f.RegionCode)
	checkRegionCode(&p, "region_code", f.RegionCode)
	checkRegionCode(&p, "hukou_region", f.HukouRegion)
	return f, p
}

func (e *personRegister) Check(ctx context.Context, req Request) error {
	_, p := e.form(req)
	return p.Err(formInvalid)
}

func (e *personRegister) Execute(ctx context.Context, req Request) (Result, error) {
	f, p := e.form(req)
	if err := p.Err(formInvalid); err != nil {
		return Result{}, err
	}
	// The ID number is the person's natural key: registered already under
	// the same name, it is this application's earlier effect.
	if old, err := e.Registry.PersonByIDNumber(ctx, f.IDNumber); err == nil {
		if old.Name != strings.TrimSpace(f.Name) {
			return Result{}, fault.Errorf(fault.Conflict, "the ID number is registered already, under another name")
		}
		return personRegistered(old), nil
	} else if fault.CodeOf(err) != fault.NotFound {
		return Result{}, err
	}
	pp := &registry.Person{IDNumber: ids.ResidentID(f.IDNumber), Name: strings.TrimSpace(f.Name), Ethnicity: f.Ethnicity,
		HukouType: registry.HukouType(f.HukouType), HukouRegion: region.Code(f.HukouRegion), RegionCode: region.Code(f.RegionCode),
		Phone: f.Phone, Address: f.Address}
	if err := e.Registry.CreatePerson(ctx, pp); err != nil {
		return Result{}, asFormError(err, nil)
	}
	return personRegistered(pp), nil
}

func personRegistered(p *registry.Person) Result {
	return Result{Ref: ref("person", int64(p.ID)), Summary: fmt.Sprintf("%s的人员信息已登记。", p.Name)}
}

// ---- registry.person.change

type personChange struct{ Services }

// personChangeForm has pointers: a field not given is not changed.
type personChangeForm struct {
	Name        *string `json:"name"`
	IDNumber    *string `json:"id_number"`
	Reason      string  `json:"reason"`
	Ethnicity   *string `json:"ethnicity"`
	HukouType   *string `json:"hukou_type"`
	HukouRegion *string `json:"hukou_region"`
	RegionCode  *string `json:"region_code"`
	Phone       *string `json:"phone"`
	Address     *string `json:"address"`
}

func (f *personChangeForm) identity() bool { return f.Name != nil || f.IDNumber != nil }

func (f *personChangeForm) others() []string {
	var out []string
	for _, x := range []struct {
		name string
		v    *string
	}{{"ethnicity", f.Ethnicity}, {"hukou_type", f.HukouType}, {"hukou_region", f.HukouRegion},
		{"region_code", f.RegionCode}, {"phone", f.Phone}, {"address", f.Address}} {
		if x.v != nil {
			out = append(out, x.name)
		}
	}
	return out
}

func (e *personChange) Fields() []Field {
	return []Field{
		{Name: "name", Label: label("新姓名（身份变更，须第二人审核）", "New name (a change of identity, approved by a second user)"), Kind: "text"},
		{Name: "id_number", Label: label("新公民身份号码（身份变更，须第二人审核）", "New ID number (a change of identity, approved by a second user)"), Kind: "text"},
		{Name: "reason", Label: label("身份变更原因及所见证明", "Reason of the change of identity and the evidence seen"), Kind: "text"},
		{Name: "ethnicity", Label: label("民族", "Ethnicity"), Kind: "choice", Values: ethnicityValues()},
		{Name: "hukou_type", Label: label("户口性质", "Hukou type"), Kind: "choice", Values: []string{"urban", "rural"}},
		{Name: "hukou_region", Label: label("户籍所在地区划代码", "Region of the hukou"), Kind: "text"},
		{Name: "region_code", Label: label("居住地区划代码", "Region of residence"), Kind: "text"},
		{Name: "phone", Label: label("联系电话", "Phone"), Kind: "text"},
		{Name: "address", Label: label("居住地址", "Address"), Kind: "text"},
	}
}

func (e *personChange) form(req Request) (personChangeForm, fault.Problems) {
	var f personChangeForm
	var p fault.Problems
	decodeFormInto(req.Form, &f, &p)
	requirePerson(&p, req)
	others := f.others()
	switch {
	case !f.identity() && len(others) == 0 && len(p) == 0:
		p.Add("form", "give at least one detail to change")
	case f.identity():
		// A change of identity waits for a second user: it is applied
		// alone (registry.Service.PatchPerson).
		for _, o := range others {
			p.Add(formKey(o), "a change of name or ID number waits for a second user's approval: apply for this change separately")
		}
		requireText(&p, "reason", f.Reason)
		if f.Name != nil {
			requireText(&p, "name", *f.Name)
		}
		if f.IDNumber != nil {
			requireText(&p, "id_number", *f.IDNumber)
			checkIDNumber(&p, "id_number", *f.IDNumber, e.Registry.Today())
		}
	case !f.identity() && strings.TrimSpace(f.Reason) != "":
		p.Add(formKey("reason"), "is the reason of a change of name or ID number, and there is none")
	}
	if f.Ethnicity != nil {
		if _, ok := registry.Ethnicities[*f.Ethnicity]; !ok {
			requireChoice(&p, "ethnicity", *f.Ethnicity, ethnicityValues()...)
		}
	}
	if f.HukouType != nil {
		requireChoice(&p, "hukou_type", *f.HukouType, "urban", "rural")
	}
	if f.RegionCode != nil {
		requireText(&p, "region_code", *f.RegionCode)
		checkRegionCode(&p, "region_code", *f.RegionCode)
	}
	if f.HukouRegion != nil {
		checkRegionCode(&p, "hukou_region", *f.HukouRegion)
	}
	return f, p
}

func (e *personChange) Check(ctx context.Context, req Request) error {
	_, p := e.form(req)
	return p.Err(formInvalid)
}

func (e *personChange) Execute(ctx context.Context, req Request) (Result, error) {
	f, p := e.form(req)
	if err := p.Err(formInvalid); err != nil {
		return Result{}, err
	}
	old, err := e.Registry.Person(ctx, req.Person)
	if err != nil {
		return Result{}, err
	}
	mark := appMark(req.ApplicationNo)
	if f.identity() {
		// The request of this application, made before, carries its
		// number in its reason.
		cs, err := e.Registry.IdentityChanges(ctx, req.Person, 0, 100)
		if err != nil {
			return Result{}, err
		}
		for _, c := range cs {
			if strings.Contains(c.Reason, mark) {
				return identityChanged(c)
			}
		}
		// Already who the form says (a system process applies a change
		// of identity at once): nothing is left to do.
		if identityAsAsked(old, &f, e.Registry.Today()) {
			return Result{Ref: ref("person", int64(old.ID)), Summary: fmt.Sprintf("%s的身份信息已变更。", old.Name)}, nil
		}
		reason := strings.TrimSpace(f.Reason) + "（" + mark + "）"
		if who, _ := auth.PrincipalFrom(ctx); who.System() {
			// A system process sets who a person is directly, with no
			// request and so no reason (registry.Service.PatchPerson).
			reason = ""
		}
		pp, c, err := e.Registry.PatchPerson(ctx, req.Person, old.Version, reason, func(pp *registry.Person) {
			if f.Name != nil {
				pp.Name = *f.Name
			}
			if f.IDNumber != nil {
				pp.IDNumber = ids.ResidentID(*f.IDNumber)
			}
		})
		if err != nil {
			return Result{}, asFormError(err, nil)
		}
		if c == nil {
			return Result{Ref: ref("person", int64(pp.ID)), Summary: fmt.Sprintf("%s的身份信息已变更。", pp.Name)}, nil
		}
		return identityChanged(c)
	}
	// A change of other details is stored at once; made again, it
	// changes nothing and returns the person as it is.
	pp, _, err := e.Registry.PatchPerson(ctx, req.Person, old.Version, "", func(pp *registry.Person) {
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&pp.Ethnicity, f.Ethnicity)
		if f.HukouType != nil {
			pp.HukouType = registry.HukouType(*f.HukouType)
		}
		if f.HukouRegion != nil {
			pp.HukouRegion = region.Code(*f.HukouRegion)
		}
		if f.RegionCode != nil {
			pp.RegionCode = region.Code(*f.RegionCode)
		}
		set(&pp.Phone, f.Phone)
		set(&pp.Address, f.Address)
	})
	if err != nil {
		return Result{}, asFormError(err, nil)
	}
	return Result{Ref: ref("person", int64(pp.ID)), Summary: fmt.Sprintf("%s的个人基本信息已变更（%s）。", pp.Name, strings.Join(zhFields(f.others()), "、"))}, nil
}

// identityAsAsked reports whether p's name and ID number are those the
// form asks for.
func identityAsAsked(p *registry.Person, f *personChangeForm, today period.Date) bool {
	if f.Name != nil && strings.TrimSpace(*f.Name) != p.Name {
		return false
	}
	if f.IDNumber != nil {
		n, err := ids.ParseResidentID(*f.IDNumber, today)
		if err != nil || n != p.IDNumber {
			return false
		}
	}
	return true
}

// identityChanged is the Result of an identity change request: pending
// until a second user decides it, done when confirmed; a rejected one is
// a Conflict with the checker's note.
func identityChanged(c *registry.IdentityChange) (Result, error) {
	r := Result{Ref: ref("identity_change", int64(c.ID))}
	switch c.Status {
	case registry.StatusPending:
		r.Pending = true
		r.Summary = fmt.Sprintf("%s的身份信息变更申请已提交，待第二人审核确认。", c.OldName)
	case registry.StatusConfirmed:
		r.Summary = fmt.Sprintf("%s的身份信息变更已审核确认并生效（现姓名%s）。", c.OldName, c.NewName)
	default:
		return Result{}, fault.Errorf(fault.Conflict, "the identity change %d was rejected: %s", c.ID, c.DecisionNote)
	}
	return r, nil
}

// zhFields names the person's detail fields in zh-CN.
func zhFields(fields []string) []string {
	names := map[string]string{"ethnicity": "民族", "hukou_type": "户口性质", "hukou_region": "户籍所在地",
		"region_code": "居住地", "phone": "联系电话", "address": "居住地址"}
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = names[f]
	}
	return out
}

// ---- registry.death.record

type deathRecord struct{ Services }

// deathForm names the deceased by ID number always: the applicant of a
// death registration is an heir or an agent, and a death recorded on the
// wrong person stops their benefits.
type deathForm struct {
	DeceasedIDNumber string      `json:"deceased_id_number"`
	DeathDate        period.Date `json:"death_date"`
	Source           string      `json:"source"`
}

func (e *deathRecord) Fields() []Field {
	return []Field{
		{Name: "deceased_id_number", Label: label("逝者公民身份号码", "ID number of the deceased"), Kind: "text", Required: true},
		{Name: "death_date", Label: label("死亡日期", "Date of death"), Kind: "date", Required: true},
		{Name: "source", Label: label("死亡信息来源", "Source of the death record"), Kind: "choice", Values: registry.DeathSources, Required: true},
	}
}

func (e *deathRecord) form(req Request) (deathForm, fault.Problems) {
	var f deathForm
	var p fault.Problems
	decodeFormInto(req.Form, &f, &p)
	requireText(&p, "deceased_id_number", f.DeceasedIDNumber)
	checkIDNumber(&p, "deceased_id_number", f.DeceasedIDNumber, e.Registry.Today())
	requireDate(&p, "death_date", f.DeathDate)
	if !f.DeathDate.IsZero() && f.DeathDate > e.Registry.Today() {
		p.Add(formKey("death_date"), "is in the future")
	}
	requireChoice(&p, "source", f.Source, registry.DeathSources...)
	return f, p
}

func (e *deathRecord) Check(ctx context.Context, req Request) error {
	_, p := e.form(req)
	return p.Err(formInvalid)
}

func (e *deathRecord) Execute(ctx context.Context, req Request) (Result, error) {
	f, p := e.form(req)
	if err := p.Err(formInvalid); err != nil {
		return Result{}, err
	}
	who, err := personByNumber(ctx, e.Registry, "deceased_id_number", f.DeceasedIDNumber)
	if err != nil {
		return Result{}, err
	}
	// Recorded before on the same date: this application's earlier effect.
	if !who.Alive() && who.DeathDate == f.DeathDate {
		return deathRecorded(who), nil
	}
	done, err := e.Registry.RecordDeath(ctx, who.ID, f.DeathDate, f.Source)
	if err != nil {
		return Result{}, asFormError(err, nil)
	}
	return deathRecorded(done), nil
}

func deathRecorded(p *registry.Person) Result {
	return Result{Ref: ref("person", int64(p.ID)),
		Summary: fmt.Sprintf("%s的死亡信息已登记（死亡日期%s），其待遇自次月起停发。", p.Name, dateText(p.DeathDate))}
}

// ---- registry.bank_account.register

type bankAccountRegister struct{ Services }

type bankAccountForm struct {
	BankCode    string `json:"bank_code"`
	BankName    string `json:"bank_name"`
	AccountNo   string `json:"account_no"`
	AccountName string `json:"account_name"`
	Primary     bool   `json:"primary"`
	AgentID     int64  `json:"agent_id"`
}

func (e *bankAccountRegister) Fields() []Field {
	return []Field{
		{Name: "bank_code", Label: label("开户银行代码", "Bank code"), Kind: "text", Required: true},
		{Name: "bank_name", Label: label("开户银行名称", "Bank name"), Kind: "text", Required: true},
		{Name: "account_no", Label: label("银行账号", "Account number"), Kind: "text", Required: true},
		{Name: "account_name", Label: label("账户名", "Account holder"), Kind: "text", Required: true},
		{Name: "primary", Label: label("设为待遇发放主账户", "Pay benefits into this account"), Kind: "bool"},
		{Name: "agent_id", Label: label("代领人编号（账户为代领人所有时）", "Payee agent (when the account is the agent's)"), Kind: "int"},
	}
}

func (e *bankAccountRegister) form(req Request) (bankAccountForm, fault.Problems) {
	var f bankAccountForm
	var p fault.Problems
	decodeFormInto(req.Form, &f, &p)
	if req.Person == 0 && req.Organisation == 0 {
		p.Add("person_id", "name the person or the employer whose account it is")
	}
	requireText(&p, "bank_code", f.BankCode)
	if f.BankCode != "" {
		if _, ok := registry.BankOn(f.BankCode, e.Registry.Today()); !ok {
			p.Add(formKey("bank_code"), "%q is not a bank in the reference table of banks on %s", f.BankCode, e.Registry.Today())
		}
	}
	requireText(&p, "bank_name", f.BankName)
	requireText(&p, "account_no", f.AccountNo)
	requireText(&p, "account_name", f.AccountName)
	if f.AgentID != 0 && req.Person == 0 {
		p.Add(formKey("agent_id"), "only a person's benefits are paid to a payee agent")
	}
	return f, p
}

func (e *bankAccountRegister) Check(ctx context.Context, req Request) error {
	_, p := e.form(req)
	return p.Err(formInvalid)
}

func (e *bankAccountRegister) owner(req Request) (registry.OwnerKind, int64) {
	if req.Person != 0 {
		return registry.OwnerPerson, int64(req.Person)
	}
	return registry.OwnerOrganisation, int64(req.Organisation)
}

func (e *bankAccountRegister) Execute(ctx context.Context, req Request) (Result, error) {
	f, p := e.form(req)
	if err := p.Err(formInvalid); err != nil {
		return Result{}, err
	}
	kind, owner := e.owner(req)
	// The bank and account number are the account's natural key among
	// the owner's: the latest request of it is this application's.
	bs, err := e.Registry.BankAccounts(ctx, kind, owner)
	if err != nil {
		return Result{}, err
	}
	var last *registry.BankAccount
	for _, b := range bs {
		if b.BankCode == f.BankCode && b.AccountNo == strings.TrimSpace(f.AccountNo) && (last == nil || b.ID > last.ID) {
			last = b
		}
	}
	if last != nil {
		return accountResult(last)
	}
	b := &registry.BankAccount{OwnerKind: kind, OwnerID: owner, BankCode: f.BankCode, BankName: f.BankName,
		AccountNo: strings.TrimSpace(f.AccountNo), AccountName: f.AccountName, Primary: f.Primary, AgentID: f.AgentID}
	if err := e.Registry.CreateBankAccount(ctx, b); err != nil {
		return Result{}, asFormError(err, map[string]string{"owner_id": "person_id"})
	}
	return accountResult(b)
}

// accountResult is the Result of an account: pending until a second user
// confirms it; a rejected one is a Conflict with the checker's note, for
// the application to be refused with it.
func accountResult(b *registry.BankAccount) (Result, error) {
	r := Result{Ref: ref("bank_account", int64(b.ID))}
	tail := maskTail(b.AccountNo)
	switch b.Status {
	case registry.StatusPending:
		r.Pending = true
		r.Summary = fmt.Sprintf("%s尾号%s的待遇领取账户已登记，待第二人审核确认后生效。", b.BankName, tail)
	case registry.StatusConfirmed:
		r.Summary = fmt.Sprintf("%s尾号%s的待遇领取账户已审核确认，待遇将发放至该账户。", b.BankName, tail)
	default:
		return Result{}, fault.Errorf(fault.Conflict, "the bank account %d was rejected by the second user: %s", b.ID, b.DecisionNote)
	}
	return r, nil
}

// maskTail is the last four characters of an account number, all the
// applicant's notice shows of it.
func maskTail(s string) string {
	if len(s) <= 4 {
		return s
	}
	return s[len(s)-4:]
}

// ---- registry.payee_agent.register

type payeeAgentRegister struct{ Services }

type payeeAgentForm struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
	Relation string `json:"relation"`
}

func (e *payeeAgentRegister) Fields() []Field {
	return []Field{
		{Name: "name", Label: label("代领人姓名", "Name of the agent"), Kind: "text", Required: true},
		{Name: "id_number", Label: label("代领人公民身份号码", "ID number of the agent"), Kind: "text", Required: true},
		{Name: "relation", Label: label("与待遇领取人关系", "Relation to the person"), Kind: "choice", Values: relationValues[1:], Required: true},
	}
}

func (e *payeeAgentRegister) form(req Request) (payeeAgentForm, fault.Problems) {
	var f payeeAgentForm
	var p fault.Problems
	decodeFormInto(req.Form, &f, &p)
	requirePerson(&p, req)
	requireText(&p, "name", f.Name)
	requireText(&p, "id_number", f.IDNumber)
	checkIDNumber(&p, "id_number", f.IDNumber, e.Registry.Today())
	requireChoice(&p, "relation", f.Relation, relationValues[1:]...)
	return f, p
}

func (e *payeeAgentRegister) Check(ctx context.Context, req Request) error {
	_, p := e.form(req)
	return p.Err(formInvalid)
}

func (e *payeeAgentRegister) Execute(ctx context.Context, req Request) (Result, error) {
	f, p := e.form(req)
	if err := p.Err(formInvalid); err != nil {
		return Result{}, err
	}
	idn, _ := ids.ParseResidentID(f.IDNumber, e.Registry.Today())
	as, err := e.Registry.PayeeAgents(ctx, req.Person)
	if err != nil {
		return Result{}, err
	}
	// The agent's ID number is their natural key among the person's
	// agents: the latest request of them is this application's.
	var last *registry.PayeeAgent
	for _, a := range as {
		if a.IDNumber == idn && (last == nil || a.ID > last.ID) {
			last = a
		}
	}
	if last != nil {
		return agentResult(last)
	}
	a := &registry.PayeeAgent{PersonID: req.Person, Name: f.Name, IDNumber: idn, Relation: registry.Relation(f.Relation)}
	if err := e.Registry.CreatePayeeAgent(ctx, a); err != nil {
		return Result{}, asFormError(err, nil)
	}
	return agentResult(a)
}

// agentResult is the Result of a payee agent, as accountResult.
func agentResult(a *registry.PayeeAgent) (Result, error) {
	r := Result{Ref: ref("payee_agent", int64(a.ID))}
	switch a.Status {
	case registry.StatusPending:
		r.Pending = true
		r.Summary = fmt.Sprintf("代领人%s已登记，待第二人审核确认后生效。", a.Name)
	case registry.StatusConfirmed:
		r.Summary = fmt.Sprintf("代领人%s已审核确认，可代为领取待遇。", a.Name)
	default:
		return Result{}, fault.Errorf(fault.Conflict, "the payee agent %d was rejected by the second user: %s", a.ID, a.DecisionNote)
	}
	return r, nil
}

// ---- registry.organisation.register

type organisationRegister struct{ Services }

type organisationForm struct {
	USCC         string `json:"uscc"`
	Name         string `json:"name"`
	IndustryCode string `json:"industry_code"`
	Size         string `json:"size"`
	RegionCode   string `json:"region_code"`
	Address      string `json:"address"`
}

var orgSizes = []string{"micro", "small", "medium", "large"}

func (e *organisationRegister) Fields() []Field {
	return []Field{
		{Name: "uscc", Label: label("统一社会信用代码", "Unified social credit code"), Kind: "text", Required: true},
		{Name: "name", Label: label("单位名称", "Name"), Kind: "text", Required: true},
		{Name: "industry_code", Label: label("行业代码", "Industry code"), Kind: "text", Required: true},
		{Name: "size", Label: label("企业规模", "Size"), Kind: "choice", Values: orgSizes, Required: true},
		{Name: "region_code", Label: label("所在地区划代码", "Region"), Kind: "text", Required: true},
		{Name: "address", Label: label("单位地址", "Address"), Kind: "text"},
	}
}

func (e *organisationRegister) form(req Request) (organisationForm, fault.Problems) {
	var f organisationForm
	var p fault.Problems
	decodeFormInto(req.Form, &f, &p)
	requireText(&p, "uscc", f.USCC)
	if f.USCC != "" {
		if _, _, err := ids.ParseUSCC(f.USCC, ids.Lenient); err != nil {
			p.Add(formKey("uscc"), "%v", err)
		}
	}
	requireText(&p, "name", f.Name)
	requireText(&p, "industry_code", f.IndustryCode)
	requireChoice(&p, "size", f.Size, orgSizes...)
	requireText(&p, "region_code", f.RegionCode)
	checkRegionCode(&p, "region_code", f.RegionCode)
	return f, p
}

func (e *organisationRegister) Check(ctx context.Context, req Request) error {
	_, p := e.form(req)
	return p.Err(formInvalid)
}

func (e *organisationRegister) Execute(ctx context.Context, req Request) (Result, error) {
	f, p := e.form(req)
	if err := p.Err(formInvalid); err != nil {
		return Result{}, err
	}
	code, _, _ := ids.ParseUSCC(f.USCC, ids.Lenient)
	// The USCC is the employer's natural key.
	os, err := e.Registry.Organisations(ctx, registry.OrgFilter{USCC: string(code), Page: registry.Page{Limit: 1}})
	if err != nil {
		return Result{}, err
	}
	if len(os) > 0 {
		if os[0].Name != strings.TrimSpace(f.Name) {
			return Result{}, fault.Errorf(fault.Conflict, "the USCC is registered already, under another name")
		}
		return orgRegistered(os[0]), nil
	}
	o := &registry.Organisation{USCC: code, Name: strings.TrimSpace(f.Name), IndustryCode: f.IndustryCode,
		Size: registry.OrgSize(f.Size), RegionCode: region.Code(f.RegionCode), Address: f.Address}
	if err := e.Registry.CreateOrganisation(ctx, o); err != nil {
		return Result{}, asFormError(err, nil)
	}
	return orgRegistered(o), nil
}

func orgRegistered(o *registry.Organisation) Result {
	return Result{Ref: ref("organisation", int64(o.ID)), Summary: fmt.Sprintf("%s的社会保险登记已办理。", o.Name)}
}

// ---- registry.organisation.change (change=details|close)

type organisationChange struct{ Services }

type orgDetailsForm struct {
	Name         *string `json:"name"`
	IndustryCode *string `json:"industry_code"`
	Size         *string `json:"size"`
	RegionCode   *string `json:"region_code"`
	Address      *string `json:"address"`
}

type orgCloseForm struct {
	ClosedOn period.Date `json:"closed_on"`
	Reason   string      `json:"reason"`
}

func (e *organisationChange) Fields() []Field {
	// The form depends on the matter's change; the counter shows both
	// kinds' fields and Check keeps to the matter's.
	return []Field{
		{Name: "name", Label: label("单位名称（变更）", "Name (change)"), Kind: "text"},
		{Name: "industry_code", Label: label("行业代码（变更）", "Industry code (change)"), Kind: "text"},
		{Name: "size", Label: label("企业规模（变更）", "Size (change)"), Kind: "choice", Values: orgSizes},
		{Name: "region_code", Label: label("所在地区划代码（变更）", "Region (change)"), Kind: "text"},
		{Name: "address", Label: label("单位地址（变更）", "Address (change)"), Kind: "text"},
		{Name: "closed_on", Label: label("注销日期（注销）", "Closing date (closing)"), Kind: "date"},
		{Name: "reason", Label: label("注销原因（注销）", "Reason of the closing (closing)"), Kind: "text"},
	}
}

func closing(req Request) bool { return req.Matter.Args["change"] == "close" }

func (e *organisationChange) details(req Request) (orgDetailsForm, fault.Problems) {
	var f orgDetailsForm
	var p fault.Problems
	decodeFormInto(req.Form, &f, &p)
	requireOrganisation(&p, req)
	if f.Name == nil && f.IndustryCode == nil && f.Size == nil && f.RegionCode == nil && f.Address == nil && len(p) == 0 {
		p.Add("form", "give at least one detail to change")
	}
	if f.Name != nil {
		requireText(&p, "name", *f.Name)
	}
	if f.Size != nil {
		requireChoice(&p, "size", *f.Size, orgSizes...)
	}
	if f.RegionCode != nil {
		requireText(&p, "region_code", *f.RegionCode)
		checkRegionCode(&p, "region_code", *f.RegionCode)
	}
	return f, p
}

func (e *organisationChange) close(req Request) (orgCloseForm, fault.Problems) {
	var f orgCloseForm
	var p fault.Problems
	decodeFormInto(req.Form, &f, &p)
	requireOrganisation(&p, req)
	requireDate(&p, "closed_on", f.ClosedOn)
	if !f.ClosedOn.IsZero() && f.ClosedOn > e.Registry.Today() {
		p.Add(formKey("closed_on"), "is after today, %s", e.Registry.Today())
	}
	requireText(&p, "reason", f.Reason)
	return f, p
}

func (e *organisationChange) Check(ctx context.Context, req Request) error {
	if closing(req) {
		_, p := e.close(req)
		return p.Err(formInvalid)
	}
	_, p := e.details(req)
	return p.Err(formInvalid)
}

func (e *organisationChange) Execute(ctx context.Context, req Request) (Result, error) {
	if closing(req) {
		return e.executeClose(ctx, req)
	}
	f, p := e.details(req)
	if err := p.Err(formInvalid); err != nil {
		return Result{}, err
	}
	old, err := e.Registry.Organisation(ctx, req.Organisation)
	if err != nil {
		return Result{}, err
	}
	// Made again, the same change changes nothing.
	o, err := e.Registry.UpdateOrganisation(ctx, old.ID, old.Version, func(o *registry.Organisation) {
		if f.Name != nil {
			o.Name = strings.TrimSpace(*f.Name)
		}
		if f.IndustryCode != nil {
			o.IndustryCode = *f.IndustryCode
		}
		if f.Size != nil {
			o.Size = registry.OrgSize(*f.Size)
		}
		if f.RegionCode != nil {
			o.RegionCode = region.Code(*f.RegionCode)
		}
		if f.Address != nil {
			o.Address = *f.Address
		}
	})
	if err != nil {
		return Result{}, asFormError(err, nil)
	}
	return Result{Ref: ref("organisation", int64(o.ID)), Summary: fmt.Sprintf("%s的社会保险登记信息已变更。", o.Name)}, nil
}

// executeClose closes the employer through insurance.Closings, which
// lists its arrears, terminates its staff's enrolments and ends their
// spells with it; closed before, the closing decision is read back.
func (e *organisationChange) executeClose(ctx context.Context, req Request) (Result, error) {
	f, p := e.close(req)
	if err := p.Err(formInvalid); err != nil {
		return Result{}, err
	}
	o, err := e.Registry.Organisation(ctx, req.Organisation)
	if err != nil {
		return Result{}, err
	}
	if o.Closed() {
		c, err := e.Closings.FindClosing(ctx, o.ID)
		if err != nil {
			return Result{}, err
		}
		if c.On != f.ClosedOn {
			return Result{}, fault.Errorf(fault.Conflict, "the employer was closed on %s already", c.On)
		}
		return closedResult(o, c.On, len(c.Terminated), len(c.Arrears), c.ArrearsTotal.String()), nil
	}
	c, err := e.Closings.Close(ctx, o.ID, o.Version, f.ClosedOn, f.Reason)
	if err != nil {
		return Result{}, asFormError(err, map[string]string{"on": formKey("closed_on")})
	}
	return closedResult(o, c.On, len(c.Terminated), len(c.Arrears), c.ArrearsTotal.String()), nil
}

func closedResult(o *registry.Organisation, on period.Date, terminated, arrearsMonths int, arrears string) Result {
	s := fmt.Sprintf("%s已于%s注销社会保险登记，终止参保%d项。", o.Name, dateText(on), terminated)
	if arrearsMonths > 0 {
		s += fmt.Sprintf("尚欠缴%d个月共%s 元，依法从清算财产中追缴。", arrearsMonths, arrears)
	}
	return Result{Ref: ref("organisation", int64(o.ID)), Summary: s}
}

// ---- registry.employment.start / registry.employment.end

type employmentStart struct{ Services }

type employmentStartForm struct {
	EmployeeIDNumber string      `json:"employee_id_number"`
	Start            period.Date `json:"start"`
	MonthlyWage      money.Fen   `json:"monthly_wage"`
}

func (e *employmentStart) Fields() []Field {
	return []Field{
		{Name: "employee_id_number", Label: label("职工公民身份号码", "ID number of the employee"), Kind: "text", Required: true},
		{Name: "start", Label: label("入职日期", "First day of work"), Kind: "date", Required: true},
		{Name: "monthly_wage", Label: label("月工资（分）", "Monthly wage (fen)"), Kind: "fen", Required: true},
	}
}

func (e *employmentStart) form(req Request) (employmentStartForm, fault.Problems) {
	var f employmentStartForm
	var p fault.Problems
	decodeFormInto(req.Form, &f, &p)
	requireOrganisation(&p, req)
	requireText(&p, "employee_id_number", f.EmployeeIDNumber)
	checkIDNumber(&p, "employee_id_number", f.EmployeeIDNumber, e.Registry.Today())
	requireDate(&p, "start", f.Start)
	if f.MonthlyWage <= 0 && p[formKey("monthly_wage")] == "" {
		p.Add(formKey("monthly_wage"), "is required: the monthly wage in fen, above zero")
	}
	return f, p
}

func (e *employmentStart) Check(ctx context.Context, req Request) error {
	_, p := e.form(req)
	return p.Err(formInvalid)
}

func (e *employmentStart) Execute(ctx context.Context, req Request) (Result, error) {
	f, p := e.form(req)
	if err := p.Err(formInvalid); err != nil {
		return Result{}, err
	}
	who, err := personByNumber(ctx, e.Registry, "employee_id_number", f.EmployeeIDNumber)
	if err != nil {
		return Result{}, err
	}
	o, err := e.Registry.Organisation(ctx, req.Organisation)
	if err != nil {
		return Result{}, err
	}
	// A spell of this person with this employer from this day is this
	// application's earlier effect.
	spells, err := e.Registry.Employments(ctx, registry.EmploymentFilter{PersonID: who.ID, OrgID: o.ID, Page: registry.Page{Limit: 500}})
	if err != nil {
		return Result{}, err
	}
	for _, s := range spells {
		if s.Start == f.Start {
			return hired(who, o, s), nil
		}
	}
	s := &registry.Employment{PersonID: who.ID, OrgID: o.ID, Start: f.Start, MonthlyWage: f.MonthlyWage}
	if err := e.Registry.CreateEmployment(ctx, s); err != nil {
		return Result{}, asFormError(err, map[string]string{"person_id": formKey("employee_id_number"), "org_id": "organisation_id"})
	}
	return hired(who, o, s), nil
}

func hired(p *registry.Person, o *registry.Organisation, s *registry.Employment) Result {
	return Result{Ref: ref("employment", int64(s.ID)),
		Summary: fmt.Sprintf("%s自%s起在%s工作，已办理增员。", p.Name, dateText(s.Start), o.Name)}
}

type employmentEnd struct{ Services }

type employmentEndForm struct {
	EmployeeIDNumber string      `json:"employee_id_number"`
	End              period.Date `json:"end"`
	Separation       string      `json:"separation"`
}

var separations = []string{"voluntary", "involuntary", "retirement", "death"}

func (e *employmentEnd) Fields() []Field {
	return []Field{
		{Name: "employee_id_number", Label: label("职工公民身份号码", "ID number of the employee"), Kind: "text", Required: true},
		{Name: "end", Label: label("离职日期（最后工作日）", "Last day of work"), Kind: "date", Required: true},
		{Name: "separation", Label: label("离职原因", "Reason the work ends"), Kind: "choice", Values: separations, Required: true},
	}
}

func (e *employmentEnd) form(req Request) (employmentEndForm, fault.Problems) {
	var f employmentEndForm
	var p fault.Problems
	decodeFormInto(req.Form, &f, &p)
	requireOrganisation(&p, req)
	requireText(&p, "employee_id_number", f.EmployeeIDNumber)
	checkIDNumber(&p, "employee_id_number", f.EmployeeIDNumber, e.Registry.Today())
	requireDate(&p, "end", f.End)
	requireChoice(&p, "separation", f.Separation, separations...)
	return f, p
}

func (e *employmentEnd) Check(ctx context.Context, req Request) error {
	_, p := e.form(req)
	return p.Err(formInvalid)
}

func (e *employmentEnd) Execute(ctx context.Context, req Request) (Result, error) {
	f, p := e.form(req)
	if err := p.Err(formInvalid); err != nil {
		return Result{}, err
	}
	who, err := personByNumber(ctx, e.Registry, "employee_id_number", f.EmployeeIDNumber)
	if err != nil {
		return Result{}, err
	}
	o, err := e.Registry.Organisation(ctx, req.Organisation)
	if err != nil {
		return Result{}, err
	}
	spells, err := e.Registry.Employments(ctx, registry.EmploymentFilter{PersonID: who.ID, OrgID: o.ID, Page: registry.Page{Limit: 500}})
	if err != nil {
		return Result{}, err
	}
	var open *registry.Employment
	for _, s := range spells {
		switch {
		case s.End == f.End && string(s.Separation) == f.Separation:
			// Ended before as this application asks: its earlier effect.
			return separated(who, o, s), nil
		case s.End.IsZero() && s.Start <= f.End:
			open = s
		}
	}
	if open == nil {
		return Result{}, &fault.Error{Code: fault.Invalid, Message: formInvalid,
			Fields: map[string]string{formKey("employee_id_number"): fmt.Sprintf("has no open spell of work with %s that starts by the end date", o.Name)}}
	}
	s, err := e.Registry.UpdateEmployment(ctx, open.ID, open.Version, func(s *registry.Employment) {
		s.End, s.Separation = f.End, registry.Separation(f.Separation)
	})
	if err != nil {
		return Result{}, asFormError(err, nil)
	}
	return separated(who, o, s), nil
}

func separated(p *registry.Person, o *registry.Organisation, s *registry.Employment) Result {
	return Result{Ref: ref("employment", int64(s.ID)),
		Summary: fmt.Sprintf("%s在%s的工作于%s结束，已办理减员。", p.Name, o.Name, dateText(s.End))}
}

// ---- registry.household.change

type householdChange struct{ Services }

type householdForm struct {
	Address    *string            `json:"address"`
	HukouType  *string            `json:"hukou_type"`
	RegionCode *string            `json:"region_code"`
	Members    *[]registry.Member `json:"members"`
}

func (e *householdChange) Fields() []Field {
	return []Field{
		{Name: "address", Label: label("家庭住址", "Address"), Kind: "text"},
		{Name: "hukou_type", Label: label("户口性质", "Hukou type"), Kind: "choice", Values: []string{"urban", "rural"}},
		{Name: "region_code", Label: label("居住地区划代码", "Region"), Kind: "text"},
		{Name: "members", Label: label("家庭成员（全部成员及与户主关系）", "Members (all, with their relation to the head)"), Kind: "members"},
	}
}

func (e *householdChange) form(req Request) (householdForm, fault.Problems) {
	var f householdForm
	var p fault.Problems
	decodeFormInto(req.Form, &f, &p)
	requirePerson(&p, req)
	if f.Address == nil && f.HukouType == nil && f.RegionCode == nil && f.Members == nil && len(p) == 0 {
		p.Add("form", "give at least one detail of the household to change")
	}
	if f.HukouType != nil {
		requireChoice(&p, "hukou_type", *f.HukouType, "urban", "rural")
	}
	if f.RegionCode != nil {
		requireText(&p, "region_code", *f.RegionCode)
		checkRegionCode(&p, "region_code", *f.RegionCode)
	}
	if f.Members != nil {
		heads := 0
		for i, m := range *f.Members {
			k := fmt.Sprintf("form.members[%d]", i)
			if m.PersonID <= 0 {
				p.Add(k+".person_id", "is required")
			}
			if !m.Relation.Valid() {
				p.Add(k+".relation", "must be one of %s", strings.Join(relationValues, ", "))
			}
			if m.Relation == registry.RelHead {
				heads++
			}
		}
		if heads != 1 {
			p.Add(formKey("members"), "name exactly one head of the household (head)")
		}
	}
	return f, p
}

func (e *householdChange) Check(ctx context.Context, req Request) error {
	_, p := e.form(req)
	return p.Err(formInvalid)
}

func (e *householdChange) Execute(ctx context.Context, req Request) (Result, error) {
	f, p := e.form(req)
	if err := p.Err(formInvalid); err != nil {
		return Result{}, err
	}
	h, err := householdOf(ctx, e.Registry, req.Person)
	if err != nil {
		return Result{}, err
	}
	// Made again, the same change changes nothing.
	out, err := e.Registry.UpdateHousehold(ctx, h.ID, h.Version, func(h *registry.Household) {
		if f.Address != nil {
			h.Address = *f.Address
		}
		if f.HukouType != nil {
			h.HukouType = registry.HukouType(*f.HukouType)
		}
		if f.RegionCode != nil {
			h.RegionCode = region.Code(*f.RegionCode)
		}
		if f.Members != nil {
			h.Members = slices.Clone(*f.Members)
		}
	})
	if err != nil {
		return Result{}, asFormError(err, nil)
	}
	return Result{Ref: ref("household", int64(out.ID)), Summary: fmt.Sprintf("家庭信息已变更，现有家庭成员%d人。", len(out.Members))}, nil
}

// householdOf returns the household person belongs to; a person of no
// household is a problem of person_id.
func householdOf(ctx context.Context, reg *registry.Service, person registry.PersonID) (*registry.Household, error) {
	hs, err := reg.Households(ctx, registry.HouseholdFilter{PersonID: person, Page: registry.Page{Limit: 1}})
	if err != nil {
		return nil, err
	}
	if len(hs) == 0 {
		return nil, &fault.Error{Code: fault.Invalid, Message: formInvalid,
			Fields: map[string]string{"person_id": "the applicant belongs to no registered household: register the household first"}}
	}
	return reg.Household(ctx, hs[0].ID)
}

// ---- registry.disability.record

type disabilityRecord struct{ Services }

type disabilityForm struct {
	Kind          string      `json:"kind"`
	Grade         int         `json:"grade"`
	CertificateNo string      `json:"certificate_no"`
	Issued        period.Date `json:"issued"`
}

func disabilityKinds() []string {
	out := make([]string, len(registry.DisabilityKinds))
	for i, k := range registry.DisabilityKinds {
		out[i] = string(k)
	}
	return out
}

func (e *disabilityRecord) Fields() []Field {
	return []Field{
		{Name: "kind", Label: label("残疾类别", "Kind of disability"), Kind: "choice", Values: disabilityKinds(), Required: true},
		{Name: "grade", Label: label("残疾等级（1-4级）", "Grade (1 to 4)"), Kind: "int", Required: true},
		{Name: "certificate_no", Label: label("残疾人证号", "Certificate number"), Kind: "text", Required: true},
		{Name: "issued", Label: label("发证日期", "Date of issue"), Kind: "date", Required: true},
	}
}

func (e *disabilityRecord) form(req Request) (disabilityForm, fault.Problems) {
	var f disabilityForm
	var p fault.Problems
	decodeFormInto(req.Form, &f, &p)
	requirePerson(&p, req)
	requireChoice(&p, "kind", f.Kind, disabilityKinds()...)
	if (f.Grade < 1 || f.Grade > 4) && p[formKey("grade")] == "" {
		p.Add(formKey("grade"), "is required: a grade from 1 (most severe) to 4")
	}
	requireText(&p, "certificate_no", f.CertificateNo)
	requireDate(&p, "issued", f.Issued)
	return f, p
}

func (e *disabilityRecord) Check(ctx context.Context, req Request) error {
	_, p := e.form(req)
	return p.Err(formInvalid)
}

func (e *disabilityRecord) Execute(ctx context.Context, req Request) (Result, error) {
	f, p := e.form(req)
	if err := p.Err(formInvalid); err != nil {
		return Result{}, err
	}
	who, err := e.Registry.Person(ctx, req.Person)
	if err != nil {
		return Result{}, err
	}
	// The certificate number is the record's natural key for the person.
	ds, err := e.Registry.Disabilities(ctx, req.Person)
	if err != nil {
		return Result{}, err
	}
	for _, d := range ds {
		if d.CertificateNo == strings.TrimSpace(f.CertificateNo) && d.Issued == f.Issued {
			return disabilityRecorded(who, d), nil
		}
	}
	d := &registry.Disability{PersonID: req.Person, Kind: registry.DisabilityKind(f.Kind), Grade: f.Grade,
		CertificateNo: strings.TrimSpace(f.CertificateNo), Issued: f.Issued}
	if err := e.Registry.CreateDisability(ctx, d); err != nil {
		return Result{}, asFormError(err, nil)
	}
	return disabilityRecorded(who, d), nil
}

func disabilityRecorded(p *registry.Person, d *registry.Disability) Result {
	return Result{Ref: ref("disability", int64(d.ID)),
		Summary: fmt.Sprintf("%s的残疾人证信息（%d级）已登记，发证日期%s。", p.Name, d.Grade, dateText(d.Issued))}
}
