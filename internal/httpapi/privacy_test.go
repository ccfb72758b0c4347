package httpapi_test

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"safetynet/internal/ids"
	"safetynet/internal/period"
)

// privacySeed is a small registry with a case of every kind that shows a
// person: a 低保 household taken to an award, a pension award, an alert,
// a bank account, with the keys of what was made.
type privacySeed struct {
	persons   []int64
	household int64
	caseID    int64
	award     int64 // assistance award
	pension   int64 // pension award
	alert     int64
	meansTest int64
	batch     int64 // payment batch
	identity  int64 // identity change, pending
	// extra are secrets that are no seeded person's now: the new ID
	// number of the pending identity change and its birth date.
	extra []secret
}

// seedPrivacy builds a privacySeed through the API, as cw1 and approver.
func seedPrivacy(t *testing.T, b *testBundle) privacySeed {
	t.Helper()
	var s privacySeed
	v := villages(t, "652301", 1)[0]
	person := func(seq int) int64 {
		var p personJSON
		b.do(t, "POST", "/api/v1/persons", "cw1", map[string]any{
			"id_number": residentID(t, seq), "name": "马建国", "ethnicity": "hui", "hukou_type": "rural", "hukou_region": "652301",
			"region_code": v, "phone": fmt.Sprintf("139%08d", 10000000+seq),
		}).want(t, http.StatusCreated).decode(t, &p)
		s.persons = append(s.persons, p.ID)
		return p.ID
	}
	head, spouse := person(41), person(42)
	var acct struct {
		ID int64 `json:"id"`
	}
	b.do(t, "POST", fmt.Sprintf("/api/v1/persons/%d/bank-accounts", head), "cw1", map[string]any{
		"bank_code": "XJRCU", "bank_name": "新疆农信", "account_no": "6228480012345678", "account_name": "马建国", "primary": true,
	}).want(t, http.StatusCreated).decode(t, &acct)
	// A second user confirms the account before anything is paid to it.
	b.do(t, "POST", fmt.Sprintf("/api/v1/bank-accounts/%d/decision", acct.ID), "approver", map[string]any{"outcome": "approve"}).want(t, http.StatusOK)
	var h struct {
		ID int64 `json:"id"`
	}
	b.do(t, "POST", "/api/v1/households", "cw1", map[string]any{
		"region_code": v, "hukou_type": "rural",
		"members": []map[string]any{{"person_id": head, "relation": "head"}, {"person_id": spouse, "relation": "spouse"}},
	}).want(t, http.StatusCreated).decode(t, &h)
	s.household = h.ID

	var c struct {
		ID      int64 `json:"id"`
		Version int64 `json:"version"`
		AwardID int64 `json:"award_id"`
	}
	b.do(t, "POST", "/api/v1/assistance-cases", "cw1", map[string]any{"programme": "dibao", "household_id": h.ID, "channel": "online"}).
		want(t, http.StatusCreated).decode(t, &c)
	s.caseID = c.ID
	path := fmt.Sprintf("/api/v1/assistance-cases/%d", c.ID)
	members := []map[string]any{{"person_id": head, "has_supporter": true}, {"person_id": spouse, "has_supporter": true}}
	lines := []map[string]any{{"person_id": head, "kind": "income.wage", "amount": 360_000}, {"person_id": spouse, "kind": "income.wage", "amount": 360_000}}
	b.do(t, "POST", path+"/investigation", "cw1", map[string]any{"version": c.Version, "heating_type": "self_heating", "members": members, "lines": lines}).
		want(t, http.StatusOK).decode(t, &c)
	b.do(t, "POST", path+"/assessment", "cw1", map[string]any{"version": c.Version}).want(t, http.StatusOK).decode(t, &c)
	b.now.Set(func() time.Time { return time.Now().AddDate(0, 0, 8) })
	b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "approve", "version": c.Version, "note": "同意"}).want(t, http.StatusOK).decode(t, &c)
	s.award = c.AwardID
	// The month's payment, to the head's account, in a bank batch.
	payMonth := period.DateOf(time.Now().AddDate(0, 0, 8).In(time.FixedZone("CST", 8*3600))).Period().String()
	b.do(t, "POST", "/api/v1/assistance-runs", "cw1", map[string]any{"period": payMonth}).want(t, http.StatusOK)
	var gen struct {
		ByFund map[string]int64 `json:"by_fund"`
	}
	b.do(t, "POST", "/api/v1/payment-runs", "cw1", map[string]any{"period": payMonth}).want(t, http.StatusOK).decode(t, &gen)
	for fund := range gen.ByFund {
		var bt struct {
			ID int64 `json:"id"`
		}
		b.do(t, "POST", "/api/v1/payment-batches", "cw1", map[string]any{"fund": fund, "bank_code": "XJRCU", "period": payMonth}).
			want(t, http.StatusCreated).decode(t, &bt)
		s.batch = bt.ID
	}
	if s.batch == 0 {
		t.Fatalf("no payment batch: the run made %v", gen.ByFund)
	}
	b.now.Set(time.Now)
	var tests listJSON[struct {
		ID int64 `json:"id"`
	}]
	b.do(t, "GET", "/api/v1/means-tests", "admin", nil).want(t, http.StatusOK).decode(t, &tests)
	if len(tests.Items) == 0 {
		t.Fatal("no means test after the investigation")
	}
	s.meansTest = tests.Items[0].ID

	man := b.createRetiree(t, "cw1", v, 11)
	s.persons = append(s.persons, man.ID)
	var a awardJSON
	b.do(t, "POST", "/api/v1/awards", "cw1", map[string]any{
		"person_id": man.ID, "scheme": "employee_pension", "retirement_group": "male", "deemed_months": 360,
		"start": "2025-01", "deemed_wage_index": "0",
	}).want(t, http.StatusCreated).decode(t, &a)
	s.pension = a.ID

	today := period.DateOf(time.Now().In(time.FixedZone("CST", 8*3600)))
	b.do(t, "POST", "/api/v1/signals", "cw1", map[string]any{"signals": []any{
		map[string]any{"person_id": head, "kind": "hospital_bill", "source": "medical_insurance",
			"occurred_on": today.AddDays(-5).String(), "amount": 1200000, "detail": "住院"},
		map[string]any{"person_id": spouse, "kind": "earner_death", "source": "public_security", "occurred_on": today.AddDays(-3).String()},
	}}).want(t, http.StatusCreated)
	b.do(t, "POST", "/api/v1/signal-runs", "cw1", map[string]any{}).want(t, http.StatusOK)
	var alerts listJSON[alertJSON]
	b.do(t, "GET", "/api/v1/alerts", "cw1", nil).want(t, http.StatusOK).decode(t, &alerts)
	if len(alerts.Items) == 0 {
		t.Fatal("no alert after processing the signals")
	}
	s.alert = alerts.Items[0].ID

	// A pending change of the retiree's ID number: both numbers are
	// personal data.
	newID, err := ids.MakeResidentID("652301", period.MustDate(1958, time.October, 7), 13)
	if err != nil {
		t.Fatal(err)
	}
	var ic struct {
		ID int64 `json:"id"`
	}
	b.do(t, "PATCH", fmt.Sprintf("/api/v1/persons/%d", man.ID), "cw1", map[string]any{"version": man.Version, "id_number": newID, "reason": "公安户籍更正"}).
		want(t, http.StatusAccepted).decode(t, &ic)
	s.identity = ic.ID
	s.extra = []secret{{string(newID), "ID number"}, {"1958-10-07", "birth date"}, {"1958年10月7日", "birth date"}, {"1958年10月07日", "birth date"}}
	return s
}

