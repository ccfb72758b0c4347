package assistance_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"safetynet/internal/assistance"
	"safetynet/internal/policy"
	"safetynet/policies"
)

// embeddedCatalogue is the catalogue file of the policy package built into
// the binary.
const embeddedCatalogue = "changji/catalogue.yaml"

// writeCatalogue writes body as a catalogue file in a fresh folder and
// loads it.
func writeCatalogue(t *testing.T, body string) (*assistance.Catalogue, error) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "catalogue.yaml"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return assistance.LoadCatalogue(os.DirFS(dir), "catalogue.yaml")
}

// item returns a valid item in YAML, with id and layers, and extra lines
// appended (which may repeat a field to replace it).
func item(id, layers string, extra ...string) string {
	lines := []string{
		"  - id: " + id,
		"    name: {zh: 名称" + id + ", en: Name " + id + "}",
		"    category: other",
		"    department: {zh: 昌吉州民政局, en: Changji Prefecture Civil Affairs Bureau}",
		"    qualifies: {zh: 符合条件的家庭, en: Households that qualify}",
		"    layers: " + layers,
		"    contact: {office: 州民政局社会救助科, phone: 0994-2xxxxxx}",
		"    source: test",
		"    status: unconfirmed",
	}
	for _, e := range extra {
		key, _, _ := strings.Cut(strings.TrimSpace(e), ":")
		i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(strings.TrimSpace(l), key+":") })
		switch {
		case strings.HasPrefix(e, "-"): // "-key" drops the field (not the id)
			lines = slices.DeleteFunc(lines, func(l string) bool { return strings.HasPrefix(strings.TrimSpace(l), e[1:]+":") })
		case i > 0:
			lines[i] = "    " + e
		default:
			lines = append(lines, "    "+e)
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// smallCatalogue has one item of each kind the filters tell apart.
func smallCatalogue(t *testing.T) *assistance.Catalogue {
	t.Helper()
	c, err := writeCatalogue(t, "items:\n"+
		item("dibao", "[dibao]", "category: basic_living", "programme: dibao")+
		item("tekun_support", "[tekun]", "category: basic_living")+
		item("medical_assistance", "[tekun, dibao, dibao_edge, rigid_expense]", "category: special_medical",
			"department: {zh: 昌吉州医疗保障局, en: Changji Prefecture Healthcare Security Bureau}")+
		item("temporary_assistance", "[anyone]", "category: emergency")+
		item("legal_aid", "[low_income]", "department: {zh: 昌吉州司法局, en: Changji Prefecture Justice Bureau}"))
	if err != nil {
		t.Fatalf("load the small catalogue: %v", err)
	}
	return c
}

func ids(items []assistance.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

func TestItems(t *testing.T) {
	c := smallCatalogue(t)
	tests := []struct {
		name string
		f    assistance.CatalogueFilter
		want []string
	}{
		{"no filter: every item in file order", assistance.CatalogueFilter{},
			[]string{"dibao", "tekun_support", "medical_assistance", "temporary_assistance", "legal_aid"}},
		{"a layer: its items and those for anyone", assistance.CatalogueFilter{Layer: assistance.LayerDibao},
			[]string{"dibao", "medical_assistance", "temporary_assistance"}},
		{"no layer: the items for anyone", assistance.CatalogueFilter{Layer: assistance.LayerNone},
			[]string{"temporary_assistance"}},
		{"anyone: the items for anyone", assistance.CatalogueFilter{Layer: assistance.LayerAnyone},
			[]string{"temporary_assistance"}},
		{"a category", assistance.CatalogueFilter{Category: assistance.CategoryBasicLiving},
			[]string{"dibao", "tekun_support"}},
		{"a department in Chinese", assistance.CatalogueFilter{Department: "医疗保障"},
			[]string{"medical_assistance"}},
		{"a department in English, any case, trimmed", assistance.CatalogueFilter{Department: " justice "},
			[]string{"legal_aid"}},
		{"layer and category together", assistance.CatalogueFilter{Layer: assistance.LayerTekun, Category: assistance.CategoryBasicLiving},
			[]string{"tekun_support"}},
		{"an unknown category selects nothing", assistance.CatalogueFilter{Category: "sports"}, []string{}},
		{"a department nobody has", assistance.CatalogueFilter{Department: "公安"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ids(c.Items(tt.f))); diff != "" {
				t.Errorf("Items(%+v) (-want +got):\n%s", tt.f, diff)
			}
		})
	}
}

func TestForLayer(t *testing.T) {
	c := smallCatalogue(t)
	tests := []struct {
		layer assistance.Layer
		want  []string
	}{
		{assistance.LayerTekun, []string{"tekun_support", "medical_assistance", "temporary_assistance"}},
		{assistance.LayerDibao, []string{"dibao", "medical_assistance", "temporary_assistance"}},
		{assistance.LayerDibaoEdge, []string{"medical_assistance", "temporary_assistance"}},
		{assistance.LayerRigidExpense, []string{"medical_assistance", "temporary_assistance"}},
		{assistance.LayerLowIncome, []string{"temporary_assistance", "legal_aid"}},
		{assistance.LayerNone, []string{"temporary_assistance"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.layer), func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ids(c.ForLayer(tt.layer))); diff != "" {
				t.Errorf("ForLayer(%s) (-want +got):\n%s", tt.layer, diff)
			}
		})
	}
}

