package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/frontoffice"
	"safetynet/internal/frontoffice/execute"
	"safetynet/internal/matters"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

// pointCookie remembers the service point a clerk last received at.
const pointCookie = "sn_fo_point"

// pointGroup is the points of one kind the post may receive at.
type pointGroup struct {
	Kind   matters.Kind
	Points []matters.Point
}

// applicantOption is a person or employer found by the applicant search.
type applicantOption struct {
	Person bool
	ID     int64
	Name   string
	// Key is the ID number (masked unless pii.view) or the USCC.
	Key    string
	Region string
}

// materialAsk is a material of the chosen matter on the checklist.
type materialAsk struct {
	M    matters.Material
	Name string
	// How and Promised are what the form sent (a re-rendered form).
	How, Promised string
	// Choices are the ways it may be checked in.
	Choices []string
	// Fact names the registry fact a material fetched from it is read
	// from (减材料).
	Fact string
}

// factName names a registry fact in l.
func factName(l Lang, fact string) string {
	if fact == "" {
		return ""
	}
	if k := "fo.fact." + fact; hasMessage(k) {
		return translate(l, k)
	}
	return fact
}

// choiceLabel names value v of the choice field named field in l: a
// label of the field's own (fo.choice.<field>.<v>, where one value means
// different things in different fields) before the common one.
func choiceLabel(l Lang, field, v string) string {
	for _, k := range []string{"fo.choice." + field + "." + v, "fo.choice." + v, "fo.channel." + v} {
		if hasMessage(k) {
			return translate(l, k)
		}
	}
	return v
}

// fieldLabel is a field's label in l; an amount is entered in yuan, so
// the executors' "in fen" reads "in yuan" here.
func fieldLabel(l Lang, f execute.Field) string {
	s := bilingual(l, f.Label)
	if f.Kind == "fen" {
		s = strings.NewReplacer("，分", "，元", "（分）", "（元）", "分/年", "元/年", "(fen)", "(yuan)", "fen)", "yuan)").Replace(s)
	}
	return s
}

// option is a choice of a select with its label.
type option struct {
	Value, Label string
}

// fieldInput is one field of the matter's form.
type fieldInput struct {
	F     execute.Field
	Label string
	Value string
	// Shape shows the JSON a list kind expects.
	Shape string
	// Options are a choice's values with their labels.
	Options []option
}

// receivePage is the data of 综合受理.
type receivePage struct {
	Groups   []pointGroup
	Point    matters.Point
	Channel  string
	Channels []matters.Channel
	Q, PQ    string
	Matters  []matters.Matter
	Matter   *matters.Matter
	MatterNm string
	// Applicants found by the search; Chosen the one picked.
	Applicants []applicantOption
	Chosen     *applicantOption
	Employer   bool
	Materials  []materialAsk
	FromReg    []materialAsk
	Fields     []fieldInput
	Form       url.Values
	Problems   map[string]string
	Failed     string
	// ProblemList is every problem in words, above the form.
	ProblemList []string
	Today       period.Date
}

// remoteChannels are the channels received with no service point.
var remoteChannels = []matters.Channel{matters.Online, matters.Mobile, matters.CrossProvince}

// handleReceiveForm shows 综合受理: the point or channel, the catalogue
// search, the applicant, and the chosen matter's checklist and form.
func (c *Console) handleReceiveForm(w http.ResponseWriter, r *http.Request) error {
	return c.showReceive(w, r, http.StatusOK, "", nil)
}

