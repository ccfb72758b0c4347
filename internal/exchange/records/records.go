// Package records turns the rows of a department's file, read and checked
// by internal/exchange against its profile, into the domain's records: the
// tax bureau's contributions, public security's deaths, the departments'
// signals and the hardship lists. The CLI's import commands and the
// console's 数据交换 page both import through it, so a file means the same
// whichever way it comes in.
package records

import (
	"safetynet/internal/exchange"
	"safetynet/internal/insurance"
	"safetynet/internal/monitoring"
	"safetynet/internal/registry"
)

// TaxRecords are the contributions of a tax bureau's file (profile tax).
func TaxRecords(rows []exchange.Row) []insurance.TaxRecord {
	recs := make([]insurance.TaxRecord, len(rows))
	for i, r := range rows {
		recs[i] = insurance.TaxRecord{Line: r.Line, IDNumber: r.ResidentID("id_number"), Scheme: insurance.Scheme(r.Code("scheme")),
			Period: r.Month("period"), Base: r.Fen("base"), Employer: r.Fen("employer_amount"), Individual: r.Fen("individual_amount"),
			PaidOn: r.Date("paid_on"), ReceiptNo: r.Text("receipt_no")}
		if r.Has("uscc") {
			u, _ := r.USCC("uscc")
			recs[i].USCC = string(u)
		}
	}
	return recs
}

// DeathNotices are the deaths of public security's file (profile deaths).
func DeathNotices(rows []exchange.Row) []registry.DeathNotice {
	ns := make([]registry.DeathNotice, len(rows))
	for i, r := range rows {
		ns[i] = registry.DeathNotice{Line: r.Line, IDNumber: r.ResidentID("id_number"), Name: r.Text("name"), Date: r.Date("death_date")}
	}
	return ns
}

// Signals are the signals of a department's file (profile signals), from
// department unless a row names its own source.
func Signals(rows []exchange.Row, department monitoring.Source) []monitoring.Signal {
	ss := make([]monitoring.Signal, len(rows))
	for i, r := range rows {
		s := monitoring.Signal{Line: r.Line, IDNumber: r.ResidentID("id_number"), Name: r.Text("name"), Kind: monitoring.Kind(r.Code("kind")),
			OccurredOn: r.Date("occurred_on"), Amount: r.Fen("amount"), Grade: int(r.Int("grade")), Detail: r.Text("detail"), Source: department}
		if r.Has("source") {
			s.Source = monitoring.Source(r.Code("source"))
		}
		ss[i] = s
	}
	return ss
}

// HardshipRecords are the persons of a hardship list (profile hardship).
func HardshipRecords(rows []exchange.Row) []insurance.HardshipRecord {
	recs := make([]insurance.HardshipRecord, len(rows))
	for i, r := range rows {
		recs[i] = insurance.HardshipRecord{Line: r.Line, IDNumber: r.ResidentID("id_number"), Name: r.Text("name"), Group: insurance.HardshipGroup(r.Code("group"))}
	}
	return recs
}