func TestItem(t *testing.T) {
	c := smallCatalogue(t)
	it, ok := c.Item("dibao")
	if !ok {
		t.Fatal(`Item("dibao") not found`)
	}
	want := assistance.Item{
		ID: "dibao", Name: assistance.Bilingual{ZH: "名称dibao", EN: "Name dibao"}, Category: assistance.CategoryBasicLiving,
		Department: assistance.Bilingual{ZH: "昌吉州民政局", EN: "Changji Prefecture Civil Affairs Bureau"},
		Qualifies:  assistance.Bilingual{ZH: "符合条件的家庭", EN: "Households that qualify"},
		Layers:     []assistance.Layer{assistance.LayerDibao}, Programme: "dibao",
		Contact: assistance.Contact{Office: "州民政局社会救助科", Phone: "0994-2xxxxxx"},
		Source:  "test", Status: "unconfirmed", Line: 2,
	}
	if diff := cmp.Diff(want, it); diff != "" {
		t.Errorf("Item(dibao) (-want +got):\n%s", diff)
	}
	if _, ok := c.Item("nothing"); ok {
		t.Error(`Item("nothing") found, want not found`)
	}
	// What the caller gets is a copy.
	it.Layers[0] = assistance.LayerTekun
	c.Items(assistance.CatalogueFilter{})[0].Layers[0] = assistance.LayerTekun
	if again, _ := c.Item("dibao"); again.Layers[0] != assistance.LayerDibao {
		t.Errorf("changing a returned item changed the catalogue: layers %v", again.Layers)
	}
}

