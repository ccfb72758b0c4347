package registry_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestIdentityChangeApproval checks the maker-checker of who a person is
// on both engines: a user's change of name or ID number is a pending
// request that leaves the person as they are; a direct update of them is
// refused; one request open per person; the requester cannot approve it;
// a rejection needs its reason and changes nothing; a confirmation applies
// the change (birth date and sex with the ID number) with its audit
// events; a system process still sets identity directly.
func TestIdentityChangeApproval(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewRegistry(t, open)
		as := func(id int64, role auth.Role) context.Context {
			return auth.WithPrincipal(context.Background(), auth.Principal{UserID: id, Username: fmt.Sprintf("u%d", id), Role: role, Scope: "652300"})
		}
		maker, makerApproving, checker := as(5, auth.RoleCaseworker), as(5, auth.RoleApprover), as(6, auth.RoleApprover)
		p := sqlstoretest.NewPerson(t, sqlstoretest.Village(t, "652301", 1), 41)
		if err := tb.Svc.CreatePerson(tb.Ctx, p); err != nil {
			t.Fatal(err)
		}
		reload := func() *registry.Person {
			t.Helper()
			got, err := tb.Svc.Person(tb.Ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}

		// A direct update of the name by a user is refused.
		if _, err := tb.Svc.UpdatePerson(maker, p.ID, 1, func(x *registry.Person) { x.Name = "攻击者" }); fault.FieldsOf(err)["name"] == "" {
			t.Fatalf("UpdatePerson(name) by a caseworker = %v, want a problem with name", err)
		}
		// A rename without a reason, or mixed with another field, is
		// refused; other fields still change at once.
		if _, _, err := tb.Svc.PatchPerson(maker, p.ID, 1, "", func(x *registry.Person) { x.Name = "攻击者" }); fault.FieldsOf(err)["reason"] == "" {
			t.Errorf("rename without a reason = %v, want a problem with reason", err)
		}
		if _, _, err := tb.Svc.PatchPerson(maker, p.ID, 1, "改名", func(x *registry.Person) { x.Name = "攻击者"; x.Address = "x" }); fault.FieldsOf(err)["address"] == "" {
			t.Errorf("rename with an address = %v, want a problem with address", err)
		}
		upd, c, err := tb.Svc.PatchPerson(maker, p.ID, 1, "", func(x *registry.Person) { x.Address = "宁边路 2 号" })
		if err != nil || c != nil || upd.Address != "宁边路 2 号" || upd.Version != 2 {
			t.Fatalf("PatchPerson(address) = %+v, %+v, %v; want applied at once", upd, c, err)
		}

		// The rename is a pending request; the person is unchanged.
		_, c, err = tb.Svc.PatchPerson(maker, p.ID, 2, "户口簿变更页", func(x *registry.Person) { x.Name = "攻击者" })
		if err != nil || c == nil || c.Status != registry.StatusPending || c.OldName != p.Name || c.NewName != "攻击者" || c.RequestedBy != 5 ||
			!slices.Equal(c.Fields(), []string{"name"}) {
			t.Fatalf("PatchPerson(name) = %+v, %v; want a pending request by 5", c, err)
		}
		if got := reload(); got.Name != p.Name || got.Version != 2 {
			t.Fatalf("person after the request %+v, want unchanged", got)
		}
		// One open request per person, named in the conflict.
		_, _, err = tb.Svc.PatchPerson(maker, p.ID, 2, "再改", func(x *registry.Person) { x.Name = "别人" })
		if fault.CodeOf(err) != fault.Conflict || !strings.Contains(err.Error(), fmt.Sprintf("identity change %d", c.ID)) {
			t.Errorf("a second request = %v, want a conflict naming %d", err, c.ID)
		}
		// While it is pending, no bank account is requested for the person.
		acct := &registry.BankAccount{OwnerKind: registry.OwnerPerson, OwnerID: int64(p.ID), BankCode: "ABC", BankName: "农行",
			AccountNo: "6228480000000009", AccountName: p.Name, Primary: true}
		if err := tb.Svc.CreateBankAccount(as(7, auth.RoleCaseworker), acct); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("account while a rename is pending = %v, want conflict", err)
		}
		pending, err := tb.Svc.IdentityChangesByStatus(checker, registry.StatusPending, "", 0, 10)
		if err != nil || len(pending) != 1 || pending[0].ID != c.ID {
			t.Fatalf("pending identity changes %v, %v; want the one", pending, err)
		}
		if _, err := tb.Svc.DecideIdentityChange(makerApproving, c.ID, true, ""); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("approved by who requested it: %v, want forbidden", err)
		}
		if _, err := tb.Svc.DecideIdentityChange(checker, c.ID, false, " "); fault.FieldsOf(err)["note"] == "" {
			t.Errorf("rejected without a reason: %v, want a problem with note", err)
		}
		before := sqlstoretest.AuditCount(t, tb.DB)
		rej, err := tb.Svc.DecideIdentityChange(checker, c.ID, false, "证明材料不符")
		if err != nil || rej.Status != registry.StatusRejected || rej.DecidedBy != 6 {
			t.Fatalf("reject = %+v, %v", rej, err)
		}
		if got := reload(); got.Name != p.Name || got.Version != 2 {
			t.Errorf("person after the rejection %+v, want unchanged", got)
		}
		if n := sqlstoretest.AuditCount(t, tb.DB); n != before+2 { // the rejection, and the read by reload
			t.Errorf("%d audit events for a rejection and a read, want 2", n-before)
		}
		if _, err := tb.Svc.DecideIdentityChange(checker, c.ID, true, ""); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("decided twice: %v, want conflict", err)
		}

		// A new request changing the ID number (birth date, sex) and the
		// name, confirmed: applied with its audit events.
		newID := sqlstoretest.ResidentID(t, "652301", 1975, time.July, 9, 42)
		_, c, err = tb.Svc.PatchPerson(maker, p.ID, 2, "公安户籍更正", func(x *registry.Person) { x.Name = "王新"; x.IDNumber = newID })
		if err != nil || c == nil || !slices.Equal(c.Fields(), []string{"id_number", "name"}) {
			t.Fatalf("PatchPerson(name, id_number) = %+v, %v", c, err)
		}
		conf, err := tb.Svc.DecideIdentityChange(checker, c.ID, true, "")
		if err != nil || conf.Status != registry.StatusConfirmed {
			t.Fatalf("confirm = %+v, %v", conf, err)
		}
		got := reload()
		if got.Name != "王新" || got.IDNumber != newID || got.BirthDate() != newID.BirthDate() || got.Version != 3 {
			t.Fatalf("person after the confirmation %+v, want the new name and ID number", got)
		}
		evs, err := tb.DB.AuditEvents(context.Background(), 0, 10000)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range evs {
			if (e.EntityKind == "person" && e.EntityID == fmt.Sprint(p.ID) && e.Action == "person.identity") ||
				(e.EntityKind == "identity_change" && e.EntityID == fmt.Sprint(c.ID)) {
				actions = append(actions, e.Action+" by "+e.Actor.Name)
			}
		}
		if want := []string{"identity_change.create by u5", "person.identity by u6", "identity_change.confirm by u6"}; !slices.Equal(actions, want) {
			t.Errorf("audit of the change %q, want %q", actions, want)
		}

		// A system process sets identity directly (the initial
		// registration, imports); a request made from the identity before
		// is then not applied.
		_, c, err = tb.Svc.PatchPerson(maker, p.ID, 3, "改名", func(x *registry.Person) { x.Name = "王旧" })
		if err != nil {
			t.Fatal(err)
		}
		sys := auth.WithPrincipal(context.Background(), auth.SystemPrincipal("test", "652300"))
		if upd, err := tb.Svc.UpdatePerson(sys, p.ID, 3, func(x *registry.Person) { x.Name = "王新新" }); err != nil || upd.Name != "王新新" {
			t.Errorf("system rename = %+v, %v", upd, err)
		}
		if _, err := tb.Svc.DecideIdentityChange(checker, c.ID, true, ""); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("confirming a request made from an identity since changed = %v, want conflict", err)
		}
		if got := reload(); got.Name != "王新新" {
			t.Errorf("person after the refused confirmation %+v, want the system's name", got)
		}
	})
}

