package console

import (
	"context"
	"net/http"
	"strings"
	"time"

	"safetynet/internal/assistance"
	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/monitoring"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

func init() { register(personFileMessages) }

// personFileMessages are the texts of the person file, the household file
// and the identity changes waiting.
var personFileMessages = map[string]msg{
	"person.title":                              {"人员档案", "Person file"},
	"person.registry":                           {"户籍登记信息", "Registry"},
	"person.birth_date":                         {"出生日期", "Date of birth"},
	"person.ethnicity":                          {"民族", "Ethnicity"},
	"person.hukou_type":                         {"户口性质", "Hukou type"},
	"person.hukou_region":                       {"户籍地", "Hukou registered in"},
	"person.residence":                          {"居住地", "Lives in"},
	"person.phone":                              {"联系电话", "Phone"},
	"person.address":                            {"住址", "Address"},
	"person.death":                              {"死亡登记", "Death"},
	"person.alive":                              {"在世", "Alive"},
	"person.death_on":                           {"于%s死亡（来源：%s）", "Died on %s (source: %s)"},
	"person.hukou.urban":                        {"城镇", "Urban"},
	"person.hukou.rural":                        {"农村", "Rural"},
	"person.death_source.public_security":       {"公安", "Public security"},
	"person.death_source.civil_affairs_funeral": {"民政殡葬", "Civil affairs (funeral)"},
	"person.death_source.health":                {"卫健", "Health"},
	"person.death_source.family_report":         {"家属报告", "Family report"},
	"person.death_source.court":                 {"法院", "Court"},
	"person.household":                          {"所在家庭", "Household"},
	"person.no_household":                       {"未登记家庭。", "Not registered in a household."},
	"person.relation":                           {"与户主关系", "Relation to the head"},
	"person.open_household":                     {"查看家庭档案", "Open the household file"},
	"person.relation.head":                      {"户主", "Head"},
	"person.relation.spouse":                    {"配偶", "Spouse"},
	"person.relation.child":                     {"子女", "Child"},
	"person.relation.parent":                    {"父母", "Parent"},
	"person.relation.grandchild":                {"孙子女", "Grandchild"},
	"person.relation.grandparent":               {"祖父母", "Grandparent"},
	"person.relation.sibling":                   {"兄弟姐妹", "Sibling"},
	"person.relation.child_in_law":              {"儿媳/女婿", "Child-in-law"},
	"person.relation.other":                     {"其他", "Other"},
	"person.enrolments":                         {"参保登记", "Enrolments"},
	"person.scheme":                             {"险种", "Scheme"},
	"person.kind":                               {"参保身份", "Enrolled as"},
	"person.employer":                           {"参保单位", "Employer"},
	"person.from":                               {"起始月份", "From"},
	"person.to":                                 {"终止月份", "To"},
	"person.contributions":                      {"近12个月缴费", "Contributions of the last 12 months"},
	"person.base":                               {"缴费基数", "Base"},
	"person.employer_part":                      {"单位缴费", "Employer"},
	"person.individual_part":                    {"个人缴费", "Individual"},
	"person.paid_on":                            {"缴费日期", "Paid on"},
	"person.balance":                            {"账户余额", "Balance"},
	"person.statement":                          {"个人账户对账单", "Account statement"},
	"person.pensions":                           {"养老金待遇", "Pensions"},
	"person.monthly":                            {"月发放额", "Monthly amount"},
	"person.calculation":                        {"养老金核定表", "Pension calculation"},
	"person.benefits":                           {"失业、工伤待遇", "Unemployment and injury benefits"},
	"person.unemployment":                       {"失业保险金", "Unemployment benefit"},
	"person.injury":                             {"工伤保险待遇", "Work-injury benefit"},
	"person.grade":                              {"等级", "Grade"},
	"person.payments":                           {"待遇支付记录", "Payments"},
	"person.programme":                          {"项目", "Programme"},
	"person.assistance":                         {"社会救助", "Social assistance"},
	"person.layer":                              {"低收入人口类别", "Low-income layer"},
	"person.layer_month":                        {"%s的分类", "Classification of %s"},
	"person.per_capita":                         {"家庭人均月收入", "Monthly income per member"},
	"person.reasons":                            {"认定依据", "Reasons"},
	"person.no_test":                            {"该家庭尚无家庭经济状况核对记录。", "The household has no means test yet."},
	"person.disabilities":                       {"残疾人证", "Disability records"},
	"person.issued":                             {"发证日期", "Issued"},
	"person.revoked":                            {"注销日期", "Revoked"},
	"person.bank_accounts":                      {"银行账户", "Bank accounts"},
	"person.primary":                            {"发放账户", "Paid into"},
	"person.alerts":                             {"动态监测预警", "Monitoring alerts"},
	"person.opened_on":                          {"预警日期", "Opened"},
	"person.due_on":                             {"处置期限", "Due"},
	"person.reads":                              {"查阅记录", "Who read the file"},
	"person.reader":                             {"查阅人", "Reader"},
	"person.read_at":                            {"查阅时间", "Read at"},
	"person.identity_changes":                   {"身份信息变更", "Identity changes"},
	"person.none_yet":                           {"暂无记录。", "None."},
	"person.disability.visual":                  {"视力残疾", "Visual"},
	"person.disability.hearing":                 {"听力残疾", "Hearing"},
	"person.disability.speech":                  {"言语残疾", "Speech"},
	"person.disability.physical":                {"肢体残疾", "Physical"},
	"person.disability.intellectual":            {"智力残疾", "Intellectual"},
	"person.disability.mental":                  {"精神残疾", "Mental"},
	"person.disability.multiple":                {"多重残疾", "Multiple"},
	"person.approval.pending":                   {"待确认", "Pending"},
	"person.approval.confirmed":                 {"已确认", "Confirmed"},
	"person.approval.rejected":                  {"已退回", "Rejected"},
	"person.alert_status.open":                  {"待核实", "Open"},
	"person.alert_status.visited":               {"已走访", "Visited"},
	"person.alert_status.closed":                {"已办结", "Closed"},
	"person.alert_level.1":                      {"黄色预警", "Yellow"},
	"person.alert_level.2":                      {"橙色预警", "Orange"},
	"person.alert_level.3":                      {"红色预警", "Red"},
	"person.layer.tekun":                        {"特困人员", "Extreme poverty (特困)"},
	"person.layer.dibao":                        {"低保对象", "Minimum living (低保)"},
	"person.layer.dibao_edge":                   {"低保边缘家庭", "Dibao edge"},
	"person.layer.rigid_expense":                {"刚性支出困难家庭", "Rigid expense hardship"},
	"person.layer.low_income":                   {"其他低收入人口", "Other low income"},
	"person.layer.none":                         {"不属于低收入人口", "Not low income"},
	"person.award_status.active":                {"正常发放", "In payment"},
	"person.award_status.stopped":               {"已停发", "Stopped"},
	"person.award_status.granted":               {"已发放（一次性）", "Granted (one-off)"},
	"person.award_status.suspended":             {"暂停发放", "Suspended"},
	"person.pay_status.pending":                 {"待支付", "Pending"},
	"person.pay_status.held":                    {"已暂停", "Held"},
	"person.pay_status.batched":                 {"已报盘", "In a batch"},
	"person.pay_status.paid":                    {"已到账", "Paid"},
	"person.pay_status.failed":                  {"失败", "Failed"},
	"person.pay_status.cancelled":               {"已取消", "Cancelled"},
	"person.eligible":                           {"符合条件，金额 %s", "Eligible, amount %s"},
	"person.eligible_only":                      {"符合条件", "Eligible"},
	"person.not_eligible":                       {"不符合条件", "Not eligible"},
	"household.title":                           {"家庭档案", "Household file"},
	"household.members":                         {"家庭成员", "Members"},
	"household.means_tests":                     {"家庭经济状况核对", "Means tests"},
	"household.members_count":                   {"计入人数", "Members counted"},
	"household.income_month":                    {"家庭月收入", "Monthly income"},
	"household.assets":                          {"金融资产", "Financial assets"},
	"household.rigid":                           {"近12个月刚性支出", "Rigid expenses, 12 months"},
	"household.classification":                  {"按月分类", "Classification by month"},
	"household.dibao_amount":                    {"低保差额", "Dibao amount"},
	"household.cases":                           {"救助申请", "Cases"},
	"household.applied_on":                      {"申请日期", "Applied on"},
	"household.awards":                          {"救助待遇", "Assistance awards"},
	"household.case_status.applied":             {"已受理", "Applied"},
	"household.case_status.investigated":        {"已调查", "Investigated"},
	"household.case_status.notice":              {"公示中", "On public notice"},
	"household.case_status.proposed":            {"待审批", "To approve"},
	"household.case_status.approved":            {"已批准", "Approved"},
	"household.case_status.refused":             {"不予批准", "Refused"},
	"household.case_status.withdrawn":           {"已撤回", "Withdrawn"},
	"household.case_status.granted":             {"先行救助", "Fast-track granted"},
	"household.case_status.reversed":            {"事后审核未确认", "Reversed"},
	"idchange.title":                            {"身份信息变更确认", "Identity changes"},
	"idchange.person":                           {"人员", "Person"},
	"idchange.change":                           {"变更内容", "Change"},
	"idchange.reason":                           {"变更原因及依据", "Reason and evidence"},
	"idchange.requested_by":                     {"申请人", "Requested by"},
	"idchange.decided_by":                       {"确认人", "Decided by"},
	"idchange.name":                             {"姓名", "Name"},
	"idchange.id_number":                        {"身份号码", "ID number"},
	"idchange.none":                             {"没有待确认的身份信息变更。", "No identity change is waiting."},
	"idchange.note":                             {"确认意见（退回时必填）", "Note (required to reject)"},
	"idchange.confirm":                          {"确认变更", "Confirm"},
	"idchange.reject":                           {"退回", "Reject"},
	"idchange.status":                           {"状态", "Status"},
	"idchange.show":                             {"显示", "Show"},
}

// personFile is the data of a person's page.
type personFile struct {
	ID            registry.PersonID
	Name          string
	IDNumber      string
	Gender        string
	Age           int
	BirthDate     period.Date
	Ethnicity     string
	HukouType     string
	HukouRegion   string
	Residence     string
	Phone         string
	Address       string
	Dead          bool
	DeathDate     period.Date
	DeathSource   string
	Household     *fileHousehold
	Enrolments    []fileEnrolment
	Contributions []insurance.Payment
	Accounts      []fileAccount
	Pensions      []*insurance.Award
	Claims        []*insurance.UnemploymentClaim
	Injuries      []*insurance.Injury
	Payments      []filePayment
	Assistance    []fileAward
	Layer         *fileLayer
	Disabilities  []*registry.Disability
	BankAccounts  []fileBankAccount
	Alerts        []*monitoring.Alert
	// Identity are the person's changes of name or ID number.
	Identity []identityChangeRow
	// ShowReads says the viewer may read the audit trail; Reads is then
	// who read the file.
	ShowReads bool
	Reads     []fileRead
}

// fileHousehold is the household of a person's page.
type fileHousehold struct {
	ID       registry.HouseholdID
	Relation registry.Relation
	Region   string
	Members  []fileMember
}

// fileMember is a member of a household, by name.
type fileMember struct {
	ID       registry.PersonID
	Name     string
	IDNumber string
	Age      int
	Relation registry.Relation
	Dead     bool
}

// fileEnrolment is an enrolment with its employer's name.
type fileEnrolment struct {
	*insurance.Enrolment
	Employer string
}

// fileAccount is the balance of a personal account of a pension scheme.
type fileAccount struct {
	Scheme  insurance.Scheme
	Balance money.Fen
}

// filePayment is a payment instruction to the person.
type filePayment struct {
	Period    period.Month
	Programme string
	Amount    money.Fen
	Status    payment.Status
}

// fileAward is an assistance award with its programme's name.
type fileAward struct {
	*assistance.Award
	Programme string
}

// fileLayer is a household's classification of a month, with its reasons
// in words.
type fileLayer struct {
	Period          period.Month
	Layer           assistance.Layer
	PerCapitaIncome money.Fen
	DibaoAmount     money.Fen
	Reasons         []string
}

// fileBankAccount is a bank account shown through the viewer's view.
type fileBankAccount struct {
	Bank    string
	Account string
	Holder  string
	Primary bool
	Status  registry.ApprovalStatus
}

// fileRead is one read of a person's file.
type fileRead struct {
	At    time.Time
	Actor staffRef
	Role  string
}

// personFileRows bounds each list of a person's page: the page shows the
// latest records of each kind, never a whole history.
const personFileRows = 24

// personRoutes registers the pages of persons and households.
func (c *Console) personRoutes() {
	c.handle("GET /persons/{id}", c.handlePersonFile, auth.PermRegistryRead)
	c.handle("GET /households/{id}", c.handleHouseholdFile, auth.PermRegistryRead)
	c.handle("GET /persons/identity-changes", c.handleIdentityChanges, auth.PermRegistryRead)
	c.handle("POST /persons/identity-changes/{id}/decision", c.handleDecideIdentityChange, auth.PermApprove)
	c.personAccountRoutes()
}

// handlePersonFile shows a person's whole file on one page, each part read
// through its service in the viewer's scope (the registry records the
// read), personal data through the viewer's view.
func (c *Console) handlePersonFile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	per, err := c.app.Registry.Person(ctx, registry.PersonID(id))
	if err != nil {
		return err
	}
	p := c.newPage(r, "person_file")
	v := c.viewOf(r)
	f := personFile{ID: per.ID, Name: per.Name, IDNumber: v.IDNumber(per.IDNumber),
		Gender: p.T("persons.gender." + string(per.Gender())), BirthDate: v.BirthDate(per.BirthDate()),
		Ethnicity: ethnicityName(p.Lang, per.Ethnicity), HukouType: p.T("person.hukou." + string(per.HukouType)),
		Residence: c.regionPath(p.Lang, per.RegionCode), Phone: v.Phone(per.Phone), Address: per.Address,
		Dead: !per.Alive(), DeathDate: per.DeathDate}
	if per.HukouRegion != "" {
		f.HukouRegion = c.regionPath(p.Lang, per.HukouRegion)
	}
	if f.Dead {
		f.Age = period.AgeAt(per.BirthDate(), per.DeathDate)
		f.DeathSource = p.T("person.death_source." + per.DeathSource)
	} else {
		f.Age = v.Age(per.BirthDate())
	}
	if err := c.fileInsurance(ctx, &f); err != nil {
		return err
	}
	hs, err := c.app.Registry.Households(ctx, registry.HouseholdFilter{PersonID: per.ID, Page: registry.Page{Limit: 1}})
	if err != nil {
		return err
	}
	if len(hs) > 0 {
		h := hs[0]
		f.Household = &fileHousehold{ID: h.ID, Region: c.regionPath(p.Lang, h.RegionCode)}
		for _, m := range h.Members {
			if m.PersonID == per.ID {
				f.Household.Relation = m.Relation
			}
		}
		if f.Household.Members, err = c.householdMembers(ctx, v, h); err != nil {
			return err
		}
		if f.Layer, err = c.latestLayer(r, p.Lang, h.ID); err != nil {
			return err
		}
		if f.Alerts, err = c.visibleAlerts(ctx, h); err != nil {
			return err
		}
	}
	if f.Assistance, err = c.personAwards(ctx, p.Lang, assistance.AwardFilter{PersonID: per.ID}); err != nil {
		return err
	}
	if f.Household != nil {
		more, err := c.personAwards(ctx, p.Lang, assistance.AwardFilter{HouseholdID: f.Household.ID})
		if err != nil {
			return err
		}
		f.Assistance = mergeAwards(f.Assistance, more)
	}
	if f.Disabilities, err = c.app.Registry.Disabilities(ctx, per.ID); err != nil {
		return err
	}
	bs, err := c.app.Registry.BankAccounts(ctx, registry.OwnerPerson, int64(per.ID))
	if err != nil {
		return err
	}
	for _, b := range bs {
		f.BankAccounts = append(f.BankAccounts, fileBankAccount{Bank: b.BankName, Account: v.Account(b.AccountNo),
			Holder: b.AccountName, Primary: b.Primary, Status: b.Status})
	}
	// The person was read in the viewer's scope above: payments to them
	// are theirs to see, as Payments.Instructions would show them.
	ins, err := c.app.Store.PersonPayments(ctx, per.ID, personFileRows)
	if err != nil {
		return err
	}
	for _, in := range ins {
		f.Payments = append(f.Payments, filePayment{Period: in.Period, Programme: c.programmeName(p.Lang, in.Programme),
			Amount: in.Amount, Status: in.Status})
	}
	ics, err := c.app.Registry.IdentityChanges(ctx, per.ID, 0, personFileRows)
	if err != nil {
		return err
	}
	for _, x := range ics {
		f.Identity = append(f.Identity, c.identityRow(v, c.staff(ctx, p.Lang), x))
	}
	pr, _ := auth.PrincipalFrom(ctx)
	if pr.Can(auth.PermAuditRead) {
		f.ShowReads = true
		if f.Reads, err = c.personReads(ctx, p.Lang, pr, per.ID); err != nil {
			return err
		}
	}
	p.Title, p.Active, p.Data = per.Name+" · "+p.T("person.title"), "persons", f
	c.render(w, r, http.StatusOK, p)
	return nil
}

