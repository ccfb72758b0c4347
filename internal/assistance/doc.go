// Package assistance is the civil-affairs bureau's social assistance
// (社会救助, docs/domain.md 6): the household means test (家庭经济状况核对), the
// layered classification (分层分类) of tested households, assistance cases
// for 低保 and 特困 from application to award through investigation,
// assessment, public notice (公示) and approval by a different user,
// temporary assistance (临时救助) with fast-track grants reviewed after the
// fact, the awards and their payment, periodic reviews (动态管理), and the
// reports of beneficiaries and amounts. The allowances screened for and
// paid without application (高龄津贴, the two disability subsidies, heating
// and festival payments) are awarded by package screening, which builds on
// this one.
//
// Every eligibility and amount comes from the policy engine (the programmes
// in policies/); this package gathers the inputs, keeps the records and
// enforces the workflow. The decision explaining an award is stored with
// it.
package assistance
