package httpapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestApplicationRatingRoute rates an application finished at once (即办)
// at a bank outlet: the receiving clerk may not enter the rating, another
// staff member records it with the application's facts copied in, a poor
// one names its follow-up, a second rating and a rating of a running
// application are 409, a caseworker of another county 404, an analyst 403.
func TestApplicationRatingRoute(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		b := setupOn(t, open)
		b.setClock(time.Date(2026, time.November, 23, 2, 0, 0, 0, time.UTC))
		pt, ok := mustOffice().Points.Point("bank-652301-01")
		if !ok {
			t.Fatal("no bank outlet bank-652301-01")
		}
		tree, err := region.Default()
		if err != nil {
			t.Fatal(err)
		}
		village := tree.Descendants(pt.Region, region.Village)[0].Code
		if _, err := b.au.CreateUser(systemContext(), auth.NewUser{Username: "clerk1", DisplayName: "柜员", Password: testPassword,
			Role: auth.RoleClerk, Scope: pt.Region}); err != nil {
			t.Fatal(err)
		}
		p := b.createPerson(t, "cw1", village, 901)
		cert := map[string]any{"matter": "employee_pension_certificate", "channel": "bank", "point": pt.ID, "person_id": p.ID}
		var done, done2 applicationJSON
		b.do(t, "POST", "/api/v1/applications", "clerk1", cert).want(t, http.StatusCreated).decode(t, &done)
		b.do(t, "POST", "/api/v1/applications", "clerk1", cert).want(t, http.StatusCreated).decode(t, &done2)
		if done.Status != "completed" || done2.Status != "completed" {
			t.Fatalf("certificates %+v %+v; want completed at once", done, done2)
		}
		path := "/api/v1/applications/" + url.PathEscape(done.No) + "/rating"
		good := map[string]any{"level": 5, "comment": "很快", "rated_via": "counter"}
		b.do(t, "POST", path, "clerk1", good).problem(t, http.StatusForbidden)
		b.do(t, "POST", path, "analyst", good).problem(t, http.StatusForbidden)
		b.do(t, "POST", path, "cw2", good).problem(t, http.StatusNotFound)
		var rt struct {
			ApplicationNo string `json:"application_no"`
			PointID       string `json:"point_id"`
			Channel       string `json:"channel"`
			MatterID      string `json:"matter_id"`
			Level         int    `json:"level"`
			FollowUpID    int64  `json:"follow_up_id"`
		}
		b.do(t, "POST", path, "cw1", good).want(t, http.StatusCreated).decode(t, &rt)
		if rt.ApplicationNo != done.No || rt.PointID != pt.ID || rt.Channel != "bank" || rt.MatterID != "employee_pension_certificate" || rt.Level != 5 || rt.FollowUpID != 0 {
			t.Errorf("rating %+v; want the application's facts and no follow-up", rt)
		}
		b.do(t, "POST", path, "cw1", good).problem(t, http.StatusConflict)

		res := b.do(t, "POST", "/api/v1/applications/"+url.PathEscape(done2.No)+"/rating", "cw1",
			map[string]any{"level": 1, "comment": "排队太久", "rated_via": "mobile"}).want(t, http.StatusCreated)
		if loc := res.header.Get("Location"); !strings.HasPrefix(loc, "/api/v1/ratings/follow-ups/") {
			t.Errorf("poor rating Location %q; want its follow-up", loc)
		}

		enrol := map[string]any{"matter": "flexible_employment_enrol", "channel": "bank", "point": pt.ID, "person_id": p.ID,
			"form": map[string]any{"kind": "flexible", "start": "2026-11", "base": 500000}}
		var a applicationJSON
		b.do(t, "POST", "/api/v1/applications", "clerk1", enrol).want(t, http.StatusCreated).decode(t, &a)
		b.do(t, "POST", "/api/v1/applications/"+url.PathEscape(a.No)+"/rating", "cw1", good).problem(t, http.StatusConflict)
	})
}