// TestRenameThenAccount replays the diversion through a rename on both
// engines: a caseworker has the person renamed to the attacker's name,
// then asks for an account in that name. The same user cannot; another
// user's account is flagged with the rename for its approver, and the
// approver of the rename cannot confirm it.
func TestRenameThenAccount(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewRegistry(t, open)
		as := func(id int64, role auth.Role) context.Context {
			return auth.WithPrincipal(context.Background(), auth.Principal{UserID: id, Username: fmt.Sprintf("u%d", id), Role: role, Scope: "652300"})
		}
		cw, cw2, renameApprover, other := as(5, auth.RoleCaseworker), as(7, auth.RoleCaseworker), as(6, auth.RoleApprover), as(8, auth.RoleApprover)
		p := sqlstoretest.NewPerson(t, sqlstoretest.Village(t, "652301", 1), 51)
		if err := tb.Svc.CreatePerson(tb.Ctx, p); err != nil {
			t.Fatal(err)
		}
		_, c, err := tb.Svc.PatchPerson(cw, p.ID, 1, "改名", func(x *registry.Person) { x.Name = "攻击者" })
		if err != nil || c == nil {
			t.Fatalf("rename request = %v, %v", c, err)
		}
		if _, err := tb.Svc.DecideIdentityChange(renameApprover, c.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		acct := func() *registry.BankAccount {
			return &registry.BankAccount{OwnerKind: registry.OwnerPerson, OwnerID: int64(p.ID), BankCode: "ABC", BankName: "农行",
				AccountNo: "6228480000000666", AccountName: "攻击者", Primary: true}
		}
		if err := tb.Svc.CreateBankAccount(cw, acct()); fault.CodeOf(err) != fault.Conflict || !strings.Contains(err.Error(), fmt.Sprintf("identity change %d", c.ID)) {
			t.Fatalf("account in the new name by who asked for the rename = %v, want a conflict naming %d", err, c.ID)
		}
		b := acct()
		if err := tb.Svc.CreateBankAccount(cw2, b); err != nil {
			t.Fatal(err)
		}
		if b.IdentityChangeID != c.ID || b.IdentityChangedAt.IsZero() {
			t.Errorf("new account %+v, want flagged with identity change %d", b, c.ID)
		}
		list, err := tb.Svc.BankAccountsByStatus(other, registry.StatusPending, "", 0, 10)
		if err != nil || len(list) != 1 || list[0].IdentityChangeID != c.ID || list[0].IdentityChangedAt.IsZero() {
			t.Fatalf("pending accounts %+v, %v; want the new one flagged", list, err)
		}
		if _, err := tb.Svc.DecideBankAccount(renameApprover, b.ID, true, ""); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("account confirmed by the approver of the rename = %v, want forbidden", err)
		}
		if got, err := tb.Svc.DecideBankAccount(other, b.ID, true, ""); err != nil || got.Status != registry.StatusConfirmed {
			t.Errorf("account confirmed by another approver = %+v, %v", got, err)
		}
		// Past the window, an account is no longer flagged.
		tb.Svc.IdentityChangeWindow = time.Nanosecond
		tb.Clock.Set(func() time.Time { return sqlstoretest.Today.Time().Add(20 * time.Hour) })
		late := acct()
		late.AccountNo = "6228480000000777"
		if err := tb.Svc.CreateBankAccount(cw, late); err != nil || late.IdentityChangeID != 0 {
			t.Errorf("account past the window = %+v, %v; want recorded, unflagged", late, err)
		}
	})
}

