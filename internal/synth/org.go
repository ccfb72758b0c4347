package synth

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"safetynet/internal/ids"
	"safetynet/internal/registry"
)

// makeOrgs generates n organisations, each with one primary bank account,
// and prepares the employer tables used by person batches.
func (g *gen) makeOrgs(r *rand.Rand, n int) ([]registry.Organisation, []registry.BankAccount, error) {
	inds := g.voc.industries
	orgs := make([]registry.Organisation, n)
	accts := make([]registry.BankAccount, n)
	g.orgs = make([]orgRef, n)
	g.orgsByCounty = make([][]int32, len(g.counties))
	var buf []byte
	for i := range n {
		c := g.orgCounty.pick(r)
		ci := &g.counties[c]
		indiv := r.Float64() < individualShare
		var in industry
		if indiv {
			in = inds[g.indivT.pick(r)]
		} else {
			in = inds[ci.industryT.pick(r)]
		}
		size := 0
		if !indiv {
			heavy := ci.energy >= 1 || in.code[0] == 'B' || in.code[0] == 'D'
			size = g.sizeT[b2i(heavy)].pick(r)
		}
		vt := &ci.orgVill
		if in.code[0] == 'A' {
			vt = &ci.farmVill
		}
		v := &ci.villages[vt.pick(r)]

		// Name: county (or 新疆) + trade name + kind of business.
		buf = buf[:0]
		if indiv {
			buf = append(buf, ci.short...)
			if r.Float64() < 0.5 {
				buf = append(buf, "老"...)
				buf = append(buf, g.nm.hanSurname.pick(r)...)
			} else {
				buf = append(buf, g.nm.trade.pick(r)...)
			}
			buf = append(buf, in.individualSx...)
		} else {
			if r.Float64() < provincePrefixed && ci.energy < 1 {
				buf = append(buf, "新疆"...)
			} else {
				buf = append(buf, ci.short...)
			}
			buf = append(buf, g.nm.trade.pick(r)...)
			buf = append(buf, in.enterprise...)
		}
		name := string(buf)

		// USCC: authority 9 (market regulation), type 1 enterprise or 2
		// individual business, the county's code (the prefecture's for a
		// zone without one), and the organisation code.
		key := g.keys.Org + registry.OrgID(i)
		orgType := byte('1')
		if indiv {
			orgType = '2'
		}
		div := string(ci.node.Code)
		if ci.homeDiv < 0 {
			div = string(ci.node.Parent)
		}
		code, err := ids.MakeUSCC('9', orgType, div, orgCode(int64(key), r.Float64() < 0.7))
		if err != nil {
			return nil, nil, fmt.Errorf("synth: organisation %d: %w", key, err)
		}
		var flags ids.Flags
		if r.Float64() < badCheckShare {
			// A code with a wrong check character, as real registers hold
			// (docs/domain.md 1.3): accepted leniently and flagged for review.
			b := []byte(code)
			k := indexByte(usccCharset, b[17])
			b[17] = usccCharset[(k+1+r.IntN(len(usccCharset)-1))%len(usccCharset)]
			code, flags = ids.USCC(b), ids.FlagCheckChar
		}

		buf = append(buf[:0], v.prefix...)
		buf = append(buf, g.nm.road.pick(r)...)
		buf = strconv.AppendInt(buf, int64(1+r.IntN(300)), 10)
		buf = append(buf, "号"...)
		orgs[i] = registry.Organisation{
			ID: key, USCC: code, USCCFlags: flags, Name: name, IndustryCode: in.code,
			Size: sizes[size], RegionCode: v.code, Address: string(buf),
		}
		bk := g.bankOrg.pick(r)
		acctKey := g.keys.BankAccount + registry.BankAccountID(i)
		accts[i] = registry.BankAccount{
			ID: acctKey, OwnerKind: registry.OwnerOrganisation, OwnerID: int64(key), RegionCode: v.code,
			BankCode: banks[bk].code, BankName: banks[bk].name, AccountNo: accountNumber(banks[bk].corp, int64(acctKey)),
			AccountName: name, Primary: true,
		}
		g.orgs[i] = orgRef{id: key, region: v.code, size: uint8(size)}
		g.orgsByCounty[c] = append(g.orgsByCounty[c], int32(i))
	}
	g.keys.Org += registry.OrgID(n)
	g.keys.BankAccount += registry.BankAccountID(n)
	g.sum.Organisations += n
	g.sum.BankAccounts += n

	// Employer tables: organisations weighted by size, per county and
	// overall.
	all := make([]float64, n)
	for i, o := range g.orgs {
		all[i] = sizeWeight[o.size]
	}
	g.orgAllEmpT = newTable(all)
	g.orgCountyEmpT = make([]table, len(g.counties))
	for c, list := range g.orgsByCounty {
		if len(list) == 0 {
			continue
		}
		w := make([]float64, len(list))
		for k, i := range list {
			w[k] = sizeWeight[g.orgs[i].size]
		}
		g.orgCountyEmpT[c] = newTable(w)
	}
	return orgs, accts, nil
}

// employer picks an organisation for a person living in county c: mostly
// one of the county's own.
func (g *gen) employer(r *rand.Rand, c int) *orgRef {
	if list := g.orgsByCounty[c]; len(list) > 0 && r.Float64() < sameCountyEmployer {
		return &g.orgs[list[g.orgCountyEmpT[c].pick(r)]]
	}
	return &g.orgs[g.orgAllEmpT.pick(r)]
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}
