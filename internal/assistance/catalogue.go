package assistance

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Layer is a classification layer of the low-income population
// (低收入人口分层): the layer a household or person is classified into
// decides which assistance items it may get (docs/domain.md 6.1).
type Layer string

// The classification layers, most severe first, with the result of a
// classification that finds no layer and the pseudo-layer of items open to
// anyone.
const (
	// LayerTekun is an extreme-poverty person (特困人员).
	LayerTekun Layer = "tekun"
	// LayerDibao is a minimum-living-guarantee recipient (低保对象).
	LayerDibao Layer = "dibao"
	// LayerDibaoEdge is a member of a 低保-edge family (低保边缘家庭).
	LayerDibaoEdge Layer = "dibao_edge"
	// LayerRigidExpense is a member of a rigid-expense hardship family
	// (刚性支出困难家庭).
	LayerRigidExpense Layer = "rigid_expense"
	// LayerLowIncome is another person in difficulty within the monitored
	// low-income population (其他低收入人口), such as one monitored to
	// prevent a return to poverty.
	LayerLowIncome Layer = "low_income"
	// LayerNone is the result of a classification that finds no layer.
	// No item lists it; it opens only the items open to anyone.
	LayerNone Layer = "none"
	// LayerAnyone is the pseudo-layer of items open to anyone (任何人):
	// emergency assistance for anyone in sudden hardship, and items with no
	// means test such as the high-age allowance. An item that lists it
	// lists no other layer.
	LayerAnyone Layer = "anyone"
)

// Layers returns the classification layers, most severe first: neither
// LayerNone nor LayerAnyone.
func Layers() []Layer {
	return []Layer{LayerTekun, LayerDibao, LayerDibaoEdge, LayerRigidExpense, LayerLowIncome}
}

// ParseLayer reads a layer name: one of Layers, "none" or "anyone".
func ParseLayer(s string) (Layer, error) {
	l := Layer(s)
	if l.known() || l == LayerNone {
		return l, nil
	}
	return "", fmt.Errorf("unknown layer %q; want one of %s, none", s, layerList())
}

// known reports whether an item may list l.
func (l Layer) known() bool { return slices.Contains(Layers(), l) || l == LayerAnyone }

func layerList() string {
	names := make([]string, 0, 6)
	for _, l := range append(Layers(), LayerAnyone) {
		names = append(names, string(l))
	}
	return strings.Join(names, ", ")
}

// Name returns the layer's name in Chinese and English; zero for an
// unknown layer.
func (l Layer) Name() Bilingual {
	switch l {
	case LayerTekun:
		return Bilingual{ZH: "特困人员", EN: "Extreme poverty (tekun)"}
	case LayerDibao:
		return Bilingual{ZH: "低保对象", EN: "Dibao recipients"}
	case LayerDibaoEdge:
		return Bilingual{ZH: "低保边缘家庭", EN: "Dibao-edge families"}
	case LayerRigidExpense:
		return Bilingual{ZH: "刚性支出困难家庭", EN: "Rigid-expense hardship families"}
	case LayerLowIncome:
		return Bilingual{ZH: "其他低收入人口", EN: "Other low-income people"}
	case LayerNone:
		return Bilingual{ZH: "未分层", EN: "No layer"}
	case LayerAnyone:
		return Bilingual{ZH: "遭遇急难的任何人", EN: "Anyone in sudden hardship"}
	}
	return Bilingual{}
}

// Category is a kind of assistance item, after the parts of the layered
// assistance system (分层分类社会救助体系, docs/domain.md 6.1).
type Category string

// The categories, in the order of the published list.
const (
	// CategoryBasicLiving is basic living assistance (基本生活救助): 低保 and
	// 特困 support.
	CategoryBasicLiving Category = "basic_living"
	// CategoryMedical is medical assistance (医疗救助).
	CategoryMedical Category = "special_medical"
	// CategoryEducation is education assistance (教育救助).
	CategoryEducation Category = "special_education"
	// CategoryHousing is housing assistance (住房救助).
	CategoryHousing Category = "special_housing"
	// CategoryEmployment is employment assistance (就业救助).
	CategoryEmployment Category = "special_employment"
	// CategoryEmergency is emergency assistance (急难社会救助), such as
	// temporary assistance.
	CategoryEmergency Category = "emergency"
	// CategoryAllowance is an allowance (津贴补贴) such as the high-age
	// allowance or the two disability subsidies.
	CategoryAllowance Category = "allowance"
	// CategoryOther is any other item (其他), such as heating assistance,
	// festival subsidies, fee reductions, legal aid or charity.
	CategoryOther Category = "other"
)

