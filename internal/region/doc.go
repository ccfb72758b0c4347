// Package region models the administrative divisions (行政区划) of Changji
// Hui Autonomous Prefecture (昌吉回族自治州, 652300), Xinjiang: division
// codes, their levels and containment, and a validated tree of named
// divisions from province down to village.
//
// # Codes
//
// A Code is 6 digits at province, prefecture and county level (GB/T 2260),
// 9 digits at township level and 12 at village level. The level follows
// from the code's shape alone, and every ancestor's code is a prefix of its
// descendants' codes, so containment is a prefix test and a subtree is a
// half-open string range (Code.Range) that a database index can serve.
//
// # Jurisdiction
//
// A Jurisdiction is where an installation works: a region tree (the
// embedded data, or a file in the same format), the home region in it and
// the time zone of civil dates. DefaultJurisdiction is Changji in
// Asia/Shanghai; LoadJurisdiction builds another from the command line's
// --region-file, --home-region and --time-zone. Nothing outside this
// package names the home region: services are given the Jurisdiction.
//
// # Data
//
// The embedded file data/changji.csv is the source of truth; Default loads
// it. It is UTF-8 CSV with this header row:
//
//	code,parent,level,name_zh,name_en,kind,population_2010
//
// The columns are:
//
//   - code: the division code; parent: the parent's code (empty only for a
//     province); level: province, prefecture, county, township or village,
//     which must match the code's shape.
//   - name_zh, name_en: the Chinese name and the English name or pinyin.
//   - kind: province (autonomous_region, province, municipality); prefecture
//     (autonomous_prefecture, prefecture, prefecture_level_city, league,
//     direct_administered); county (county, county_level_city,
//     autonomous_county, district, banner, development_zone); township
//     (street 街道, town 镇, township 乡); village (community 社区,
//     village 村).
//   - population_2010: the 2010 census resident population, a plain
//     non-negative integer, or empty.
//
// What the file holds, and how real it is:
//
//   - Province 650000 and prefecture 652300, and the seven county-level
//     units of GB/T 2260 with their 2010 census populations (docs/domain.md 1.2
//     and 11), are real. The prefecture's population (1,428,587) is the sum
//     of the seven.
//   - The Zhundong Economic and Technological Development Zone
//     (准东经济技术开发区) has no national code. It gets the internal code
//     652390 (see Zhundong), level county, kind development_zone and a 2010
//     population of 0: the zone was set up after the 2010 census, whose
//     residents there were counted in the surrounding counties, and the
//     seven counties already add up to the prefecture total.
//   - Everything below county level is synthetic. The totals match the
//     published service network: 83 townships and streets, and 614 villages
//     and communities. Codes follow the statistical division convention
//     (township part 001-099 street, 1xx town, 2xx township; village part
//     0xx community, 2xx village) but are not the official statistical
//     codes. Many township names are real names of that county's towns,
//     townships and streets, but their codes, order and village lists are
//     not; the other township names and all village and community names
//     are invented. See data/README.md for the allocation.
//
// Do not send sub-county codes from this file to other agencies, and do not
// treat any sub-county name in it as authoritative.
package region
