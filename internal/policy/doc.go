// Package policy is the rules-as-code engine: dated parameters layered by
// jurisdiction (cn → xj → changji → county), programmes whose conditions and
// amounts are typed expressions, row-wise evaluation that explains every
// decision, and a columnar batch engine that evaluates the same compiled
// expressions over whole populations. The file formats are described in
// policies/README.md.
//
// The two engines share one meaning by construction: both walk the same
// typed plan and call the same scalar operations (scalar.go); a
// differential test and a fuzz test hold them to it.
//
// For people, every name a decision can show has a label in Chinese and
// English (labels.go; loading fails without one), and
// [Package.Explain] tells a decision in either language, rendered from the
// compiled expressions: conditions as sentences with the case's values,
// formulas in labels and with values, money in 元 ([YuanText]), rates as
// percentages, dates in prose ([MonthText], [DateText]). [ParseLang] reads
// an Accept-Language header.
package policy
