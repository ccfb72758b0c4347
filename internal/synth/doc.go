// Package synth generates the synthetic population of Changji Hui
// Autonomous Prefecture (昌吉回族自治州, 652300) that `safetynet gen` and
// `safetynet demo` load: persons with valid resident IDs, households,
// organisations with valid unified social credit codes, employment spells,
// disability records, deaths, phone numbers and bank accounts.
//
// Generate emits registry.Bulk batches with keys assigned from
// Config.Start; every record passes the registry's bulk validation. The
// output is a pure function of the configuration: the same seed, size,
// batch size, Today and start keys give the same records, byte for byte
// (math/rand/v2 PCG streams, one per batch; no map order reaches the
// output).
//
// Every person is fictitious. All numbers below are generator constants
// for test data, not policy parameters (docs/domain.md 9): no rule reads them.
//
// # Where people live
//
//   - Counties are weighted by their 2010 census population (docs/domain.md 11,
//     carried by the region tree as Population2010): Changji City 29.8%,
//     Manas 16.6%, Hutubi and Qitai 14.7% each, Fukang 11.6%, Jimsar 7.9%,
//     Mori 4.6%. The Zhundong development zone (docs/domain.md 11; internal code
//     652390) has no census figure and gets 0.5%; the seven counties share
//     the remaining 99.5% in census proportion.
//   - Within a county, households are spread over its villages and
//     communities (the 614 of docs/domain.md 11; the sub-county tree is
//     synthetic, see package region), a community drawing twice a
//     village's households. Hukou type follows the place: urban for 92% of
//     community households and 4% of village households, rural otherwise.
//     The hukou region is the county code (6 digits); the residence is the
//     12-digit village or community code, and the address is made up from
//     its name.
//
// # Who they are
//
//   - Ages follow a pyramid for Changji about 2024 (tables.go): 0-14 18.0%,
//     15-59 64.0%, 60+ 18.0%, 80+ 2.1%, oldest 105. The 80+ share is
//     docs/domain.md 6.7's 33,700 high-age allowance recipients over the 2020
//     census population of about 1.6 million (docs/domain.md 11); the other
//     shares are close to China's 2020 census and unconfirmed for Changji.
//     The pyramid is that of the living: ages are drawn with extra weight
//     where deaths thin them out, so that after the deaths below the
//     living still follow it.
//   - Sex: about 108 boys per 100 girls, about 107 men per 100 women among
//     adults, fewer men among the old. docs/domain.md 11 gives 112.7 for 2010;
//     the ratio has fallen since, and 105-110 was asked for.
//   - Ethnicity by household (docs/domain.md 11): outside Mori 77.0% Han, 11.4%
//     Hui, 6.5% Kazakh, 4.1% Uyghur, 1.0% other peoples (Mongol, Manchu,
//     Xibe, Tujia, Daur, Kyrgyz, Uzbek, Tatar, Tajik, Russian); in Mori
//     60% Kazakh, 33% Han. Overall about 75% Han, 11% Hui, 9% Kazakh, 4%
//     Uyghur. Everyone in a household shares its ethnicity (mixed
//     marriages are not modelled).
//   - Names come from data/names.txt: Han and Hui surnames weighted (马 is
//     the commonest Hui surname) with one- or two-character given names in
//     the style of the birth generation; children take the father's
//     surname. Kazakh, Uyghur and other Turkic names are written
//     given·father's-given-name, with the father's real given name when he
//     is in the household; Mongol names are single, Russian names
//     given·surname. Manchu, Xibe, Tujia and Daur people use Han-style
//     names.
//
// # Resident IDs (docs/domain.md 1.1)
//
// IDs are made by ids.MakeResidentID from a division code, the birth date
// and a sequence whose parity is the gender. The division is the hukou
// county's code; for the Zhundong zone, which has no code, that of Fukang,
// Qitai or Jimsar. 12.5% of persons aged 20 or more (2% of younger ones)
// were born elsewhere, in Urumqi or other Xinjiang cities or in Gansu,
// Henan, Sichuan, Chongqing, Ningxia or Qinghai, and carry that place's
// code; 3% of those born before 2007 carry the abolished code 652303 of
// former Miquan City. The sequences are tiled over runs so that IDs stay
// unique across runs on one database; idseq.go describes the scheme and
// its limits (about 19.9 million persons over all runs). In very small
// runs most birth dates move by a few days to reach a free sequence.
//
// # Households
//
// household.go forms households of one to six persons by matching persons
// already drawn: couples of similar age (husband 2.5 years older on
// average), children about 20 to 45 years younger than their mother, unmarried
// adults mostly in their parents' household, many widowed elders with a
// child's family (as parent, or grandparent), some young couples in the
// husband's or wife's parents' household (child, child-in-law,
// grandchildren) and some old couples in a child's. Han families have one
// to three children, other peoples up to four. The mean household has
// about 2.95 persons (1.6 million persons ↔ about 540,000 households).
// Every person is a member of exactly one household, which has one head
// and lies where its members live.
//
// # Deaths
//
// Deaths of the last three years are recorded with a Gompertz mortality
// (about 0.9% a year at 60, 5% at 80, 13% at 90), a crude rate of about 0.6%
// of the population a year. The death date lies in those three years and
// after the birth; the source is drawn from registry.DeathSources (public
// security 40%, funeral 30%, health 20%, family 8%, court 2%; docs/domain.md 7
// lists these comparisons). The dead stay in their households.
//
// # Organisations (docs/domain.md 1.3)
//
// One organisation per 80 persons, at least 5, generated first. 70% are
// enterprises (USCC authority 9, type 1), 30% individual businesses (type
// 2, always micro); the division is the county's (the prefecture's for
// Zhundong) and the 8-character organisation code is unique, "MA…" (issued
// since 2015) for 70% of them, digits otherwise. About 1% carry a wrong
// check character, as real registers do: the loader accepts them leniently
// and flags them for review (Organisation.USCCFlags is set accordingly).
// Industries (data/industries.csv, GB/T 4754-2017 classes) are weighted to
// agriculture, manufacturing, construction, retail, transport,
// hospitality, public administration, education and health; in Zhundong
// only mining, energy, chemicals and metals, in Fukang half-weighted
// toward them. Sizes: 55% micro, 30% small, 11% medium, 4% large (energy
// and Zhundong firms larger). Names are "county + trade name + business",
// such as 昌吉市祥和商贸有限公司 or 呼图壁县老金超市.
//
// # Employment (docs/domain.md 2.5 and 4)
//
// About half of the living aged 18-59 have a current spell (more urban than
// rural, more men than women; students and women past 50 or 55 less),
// with an employer of their own county in 85% of cases, larger employers
// hiring more. Wages are log-normal around a median by employer size
// (3,800 to 7,500 yuan), within 2,000-15,000 yuan a month. 20% of them
// also have an earlier spell that ended (a third involuntarily, the
// condition of unemployment benefit, docs/domain.md 4); 8% of the others
// aged 18-59 have a spell that ended in the last two years (half
// involuntarily). People past the pre-2025 retirement age (men 60, women
// 50 or 55, docs/domain.md 2.5) may have a spell that ended in retirement on
// that birthday (55% urban, 15% rural); those who died of working age may
// have one ended by death. Spells start at 18 or later and end by Today
// and by the death. Wages of ended spells are scaled back to their end
// year (7% nominal growth a year since 2012, 12% before).
//
// # Disability (docs/domain.md 6.8)
//
// About 6% of persons have a disability record, rising with age from 1.5%
// of children to about 20% of those 80 or over. Kinds: physical 40%,
// visual 18%, hearing 16%, intellectual 9%, mental 8%, speech 5%,
// multiple 4%; grades 1 to 4 at 10, 20, 30 and 40%. The certificate
// number is the resident ID followed by the kind code (1-7) and the
// grade; certificates are issued from 2008 (the second-generation
// certificate) or 30 days after birth, and by Today and the death. People
// with a severe disability (grade 1 or 2) have no current employment.
//
// # Phones and bank accounts
//
// Mobile numbers (Xinjiang's China Mobile, Unicom and Telecom prefixes) for
// about 90% of adults; account numbers for 85% of adults, at the social
// security card banks (ICBC, ABC, CCB, BOC, XJRCU, PSBC), 19 digits with a
// Luhn check digit; every organisation has one primary account in its own
// name, 17 digits. Phone numbers, account numbers and organisation codes
// are a keyed bijection of the record's key (numbers.go), so they are
// unique within a run and across runs with later start keys (for keys
// below 10⁸, 10¹² and 10⁸ respectively).
//
// # Batches and speed
//
// Households are formed inside a batch, so every reference to a person
// stays in the person's batch; spells refer to organisations of the first
// batches. A goroutine generates the next batch while emit handles the
// current one. Generation alone runs at about 800,000 persons a second on
// one core (BenchmarkGenerate): 1.6 million persons in about 2 seconds.
package synth
