package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

// relations maps a relation inside a unit, by the unit's merge kind, to
// the relation to the household head.
var relations = [3][5]registry.Relation{
	mergeNone:  {registry.RelHead, registry.RelSpouse, registry.RelChild, registry.RelParent, registry.RelGrandparent},
	mergeYoung: {registry.RelChild, registry.RelChildInLaw, registry.RelGrandchild, registry.RelOther, registry.RelOther},
	mergeOld:   {registry.RelParent, registry.RelParent, registry.RelOther, registry.RelOther, registry.RelOther},
}

// personBatch generates n persons with their households and records.
func (g *gen) personBatch(r *rand.Rand, n int) (*registry.Bulk, error) {
	s := &g.scratch
	ps := grow(s.ps, n)
	s.ps = ps
	for i := range ps {
		a := g.ageT.pick(r)
		lo, hi := g.ageLo[a], g.ageHi[a]
		ps[i] = bperson{
			birth:  lo + period.Date(r.IntN(int(hi-lo)+1)),
			age:    int16(a),
			male:   r.Float64() < maleShare(a),
			dead:   r.Float64() < g.died[a],
			father: -1,
		}
	}
	units := g.formHouseholds(r, ps)

	// Fathers (for surnames and patronymics) and final households.
	maleOf := func(u *bunit) int32 {
		switch {
		case ps[u.head].male:
			return u.head
		case u.spouse >= 0 && ps[u.spouse].male:
			return u.spouse
		}
		return -1
	}
	pm := grow(s.parentMale, len(units))
	s.parentMale = pm
	for i := range pm {
		pm[i] = -1
	}
	for i := range ps {
		if p := &ps[i]; p.rel == rParent && p.male {
			pm[p.unit] = int32(i)
		}
	}
	for i := range units {
		if u := &units[i]; u.merge == mergeOld {
			pm[u.into] = maleOf(u)
		}
	}
	for i := range ps {
		p := &ps[i]
		u := &units[p.unit]
		switch {
		case p.rel == rChild:
			p.father = maleOf(u)
		case p.rel == rHead && u.merge == mergeYoung:
			p.father = maleOf(&units[u.into])
		case p.rel == rHead && u.merge == mergeNone:
			p.father = pm[p.unit]
		}
		p.hh = p.unit
		if u.into >= 0 {
			p.hh = u.into
		}
	}

	// Order persons by household: households in unit order, members head
	// first, then spouse, then the others from oldest to youngest.
	cnt := grow(s.count, len(units))
	s.count = cnt
	clear(cnt)
	for i := range ps {
		cnt[ps[i].hh]++
	}
	households := 0
	for u := range units {
		if units[u].into < 0 {
			households++
		}
	}
	start := int32(0)
	for u := range units {
		if units[u].into >= 0 {
			continue
		}
		c := cnt[u]
		cnt[u] = start
		start += c
	}
	order := grow(s.order, n)
	s.order = order
	for i := range ps {
		h := ps[i].hh
		order[cnt[h]] = int32(i)
		cnt[h]++
	}
	rank := func(i int32) int {
		p := &ps[i]
		rel := relations[units[p.unit].merge][p.rel]
		switch rel {
		case registry.RelHead:
			return 0
		case registry.RelSpouse:
			return 1
		}
		return 2
	}

	b := &registry.Bulk{
		Persons:      make([]registry.Person, n),
		Households:   make([]registry.Household, 0, households),
		Employment:   make([]registry.Employment, 0, n/2),
		Disabilities: make([]registry.Disability, 0, n/12),
		BankAccounts: make([]registry.BankAccount, 0, n*3/4),
	}
	members := make([]registry.Member, n)
	var buf []byte
	lo := 0
	for u := range units {
		if units[u].into >= 0 {
			continue
		}
		hi := int(cnt[u])
		hm := order[lo:hi]
		// Insertion sort: households have at most six members.
		for i := 1; i < len(hm); i++ {
			for j := i; j > 0; j-- {
				a, c := hm[j-1], hm[j]
				ra, rc := rank(a), rank(c)
				if ra < rc || ra == rc && ps[a].birth <= ps[c].birth {
					break
				}
				hm[j-1], hm[j] = c, a
			}
		}
		unit := &units[u]
		ci := &g.counties[unit.county]
		v := &ci.villages[unit.village]
		hid := g.keys.Household
		g.keys.Household++
		hukou := registry.HukouRural
		if unit.urban {
			hukou = registry.HukouUrban
		}
		buf = g.address(r, buf[:0], v)
		addr := string(buf)
		eth, style := ethnicityOf(unit)
		for k, i := range hm {
			p := &ps[i]
			pid := g.keys.Person
			g.keys.Person++
			out := &b.Persons[lo+k]
			if err := g.person(r, out, p, pid, int(unit.county), style); err != nil {
				return nil, err
			}
			out.Ethnicity, out.HukouType, out.HukouRegion = eth, hukou, ci.node.Code
			out.RegionCode, out.Address = v.code, addr
			members[lo+k] = registry.Member{PersonID: pid, Relation: relations[units[p.unit].merge][p.rel]}
			g.extras(r, b, out, p, int(unit.county), unit.urban)
		}
		b.Households = append(b.Households, registry.Household{
			ID: hid, RegionCode: v.code, HukouType: hukou, Address: addr, Members: members[lo:hi:hi],
		})
		g.sum.ByCounty[ci.node.Code] += hi - lo
		lo = hi
	}
	g.sum.Persons += n
	g.sum.Members += n
	g.sum.Households += len(b.Households)
	g.sum.Employment += len(b.Employment)
	g.sum.Disabilities += len(b.Disabilities)
	g.sum.BankAccounts += len(b.BankAccounts)
	return b, nil
}

