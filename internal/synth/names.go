package synth

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
)

//go:embed data/names.txt
var namesTxt []byte

//go:embed data/industries.csv
var industriesCSV []byte

// table is a discrete distribution over 0..n-1 by cumulative weights.
type table struct{ cum []float64 }

func newTable(weights []float64) table {
	cum := make([]float64, len(weights))
	s := 0.0
	for i, w := range weights {
		s += w
		cum[i] = s
	}
	return table{cum: cum}
}

// pick returns an index with probability proportional to its weight. The
// table must have a positive total weight.
func (t table) pick(r *rand.Rand) int {
	u := r.Float64() * t.cum[len(t.cum)-1]
	lo, hi := 0, len(t.cum)-1
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.cum[m] > u {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// pool is a weighted list of words.
type pool struct {
	words []string
	t     table
}

func (p *pool) pick(r *rand.Rand) string { return p.words[p.t.pick(r)] }

// industry is one row of data/industries.csv.
type industry struct {
	code                     string
	weight, energy, indiv    float64
	enterprise, individualSx string
}

// vocab is the parsed embedded data.
type vocab struct {
	pools      map[string]*pool
	industries []industry
}

var loadVocab = sync.OnceValues(func() (*vocab, error) {
	pools, err := parsePools(namesTxt)
	if err != nil {
		return nil, fmt.Errorf("synth: data/names.txt: %w", err)
	}
	inds, err := parseIndustries(industriesCSV)
	if err != nil {
		return nil, fmt.Errorf("synth: data/industries.csv: %w", err)
	}
	for _, name := range requiredPools {
		if p := pools[name]; p == nil || len(p.words) == 0 {
			return nil, fmt.Errorf("synth: data/names.txt: section [%s] is missing or empty", name)
		}
	}
	return &vocab{pools: pools, industries: inds}, nil
})

var requiredPools = []string{
	"han_surname", "hui_surname",
	"han_male_char_old", "han_male_char_mid", "han_male_char_young",
	"han_female_char_old", "han_female_char_mid", "han_female_char_young",
	"han_male_given_old", "han_male_given_mid", "han_male_given_young",
	"han_female_given_old", "han_female_given_mid", "han_female_given_young",
	"kazakh_male", "kazakh_female", "uyghur_male", "uyghur_female",
	"mongol_male", "mongol_female", "russian_male", "russian_female",
	"russian_surname_male", "russian_surname_female", "trade", "road",
}

// parsePools reads the sectioned word lists of names.txt.
func parsePools(data []byte) (map[string]*pool, error) {
	pools := make(map[string]*pool)
	weights := make(map[string][]float64)
	var cur string
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		if i := strings.IndexByte(s, '#'); i >= 0 {
			s = s[:i]
		}
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
			cur = s[1 : len(s)-1]
			if pools[cur] != nil {
				return nil, fmt.Errorf("line %d: duplicate section [%s]", line, cur)
			}
			pools[cur] = &pool{}
			continue
		}
		if cur == "" {
			return nil, fmt.Errorf("line %d: words before the first section", line)
		}
		for _, f := range strings.Fields(s) {
			word, w := f, 1.0
			if i := strings.IndexByte(f, '*'); i >= 0 {
				v, err := strconv.ParseFloat(f[i+1:], 64)
				if err != nil || v <= 0 {
					return nil, fmt.Errorf("line %d: bad weight in %q", line, f)
				}
				word, w = f[:i], v
			}
			pools[cur].words = append(pools[cur].words, word)
			weights[cur] = append(weights[cur], w)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for name, p := range pools {
		p.t = newTable(weights[name])
	}
	return pools, nil
}

// parseIndustries reads the industry table.
func parseIndustries(data []byte) ([]industry, error) {
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("no rows")
	}
	var out []industry
	for i, r := range rows[1:] {
		var ws [3]float64
		for k := range ws {
			v, err := strconv.ParseFloat(r[1+k], 64)
			if err != nil || v < 0 {
				return nil, fmt.Errorf("row %d: bad weight %q", i+2, r[1+k])
			}
			ws[k] = v
		}
		if (ws[0] > 0 || ws[1] > 0) && r[4] == "" || ws[2] > 0 && r[5] == "" {
			return nil, fmt.Errorf("row %d: a weighted kind has no name suffix", i+2)
		}
		out = append(out, industry{code: r[0], weight: ws[0], energy: ws[1], indiv: ws[2], enterprise: r[4], individualSx: r[5]})
	}
	return out, nil
}

// nameStyle is how a people's names are formed.
type nameStyle uint8

const (
	styleHan     nameStyle = iota // surname + 1-2 character given name
	styleHui                      // as Han, with Hui surnames
	styleKazakh                   // given·father's given name
	styleUyghur                   // given·father's given name
	styleMongol                   // a single name
	styleRussian                  // given·surname
)

// namer makes names from the vocabulary.
type namer struct {
	hanSurname, huiSurname *pool
	// [gender][era]: gender 0 female, 1 male; era 0 old, 1 mid, 2 young.
	hanChar, hanGiven [2][3]*pool
	turkic            [2][2]*pool // [kazakh, uyghur][gender]
	mongol, russian   [2]*pool
	russianSurname    [2]*pool
	trade, road       *pool
}

func newNamer(v *vocab) *namer {
	p := v.pools
	n := &namer{hanSurname: p["han_surname"], huiSurname: p["hui_surname"], trade: p["trade"], road: p["road"]}
	eras := [3]string{"old", "mid", "young"}
	genders := [2]string{"female", "male"}
	for g, gs := range genders {
		for e, es := range eras {
			n.hanChar[g][e] = p["han_"+gs+"_char_"+es]
			n.hanGiven[g][e] = p["han_"+gs+"_given_"+es]
		}
		n.turkic[0][g] = p["kazakh_"+gs]
		n.turkic[1][g] = p["uyghur_"+gs]
		n.mongol[g] = p["mongol_"+gs]
		n.russian[g] = p["russian_"+gs]
		n.russianSurname[g] = p["russian_surname_"+gs]
	}
	return n
}

// era returns the naming generation of a birth year.
func era(year int) int {
	switch {
	case year < 1970:
		return 0
	case year < 2000:
		return 1
	default:
		return 2
	}
}

// hanGivenName returns a Han given name for the sex and birth year.
func (n *namer) hanGivenName(r *rand.Rand, male bool, year int) string {
	g, e := b2i(male), era(year)
	single := 0.2
	if e == 0 {
		single = 0.35
	}
	switch u := r.Float64(); {
	case u < single:
		return n.hanChar[g][e].pick(r)
	case u < 0.6:
		return n.hanGiven[g][e].pick(r)
	default:
		return n.hanChar[g][e].pick(r) + n.hanChar[g][e].pick(r)
	}
}

// name fills in the name parts of person p given its father f (nil if
// unknown), and returns the full name.
func (n *namer) name(r *rand.Rand, style nameStyle, p, f *bperson) string {
	year := p.birth.Year()
	switch style {
	case styleHan, styleHui:
		if f != nil && f.surname != "" {
			p.surname = f.surname
		} else if style == styleHui {
			p.surname = n.huiSurname.pick(r)
		} else {
			p.surname = n.hanSurname.pick(r)
		}
		p.given = n.hanGivenName(r, p.male, year)
		return p.surname + p.given
	case styleKazakh, styleUyghur:
		k := 0
		if style == styleUyghur {
			k = 1
		}
		p.given = n.turkic[k][b2i(p.male)].pick(r)
		father := ""
		if f != nil && f.given != "" && f.surname == "" {
			father = f.given
		} else {
			father = n.turkic[k][1].pick(r)
		}
		return p.given + "·" + father
	case styleMongol:
		p.given = n.mongol[b2i(p.male)].pick(r)
		return p.given
	default: // styleRussian
		g := b2i(p.male)
		if f != nil && f.surname != "" {
			p.surname = f.surname
		} else {
			p.surname = n.russianSurname[1].pick(r)
		}
		p.given = n.russian[g].pick(r)
		last := p.surname
		if !p.male {
			// The feminine form sits at the same index in the female list.
			last = n.russianSurname[0].words[indexOf(n.russianSurname[1].words, p.surname)]
		}
		return p.given + "·" + last
	}
}

func indexOf(ws []string, w string) int {
	for i, x := range ws {
		if x == w {
			return i
		}
	}
	return 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