// TestListByStatusFullPage checks that a list by status gives the API's
// largest page whole: asked for 501 (a page of 500 and one more, to tell
// whether more remain), it returned 100, so that a page of 500 lost the
// rest without a next_after.
func TestListByStatusFullPage(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewRegistry(t, open)
		sys := auth.WithPrincipal(context.Background(), auth.SystemPrincipal("test", "652300"))
		p := sqlstoretest.NewPerson(t, sqlstoretest.Village(t, "652301", 1), 71)
		if err := tb.Svc.CreatePerson(tb.Ctx, p); err != nil {
			t.Fatal(err)
		}
		for i := range 102 {
			b := &registry.BankAccount{OwnerKind: registry.OwnerPerson, OwnerID: int64(p.ID), BankCode: "ICBC", BankName: "工行",
				AccountNo: fmt.Sprintf("62220200%08d", i), AccountName: p.Name}
			if err := tb.Svc.CreateBankAccount(sys, b); err != nil {
				t.Fatal(err)
			}
		}
		got, err := tb.Svc.BankAccountsByStatus(tb.Ctx, registry.StatusConfirmed, "", 0, registry.PageMax)
		if err != nil || len(got) != 102 {
			t.Fatalf("BankAccountsByStatus(limit %d) = %d accounts, %v; want all 102", registry.PageMax, len(got), err)
		}
	})
}