// Categories returns every category, in the order of the published list.
func Categories() []Category {
	return []Category{CategoryBasicLiving, CategoryMedical, CategoryEducation, CategoryHousing,
		CategoryEmployment, CategoryEmergency, CategoryAllowance, CategoryOther}
}

// ParseCategory reads a category name.
func ParseCategory(s string) (Category, error) {
	c := Category(s)
	if slices.Contains(Categories(), c) {
		return c, nil
	}
	names := make([]string, 0, 8)
	for _, c := range Categories() {
		names = append(names, string(c))
	}
	return "", fmt.Errorf("unknown category %q; want one of %s", s, strings.Join(names, ", "))
}

// Name returns the category's name in Chinese and English; zero for an
// unknown category.
func (c Category) Name() Bilingual {
	switch c {
	case CategoryBasicLiving:
		return Bilingual{ZH: "基本生活救助", EN: "Basic living assistance"}
	case CategoryMedical:
		return Bilingual{ZH: "医疗救助", EN: "Medical assistance"}
	case CategoryEducation:
		return Bilingual{ZH: "教育救助", EN: "Education assistance"}
	case CategoryHousing:
		return Bilingual{ZH: "住房救助", EN: "Housing assistance"}
	case CategoryEmployment:
		return Bilingual{ZH: "就业救助", EN: "Employment assistance"}
	case CategoryEmergency:
		return Bilingual{ZH: "急难救助", EN: "Emergency assistance"}
	case CategoryAllowance:
		return Bilingual{ZH: "津贴补贴", EN: "Allowances"}
	case CategoryOther:
		return Bilingual{ZH: "其他救助帮扶", EN: "Other assistance"}
	}
	return Bilingual{}
}

// Bilingual is a text in Chinese and English.
type Bilingual struct {
	ZH string
	EN string
}

// Contact is where to ask about an item.
type Contact struct {
	// Office is the office that answers, e.g. 州民政局社会救助科.
	Office string
	// Phone is the office's number.
	Phone string
}

// Item is one assistance item of the catalogue (救助事项): what a
// household can get, from which department, and who qualifies.
type Item struct {
	// ID is the item's snake_case key, unique in the catalogue.
	ID   string
	Name Bilingual
	// Category is the part of the assistance system the item belongs to.
	Category Category
	// Department is the department responsible for the item (责任部门).
	Department Bilingual
	// Qualifies says in words who qualifies (对象条件).
	Qualifies Bilingual
	// Layers are the classification layers that open the item, or
	// LayerAnyone alone.
	Layers []Layer
	// Programme is the id of the policy programme that decides the item;
	// "" when no programme of the rules engine decides it.
	Programme string
	Contact   Contact
	// Source says where the item comes from; Status is "confirmed" or
	// "unconfirmed", as in the policy parameter files.
	Source string
	Status string
	// Line is the line of the catalogue file where the item starts.
	Line int
}

// Opens reports whether the item is open to the layer l: whether l is one
// of its layers, or the item is open to anyone.
func (it Item) Opens(l Layer) bool {
	return slices.Contains(it.Layers, l) || slices.Contains(it.Layers, LayerAnyone)
}

// clone returns the item with its own copy of the layers.
func (it Item) clone() Item {
	it.Layers = slices.Clone(it.Layers)
	return it
}

// CatalogueError is a problem in a catalogue file, with the file, the line,
// the item and the field at fault.
type CatalogueError struct {
	File string
	Line int
	// Item is the id of the item at fault, or items[N] when it has none;
	// "" for a problem outside the items.
	Item string
	// Field is the field at fault, e.g. "category"; "" for the whole item.
	Field string
	Err   error
}