// fileInsurance fills the insurance parts of a person's file: enrolments
// with their employers, the last 12 months' contributions, the pension
// accounts' balances, pension awards and benefit claims.
func (c *Console) fileInsurance(ctx context.Context, f *personFile) error {
	es, err := c.app.Insurance.Enrolments(ctx, insurance.EnrolmentFilter{PersonID: f.ID, Page: registry.Page{Limit: personFileRows}})
	if err != nil {
		return err
	}
	schemes := map[insurance.Scheme]bool{}
	employers := map[registry.OrgID]string{} // a person's schemes share their employer
	for _, e := range es {
		fe := fileEnrolment{Enrolment: e}
		if e.OrgID > 0 {
			name, ok := employers[e.OrgID]
			if !ok {
				if o, err := c.app.Registry.Organisation(ctx, e.OrgID); err == nil {
					name = o.Name
				} else if fault.CodeOf(err) != fault.NotFound {
					return err
				}
				employers[e.OrgID] = name
			}
			fe.Employer = name
		}
		f.Enrolments = append(f.Enrolments, fe)
		if e.Scheme == insurance.EmployeePension || e.Scheme == insurance.ResidentPension {
			schemes[e.Scheme] = true
		}
	}
	to := c.app.Clock.Today().Period()
	ps, err := c.app.Insurance.Contributions(ctx, insurance.ContributionFilter{PersonID: f.ID, From: to.Add(-11), To: to,
		Page: registry.Page{Limit: 100}})
	if err != nil {
		return err
	}
	for i := len(ps) - 1; i >= 0 && len(f.Contributions) < personFileRows; i-- {
		f.Contributions = append(f.Contributions, ps[i])
	}
	for _, s := range []insurance.Scheme{insurance.EmployeePension, insurance.ResidentPension} {
		if !schemes[s] {
			continue
		}
		// The person was read in the viewer's scope above: the balance is
		// theirs to see.
		bal, err := c.app.Accounts.AccountBalance(ctx, f.ID, s, 0)
		if err != nil {
			return err
		}
		f.Accounts = append(f.Accounts, fileAccount{Scheme: s, Balance: bal})
	}
	if f.Pensions, err = c.app.Pensions.Awards(ctx, insurance.AwardFilter{PersonID: f.ID, Page: registry.Page{Limit: personFileRows}}); err != nil {
		return err
	}
	if f.Claims, err = c.app.Benefits.Claims(ctx, insurance.ClaimFilter{PersonID: f.ID, Page: registry.Page{Limit: personFileRows}}); err != nil {
		return err
	}
	f.Injuries, err = c.app.Benefits.Injuries(ctx, insurance.ClaimFilter{PersonID: f.ID, Page: registry.Page{Limit: personFileRows}})
	return err
}

