package httpapi_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"safetynet/internal/matters"
	"safetynet/internal/region"
	"safetynet/policies"
)

// realOffice is the front office's data built into the binary, loaded once.
var realOffice = sync.OnceValues(func() (*matters.Office, error) {
	tree, err := region.Default()
	if err != nil {
		return nil, err
	}
	return matters.LoadOffice(policies.FS, "changji", tree)
})

// mustOffice is realOffice for the test bundle's services.
func mustOffice() *matters.Office {
	o, err := realOffice()
	if err != nil {
		panic(err)
	}
	return o
}

// matterJSON is a matter as a client reads it.
type matterJSON struct {
	ID         string `json:"id"`
	Name       struct{ ZH, EN string }
	Department struct {
		ID   string `json:"id"`
		Name struct {
			ZH string `json:"zh"`
			EN string `json:"en"`
		} `json:"name"`
	} `json:"department"`
	Materials []struct {
		ID           string `json:"id"`
		Deferrable   bool   `json:"deferrable"`
		FromRegistry string `json:"from_registry"`
	} `json:"materials"`
	TimeLimit int      `json:"time_limit_working_days"`
	Channels  []string `json:"channels"`
	Action    struct {
		ID   string            `json:"id"`
		Args map[string]string `json:"args"`
	} `json:"action"`
}

type matterListJSON struct {
	listJSON[matterJSON]
	ChannelCounts map[string]int `json:"channel_counts"`
}

func TestListMatters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cat := mustOffice().Catalogue
	tests := []struct {
		name, query string
		want        matters.Filter
	}{
		{"everything", "", matters.Filter{}},
		{"online", "?channel=online", matters.Filter{Channel: matters.Online}},
		{"cross-province", "?channel=cross_province", matters.Filter{Channel: matters.CrossProvince}},
		{"bank outlets", "?channel=bank", matters.Filter{Channel: matters.Bank}},
		{"civil affairs", "?department=minzheng", matters.Filter{Department: "minzheng"}},
		{"by name", "?q=" + url.QueryEscape("养老金"), matters.Filter{Q: "养老金"}},
		{"village and name", "?channel=village&q=" + url.QueryEscape("救助"), matters.Filter{Channel: matters.Village, Q: "救助"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got matterListJSON
			b.do(t, "GET", "/api/v1/matters"+tt.query+sep(tt.query)+"limit=500", "", nil).want(t, http.StatusOK).decode(t, &got)
			var ids []string
			for _, m := range got.Items {
				ids = append(ids, m.ID)
			}
			var want []string
			for _, m := range cat.Matters(tt.want) {
				want = append(want, m.ID)
			}
			if !slices.Equal(ids, want) || len(want) == 0 {
				t.Errorf("got %v, want %v", ids, want)
			}
			if got.ChannelCounts["online"] < 74 || got.ChannelCounts["mobile"] < 38 || got.ChannelCounts["cross_province"] < 28 {
				t.Errorf("channel counts %v", got.ChannelCounts)
			}
			if tt.want.Channel != "" {
				for _, m := range got.Items {
					if !slices.Contains(m.Channels, string(tt.want.Channel)) {
						t.Errorf("%s is not open to %s: %v", m.ID, tt.want.Channel, m.Channels)
					}
				}
			}
		})
	}
	// A page of 10, then the next.
	var page matterListJSON
	b.do(t, "GET", "/api/v1/matters?limit=10", "", nil).want(t, http.StatusOK).decode(t, &page)
	if len(page.Items) != 10 || page.NextAfter == nil {
		t.Fatalf("first page: %d items, next %v", len(page.Items), page.NextAfter)
	}
	// Bad filters name the parameter.
	for q, field := range map[string]string{"?channel=fax": "channel", "?department=tax": "department", "?chanel=online": "chanel"} {
		p := b.do(t, "GET", "/api/v1/matters"+q, "", nil).problem(t, http.StatusUnprocessableEntity)
		if len(p.Errors) == 0 || p.Errors[0].Field != field {
			t.Errorf("%s: problem %+v; want field %s", q, p, field)
		}
	}
}

func sep(q string) string {
	if q == "" {
		return "?"
	}
	return "&"
}

func TestGetMatter(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var m matterJSON
	b.do(t, "GET", "/api/v1/matters/resident_pension_enrol", "", nil).want(t, http.StatusOK).decode(t, &m)
	if m.Action.ID != "insurance.enrol" || m.Action.Args["scheme"] != "resident_pension" || m.Department.ID != "sibao" ||
		m.Department.Name.ZH == "" || m.TimeLimit != 1 || !slices.Contains(m.Channels, "village") {
		t.Errorf("resident_pension_enrol = %+v", m)
	}
	if len(m.Materials) == 0 || m.Materials[0].FromRegistry != "person.id_number" {
		t.Errorf("the identity card should come from the registry: %+v", m.Materials)
	}
	b.do(t, "GET", "/api/v1/matters/no_such_matter", "", nil).problem(t, http.StatusNotFound)
}

