package frontoffice_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"safetynet/internal/crossprov"
	"safetynet/internal/frontoffice"
	"safetynet/internal/insurance"
	"safetynet/internal/matters"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestCrossProvinceTransferThroughTheApplication receives a transfer of
// the pension out to Beijing on the cross-province channel: approved, the
// application waits completing on a cross-province request carrying its
// number, shown with it; the simulated Beijing agency confirms the funds
// through the adapter, and the sweeper finishes it (办结) with the
// applicant told.
func TestCrossProvinceTransferThroughTheApplication(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		p := o.pb.Person(t, o.village, 31)
		if _, err := o.a.Accounts.TransferIn(sqlstoretest.Admin(), p.ID, insurance.TransferInRequest{FromRegion: "440300", On: o.a.Clock.Today(),
			Balance: 123456, Pooled: 20000, Months: 30}); err != nil {
			t.Fatal(err)
		}
		beijing := crossprov.NewSimulated(crossprov.Party{Province: "110000", Prefecture: "110100", Agency: "11010001"}, o.a.Clock)
		a := o.throughTheOffice(t, frontoffice.Receipt{Matter: "pension_transfer_out", Channel: matters.CrossProvince, PersonID: p.ID},
			map[string]any{"counterpart_province": "110000", "counterpart_prefecture": "110100", "counterpart_agency": "11010001"})
		if a.Status != frontoffice.Completing || !strings.HasPrefix(a.ResultRef, "crossprov_request:") || !strings.HasPrefix(a.No, "SNXP") {
			t.Fatalf("approved %+v; want completing on a cross-province request, numbered SNXP…", a)
		}
		d, err := o.fo.Get(o.cw, a.No)
		if err != nil {
			t.Fatal(err)
		}
		if d.CrossProvince == nil || d.CrossProvince.ApplicationNo != a.No || a.ResultRef != fmt.Sprintf("crossprov_request:%d", d.CrossProvince.ID) ||
			d.CrossProvince.Status == crossprov.StatusCompleted {
			t.Fatalf("detail's request %+v; want the request of %s, not finished", d.CrossProvince, a.No)
		}
		raw, err := json.Marshal(d)
		if err != nil || !strings.Contains(string(raw), `"cross_province":{`) {
			t.Errorf("detail as JSON %s, %v; want the request under cross_province", raw, err)
		}
		if err := o.a.CrossProvince.Exchange(context.Background(), beijing, 5); err != nil {
			t.Fatal(err)
		}
		rep, err := o.fo.SettlePending(o.system(), 10)
		if err != nil || len(rep.Completed) != 1 || rep.Completed[0] != a.No {
			t.Fatalf("SettlePending = %+v, %v; want %s completed", rep, err, a.No)
		}
		d, err = o.fo.Get(o.cw, a.No)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != frontoffice.Completed || !strings.Contains(d.ResultSummary, "对方已确认到账") || d.CrossProvince == nil ||
			d.CrossProvince.Status != crossprov.StatusCompleted {
			t.Errorf("settled %s %q with request %+v; want completed, the funds confirmed", d.Status, d.ResultSummary, d.CrossProvince)
		}
		o.wantToldReceivedAndDone(t, a.No)
	})
}
