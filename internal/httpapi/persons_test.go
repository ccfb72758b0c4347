package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestCreatePersonMasking(t *testing.T) {
	t.Parallel()
	b := setup(t)
	village := villages(t, "652301", 1)[0]
	full := string(residentID(t, 11))

	p := b.createPerson(t, "cw1", village, 11)
	if want := full[:6] + "********" + full[14:]; p.IDNumber != want {
		t.Errorf("caseworker sees id_number %q, want masked %q", p.IDNumber, want)
	}
	if p.Phone != "138****5678" {
		t.Errorf("caseworker sees phone %q, want 138****5678", p.Phone)
	}
	if p.BirthDate != "" {
		t.Errorf("caseworker sees birth_date %q, want it left out (it would unmask the ID number)", p.BirthDate)
	}
	if p.Gender != "M" || p.Age < 44 || !p.Alive || p.Version != 1 || p.RegionCode != string(village) || p.RegionName == "" {
		t.Errorf("person %+v: want gender M (odd sequence), an age, alive, version 1, region %s with its name", p, village)
	}

	for _, user := range []string{"admin", "approver"} {
		var got personJSON
		b.do(t, "GET", fmt.Sprintf("/api/v1/persons/%d", p.ID), user, nil).want(t, http.StatusOK).decode(t, &got)
		if got.IDNumber != full || got.Phone != "13812345678" || got.BirthDate != "1980-05-17" {
			t.Errorf("%s sees id_number %q, phone %q, birth_date %q; want them in full", user, got.IDNumber, got.Phone, got.BirthDate)
		}
	}
	for _, user := range []string{"auditor", "analyst", "cw1"} {
		var got personJSON
		b.do(t, "GET", fmt.Sprintf("/api/v1/persons/%d", p.ID), user, nil).want(t, http.StatusOK).decode(t, &got)
		if got.IDNumber == full || !strings.Contains(got.IDNumber, "*") {
			t.Errorf("%s sees id_number %q, want it masked", user, got.IDNumber)
		}
	}
}

func TestCreatePersonBadCheckDigit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	village := villages(t, "652301", 1)[0]
	id := string(residentID(t, 12))
	wrong := "0"
	if id[17] == '0' {
		wrong = "1"
	}
	bad := id[:17] + wrong

	b.token(t, "cw1") // signing in is audited: do it before counting
	before, err := b.db.AuditEvents(ctx, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	p := b.do(t, "POST", "/api/v1/persons", "cw1", map[string]any{
		"id_number": bad, "name": "李明", "ethnicity": "han", "hukou_type": "urban", "region_code": village,
	}).problem(t, http.StatusUnprocessableEntity)
	detail, ok := p.field("id_number")
	if !ok || !strings.Contains(detail, "check digit") {
		t.Errorf("errors %+v: want id_number with its check digit problem", p.Errors)
	}
	if strings.Contains(string(p.Detail)+detail, bad[6:14]) {
		t.Errorf("problem %+v repeats the birth date digits of the ID", p)
	}
	after, err := b.db.AuditEvents(ctx, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("audit events: %d before, %d after a rejected create; want no new event", len(before), len(after))
	}
	var list listJSON[personJSON]
	b.do(t, "GET", "/api/v1/persons", "admin", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("persons after a rejected create: %+v, want none", list.Items)
	}
}

