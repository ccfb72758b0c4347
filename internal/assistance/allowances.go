package assistance

// The allowances screened for without application (免申即享).
const (
	ProgHighAge          = "high_age_allowance"        // 高龄津贴
	ProgDisabilityLiving = "disability_living_subsidy" // 困难残疾人生活补贴
	ProgDisabilityCare   = "disability_care_subsidy"   // 重度残疾人护理补贴
	ProgHeating          = "heating_assistance"        // 取暖救助
	ProgFestival         = "festival_subsidy"          // 节日慰问金
)
