package httpapi_test

import (
	"net/http"
	"testing"
	"time"

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
