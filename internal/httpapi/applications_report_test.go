package httpapi_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"safetynet/internal/auth"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// appReportJSON is the handling report as the API answers it.
type appReportJSON struct {
	By     string `json:"by"`
	Groups []struct {
		Key        string `json:"key"`
		Name       string `json:"name"`
		Received   int64  `json:"received"`
		Online     int64  `json:"online"`
		OnlineRate string `json:"online_rate"`
	} `json:"groups"`
	Total struct {
		Received   int64  `json:"received"`
		Completed  int64  `json:"completed"`
		Online     int64  `json:"online"`
		OnlineRate string `json:"online_rate"`
		OnTime     int64  `json:"on_time"`
		OnTimeRate string `json:"on_time_rate"`
	} `json:"total"`
}

// TestApplicationReportRoutes: a clerk prints two certificates at once
// (即办), one at a bank outlet and one online; the report by channel counts
// two received, one online (线上办理率 50.00%), both on time; the XLSX
// download has the zh-CN header and the rate in its cell; a caseworker of
// another county counts none of them and may not ask for Changji, a bad
// grouping is a 422 naming by, and a signed-out caller is 401.
func TestApplicationReportRoutes(t *testing.T) {
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
		p := b.createPerson(t, "cw1", village, 902)
		for _, c := range []map[string]any{
			{"matter": "employee_pension_certificate", "channel": "bank", "point": pt.ID, "person_id": p.ID},
			{"matter": "employee_pension_certificate", "channel": "online", "person_id": p.ID},
		} {
			var a applicationJSON
			b.do(t, "POST", "/api/v1/applications", "clerk1", c).want(t, http.StatusCreated).decode(t, &a)
			if a.Status != "completed" {
				t.Fatalf("certificate %+v; want completed at once", a)
			}
		}
		const q = "?from=2026-11-01&to=2026-11-30&by=channel"
		for _, user := range []string{"cw1", "analyst", "approver", "auditor"} {
			var rep appReportJSON
			b.do(t, "GET", "/api/v1/applications/report"+q, user, nil).want(t, http.StatusOK).decode(t, &rep)
			if rep.Total.Received != 2 || rep.Total.Online != 1 || rep.Total.OnlineRate != "50.00%" || rep.Total.OnTime != 2 ||
				rep.Total.OnTimeRate != "100.00%" || len(rep.Groups) != 2 {
				t.Errorf("%s: report %+v; want 2 received, 1 online at 50.00%%, both on time", user, rep)
			}
		}
		var rep appReportJSON
		b.do(t, "GET", "/api/v1/applications/report"+q, "cw2", nil).want(t, http.StatusOK).decode(t, &rep)
		if rep.Total.Received != 0 || len(rep.Groups) != 0 {
			t.Errorf("Fukang's caseworker counts %+v; want none of Changji's", rep)
		}
		b.do(t, "GET", "/api/v1/applications/report"+q+"&region=652301", "cw2", nil).problem(t, http.StatusForbidden)
		wantField(t, b.do(t, "GET", "/api/v1/applications/report?from=2026-11-01&to=2026-11-30&by=colour", "cw1", nil).
			problem(t, http.StatusUnprocessableEntity), "by")
		wantField(t, b.do(t, "GET", "/api/v1/applications/report?from=2026-11-30&to=2026-11-01", "cw1", nil).
			problem(t, http.StatusUnprocessableEntity), "to")
		b.do(t, "GET", "/api/v1/applications/report"+q, "", nil).problem(t, http.StatusUnauthorized)

		r := b.do(t, "GET", "/api/v1/applications/report.xlsx"+q, "cw1", nil).want(t, http.StatusOK)
		if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="banjian-tongji-channel-20261101-20261130.xlsx"` {
			t.Errorf("Content-Disposition = %q", cd)
		}
		path := filepath.Join(t.TempDir(), "report.xlsx")
		if err := os.WriteFile(path, r.body, 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatalf("open the workbook: %v", err)
		}
		defer f.Close()
		rows, err := f.GetRows("政务服务统计")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || rows[0][1] != "受理渠道" || rows[0][9] != "线上办理率" || rows[3][1] != "合计" || rows[3][9] != "50.00%" || rows[3][2] != "2" {
			t.Errorf("workbook %q; want the channels, then 合计 with 2 received at 50.00%%", rows)
		}
	})
}
