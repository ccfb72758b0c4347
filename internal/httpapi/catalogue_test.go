package httpapi_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/httpapi"
	"safetynet/policies"
)

// realCatalogue is the catalogue of assistance items built into the
// binary, loaded once.
var realCatalogue = sync.OnceValues(func() (*assistance.Catalogue, error) {
	return assistance.LoadCatalogue(policies.FS, "changji/catalogue.yaml")
})

// assistanceItemJSON is an assistance item as a client reads it.
type assistanceItemJSON struct {
	ID            string   `json:"id"`
	NameZH        string   `json:"name_zh"`
	NameEN        string   `json:"name_en"`
	Category      string   `json:"category"`
	DepartmentZH  string   `json:"department_zh"`
	DepartmentEN  string   `json:"department_en"`
	QualifiesZH   string   `json:"qualifies_zh"`
	QualifiesEN   string   `json:"qualifies_en"`
	Layers        []string `json:"layers"`
	Programme     string   `json:"programme"`
	ContactOffice string   `json:"contact_office"`
	ContactPhone  string   `json:"contact_phone"`
	Source        string   `json:"source"`
	Status        string   `json:"status"`
}

func itemIDs(items []assistance.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

func TestListAssistanceItems(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		name  string
		query string
		user  string
		want  assistance.CatalogueFilter
	}{
		{"everything, signed out", "", "", assistance.CatalogueFilter{}},
		{"everything, as a caseworker", "", "cw1", assistance.CatalogueFilter{}},
		{"what dibao opens", "?layer=dibao", "", assistance.CatalogueFilter{Layer: assistance.LayerDibao}},
		{"what no layer opens", "?layer=none", "", assistance.CatalogueFilter{Layer: assistance.LayerNone}},
		{"one category", "?category=special_education", "", assistance.CatalogueFilter{Category: assistance.CategoryEducation}},
		{"a department in Chinese", "?department=" + url.QueryEscape("医疗保障"), "", assistance.CatalogueFilter{Department: "医疗保障"}},
		{"a department in English", "?department=justice", "analyst", assistance.CatalogueFilter{Department: "justice"}},
		{"layer and category", "?layer=dibao_edge&category=special_housing", "",
			assistance.CatalogueFilter{Layer: assistance.LayerDibaoEdge, Category: assistance.CategoryHousing}},
		{"nothing matches", "?department=nobody", "", assistance.CatalogueFilter{Department: "nobody"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got listJSON[assistanceItemJSON]
			b.do(t, "GET", "/api/v1/assistance-items"+tt.query, tt.user, nil).want(t, http.StatusOK).decode(t, &got)
			ids := make([]string, len(got.Items))
			for i, it := range got.Items {
				ids[i] = it.ID
			}
			if diff := cmp.Diff(itemIDs(b.cat.Items(tt.want)), ids); diff != "" {
				t.Errorf("GET /api/v1/assistance-items%s (-want +got):\n%s", tt.query, diff)
			}
			if got.Items == nil || got.NextAfter != nil {
				t.Errorf("items %v, next_after %v: want a list and no next page", got.Items, got.NextAfter)
			}
		})
	}
}

func TestListAssistanceItemsAsCitizen(t *testing.T) {
	t.Parallel()
	b := setup(t)
	village := villages(t, "652301", 1)[0]
	p := b.createPerson(t, "cw1", village, 21)
	if _, err := b.au.CreateUser(systemContext(), auth.NewUser{Username: "citizen1", DisplayName: "王芳", Password: testPassword,
		Role: auth.RoleCitizen, Scope: village, PersonID: p.ID}); err != nil {
		t.Fatalf("create citizen: %v", err)
	}
	var got listJSON[assistanceItemJSON]
	b.do(t, "GET", "/api/v1/assistance-items?layer=tekun", "citizen1", nil).want(t, http.StatusOK).decode(t, &got)
	if len(got.Items) == 0 || len(got.Items) != len(b.cat.ForLayer(assistance.LayerTekun)) {
		t.Errorf("a citizen got %d items for tekun, want %d", len(got.Items), len(b.cat.ForLayer(assistance.LayerTekun)))
	}
}

func TestListAssistanceItemsBadFilter(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		name   string
		query  string
		fields []string
	}{
		{"unknown layer", "?layer=poor", []string{"layer"}},
		{"unknown category", "?category=sports", []string{"category"}},
		{"both", "?layer=Dibao&category=Medical", []string{"category", "layer"}},
	}
	for _, tt := range tests {
		for _, path := range []string{"/api/v1/assistance-items", "/api/v1/assistance-items/export.xlsx"} {
			t.Run(tt.name+" "+path, func(t *testing.T) {
				p := b.do(t, "GET", path+tt.query, "", nil).problem(t, http.StatusUnprocessableEntity)
				var fields []string
				for _, e := range p.Errors {
					fields = append(fields, e.Field)
					if !strings.Contains(e.Detail, "unknown "+e.Field) || !strings.Contains(e.Detail, "want one of") {
						t.Errorf("field %s: detail %q, want the unknown value and the allowed ones", e.Field, e.Detail)
					}
				}
				if diff := cmp.Diff(tt.fields, fields); diff != "" {
					t.Errorf("GET %s%s: fields at fault (-want +got):\n%s", path, tt.query, diff)
				}
			})
		}
	}
}

