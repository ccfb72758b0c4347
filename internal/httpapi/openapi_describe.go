package httpapi

import (
	"strings"

	"github.com/swaggest/jsonschema-go"
)

// describeByName gives a body property or a URL parameter without a
// description of its own the one its name carries: a shared meaning from
// fieldDescriptions, or, for the names built by rule (person_id,
// decided_by, decided_at, applied_on, name_zh, by_county), what the rule
// says. TestOpenAPIDescriptions fails on any still left without one
// (docs/conventions.md 10.7).
func describeByName(p jsonschema.InterceptPropParams) error {
	if !p.Processed || p.PropertySchema == nil {
		return nil
	}
	if p.Field.Tag.Get("json") == "" && p.Field.Tag.Get("query") == "" && p.Field.Tag.Get("path") == "" {
		return nil
	}
	if p.PropertySchema.Description != nil && *p.PropertySchema.Description != "" {
		return nil
	}
	if d := nameDescription(p.Name); d != "" {
		p.PropertySchema.WithDescription(d)
	}
	return nil
}

// nameDescription is the description a property or parameter's name
// carries, or "".
func nameDescription(name string) string {
	if d, ok := fieldDescriptions[name]; ok {
		return d
	}
	words := func(s string) string { return strings.ReplaceAll(s, "_", " ") }
	thing := func(s string) string {
		if s == "org" {
			return "organisation"
		}
		return words(s)
	}
	switch {
	case strings.HasSuffix(name, "_ids"):
		return "The ids of the " + thing(strings.TrimSuffix(name, "_ids")) + "s."
	case strings.HasSuffix(name, "_id"):
		return "The id of the " + thing(strings.TrimSuffix(name, "_id")) + "."
	case strings.HasSuffix(name, "_by"):
		return "The id of the user who " + words(strings.TrimSuffix(name, "_by")) + " it."
	case strings.HasSuffix(name, "_at"):
		return "When " + words(strings.TrimSuffix(name, "_at")) + ", UTC (RFC 3339)."
	case strings.HasSuffix(name, "_on"):
		return "The day " + words(strings.TrimSuffix(name, "_on")) + ", YYYY-MM-DD."
	case strings.HasSuffix(name, "_date"):
		return "The " + words(name) + ", YYYY-MM-DD."
	case strings.HasSuffix(name, "_zh"):
		return "The " + words(strings.TrimSuffix(name, "_zh")) + " in Chinese (zh-CN)."
	case strings.HasSuffix(name, "_en"):
		return "The " + words(strings.TrimSuffix(name, "_en")) + " in English."
	case strings.HasSuffix(name, "_no"):
		return "The " + words(strings.TrimSuffix(name, "_no")) + " number, as written on it."
	case strings.HasPrefix(name, "by_"):
		return "Subtotals by " + words(strings.TrimPrefix(name, "by_")) + "."
	}
	return ""
}

