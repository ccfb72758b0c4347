package exchange

import "fmt"

// The signal kinds (信号类型) of [Signals], the same as monitoring.Kind's.
const (
	SignalHospitalBill  = "hospital_bill"  // 大额医疗支出
	SignalNewDisability = "new_disability" // 新增残疾
	SignalEarnerDeath   = "earner_death"   // 主要劳动力死亡
	SignalUnemployment  = "unemployment"   // 失业登记
	SignalDisaster      = "disaster"       // 受灾
	SignalIncomeDrop    = "income_drop"    // 收入骤降
)

// signalNames are the kind texts used in reasons.
var signalNames = map[string]string{
	SignalHospitalBill:  "大额医疗支出",
	SignalNewDisability: "新增残疾",
	SignalEarnerDeath:   "主要劳动力死亡",
	SignalUnemployment:  "失业登记",
	SignalDisaster:      "受灾",
	SignalIncomeDrop:    "收入骤降",
}

// Signals returns the profile of a department's file of monitoring signals
// (低收入人口动态监测信号): one line per event that may put a household at
// risk, sent by medical insurance, the disabled persons' federation, public
// security, human resources, emergency management, tax and the other
// departments of the matching. It returns a new value on every call.
//
// Columns: 身份证号 id_number, 姓名 name, 信号类型 kind (an [Enum] of the six
// kinds: 大额医疗支出, 新增残疾, 主要劳动力死亡, 失业登记, 受灾, 收入骤降, with
// their common variants), 发生日期 occurred_on (not after the reading
// date, not before the birth date in the ID number), 金额(元) amount (the
// out-of-pocket bill, the disaster loss or the income lost over 12
// months: required for those three kinds, and no other kind has one),
// 残疾等级 grade (1 to 4, required for a new disability and for it only),
// 来源部门 source (optional: the importer names the department for rows
// without one; an [Enum] of the departments' names, such as 医保局 or 残联)
// and 说明 detail (optional). The key is (id_number, kind, occurred_on): a
// file may not report the same event twice.
func Signals() Profile {
	return Profile{
		Name:  "signals",
		Title: "低收入人口动态监测信号",
		Fields: []Field{
			{Name: "id_number", Kind: ResidentID, Required: true, Headers: []string{"身份证号", "公民身份号码", "身份证号码", "证件号码"}},
			{Name: "name", Kind: Text, Required: true, MaxLen: 50, Headers: []string{"姓名"}},
			{Name: "kind", Kind: Enum, Required: true, Headers: []string{"信号类型", "预警类型", "风险类型", "信号类别"},
				Values: map[string]string{
					"大额医疗支出":  SignalHospitalBill,
					"大额医疗费用":  SignalHospitalBill,
					"医疗支出":    SignalHospitalBill,
					"新增残疾":    SignalNewDisability,
					"新增残疾人":   SignalNewDisability,
					"主要劳动力死亡": SignalEarnerDeath,
					"劳动力死亡":   SignalEarnerDeath,
					"失业登记":    SignalUnemployment,
					"失业":      SignalUnemployment,
					"受灾":      SignalDisaster,
					"自然灾害":    SignalDisaster,
					"收入骤降":    SignalIncomeDrop,
					"收入大幅下降":  SignalIncomeDrop,
				}},
			{Name: "occurred_on", Kind: Date, Required: true, NotFuture: true, Headers: []string{"发生日期", "日期", "发生时间"}},
			{Name: "amount", Kind: Money, Headers: []string{"金额(元)", "金额", "自付金额", "损失金额"}},
			{Name: "grade", Kind: Int, Headers: []string{"残疾等级", "等级"}},
			{Name: "source", Kind: Enum, Headers: []string{"来源部门", "数据来源", "来源"},
				Values: map[string]string{
					"医保局":        "medical_insurance",
					"医疗保障局":      "medical_insurance",
					"卫健委":        "health",
					"卫生健康委员会":    "health",
					"残联":         "disabled_federation",
					"残疾人联合会":     "disabled_federation",
					"人社局":        "hr_social_security",
					"人力资源和社会保障局": "hr_social_security",
					"民政局":        "civil_affairs",
					"应急管理局":      "emergency_management",
					"公安局":        "public_security",
					"公安":         "public_security",
					"税务局":        "tax",
					"农业农村局":      "agriculture",
					"教育局":        "education",
					"住建局":        "housing",
					"住房和城乡建设局":   "housing",
				}},
			{Name: "detail", Kind: Text, MaxLen: 500, Headers: []string{"说明", "备注", "情况说明"}},
		},
		Key:       []string{"id_number", "kind", "occurred_on"},
		CheckFunc: checkSignal,
	}
}

// checkSignal checks a signal's amount and grade against its kind, and its
// date against the birth date.
func checkSignal(r Row) (field, reason string) {
	kind := r.Code("kind")
	withAmount := kind == SignalHospitalBill || kind == SignalDisaster || kind == SignalIncomeDrop
	switch {
	case r.Date("occurred_on") < r.ResidentID("id_number").BirthDate():
		return "occurred_on", "before the birth date in the ID number"
	case withAmount && (!r.Has("amount") || r.Fen("amount") == 0):
		return "amount", fmt.Sprintf("required for %s", signalNames[kind])
	case !withAmount && r.Has("amount") && r.Fen("amount") != 0:
		return "amount", fmt.Sprintf("a %s signal has no amount: leave it empty", signalNames[kind])
	case kind == SignalNewDisability && (!r.Has("grade") || r.Int("grade") < 1 || r.Int("grade") > 4):
		return "grade", "a new disability needs its grade, 1 to 4"
	case kind != SignalNewDisability && r.Has("grade") && r.Int("grade") != 0:
		return "grade", fmt.Sprintf("only 新增残疾 has a grade, not %s", signalNames[kind])
	}
	return "", ""
}