// showReceive renders 综合受理 from the query (or the posted form, when
// re-rendered with its problems).
func (c *Console) showReceive(w http.ResponseWriter, r *http.Request, status int, failed string, problems map[string]string) error {
	off, err := c.office()
	if err != nil {
		return err
	}
	pr, _ := auth.PrincipalFrom(r.Context())
	p := c.newPage(r, "fo_receive")
	in := r.URL.Query()
	if r.Method == http.MethodPost {
		in = r.PostForm
	}
	d := receivePage{Q: in.Get("q"), PQ: in.Get("pq"), Channel: in.Get("channel"), Channels: remoteChannels, Failed: failed,
		Problems: problems, Today: c.app.Clock.Today()}
	if failed != "" {
		d.Form = r.PostForm
	}
	byKind := map[matters.Kind][]matters.Point{}
	for _, pt := range off.Points.List(matters.PointFilter{Region: pr.Scope}) {
		byKind[pt.Kind] = append(byKind[pt.Kind], pt)
	}
	for _, k := range []matters.Kind{matters.Hall, matters.TownshipPoint, matters.VillagePoint, matters.BankOutlet} {
		if len(byKind[k]) > 0 {
			d.Groups = append(d.Groups, pointGroup{Kind: k, Points: byKind[k]})
		}
	}
	pointID := in.Get("point")
	if pointID == "" && d.Channel == "" {
		if ck, err := r.Cookie(pointCookie); err == nil {
			pointID = ck.Value
		}
	}
	if pt, ok := off.Points.Point(pointID); ok && pr.InScope(pt.Region) && d.Channel == "" || ok && pr.InScope(pt.Region) && d.Channel == string(pt.Channel) {
		d.Point, d.Channel = pt, string(pt.Channel)
	}
	if d.Channel == "" && len(d.Groups) == 0 {
		d.Channel = string(matters.Online)
	}
	if d.Channel != "" {
		d.Matters = off.Catalogue.Matters(matters.Filter{Channel: matters.Channel(d.Channel), Q: d.Q})
	}
	if m, ok := off.Catalogue.Matter(in.Get("matter")); ok && d.Channel != "" && m.Open(matters.Channel(d.Channel)) {
		d.Matter, d.MatterNm = &m, bilingual(p.Lang, m.Name)
		d.Employer = slices.Contains(m.Applicants, matters.Employer) && !slices.Contains(m.Applicants, matters.Person)
		for _, mat := range m.Materials {
			ask := materialAsk{M: mat, Name: bilingual(p.Lang, mat.Name), Fact: factName(p.Lang, mat.FromRegistry)}
			if !mat.Asked() {
				d.FromReg = append(d.FromReg, ask)
				continue
			}
			ask.How, ask.Choices = frontoffice.MaterialOriginal, []string{frontoffice.MaterialOriginal, frontoffice.MaterialCopy, frontoffice.MaterialUploaded}
			if mat.Deferrable {
				ask.Choices = append(ask.Choices, frontoffice.MaterialDeferred)
			}
			ask.Choices = append(ask.Choices, frontoffice.MaterialMissing)
			if d.Form != nil {
				ask.How, ask.Promised = d.Form.Get("m."+mat.ID), d.Form.Get("p."+mat.ID)
			}
			d.Materials = append(d.Materials, ask)
		}
		if ex, ok := c.app.FrontOffice.Executor(m); ok {
			for _, f := range ex.Fields() {
				fi := fieldInput{F: f, Label: fieldLabel(p.Lang, f), Value: in.Get("f." + f.Name)}
				for _, v := range f.Values {
					fi.Options = append(fi.Options, option{Value: v, Label: choiceLabel(p.Lang, f.Name, v)})
				}
				switch f.Kind {
				case "list":
					fi.Shape = `["…", "…"]`
				case "members":
					fi.Shape = `[{"person_id": 0, "relation": "…"}]`
				case "lines":
					fi.Shape = `[{"…": "…"}]`
				}
				d.Fields = append(d.Fields, fi)
			}
		}
	}
	names := map[string]string{}
	for _, m := range append(append([]materialAsk(nil), d.Materials...), d.FromReg...) {
		names["materials."+m.M.ID], names["materials."+m.M.ID+".promised"], names["materials."+m.M.ID+".how"] = m.Name, m.Name, m.Name
	}
	for _, f := range d.Fields {
		names["form."+f.F.Name] = f.Label
	}
	d.ProblemList = problemList(p.Lang, problems, names)
	if err := c.chooseApplicant(r, &d, in); err != nil {
		return err
	}
	p.Title, p.Active, p.Data = p.T("fo.receive.title"), "receive", d
	c.render(w, r, status, p)
	return nil
}

// chooseApplicant searches the registry for the applicant (by name or ID
// number, or an employer by name or USCC) and reads the one chosen.
func (c *Console) chooseApplicant(r *http.Request, d *receivePage, in url.Values) error {
	v := c.viewOf(r)
	ctx := r.Context()
	if id, _ := strconv.ParseInt(in.Get("person_id"), 10, 64); id > 0 {
		per, err := c.app.Registry.Person(ctx, registry.PersonID(id))
		if err != nil {
			return err
		}
		d.Chosen = &applicantOption{Person: true, ID: id, Name: per.Name, Key: v.IDNumber(per.IDNumber), Region: c.regionName(langOf(r), per.RegionCode)}
		return nil
	}
	if id, _ := strconv.ParseInt(in.Get("organisation_id"), 10, 64); id > 0 {
		o, err := c.app.Registry.Organisation(ctx, registry.OrgID(id))
		if err != nil {
			return err
		}
		d.Chosen = &applicantOption{ID: id, Name: o.Name, Key: string(o.USCC), Region: c.regionName(langOf(r), o.RegionCode)}
		return nil
	}
	q := strings.TrimSpace(d.PQ)
	if q == "" {
		return nil
	}
	if d.Employer {
		f := registry.OrgFilter{Page: registry.Page{Limit: 10}}
		if len(q) == 18 && strings.ToUpper(q) == q && !strings.ContainsFunc(q, func(r rune) bool { return r > 127 }) {
			f.USCC = q
		} else {
			f.Name = q
		}
		os, err := c.app.Registry.Organisations(ctx, f)
		if err != nil {
			return err
		}
		for _, o := range os {
			d.Applicants = append(d.Applicants, applicantOption{ID: int64(o.ID), Name: o.Name, Key: string(o.USCC), Region: c.regionName(langOf(r), o.RegionCode)})
		}
		return nil
	}
	f := registry.PersonFilter{Page: registry.Page{Limit: 10}}
	if looksLikeIDNumber(q) {
		f.IDNumber = q
	} else {
		f.Name = q
	}
	ps, err := c.app.Registry.Persons(ctx, f)
	if err != nil {
		return err
	}
	for _, x := range ps {
		d.Applicants = append(d.Applicants, applicantOption{Person: true, ID: int64(x.ID), Name: x.Name, Key: v.IDNumber(x.IDNumber), Region: c.regionName(langOf(r), x.RegionCode)})
	}
	return nil
}