// householdMembers reads the members of h by name, through the view.
func (c *Console) householdMembers(ctx context.Context, v view, h *registry.Household) ([]fileMember, error) {
	var out []fileMember
	for _, m := range h.Members {
		mp, err := c.app.Registry.Person(ctx, m.PersonID)
		if fault.CodeOf(err) == fault.NotFound {
			continue // a member living outside the viewer's scope
		}
		if err != nil {
			return nil, err
		}
		fm := fileMember{ID: mp.ID, Name: mp.Name, IDNumber: v.IDNumber(mp.IDNumber), Relation: m.Relation, Dead: !mp.Alive()}
		if fm.Dead {
			fm.Age = period.AgeAt(mp.BirthDate(), mp.DeathDate)
		} else {
			fm.Age = v.Age(mp.BirthDate())
		}
		out = append(out, fm)
	}
	return out, nil
}

// latestLayer returns a household's classification of this month (or, if
// it has none, of the month of its latest means test), with its reasons;
// nil if the household has no means test.
func (c *Console) latestLayer(r *http.Request, l Lang, h registry.HouseholdID) (*fileLayer, error) {
	ctx := r.Context()
	m := c.app.Clock.Today().Period()
	cl, err := c.app.Assistance.Classification(ctx, h, m)
	if fault.CodeOf(err) == fault.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := &fileLayer{Period: cl.Period, Layer: cl.Layer, PerCapitaIncome: cl.PerCapitaIncome, DibaoAmount: cl.DibaoAmount}
	ex, err := c.app.Assistance.Explain(ctx, h, m)
	if err != nil && fault.CodeOf(err) != fault.NotFound {
		return nil, err
	}
	if ex != nil {
		out.Reasons = c.explainHousehold(r, l, ex)
	}
	return out, nil
}

