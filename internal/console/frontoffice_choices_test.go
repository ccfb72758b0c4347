package console

import (
	"testing"

	"safetynet/internal/frontoffice/execute"
	"safetynet/internal/matters"
)

// TestEveryChoiceHasALabel: every value of every choice field of every
// executor is named in both languages, so that the receipt form and the
// application page never show a raw value.
func TestEveryChoiceHasALabel(t *testing.T) {
	set := execute.New(execute.Services{})
	for _, a := range matters.Actions() {
		e, ok := set.For(a.ID)
		if !ok {
			t.Errorf("action %s has no executor", a.ID)
			continue
		}
		for _, f := range e.Fields() {
			for _, v := range f.Values {
				for _, l := range []Lang{ZH, EN} {
					if choiceLabel(l, f.Name, v) == v {
						t.Errorf("%s: field %s value %q has no %s label (fo.choice.%s.%s)", a.ID, f.Name, v, l, f.Name, v)
					}
				}
			}
		}
	}
}
