package payment

// PayeeFacts are the records that decide who an assistance award's line is
// paid to and into which account, as the store reads them, with no rule
// applied.
type PayeeFacts struct {
	// PersonID is the award's beneficiary: 0 for a household award.
	PersonID int64
	// HeadID is the head of the award's household (0 when the award has no
	// household or the household has no head).
	HeadID int64
	// PersonAccount and HeadAccount are the confirmed primary bank
	// accounts of the beneficiary and of the head (0 when there is none).
	PersonAccount, HeadAccount int64
}

// AssistancePayee is the payee rule of assistance and allowance lines: an
// award of a person is paid to that person, an award of a household to the
// household's head, always into the payee's own confirmed primary account
// (docs/payments.md: instructions take only a confirmed primary account).
// It returns the payee (a person) and the account, 0 when the payee has
// none (the instruction is then held). A household award whose household
// has no head has no payee: ok is false and the line is not instructed.
func AssistancePayee(f PayeeFacts) (payee, account int64, ok bool) {
	if f.PersonID != 0 {
		return f.PersonID, f.PersonAccount, true
	}
	if f.HeadID != 0 {
		return f.HeadID, f.HeadAccount, true
	}
	return 0, 0, false
}
