package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"safetynet/internal/auth"
	"safetynet/internal/crossprov"
	"safetynet/internal/ids"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// crossJSON is a cross-province request as the API answers it.
type crossJSON struct {
	ID             int64  `json:"id"`
	Kind           string `json:"kind"`
	PersonID       int64  `json:"person_id"`
	Status         string `json:"status"`
	StatusText     string `json:"status_text"`
	Balance        int64  `json:"balance"`
	RecordRef      string `json:"record_ref"`
	TransferStatus string `json:"transfer_status"`
}

// TestCrossProvinceRoutes: a caseworker starts a transfer out; the
// applicant follows it to completion; a caseworker of another county and
// a citizen reading someone else's request get 404; bad input is a 422
// naming the field.
func TestCrossProvinceRoutes(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		b := setupOn(t, open)
		vs := villages(t, "652301", 2)
		p := b.createPerson(t, "cw1", vs[0], 801)
		other := b.createPerson(t, "cw1", vs[1], 802)
		b.do(t, "POST", fmt.Sprintf("/api/v1/persons/%d/account/transfer-in", p.ID), "admin",
			map[string]any{"from_region": "440300", "on": b.now.Now().Format("2006-01-02"), "balance": 120000, "pooled": 30000, "months": 36}).want(t, http.StatusCreated)
		beijing := map[string]any{"province": "110000", "prefecture": "110100", "agency": "11010001"}
		start := func(user string, person int64) *result {
			return b.do(t, "POST", "/api/v1/cross-province/requests", user, map[string]any{"kind": "transfer_out", "person_id": person, "counterpart": beijing})
		}
		// Bad input, each field named; nothing is written.
		wantField(t, b.do(t, "POST", "/api/v1/cross-province/requests", "cw1", map[string]any{"kind": "transfer_out", "person_id": p.ID,
			"counterpart": map[string]any{"province": "650000", "agency": "x"}}).problem(t, http.StatusUnprocessableEntity), "counterpart.province")
		wantField(t, b.do(t, "POST", "/api/v1/cross-province/requests", "cw1", map[string]any{"kind": "transfer", "person_id": p.ID,
			"counterpart": beijing}).problem(t, http.StatusUnprocessableEntity), "kind")
		wantField(t, b.do(t, "POST", "/api/v1/cross-province/requests", "cw1", map[string]any{"kind": "certification", "person_id": p.ID,
			"counterpart": beijing}).problem(t, http.StatusUnprocessableEntity), "living_in")
		// Another county's person is answered as a missing one.
		wantField(t, start("cw2", p.ID).problem(t, http.StatusUnprocessableEntity), "person_id")
		wantField(t, start("cw1", 999999).problem(t, http.StatusUnprocessableEntity), "person_id")
		start("analyst", p.ID).problem(t, http.StatusForbidden)  // no insurance.write
		start("approver", p.ID).problem(t, http.StatusForbidden) // no insurance.write
		var r crossJSON
		start("cw1", p.ID).want(t, http.StatusCreated).decode(t, &r)
		if r.Status != "drafted" || r.Balance != 120000 || r.StatusText == "" || r.TransferStatus != "done" {
			t.Errorf("started = %+v", r)
		}
		path := fmt.Sprintf("/api/v1/cross-province/requests/%d", r.ID)
		b.do(t, "GET", path, "cw2", nil).problem(t, http.StatusNotFound)
		b.do(t, "GET", path, "", nil).problem(t, http.StatusUnauthorized)
		b.do(t, "GET", "/api/v1/cross-province/requests?person_id="+fmt.Sprint(p.ID), "cw2", nil).problem(t, http.StatusNotFound)
		b.do(t, "GET", "/api/v1/cross-province/requests?region=652302", "cw1", nil).problem(t, http.StatusForbidden)
		b.do(t, "GET", "/api/v1/cross-province/requests?person=1", "cw1", nil).problem(t, http.StatusUnprocessableEntity)

		// The exchange with the simulated counterpart, as the CLI runs it.
		sim := crossprov.NewSimulated(crossprov.Party{Province: "110000", Prefecture: "110100", Agency: "11010001"}, b.now.In(region.DefaultJurisdiction().Zone))
		if err := b.xp.Exchange(context.Background(), sim, 5); err != nil {
			t.Fatalf("Exchange: %v", err)
		}

		for _, nu := range []auth.NewUser{
			{Username: "citizen1", Role: auth.RoleCitizen, Scope: vs[0], PersonID: p.ID},
			{Username: "citizen2", Role: auth.RoleCitizen, Scope: vs[1], PersonID: other.ID},
		} {
			nu.DisplayName, nu.Password = "王芳", testPassword
			if _, err := b.au.CreateUser(systemContext(), nu); err != nil {
				t.Fatalf("create citizen: %v", err)
			}
		}
		b.do(t, "GET", path, "citizen1", nil).want(t, http.StatusOK).decode(t, &r)
		if r.Status != "completed" || r.StatusText != "已办结：养老保险关系已转出，对方已确认到账" {
			t.Errorf("the applicant reads %+v, want completed", r)
		}
		b.do(t, "GET", path, "citizen2", nil).problem(t, http.StatusNotFound)
		var list struct {
			Items     []crossJSON `json:"items"`
			NextAfter *int64      `json:"next_after"`
		}
		b.do(t, "GET", "/api/v1/cross-province/requests?person_id="+fmt.Sprint(p.ID), "citizen1", nil).want(t, http.StatusOK).decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != r.ID || list.NextAfter != nil {
			t.Errorf("the applicant's list = %+v", list)
		}
		b.do(t, "GET", "/api/v1/cross-province/requests?person_id="+fmt.Sprint(p.ID), "citizen2", nil).problem(t, http.StatusNotFound)
		wantField(t, b.do(t, "GET", "/api/v1/cross-province/requests", "citizen1", nil).problem(t, http.StatusUnprocessableEntity), "person_id")
		b.do(t, "GET", "/api/v1/cross-province/requests?limit=1", "cw1", nil).want(t, http.StatusOK).decode(t, &list)
		if len(list.Items) != 1 {
			t.Errorf("the county's list = %+v", list)
		}
		b.do(t, "GET", "/api/v1/cross-province/requests", "cw2", nil).want(t, http.StatusOK).decode(t, &list)
		if len(list.Items) != 0 {
			t.Errorf("another county's list = %+v, want empty", list)
		}
	})
}

