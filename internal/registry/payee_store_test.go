package registry_test

import (
	"context"
	"testing"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestBankAccountApproval checks the maker-checker of where benefits are
// paid on both engines: a user's account is pending and not primary; the
// user who requested it cannot confirm it even under an approver's role;
// a rejection needs its reason; a confirmed account becomes the only
// primary one; an account in another name is paid only to a confirmed
// payee agent.
func TestBankAccountApproval(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewRegistry(t, open)
		as := func(id int64, role auth.Role) context.Context {
			return auth.WithPrincipal(context.Background(), auth.Principal{UserID: id, Username: "u", Role: role, Scope: "652300"})
		}
		maker, makerApproving, checker := as(5, auth.RoleCaseworker), as(5, auth.RoleApprover), as(6, auth.RoleApprover)
		p := sqlstoretest.NewPerson(t, sqlstoretest.Village(t, "652301", 1), 31)
		if err := tb.Svc.CreatePerson(tb.Ctx, p); err != nil {
			t.Fatal(err)
		}
		old := &registry.BankAccount{OwnerKind: registry.OwnerPerson, OwnerID: int64(p.ID), BankCode: "ICBC", BankName: "工行", AccountNo: "6222020000000001",
			AccountName: p.Name, Primary: true}
		sqlstoretest.AddAccount(t, tb.Svc, tb.Ctx, old)
		acct := &registry.BankAccount{OwnerKind: registry.OwnerPerson, OwnerID: int64(p.ID), BankCode: "ABC", BankName: "农行", AccountNo: "6228480000000002",
			AccountName: p.Name, Primary: true}
		if err := tb.Svc.CreateBankAccount(maker, acct); err != nil {
			t.Fatal(err)
		}
		if acct.Status != registry.StatusPending || acct.Primary || !acct.WantsPrimary || acct.RequestedBy != 5 {
			t.Fatalf("new account %+v, want pending, wanting to be primary, requested by 5", acct)
		}
		if _, err := tb.Svc.DecideBankAccount(makerApproving, acct.ID, true, ""); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("confirmed by who requested it: %v, want forbidden", err)
		}
		if _, err := tb.Svc.DecideBankAccount(checker, acct.ID, false, " "); fault.FieldsOf(err)["note"] == "" {
			t.Errorf("rejected without a reason: %v, want a problem with note", err)
		}
		pending, err := tb.Svc.BankAccountsByStatus(checker, registry.StatusPending, "", 0, 10)
		if err != nil || len(pending) != 1 || pending[0].ID != acct.ID {
			t.Fatalf("pending accounts %v, %v; want the new one", pending, err)
		}
		got, err := tb.Svc.DecideBankAccount(checker, acct.ID, true, "")
		if err != nil || got.Status != registry.StatusConfirmed || !got.Primary || got.DecidedBy != 6 {
			t.Fatalf("confirm = %+v, %v", got, err)
		}
		accts, err := tb.Svc.BankAccounts(tb.Ctx, registry.OwnerPerson, int64(p.ID))
		if err != nil || len(accts) != 2 || accts[0].Primary || !accts[1].Primary {
			t.Fatalf("accounts after the confirmation %+v, %v; want only the new one primary", accts, err)
		}
		if _, err := tb.Svc.DecideBankAccount(checker, acct.ID, true, ""); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("confirmed twice: %v, want conflict", err)
		}

		// An account held by somebody else: refused, unless that somebody
		// is a confirmed payee agent of the person.
		other := &registry.BankAccount{OwnerKind: registry.OwnerPerson, OwnerID: int64(p.ID), BankCode: "CCB", BankName: "建行", AccountNo: "6217000000000003",
			AccountName: "李明"}
		if err := tb.Svc.CreateBankAccount(maker, other); fault.FieldsOf(err)["account_name"] == "" {
			t.Fatalf("account in another name: %v, want a problem with account_name", err)
		}
		agent := &registry.PayeeAgent{PersonID: p.ID, Name: "李明", IDNumber: sqlstoretest.NewPerson(t, "652301", 32).IDNumber, Relation: registry.RelChild}
		if err := tb.Svc.CreatePayeeAgent(maker, agent); err != nil || agent.Status != registry.StatusPending {
			t.Fatalf("CreatePayeeAgent = %+v, %v; want pending", agent, err)
		}
		other.AgentID = int64(agent.ID)
		if err := tb.Svc.CreateBankAccount(maker, other); fault.FieldsOf(err)["agent_id"] == "" {
			t.Errorf("account of a pending agent: %v, want a problem with agent_id", err)
		}
		if _, err := tb.Svc.DecidePayeeAgent(makerApproving, agent.ID, true, ""); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("agent confirmed by who recorded it: %v, want forbidden", err)
		}
		if _, err := tb.Svc.DecidePayeeAgent(checker, agent.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if err := tb.Svc.CreateBankAccount(maker, other); err != nil || other.Status != registry.StatusPending || other.AccountName != "李明" {
			t.Fatalf("account of a confirmed agent = %+v, %v; want pending", other, err)
		}
		agents, err := tb.Svc.PayeeAgents(tb.Ctx, p.ID)
		if err != nil || len(agents) != 1 || agents[0].Status != registry.StatusConfirmed || agents[0].IDNumber != agent.IDNumber {
			t.Errorf("agents %+v, %v", agents, err)
		}
	})
}
