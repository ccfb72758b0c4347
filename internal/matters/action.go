package matters

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Action is an operation of the domain services that carries a matter out
// (办结), or, for a read-only matter (查询/打印), the read that answers it.
// The list is closed: a catalogue naming another action does not load.
type Action struct {
	// ID is the action's key in the catalogue, e.g. insurance.enrol.
	ID string
	// Does says in words what the action does.
	Does string
	// Method is the domain service method that runs it, e.g.
	// insurance.Service.Enrol.
	Method string
	// ReadOnly actions change nothing: they read or print a record.
	ReadOnly bool
	// Params are the fixed arguments a matter may give the action.
	Params []Param
}

// Param is a fixed argument of an action, set by the matter (the scheme of
// an enrolment, the programme of an assistance case).
type Param struct {
	Name string
	// Values are the allowed values.
	Values []string
	// Required params must be given by every matter of the action.
	Required bool
}

// The values of the common params.
var (
	schemes       = []string{"employee_pension", "resident_pension", "unemployment", "work_injury"}
	pensionScheme = []string{"employee_pension", "resident_pension"}
)

// actions is the closed list, in the order of the domain packages.
var actions = []Action{
	// registry
	{ID: "registry.person.register", Does: "register a person in the social registry (人员信息登记)", Method: "registry.Service.CreatePerson"},
	{ID: "registry.person.change", Does: "change a person's details; a change of identity waits for a second user's approval (个人基本信息变更)", Method: "registry.Service.PatchPerson"},
	{ID: "registry.death.record", Does: "record a death, which ends the person's benefits and enrolments from the month after (死亡登记)", Method: "registry.Service.RecordDeath"},
	{ID: "registry.bank_account.register", Does: "register the bank account benefits are paid into; a second user confirms it (待遇领取账户登记/变更)", Method: "registry.Service.CreateBankAccount"},
	{ID: "registry.payee_agent.register", Does: "register an agent who receives a person's benefits; a second user confirms it (代领人登记)", Method: "registry.Service.CreatePayeeAgent"},
	{ID: "registry.organisation.register", Does: "register an employer by its unified social credit code (单位信息登记)", Method: "registry.Service.CreateOrganisation"},
	{ID: "registry.organisation.change", Does: "change an employer's details or close it (单位信息变更/注销)", Method: "registry.Service.UpdateOrganisation",
		Params: []Param{{Name: "change", Values: []string{"details", "close"}, Required: true}}},
	{ID: "registry.employment.start", Does: "record that a person starts work with an employer (职工增员)", Method: "registry.Service.CreateEmployment"},
	{ID: "registry.employment.end", Does: "record that a person's work with an employer ends (职工减员)", Method: "registry.Service.UpdateEmployment"},
	{ID: "registry.household.change", Does: "change a household's details and members (家庭信息变更)", Method: "registry.Service.UpdateHousehold"},
	{ID: "registry.disability.record", Does: "record a disability certificate (残疾信息登记)", Method: "registry.Service.CreateDisability"},

	// insurance
	{ID: "insurance.enrol", Does: "enrol a person in a scheme (参保登记)", Method: "insurance.Service.Enrol",
		Params: []Param{{Name: "scheme", Values: schemes, Required: true}}},
	{ID: "insurance.enrolment.transition", Does: "suspend, resume or terminate an enrolment (暂停/恢复/终止参保)", Method: "insurance.Service.Transition",
		Params: []Param{{Name: "to", Values: []string{"suspended", "active", "terminated"}, Required: true}, {Name: "scheme", Values: schemes}}},
	{ID: "insurance.contributions.post", Does: "post contributions paid (缴费到账)", Method: "insurance.Service.Post",
		Params: []Param{{Name: "scheme", Values: schemes}}},
	{ID: "insurance.contributions.list", Does: "list the contributions of a person or employer (缴费记录查询)", Method: "insurance.Service.Contributions", ReadOnly: true,
		Params: []Param{{Name: "scheme", Values: schemes}, {Name: "of", Values: []string{"person", "employer"}}}},
	{ID: "insurance.arrears.list", Does: "list an employer's arrears (欠费查询)", Method: "insurance.Service.Arrears", ReadOnly: true},
	{ID: "insurance.enrolments.certificate", Does: "print the enrolments of a person or employer as a certificate (参保证明)", Method: "insurance.Service.Enrolments", ReadOnly: true,
		Params: []Param{{Name: "scheme", Values: schemes}, {Name: "of", Values: []string{"person", "employer"}}}},
	{ID: "insurance.account.statement", Does: "print the personal account statement (个人权益记录)", Method: "insurance.Accounts.Statement", ReadOnly: true,
		Params: []Param{{Name: "scheme", Values: pensionScheme, Required: true}}},
	{ID: "insurance.account.transfer_out", Does: "transfer an employee pension out of the prefecture with its account and pooled portion (转出)", Method: "insurance.Accounts.TransferOut"},
	{ID: "insurance.account.transfer_in", Does: "take in an employee pension transferred from elsewhere (转入)", Method: "insurance.Accounts.TransferIn"},
	{ID: "insurance.account.back_pay", Does: "record a resident pension back payment for missed years (补缴)", Method: "insurance.Accounts.BackPay"},
	{ID: "insurance.account.tier_change", Does: "change a resident pension contribution tier for a year (缴费档次调整)", Method: "insurance.Accounts.UpgradeTier"},
	{ID: "insurance.account.hardship_premium", Does: "pay the resident pension premiums of people in hardship for a year (困难群体代缴)", Method: "insurance.Accounts.PayHardshipPremiums"},
	{ID: "insurance.pension.award", Does: "award a pension with its calculation (养老金核定)", Method: "insurance.Pensions.Award",
		Params: []Param{{Name: "scheme", Values: pensionScheme, Required: true}}},
	{ID: "insurance.pension.calculation", Does: "print a pension award's calculation (养老金核定表)", Method: "insurance.Pensions.FindAward", ReadOnly: true,
		Params: []Param{{Name: "scheme", Values: pensionScheme}}},
	{ID: "insurance.pension.certify", Does: "record a pensioner's annual certification of entitlement (领取待遇资格认证)", Method: "insurance.Pensions.Certify",
		Params: []Param{{Name: "scheme", Values: pensionScheme}}},
	{ID: "insurance.pension.record", Does: "print the pension being paid (待遇领取证明)", Method: "insurance.Pensions.Awards", ReadOnly: true,
		Params: []Param{{Name: "scheme", Values: pensionScheme}}},
	{ID: "insurance.pension.payroll", Does: "run a month's pension payroll (养老金发放)", Method: "insurance.Pensions.Payroll"},
	{ID: "insurance.unemployment.claim", Does: "claim unemployment benefit (失业保险金申领)", Method: "insurance.Benefits.Claim"},
	{ID: "insurance.unemployment.stop", Does: "stop an unemployment benefit, e.g. on re-employment (停发失业保险金)", Method: "insurance.Benefits.Stop"},
	{ID: "insurance.unemployment.list", Does: "list a person's unemployment benefit claims and payments (失业保险待遇查询)", Method: "insurance.Benefits.Claims", ReadOnly: true},
	{ID: "insurance.injury.record", Does: "record a work injury and its benefits (工伤待遇核定)", Method: "insurance.Benefits.RecordInjury"},
	{ID: "insurance.injury.list", Does: "list a person's work injuries and benefits (工伤待遇查询)", Method: "insurance.Benefits.Injuries", ReadOnly: true},
	{ID: "insurance.refund.screen", Does: "screen employers for the job-stabilisation refund, paid without application (稳岗返还)", Method: "insurance.Refunds.Screen"},

	// assistance and monitoring
	{ID: "assistance.apply", Does: "open an assistance case for a household (社会救助申请)", Method: "assistance.Service.Apply",
		Params: []Param{{Name: "programme", Values: []string{"dibao", "tekun", "temporary"}, Required: true}}},
	{ID: "assistance.means_test", Does: "record a household's means test (家庭经济状况核对)", Method: "assistance.Service.CreateMeansTest"},
	{ID: "assistance.objection", Does: "raise an objection to a case on public notice (公示异议)", Method: "assistance.Service.Object"},
	{ID: "assistance.award.record", Does: "print an assistance award being paid (救助待遇证明)", Method: "assistance.Service.FindAward", ReadOnly: true},
	{ID: "assistance.classification", Does: "explain a household's low-income classification (低收入人口认定结果查询)", Method: "assistance.Service.Explain", ReadOnly: true},
	{ID: "monitoring.signal", Does: "record a request for help as a monitoring signal, which raises an alert for a visit (困难群众主动申报)", Method: "monitoring.Service.RecordSignals"},

	// bundles (一件事一次办, docs/bundles.md)
	{ID: "bundle.enterprise_open", Does: "open an enterprise: register the employer and enrol its staff in the employee pension, unemployment and work injury (企业开办一件事)", Method: "bundles.Service.OpenEnterprise"},
	{ID: "bundle.enterprise_close", Does: "close an enterprise: arrears settled or listed, every enrolment terminated, the employer closed (企业注销一件事)", Method: "bundles.Service.CloseEnterprise"},
	{ID: "bundle.retirement", Does: "retire: the pension awarded with its calculation, the first payroll month and the certification schedule (退休一件事)", Method: "bundles.Service.Retire",
		Params: []Param{{Name: "scheme", Values: pensionScheme, Required: true}}},
	{ID: "bundle.death", Does: "settle a death: recorded, pension and assistance stopped, funeral grant, survivors' benefit and inheritable balance less overpayments paid once a second user approves, the household's assistance reviewed (身后一件事)", Method: "bundles.Service.SettleDeath"},
}