// TestCrossProvinceIncomingRoutes: Beijing's 联系函 and certification
// request are tasks listed for the caseworker of the person's county and
// for nobody else; accepting transfers the pension out, once (a second
// accept is 409); a refusal needs a reason; a role without
// insurance.write gets 403; the requests of an application are listed by
// its number.
func TestCrossProvinceIncomingRoutes(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		b := setupOn(t, open)
		vs := villages(t, "652301", 1)
		p := b.createPerson(t, "admin", vs[0], 811) // admin: the ID numbers in full
		q := b.createPerson(t, "admin", vs[0], 812)
		today := b.now.Now().Format("2006-01-02")
		b.do(t, "POST", fmt.Sprintf("/api/v1/persons/%d/account/transfer-in", p.ID), "admin",
			map[string]any{"from_region": "440300", "on": today, "balance": 150000, "pooled": 30000, "months": 36}).want(t, http.StatusCreated)
		beijing := crossprov.Party{Province: "110000", Prefecture: "110100", Agency: "11010001"}
		zone := b.now.In(region.DefaultJurisdiction().Zone)
		deliver := func(kind crossprov.Kind, id string, name string, payload any) {
			m, err := crossprov.NewMessage(kind, beijing, b.xp.Self(), crossprov.Person{IDNumber: ids.ResidentID(id), Name: name}, "", zone.Now(), payload)
			if err != nil {
				t.Fatal(err)
			}
			doc, _ := m.Encode()
			if c, err := b.xp.Process(context.Background(), doc); err != nil || c != crossprov.Claimed {
				t.Fatalf("Process = %s, %v", c, err)
			}
		}
		deliver(crossprov.KindTransferContact, p.IDNumber, p.Name, &crossprov.TransferContact{AppliedOn: zone.Today()})
		deliver(crossprov.KindCertificationRequest, q.IDNumber, q.Name, &crossprov.CertificationRequest{LivingIn: "昌吉市"})

		type taskJSON struct {
			ID         int64  `json:"id"`
			Kind       string `json:"kind"`
			Status     string `json:"status"`
			StatusText string `json:"status_text"`
			PersonName string `json:"person_name"`
			RecordRef  string `json:"record_ref"`
		}
		var list struct {
			Items []taskJSON `json:"items"`
		}
		b.do(t, "GET", "/api/v1/cross-province/incoming?status=to_handle", "cw1", nil).want(t, http.StatusOK).decode(t, &list)
		if len(list.Items) != 2 || list.Items[0].Kind != "transfer_out" || list.Items[0].StatusText != "待办理" || list.Items[0].PersonName != p.Name {
			t.Fatalf("cw1's incoming = %+v", list.Items)
		}
		letter, cert := list.Items[0].ID, list.Items[1].ID
		var none struct {
			Items []taskJSON `json:"items"`
		}
		b.do(t, "GET", "/api/v1/cross-province/incoming", "cw2", nil).want(t, http.StatusOK).decode(t, &none)
		if len(none.Items) != 0 {
			t.Errorf("cw2 sees %+v", none.Items)
		}
		b.do(t, "GET", "/api/v1/cross-province/incoming", "analyst", nil).problem(t, http.StatusForbidden)
		b.do(t, "GET", "/api/v1/cross-province/incoming?status=done", "cw1", nil).problem(t, http.StatusUnprocessableEntity)
		accept := fmt.Sprintf("/api/v1/cross-province/incoming/%d/answer", letter)
		acceptBody := map[string]any{"outcome": "accept"}
		b.do(t, "GET", fmt.Sprintf("/api/v1/cross-province/incoming/%d", letter), "cw2", nil).problem(t, http.StatusNotFound)
		b.do(t, "POST", accept, "cw2", acceptBody).problem(t, http.StatusNotFound)
		b.do(t, "POST", accept, "approver", acceptBody).problem(t, http.StatusForbidden)
		wantField(t, b.do(t, "POST", accept, "cw1", map[string]any{"outcome": "maybe"}).problem(t, http.StatusUnprocessableEntity), "outcome")
		var got taskJSON
		b.do(t, "POST", accept, "cw1", acceptBody).want(t, http.StatusOK).decode(t, &got)
		if got.Status != "accepted" || got.RecordRef == "" {
			t.Errorf("accepted = %+v", got)
		}
		b.do(t, "POST", accept, "cw1", acceptBody).problem(t, http.StatusConflict)
		refuse := fmt.Sprintf("/api/v1/cross-province/incoming/%d/answer", cert)
		wantField(t, b.do(t, "POST", refuse, "cw1", map[string]any{"outcome": "refuse", "reason": ""}).problem(t, http.StatusUnprocessableEntity), "reason")
		b.do(t, "POST", refuse, "cw1", map[string]any{"outcome": "refuse", "reason": "经核查该人员不在本地居住"}).want(t, http.StatusOK).decode(t, &got)
		if got.Status != "refused" {
			t.Errorf("refused = %+v", got)
		}

		// An application's requests, by its number.
		b.do(t, "POST", "/api/v1/persons/"+fmt.Sprint(q.ID)+"/account/transfer-in", "admin",
			map[string]any{"from_region": "440300", "on": today, "balance": 10000, "pooled": 0, "months": 12}).want(t, http.StatusCreated)
		r, err := b.xp.Start(auth.WithPrincipal(context.Background(), auth.Principal{UserID: 99, Username: "cw1", Role: auth.RoleCaseworker, Scope: "652301"}), crossprov.StartRequest{Kind: crossprov.TransferOut, PersonID: registry.PersonID(q.ID), Counterpart: beijing, ApplicationNo: "SN65230120261208009"})
		if err != nil {
			t.Fatal(err)
		}
		var apps struct {
			Items []struct {
				crossJSON
				ApplicationNo string `json:"application_no"`
			} `json:"items"`
		}
		b.do(t, "GET", "/api/v1/cross-province/requests?application_no=SN65230120261208009", "cw1", nil).want(t, http.StatusOK).decode(t, &apps)
		if len(apps.Items) != 1 || apps.Items[0].ID != r.ID || apps.Items[0].ApplicationNo != "SN65230120261208009" || apps.Items[0].StatusText == "" {
			t.Errorf("the application's requests = %+v", apps.Items)
		}
	})
}
