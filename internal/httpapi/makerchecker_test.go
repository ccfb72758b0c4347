package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"safetynet/internal/auth"
)

// TestMakerCheckerEveryUse takes, for each approval step, a caseworker who
// makes the change and is then made an approver: the step refuses them
// (403, saying it was them) and leaves the change to another user. The
// roles alone do not stop it, as the caseworker now holds decision.approve:
// the maker-checker rule (auth.SecondUser) does.
func TestMakerCheckerEveryUse(t *testing.T) {
	b := setup(t)
	vs := villages(t, "652301", 1)
	type made struct {
		path string
		body map[string]any
	}
	created := func(r *result) (out struct {
		ID      int64 `json:"id"`
		Version int64 `json:"version"`
	}) {
		r.want(t, http.StatusCreated).decode(t, &out)
		return out
	}
	for i, c := range []struct {
		name string
		make func(maker string, seq int) made
	}{
		{"bank account", func(maker string, seq int) made {
			p := b.createPerson(t, maker, vs[0], seq)
			a := created(b.do(t, "POST", fmt.Sprintf("/api/v1/persons/%d/bank-accounts", p.ID), maker, map[string]any{
				"bank_code": "CCB", "bank_name": "建设银行", "account_no": fmt.Sprintf("62170000%08d", seq), "account_name": "王芳", "primary": true}))
			return made{fmt.Sprintf("/api/v1/bank-accounts/%d/decision", a.ID), map[string]any{"outcome": "approve"}}
		}},
		{"payee agent", func(maker string, seq int) made {
			p := b.createPerson(t, maker, vs[0], seq)
			a := created(b.do(t, "POST", fmt.Sprintf("/api/v1/persons/%d/payee-agents", p.ID), maker,
				map[string]any{"name": "李明", "id_number": residentID(t, seq+1), "relation": "child"}))
			return made{fmt.Sprintf("/api/v1/payee-agents/%d/decision", a.ID), map[string]any{"outcome": "approve"}}
		}},
		{"identity change", func(maker string, seq int) made {
			p := b.createPerson(t, maker, vs[0], seq)
			var ch struct {
				ID int64 `json:"id"`
			}
			b.do(t, "PATCH", fmt.Sprintf("/api/v1/persons/%d", p.ID), maker, map[string]any{"version": p.Version, "name": "王芳芳", "reason": "户籍更名"}).
				want(t, http.StatusAccepted).decode(t, &ch)
			return made{fmt.Sprintf("/api/v1/identity-changes/%d/decision", ch.ID), map[string]any{"outcome": "approve"}}
		}},
		{"transfer in", func(maker string, seq int) made {
			p := b.createPerson(t, maker, vs[0], seq)
			tr := created(b.do(t, "POST", fmt.Sprintf("/api/v1/persons/%d/account/transfer-in", p.ID), maker,
				map[string]any{"from_region": "北京市", "on": "2026-09-01", "balance": 9_000_000, "pooled": 1_000_001, "months": 120}))
			return made{fmt.Sprintf("/api/v1/transfers/%d/decision", tr.ID), map[string]any{"outcome": "approve"}}
		}},
		{"payment batch", func(maker string, seq int) made {
			p := b.createPerson(t, maker, vs[0], seq)
			a := created(b.do(t, "POST", fmt.Sprintf("/api/v1/persons/%d/bank-accounts", p.ID), maker, map[string]any{
				"bank_code": "ICBC", "bank_name": "工商银行", "account_no": fmt.Sprintf("62220000%08d", seq), "account_name": "王芳", "primary": true}))
			b.do(t, "POST", fmt.Sprintf("/api/v1/bank-accounts/%d/decision", a.ID), "approver", map[string]any{"outcome": "approve"}).want(t, http.StatusOK)
			for _, q := range []string{
				fmt.Sprintf(`INSERT INTO awards (id, person_id, scheme, region_code, start_month, amount, status, decision, policy_version, created_by, created_at)
					VALUES (%d, %d, 'employee_pension', '%s', '2024-01', 280000, 'active', '{}', 't', 't', '2024-01-01T00:00:00Z')`, seq, p.ID, vs[0]),
				fmt.Sprintf(`INSERT INTO payroll_lines (award_id, period, kind, amount, region_code, person_id, run_id) VALUES (%d, '2025-03', 'regular', 280000, '%s', %d, 1)`, seq, vs[0], p.ID),
			} {
				if err := b.db.ExecRaw(systemContext(), q); err != nil {
					t.Fatal(err)
				}
			}
			b.do(t, "POST", "/api/v1/payment-runs", maker, map[string]any{"period": "2025-03"}).want(t, http.StatusOK)
			bt := created(b.do(t, "POST", "/api/v1/payment-batches", maker, map[string]any{"fund": "employee_pension", "bank_code": "ICBC", "period": "2025-03"}))
			return made{fmt.Sprintf("/api/v1/payment-batches/%d/decision", bt.ID), map[string]any{"outcome": "approve", "version": bt.Version}}
		}},
		{"case approval", func(maker string, seq int) made {
			path, c, _ := b.caseOnNotice(t, maker, vs[0], seq)
			return made{path + "/decision", map[string]any{"outcome": "approve", "version": c.Version}}
		}},
		{"case refusal", func(maker string, seq int) made {
			path, c, _ := b.caseOnNotice(t, maker, vs[0], seq)
			return made{path + "/decision", map[string]any{"outcome": "reject", "version": c.Version, "note": "收入超标"}}
		}},
	} {
		maker := fmt.Sprintf("maker%d", i)
		u, err := b.au.CreateUser(systemContext(), auth.NewUser{Username: maker, Role: auth.RoleCaseworker, Scope: "652301",
			Password: testPassword, DisplayName: "Test " + maker})
		if err != nil {
			t.Fatal(err)
		}
		m := c.make(maker, 900+10*i)
		// The maker also holds an approver post, and the session that
		// made the record switches to it: the user, not the post, made it.
		if u, err = b.au.GrantPost(systemContext(), u.ID, auth.PostSpec{Role: auth.RoleApprover, Region: "652300"}); err != nil {
			t.Fatal(err)
		}
		var me struct {
			Role   string `json:"role"`
			PostID int64  `json:"post_id"`
		}
		b.do(t, "POST", "/api/v1/session/post", maker, map[string]any{"post": u.Posts[1].ID}).want(t, http.StatusOK).decode(t, &me)
		if me.Role != "approver" || me.PostID != u.Posts[1].ID {
			t.Fatalf("%s: after the switch the session acts as %+v, want the approver post %d", c.name, me, u.Posts[1].ID)
		}
		pb := b.do(t, "POST", m.path, maker, m.body).problem(t, http.StatusForbidden)
		if !strings.Contains(pb.Detail, "by you") {
			t.Errorf("%s: the maker, now an approver, is refused with %q, want it to say they made it", c.name, pb.Detail)
		}
	}
}
