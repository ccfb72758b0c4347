package mobile

import (
	"net/http"
	"strconv"
	"strings"

	"safetynet/internal/assistance"
	"safetynet/internal/matters"
	"safetynet/internal/region"
)

// tile is one entry of the home page.
type tile struct {
	Key, Href string
}

// home shows the four signed-in entries, not yet open, and the public
// entries as links.
func (s *Site) home(w http.ResponseWriter, r *http.Request) error {
	p := newPage(r, "home", s.asset)
	p.Title, p.Back = p.T("home.title"), ""
	p.Data = struct{ Locked, Public []tile }{
		Locked: []tile{{Key: "tile.insurance"}, {Key: "tile.assistance"}, {Key: "tile.matters_online"}, {Key: "tile.jiuzhutong"}},
		Public: []tile{{"public.matters", Prefix + "matters"}, {"public.points", Prefix + "points"}, {"public.help", Prefix + "help"}},
	}
	s.render(w, http.StatusOK, p)
	return nil
}

// maxQuery is the longest search text read; a longer one is cut.
const maxQuery = 50

// matterList lists the matters open to the mobile channel whose name
// contains q.
func (s *Site) matterList(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if rs := []rune(q); len(rs) > maxQuery {
		q = string(rs[:maxQuery])
	}
	p := newPage(r, "matters", s.asset)
	p.Title = p.T("matters.title")
	p.Data = struct {
		Q       string
		Matters []matters.Matter
	}{q, s.deps.Office.Catalogue.Matters(matters.Filter{Channel: matters.Mobile, Q: q})}
	s.render(w, http.StatusOK, p)
	return nil
}

// matterDetail shows one matter open to the mobile channel.
func (s *Site) matterDetail(w http.ResponseWriter, r *http.Request) error {
	m, ok := s.deps.Office.Catalogue.Matter(r.PathValue("id"))
	if !ok || !m.Open(matters.Mobile) {
		return errNotFound
	}
	p := newPage(r, "matter", s.asset)
	p.Title, p.Back = p.Pick(m.Name.ZH, m.Name.EN), Prefix+"matters"
	p.Data = m
	s.render(w, http.StatusOK, p)
	return nil
}

// pointsPage is the data of the service points page.
type pointsPage struct {
	Counties  []region.Node
	County    region.Node
	Townships []region.Node
	Township  region.Node
	Points    []matters.Point
	// Receives is the number of matters open to each channel: what a
	// point of that channel receives.
	Receives map[matters.Channel]int
	// Page is the page shown (from 1); Next and Prev are 0 when none.
	Page, Prev, Next, Total int
}

// pointList walks county → township and lists that township's points
// (the county's hall first, then the township's platform, its village
// points and its bank outlets), a page at a time.
func (s *Site) pointList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	t := s.deps.Tree
	d := pointsPage{Page: 1, Receives: s.deps.Office.Catalogue.CountByChannel()}
	for _, c := range t.Children(s.deps.Home) {
		if c.Level == region.County {
			d.Counties = append(d.Counties, c)
		}
	}
	if code, err := region.ParseCode(q.Get("township")); err == nil && code.Level() == region.Township && s.deps.Home.Contains(code) {
		if n, ok := t.Node(code); ok {
			d.Township = n
		}
	}
	county := q.Get("county")
	if d.Township.Code != "" {
		county = string(d.Township.Code.County())
	}
	if code, err := region.ParseCode(county); err == nil && code.Level() == region.County && s.deps.Home.Contains(code) {
		if n, ok := t.Node(code); ok {
			d.County = n
			d.Townships = t.Children(code)
		}
	}
	if d.Township.Code != "" {
		all := s.deps.Office.Points.List(matters.PointFilter{Region: d.County.Code, Kind: matters.Hall})
		all = append(all, s.deps.Office.Points.List(matters.PointFilter{Region: d.Township.Code})...)
		d.Total = len(all)
		if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
			d.Page = n
		}
		size := s.deps.PageSize
		from := (d.Page - 1) * size
		if from >= len(all) && len(all) > 0 {
			return errNotFound
		}
		d.Points = all[from:min(from+size, len(all))]
		if d.Page > 1 {
			d.Prev = d.Page - 1
		}
		if from+size < len(all) {
			d.Next = d.Page + 1
		}
	}
	p := newPage(r, "points", s.asset)
	p.Title = p.T("points.title")
	p.Data = d
	s.render(w, http.StatusOK, p)
	return nil
}

// pointDetail shows a point, its opening hours and the matters it
// receives.
func (s *Site) pointDetail(w http.ResponseWriter, r *http.Request) error {
	pt, ok := s.deps.Office.Points.Point(r.PathValue("id"))
	if !ok {
		return errNotFound
	}
	p := newPage(r, "point", s.asset)
	p.Title = p.Pick(pt.Name.ZH, pt.Name.EN)
	if pt.Region.Level() == region.Township || pt.Region.Level() == region.Village {
		tw := pt.Region
		if tw.Level() == region.Village {
			tw = tw.Parent()
		}
		p.Back = Prefix + "points?township=" + string(tw)
	} else {
		p.Back = Prefix + "points"
	}
	p.Data = struct {
		Point   matters.Point
		Matters []matters.Matter
	}{pt, s.deps.Office.Points.Matters(pt)}
	s.render(w, http.StatusOK, p)
	return nil
}

// situation is one part of the 联助清单: a layer and the items it opens.
type situation struct {
	Layer assistance.Layer
	Name  assistance.Bilingual
	Items []assistance.Item
}

// situations returns the 联助清单 by situation: for each layer, most
// severe first, the items that name it; then the items open to anyone in
// sudden hardship (which every layer may also ask for).
func (s *Site) situations() []situation {
	var out []situation
	c := s.deps.Catalogue
	if c == nil {
		return nil
	}
	for _, l := range append(assistance.Layers(), assistance.LayerAnyone) {
		var items []assistance.Item
		for _, it := range c.Items(assistance.CatalogueFilter{Layer: l}) {
			if l == assistance.LayerAnyone || !it.Opens(assistance.LayerAnyone) {
				items = append(items, it)
			}
		}
		out = append(out, situation{Layer: l, Name: l.Name(), Items: items})
	}
	return out
}

// help lists the situations of the 联助清单, each with what it means in
// words and how many items it opens.
func (s *Site) help(w http.ResponseWriter, r *http.Request) error {
	p := newPage(r, "help", s.asset)
	p.Title = p.T("help.title")
	p.Data = s.situations()
	s.render(w, http.StatusOK, p)
	return nil
}

// helpSituation shows one situation's items: who qualifies, the
// department and where to ask.
func (s *Site) helpSituation(w http.ResponseWriter, r *http.Request) error {
	for _, st := range s.situations() {
		if string(st.Layer) == r.PathValue("layer") {
			p := newPage(r, "situation", s.asset)
			p.Title, p.Back = p.Pick(st.Name.ZH, st.Name.EN), Prefix+"help"
			p.Data = st
			s.render(w, http.StatusOK, p)
			return nil
		}
	}
	return errNotFound
}