func TestPersonCountyScope(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v1, v2 := villages(t, "652301", 1)[0], villages(t, "652302", 1)[0]
	in := b.createPerson(t, "admin", v1, 21)
	out := b.createPerson(t, "admin", v2, 22)

	b.do(t, "GET", fmt.Sprintf("/api/v1/persons/%d", out.ID), "cw1", nil).problem(t, http.StatusNotFound)
	b.do(t, "GET", fmt.Sprintf("/api/v1/persons/%d", in.ID), "cw1", nil).want(t, http.StatusOK)
	b.do(t, "GET", "/api/v1/persons?region=652302", "cw1", nil).problem(t, http.StatusForbidden)
	b.do(t, "PATCH", fmt.Sprintf("/api/v1/persons/%d", out.ID), "cw1", map[string]any{"version": 1, "name": "X"}).problem(t, http.StatusNotFound)
	b.do(t, "GET", fmt.Sprintf("/api/v1/persons/%d/bank-accounts", out.ID), "cw1", nil).problem(t, http.StatusNotFound)

	var list listJSON[personJSON]
	b.do(t, "GET", "/api/v1/persons", "cw1", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != in.ID {
		t.Errorf("cw1 lists %+v, want only person %d of 652301", list.Items, in.ID)
	}

	b.do(t, "POST", "/api/v1/persons", "cw1", map[string]any{
		"id_number": residentID(t, 23), "name": "张伟", "ethnicity": "han", "hukou_type": "urban", "region_code": v2,
	}).problem(t, http.StatusForbidden)
	b.do(t, "GET", "/api/v1/persons?region=652302", "cw2", nil).want(t, http.StatusOK)
}

func TestPatchPerson(t *testing.T) {
	t.Parallel()
	b := setup(t)
	village := villages(t, "652301", 2)
	p := b.createPerson(t, "cw1", village[0], 31)
	path := fmt.Sprintf("/api/v1/persons/%d", p.ID)

	// A move is applied at once; a rename is a request for a second user
	// (see TestIdentityChangeAPI).
	var got personJSON
	b.do(t, "PATCH", path, "cw1", map[string]any{"version": p.Version, "region_code": village[1]}).
		want(t, http.StatusOK).decode(t, &got)
	if got.Name != "王芳" || got.RegionCode != string(village[1]) || got.Version != p.Version+1 || got.Phone != "138****5678" {
		t.Errorf("patched person %+v: want the new region, version %d, the name and phone kept", got, p.Version+1)
	}
	b.do(t, "PATCH", path, "cw1", map[string]any{"version": got.Version, "name": "王芳芳", "reason": "户口簿变更页"}).want(t, http.StatusAccepted)

	tests := []struct {
		name   string
		body   any
		status int
		field  string // a field the problem must name, if any
	}{
		{"stale version", map[string]any{"version": p.Version, "address": "宁边路 1 号"}, http.StatusConflict, ""},
		{"missing version", map[string]any{"name": "赵六"}, http.StatusUnprocessableEntity, "version"},
		{"unknown field", map[string]any{"version": got.Version, "nmae": "赵六"}, http.StatusUnprocessableEntity, "nmae"},
		{"invalid value", map[string]any{"version": got.Version, "hukou_type": "city"}, http.StatusUnprocessableEntity, "hukou_type"},
		{"wrong type", `{"version": "two"}`, http.StatusBadRequest, "version"},
		{"malformed", `{"version": 2,`, http.StatusBadRequest, ""},
		{"syntax error", `{"version" 2}`, http.StatusBadRequest, ""},
		{"trailing data", `{"version": 2} {}`, http.StatusBadRequest, ""},
		{"empty body", ``, http.StatusBadRequest, ""},
		{"too large", `{"address": "` + strings.Repeat("x", 1<<20) + `"}`, http.StatusRequestEntityTooLarge, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pb := b.do(t, "PATCH", path, "cw1", tt.body).problem(t, tt.status)
			if tt.field != "" {
				if _, ok := pb.field(tt.field); !ok {
					t.Errorf("PATCH %v: errors %+v do not name %s", tt.body, pb.Errors, tt.field)
				}
			}
		})
	}
	t.Run("not JSON", func(t *testing.T) {
		req, _ := http.NewRequest("PATCH", b.url+path, strings.NewReader("name=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+b.token(t, "cw1"))
		send(t, req).problem(t, http.StatusUnsupportedMediaType)
	})
	t.Run("bad path id", func(t *testing.T) {
		b.do(t, "GET", "/api/v1/persons/abc", "cw1", nil).problem(t, http.StatusUnprocessableEntity)
		b.do(t, "GET", "/api/v1/persons/999999", "cw1", nil).problem(t, http.StatusNotFound)
	})
}

func TestRecordDeath(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.createPerson(t, "cw1", villages(t, "652301", 1)[0], 41)
	path := fmt.Sprintf("/api/v1/persons/%d/death", p.ID)

	pb := b.do(t, "POST", path, "cw1", map[string]any{"death_date": "2024-02-30", "source": "health"}).problem(t, http.StatusUnprocessableEntity)
	if _, ok := pb.field("death_date"); !ok {
		t.Errorf("errors %+v do not name death_date", pb.Errors)
	}
	var got personJSON
	b.do(t, "POST", path, "cw1", map[string]any{"death_date": "2024-03-01", "source": "public_security"}).want(t, http.StatusOK).decode(t, &got)
	if got.Alive || got.DeathDate != "2024-03-01" || got.Age != 43 {
		t.Errorf("after death: %+v, want dead on 2024-03-01 at 43", got)
	}
	b.do(t, "POST", path, "cw1", map[string]any{"death_date": "2024-03-01", "source": "public_security"}).problem(t, http.StatusConflict)

	var list listJSON[personJSON]
	b.do(t, "GET", "/api/v1/persons?alive=true", "cw1", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("alive=true lists %+v, want nobody", list.Items)
	}
}

func TestPersonPagination(t *testing.T) {
	t.Parallel()
	b := setup(t)
	vs := villages(t, "652301", 2)
	want := map[int64]bool{}
	for i := range 7 {
		want[b.createPerson(t, "admin", vs[i%2], 100+i).ID] = true
	}
	b.createPerson(t, "admin", villages(t, "652302", 1)[0], 200) // outside the filter

	seen := map[int64]int{}
	after, pages := int64(0), 0
	for {
		var page listJSON[personJSON]
		b.do(t, "GET", fmt.Sprintf("/api/v1/persons?region=652301&limit=3&after=%d", after), "cw1", nil).want(t, http.StatusOK).decode(t, &page)
		pages++
		for _, p := range page.Items {
			seen[p.ID]++
		}
		if page.NextAfter == nil {
			break
		}
		if len(page.Items) != 3 || *page.NextAfter != page.Items[2].ID {
			t.Fatalf("page %d: %d items, next_after %d; want 3 items and next_after the last key", pages, len(page.Items), *page.NextAfter)
		}
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		after = *page.NextAfter
	}
	if pages != 3 {
		t.Errorf("%d pages, want 3 (3+3+1)", pages)
	}
	for id := range want {
		if seen[id] != 1 {
			t.Errorf("person %d seen %d times, want once", id, seen[id])
		}
	}
	if len(seen) != len(want) {
		t.Errorf("saw %d persons, want %d", len(seen), len(want))
	}
}

func TestListBadQuery(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		path, param string
	}{
		{"/api/v1/persons?after=abc", "after"},
		{"/api/v1/persons?after=-1", "after"},
		{"/api/v1/persons?limit=0", "limit"},
		{"/api/v1/persons?limit=501", "limit"},
		{"/api/v1/persons?limit=ten", "limit"},
		{"/api/v1/persons?region=6523", "region"},
		{"/api/v1/persons?alive=maybe", "alive"},
		{"/api/v1/persons?id_number=123", "id_number"},
		{"/api/v1/households?person_id=x", "person_id"},
		{"/api/v1/employment?active_on=2024-13-01", "active_on"},
		{"/api/v1/organisations?region=65230x", "region"},
		{"/api/v1/regions?parent=1", "parent"},
		{"/api/v1/audit?after=z", "after"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			user := "cw1"
			if strings.HasPrefix(tt.path, "/api/v1/audit") {
				user = "auditor"
			}
			p := b.do(t, "GET", tt.path, user, nil).problem(t, http.StatusUnprocessableEntity)
			if _, ok := p.field(tt.param); !ok {
				t.Errorf("GET %s: errors %+v do not name %s", tt.path, p.Errors, tt.param)
			}
		})
	}
}

