// Package monitoring runs the low-income dynamic monitoring (低收入人口动态监测,
// docs/domain.md 6.1; 国办发〔2023〕39号 [S16]): signals from other departments'
// data become graded risk alerts for the township caseworker of the
// household they fall on, who visits the household (入户核实, "脚底板") and
// disposes of the alert.
//
// # The loop
//
//  1. A department reports a [Signal] about a person: a large hospital bill
//     (medical insurance), a new disability (disabled persons' federation),
//     the death of an earner (public security), an unemployment
//     registration (human resources), a disaster loss (emergency
//     management) or a sudden income drop (tax, human resources).
//     [Service.RecordSignals] takes a whole file or batch, all or none: each
//     row names a registered person who belongs to a registered household,
//     and every bad row is reported by its number.
//  2. [Service.Process] grades every signal waiting, in bulk, with the
//     programme low_income_risk of the policy package (policies/changji):
//     its amount is the risk [Level], 0 none, 1 yellow (一般), 2 orange
//     (较高), 3 red (高), from the signal, the household's latest
//     classification layer and its latest means test up to the signal's
//     month. The columnar engine grades all signals; each alert keeps the
//     case of the signal that set its level, which the row-wise engine
//     explains when the alert is read.
//  3. A signal that shows a risk opens an [Alert] for its household, due
//     on the signal's date plus the days of its level
//     (monitoring.due_days.*). A household has one open alert at most: a
//     later signal attaches to it and, when it shows a higher level, raises
//     the alert's level and brings its due date forward; a level is never
//     lowered. A signal that shows no risk for a household without an open
//     alert is kept, processed, with no alert.
//  4. The caseworker records each [Visit]: met (the household was seen) or
//     not reached.
//  5. A [Disposition] closes the alert: referred to a programme of the
//     policy package (转介救助, e.g. 低保 or 临时救助), no need of
//     assistance (无需救助), or unreachable (无法联系).
//
// # What a caseworker can expect
//
// Referring a household, or finding it needs nothing, is a finding about
// the household, so it needs a visit that met it. A household that cannot
// be reached can be closed as unreachable only after the attempts the
// parameter monitoring.unreachable.min_attempts asks for, none of them
// meeting the household; once a visit has met it, the caseworker must
// decide between a referral and no need. A raised level after a visit keeps
// the visits made: the caseworker decides whether to visit again before the
// new due date.
//
// An alert is overdue on a day when it is not closed and its due date is
// before that day: an alert due today is not yet overdue. [Service.Overdue]
// lists the overdue alerts per township: the township-level ancestor of the
// household's region (the county itself for a household registered only to
// a county).
//
// # Permissions
//
// Caseworkers and administrators (auth.PermRegistryWrite) record signals,
// process them, visit and dispose, in their scope; approvers, auditors and
// analysts (auth.PermRegistryRead) read alerts in their scope. Reading one
// alert, which shows the person, is recorded in the audit trail.
package monitoring