// fieldDescriptions are the meanings of names many bodies and parameters
// share, for those whose field gives no description of its own.
var fieldDescriptions = map[string]string{
	// Where and when.
	"region":        "Region code (行政区划代码): the division the record, filter or report is of.",
	"region_code":   "Region code (行政区划代码, 6, 9 or 12 digits) of the division the record belongs to, down to the village.",
	"regions":       "Region codes (行政区划代码).",
	"region_name":   "The division's name.",
	"county":        "County division code (6 digits).",
	"township":      "Township division code (9 digits).",
	"township_code": "Township division code (9 digits).",
	"township_name": "The township's name.",
	"from_region":   "Region code of the division it came from.",
	"other_region":  "Region code of the other division concerned.",
	"hukou_region":  "Region code of the household registration (户籍所在地).",
	"parent":        "Region code of the division one level up.",
	"children":      "The divisions one level down.",
	"code":          "The code: the record's key in its reference table.",
	"level":         "The level: of a division, 1 prefecture to 4 village; of a risk, 0 none to 3 red.",
	"period":        "The month, YYYY-MM.",
	"year":          "The year, YYYY.",
	"years":         "Year by year.",
	"months":        "A number of months, or month by month where a list.",
	"from":          "The first day or month it covers.",
	"start":         "The first month covered, YYYY-MM.",
	"end":           "The last month covered, YYYY-MM; empty while open.",
	"on":            "The day it takes effect, YYYY-MM-DD.",
	"at":            "When it happened, UTC (RFC 3339).",
	"date":          "The day, YYYY-MM-DD.",
	"as_of":         "The day the figures are taken at, YYYY-MM-DD; default today.",
	"due":           "When it is due, or what is due.",
	"due_days":      "Days allowed before it is overdue.",
	"overdue":       "Past its due day without being dealt with.",
	"oldest_due":    "The due day of the oldest still open, YYYY-MM-DD.",
	"notice_from":   "First day of the public notice (公示), YYYY-MM-DD.",
	"notice_to":     "Last day of the public notice (公示), YYYY-MM-DD.",
	"review_due":    "The month the periodic review (定期核查) is due, YYYY-MM.",
	"announced":     "The month the adjustment was announced, YYYY-MM; the months since its start are back-paid.",
	"birth_year":    "The year of birth.",
	"age":           "Age in whole years on the day of the request.",
	"seq":           "Sequence number within its parent record, from 1.",

	// Status and kind.
	"status":        "The record's status; its values are listed in the enum where it has one.",
	"kind":          "The record's kind; its values are listed in the enum where it has one.",
	"type":          "The type: of a problem, a URN naming it; of a value, its data type.",
	"category":      "The category of the item.",
	"layer":         "The layer of assistance (分层): tekun, dibao, dibao_edge, rigid_expense, low_income or none.",
	"layers":        "The layers of assistance (分层) it is for.",
	"phase":         "The step the job is at.",
	"alive":         "The person is not recorded as dead.",
	"primary":       "The account payments go to.",
	"wants_primary": "Make the account the one payments go to once confirmed.",
	"monitored":     "The member is watched by the low-income monitoring (动态监测).",
	"eligible":      "The programme's conditions hold.",
	"qualifies":     "The conditions hold.",
	"holds":         "Whether the requirement holds.",
	"exempt":        "Recorded but not counted.",
	"reproduced":    "Evaluating again with the recorded inputs and policy version gave the same decision.",
	"claimed":       "The job was taken by a worker.",
	"posted":        "Number of records posted.",
	"recorded":      "Number of records written.",
	"changed":       "Number of records changed.",
	"made":          "Number of records made.",
	"evaluated":     "Number of persons or households evaluated.",
	"count":         "Number of records.",
	"total":         "The total.",
	"stopped":       "Number stopped.",
	"resumed":       "Number resumed, or whether the run resumed an interrupted one.",
	"suspended":     "Number suspended.",
	"paid":          "Number paid.",
	"failed":        "Number failed.",
	"revoked":       "The day the certificate was revoked, YYYY-MM-DD.",
	"issued":        "The day the certificate was issued, YYYY-MM-DD.",
	"upheld":        "The objection is upheld: the case goes back for investigation.",
	"accepted":      "The item was accepted on review.",
	"accept":        "The seqs of the items accepted; the others are refused with the reason.",
	"needs_review":  "A caseworker must look at it before it takes effect.",
	"at_risk":       "Number of households at risk.",
	"at_floor":      "Number raised to the floor.",
	"direction":     "out: to another region; in: from another region.",
	"change":        "What the screening changes for the person: a new award, a changed one, or a stop.",
	"outcome":       "The result of the act; its values are listed in the enum.",
	"disposition":   "How the alert was disposed of.",
	"action":        "What was done.",
	"rule":          "The rule the records break.",
	"trigger":       "The policy condition that raised it.",
	"method":        "How it was done.",
	"channel":       "Where the application came in.",
	"direction_zh":  "The direction in Chinese.",

	// People, records and links.
	"person":                 "The person concerned.",
	"persons":                "Persons, or the number of persons.",
	"households":             "Households, or the number of households.",
	"members":                "The household's members.",
	"member_count":           "Number of members.",
	"relation":               "Relation to the head of the household, or to the person.",
	"hukou_type":             "Household registration type (户口性质): urban or rural.",
	"hukou_local":            "Registered in the region where the case is decided.",
	"ethnicity":              "Ethnic group (民族), as a code of the enum.",
	"gender":                 "Gender, as on the ID number.",
	"id_number":              "Resident ID number (身份证号); masked without pii.view.",
	"old_id_number":          "The ID number before the change; masked without pii.view.",
	"new_id_number":          "The ID number asked for; masked without pii.view.",
	"old_name":               "The name before the change.",
	"new_name":               "The name asked for.",
	"new_gender":             "The gender asked for.",
	"new_birth_date":         "The birth date asked for, YYYY-MM-DD.",
	"requested_name":         "Username of who asked for it.",
	"decided_name":           "Username of who decided it.",
	"display_name":           "The name shown for the user.",
	"phone":                  "Phone number; masked without pii.view.",
	"address":                "Address as written.",
	"uscc":                   "Unified social credit code (统一社会信用代码), 18 characters.",
	"uscc_flags":             "What is wrong with the code, if anything.",
	"industry_code":          "Industry code (国民经济行业分类).",
	"size":                   "Enterprise size class: micro, small, medium or large.",
	"business_entities":      "Businesses registered in the person's name.",
	"houses":                 "Houses owned.",
	"vehicles":               "Vehicles owned.",
	"has_supporter":          "A legal supporter (赡养、抚养、扶养义务人) outside the household is able to support the person.",
	"unable_to_work":         "The person cannot work.",
	"self_care":              "The person's ability to look after themself.",
	"nursing":                "The level of nursing care needed.",
	"heating_type":           "How the home is heated, for the heating allowance.",
	"hardship_type":          "Temporary assistance: emergency or expense.",
	"tekun_members":          "Members who are 特困 persons.",
	"disability_grade":       "Disability grade (残疾等级), 1 most severe.",
	"grade":                  "The grade: of a disability or injury, 1 most severe; of a signal, its severity.",
	"employer_arranges_work": "The employer arranges the work (for work-injury cover).",
	"separation":             "Why the employment ended.",
	"retirement_group":       "The retirement-age group of the 2025 schedule.",
	"user":                   "The signed-in user.",
	"username":               "The user's sign-in name.",
	"password":               "The user's password.",
	"role":                   "The user's role, which gives the permissions.",
	"permissions":            "The permissions of the user's role.",
	"scope":                  "Region code of the division the user may act in, with its subtree.",
	"token":                  "The bearer token to send as Authorization: Bearer.",
	"actor":                  "Who did it.",
	"owner_kind":             "Whose account: person or organisation.",
	"payee_kind":             "Whom it is paid to: person or organisation.",
	"objector":               "Who objected, as given; may be anonymous.",
	"objection":              "The objection.",
	"objections":             "Objections received during the public notice (公示异议).",
	"contact_office":         "The office to contact.",

	// Money and programmes.
	"programme":           "A programme id of the policy package (GET /api/v1/programmes).",
	"referred_programme":  "The programme the household was referred to.",
	"scheme":              "The social insurance scheme.",
	"wage_scheme":         "The scheme the wage base counts for.",
	"fund":                "The fund the money is paid from.",
	"bank_code":           "The bank's code (GET /api/v1/banks).",
	"bank_name":           "The bank's name as written.",
	"account_name":        "The account holder's name.",
	"lines":               "The lines, or the number of lines.",
	"line":                "Line number in the file or list, from 1.",
	"new_lines":           "Number of lines made by this run.",
	"payments":            "Payments, or the number of payments.",
	"payment":             "The payment.",
	"interest":            "The interest credited.",
	"awards":              "Awards, or the number of awards.",
	"new_awards":          "Number of awards made by this run.",
	"new_claimants":       "Number of new claimants.",
	"adjustments":         "The adjustments made.",
	"overpayments":        "The overpayments found.",
	"transfers":           "The transfers of the account.",
	"entries":             "The account's entries, in order.",
	"enterprises":         "Number of employers.",
	"batch":               "The batch: of refunds, its number; of signals, the sending department's batch reference.",
	"reference":           "The line's reference on the bank file.",
	"ref":                 "What the entry comes from, as kind:id.",
	"contribution_months": "Months of contributions.",
	"contribution_years":  "Years of contributions.",
	"deemed_months":       "Months deemed contributed.",
	"entitlement_months":  "Months of benefit the claim is entitled to.",
	"months_drawn":        "Months of benefit drawn.",
	"months_paid":         "Months paid.",
	"wage_months":         "Months of wages counted.",
	"already_paid":        "Amount already paid, in fen.",
	"allowance_from":      "The first month of the allowance, YYYY-MM.",
	"allowance_decision":  "The decision on the allowance.",
	"grant_decision":      "The decision on the grant.",
	"fast_track":          "Granted before approval (先救助后审批).",
	"dibao":               "The 低保 decision.",
	"dibao_edge":          "The low-income-margin (低保边缘) decision.",
	"tekun":               "The 特困 decision.",
	"rigid_expense":       "The rigid-expense hardship (支出型困难) decision.",
	"opens":               "The items of the catalogue the layer opens.",
	"classification":      "The household's classification (分层分类).",
	"test":                "The means test (家庭经济状况核对).",
	"quantity":            "How many.",
	"amount_expr":         "The amount's expression.",
	"cases":               "The cases.",
	"rows":                "The rows.",
	"before":              "Before the change.",
	"after":               "After the change.",
	"delta_count":         "How many changed.",
	"attempt":             "Attempt number.",
	"attempts":            "Attempts made.",
	"fail_reason":         "Why it failed, as the bank says.",
	"hold_reason":         "Why it is held.",
	"stop_reason":         "Why it stopped.",
	"death_source":        "Where the death was reported from.",
	"instruction":         "The payment instruction.",

	// Decisions and the policy engine.
	"decision":         "The explained decision of the policy engine: inputs, conditions, amount and the policy version.",
	"decision_note":    "The decider's note.",
	"policy_version":   "The version of the policy package that decided.",
	"parameters":       "The policy parameters used, with their values.",
	"parameter":        "The policy parameter.",
	"inputs":           "The inputs of the decision.",
	"entity":           "What a programme decides on: person, household, organisation or signal.",
	"entity_kind":      "The kind of record: person, household or organisation.",
	"variables":        "The programme's variables, with their values.",
	"conditions":       "The conditions, each with whether it holds.",
	"requirements":     "The requirements, each with whether it holds.",
	"requires":         "Programmes one must hold first.",
	"excludes":         "Programmes it cannot be held with.",
	"overrides":        "Parameter values to try instead of the package's.",
	"thresholds":       "The thresholds the decision compared with.",
	"expr":             "The expression, in the policy language.",
	"value":            "The value, written with its unit.",
	"values":           "The values, each with its dates.",
	"key":              "The parameter's key in the policy package.",
	"unit":             "The value's unit.",
	"of":               "What a list parameter holds: money, int, rate or dec.",
	"file":             "The file: of a parameter or programme, its path in the policy package; of an upload, its content, base64.",
	"source":           "Where it comes from: the document, department or channel.",
	"description":      "What it is, in words.",
	"why":              "The reasons, each with the condition that gave it.",
	"explanation":      "The explained decision behind it.",
	"reason":           "The reason, as the person concerned is told.",
	"reasons":          "The reasons.",
	"note":             "A free note.",
	"applicant_note":   "The applicant's own words.",
	"disposition_note": "The note on the disposition.",
	"finding":          "What the investigation of the objection found.",
	"content":          "What the objection says.",
	"detail":           "The details, in words.",
	"title":            "A short summary.",
	"case":             "The case to decide.",
	"signals":          "The signals.",
	"signal":           "The signal.",
	"events":           "The history, in order.",
	"visits":           "The visits made.",
	"reviews":          "The reviews.",
	"runs":             "The runs.",
	"issues":           "What is wrong.",
	"errors":           "Each field at fault, with why.",
	"error":            "What went wrong.",
	"field":            "The field or parameter at fault, by its JSON name.",
	"fields":           "The fields concerned.",
	"instance":         "The path of the request that failed.",
	"ids":              "The ids.",
	"seed":             "Seed of the synthetic population, for a repeatable result.",
	"population_2010":  "Population at the 2010 census.",

	// Audit.
	"digest":              "SHA-256 of the event's content.",
	"hash":                "SHA-256 chaining the event to the one before (tamper evidence).",
	"prev_hash":           "The hash of the event before.",
	"file_sha256":         "SHA-256 of the file, hex.",
	"risk":                "The risk colour: yellow, orange or red (黄橙红).",
	"reviewed":            "Number of items reviewed.",
	"ended":               "Claims ended by this run, by reason.",
	"amount":              "The amount: in fen where a number; of a programme, the expression that computes it in fen.",
	"superseded_by":       "The id of the record that replaced this one.",
	"closed_by_id":        "The id of the user who closed it.",
	"head_id":             "The id of the household's head (a person).",
	"key_id":              "The id of the signing key.",
	"test_id":             "The id of the means test (家庭经济状况核对).",
	"run_id":              "The id of the run.",
	"job_id":              "The id of the job.",
	"recipient_id":        "The id of the recipient.",
	"active_on":           "Only those active on this day, YYYY-MM-DD.",
	"heartbeat_at":        "When the worker last reported, UTC (RFC 3339); a job whose worker stops reporting is taken over.",
	"expires_at":          "When it expires, UTC (RFC 3339).",
	"generated_at":        "When it was made, UTC (RFC 3339).",
	"identity_changed_at": "When the person's name or ID number last changed, UTC (RFC 3339).",
	"account_no":          "Bank account number; masked without pii.view.",
	"previous_account_no": "The account number before the change; masked without pii.view.",
	"qualifies_zh":        "Who qualifies, in Chinese (zh-CN).",
	"qualifies_en":        "Who qualifies, in English.",
	"request_id":          "The request's id, as in the X-Request-ID header and the logs.",
}
