// Package screening is the civil-affairs bureau's screening of the
// registry without application (主动发现, 免申即享; docs/domain.md 6.6 to
// 6.8): the high-age allowance, the two disability subsidies and the
// heating and festival payments screened month by month, each screening a
// run of proposed new awards, changed amounts and stops that a caseworker
// reviews (county by county for a prefecture-wide run) and another user
// approves; the targeted re-screening of the persons whom an event
// concerns (事件触发); and the screening job of a whole month (全量筛查),
// which classifies the tested households into the low-income layers
// (docs/domain.md 6.1) and screens every allowance, run by the one worker
// holding its lease and resumed from its phase after a crash.
//
// The package builds on assistance (its awards, notices and
// classification); assistance never imports it. Eligibility and amounts
// come from the policy engine.
package screening
