// Package exchange reads the files other departments send us (数据共享比对):
// the tax bureau's contribution details, civil affairs, the disabled
// persons' federation, public security's deaths, and so on.
//
// A [Profile] describes one kind of file: its columns ([Field]), the header
// texts each column may carry, the kind of each value and the columns that
// identify a row ([Profile.Key]). [Read] reads a CSV or XLSX file against a
// profile into typed [Row] values and a [Report] that lists, row by row,
// every problem found. [Options.Each] streams the rows instead, for files
// too large to hold.
//
// # The all-or-nothing rule
//
// A file is accepted whole or rejected whole. If any row has a problem, Read
// returns no rows at all, and the report lists every bad row by its line
// number (the row number a clerk sees in Excel or a text editor) with the
// column and the reason. Nothing is ever dropped silently: every non-empty
// line after the header is either a row or a problem. An empty line between
// data lines is a problem; empty lines at the end are ignored.
//
// # Files
//
// CSV files may be UTF-8, with or without a byte-order mark, or GBK/GB18030
// (what Excel writes for "CSV" on a Chinese Windows). The encoding is
// detected: a file whose first line with non-ASCII text is valid UTF-8 is
// read as UTF-8, otherwise as GB18030 (a superset of GBK). A later line that
// is not valid in the detected encoding is a problem, so a file that mixes
// encodings is rejected rather than garbled. Fields are separated by commas
// and may be quoted as in RFC 4180; quoted fields may span lines. Every data
// line must have as many fields as the header.
//
// XLSX files are read from their first sheet, or from [Options.Sheet]. Cell
// values are read raw, so that an Excel date (a serial day number) can be
// read as a date, and a resident ID that Excel stored as a number (losing
// its last digits) is reported as such rather than misread.
//
// Up to ten title lines may stand above the header (such as a merged title
// cell "2024年10月社保费征收明细"): the header is the first line with at least
// one known header text. [Report.HeaderLine] says which line that was.
//
// # Values
//
// Every value is trimmed (including the full-width space U+3000) and
// full-width ASCII characters (０-９, Ａ-Ｚ, （）, ，) are mapped to their
// half-width forms before it is parsed by its [Kind]. Header texts are
// compared the same way, also ignoring inner spaces and the case of Latin
// letters.
//
// # Privacy
//
// A report or error never contains a full resident ID: the value of a
// [ResidentID] field, and any reported value with a run of 11 or more digits
// (an ID, a phone or a bank account in the wrong column), is masked with
// [ids.Mask].
package exchange
