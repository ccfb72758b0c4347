package synth

import (
	"math"

	"safetynet/internal/registry"
)

// This file holds the demographic parameters of the synthetic population.
// doc.go explains each choice and names its source.

// maxAge is the oldest age generated.
const maxAge = 105

// ageBands is the living population's share (percent) by age band, Changji
// around 2024. The shares add up to 100: 0-14 18.0%, 15-59 64.0%, 60-79
// 15.9%, 80+ 2.1% (so 60+ is 18.0%).
var ageBands = [...]struct {
	from, to int // inclusive
	share    float64
}{
	{0, 4, 4.6}, {5, 9, 6.4}, {10, 14, 7.0},
	{15, 19, 5.6}, {20, 24, 5.2}, {25, 29, 6.0}, {30, 34, 8.0}, {35, 39, 8.3},
	{40, 44, 7.3}, {45, 49, 7.6}, {50, 54, 8.8}, {55, 59, 7.2},
	{60, 64, 5.4}, {65, 69, 4.8}, {70, 74, 3.5}, {75, 79, 2.2},
	{80, 84, 1.25}, {85, 89, 0.6}, {90, 94, 0.2}, {95, 99, 0.045}, {100, maxAge, 0.005},
}

// deathYears is the window before Today in which deaths are recorded.
const deathYears = 3

// Annual probability of death by age, Gompertz form q(a) = A·e^(B·a),
// capped: about 0.9% at 60, 5% at 80, 13% at 90. Over the age pyramid it gives
// a crude death rate of about 0.6% a year.
const (
	gompertzA = 3.9e-5
	gompertzB = 0.09
	maxQ      = 0.6
)

// annualDeath returns the probability of dying within a year at age a.
func annualDeath(a float64) float64 {
	return math.Min(maxQ, gompertzA*math.Exp(gompertzB*a))
}

// diedShare returns the probability that a person aged a on Today (age at
// Today had they lived) died within the last deathYears years.
func diedShare(age int) float64 {
	exposure := math.Min(deathYears, float64(age)+0.5)
	q := annualDeath(math.Max(float64(age)-exposure/2, 0))
	return 1 - math.Pow(1-q, exposure)
}

// maleShare returns the probability that a person of the given age is male.
// The sex ratio is about 108 among children and young adults and falls
// with age; among adults it comes to about 107 males per 100 females.
func maleShare(age int) float64 {
	switch {
	case age < 20:
		return 0.52
	case age < 60:
		return 0.525
	case age < 70:
		return 0.51
	case age < 80:
		return 0.49
	case age < 90:
		return 0.44
	default:
		return 0.38
	}
}

// married returns the probability that an adult of that age and sex lives
// with a spouse. Widowhood lowers it for older women sooner than for men.
func married(age int, male bool) float64 {
	if male {
		switch {
		case age < 22:
			return 0
		case age < 25:
			return 0.25
		case age < 30:
			return 0.62
		case age < 35:
			return 0.85
		case age < 60:
			return 0.92
		case age < 70:
			return 0.9
		case age < 80:
			return 0.82
		default:
			return 0.62
		}
	}
	switch {
	case age < 20:
		return 0
	case age < 25:
		return 0.42
	case age < 30:
		return 0.78
	case age < 35:
		return 0.9
	case age < 60:
		return 0.92
	case age < 70:
		return 0.82
	case age < 80:
		return 0.62
	default:
		return 0.3
	}
}

// Household-formation parameters.
const (
	maxHousehold = 6 // persons in a household
	// Age gap between a child and the younger partner of the parent
	// couple (in practice the mother): normal, clamped.
	childGapMean, childGapSD, childGapMin, childGapMax = 27.5, 4.5, 20, 42
	// Share of couples of which the wife is registered as head.
	wifeHead = 0.15
	// Share of young couples (younger partner under 30) registered in the
	// head's parents' household, and of old couples (husband 70+) living
	// in a child's household.
	youngCoupleMerge = 0.45
	oldCoupleMerge   = 0.4
)

// staysWithParents returns the probability that an unmarried adult of that
// age is registered in a parent's household.
func staysWithParents(age int) float64 {
	switch {
	case age < 30:
		return 0.92
	case age < 40:
		return 0.7
	case age < 60:
		return 0.25
	default:
		return 0
	}
}

// livesWithChild returns the probability that a single person aged 60 or
// over lives in a child's (or grandchild's) household.
func livesWithChild(age int) float64 {
	switch {
	case age < 60:
		return 0
	case age < 70:
		return 0.4
	case age < 80:
		return 0.55
	default:
		return 0.7
	}
}

// Ethnic groups, indexes into ethnicities.
const (
	ethHan = iota
	ethHui
	ethKazakh
	ethUyghur
	ethOther
)

