package region

import (
	"encoding/json"
	"testing"
)

func TestLevelText(t *testing.T) {
	tests := []struct {
		level Level
		name  string
	}{
		{Province, "province"},
		{Prefecture, "prefecture"},
		{County, "county"},
		{Township, "township"},
		{Village, "village"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.level.String(); got != tt.name {
				t.Errorf("Level(%d).String() = %q, want %q", int(tt.level), got, tt.name)
			}
			b, err := tt.level.MarshalText()
			if err != nil || string(b) != tt.name {
				t.Errorf("Level(%d).MarshalText() = %q, %v; want %q, nil", int(tt.level), b, err, tt.name)
			}
			var back Level
			if err := back.UnmarshalText(b); err != nil || back != tt.level {
				t.Errorf("UnmarshalText(%q) = %v, %v; want %v, nil", b, back, err, tt.level)
			}
		})
	}
}

func TestLevelInvalid(t *testing.T) {
	for _, l := range []Level{0, -1, Village + 1} {
		if l.Valid() {
			t.Errorf("Level(%d).Valid() = true, want false", int(l))
		}
		if _, err := l.MarshalText(); err == nil {
			t.Errorf("Level(%d).MarshalText() error = nil, want an error", int(l))
		}
	}
	if got := Level(0).String(); got != "Level(0)" {
		t.Errorf("Level(0).String() = %q, want %q", got, "Level(0)")
	}
	for _, s := range []string{"", "County", "city", "street"} {
		if l, err := ParseLevel(s); err == nil {
			t.Errorf("ParseLevel(%q) = %v, nil; want an error", s, l)
		}
	}
}

func TestLevelJSON(t *testing.T) {
	b, err := json.Marshal(struct{ Level Level }{County})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Level":"county"}`; string(b) != want {
		t.Errorf("json.Marshal = %s, want %s", b, want)
	}
	var v struct{ Level Level }
	if err := json.Unmarshal([]byte(`{"Level":"township"}`), &v); err != nil || v.Level != Township {
		t.Errorf("json.Unmarshal = %v, %v; want township, nil", v.Level, err)
	}
}
