package payment

import "testing"

// TestAssistancePayee checks who an assistance line pays: the person of a
// person award, the head of a household award, each into their own
// account, and nobody for a household with no head.
func TestAssistancePayee(t *testing.T) {
	for _, tc := range []struct {
		name                string
		facts               PayeeFacts
		wantPayee, wantAcct int64
		wantOK              bool
	}{
		{"person award", PayeeFacts{PersonID: 7, PersonAccount: 70}, 7, 70, true},
		{"person award in a household pays the person, not the head", PayeeFacts{PersonID: 7, HeadID: 9, PersonAccount: 70, HeadAccount: 90}, 7, 70, true},
		{"person award with no account is held", PayeeFacts{PersonID: 7, HeadID: 9, HeadAccount: 90}, 7, 0, true},
		{"household award pays the head", PayeeFacts{HeadID: 9, HeadAccount: 90}, 9, 90, true},
		{"household award with a head without account is held", PayeeFacts{HeadID: 9}, 9, 0, true},
		{"household with no head has no payee", PayeeFacts{}, 0, 0, false},
	} {
		payee, acct, ok := AssistancePayee(tc.facts)
		if payee != tc.wantPayee || acct != tc.wantAcct || ok != tc.wantOK {
			t.Errorf("%s: AssistancePayee(%+v) = %d, %d, %v; want %d, %d, %v", tc.name, tc.facts, payee, acct, ok, tc.wantPayee, tc.wantAcct, tc.wantOK)
		}
	}
}
