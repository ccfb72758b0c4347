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
package policy
