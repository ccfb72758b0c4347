package exchange

import "fmt"

// The scheme (险种) codes of [TaxContributions], the same as
// insurance.Scheme's.
const (
	SchemeEmployeePension = "employee_pension" // 企业职工基本养老保险
	SchemeResidentPension = "resident_pension" // 城乡居民基本养老保险
	SchemeUnemployment    = "unemployment"     // 失业保险
	SchemeWorkInjury      = "work_injury"      // 工伤保险
)

// schemeNames are the scheme texts used in reasons.
var schemeNames = map[string]string{
	SchemeEmployeePension: "企业职工基本养老保险",
	SchemeResidentPension: "城乡居民基本养老保险",
	SchemeUnemployment:    "失业保险",
	SchemeWorkInjury:      "工伤保险",
}

// TaxContributions returns the profile of the tax bureau's contribution
// details (税务征收明细): one line per contribution collected, posted to
// the personal accounts by the insurance service. It returns a new value
// on every call, so a caller may change its copy.
//
// Columns: 统一社会信用代码 uscc (optional: individuals and urban-rural
// residents pay without an employer), 单位名称 org_name (optional),
// 公民身份号码 id_number, 姓名 name, 险种 scheme (an [Enum] of the four
// scheme codes, also accepting the tax bureau's 征收品目 texts such as
// 企业职工基本养老保险费), 费款所属期 period, 缴费基数 base (optional),
// 单位缴费 employer_amount, 个人缴费 individual_amount, 入库日期 paid_on and
// 票证号 receipt_no, the key: a receipt number may not appear twice.
//
// Money: the base must not be negative; the two amounts may be, because
// the tax bureau sends refunds and reversals (退费, 冲正) as lines with
// negative amounts under receipts of their own. Across columns: the base
// is required except for the resident pension (which has contribution
// tiers, not a base); work injury insurance has no individual part and
// needs the employer's USCC; the resident pension has no employer part;
// and the two amounts may not have opposite signs.
func TaxContributions() Profile {
	return Profile{
		Name:  "tax_contributions",
		Title: "税务征收明细",
		Fields: []Field{
			{Name: "uscc", Kind: USCC, Headers: []string{"统一社会信用代码", "社会信用代码", "单位统一社会信用代码", "缴费单位统一社会信用代码"}},
			{Name: "org_name", Kind: Text, MaxLen: 200, Headers: []string{"单位名称", "缴费单位名称", "用人单位名称"}},
			{Name: "id_number", Kind: ResidentID, Required: true, Headers: []string{"公民身份号码", "身份证号码", "身份证号", "证件号码", "社会保障号码"}},
			{Name: "name", Kind: Text, Required: true, MaxLen: 50, Headers: []string{"姓名", "参保人姓名", "个人姓名"}},
			{Name: "scheme", Kind: Enum, Required: true, Headers: []string{"险种", "险种名称", "征收品目", "征收项目"},
				Values: map[string]string{
					"企业职工基本养老保险":  SchemeEmployeePension,
					"企业职工基本养老保险费": SchemeEmployeePension,
					"职工基本养老保险":    SchemeEmployeePension,
					"职工基本养老保险费":   SchemeEmployeePension,
					"城乡居民基本养老保险":  SchemeResidentPension,
					"城乡居民基本养老保险费": SchemeResidentPension,
					"城乡居民养老保险":    SchemeResidentPension,
					"失业保险":        SchemeUnemployment,
					"失业保险费":       SchemeUnemployment,
					"工伤保险":        SchemeWorkInjury,
					"工伤保险费":       SchemeWorkInjury,
				}},
			{Name: "period", Kind: Month, Required: true, Headers: []string{"费款所属期", "所属期", "费款所属期间", "缴费所属期"}},
			{Name: "base", Kind: Money, Headers: []string{"缴费基数", "缴费工资", "计费基数"}},
			{Name: "employer_amount", Kind: Money, Required: true, AllowNegative: true, Headers: []string{"单位缴费", "单位缴费金额", "单位应缴金额", "单位缴纳"}},
			{Name: "individual_amount", Kind: Money, Required: true, AllowNegative: true, Headers: []string{"个人缴费", "个人缴费金额", "个人应缴金额", "个人缴纳"}},
			{Name: "paid_on", Kind: Date, Required: true, NotFuture: true, Headers: []string{"入库日期", "入库时间", "缴款日期"}},
			{Name: "receipt_no", Kind: Text, Required: true, MaxLen: 64, Headers: []string{"票证号", "票证号码", "电子税票号码", "税票号码"}},
		},
		Key:       []string{"receipt_no"},
		CheckFunc: checkTaxContribution,
	}
}

// checkTaxContribution checks the columns of a tax line against each other.
func checkTaxContribution(r Row) (field, reason string) {
	scheme := r.Code("scheme")
	employer, individual := r.Fen("employer_amount"), r.Fen("individual_amount")
	switch {
	case scheme != SchemeResidentPension && !r.Has("base"):
		return "base", fmt.Sprintf("required for %s", schemeNames[scheme])
	case scheme == SchemeWorkInjury && individual != 0:
		return "individual_amount", "工伤保险 has no individual contribution: must be 0"
	case scheme == SchemeWorkInjury && !r.Has("uscc"):
		return "uscc", "工伤保险 is paid by an employer: its unified social credit code is required"
	case scheme == SchemeResidentPension && employer != 0:
		return "employer_amount", "城乡居民基本养老保险 has no employer contribution: must be 0"
	case employer < 0 && individual > 0 || employer > 0 && individual < 0:
		return "individual_amount", "the employer and individual amounts have opposite signs"
	}
	return "", ""
}

// Deaths returns the profile of public security's death notices
// (公安死亡信息), which stop pensions and allowances and trigger review. It
// returns a new value on every call.
//
// Columns: 公民身份号码 id_number (the key: one notice per person),
// 姓名 name, 死亡日期 death_date (not after the reading date), 注销日期
// cancelled_on (the household-registration cancellation; optional, not
// after the reading date, not before the death) and 来源 source (optional
// free text, such as 公安, 卫健 or 民政). The death date may not be before
// the birth date in the ID number.
func Deaths() Profile {
	return Profile{
		Name:  "deaths",
		Title: "公安死亡信息",
		Fields: []Field{
			{Name: "id_number", Kind: ResidentID, Required: true, Headers: []string{"公民身份号码", "身份证号码", "身份证号", "证件号码"}},
			{Name: "name", Kind: Text, Required: true, MaxLen: 50, Headers: []string{"姓名"}},
			{Name: "death_date", Kind: Date, Required: true, NotFuture: true, Headers: []string{"死亡日期", "死亡时间"}},
			{Name: "cancelled_on", Kind: Date, NotFuture: true, Headers: []string{"注销日期", "户籍注销日期", "注销时间"}},
			{Name: "source", Kind: Text, MaxLen: 50, Headers: []string{"来源", "数据来源", "信息来源"}},
		},
		Key:       []string{"id_number"},
		CheckFunc: checkDeath,
	}
}

// checkDeath checks a death notice's dates.
func checkDeath(r Row) (field, reason string) {
	death := r.Date("death_date")
	switch {
	case death < r.ResidentID("id_number").BirthDate():
		return "death_date", "before the birth date in the ID number"
	case r.Has("cancelled_on") && r.Date("cancelled_on") < death:
		return "cancelled_on", fmt.Sprintf("before the death date %s", death)
	}
	return "", ""
}
