package sqlstore

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"safetynet/internal/assistance"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

func TestPackMembers(t *testing.T) {
	ms := []assistance.Member{
		{PersonID: 1, BirthDate: period.MustDate(1950, time.January, 1), DisabilityGrade: 2, HukouLocal: true, HukouType: registry.HukouUrban,
			UnableToWork: true, SelfCare: assistance.SelfCareUnable, OwnIncome: 12_345},
		{PersonID: 1 << 40, BirthDate: period.MustDate(2020, time.December, 31), HukouType: registry.HukouRural, HasSupporter: true,
			Monitored: true, SelfCare: assistance.SelfCarePartlyUnable},
		{PersonID: 7, BirthDate: period.MustDate(1900, time.March, 1), HukouType: registry.HukouRural, SelfCare: assistance.SelfCareAble, OwnIncome: 1 << 40},
	}
	got, err := unpackMembers(nil, packMembers(ms))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ms, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, bad := range [][]byte{nil, {}, {2}, {1, 0}, {1, 5}, {1, 5, 2}, {1, 5, 2, 9, 0, 0, 0}, {1, 5, 2, 1, 0, 7, 0}} {
		if _, err := unpackMembers(nil, bad); err == nil {
			t.Errorf("unpackMembers(%v) accepted damaged data", bad)
		}
	}
	if got, err := unpackMembers(nil, []byte{1}); err != nil || len(got) != 0 {
		t.Errorf("no members = %v, %v", got, err)
	}
}

// FuzzUnpackMembers: any bytes decode or fail cleanly, and what decodes
// packs back to the same bytes.
func FuzzUnpackMembers(f *testing.F) {
	f.Add(packMembers([]assistance.Member{{PersonID: 3, BirthDate: period.MustDate(1960, time.May, 5), HukouType: registry.HukouUrban, SelfCare: assistance.SelfCareAble}}))
	f.Add([]byte{1})
	f.Add([]byte{1, 0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		ms, err := unpackMembers(nil, b)
		if err != nil {
			return
		}
		again, err := unpackMembers(nil, packMembers(ms))
		if err != nil {
			t.Fatalf("repacked members do not decode: %v", err)
		}
		if diff := cmp.Diff(ms, again); diff != "" {
			t.Fatalf("repack changed the members:\n%s", diff)
		}
	})
}