func TestGetAssistanceItem(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var got assistanceItemJSON
	b.do(t, "GET", "/api/v1/assistance-items/heating_assistance", "", nil).want(t, http.StatusOK).decode(t, &got)
	it, _ := b.cat.Item("heating_assistance")
	want := assistanceItemJSON{ID: it.ID, NameZH: "取暖救助", NameEN: "Heating assistance", Category: "other",
		DepartmentZH: it.Department.ZH, DepartmentEN: it.Department.EN, QualifiesZH: it.Qualifies.ZH, QualifiesEN: it.Qualifies.EN,
		Layers: []string{"tekun", "dibao", "dibao_edge"}, Programme: "heating_assistance", ContactOffice: it.Contact.Office,
		ContactPhone: "0994-2xxxxxx", Source: it.Source, Status: "unconfirmed"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET /api/v1/assistance-items/heating_assistance (-want +got):\n%s", diff)
	}

	// An item that no programme decides has none in its JSON.
	r := b.do(t, "GET", "/api/v1/assistance-items/legal_aid", "", nil).want(t, http.StatusOK)
	if strings.Contains(string(r.body), `"programme"`) {
		t.Errorf("legal_aid has a programme: %s", r.body)
	}

	p := b.do(t, "GET", "/api/v1/assistance-items/nothing_here", "", nil).problem(t, http.StatusNotFound)
	if p.Detail != "assistance item nothing_here not found" {
		t.Errorf("detail = %q, want the item named", p.Detail)
	}
}

// readWorkbook saves an XLSX response body as a file and reads back its
// only sheet.
func readWorkbook(t *testing.T, body []byte) [][]string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "lianzhu-qingdan.xlsx")
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open the downloaded workbook: %v", err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 1 || sheets[0] != "联助清单" {
		t.Fatalf("sheets = %v, want one, 联助清单", sheets)
	}
	rows, err := f.GetRows("联助清单")
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestExportAssistanceItems(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do(t, "GET", "/api/v1/assistance-items/export.xlsx", "", nil).want(t, http.StatusOK)
	if ct := r.header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("Content-Type = %q, want the XLSX media type", ct)
	}
	if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="lianzhu-qingdan.xlsx"` {
		t.Errorf("Content-Disposition = %q", cd)
	}
	rows := readWorkbook(t, r.body)
	header, want := assistance.CatalogueTable(b.cat.Items(assistance.CatalogueFilter{}))
	if diff := cmp.Diff(header, rows[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, rows[1:]); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if rows[0][0] != "编号 ID" || rows[1][0] != "dibao" || !strings.HasPrefix(rows[1][2], "最低生活保障") {
		t.Errorf("first row %q under header %q, want dibao, 最低生活保障 first", rows[1], rows[0])
	}

	// The filters of the list apply to the export.
	r = b.do(t, "GET", "/api/v1/assistance-items/export.xlsx?category=emergency", "", nil).want(t, http.StatusOK)
	rows = readWorkbook(t, r.body)
	var ids []string
	for _, row := range rows[1:] {
		ids = append(ids, row[0])
	}
	if diff := cmp.Diff(itemIDs(b.cat.Items(assistance.CatalogueFilter{Category: assistance.CategoryEmergency})), ids); diff != "" {
		t.Errorf("the export of the emergency items (-want +got):\n%s", diff)
	}
}

func TestAssistanceItemsInOpenAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do(t, "GET", "/api/v1/openapi.json", "", nil).want(t, http.StatusOK)
	type operation struct {
		Security   []map[string]any `json:"security"`
		Parameters []struct {
			Name   string `json:"name"`
			Schema struct {
				Enum []string `json:"enum"`
			} `json:"schema"`
		} `json:"parameters"`
		Responses map[string]struct {
			Content map[string]json.RawMessage `json:"content"`
		} `json:"responses"`
	}
	var doc struct {
		Paths map[string]map[string]operation `json:"paths"`
	}
	r.decode(t, &doc)
	for _, path := range []string{"/api/v1/assistance-items", "/api/v1/assistance-items/export.xlsx", "/api/v1/assistance-items/{id}"} {
		op, ok := doc.Paths[path]["get"]
		if !ok {
			t.Errorf("no GET %s in the document", path)
			continue
		}
		if len(op.Security) != 0 {
			t.Errorf("GET %s needs sign-in (%v); the catalogue is public", path, op.Security)
		}
	}
	if _, ok := doc.Paths["/api/v1/assistance-items/export.xlsx"]["get"].Responses["200"].Content["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]; !ok {
		t.Error("the export's 200 response is not declared as XLSX")
	}
	// The enums of the filters are the domain's layers and categories.
	wantEnum := map[string][]string{"category": {}, "layer": {"none"}}
	for _, l := range append(assistance.Layers(), assistance.LayerAnyone) {
		wantEnum["layer"] = append(wantEnum["layer"], string(l))
	}
	for _, c := range assistance.Categories() {
		wantEnum["category"] = append(wantEnum["category"], string(c))
	}
	for _, p := range doc.Paths["/api/v1/assistance-items"]["get"].Parameters {
		if want, ok := wantEnum[p.Name]; ok {
			got := slices.Sorted(slices.Values(p.Schema.Enum))
			if diff := cmp.Diff(slices.Sorted(slices.Values(want)), got); diff != "" {
				t.Errorf("enum of %s (-want +got):\n%s", p.Name, diff)
			}
			delete(wantEnum, p.Name)
		}
	}
	if len(wantEnum) > 0 {
		t.Errorf("the document lacks the parameters %v", wantEnum)
	}
}

func TestNewServerNeedsCatalogue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	svc := b.services(testPolicy(t))
	svc.Catalogue = nil
	if _, err := httpapi.NewServer(slog.New(slog.DiscardHandler), httpapi.Config{}, svc); err == nil {
		t.Error("NewServer without a catalogue: no error")
	}
}