func TestLoadCatalogueErrors(t *testing.T) {
	good := item("dibao", "[dibao]")
	tests := []struct {
		name  string
		body  string
		line  int
		item  string
		field string
		msg   string
	}{
		{"unknown category", "items:\n" + item("dibao", "[dibao]", "category: sports"), 4, "dibao", "category", `unknown category "sports"`},
		{"missing category", "items:\n" + item("dibao", "[dibao]", "-category"), 2, "dibao", "category", "is required"},
		{"unknown layer", "items:\n" + item("dibao", "[dibao, poor]"), 7, "dibao", "layers", `unknown layer "poor"`},
		{"none is no item's layer", "items:\n" + item("dibao", "[none]"), 7, "dibao", "layers", `unknown layer "none"`},
		{"no layers", "items:\n" + item("dibao", "[]"), 7, "dibao", "layers", "want a list of at least one"},
		{"a layer twice", "items:\n" + item("dibao", "[dibao, dibao]"), 7, "dibao", "layers", "given twice"},
		{"anyone with another layer", "items:\n" + item("dibao", "[anyone, dibao]"), 7, "dibao", "layers", "anyone stands alone"},
		{"duplicate id", "items:\n" + good + item("tekun", "[tekun]") + item("dibao", "[dibao]"), 20, "dibao", "id", "duplicate id; also at line 2"},
		{"missing id", "items:\n" + strings.Replace(item("x", "[dibao]"), "  - id: x\n    ", "  - ", 1), 2, "items[0]", "id", "is required"},
		{"id not snake_case", "items:\n" + good + item("Dibao-2", "[dibao]"), 11, "items[1]", "id", "not snake_case"},
		{"id with a double underscore", "items:\n" + item("dibao__x", "[dibao]"), 2, "items[0]", "id", "not snake_case"},
		{"id ending in an underscore", "items:\n" + item("dibao_", "[dibao]"), 2, "items[0]", "id", "not snake_case"},
		{"missing name", "items:\n" + item("dibao", "[dibao]", "-name"), 2, "dibao", "name", "is required"},
		{"name without English", "items:\n" + item("dibao", "[dibao]", "name: {zh: 最低生活保障}"), 3, "dibao", "name", "en is required"},
		{"name with an unknown language", "items:\n" + item("dibao", "[dibao]", "name: {zh: 低保, en: Dibao, ug: x}"), 3, "dibao", "name", `unknown field "ug"`},
		{"missing department", "items:\n" + item("dibao", "[dibao]", "-department"), 2, "dibao", "department", "is required"},
		{"empty department", "items:\n" + item("dibao", "[dibao]", "department: {zh: '', en: ''}"), 5, "dibao", "department", "zh is required"},
		{"missing qualifies", "items:\n" + item("dibao", "[dibao]", "-qualifies"), 2, "dibao", "qualifies", "is required"},
		{"bad status", "items:\n" + item("dibao", "[dibao]", "status: maybe"), 10, "dibao", "status", "want confirmed or unconfirmed"},
		{"missing status", "items:\n" + item("dibao", "[dibao]", "-status"), 2, "dibao", "status", "want confirmed or unconfirmed"},
		{"missing source", "items:\n" + item("dibao", "[dibao]", "-source"), 2, "dibao", "source", "is required"},
		{"missing contact", "items:\n" + item("dibao", "[dibao]", "-contact"), 2, "dibao", "contact", "is required"},
		{"a phone with letters", "items:\n" + item("dibao", "[dibao]", "contact: {office: 州民政局, phone: call us}"), 8, "dibao", "contact", `phone "call us"`},
		{"a programme that is no id", "items:\n" + item("dibao", "[dibao]", "programme: Di Bao"), 11, "dibao", "programme", "not a programme id"},
		{"unknown field", "items:\n" + item("dibao", "[dibao]", "amount: 100"), 11, "dibao", "amount", "unknown field"},
		{"a field twice", "items:\n" + good + "    status: confirmed\n", 11, "dibao", "status", "given twice"},
		{"unknown top-level field", "title: 联助清单\nitems:\n" + good, 1, "", "title", "unknown field"},
		{"no items", "items: []\n", 1, "", "items", "at least one item"},
		{"not a mapping", "- dibao\n", 0, "", "", "want a mapping"},
		{"an item that is no mapping", "items:\n  - dibao\n", 2, "items[0]", "", "want a mapping"},
		{"not YAML", "items: [\n", 0, "", "", "yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := writeCatalogue(t, tt.body)
			var ce *assistance.CatalogueError
			if !errors.As(err, &ce) {
				t.Fatalf("LoadCatalogue = %v, want a *CatalogueError\n%s", err, tt.body)
			}
			if ce.File != "catalogue.yaml" || ce.Line != tt.line || ce.Item != tt.item || ce.Field != tt.field || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("LoadCatalogue error = %q (line %d, item %q, field %q), want catalogue.yaml line %d, item %q, field %q, containing %q\n%s",
					err, ce.Line, ce.Item, ce.Field, tt.line, tt.item, tt.field, tt.msg, tt.body)
			}
			if !strings.HasPrefix(err.Error(), "catalogue.yaml") {
				t.Errorf("error %q does not start with the file name", err)
			}
		})
	}
}

func TestLoadCatalogueMissingFile(t *testing.T) {
	_, err := assistance.LoadCatalogue(os.DirFS(t.TempDir()), "catalogue.yaml")
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadCatalogue of a missing file = %v, want an error wrapping fs.ErrNotExist", err)
	}
}

func TestCheckProgrammes(t *testing.T) {
	c, err := writeCatalogue(t, "items:\n"+item("dibao", "[dibao]", "programme: dibao")+item("tekun", "[tekun]", "programme: tekun_v2"))
	if err != nil {
		t.Fatal(err)
	}
	known := func(id string) bool { return id == "dibao" || id == "tekun" }
	err = c.CheckProgrammes(known)
	var ce *assistance.CatalogueError
	if !errors.As(err, &ce) || ce.Item != "tekun" || ce.Field != "programme" || ce.Line != 21 || !strings.Contains(err.Error(), `unknown programme "tekun_v2"`) {
		t.Errorf("CheckProgrammes = %v, want the unknown programme tekun_v2 of item tekun at line 21", err)
	}
	if err := c.CheckProgrammes(func(string) bool { return true }); err != nil {
		t.Errorf("CheckProgrammes with every programme known = %v, want nil", err)
	}
}