// Actions returns the closed list of actions, in a stable order.
func Actions() []Action {
	out := make([]Action, len(actions))
	for i, a := range actions {
		out[i] = a.clone()
	}
	return out
}

// ActionByID returns the action with the id, and whether there is one.
func ActionByID(id string) (Action, bool) {
	for _, a := range actions {
		if a.ID == id {
			return a.clone(), true
		}
	}
	return Action{}, false
}

func (a Action) clone() Action {
	a.Params = slices.Clone(a.Params)
	return a
}

// checkArgs checks a matter's fixed arguments against the action's params:
// every key known, every value allowed, every required param given.
func (a Action) checkArgs(args map[string]string) error {
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		i := slices.IndexFunc(a.Params, func(p Param) bool { return p.Name == k })
		if i < 0 {
			names := make([]string, len(a.Params))
			for j, p := range a.Params {
				names[j] = p.Name
			}
			if len(names) == 0 {
				return fmt.Errorf("action %s takes no argument; got %s", a.ID, k)
			}
			return fmt.Errorf("action %s has no argument %s; want %s", a.ID, k, strings.Join(names, ", "))
		}
		if p := a.Params[i]; len(p.Values) > 0 && !slices.Contains(p.Values, args[k]) {
			return fmt.Errorf("%s %q is not one of %s", k, args[k], strings.Join(p.Values, ", "))
		}
	}
	for _, p := range a.Params {
		if _, ok := args[p.Name]; p.Required && !ok {
			return fmt.Errorf("action %s needs the argument %s (one of %s)", a.ID, p.Name, strings.Join(p.Values, ", "))
		}
	}
	return nil
}
