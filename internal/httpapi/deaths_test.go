package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// deathSettlementJSON is a death settlement as a client sees it.
type deathSettlementJSON struct {
	ID               int64    `json:"id"`
	Status           string   `json:"status"`
	Scheme           string   `json:"scheme"`
	FuneralGrant     int64    `json:"funeral_grant"`
	SurvivorsBenefit int64    `json:"survivors_benefit"`
	Net              int64    `json:"net"`
	MonthsDrawn      int      `json:"months_drawn"`
	Steps            []string `json:"steps"`
	InstructionID    int64    `json:"instruction_id"`
	Decision         *struct {
		Eligible    bool `json:"eligible"`
		Explanation *struct {
			Summary string `json:"summary"`
		} `json:"explanation"`
	} `json:"decision"`
}

// TestDeathSettlementAPI proposes a retiree's settlement as a caseworker,
// refuses a second proposal and the proposer's approval, and has an
// approver approve it: the survivor's instruction is made.
func TestDeathSettlementAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v := villages(t, "652301", 1)[0]
	man := b.createRetiree(t, "cw1", v, 21)
	var a awardJSON
	b.do(t, "POST", "/api/v1/awards", "cw1", map[string]any{
		"person_id": man.ID, "scheme": "employee_pension", "retirement_group": "male", "deemed_months": 360,
	}).want(t, http.StatusCreated).decode(t, &a)
	heir := b.createPerson(t, "cw1", v, 22)
	path := fmt.Sprintf("/api/v1/persons/%d/death-settlement", man.ID)

	// No death recorded yet: 422 naming the person.
	wantField(t, b.do(t, "POST", path, "cw1", map[string]any{"survivor_id": heir.ID}).problem(t, http.StatusUnprocessableEntity), "id")
	b.do(t, "POST", fmt.Sprintf("/api/v1/persons/%d/death", man.ID), "cw1", map[string]any{"death_date": "2026-10-10", "source": "public_security"}).
		want(t, http.StatusOK)
	wantField(t, b.do(t, "POST", path, "cw1", map[string]any{}).problem(t, http.StatusUnprocessableEntity), "survivor_id")
	// Another county's caseworker does not see the person.
	b.do(t, "POST", path, "cw2", map[string]any{"survivor_id": heir.ID}).want(t, http.StatusNotFound)

	var d deathSettlementJSON
	b.do(t, "POST", path, "cw1", map[string]any{"survivor_id": heir.ID}).want(t, http.StatusCreated).decode(t, &d)
	// From 2024-12 to 2026-10: 23 months drawn, one whole year: 24 − 1
	// months of 3,508.33, and the funeral grant of 2 months.
	if d.Status != "proposed" || d.MonthsDrawn != 23 || d.FuneralGrant != 701666 || d.SurvivorsBenefit != 350833*23 || d.Net != 701666+350833*23 {
		t.Fatalf("settlement %+v", d)
	}
	if d.Decision == nil || !d.Decision.Eligible || d.Decision.Explanation == nil || !strings.Contains(d.Decision.Explanation.Summary, "元") ||
		!strings.Contains(strings.Join(d.Steps, "\n"), "抚恤金 = 上一年度城镇居民月人均可支配收入 3,508.33 元 × 23 个月") {
		t.Fatalf("explanation %+v steps %q", d.Decision, d.Steps)
	}
	b.do(t, "POST", path, "cw1", map[string]any{"survivor_id": heir.ID}).want(t, http.StatusConflict)

	decision := fmt.Sprintf("/api/v1/death-settlements/%d/decision", d.ID)
	b.do(t, "POST", decision, "cw1", map[string]any{"outcome": "approve"}).want(t, http.StatusForbidden)
	var got deathSettlementJSON
	b.do(t, "POST", decision, "approver", map[string]any{"outcome": "approve"}).want(t, http.StatusOK).decode(t, &got)
	if got.Status != "approved" || got.InstructionID == 0 {
		t.Fatalf("approved %+v", got)
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/death-settlements/%d", d.ID), "cw2", nil).want(t, http.StatusNotFound)
	b.do(t, "GET", fmt.Sprintf("/api/v1/death-settlements/%d", d.ID), "cw1", nil).want(t, http.StatusOK).decode(t, &got)
	if got.Status != "approved" || got.Net != d.Net {
		t.Fatalf("read back %+v", got)
	}
	page := string(b.do(t, "GET", fmt.Sprintf("/api/v1/death-settlements/%d/calculation", d.ID), "cw1", nil).want(t, http.StatusOK).body)
	for _, w := range []string{"身后待遇核定表", "已核定", "抚恤金发放月数", "上一年度全区城镇居民人均可支配收入", "待确认"} {
		if !strings.Contains(page, w) {
			t.Errorf("the printable settlement lacks %q", w)
		}
	}
}
