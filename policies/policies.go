// Package policies embeds the policy packages of this folder (see
// README.md) into the binary, so that safetynet runs its rules without
// reading files at run time. `safetynet policy test DIR` and `--dir` read a
// folder instead, for rule authors.
package policies

import "embed"

// FS holds layers.yaml, entities.yaml and every layer's parameters,
// programmes and policy tests, and the catalogue of assistance items
// (changji/catalogue.yaml, read by assistance.LoadCatalogue; the policy
// loader reads only parameters/ and programmes/).
//
//go:embed layers.yaml entities.yaml labels.yaml cn xj changji
var FS embed.FS
