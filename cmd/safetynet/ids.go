package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"safetynet/internal/ids"
	"safetynet/internal/period"
)

// idsCommands check resident ID numbers and unified social credit codes.
func idsCommands() []command {
	return []command{
		{name: "check", summary: "check resident ID numbers and unified social credit codes", run: runIDsCheck},
	}
}

// runIDsCheck checks each value given.
func runIDsCheck(_ context.Context, e env, args []string) error {
	fs := newFlags(e, "ids check", "ids check [--lenient] VALUE...")
	fs.takesOperands()
	lenient := fs.Bool("lenient", false, "accept a USCC whose check characters are wrong, flagged for review")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitError(2)
	}
	today := e.site.clock().Today()
	mode := ids.Strict
	if *lenient {
		mode = ids.Lenient
	}
	tw := newTable(e.stdout, false)
	bad := 0
	for _, v := range fs.Args() {
		verdict, detail, ok := checkID(v, today, mode)
		if !ok {
			bad++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", v, verdict, detail)
	}
	tw.Flush()
	if bad > 0 {
		return exitError(1)
	}
	return nil
}

// checkID classifies v as a resident ID or a USCC and checks it. An
// 18-character value with a letter anywhere but a final X is taken for a
// USCC; an all-digit one that is not a valid resident ID but is a valid USCC
// is one too.
func checkID(v string, today period.Date, mode ids.Mode) (verdict, detail string, ok bool) {
	s := strings.ToUpper(strings.TrimSpace(v))
	looksUSCC := len(s) == 18 && (strings.ContainsFunc(s[:17], isLetter) || (isLetter(rune(s[17])) && s[17] != 'X'))
	if !looksUSCC && len(s) == 18 {
		if _, err := ids.ParseResidentID(v, today); err != nil {
			if _, _, err := ids.ParseUSCC(v, ids.Strict); err == nil {
				looksUSCC = true
			}
		}
	}
	if !looksUSCC {
		id, err := ids.ParseResidentID(v, today)
		if err != nil {
			var ie *ids.ResidentIDError
			reason := "invalid"
			if errors.As(err, &ie) {
				reason = ie.Reason.String()
			}
			return "invalid resident ID (" + reason + ")", err.Error(), false
		}
		note := ""
		if len(s) == 15 {
			note = " (upgraded from 15 digits)"
		} else if s != v {
			note = " (normalised)"
		}
		return "valid resident ID", fmt.Sprintf("%s%s  born %s  %s  division %s", id, note, id.BirthDate(), genderName(id.Gender()), id.DivisionCode()), true
	}
	code, flags, err := ids.ParseUSCC(v, mode)
	if err != nil {
		var ue *ids.USCCError
		reason := "invalid"
		if errors.As(err, &ue) {
			reason = ue.Reason.String()
		}
		return "invalid USCC (" + reason + ")", err.Error(), false
	}
	if flags != 0 {
		return "USCC accepted for review", fmt.Sprintf("%s  flagged: %s", code, flags), true
	}
	return "valid USCC", string(code), true
}

func genderName(g ids.Gender) string {
	if g == ids.Male {
		return "male"
	}
	return "female"
}

func isLetter(r rune) bool { return (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') }