// ethnicShares is the ethnic mix outside Mori county and in Mori county:
// Han, Hui, Kazakh, Uyghur, other. Overall, with Mori at 4.6% of the
// population, this gives about 75% Han, 11% Hui, 9% Kazakh, 4% Uyghur and
// 1% other.
var (
	ethnicShares     = [5]float64{0.770, 0.114, 0.0654, 0.041, 0.0096}
	ethnicSharesMori = [5]float64{0.33, 0.03, 0.60, 0.02, 0.02}
)

// otherPeoples are the smaller peoples of Changji, each with its registry
// ethnicity code, weight within "other", and naming style.
var otherPeoples = [...]struct {
	code  string
	w     float64
	style nameStyle
}{
	{"mongol", 25, styleMongol}, {"manchu", 20, styleHan}, {"xibe", 12, styleHan},
	{"tujia", 8, styleHan}, {"daur", 3, styleHan}, {"kyrgyz", 10, styleKazakh},
	{"uzbek", 8, styleUyghur}, {"tatar", 5, styleKazakh}, {"tajik", 4, styleUyghur},
	{"russian", 5, styleRussian},
}

// childCaps gives, per kind of family, the weights of 1, 2, 3 and 4 as the
// largest number of children (minor or unmarried adult) a family has.
var childCaps = [...][4]float64{
	{0.45, 0.45, 0.10, 0},    // Han, urban
	{0.25, 0.55, 0.20, 0},    // Han, rural
	{0.15, 0.35, 0.35, 0.15}, // other peoples
}

// Residence and hukou.
const (
	communityWeight  = 2.0  // a community (社区) draws twice a village's households
	urbanInCommunity = 0.92 // share of urban hukou among community households
	urbanInVillage   = 0.04 // share of urban hukou among village households
	zhundongShare    = 0.005
	// Resident ID division codes.
	externalShareAdult = 0.125 // born outside Changji, among persons 20+
	externalShareYoung = 0.02  // born outside Changji, among persons under 20
	legacyShare        = 0.03  // born before 2007 with the abolished 652303
	legacyCode         = "652303"
	legacyBefore       = 2007
)

// externalDivisions are places of birth outside the prefecture, for the
// resident IDs of persons who moved to Changji: Urumqi and other Xinjiang
// cities, and the provinces most Xinjiang migrants come from (Gansu, Henan,
// Sichuan, Chongqing, Ningxia, Qinghai).
var externalDivisions = [...]struct {
	code string
	w    float64
}{
	{"650102", 10}, {"650103", 7}, {"650104", 7}, {"650105", 4}, {"650202", 2}, {"654002", 3},
	{"620102", 8}, {"620103", 5}, {"622921", 5}, {"410102", 7}, {"410103", 4}, {"411302", 5},
	{"510106", 6}, {"510104", 4}, {"500101", 5}, {"640104", 4}, {"630102", 3},
}

// zhundongIDDivisions are the counties whose codes Zhundong zone residents'
// IDs carry: the zone has no GB/T 2260 code of its own.
var zhundongIDDivisions = [...]struct {
	code string
	w    float64
}{{"652302", 3}, {"652325", 3}, {"652327", 4}}

// disabilityByAge is the relative prevalence of disability by age; it is
// scaled so that about disabilityShare of all persons have a record.
func disabilityByAge(age int) float64 {
	switch {
	case age < 15:
		return 0.25
	case age < 30:
		return 0.5
	case age < 45:
		return 0.75
	case age < 60:
		return 1.1
	case age < 70:
		return 1.7
	case age < 80:
		return 2.4
	default:
		return 3.4
	}
}

// disabilityShare is the share of persons holding a disability certificate
// (持证残疾人), whom the disabled persons' federation registers: about 2.7%
// nationally (38 million holders, against 6% of the population disabled
// in the 2006 sample survey). The certificate is what the disability
// subsidies and 代缴 read.
const disabilityShare = 0.027

// disabilityKinds weights each certificate kind (physical is the most
// common); disabilityGrades weights grades 1 to 4.
var (
	disabilityKinds = [...]struct {
		kind  registry.DisabilityKind
		digit byte // certificate code 1-7
		w     float64
	}{
		{registry.DisPhysical, '4', 40}, {registry.DisVisual, '1', 18}, {registry.DisHearing, '2', 16},
		{registry.DisIntellectual, '5', 9}, {registry.DisMental, '6', 8}, {registry.DisSpeech, '3', 5},
		{registry.DisMultiple, '7', 4},
	}
	// Certificate holders by grade: the severe grades 1 and 2 are about
	// two in five (an approximation of the federation's published
	// shares, unconfirmed).
	disabilityGrades = [4]float64{0.14, 0.26, 0.26, 0.34}
)