// ethnicityOf returns the registry ethnicity code and naming style of a
// unit's people.
func ethnicityOf(u *bunit) (string, nameStyle) {
	switch u.eth {
	case ethHan:
		return "han", styleHan
	case ethHui:
		return "hui", styleHui
	case ethKazakh:
		return "kazakh", styleKazakh
	case ethUyghur:
		return "uyghur", styleUyghur
	}
	o := otherPeoples[u.other]
	return o.code, o.style
}

// address appends a household address in village v to buf.
func (g *gen) address(r *rand.Rand, buf []byte, v *villageInfo) []byte {
	buf = append(buf, v.prefix...)
	if v.community {
		buf = append(buf, g.nm.road.pick(r)...)
		buf = strconv.AppendInt(buf, int64(1+r.IntN(200)), 10)
		buf = append(buf, "号"...)
		buf = strconv.AppendInt(buf, int64(1+r.IntN(24)), 10)
		buf = append(buf, "栋"...)
		buf = strconv.AppendInt(buf, int64(1+r.IntN(4)), 10)
		buf = append(buf, "单元"...)
		buf = strconv.AppendInt(buf, int64(1+r.IntN(18)), 10)
		buf = append(buf, '0')
		buf = strconv.AppendInt(buf, int64(1+r.IntN(4)), 10)
		return append(buf, "室"...)
	}
	buf = strconv.AppendInt(buf, int64(1+r.IntN(12)), 10)
	buf = append(buf, "组"...)
	buf = strconv.AppendInt(buf, int64(1+r.IntN(120)), 10)
	return append(buf, "号"...)
}

// person fills out's identity: resident ID (which may move the birth date
// by a few days, see idseq.go), name and death.
func (g *gen) person(r *rand.Rand, out *registry.Person, p *bperson, pid registry.PersonID, county int, style nameStyle) error {
	ci := &g.counties[county]
	div := ci.homeDiv
	if div < 0 {
		div = g.zhundongDivs[g.zhundongT.pick(r)]
	}
	to := g.today
	ext := externalShareYoung
	if p.age >= 20 {
		ext = externalShareAdult
	}
	switch {
	case p.birth < g.legacyBorn && r.Float64() < legacyShare:
		div, to = g.legacyDiv, g.legacyBorn-1
	case r.Float64() < ext:
		div = g.extDivs[g.extT.pick(r)]
	}
	birth, seq, ok := g.ids.assign(div, p.male, p.birth, g.ids.minDate, to)
	if !ok && div != ci.homeDiv && ci.homeDiv >= 0 {
		div = ci.homeDiv
		birth, seq, ok = g.ids.assign(div, p.male, p.birth, g.ids.minDate, g.today)
	}
	if !ok {
		return fmt.Errorf("synth: no free resident ID sequence left for person %d", pid)
	}
	p.birth = birth
	p.age = int16(period.AgeAt(birth, g.today))
	id, err := ids.MakeResidentID(g.ids.divs[div], birth, seq)
	if err != nil {
		return fmt.Errorf("synth: person %d: %w", pid, err)
	}
	*out = registry.Person{ID: pid, IDNumber: id, Name: g.nameOf(r, p, style)}
	if p.dead {
		from := max(birth, g.today.AddMonths(-12*deathYears).AddDays(1))
		out.DeathDate = from + period.Date(r.IntN(int(g.today-from)+1))
		out.DeathSource = registry.DeathSources[g.deathT.pick(r)]
		g.sum.Deaths++
	}
	return nil
}

// nameOf names p, naming its father first so that surnames and
// patronymics follow the family.
func (g *gen) nameOf(r *rand.Rand, p *bperson, style nameStyle) string {
	if p.name != "" {
		return p.name
	}
	var f *bperson
	if p.father >= 0 {
		f = &g.scratch.ps[p.father]
		g.nameOf(r, f, style)
	}
	p.name = g.nm.name(r, style, p, f)
	return p.name
}

