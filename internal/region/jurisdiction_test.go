package region

import (
	"os"
	"strings"
	"testing"
	"time"
)

const smallCSV = `code,parent,level,name_zh,name_en,kind,population_2010
440000,,province,广东省,Guangdong Province,province,
440200,440000,prefecture,韶关市,Shaoguan City,prefecture_level_city,
440203,440200,county,武江区,Wujiang District,district,
440203001,440203,township,新华街道,Xinhua Subdistrict,street,
`

func TestDefaultJurisdiction(t *testing.T) {
	j := DefaultJurisdiction()
	if j.Home != Changji || j.Name != "昌吉回族自治州" || j.Zone.String() != DefaultZone || j.Tree.Len() != 707 {
		t.Errorf("DefaultJurisdiction() = %s %s %s, %d nodes; want Changji in %s", j.Home, j.Name, j.Zone, j.Tree.Len(), DefaultZone)
	}
	if !j.Contains("652301001001") || j.Contains("440203") || j.Contains("650100") {
		t.Error("Contains: want only codes under 652300")
	}
}

func TestLoadJurisdiction(t *testing.T) {
	path := t.TempDir() + "/small.csv"
	if err := writeFile(path, smallCSV); err != nil {
		t.Fatal(err)
	}
	j, err := LoadJurisdiction(path, "440200", "Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	if j.Name != "韶关市" || !j.Contains("440203001") || j.Contains("652301") {
		t.Errorf("LoadJurisdiction = %+v: want 韶关市 holding 440203001 and not 652301", j)
	}
	for _, tc := range []struct {
		name, path, home, zone, want string
	}{
		{"home not in the tree", path, "652300", "", `home region "652300" is not in the region tree`},
		{"home not a code", path, "shaoguan", "", "home region:"},
		{"home below county", path, "440203001", "", "want a province, prefecture or county"},
		{"home missing with a file", path, "", "", "home region: required with a region file"},
		{"no such zone", path, "440200", "Mars/Olympus", `time zone "Mars/Olympus": not an IANA time zone name`},
		{"Local zone", "", "", "Local", "not an IANA time zone name"},
		{"no such file", path + ".missing", "440200", "", "region file:"},
		{"Changji code in the embedded tree is fine, a bad one is not", "", "652399", "", `home region "652399" is not in the region tree`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadJurisdiction(tc.path, tc.home, tc.zone)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("LoadJurisdiction(%q, %q, %q) = %v, want an error with %q", tc.path, tc.home, tc.zone, err, tc.want)
			}
		})
	}
	if _, err := NewJurisdiction(j.Tree, "440200", nil); err == nil {
		t.Error("NewJurisdiction with no zone: no error")
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	if j, err := NewJurisdiction(j.Tree, "440203", tokyo); err != nil || j.Zone != tokyo {
		t.Errorf("NewJurisdiction of a county in Tokyo time = %v, %v", j, err)
	}
}

func writeFile(path, s string) error { return os.WriteFile(path, []byte(s), 0o644) }
