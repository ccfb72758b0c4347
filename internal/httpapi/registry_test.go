package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"safetynet/internal/ids"
)

func TestHouseholds(t *testing.T) {
	t.Parallel()
	b := setup(t)
	vs := villages(t, "652301", 1)
	head := b.createPerson(t, "cw1", vs[0], 61)
	spouse := b.createPerson(t, "cw1", vs[0], 62)
	child := b.createPerson(t, "cw1", vs[0], 63)

	type household struct {
		ID      int64 `json:"id"`
		HeadID  int64 `json:"head_id"`
		Members []struct {
			PersonID int64  `json:"person_id"`
			Relation string `json:"relation"`
		} `json:"members"`
		Version int64 `json:"version"`
	}
	var h household
	b.do(t, "POST", "/api/v1/households", "cw1", map[string]any{
		"region_code": vs[0], "hukou_type": "rural",
		"members": []map[string]any{{"person_id": head.ID, "relation": "head"}, {"person_id": spouse.ID, "relation": "spouse"}},
	}).want(t, http.StatusCreated).decode(t, &h)
	if h.ID == 0 || h.HeadID != head.ID || len(h.Members) != 2 || h.Version != 1 {
		t.Errorf("created household %+v: want head %d and 2 members", h, head.ID)
	}

	pb := b.do(t, "POST", "/api/v1/households", "cw1", map[string]any{
		"region_code": vs[0], "hukou_type": "rural", "members": []map[string]any{{"person_id": 999999, "relation": "head"}},
	}).problem(t, http.StatusUnprocessableEntity)
	if _, ok := pb.field("members[0].person_id"); !ok {
		t.Errorf("errors %+v do not name members[0].person_id", pb.Errors)
	}

	path := fmt.Sprintf("/api/v1/households/%d", h.ID)
	var patched household
	b.do(t, "PATCH", path, "cw1", map[string]any{"version": h.Version, "members": []map[string]any{
		{"person_id": head.ID, "relation": "head"}, {"person_id": spouse.ID, "relation": "spouse"}, {"person_id": child.ID, "relation": "child"},
	}}).want(t, http.StatusOK).decode(t, &patched)
	if len(patched.Members) != 3 || patched.Version != h.Version+1 {
		t.Errorf("patched household %+v: want 3 members, version %d", patched, h.Version+1)
	}
	b.do(t, "PATCH", path, "cw1", map[string]any{"version": h.Version, "address": "x"}).problem(t, http.StatusConflict)

	var list listJSON[household]
	b.do(t, "GET", fmt.Sprintf("/api/v1/households?person_id=%d", child.ID), "cw1", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != h.ID {
		t.Errorf("households of person %d: %+v, want household %d", child.ID, list.Items, h.ID)
	}
	b.do(t, "GET", path, "cw2", nil).problem(t, http.StatusNotFound)
}

func TestOrganisationsAndEmployment(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v := villages(t, "652301", 1)[0]
	worker := b.createPerson(t, "cw1", v, 71)
	uscc, err := ids.MakeUSCC('9', '1', "652301", "MA7ABC12")
	if err != nil {
		t.Fatal(err)
	}

	type org struct {
		ID          int64  `json:"id"`
		USCC        string `json:"uscc"`
		NeedsReview bool   `json:"needs_review"`
		Name        string `json:"name"`
		Version     int64  `json:"version"`
	}
	var o org
	b.do(t, "POST", "/api/v1/organisations", "cw1", map[string]any{
		"uscc": uscc, "name": "昌吉市天山食品有限公司", "industry_code": "C1411", "size": "small", "region_code": "652301",
	}).want(t, http.StatusCreated).decode(t, &o)
	if o.ID == 0 || o.USCC != string(uscc) || o.NeedsReview {
		t.Errorf("created organisation %+v: want USCC %s, not flagged", o, uscc)
	}
	b.do(t, "POST", "/api/v1/organisations", "cw1", map[string]any{
		"uscc": uscc, "name": "重复", "industry_code": "C1411", "size": "small", "region_code": "652301",
	}).problem(t, http.StatusConflict)
	var o2 org
	b.do(t, "PATCH", fmt.Sprintf("/api/v1/organisations/%d", o.ID), "cw1", map[string]any{"version": o.Version, "name": "天山食品"}).
		want(t, http.StatusOK).decode(t, &o2)
	if o2.Name != "天山食品" || o2.Version != o.Version+1 {
		t.Errorf("patched organisation %+v", o2)
	}
	var orgs listJSON[org]
	b.do(t, "GET", "/api/v1/organisations?uscc="+string(uscc), "cw1", nil).want(t, http.StatusOK).decode(t, &orgs)
	if len(orgs.Items) != 1 {
		t.Errorf("organisations by USCC: %+v, want one", orgs.Items)
	}
	b.do(t, "POST", fmt.Sprintf("/api/v1/organisations/%d/bank-accounts", o.ID), "cw1", map[string]any{
		"bank_code": "XJRCU", "bank_name": "新疆农信", "account_no": "30010012345678", "account_name": "天山食品",
	}).want(t, http.StatusCreated)

	type spell struct {
		ID          int64  `json:"id"`
		RegionCode  string `json:"region_code"`
		Start       string `json:"start"`
		End         string `json:"end"`
		Separation  string `json:"separation"`
		MonthlyWage int64  `json:"monthly_wage"`
		Version     int64  `json:"version"`
	}
	var e spell
	b.do(t, "POST", "/api/v1/employment", "cw1", map[string]any{
		"person_id": worker.ID, "org_id": o.ID, "start": "2021-03-01", "monthly_wage": 520000,
	}).want(t, http.StatusCreated).decode(t, &e)
	if e.ID == 0 || e.RegionCode != "652301" || e.MonthlyWage != 520000 || e.End != "" {
		t.Errorf("created spell %+v: want region 652301, wage 520000 fen, open", e)
	}
	pb := b.do(t, "POST", "/api/v1/employment", "cw1", map[string]any{
		"person_id": worker.ID, "org_id": o.ID, "start": "2021-3-1",
	}).problem(t, http.StatusUnprocessableEntity)
	if _, ok := pb.field("start"); !ok {
		t.Errorf("errors %+v do not name start", pb.Errors)
	}
	b.do(t, "POST", "/api/v1/employment", "cw1", map[string]any{
		"person_id": worker.ID, "org_id": o.ID, "start": "2021-03-01", "monthly_wage": 5200.5,
	}).problem(t, http.StatusBadRequest)

	path := fmt.Sprintf("/api/v1/employment/%d", e.ID)
	pb = b.do(t, "PATCH", path, "cw1", map[string]any{"version": e.Version, "end": "2024-06-30"}).problem(t, http.StatusUnprocessableEntity)
	if _, ok := pb.field("separation"); !ok {
		t.Errorf("ending without a reason: errors %+v do not name separation", pb.Errors)
	}
	var ended spell
	b.do(t, "PATCH", path, "cw1", map[string]any{"version": e.Version, "end": "2024-06-30", "separation": "involuntary"}).
		want(t, http.StatusOK).decode(t, &ended)
	if ended.End != "2024-06-30" || ended.Separation != "involuntary" || ended.Version != e.Version+1 {
		t.Errorf("ended spell %+v", ended)
	}
	var active listJSON[spell]
	b.do(t, "GET", "/api/v1/employment?active_on=2025-01-01", "cw1", nil).want(t, http.StatusOK).decode(t, &active)
	if len(active.Items) != 0 {
		t.Errorf("spells active on 2025-01-01: %+v, want none", active.Items)
	}
	b.do(t, "GET", "/api/v1/employment?active_on=2022-01-01&person_id="+fmt.Sprint(worker.ID), "cw1", nil).want(t, http.StatusOK).decode(t, &active)
	if len(active.Items) != 1 {
		t.Errorf("spells active on 2022-01-01: %+v, want one", active.Items)
	}
}

func TestRegions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	type node struct {
		Code     string `json:"code"`
		Parent   string `json:"parent"`
		Level    string `json:"level"`
		NameZH   string `json:"name_zh"`
		Children []node `json:"children"`
	}
	var top listJSON[node]
	b.do(t, "GET", "/api/v1/regions", "cw1", nil).want(t, http.StatusOK).decode(t, &top)
	if len(top.Items) == 0 {
		t.Fatal("no top-level regions")
	}
	var counties listJSON[node]
	b.do(t, "GET", "/api/v1/regions?parent=652300", "cw1", nil).want(t, http.StatusOK).decode(t, &counties)
	if len(counties.Items) < 7 || counties.Items[0].Level != "county" {
		t.Errorf("children of 652300: %+v, want the counties", counties.Items)
	}
	var n node
	b.do(t, "GET", "/api/v1/regions/652301", "cw1", nil).want(t, http.StatusOK).decode(t, &n)
	if n.NameZH != "昌吉市" || n.Parent != "652300" || len(n.Children) == 0 || n.Children[0].Level != "township" {
		t.Errorf("GET /regions/652301 = %+v, want 昌吉市 with its townships", n)
	}
	b.do(t, "GET", "/api/v1/regions/652399", "cw1", nil).problem(t, http.StatusNotFound)
	b.do(t, "GET", "/api/v1/regions/12", "cw1", nil).problem(t, http.StatusUnprocessableEntity)

	township := n.Children[0].Code
	code := township + "998"
	b.do(t, "POST", "/api/v1/regions", "cw1", map[string]any{"code": code, "name_zh": "新村"}).problem(t, http.StatusForbidden)
	var created node
	b.do(t, "POST", "/api/v1/regions", "admin", map[string]any{"code": code, "name_zh": "新村", "kind": "village"}).
		want(t, http.StatusCreated).decode(t, &created)
	if created.Code != code || created.Parent != township || created.Level != "village" {
		t.Errorf("created region %+v: want village %s under %s", created, code, township)
	}
	var renamed node
	b.do(t, "PATCH", "/api/v1/regions/"+code, "admin", map[string]any{"name_zh": "幸福新村"}).want(t, http.StatusOK).decode(t, &renamed)
	if renamed.NameZH != "幸福新村" {
		t.Errorf("renamed region %+v", renamed)
	}
	pb := b.do(t, "POST", "/api/v1/regions", "admin", map[string]any{"code": "652301000001", "name_zh": "x"}).problem(t, http.StatusUnprocessableEntity)
	if _, ok := pb.field("code"); !ok {
		t.Errorf("errors %+v do not name code", pb.Errors)
	}
}

