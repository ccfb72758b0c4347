package console

// The labels of the values of the executors' choice fields that the
// front office's other messages do not name (TestEveryChoiceHasALabel):
// keyed by the field where a value means different things in different
// fields (unemployment: a scheme or a hardship; other: an ethnicity or a
// relation).
func init() {
	register(map[string]msg{
		"fo.choice.ethnicity.han":     {"汉族", "Han"},
		"fo.choice.ethnicity.hui":     {"回族", "Hui"},
		"fo.choice.ethnicity.uyghur":  {"维吾尔族", "Uyghur"},
		"fo.choice.ethnicity.kazakh":  {"哈萨克族", "Kazakh"},
		"fo.choice.ethnicity.kyrgyz":  {"柯尔克孜族", "Kyrgyz"},
		"fo.choice.ethnicity.mongol":  {"蒙古族", "Mongol"},
		"fo.choice.ethnicity.manchu":  {"满族", "Manchu"},
		"fo.choice.ethnicity.xibe":    {"锡伯族", "Xibe"},
		"fo.choice.ethnicity.daur":    {"达斡尔族", "Daur"},
		"fo.choice.ethnicity.russian": {"俄罗斯族", "Russian"},
		"fo.choice.ethnicity.tajik":   {"塔吉克族", "Tajik"},
		"fo.choice.ethnicity.tatar":   {"塔塔尔族", "Tatar"},
		"fo.choice.ethnicity.tujia":   {"土家族", "Tujia"},
		"fo.choice.ethnicity.uzbek":   {"乌孜别克族", "Uzbek"},
		"fo.choice.ethnicity.other":   {"其他民族", "Other"},

		"fo.choice.relation.spouse":       {"配偶", "Spouse"},
		"fo.choice.relation.child":        {"子女", "Child"},
		"fo.choice.relation.parent":       {"父母", "Parent"},
		"fo.choice.relation.grandchild":   {"孙子女、外孙子女", "Grandchild"},
		"fo.choice.relation.grandparent":  {"祖父母、外祖父母", "Grandparent"},
		"fo.choice.relation.sibling":      {"兄弟姐妹", "Sibling"},
		"fo.choice.relation.child_in_law": {"儿媳、女婿", "Child-in-law"},
		"fo.choice.relation.other":        {"其他", "Other"},

		"fo.choice.separation.voluntary":                   {"本人辞职", "Resigned"},
		"fo.choice.separation.involuntary":                 {"单位解除或终止", "Ended by the employer"},
		"fo.choice.separation.retirement":                  {"退休", "Retirement"},
		"fo.choice.separation.death":                       {"死亡", "Death"},
		"fo.choice.separation.resigned_for_employer_fault": {"因用人单位过错本人解除", "Resigned for the employer's fault"},
		"fo.choice.separation.resigned_voluntarily":        {"本人自愿离职", "Resigned voluntarily"},
		"fo.choice.separation.dismissed_for_cause":         {"因本人过错被解除", "Dismissed for cause"},

		"fo.choice.kind.visual":         {"视力残疾", "Visual"},
		"fo.choice.kind.hearing":        {"听力残疾", "Hearing"},
		"fo.choice.kind.speech":         {"言语残疾", "Speech"},
		"fo.choice.kind.physical":       {"肢体残疾", "Physical"},
		"fo.choice.kind.intellectual":   {"智力残疾", "Intellectual"},
		"fo.choice.kind.mental":         {"精神残疾", "Mental"},
		"fo.choice.kind.multiple":       {"多重残疾", "Multiple"},
		"fo.choice.kind.hospital_bill":  {"大额医疗支出", "Large medical bill"},
		"fo.choice.kind.new_disability": {"新增残疾", "New disability"},
		"fo.choice.kind.earner_death":   {"主要劳动力死亡", "Death of the main earner"},
		"fo.choice.kind.unemployment":   {"失业", "Unemployment"},
		"fo.choice.kind.disaster":       {"自然灾害或意外事故", "Disaster or accident"},
		"fo.choice.kind.income_drop":    {"收入骤减", "Sharp drop in income"},

		"fo.choice.scheme.employee_pension": {"企业职工基本养老保险", "Employee pension"},
		"fo.choice.scheme.resident_pension": {"城乡居民基本养老保险", "Resident pension"},
		"fo.choice.scheme.unemployment":     {"失业保险", "Unemployment insurance"},
		"fo.choice.scheme.work_injury":      {"工伤保险", "Work injury insurance"},

		"fo.choice.reason.enlisted":     {"应征服兵役", "Enlisted"},
		"fo.choice.reason.emigrated":    {"移居境外", "Emigrated"},
		"fo.choice.reason.pension":      {"开始领取基本养老金", "Started drawing a pension"},
		"fo.choice.reason.imprisoned":   {"被判刑收监执行", "Imprisoned"},
		"fo.choice.reason.refused_work": {"无正当理由拒不接受介绍的工作或培训", "Refused suitable work or training"},
		"fo.choice.reason.reemployed":   {"重新就业", "Re-employed"},
		"fo.choice.reason.died":         {"死亡", "Died"},

		"fo.choice.nursing.complete": {"生活完全不能自理", "Fully dependent"},
		"fo.choice.nursing.major":    {"生活大部分不能自理", "Mostly dependent"},
		"fo.choice.nursing.partial":  {"生活部分不能自理", "Partly dependent"},

		"fo.choice.hardship_type.emergency": {"急难型", "Emergency"},
		"fo.choice.hardship_type.expense":   {"支出型", "Expense"},

		"fo.choice.arrears.settle": {"结清欠费后注销", "Settle the arrears, then close"},
		"fo.choice.arrears.list":   {"列明欠费，由清算组清偿", "List the arrears for the liquidators"},
	})
}
