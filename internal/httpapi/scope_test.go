package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"safetynet/internal/period"
)

// missingKey is a key no record has in a fresh test database.
const missingKey = 987654

// sameAnswer sends a request naming a record outside cw1's scope and the
// same request naming a record that does not exist, and fails unless both
// answers are the same refusal: the same status, 404 or 422, and the same
// body once the key named is written as N.
func sameAnswer(t *testing.T, b *testBundle, method, path, bodyJSON string, out int64) {
	t.Helper()
	send := func(key int64) (int, string) {
		p := strings.ReplaceAll(path, "{key}", fmt.Sprint(key))
		var body any
		if bodyJSON != "" {
			body = strings.ReplaceAll(bodyJSON, "{key}", fmt.Sprint(key))
		}
		r := b.do(t, method, p, "cw1", body)
		var m map[string]any
		if err := json.Unmarshal(r.body, &m); err != nil {
			t.Fatalf("%s %s: body %s: %v", method, p, r.body, err)
		}
		delete(m, "request_id")
		norm, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return r.status, regexp.MustCompile(`\b`+fmt.Sprint(key)+`\b`).ReplaceAllString(string(norm), "N")
	}
	gotStatus, got := send(out)
	wantStatus, want := send(missingKey)
	if gotStatus != wantStatus || got != want {
		t.Errorf("%s %s: outside the scope %d %s; missing %d %s; want the same answer", method, path, gotStatus, got, wantStatus, want)
	}
	if gotStatus != http.StatusNotFound && gotStatus != http.StatusUnprocessableEntity {
		t.Errorf("%s %s: status %d, want 404 or 422", method, path, gotStatus)
	}
	if strings.Contains(got, "652302") {
		t.Errorf("%s %s: the answer %s names the record's region", method, path, got)
	}
}

// TestOutOfScopeLooksMissing checks that a caseworker who names a record
// outside their county, in a read, a change or a write linking it to a
// record of their own, gets the very answer they get for a record that
// does not exist, without any detail of it.
func TestOutOfScopeLooksMissing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v1, v2 := villages(t, "652301", 1)[0], villages(t, "652302", 1)[0]
	near := b.createPerson(t, "admin", v1, 31)
	far := b.createPerson(t, "admin", v2, 32)
	var farHousehold struct {
		ID int64 `json:"id"`
	}
	b.do(t, "POST", "/api/v1/households", "admin", map[string]any{
		"region_code": v2, "hukou_type": "rural", "members": []map[string]any{{"person_id": far.ID, "relation": "head"}},
	}).want(t, http.StatusCreated).decode(t, &farHousehold)
	nearOrg := b.createOrg(t, "admin", "652301", "MA7BCP01")
	farOrg := b.createOrg(t, "admin", "652302", "MA7BCP02")
	today := period.DateOf(time.Now().In(time.FixedZone("CST", 8*3600)))

	for _, c := range []struct {
		method, path, body string
		out                int64
	}{
		{"GET", "/api/v1/persons/{key}", "", far.ID},
		{"PATCH", "/api/v1/persons/{key}", `{"version":1,"name":"张三"}`, far.ID},
		{"POST", "/api/v1/persons/{key}/death", `{"death_date":"` + today.String() + `","source":"family_report"}`, far.ID},
		{"GET", "/api/v1/persons/{key}/disabilities", "", far.ID},
		{"POST", "/api/v1/persons/{key}/disabilities", `{"kind":"physical","grade":2,"issued":"2020-01-01"}`, far.ID},
		{"GET", "/api/v1/persons/{key}/bank-accounts", "", far.ID},
		{"POST", "/api/v1/persons/{key}/bank-accounts", `{"bank_code":"XJRCU","bank_name":"新疆农信","account_no":"6228480012345678","account_name":"王芳"}`, far.ID},
		{"GET", "/api/v1/households/{key}", "", farHousehold.ID},
		{"PATCH", "/api/v1/households/{key}", `{"version":1,"hukou_type":"urban"}`, farHousehold.ID},
		{"GET", "/api/v1/organisations/{key}", "", farOrg},
		{"GET", "/api/v1/organisations/{key}/bank-accounts", "", farOrg},
		// Writes that link a record of one's own to the one named.
		{"POST", "/api/v1/employment", fmt.Sprintf(`{"person_id":{key},"org_id":%d,"start":"2021-03-01","monthly_wage":520000}`, nearOrg), far.ID},
		{"POST", "/api/v1/employment", fmt.Sprintf(`{"person_id":%d,"org_id":{key},"start":"2021-03-01","monthly_wage":520000}`, near.ID), farOrg},
		{"POST", "/api/v1/households", fmt.Sprintf(`{"region_code":"%s","hukou_type":"rural","members":[{"person_id":%d,"relation":"head"},{"person_id":{key},"relation":"spouse"}]}`, v1, near.ID), far.ID},
		{"POST", "/api/v1/signals", `{"signals":[{"person_id":{key},"kind":"hospital_bill","source":"medical_insurance","occurred_on":"` + today.AddDays(-5).String() + `","amount":1200000}]}`, far.ID},
		{"POST", "/api/v1/signals", `{"signals":[{"person_id":{key},"name":"王芳","kind":"unemployment","source":"tax","occurred_on":"` + today.AddDays(-5).String() + `"}]}`, far.ID},
		{"POST", "/api/v1/enrolments", fmt.Sprintf(`{"person_id":{key},"scheme":"employee_pension","kind":"employer","org_id":%d,"start":"2025-01","base":500000}`, nearOrg), far.ID},
	} {
		sameAnswer(t, b, c.method, c.path, c.body, c.out)
	}

	// Nothing was written for the person outside the scope.
	var spells listJSON[struct {
		ID int64 `json:"id"`
	}]
	b.do(t, "GET", fmt.Sprintf("/api/v1/employment?person_id=%d", far.ID), "admin", nil).want(t, http.StatusOK).decode(t, &spells)
	if len(spells.Items) != 0 {
		t.Errorf("employment of person %d outside cw1's scope: %+v, want none", far.ID, spells.Items)
	}
}