func TestParseLayerAndCategory(t *testing.T) {
	tests := []struct {
		name, in string
		parse    func(string) (string, error)
		wantErr  bool
	}{
		{"a layer", "dibao_edge", parseLayer, false},
		{"no layer", "none", parseLayer, false},
		{"anyone", "anyone", parseLayer, false},
		{"an unknown layer", "poor", parseLayer, true},
		{"an empty layer", "", parseLayer, true},
		{"a category", "special_medical", parseCategory, false},
		{"an unknown category", "medical", parseCategory, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.parse(tt.in)
			switch {
			case tt.wantErr && err == nil:
				t.Errorf("parse %q = %q, want an error", tt.in, got)
			case !tt.wantErr && (err != nil || got != tt.in):
				t.Errorf("parse %q = %q, %v; want %q", tt.in, got, err, tt.in)
			}
		})
	}
}

func parseLayer(s string) (string, error) { l, err := assistance.ParseLayer(s); return string(l), err }

func parseCategory(s string) (string, error) {
	c, err := assistance.ParseCategory(s)
	return string(c), err
}

// TestEmbeddedCatalogue checks the catalogue built into the binary: it
// loads, its programmes are those of the policy package, and it covers
// every category and layer.
func TestEmbeddedCatalogue(t *testing.T) {
	c, err := assistance.LoadCatalogue(policies.FS, embeddedCatalogue)
	if err != nil {
		t.Fatalf("load the embedded catalogue: %v", err)
	}
	if n := c.Len(); n < 20 || n > 30 {
		t.Errorf("the catalogue has %d items, want 20 to 30", n)
	}
	pk, err := policy.Load(policies.FS, policy.PensionFuncs()...)
	if err != nil {
		t.Fatalf("load the policy package: %v", err)
	}
	if err := c.CheckProgrammes(func(id string) bool { _, ok := pk.Programme(id); return ok }); err != nil {
		t.Errorf("CheckProgrammes: %v", err)
	}
	all := c.Items(assistance.CatalogueFilter{})
	for _, cat := range assistance.Categories() {
		if len(c.Items(assistance.CatalogueFilter{Category: cat})) == 0 {
			t.Errorf("no item of category %s", cat)
		}
	}
	for _, l := range assistance.Layers() {
		if !slices.ContainsFunc(all, func(it assistance.Item) bool { return slices.Contains(it.Layers, l) }) {
			t.Errorf("no item lists layer %s", l)
		}
	}
	if len(c.ForLayer(assistance.LayerNone)) == 0 {
		t.Error("no item is open to anyone")
	}
	programmes := map[string]bool{}
	for _, it := range all {
		programmes[it.Programme] = true
		if it.Status != "confirmed" && it.Status != "unconfirmed" {
			t.Errorf("item %s: status %q", it.ID, it.Status)
		}
	}
	for _, id := range []string{"dibao", "tekun", "temporary_assistance", "high_age_allowance", "disability_living_subsidy",
		"disability_care_subsidy", "heating_assistance", "festival_subsidy"} {
		if !programmes[id] {
			t.Errorf("no item is decided by programme %s", id)
		}
	}
	// The policy loader ignores the catalogue: it is no parameter or
	// programme file.
	for _, p := range pk.Programmes() {
		if strings.Contains(p.File, "catalogue") {
			t.Errorf("the policy package read the catalogue as programme %s", p.ID)
		}
	}
}

func TestCatalogueTable(t *testing.T) {
	c := smallCatalogue(t)
	header, rows := assistance.CatalogueTable(c.Items(assistance.CatalogueFilter{Category: assistance.CategoryMedical}))
	wantHeader := []string{"编号 ID", "类别 Category", "救助事项 Item", "责任部门 Department", "对象条件 Who qualifies",
		"适用层级 Layers", "联系方式 Contact", "来源 Source", "状态 Status"}
	if diff := cmp.Diff(wantHeader, header); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	want := [][]string{{
		"medical_assistance",
		"医疗救助 special_medical",
		"名称medical_assistance\nName medical_assistance",
		"昌吉州医疗保障局\nChangji Prefecture Healthcare Security Bureau",
		"符合条件的家庭\nHouseholds that qualify",
		"特困人员 tekun\n低保对象 dibao\n低保边缘家庭 dibao_edge\n刚性支出困难家庭 rigid_expense",
		"州民政局社会救助科\n0994-2xxxxxx",
		"test",
		"待核实 unconfirmed",
	}}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}
