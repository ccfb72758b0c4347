package sqlstore

import (
	"context"

	"safetynet/internal/fault"
	"safetynet/internal/frontoffice/report"
	"safetynet/internal/period"
)

// appReportKeys are the grouping expressions of ApplicationReport: by
// point, an application of a channel with no point (online, mobile,
// cross-province) is grouped under its channel.
var appReportKeys = map[report.By]string{
	report.ByChannel:    "a.channel",
	report.ByMatter:     "a.matter_id",
	report.ByDepartment: "a.department",
	report.ByPoint:      "CASE WHEN a.point_id = '' THEN a.channel ELSE a.point_id END",
	report.ByClerk:      "CAST(a.received_by AS TEXT)",
}

// ApplicationReport implements report.Store: one grouped read (COUNT and
// SUM in SQL, no row loaded) of the applications received in the dates,
// a range on received_on with the applicant's region filtered in the same
// index (applications_received, migration 00035).
func (db *DB) ApplicationReport(ctx context.Context, f report.Filter, today period.Date) ([]report.Row, error) {
	key, ok := appReportKeys[f.By]
	if !ok {
		return nil, fault.Errorf(fault.Invalid, "no grouping %q", f.By)
	}
	name, join := "''", ""
	if f.By == report.ByClerk {
		name, join = "COALESCE(MAX(u.username), '')", " LEFT JOIN users u ON u.id = a.received_by"
	}
	var w where
	w.add("a.received_on >= ? AND a.received_on <= ?", f.From, f.To)
	w.region("a.region_code", f.Region)
	const (
		clock   = "a.status IN ('received', 'reviewing', 'approving', 'completing', 'held')"
		running = "a.status IN ('received', 'reviewing', 'correction', 'approving', 'completing', 'held')"
	)
	args := append([]any{today}, w.args...)
	return orEmpty(queryAll(ctx, db, db.r, "application report", func(sc scanner) (report.Row, error) {
		var r report.Row
		c := &r.Counts
		err := sc.Scan(&r.Key, &r.Name, &c.Received, &c.NotAccepted, &c.Completed, &c.Refused, &c.Withdrawn, &c.Running,
			&c.Online, &c.OnTime, &c.Late, &c.Overdue, &c.DuePending, &c.WorkingDays, &c.Timed)
		return r, err
	}, `SELECT `+key+`, `+name+`,
		COUNT(CASE WHEN a.status <> 'not_accepted' THEN 1 END),
		COUNT(CASE WHEN a.status = 'not_accepted' THEN 1 END),
		COUNT(CASE WHEN a.status = 'completed' THEN 1 END),
		COUNT(CASE WHEN a.status = 'refused' THEN 1 END),
		COUNT(CASE WHEN a.status = 'withdrawn' THEN 1 END),
		COUNT(CASE WHEN `+running+` THEN 1 END),
		COUNT(CASE WHEN a.status <> 'not_accepted' AND a.channel IN ('online', 'mobile') THEN 1 END),
		COUNT(CASE WHEN a.status = 'completed' AND a.completed_on <= a.due_date THEN 1 END),
		COUNT(CASE WHEN a.status = 'completed' AND a.completed_on > a.due_date THEN 1 END),
		COUNT(CASE WHEN `+clock+` AND a.due_date < ? THEN 1 END),
		COUNT(CASE WHEN `+clock+` AND a.due_date IS NULL THEN 1 END),
		COALESCE(SUM(CASE WHEN a.status = 'completed' THEN a.working_days END), 0),
		COUNT(CASE WHEN a.status = 'completed' AND a.working_days IS NOT NULL THEN 1 END)
		FROM applications a`+join+w.sql()+`
		GROUP BY `+key+` ORDER BY `+key, args...))
}