// employedShare returns the probability that a person aged 18-59 has a
// current employment spell.
func employedShare(age int, male, urban bool) float64 {
	p := 0.5
	if urban {
		p = 0.75
	}
	if male {
		p *= 1.12
	} else {
		p *= 0.88
	}
	switch {
	case age < 22:
		p *= 0.35 // students
	case age < 25:
		p *= 0.8
	case age < 50:
	case male && age < 55:
		p *= 0.9
	case male:
		p *= 0.75
	case age < 55:
		p *= 0.45 // women retire at 50 or 55
	default:
		p *= 0.2
	}
	return p
}

// Employment parameters.
const (
	sameCountyEmployer = 0.85
	earlierSpellShare  = 0.2     // of the currently employed
	involuntaryShare   = 1.0 / 3 // of earlier spells
	recentlyEndedShare = 0.08    // of those 18-59 without a current spell
	wageMinYuan        = 2000
	wageMaxYuan        = 15000
	wageSigma          = 0.38
)

// Nominal wage growth, for the wages of spells that ended in the past:
// about 7% a year since 2012 and 12% a year before (the urban average
// wage grew roughly twentyfold from the mid-1990s to 2023).
const (
	wageGrowthRecent = 1.07
	wageGrowthEarly  = 1.12
	wageGrowthSwitch = 2012
)

// retiredWithSpell returns the probability that a person past retirement
// age has an employment spell that ended in retirement.
func retiredWithSpell(urban bool) float64 {
	if urban {
		return 0.55
	}
	return 0.15
}

// Organisation size classes, smallest first, with their weight as
// employers, the median monthly wage (yuan) they pay, and their shares
// among ordinary enterprises and among energy and mining enterprises (or
// any enterprise in the Zhundong zone).
var (
	sizes        = [4]registry.OrgSize{registry.SizeMicro, registry.SizeSmall, registry.SizeMedium, registry.SizeLarge}
	sizeWeight   = [4]float64{1, 6, 30, 150}
	medianWage   = [4]float64{3800, 4600, 5800, 7500}
	sizeShares   = [4]float64{0.55, 0.30, 0.11, 0.04}
	sizeSharesEn = [4]float64{0.15, 0.35, 0.30, 0.20}
)

// Organisation parameters.
const (
	personsPerOrg      = 80
	minOrgs            = 5
	individualShare    = 0.3  // individual businesses (个体工商户, USCC type 2)
	badCheckShare      = 0.01 // USCCs with a wrong check character
	provincePrefixed   = 0.2  // enterprise names starting 新疆 instead of the county
	zhundongOrgShare   = 0.015
	orgCommunityWeight = 3.0 // non-farm organisations sit mostly in communities
)

// phoneShare returns the probability that a person of that age has a
// mobile phone number on file.
func phoneShare(age int) float64 {
	switch {
	case age < 14:
		return 0
	case age < 18:
		return 0.3
	case age < 60:
		return 0.95
	case age < 80:
		return 0.85
	default:
		return 0.55
	}
}

// bankShare is the share of adults with a social security card account.
const bankShare = 0.85

// banks are the social security card banks in Changji, with a card BIN for
// personal accounts and a branch prefix for enterprise accounts. The
// numbers are illustrative, not issued ranges.
var banks = [...]struct {
	code, name, bin, corp string
	w, orgW               float64
}{
	{"ICBC", "中国工商银行", "622202", "3002", 20, 25},
	{"ABC", "中国农业银行", "622848", "3071", 25, 20},
	{"CCB", "中国建设银行", "621700", "6505", 20, 25},
	{"BOC", "中国银行", "621661", "1076", 10, 12},
	{"XJRCU", "新疆农村信用社", "621306", "8801", 15, 12},
	{"PSBC", "中国邮政储蓄银行", "621799", "9650", 10, 6},
}

// mobilePrefixes are the first three digits of mobile numbers in use in
// Xinjiang (China Mobile, Unicom and Telecom), weighted.
var mobilePrefixes = [...]struct {
	p string
	w float64
}{
	{"139", 9}, {"138", 8}, {"137", 5}, {"136", 4}, {"135", 5}, {"134", 3}, {"150", 5}, {"151", 4},
	{"152", 3}, {"157", 2}, {"158", 4}, {"159", 4}, {"182", 3}, {"183", 3}, {"187", 3}, {"188", 3},
	{"198", 2}, {"130", 3}, {"131", 3}, {"132", 2}, {"155", 2}, {"156", 2}, {"185", 2}, {"186", 3},
	{"166", 1}, {"133", 2}, {"153", 2}, {"180", 3}, {"181", 2}, {"189", 4}, {"199", 2}, {"177", 2},
}

// deathSourceWeight weights where a recorded death came from.
func deathSourceWeight(source string) float64 {
	switch source {
	case "public_security":
		return 40
	case "civil_affairs_funeral":
		return 30
	case "health":
		return 20
	case "family_report":
		return 8
	}
	return 2
}