// extras adds p's phone, disability record, employment spells and bank
// account.
func (g *gen) extras(r *rand.Rand, b *registry.Bulk, out *registry.Person, p *bperson, county int, urban bool) {
	age := int(p.age)
	if r.Float64() < phoneShare(age) {
		out.Phone = phoneNumber(mobilePrefixes[g.mobileT.pick(r)].p, int64(out.ID))
	}
	end := g.today // last day the person was alive
	if p.dead {
		end = out.DeathDate
	}

	severe := false
	if r.Float64() < g.disK*disabilityByAge(age) {
		k := &disabilityKinds[g.disKindT.pick(r)]
		grade := 1 + g.disGradeT.pick(r)
		from := max(p.birth.AddDays(30), g.secondGenCerts)
		issued := end
		if from < end {
			issued = from + period.Date(r.IntN(int(end-from)+1))
		}
		cert := string(out.IDNumber) + string([]byte{k.digit, byte('0' + grade)})
		b.Disabilities = append(b.Disabilities, registry.Disability{
			ID: g.keys.Disability, PersonID: out.ID, RegionCode: out.RegionCode, Kind: k.kind, Grade: grade,
			CertificateNo: cert, Issued: issued,
		})
		g.keys.Disability++
		severe = grade <= 2
	}

	g.employment(r, b, out, p, county, urban, end, severe)

	if age >= 18 && r.Float64() < bankShare {
		bk := g.bankT.pick(r)
		b.BankAccounts = append(b.BankAccounts, registry.BankAccount{
			ID: g.keys.BankAccount, OwnerKind: registry.OwnerPerson, OwnerID: int64(out.ID), RegionCode: out.RegionCode,
			BankCode: banks[bk].code, BankName: banks[bk].name, AccountNo: accountNumber(banks[bk].bin, int64(g.keys.BankAccount)),
			AccountName: out.Name, Primary: true,
		})
		g.keys.BankAccount++
	}
}

// employment adds p's employment spells; end is Today or the death date.
func (g *gen) employment(r *rand.Rand, b *registry.Bulk, out *registry.Person, p *bperson, county int, urban bool, end period.Date, severe bool) {
	adult := p.birth.AddMonths(12 * 18) // spells start at 18 or later
	age := int(p.age)
	ageAtEnd := period.AgeAt(p.birth, end)
	add := func(start, stop period.Date, sep registry.Separation) {
		o := g.employer(r, county)
		wage := g.wage(r, o.size)
		if !stop.IsZero() {
			// The wage as it was when the spell ended, to the yuan.
			level := g.wageLevel[min(max(g.today.Year()-stop.Year(), 0), len(g.wageLevel)-1)]
			wage = money.Yuan(max(1, int64(float64(wage/100)*level)))
		}
		b.Employment = append(b.Employment, registry.Employment{
			ID: g.keys.Employment, PersonID: out.ID, OrgID: o.id, RegionCode: o.region,
			Start: start, End: stop, Separation: sep, MonthlyWage: wage,
		})
		g.keys.Employment++
	}
	// tenure draws a spell length in days, exponential with the mean given
	// in years.
	tenure := func(years float64) int { return int(r.ExpFloat64() * years * 365.25) }
	// spellStart is a start some tenure before stop, not before adult.
	spellStart := func(stop period.Date, years float64) period.Date {
		st := stop - period.Date(tenure(years))
		if st < adult {
			st = adult + period.Date(r.IntN(int(stop-adult)+1))
		}
		return st
	}

	working := ageAtEnd >= 18 && ageAtEnd <= 59 && !severe && r.Float64() < employedShare(ageAtEnd, p.male, urban)
	switch {
	case working && p.dead:
		add(spellStart(end, 6), end, registry.SepDeath)
	case working:
		start := spellStart(g.today, 6)
		if r.Float64() < earlierSpellShare {
			stop := start - 1 - period.Date(r.IntN(180))
			if stop >= adult {
				st := max(adult, stop-60-period.Date(tenure(3)))
				sep := registry.SepVoluntary
				if r.Float64() < involuntaryShare {
					sep = registry.SepInvoluntary
				}
				add(st, stop, sep)
			}
		}
		add(start, 0, "")
	case !p.dead && age >= 18 && age <= 59 && r.Float64() < recentlyEndedShare:
		stop := g.today - period.Date(r.IntN(730))
		if stop >= adult {
			sep := registry.SepVoluntary
			if r.Float64() < 0.5 {
				sep = registry.SepInvoluntary
			}
			add(max(adult, stop-60-period.Date(tenure(4))), stop, sep)
		}
	default:
		retAge := 60
		if !p.male {
			retAge = 50 + 5*r.IntN(2)
		}
		retire := p.birth.AddMonths(12 * retAge)
		if retire <= end && r.Float64() < retiredWithSpell(urban) {
			st := max(adult, retire.AddMonths(-12*(15+r.IntN(21))))
			add(st, retire, registry.SepRetirement)
		}
	}
}

// wage draws today's monthly wage in fen for an employer of the size class:
// log-normal around the class median, kept within the wage range and
// rounded down to 10 yuan.
func (g *gen) wage(r *rand.Rand, size uint8) money.Fen {
	y := 0.0
	for range 8 {
		y = medianWage[size] * math.Exp(wageSigma*r.NormFloat64())
		if y >= wageMinYuan && y <= wageMaxYuan {
			break
		}
	}
	y = min(max(y, wageMinYuan), wageMaxYuan)
	return money.Yuan(int64(y/10) * 10)
}
