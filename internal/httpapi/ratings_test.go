package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// followUpJSON is a follow-up as a client reads it.
type followUpJSON struct {
	ID         int64  `json:"id"`
	Status     string `json:"status"`
	StatusText string `json:"status_text"`
	DueOn      string `json:"due_on"`
	Overdue    bool   `json:"overdue"`
	Version    int64  `json:"version"`
	AnsweredBy int64  `json:"answered_by"`
}

// TestRatingRoutes: a caseworker records a poor counter rating at a
// Changji City point, which opens a follow-up; a second rating of the
// application is 409; the point head of Changji City answers it, may not
// close it, a second head closes it; a head of Fukang gets 404, a
// caseworker 403 on the follow-up's changes, an analyst 403 on a rating;
// the counts per point show it; bad input is a 422 naming the field.
func TestRatingRoutes(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		b := setupOn(t, open)
		// Monday 2 November 2026, ten in the morning in Beijing.
		b.now.Set(func() time.Time { return time.Date(2026, time.November, 2, 2, 0, 0, 0, time.UTC) })
		for _, nu := range []auth.NewUser{
			{Username: "head1", Role: auth.RolePointHead, Scope: "652301"},
			{Username: "head2", Role: auth.RolePointHead, Scope: "652301"},
			{Username: "headfk", Role: auth.RolePointHead, Scope: "652302"},
		} {
			nu.DisplayName, nu.Password = "窗口负责人", testPassword
			if _, err := b.au.CreateUser(systemContext(), nu); err != nil {
				t.Fatalf("create %s: %v", nu.Username, err)
			}
		}
		vs := villages(t, "652301", 1)
		p := b.createPerson(t, "cw1", vs[0], 901)
		rating := func(no string, level int) map[string]any {
			return map[string]any{"application_no": no, "matter_id": "employer_registration", "department": "sibao", "point_id": "hall-652301",
				"channel": "window", "rated_via": "counter", "clerk_user_id": 0, "region_code": string(vs[0]), "level": level,
				"comment": "排队太久", "person_id": p.ID}
		}
		wantField(t, b.do(t, "POST", "/api/v1/ratings", "cw1", map[string]any{"application_no": "SN1", "matter_id": "employer_registration",
			"department": "sibao", "point_id": "hall-652301", "channel": "window", "rated_via": "fax", "region_code": string(vs[0]),
			"level": 9, "person_id": p.ID}).problem(t, http.StatusUnprocessableEntity), "level")
		b.do(t, "POST", "/api/v1/ratings", "analyst", rating("SN-H-1", 1)).problem(t, http.StatusForbidden)
		b.do(t, "POST", "/api/v1/ratings", "cw2", rating("SN-H-1", 1)).problem(t, http.StatusForbidden)
		var rt struct {
			FollowUpID int64  `json:"follow_up_id"`
			LevelText  string `json:"level_text"`
		}
		res := b.do(t, "POST", "/api/v1/ratings", "cw1", rating("SN-H-1", 1)).want(t, http.StatusCreated)
		res.decode(t, &rt)
		if rt.FollowUpID == 0 || rt.LevelText != "非常不满意" || res.header.Get("Location") != fmt.Sprintf("/api/v1/ratings/follow-ups/%d", rt.FollowUpID) {
			t.Fatalf("rating = %+v, Location %q; want a follow-up, 非常不满意", rt, res.header.Get("Location"))
		}
		b.do(t, "POST", "/api/v1/ratings", "cw1", rating("SN-H-1", 5)).problem(t, http.StatusConflict)
		b.do(t, "POST", "/api/v1/ratings", "cw1", rating("SN-H-2", 4)).want(t, http.StatusCreated)

		path := fmt.Sprintf("/api/v1/ratings/follow-ups/%d", rt.FollowUpID)
		var fu followUpJSON
		b.do(t, "GET", path, "head1", nil).want(t, http.StatusOK).decode(t, &fu)
		if fu.Status != "open" || fu.StatusText != "待整改" || fu.DueOn != "2026-11-09" {
			t.Fatalf("follow-up = %+v; want open, 待整改, due 2026-11-09", fu)
		}
		b.do(t, "GET", path, "headfk", nil).problem(t, http.StatusNotFound)
		var list struct {
			Items []followUpJSON `json:"items"`
		}
		b.do(t, "GET", "/api/v1/ratings/follow-ups?status=open", "head1", nil).want(t, http.StatusOK).decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != rt.FollowUpID {
			t.Fatalf("open follow-ups = %+v; want the one", list.Items)
		}
		b.do(t, "GET", "/api/v1/ratings/follow-ups?region=652302", "head1", nil).problem(t, http.StatusForbidden)
		b.do(t, "GET", "/api/v1/ratings/follow-ups?status=lost", "head1", nil).problem(t, http.StatusUnprocessableEntity)

		answer := map[string]any{"measures": "调整窗口排班，高峰期增开窗口", "contact": "电话回访，申请人表示理解", "contacted_on": "2026-11-02", "version": fu.Version}
		b.do(t, "POST", path+"/answer", "cw1", answer).problem(t, http.StatusForbidden)
		b.do(t, "POST", path+"/answer", "headfk", answer).problem(t, http.StatusNotFound)
		wantField(t, b.do(t, "POST", path+"/answer", "head1", map[string]any{"measures": "x", "contact": "y", "contacted_on": "2026-11-30"}).
			problem(t, http.StatusUnprocessableEntity), "contacted_on")
		b.do(t, "POST", path+"/answer", "head1", answer).want(t, http.StatusOK).decode(t, &fu)
		if fu.Status != "answered" {
			t.Fatalf("answered = %+v", fu)
		}
		b.do(t, "POST", path+"/close", "head1", map[string]any{"version": fu.Version}).problem(t, http.StatusForbidden)
		b.do(t, "POST", path+"/close", "head2", map[string]any{"note": "已核实", "version": fu.Version}).want(t, http.StatusOK).decode(t, &fu)
		if fu.Status != "closed" || fu.StatusText != "已办结" {
			t.Fatalf("closed = %+v", fu)
		}
		b.do(t, "GET", "/api/v1/ratings/follow-ups?mine=true", "head1", nil).want(t, http.StatusOK).decode(t, &list)
		if len(list.Items) != 1 {
			t.Errorf("mine = %d, want the one head1 answered", len(list.Items))
		}

		var counts struct {
			Rows []struct {
				Key              string   `json:"key"`
				Levels           [5]int64 `json:"levels"`
				SatisfactionRate string   `json:"satisfaction_rate"`
				Percent          string   `json:"satisfaction_percent"`
				FollowUpsClosed  int64    `json:"follow_ups_closed"`
			} `json:"rows"`
			Totals struct {
				Total int64 `json:"total"`
			} `json:"totals"`
		}
		b.do(t, "GET", "/api/v1/ratings/counts?by=point&from=2026-11-01&to=2026-11-30", "analyst", nil).want(t, http.StatusOK).decode(t, &counts)
		if len(counts.Rows) != 1 || counts.Rows[0].Key != "hall-652301" || counts.Rows[0].Levels != [5]int64{1, 0, 0, 1, 0} ||
			counts.Rows[0].SatisfactionRate != "50%" || counts.Rows[0].Percent != "50.00%" || counts.Rows[0].FollowUpsClosed != 1 || counts.Totals.Total != 2 {
			t.Fatalf("counts = %+v", counts)
		}
		b.do(t, "GET", "/api/v1/ratings/counts?by=point&from=2026-11-01&to=2026-11-30", "cw2", nil).want(t, http.StatusOK).decode(t, &counts)
		if len(counts.Rows) != 0 {
			t.Errorf("Fukang's caseworker counts %+v; want none", counts.Rows)
		}
		wantField(t, b.do(t, "GET", "/api/v1/ratings/counts?by=colour&from=2026-11-01&to=2026-11-30", "analyst", nil).
			problem(t, http.StatusUnprocessableEntity), "by")
	})
}