// Error implements error as "file:line: item: field: problem".
func (e *CatalogueError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	for _, s := range []string{e.Item, e.Field} {
		if s != "" {
			b.WriteString(": ")
			b.WriteString(s)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying problem.
func (e *CatalogueError) Unwrap() error { return e.Err }

// Catalogue is the published list of assistance items and responsible
// departments (联助清单), read from a file. It never changes once loaded,
// so it is safe for concurrent use.
type Catalogue struct {
	file  string
	items []Item
	byID  map[string]int
	// progLines are the lines of the items' programmes, by item id.
	progLines map[string]int
}

// CatalogueFilter selects items; a zero field selects everything.
type CatalogueFilter struct {
	// Layer selects the items the layer opens, as ForLayer does.
	Layer Layer
	// Category selects the items of one category.
	Category Category
	// Department selects the items whose department's Chinese or English
	// name contains this text, ignoring the case of Latin letters.
	Department string
}

// File returns the path the catalogue was read from.
func (c *Catalogue) File() string { return c.file }

// Len returns the number of items.
func (c *Catalogue) Len() int { return len(c.items) }

// Items returns the items f selects, in the order of the file. A category
// that is not known selects nothing; a layer that is not known, like
// LayerNone, selects only the items open to anyone.
func (c *Catalogue) Items(f CatalogueFilter) []Item {
	dept := strings.ToLower(strings.TrimSpace(f.Department))
	out := []Item{}
	for _, it := range c.items {
		switch {
		case f.Layer != "" && !it.Opens(f.Layer):
		case f.Category != "" && it.Category != f.Category:
		case dept != "" && !strings.Contains(it.Department.ZH, dept) && !strings.Contains(strings.ToLower(it.Department.EN), dept):
		default:
			out = append(out, it.clone())
		}
	}
	return out
}

// Item returns the item with the id.
func (c *Catalogue) Item(id string) (Item, bool) {
	i, ok := c.byID[id]
	if !ok {
		return Item{}, false
	}
	return c.items[i].clone(), true
}

// ForLayer returns what a classification layer opens: the items whose
// layers include l, and the items open to anyone, in the order of the file.
// For LayerNone, or a layer no item lists, that is the items open to anyone.
func (c *Catalogue) ForLayer(l Layer) []Item { return c.Items(CatalogueFilter{Layer: l}) }

// CheckProgrammes checks that every item's programme is one that known
// reports, such as the programmes of the policy package; the error names
// the first item whose programme is unknown.
func (c *Catalogue) CheckProgrammes(known func(id string) bool) error {
	for _, it := range c.items {
		if it.Programme != "" && !known(it.Programme) {
			return &CatalogueError{File: c.file, Line: c.progLines[it.ID], Item: it.ID, Field: "programme",
				Err: fmt.Errorf("unknown programme %q", it.Programme)}
		}
	}
	return nil
}

// isSnakeCase reports whether s is lower-case letters and digits in words
// joined by single underscores, starting with a letter: the form of an item
// id and a programme id.
func isSnakeCase(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return false
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// isPhoneText reports whether s holds only what a phone number may: digits,
// x for a placeholder digit, and separators.
func isPhoneText(s string) bool {
	return s != "" && strings.Trim(s, "0123456789x+()- ") == ""
}

// LoadCatalogue reads the catalogue file at path in fsys. The file maps
// "items" to a list of items; an error names the file, the line, the item
// and the field at fault: an unknown field, category or layer, a duplicate
// id, a missing name, department, contact or source, or a bad status.
func LoadCatalogue(fsys fs.FS, path string) (*Catalogue, error) {
	data, err := fs.ReadFile(fsys, path)
	if err != nil {
		return nil, fmt.Errorf("load catalogue: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &CatalogueError{File: path, Err: err}
	}
	c := &Catalogue{file: path, byID: map[string]int{}, progLines: map[string]int{}}
	fail := func(line int, item, field, format string, args ...any) error {
		return &CatalogueError{File: path, Line: line, Item: item, Field: field, Err: fmt.Errorf(format, args...)}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fail(0, "", "", "want a mapping with items: a list of items")
	}
	root := doc.Content[0]
	var items *yaml.Node
	for i := 0; i < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "items" {
			return nil, fail(k.Line, "", k.Value, "unknown field; want items")
		}
		items = v
	}
	if items == nil || items.Kind != yaml.SequenceNode || len(items.Content) == 0 {
		return nil, fail(root.Line, "", "items", "want a list of at least one item")
	}
	for i, n := range items.Content {
		it, progLine, err := parseItem(path, i, n)
		if err != nil {
			return nil, err
		}
		if it.Programme != "" {
			c.progLines[it.ID] = progLine
		}
		if j, dup := c.byID[it.ID]; dup {
			return nil, fail(it.Line, it.ID, "id", "duplicate id; also at line %d", c.items[j].Line)
		}
		c.byID[it.ID] = len(c.items)
		c.items = append(c.items, it)
	}
	return c, nil
}

// parseItem reads the i-th item of the file; progLine is the line of its
// programme, 0 for none.
func parseItem(path string, i int, n *yaml.Node) (it Item, progLine int, err error) {
	it.Line = n.Line
	name := fmt.Sprintf("items[%d]", i)
	fail := func(line int, field, format string, args ...any) error {
		return &CatalogueError{File: path, Line: line, Item: name, Field: field, Err: fmt.Errorf(format, args...)}
	}
	if n.Kind != yaml.MappingNode {
		return it, 0, fail(n.Line, "", "want a mapping with id, name, category, department, qualifies, layers, contact, source and status")
	}
	// Read the fields first, so that a problem with one names the item by
	// its id.
	itemFields := []string{"id", "name", "category", "department", "qualifies", "layers", "programme", "contact", "source", "status"}
	fields := map[string]*yaml.Node{}
	var badKey *yaml.Node
	var badWhy string
	for j := 0; j < len(n.Content); j += 2 {
		k, v := n.Content[j], n.Content[j+1]
		switch _, dup := fields[k.Value]; {
		case badKey != nil:
		case !slices.Contains(itemFields, k.Value):
			badKey, badWhy = k, "unknown field; want "+strings.Join(itemFields, ", ")
		case dup:
			badKey, badWhy = k, "given twice"
		}
		fields[k.Value] = v
	}
	// line is where a field's value is, or the item's start when it is
	// missing.
	line := func(field string) int {
		if v := fields[field]; v != nil {
			return v.Line
		}
		return n.Line
	}
	if it.ID, err = scalar(fields["id"]); err != nil || it.ID == "" {
		return it, 0, fail(line("id"), "id", "is required: a snake_case key")
	}
	if !isSnakeCase(it.ID) {
		return it, 0, fail(line("id"), "id", "%q is not snake_case (lower-case letters, digits and single underscores)", it.ID)
	}
	name = it.ID
	if badKey != nil {
		return it, 0, fail(badKey.Line, badKey.Value, "%s", badWhy)
	}
	for _, f := range []struct {
		field string
		dst   *Bilingual
	}{{"name", &it.Name}, {"department", &it.Department}, {"qualifies", &it.Qualifies}} {
		if *f.dst, err = bilingual(fields[f.field]); err != nil {
			return it, 0, fail(line(f.field), f.field, "%v", err)
		}
	}
	s, err := scalar(fields["category"])
	if err == nil && s == "" {
		err = errors.New("is required")
	}
	if err == nil {
		it.Category, err = ParseCategory(s)
	}
	if err != nil {
		return it, 0, fail(line("category"), "category", "%v", err)
	}
	if it.Layers, err = layers(fields["layers"]); err != nil {
		return it, 0, fail(line("layers"), "layers", "%v", err)
	}
	if it.Programme, err = scalar(fields["programme"]); err != nil {
		return it, 0, fail(line("programme"), "programme", "%v", err)
	}
	if it.Programme != "" && !isSnakeCase(it.Programme) {
		return it, 0, fail(line("programme"), "programme", "%q is not a programme id", it.Programme)
	}
	if it.Contact, err = contact(fields["contact"]); err != nil {
		return it, 0, fail(line("contact"), "contact", "%v", err)
	}
	if it.Source, err = scalar(fields["source"]); err != nil || it.Source == "" {
		return it, 0, fail(line("source"), "source", "is required: where the item comes from")
	}
	if it.Status, err = scalar(fields["status"]); err != nil || (it.Status != "confirmed" && it.Status != "unconfirmed") {
		return it, 0, fail(line("status"), "status", "want confirmed or unconfirmed")
	}
	return it, line("programme"), nil
}

// scalar returns the text of a scalar node; "" for a missing one.
func scalar(n *yaml.Node) (string, error) {
	switch {
	case n == nil:
		return "", nil
	case n.Kind != yaml.ScalarNode:
		return "", errors.New("want a single value")
	}
	return strings.TrimSpace(n.Value), nil
}

// mapping returns the scalar values of a mapping node with only the given
// keys; a missing key is "".
func mapping(n *yaml.Node, keys ...string) (map[string]string, error) {
	if n == nil {
		return nil, fmt.Errorf("is required: {%s: …}", strings.Join(keys, ": …, "))
	}
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("want a mapping with %s", strings.Join(keys, " and "))
	}
	out := map[string]string{}
	for j := 0; j < len(n.Content); j += 2 {
		k, v := n.Content[j], n.Content[j+1]
		if !slices.Contains(keys, k.Value) {
			return nil, fmt.Errorf("unknown field %q; want %s", k.Value, strings.Join(keys, " and "))
		}
		if _, dup := out[k.Value]; dup {
			return nil, fmt.Errorf("%s given twice", k.Value)
		}
		s, err := scalar(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k.Value, err)
		}
		out[k.Value] = s
	}
	for _, k := range keys {
		if out[k] == "" {
			return nil, fmt.Errorf("%s is required", k)
		}
	}
	return out, nil
}

// bilingual reads {zh: …, en: …}; both are required.
func bilingual(n *yaml.Node) (Bilingual, error) {
	m, err := mapping(n, "zh", "en")
	if err != nil {
		return Bilingual{}, err
	}
	return Bilingual{ZH: m["zh"], EN: m["en"]}, nil
}

// contact reads {office: …, phone: …}; both are required.
func contact(n *yaml.Node) (Contact, error) {
	m, err := mapping(n, "office", "phone")
	if err != nil {
		return Contact{}, err
	}
	if !isPhoneText(m["phone"]) {
		return Contact{}, fmt.Errorf("phone %q: want digits, x for a placeholder digit, and separators", m["phone"])
	}
	return Contact{Office: m["office"], Phone: m["phone"]}, nil
}

// layers reads the list of layers of an item.
func layers(n *yaml.Node) ([]Layer, error) {
	if n == nil || n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return nil, fmt.Errorf("want a list of at least one of %s", layerList())
	}
	out := make([]Layer, 0, len(n.Content))
	for _, e := range n.Content {
		s, err := scalar(e)
		if err != nil {
			return nil, err
		}
		l := Layer(s)
		switch {
		case !l.known():
			return nil, fmt.Errorf("unknown layer %q; want one of %s", s, layerList())
		case slices.Contains(out, l):
			return nil, fmt.Errorf("layer %s given twice", s)
		}
		out = append(out, l)
	}
	if len(out) > 1 && slices.Contains(out, LayerAnyone) {
		return nil, errors.New("anyone stands alone: an item open to anyone lists no other layer")
	}
	return out, nil
}

// CatalogueTable returns items as the columns and rows of the published
// list, with headers in Chinese and English, one text cell per column;
// texts in both languages are on two lines, Chinese first.
func CatalogueTable(items []Item) (header []string, rows [][]string) {
	header = []string{"编号 ID", "类别 Category", "救助事项 Item", "责任部门 Department", "对象条件 Who qualifies",
		"适用层级 Layers", "联系方式 Contact", "来源 Source", "状态 Status"}
	rows = make([][]string, 0, len(items))
	for _, it := range items {
		ls := make([]string, len(it.Layers))
		for i, l := range it.Layers {
			ls[i] = l.Name().ZH + " " + string(l)
		}
		status := "待核实 unconfirmed"
		if it.Status == "confirmed" {
			status = "已核实 confirmed"
		}
		rows = append(rows, []string{
			it.ID,
			it.Category.Name().ZH + " " + string(it.Category),
			lines(it.Name),
			lines(it.Department),
			lines(it.Qualifies),
			strings.Join(ls, "\n"),
			it.Contact.Office + "\n" + it.Contact.Phone,
			it.Source,
			status,
		})
	}
	return header, rows
}

// lines returns the Chinese text and the English one on the next line.
func lines(b Bilingual) string { return b.ZH + "\n" + b.EN }