type servicePointJSON struct {
	ID        string   `json:"id"`
	Kind      string   `json:"kind"`
	Region    string   `json:"region"`
	Channel   string   `json:"channel"`
	OpenDays  string   `json:"open_days"`
	Synthetic bool     `json:"synthetic"`
	Matters   []string `json:"matters"`
}

func TestServicePoints(t *testing.T) {
	t.Parallel()
	b := setup(t)
	count := func(query string) (int, []servicePointJSON) {
		t.Helper()
		var all []servicePointJSON
		after := ""
		for {
			var page listJSON[servicePointJSON]
			b.do(t, "GET", "/api/v1/service-points"+query+sep(query)+"limit=500"+after, "", nil).want(t, http.StatusOK).decode(t, &page)
			all = append(all, page.Items...)
			if page.NextAfter == nil {
				return len(all), all
			}
			after = "&after=" + strconv.FormatInt(*page.NextAfter, 10)
		}
	}
	for q, want := range map[string]int{"?kind=township": 83, "?kind=village": 614, "?kind=bank": 149, "?kind=hall": 9, "": 855} {
		if n, _ := count(q); n != want {
			t.Errorf("%q: %d points; want %d", q, n, want)
		}
	}
	n, pts := count("?region=652302&kind=bank")
	if n != 20 {
		t.Errorf("Fukang has %d bank outlets; want 20", n)
	}
	for _, p := range pts {
		if !strings.HasPrefix(p.Region, "652302") || !p.Synthetic || p.Channel != "bank" {
			t.Errorf("%+v", p)
		}
	}
	// Where a matter open only at windows and online can be received: the
	// nine halls.
	if n, _ := count("?matter=employer_closing"); n != 9 {
		t.Errorf("employer_closing is received at %d points; want 9 halls", n)
	}
	var p servicePointJSON
	b.do(t, "GET", "/api/v1/service-points/bank-652301-01", "", nil).want(t, http.StatusOK).decode(t, &p)
	bank := mustOffice().Catalogue.Matters(matters.Filter{Channel: matters.Bank})
	if p.Kind != "bank" || p.OpenDays != "every_day" || len(p.Matters) != len(bank) {
		t.Errorf("bank-652301-01 = %+v", p)
	}
	b.do(t, "GET", "/api/v1/service-points/bank-652301-99", "", nil).problem(t, http.StatusNotFound)
	for q, field := range map[string]string{"?kind=shop": "kind", "?matter=nothing": "matter", "?region=652399": "region"} {
		pb := b.do(t, "GET", "/api/v1/service-points"+q, "", nil).problem(t, http.StatusUnprocessableEntity)
		if len(pb.Errors) == 0 || pb.Errors[0].Field != field {
			t.Errorf("%s: problem %+v; want field %s", q, pb, field)
		}
	}
}

func TestWorkingDaysRoute(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var got struct {
		Days []struct {
			Date    string `json:"date"`
			Working bool   `json:"working"`
			Holiday string `json:"holiday"`
		} `json:"days"`
		WorkingDays int    `json:"working_days"`
		Due         string `json:"due"`
		Sources     []struct {
			Year  int    `json:"year"`
			Title string `json:"title"`
		} `json:"sources"`
	}
	b.do(t, "GET", "/api/v1/calendar/working-days?from=2026-02-12&to=2026-02-28&limit=3", "", nil).want(t, http.StatusOK).decode(t, &got)
	if len(got.Days) != 17 || got.Due != "2026-02-24" || len(got.Sources) != 1 || got.Sources[0].Year != 2026 {
		t.Fatalf("got %+v", got)
	}
	// 13, 14 (worked Saturday), 24, 25, 26, 27, 28 (worked Saturday).
	if got.WorkingDays != 7 {
		t.Errorf("working days %d; want 7", got.WorkingDays)
	}
	if d := got.Days[4]; d.Date != "2026-02-16" || d.Working || d.Holiday != "春节" {
		t.Errorf("16 February = %+v", d)
	}
	if d := got.Days[2]; d.Date != "2026-02-14" || !d.Working {
		t.Errorf("14 February = %+v", d)
	}
	pb := b.do(t, "GET", "/api/v1/calendar/working-days?from=2026-12-20&to=2027-01-10", "", nil).problem(t, http.StatusUnprocessableEntity)
	if len(pb.Errors) == 0 || pb.Errors[0].Field != "to" || !strings.Contains(pb.Errors[0].Detail, "2027") {
		t.Errorf("into 2027: %+v", pb)
	}
	b.do(t, "GET", "/api/v1/calendar/working-days?from=2026-03-01", "", nil).problem(t, http.StatusUnprocessableEntity)
}