func TestPersonDisabilitiesAndBankAccounts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.createPerson(t, "cw1", villages(t, "652301", 1)[0], 51)
	base := fmt.Sprintf("/api/v1/persons/%d", p.ID)
	cert := string(residentID(t, 51)) + "42"

	var d struct {
		ID            int64  `json:"id"`
		Kind          string `json:"kind"`
		Severe        bool   `json:"severe"`
		CertificateNo string `json:"certificate_no"`
		RegionCode    string `json:"region_code"`
	}
	b.do(t, "POST", base+"/disabilities", "cw1", map[string]any{"kind": "physical", "grade": 2, "certificate_no": cert, "issued": "2020-06-01"}).
		want(t, http.StatusCreated).decode(t, &d)
	if d.ID == 0 || d.Kind != "physical" || !d.Severe || d.CertificateNo == cert || d.RegionCode != p.RegionCode {
		t.Errorf("disability %+v: want physical, severe, certificate masked for a caseworker, the person's region", d)
	}
	pb := b.do(t, "POST", base+"/disabilities", "cw1", map[string]any{"kind": "physical", "grade": 7, "issued": "2020-06-01"}).problem(t, http.StatusUnprocessableEntity)
	if _, ok := pb.field("grade"); !ok {
		t.Errorf("errors %+v do not name grade", pb.Errors)
	}
	b.do(t, "POST", "/api/v1/persons/999999/disabilities", "cw1", map[string]any{"kind": "physical", "grade": 2, "issued": "2020-06-01"}).problem(t, http.StatusNotFound)

	var ds listJSON[struct {
		CertificateNo string `json:"certificate_no"`
	}]
	b.do(t, "GET", base+"/disabilities", "approver", nil).want(t, http.StatusOK).decode(t, &ds)
	if len(ds.Items) != 1 || ds.Items[0].CertificateNo != cert {
		t.Errorf("approver lists disabilities %+v, want one with the full certificate number", ds.Items)
	}

	const account = "6222021234567891234"
	type accountJSON struct {
		ID        int64  `json:"id"`
		AccountNo string `json:"account_no"`
		Primary   bool   `json:"primary"`
		OwnerKind string `json:"owner_kind"`
	}
	var a accountJSON
	b.do(t, "POST", base+"/bank-accounts", "cw1", map[string]any{"bank_code": "ICBC", "bank_name": "工商银行", "account_no": account, "account_name": "王芳", "primary": true}).
		want(t, http.StatusCreated).decode(t, &a)
	if a.AccountNo != "***************1234" || a.Primary || a.OwnerKind != "person" {
		t.Errorf("caseworker sees account %+v, want ***************1234, person, not primary until confirmed", a)
	}
	var as listJSON[accountJSON]
	b.do(t, "GET", base+"/bank-accounts", "admin", nil).want(t, http.StatusOK).decode(t, &as)
	if len(as.Items) != 1 || as.Items[0].AccountNo != account {
		t.Errorf("admin lists accounts %+v, want one with the full number", as.Items)
	}
	pb = b.do(t, "POST", base+"/bank-accounts", "cw1", map[string]any{"bank_code": "ICBC", "bank_name": "工商银行", "account_no": "12ab", "account_name": "王芳"}).
		problem(t, http.StatusUnprocessableEntity)
	if _, ok := pb.field("account_no"); !ok {
		t.Errorf("errors %+v do not name account_no", pb.Errors)
	}
}
