package console

import (
	"net/http"
	"strconv"
	"strings"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/registry"
)

func init() { register(personAccountMessages) }

// personAccountMessages are the texts of the bank accounts to confirm.
var personAccountMessages = map[string]msg{
	"pacct.title":                {"银行账户确认", "Bank accounts to confirm"},
	"pacct.owner":                {"账户所属", "Owner"},
	"pacct.bank":                 {"开户银行", "Bank"},
	"pacct.account":              {"账号", "Account"},
	"pacct.holder":               {"户名", "Holder"},
	"pacct.primary":              {"设为发放账户", "To be paid into"},
	"pacct.requested_by":         {"申请人", "Requested by"},
	"pacct.none":                 {"没有该状态的银行账户。", "No bank account in this state."},
	"pacct.identity":             {"户主身份信息近期变更，请先核对", "The owner's identity changed recently: check it first"},
	"pacct.agent":                {"代领人账户", "A payee agent's account"},
	"pacct.note":                 {"确认意见（退回时必填）", "Note (required to reject)"},
	"pacct.confirm":              {"确认账户", "Confirm"},
	"pacct.reject":               {"退回", "Reject"},
	"pacct.organisation":         {"单位", "Organisation"},
	"pacct.decided_by":           {"确认人", "Decided by"},
	"pacct.owner_unknown":        {"（不在您的管辖范围内）", "(outside your scope)"},
	"decision.problem.invalid":   {"退回时请填写原因。", "Give the reason of a rejection."},
	"decision.problem.forbidden": {"不能确认本人提出的申请（或本人刚变更过该人员的身份信息），须由另一位审批人员确认。", "You may not decide what you requested (or after changing the person's identity yourself): another approver decides."},
	"decision.problem.conflict":  {"该申请已被处理或状态已变化，请刷新后重试。", "It was decided already or its state changed; reload and try again."},
	"pacct.identity_check":       {"查看身份信息变更", "See the identity change"},
}

// accountsPage is the data of the page of bank accounts by status.
type accountsPage struct {
	Status    registry.ApprovalStatus
	Statuses  []registry.ApprovalStatus
	Rows      []accountRow
	Next      int64
	CanDecide bool
	Problems  map[registry.BankAccountID]string
}

// accountRow is a bank account as the viewer may see it, with its owner
// by name.
type accountRow struct {
	ID            registry.BankAccountID
	OwnerKind     registry.OwnerKind
	OwnerID       int64
	Owner         string
	Bank          string
	Account       string
	Holder        string
	WantsPrimary  bool
	Agent         bool
	IdentityCheck bool
	RequestedName staffRef
	DecidedName   staffRef
	Note          string
	Status        registry.ApprovalStatus
}

// accountsPerPage is how many accounts one page lists: each names its
// owner, a read of the registry.
const accountsPerPage = 25

// personAccountRoutes registers the page of bank accounts to confirm.
func (c *Console) personAccountRoutes() {
	c.handle("GET /persons/accounts", c.handleBankAccounts, auth.PermApprove, auth.PermRegistryWrite)
	c.handle("POST /persons/accounts/{id}/decision", c.handleDecideBankAccount, auth.PermApprove)
}

// handleBankAccounts lists the bank accounts of a status (pending: waiting
// for a second user) in the viewer's scope, the numbers through the
// viewer's view, an owner whose identity changed recently flagged.
func (c *Console) handleBankAccounts(w http.ResponseWriter, r *http.Request) error {
	return c.renderBankAccounts(w, r, http.StatusOK, nil)
}

// renderBankAccounts renders the page of bank accounts, with a refused
// decision's problem beside its row.
func (c *Console) renderBankAccounts(w http.ResponseWriter, r *http.Request, status int, problems map[registry.BankAccountID]string) error {
	q := r.URL.Query()
	st := registry.ApprovalStatus(q.Get("status"))
	switch st {
	case "":
		st = registry.StatusPending
	case registry.StatusPending, registry.StatusConfirmed, registry.StatusRejected:
	default:
		return fault.Errorf(fault.Invalid, "status must be pending, confirmed or rejected")
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	ctx := r.Context()
	bs, err := c.app.Registry.BankAccountsByStatus(ctx, st, "", after, accountsPerPage+1)
	if err != nil {
		return err
	}
	p := c.newPage(r, "person_accounts")
	v, staff := c.viewOf(r), c.staff(ctx, p.Lang)
	data := accountsPage{Status: st, CanDecide: p.User.Can(auth.PermApprove) && st == registry.StatusPending, Problems: problems,
		Statuses: []registry.ApprovalStatus{registry.StatusPending, registry.StatusConfirmed, registry.StatusRejected}}
	if len(bs) > accountsPerPage {
		bs = bs[:accountsPerPage]
		data.Next = int64(bs[len(bs)-1].ID)
	}
	for _, b := range bs {
		row := accountRow{ID: b.ID, OwnerKind: b.OwnerKind, OwnerID: b.OwnerID, Bank: b.BankName, Account: v.Account(b.AccountNo),
			Holder: b.AccountName, WantsPrimary: b.WantsPrimary || b.Primary, Agent: b.AgentID != 0, IdentityCheck: b.IdentityChangeID != 0,
			RequestedName: staff.id(b.RequestedBy), Note: b.DecisionNote, Status: b.Status}
		if b.DecidedBy != 0 {
			row.DecidedName = staff.id(b.DecidedBy)
		}
		switch b.OwnerKind {
		case registry.OwnerPerson:
			row.Owner, err = c.insPersonName(ctx, registry.PersonID(b.OwnerID))
		case registry.OwnerOrganisation:
			var o *registry.Organisation
			if o, err = c.app.Registry.Organisation(ctx, registry.OrgID(b.OwnerID)); err == nil {
				row.Owner = o.Name
			} else if fault.CodeOf(err) == fault.NotFound {
				err = nil
			}
		}
		if err != nil {
			return err
		}
		if row.Owner == "" {
			row.Owner = p.T("pacct.owner_unknown")
		}
		data.Rows = append(data.Rows, row)
	}
	p.Title, p.Active, p.Data = p.T("pacct.title"), "persons", data
	c.render(w, r, status, p)
	return nil
}

// handleDecideBankAccount confirms or rejects a bank account: the registry
// service checks the approval permission, the scope, that the decider is
// not who requested it (nor who changed the owner's identity), and a
// payee agent's confirmation. A refusal it explains shows beside the
// account.
func (c *Console) handleDecideBankAccount(w http.ResponseWriter, r *http.Request) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	var approve bool
	switch r.PostFormValue("outcome") {
	case "approve":
		approve = true
	case "reject":
	default:
		return fault.Errorf(fault.Invalid, "outcome must be approve or reject")
	}
	_, err = c.app.Registry.DecideBankAccount(r.Context(), registry.BankAccountID(id), approve, strings.TrimSpace(r.PostFormValue("note")))
	if err == nil {
		http.Redirect(w, r, "/persons/accounts?status=pending", http.StatusSeeOther)
		return nil
	}
	switch fault.CodeOf(err) {
	case fault.Invalid, fault.Forbidden, fault.Conflict:
	default:
		return err
	}
	status, msg := decisionProblem(langOf(r), err)
	return c.renderBankAccounts(w, r, status, map[registry.BankAccountID]string{registry.BankAccountID(id): msg})
}