// secret is a value a role without the PII permission must never receive,
// and what it is.
type secret struct{ value, what string }

// secretsOf reads, as the administrator, the full ID numbers, birth dates
// (in the forms a page or a document may write them), phones and account
// numbers of the seeded persons.
func secretsOf(t *testing.T, b *testBundle, s privacySeed) []secret {
	t.Helper()
	out := append([]secret(nil), s.extra...)
	for _, id := range s.persons {
		var p personJSON
		b.do(t, "GET", fmt.Sprintf("/api/v1/persons/%d", id), "admin", nil).want(t, http.StatusOK).decode(t, &p)
		d, err := period.ParseDate(p.BirthDate)
		if err != nil || len(p.IDNumber) != 18 {
			t.Fatalf("the administrator reads person %d as %+v, want the full ID number and birth date", id, p)
		}
		y, m, day := d.Time().Date()
		out = append(out,
			secret{p.IDNumber, "ID number"},
			secret{p.BirthDate, "birth date"},
			secret{fmt.Sprintf("%d年%d月%d日", y, int(m), day), "birth date"},
			secret{fmt.Sprintf("%d年%02d月%02d日", y, int(m), day), "birth date"},
			secret{fmt.Sprintf("%d/%02d/%02d", y, int(m), day), "birth date"},
		)
		if p.Phone != "" {
			out = append(out, secret{p.Phone, "phone"})
		}
		var accts listJSON[struct {
			AccountNo string `json:"account_no"`
		}]
		b.do(t, "GET", fmt.Sprintf("/api/v1/persons/%d/bank-accounts", id), "admin", nil).want(t, http.StatusOK).decode(t, &accts)
		for _, a := range accts.Items {
			out = append(out, secret{a.AccountNo, "account number"})
		}
	}
	return out
}

