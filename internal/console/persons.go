package console

import (
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"safetynet/internal/registry"
)

func init() { register(personMessages) }

var personMessages = map[string]msg{}

// personsPage is the data of the person search page.
type personsPage struct {
	Q        string
	Rows     []personRow
	Next     int64
	Searched bool
}

// personRow is one person found, shown through the principal's view.
type personRow struct {
	ID       registry.PersonID
	Name     string
	IDNumber string
	Gender   string
	Age      int
	Region   string
	Dead     bool
}

// personSearchPage is how many persons one page of results shows.
const personSearchPage = 50

// handlePersons searches the registry in the principal's scope by name (a
// prefix) or by a whole ID number (a search recorded and limited per hour
// by the registry service), a page at a time.
func (c *Console) handlePersons(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	p := c.newPage(r, "persons")
	p.Title, p.Active = p.T("persons.title"), "persons"
	data := personsPage{Q: q}
	if q != "" {
		f := registry.PersonFilter{Page: registry.Page{After: after, Limit: personSearchPage + 1}}
		if looksLikeIDNumber(q) {
			f.IDNumber = q
		} else {
			f.Name = q
		}
		ps, err := c.app.Registry.Persons(r.Context(), f)
		if err != nil {
			return err
		}
		data.Searched = true
		if len(ps) > personSearchPage {
			ps = ps[:personSearchPage]
			data.Next = int64(ps[len(ps)-1].ID)
		}
		v := c.viewOf(r)
		for _, x := range ps {
			data.Rows = append(data.Rows, personRow{ID: x.ID, Name: x.Name, IDNumber: v.IDNumber(x.IDNumber),
				Gender: p.T("persons.gender." + string(x.Gender())), Age: v.Age(x.BirthDate()),
				Region: c.regionName(p.Lang, x.RegionCode), Dead: !x.Alive()})
		}
	}
	p.Data = data
	c.render(w, r, http.StatusOK, p)
	return nil
}

// looksLikeIDNumber reports whether a search is an ID number (15 or 18
// characters of digits, the last maybe X) rather than a name.
func looksLikeIDNumber(s string) bool {
	if len(s) != 15 && len(s) != 18 {
		return false
	}
	for i, r := range s {
		if !unicode.IsDigit(r) && !(i == len(s)-1 && (r == 'x' || r == 'X')) {
			return false
		}
	}
	return true
}