// explainHousehold tells, programme by programme, what decided a
// household's classification.
func (c *Console) explainHousehold(r *http.Request, l Lang, ex *assistance.Explanation) []string {
	var out []string
	for _, d := range []*policy.Decision{ex.Dibao, ex.DibaoEdge, ex.RigidExpense} {
		if d != nil {
			out = append(out, c.explainLine(r, l, d))
		}
	}
	for _, md := range ex.Tekun {
		if md.Decision != nil && md.Decision.Eligible {
			out = append(out, c.explainLine(r, l, md.Decision))
		}
	}
	return out
}

// explainLine tells one decision in a line: the programme by name and the
// explanation's summary (eligible with its amount, or the conditions not
// met, by their policy labels).
func (c *Console) explainLine(r *http.Request, l Lang, d *policy.Decision) string {
	if ex := c.explanationOf(r, d); ex != nil {
		return ex.Programme + translate(l, "assistance.punct.colon") + ex.Summary
	}
	name := d.NameZH
	if l == EN && d.NameEN != "" {
		name = d.NameEN
	}
	switch {
	case d.Eligible && d.Amount > 0:
		return name + translate(l, "assistance.punct.colon") + translate(l, "person.eligible", yuan(l, d.Amount))
	case d.Eligible:
		return name + translate(l, "assistance.punct.colon") + translate(l, "person.eligible_only")
	}
	return name + translate(l, "assistance.punct.colon") + translate(l, "person.not_eligible")
}

