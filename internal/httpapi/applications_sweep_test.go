package httpapi_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestOverdueListsLateDeferredMaterials: an enrolment accepted online
// with the labour contract to follow (容缺) by a promised date appears
// under deferred_overdue of the overdue list once the date has passed
// without it, and not before.
func TestOverdueListsLateDeferredMaterials(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		b := setupOn(t, open)
		b.setClock(time.Date(2026, time.November, 23, 2, 0, 0, 0, time.UTC))
		org := b.createOrg(t, "cw1", "652301", "MA0CXKW7")
		p := b.createPerson(t, "cw1", sqlstoretest.Village(t, "652301", 0), 902)
		var a applicationJSON
		b.do(t, "POST", "/api/v1/applications", "cw1", map[string]any{"matter": "employee_pension_enrol", "channel": "online",
			"organisation_id": org, "form": map[string]any{"person_id": p.ID, "start": "2026-11"},
			"materials": map[string]any{"id_card": map[string]any{"how": "uploaded"},
				"labour_contract": map[string]any{"how": "deferred", "promised": "2026-11-25"}}}).want(t, http.StatusCreated).decode(t, &a)
		if a.Status != "received" {
			t.Fatalf("received = %+v", a)
		}
		var list struct {
			DeferredOverdue []applicationJSON `json:"deferred_overdue"`
		}
		b.do(t, "GET", "/api/v1/applications/overdue", "cw1", nil).want(t, http.StatusOK).decode(t, &list)
		if list.DeferredOverdue == nil || len(list.DeferredOverdue) != 0 {
			t.Errorf("deferred_overdue before the promise = %+v, want an empty list", list.DeferredOverdue)
		}
		b.setClock(time.Date(2026, time.November, 26, 2, 0, 0, 0, time.UTC))
		b.do(t, "GET", "/api/v1/applications/overdue", "cw1", nil).want(t, http.StatusOK).decode(t, &list)
		if len(list.DeferredOverdue) != 1 || list.DeferredOverdue[0].No != a.No {
			t.Errorf("deferred_overdue after the promise = %+v, want %s", list.DeferredOverdue, a.No)
		}
	})
}

// TestApplicationShowsItsCrossProvinceRequest: a transfer of the pension
// out to Beijing received on the cross-province channel and approved
// waits completing, and its read shows the cross-province request it
// started, with its state.
func TestApplicationShowsItsCrossProvinceRequest(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		b := setupOn(t, open)
		b.setClock(time.Date(2026, time.November, 23, 2, 0, 0, 0, time.UTC))
		p := b.createPerson(t, "cw1", sqlstoretest.Village(t, "652301", 0), 903)
		if _, err := b.acc.TransferIn(sqlstoretest.Admin(), registry.PersonID(p.ID), insurance.TransferInRequest{FromRegion: "440300",
			On: period.MustDate(2026, time.November, 23), Balance: 123456, Pooled: 20000, Months: 30}); err != nil {
			t.Fatal(err)
		}
		var a applicationJSON
		b.do(t, "POST", "/api/v1/applications", "cw1", map[string]any{"matter": "pension_transfer_out", "channel": "cross_province",
			"person_id": p.ID, "form": map[string]any{"counterpart_province": "110000", "counterpart_agency": "11010001"},
			"materials": map[string]any{"id_card": map[string]any{"how": "uploaded"}, "transfer_contact_letter": map[string]any{"how": "uploaded"}}}).want(t, http.StatusCreated).decode(t, &a)
		if a.Status != "received" {
			t.Fatalf("received = %+v", a)
		}
		path := "/api/v1/applications/" + url.PathEscape(a.No)
		b.do(t, "POST", path+"/reviews", "cw1", map[string]any{"outcome": "pass"}).want(t, http.StatusOK)
		b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "approve"}).want(t, http.StatusOK)
		var read struct {
			Status        string `json:"status"`
			CrossProvince *struct {
				ApplicationNo string `json:"application_no"`
				Status        string `json:"status"`
				StatusText    string `json:"status_text"`
			} `json:"cross_province"`
		}
		b.do(t, "GET", path, "cw1", nil).want(t, http.StatusOK).decode(t, &read)
		if read.Status != "completing" || read.CrossProvince == nil || read.CrossProvince.ApplicationNo != a.No || read.CrossProvince.StatusText == "" {
			t.Errorf("read = %+v (request %+v); want completing with its cross-province request", read, read.CrossProvince)
		}
	})
}
