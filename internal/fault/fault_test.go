package fault

import (
	"errors"
	"fmt"
	"testing"
)

func TestCodeOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want Code
	}{
		{"nil", nil, ""},
		{"plain", errors.New("boom"), Internal},
		{"coded", Errorf(NotFound, "person %d not found", 7), NotFound},
		{"wrapped", fmt.Errorf("load: %w", Errorf(Conflict, "dup")), Conflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CodeOf(tt.err); got != tt.want {
				t.Errorf("CodeOf(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

func TestMessageOfHidesInternal(t *testing.T) {
	if got := MessageOf(errors.New("sql: secret detail")); got != "internal error" {
		t.Errorf("MessageOf(plain) = %q, want generic text", got)
	}
	if got := MessageOf(fmt.Errorf("x: %w", Errorf(Invalid, "bad id"))); got != "bad id" {
		t.Errorf("MessageOf(invalid) = %q, want %q", got, "bad id")
	}
}

func TestProblems(t *testing.T) {
	var p Problems
	if err := p.Err("invalid person"); err != nil {
		t.Fatalf("empty Problems.Err() = %v, want nil", err)
	}
	p.Add("id_number", "check digit is %d, want %d", 4, 5)
	p.Add("id_number", "second problem is ignored")
	err := p.Err("invalid person")
	if CodeOf(err) != Invalid {
		t.Fatalf("CodeOf = %q, want invalid", CodeOf(err))
	}
	f := FieldsOf(err)
	if f["id_number"] != "check digit is 4, want 5" || len(f) != 1 {
		t.Errorf("FieldsOf = %v", f)
	}
	if got, want := err.Error(), "invalid person (id_number: check digit is 4, want 5)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestKeyedReasons(t *testing.T) {
	err := fmt.Errorf("approve: %w", Keyed(Forbidden, "maker_checker", "batch %d was made by you: another user approves it", 7))
	if MessageOf(err) != "batch 7 was made by you: another user approves it" || CodeOf(err) != Forbidden {
		t.Errorf("keyed error: %q %q", MessageOf(err), CodeOf(err))
	}
	if r := ReasonOf(err); r.Key != "maker_checker" || len(r.Args) != 1 || r.Args[0] != 7 {
		t.Errorf("ReasonOf = %+v", r)
	}
	if r := ReasonOf(Errorf(Conflict, "plain")); r.Key != "" {
		t.Errorf("a plain error has reason %+v", r)
	}
	if r := ReasonOf(&Error{Code: Internal, Message: "x", Reason: Reason{Key: "k"}}); r.Key != "" {
		t.Errorf("an internal error shows its reason %+v", r)
	}
	e := Errorf(Invalid, "invalid password").WithField("new", "password_too_short", "must be at least %d characters", 12)
	if e.Fields["new"] != "must be at least 12 characters" || FieldReasonsOf(e)["new"].Key != "password_too_short" || FieldReasonsOf(e)["new"].Args[0] != 12 {
		t.Errorf("WithField: %+v %+v", e.Fields, e.FieldReasons)
	}
}