// personAwards lists the assistance awards of a filter with their
// programmes' names.
func (c *Console) personAwards(ctx context.Context, l Lang, f assistance.AwardFilter) ([]fileAward, error) {
	f.Limit = personFileRows
	as, err := c.app.Assistance.Awards(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]fileAward, len(as))
	for i, a := range as {
		out[i] = fileAward{Award: a, Programme: c.programmeName(l, a.Programme)}
	}
	return out, nil
}

// mergeAwards adds to a the awards of b it does not hold.
func mergeAwards(a, b []fileAward) []fileAward {
	seen := map[assistance.AwardID]bool{}
	for _, x := range a {
		seen[x.ID] = true
	}
	for _, x := range b {
		if !seen[x.ID] {
			a = append(a, x)
		}
	}
	return a
}

// visibleAlerts returns the monitoring alerts of household h in the
// viewer's scope.
func (c *Console) visibleAlerts(ctx context.Context, h *registry.Household) ([]*monitoring.Alert, error) {
	pr, _ := auth.PrincipalFrom(ctx)
	as, err := c.app.Store.HouseholdAlerts(ctx, h.ID, h.RegionCode, personFileRows)
	if err != nil {
		return nil, err
	}
	var out []*monitoring.Alert
	for _, a := range as {
		if pr.InScope(a.RegionCode) {
			out = append(out, a)
		}
	}
	return out, nil
}