// TestNoPersonalDataWithoutPII calls every GET route of the API, with the
// keys of a seeded database, as each role without the permission to see
// personal data, and fails if any answer holds a full ID number, a full
// birth date (which with the masked ID number rebuilds it), a full phone
// or a full account number of a seeded person.
func TestNoPersonalDataWithoutPII(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := seedPrivacy(t, b)
	secrets := secretsOf(t, b, s)
	if len(secrets) < 3*5+3 {
		t.Fatalf("only %d secrets to look for", len(secrets))
	}

	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	b.do(t, "GET", "/api/v1/openapi.json", "", nil).want(t, http.StatusOK).decode(t, &doc)
	keyOf := map[string]string{
		"persons": fmt.Sprint(s.persons[0]), "households": fmt.Sprint(s.household), "assistance-cases": fmt.Sprint(s.caseID),
		"assistance-awards": fmt.Sprint(s.award), "awards": fmt.Sprint(s.pension), "alerts": fmt.Sprint(s.alert),
		"means-tests": fmt.Sprint(s.meansTest), "identity-changes": fmt.Sprint(s.identity), "payment-batches": fmt.Sprint(s.batch), "programmes": "dibao", "regions": "652301", "parameters": "dibao.standard.rural",
	}
	month := period.DateOf(time.Now().In(time.FixedZone("CST", 8*3600))).Period().String()
	// The dated query parameters a route declares get the current month
	// (an undeclared one would be refused).
	today := period.DateOf(time.Now().In(time.FixedZone("CST", 8*3600)))
	dated := map[string]string{"period": month, "from": month, "to": month, "as_of": today.String(), "year": fmt.Sprint(today.Year())}
	var paths []string
	query := map[string]string{}
	for p, ops := range doc.Paths {
		op, ok := ops["get"]
		if !ok {
			continue
		}
		paths = append(paths, p)
		var q []string
		for _, prm := range op.Parameters {
			if v, ok := dated[prm.Name]; ok && prm.In == "query" {
				q = append(q, prm.Name+"="+v)
			}
		}
		sort.Strings(q)
		if len(q) > 0 {
			query[p] = "?" + strings.Join(q, "&")
		}
	}
	sort.Strings(paths)
	var urls []string
	for _, p := range paths {
		segs := strings.Split(p, "/")
		for i, seg := range segs {
			if strings.HasPrefix(seg, "{") {
				k, ok := keyOf[segs[i-1]]
				if !ok {
					k = "1"
				}
				segs[i] = k
			}
		}
		u := strings.Join(segs, "/")
		urls = append(urls, u)
		if q := query[p]; q != "" {
			urls = append(urls, u+q)
		}
		if strings.HasPrefix(p, "/api/v1/persons/{id}") {
			// Every seeded person, the retiree too.
			for _, id := range s.persons[1:] {
				urls = append(urls, strings.Replace(u, "/persons/"+keyOf["persons"], fmt.Sprintf("/persons/%d", id), 1))
			}
		}
	}

	checked := map[string]bool{}
	for _, user := range []string{"cw1", "auditor", "analyst"} {
		for _, u := range urls {
			r := b.do(t, "GET", u, user, nil)
			if r.status != http.StatusOK || len(r.body) < 3 {
				continue
			}
			checked[u] = true
			body := string(r.body)
			for _, sec := range secrets {
				if strings.Contains(body, sec.value) {
					t.Errorf("GET %s as %s holds the %s %s", u, user, sec.what, sec.value)
				}
			}
		}
	}
	// The sweep must have read the records that show persons.
	for _, must := range []string{
		"/api/v1/persons/" + keyOf["persons"], "/api/v1/households/" + keyOf["households"] + "/classification" + query["/api/v1/households/{id}/classification"],
		"/api/v1/means-tests/" + keyOf["means-tests"], "/api/v1/awards/" + keyOf["awards"], "/api/v1/awards/" + keyOf["awards"] + "/calculation",
		"/api/v1/assistance-awards/" + keyOf["assistance-awards"], "/api/v1/assistance-cases/" + keyOf["assistance-cases"],
		"/api/v1/alerts/" + keyOf["alerts"], "/api/v1/persons/" + keyOf["persons"] + "/bank-accounts",
		"/api/v1/payment-batches/" + keyOf["payment-batches"], "/api/v1/payment-instructions",
		"/api/v1/identity-changes/" + keyOf["identity-changes"], "/api/v1/identity-changes",
	} {
		if !checked[must] {
			t.Errorf("GET %s answered nothing to check", must)
		}
	}
	if len(checked) < 40 {
		t.Errorf("only %d GET requests answered 200 with a body, want at least 40", len(checked))
	}
}
