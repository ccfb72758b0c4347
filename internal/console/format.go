package console

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// funcs are the template functions of language l. Everything a person
// reads goes through them: amounts in 元 with two decimals, months as
// 2026年11月, regions and roles by name, personal data masked unless the
// principal may see it.
func (c *Console) funcs(l Lang) template.FuncMap {
	return template.FuncMap{
		"t":      func(key string, args ...any) string { return translate(l, key, args...) },
		"yuan":   func(f money.Fen) string { return yuan(l, f) },
		"holds":  func(b *bool) bool { return b != nil && *b },
		"month":  func(m period.Month) string { return monthText(l, m) },
		"date":   func(d period.Date) string { return dateText(l, d) },
		"time":   func(t time.Time) string { return timeText(l, c.app.Juris, t) },
		"region": func(code region.Code) string { return c.regionName(l, code) },
		"role":   func(r auth.Role) string { return translate(l, "role."+string(r)) },
		"status": func(kind string, v any) string { return translate(l, kind+"."+fmt.Sprint(v)) },
		"mask":   maskID,
		"add":    func(a, b int) int { return a + b },
		"dict":   dict,
	}
}

// yuan shows an amount of fen in yuan with two decimals: "2,981.13 元"
// (zh) or "2,981.13 yuan" (en).
func yuan(l Lang, f money.Fen) string {
	if l == EN {
		return f.String() + " yuan"
	}
	return f.String() + " 元"
}

// monthText shows a month as 2026年11月 (zh) or November 2026 (en).
func monthText(l Lang, m period.Month) string {
	if m.IsZero() {
		return ""
	}
	if l == EN {
		return fmt.Sprintf("%s %d", m.MonthOfYear(), m.Year())
	}
	return fmt.Sprintf("%d年%d月", m.Year(), int(m.MonthOfYear()))
}

// dateText shows a date as 2026年11月5日 (zh) or 5 November 2026 (en).
func dateText(l Lang, d period.Date) string {
	if d.IsZero() {
		return ""
	}
	y, m, day := d.YMD()
	if l == EN {
		return fmt.Sprintf("%d %s %d", day, m, y)
	}
	return fmt.Sprintf("%d年%d月%d日", y, int(m), day)
}

// timeText shows an instant in the jurisdiction's zone, to the minute.
func timeText(l Lang, j region.Jurisdiction, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(j.Zone)
	if l == EN {
		return t.Format("2 January 2006 15:04")
	}
	return fmt.Sprintf("%d年%d月%d日 %s", t.Year(), int(t.Month()), t.Day(), t.Format("15:04"))
}

// regionName names a division of the jurisdiction's tree in language l,
// the code itself when the tree has no such division.
func (c *Console) regionName(l Lang, code region.Code) string {
	n, ok := c.app.Juris.Tree.Node(code)
	if !ok {
		return string(code)
	}
	if l == EN && n.NameEN != "" {
		return n.NameEN
	}
	return n.NameZH
}

// maskID shows a resident ID masked (the only form a template may print
// without the pii view: pages that may show it whole pass it whole).
func maskID(id ids.ResidentID) string { return id.Masked() }

// dict makes a map of its key, value arguments, to pass several values to
// a partial template: {{template "x" dict "Name" "role0" "Value" .Role}}.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict takes key, value pairs")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// programmeName names a programme of the policy package in language l, its
// id when the package has none.
func (c *Console) programmeName(l Lang, id string) string {
	pg, ok := c.app.Policy.Programme(id)
	switch {
	case !ok:
		return id
	case l == EN && pg.NameEN != "":
		return pg.NameEN
	case pg.NameZH != "":
		return pg.NameZH
	}
	return id
}

// regionOption is a division in a region select, padded by its depth
// below the select's top.
type regionOption struct {
	Code region.Code
	Name string
	// Pad is a full-width space per level below the top, to indent the
	// name in the select.
	Pad string
}

// regionSelect lists the divisions a principal of scope may choose, in
// tree order: the scope, then the divisions under it down to level deepest
// (region.County or region.Township), each named in language l.
func (c *Console) regionSelect(l Lang, scope region.Code, deepest region.Level) []regionOption {
	t := c.app.Juris.Tree
	var out []regionOption
	var walk func(code region.Code, depth int)
	walk = func(code region.Code, depth int) {
		n, ok := t.Node(code)
		if !ok || n.Level > deepest && depth > 0 {
			return
		}
		out = append(out, regionOption{Code: n.Code, Name: c.regionName(l, n.Code), Pad: strings.Repeat("\u3000", depth)})
		for _, ch := range t.Children(code) {
			walk(ch.Code, depth+1)
		}
	}
	walk(scope, 0)
	return out
}
