// Package policies embeds the policy packages of this folder (see
// README.md) into the binary, so that safetynet runs its rules without
// reading files at run time. `safetynet policy test DIR` and `--dir` read a
// folder instead, for rule authors.
package policies

import "embed"

// FS holds layers.yaml, entities.yaml and every layer's parameters,
// programmes and policy tests, and the catalogue of assistance items
// (changji/catalogue.yaml, read by assistance.LoadCatalogue; the policy
// loader reads only parameters/ and programmes/), the front office's
// catalogue of matters and service points (changji/matters.yaml and
// service_points.yaml, read by matters.LoadOffice) and the working-day
// calendar (cn/calendar, read by workday.Load).
//
//go:embed layers.yaml entities.yaml labels.yaml cn xj changji
var FS embed.FS