// personReads returns who read a person's file, newest first, as the
// audit trail shows it to pr: events of its scope only. Reads by one user
// in the same second (one page, several records) show once.
func (c *Console) personReads(ctx context.Context, l Lang, pr auth.Principal, id registry.PersonID) ([]fileRead, error) {
	evs, err := c.app.Store.PersonReads(ctx, id, 200)
	if err != nil {
		return nil, err
	}
	var out []fileRead
	staff := c.staff(ctx, l)
	var last audit.Event
	for _, e := range evs {
		if e.RegionCode != "" && !pr.InScope(region.Code(e.RegionCode)) {
			continue
		}
		if len(out) > 0 && e.Actor.UserID == last.Actor.UserID && e.At.Truncate(time.Second).Equal(last.At.Truncate(time.Second)) {
			continue
		}
		last = e
		out = append(out, fileRead{At: e.At, Actor: staff.actor(e.Actor.UserID, e.Actor.Name), Role: e.Actor.Role})
		if len(out) == personFileRows*2 {
			break
		}
	}
	return out, nil
}

// regionPath names a division with its county: "昌吉市 · 宁边路街道 · 某社区".
func (c *Console) regionPath(l Lang, code region.Code) string {
	var parts []string
	for n, ok := c.app.Juris.Tree.Node(code); ok; n, ok = c.app.Juris.Tree.Node(n.Parent) {
		if n.Level <= region.Prefecture {
			break
		}
		name := n.NameZH
		if l == EN && n.NameEN != "" {
			name = n.NameEN
		}
		parts = append([]string{name}, parts...)
		if n.Parent == "" {
			break
		}
	}
	if len(parts) == 0 {
		return c.regionName(l, code)
	}
	return strings.Join(parts, " · ")
}

// ethnicityName names an ethnic group: the registry's Chinese name, or
// the key in English.
func ethnicityName(l Lang, key string) string {
	if l == EN {
		if key == "" {
			return ""
		}
		return strings.ToUpper(key[:1]) + key[1:]
	}
	if n, ok := registry.Ethnicities[key]; ok {
		return n
	}
	return key
}