func TestAudit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	in := b.createPerson(t, "admin", villages(t, "652301", 1)[0], 81)
	out := b.createPerson(t, "admin", villages(t, "652302", 1)[0], 82)
	b.do(t, "GET", fmt.Sprintf("/api/v1/persons/%d", in.ID), "cw1", nil).want(t, http.StatusOK)

	b.do(t, "GET", "/api/v1/audit", "cw1", nil).problem(t, http.StatusForbidden)

	type event struct {
		Seq        int64  `json:"seq"`
		Action     string `json:"action"`
		EntityID   string `json:"entity_id"`
		RegionCode string `json:"region_code"`
		Hash       string `json:"hash"`
	}
	walk := func(user string) []event {
		var all []event
		after := int64(0)
		for range 100 {
			var page listJSON[event]
			b.do(t, "GET", fmt.Sprintf("/api/v1/audit?limit=2&after=%d", after), user, nil).want(t, http.StatusOK).decode(t, &page)
			all = append(all, page.Items...)
			if page.NextAfter == nil {
				return all
			}
			after = *page.NextAfter
		}
		t.Fatal("audit pagination does not end")
		return nil
	}
	b.token(t, "auditor1") // signing in is audited: do it before the walk
	all := walk("auditor")
	var read bool
	for i, e := range all {
		if i > 0 && e.Seq != all[i-1].Seq+1 {
			t.Errorf("prefecture auditor: event %d follows %d, want consecutive", e.Seq, all[i-1].Seq)
		}
		if e.Action == "person.read" && e.EntityID == fmt.Sprint(in.ID) {
			read = true
		}
	}
	if !read {
		t.Errorf("no person.read event for person %d in %+v", in.ID, all)
	}
	for _, e := range walk("auditor1") {
		if !strings.HasPrefix(e.RegionCode, "652301") {
			t.Errorf("county auditor of 652301 sees event %+v", e)
		}
		if e.EntityID == fmt.Sprint(out.ID) {
			t.Errorf("county auditor of 652301 sees an event of person %d of 652302", out.ID)
		}
	}

	n, err := b.db.AuditEvents(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(n) != len(all) {
		t.Errorf("prefecture auditor walked %d events, the store has %d", len(all), len(n))
	}
}
