package exchange

// The hardship group (困难群体) codes of [HardshipIdentities].
const (
	GroupDibao     = "dibao"      // 最低生活保障对象 (低保)
	GroupTekun     = "tekun"      // 特困人员
	GroupLowIncome = "low_income" // 监测低收入人口 (低收入)
)

// HardshipIdentities returns the profile of civil affairs' list of persons
// in hardship groups for a contribution year (困难群体名单), for the
// resident-pension premiums paid by government (代缴). It returns a new
// value on every call.
//
// Columns: 公民身份号码 id_number, 姓名 name and 困难类别 group (an [Enum]:
// 低保, 特困 or 低收入, with their longer names). The key is (id_number,
// group): a person may be listed once in each group.
func HardshipIdentities() Profile {
	return Profile{
		Name:  "hardship_identities",
		Title: "困难群体名单",
		Fields: []Field{
			{Name: "id_number", Kind: ResidentID, Required: true, Headers: []string{"公民身份号码", "身份证号码", "身份证号", "证件号码"}},
			{Name: "name", Kind: Text, Required: true, MaxLen: 50, Headers: []string{"姓名"}},
			{Name: "group", Kind: Enum, Required: true, Headers: []string{"困难类别", "类别", "救助类别", "人员类别"},
				Values: map[string]string{
					"低保":       GroupDibao,
					"低保对象":     GroupDibao,
					"最低生活保障":   GroupDibao,
					"最低生活保障对象": GroupDibao,
					"特困":       GroupTekun,
					"特困人员":     GroupTekun,
					"特困供养":     GroupTekun,
					"特困供养人员":   GroupTekun,
					"低收入":      GroupLowIncome,
					"低收入人口":    GroupLowIncome,
					"监测低收入人口":  GroupLowIncome,
				}},
		},
		Key: []string{"id_number", "group"},
	}
}
