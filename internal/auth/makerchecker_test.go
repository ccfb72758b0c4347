package auth_test

import (
	"errors"
	"testing"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
)

func TestSecondUser(t *testing.T) {
	t.Parallel()
	approver := auth.Principal{UserID: 7, Username: "approver", Role: auth.RoleApprover}
	for _, c := range []struct {
		name   string
		makers []int64
		refuse bool
	}{
		{"another user made it", []int64{3}, false},
		{"the decider made it", []int64{7}, true},
		{"the decider reviewed it after another made it", []int64{3, 7}, true},
		{"neither maker nor reviewer", []int64{3, 4}, false},
		{"no maker recorded", nil, false},
	} {
		err := auth.SecondUser(approver, c.makers, "case %d was assessed by you: another user approves it", 42)
		var fe *fault.Error
		switch {
		case !c.refuse && err != nil:
			t.Errorf("%s: %v, want none", c.name, err)
		case c.refuse && (!errors.As(err, &fe) || fe.Code != fault.Forbidden || fe.Message != "case 42 was assessed by you: another user approves it"):
			t.Errorf("%s: %v, want Forbidden with the message given", c.name, err)
		}
	}
}
