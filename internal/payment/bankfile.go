package payment

import (
	"bytes"
	"fmt"
	"strconv"

	"safetynet/internal/exchange"
)

// BankFile returns the formatter of a bank file (代发文件) in format csv or
// xlsx: one row per batch line, in line order, with the account, the
// holder, the amount in yuan, the reference the bank returns, and a memo
// naming the fund and month. The bank file carries account numbers in
// full: it goes to the bank, not to a screen or a log.
func BankFile(format string) (func([]BatchLine) ([]byte, error), error) {
	if format != "csv" && format != "xlsx" {
		return nil, fmt.Errorf("bank file format %q: want csv or xlsx", format)
	}
	return func(lines []BatchLine) ([]byte, error) {
		s := exchange.Sheet{Name: "代发明细", Header: exchange.BankFileHeader}
		for _, l := range lines {
			if l.AccountNo == "" {
				return nil, fmt.Errorf("line %d (%s): the payee has no bank account", l.Line, l.Reference)
			}
			s.Rows = append(s.Rows, []string{strconv.Itoa(l.Line), l.AccountNo, l.AccountName, l.Amount.Plain(), l.Reference,
				string(l.Fund) + " " + l.Period.String()})
		}
		var buf bytes.Buffer
		var err error
		if format == "csv" {
			err = exchange.WriteCSV(&buf, s)
		} else {
			err = exchange.WriteXLSX(&buf, s)
		}
		return buf.Bytes(), err
	}, nil
}

// Returns turns the rows of a bank return file, read with the
// exchange.BankReturn profile, into returns.
func Returns(rows []exchange.Row) []Return {
	out := make([]Return, len(rows))
	for i, r := range rows {
		out[i] = Return{Row: r.Line, Reference: r.Text("reference"), Paid: r.Code("result") == "paid", Reason: r.Text("reason")}
	}
	return out
}