// handleReceive receives an application from 综合受理's form and goes to
// its page (303); a 422 re-renders the form with the problems beside the
// fields.
func (c *Console) handleReceive(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fault.Errorf(fault.Invalid, "unreadable form")
	}
	off, err := c.office()
	if err != nil {
		return err
	}
	l := langOf(r)
	pf := r.PostForm
	in := frontoffice.Receipt{Matter: pf.Get("matter"), Channel: matters.Channel(pf.Get("channel")), Point: pf.Get("point"),
		Materials: map[string]frontoffice.MaterialIn{}}
	var pr fault.Problems
	if id, _ := strconv.ParseInt(pf.Get("person_id"), 10, 64); id > 0 {
		in.PersonID = registry.PersonID(id)
	}
	if id, _ := strconv.ParseInt(pf.Get("organisation_id"), 10, 64); id > 0 {
		in.OrganisationID = registry.OrgID(id)
	}
	if name, idn := strings.TrimSpace(pf.Get("agent_name")), strings.TrimSpace(pf.Get("agent_id")); name != "" || idn != "" {
		in.Agent = &frontoffice.Agent{Name: name, IDNumber: idn}
	}
	m, ok := off.Catalogue.Matter(in.Matter)
	if ok {
		for _, mat := range m.Materials {
			how := pf.Get("m." + mat.ID)
			if !mat.Asked() || how == "" || how == frontoffice.MaterialMissing {
				continue
			}
			mi := frontoffice.MaterialIn{How: how}
			if how == frontoffice.MaterialDeferred {
				d, err := period.ParseDate(pf.Get("p." + mat.ID))
				if err != nil {
					pr.Add("materials."+mat.ID+".promised", "%s", translate(l, "fo.receive.promise_date"))
					continue
				}
				mi.Promised = d
			}
			in.Materials[mat.ID] = mi
		}
		if ex, ok := c.app.FrontOffice.Executor(m); ok {
			form := map[string]any{}
			for _, f := range ex.Fields() {
				s := strings.TrimSpace(pf.Get("f." + f.Name))
				if f.Kind == "bool" {
					form[f.Name] = s != ""
					continue
				}
				if s == "" {
					continue
				}
				switch f.Kind {
				case "fen":
					fen, err := money.Parse(s)
					if err != nil {
						pr.Add("form."+f.Name, "%s", translate(l, "fo.receive.bad_amount"))
						continue
					}
					form[f.Name] = int64(fen)
				case "int":
					n, err := strconv.ParseInt(s, 10, 64)
					if err != nil {
						pr.Add("form."+f.Name, "%s", translate(l, "fo.receive.bad_int"))
						continue
					}
					form[f.Name] = n
				case "list", "members", "lines":
					if !json.Valid([]byte(s)) {
						pr.Add("form."+f.Name, "%s", translate(l, "fo.receive.bad_json"))
						continue
					}
					form[f.Name] = json.RawMessage(s)
				default:
					form[f.Name] = s
				}
			}
			in.Form, _ = json.Marshal(form)
		}
	}
	var a *frontoffice.Application
	if err = pr.Err("invalid receipt"); err == nil {
		a, err = c.app.FrontOffice.Receive(r.Context(), in)
	}
	if fault.CodeOf(err) == fault.Invalid {
		return c.showReceive(w, r, http.StatusUnprocessableEntity, "receive", faultFieldsIn(l, err))
	} else if err != nil {
		return err
	}
	if in.Point != "" {
		http.SetCookie(w, &http.Cookie{Name: pointCookie, Value: in.Point, Path: "/applications", MaxAge: 180 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	}
	http.Redirect(w, r, "/applications/"+url.PathEscape(a.No), http.StatusSeeOther)
	return nil
}

// problemList lists a form's problems by field, each named in l (names
// gives the materials' and the fields' names), for the summary above
// the form.
func problemList(l Lang, m, names map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		name, ok := names[k]
		if !ok {
			name = k
		}
		if key := "fo.field." + k; hasMessage(key) {
			name = translate(l, key)
		}
		out = append(out, name+"："+m[k])
	}
	return out
}
