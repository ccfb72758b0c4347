package money

import (
	"math"
	"strings"
	"testing"
)

func TestParseRate(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Rate
		wantErr string
	}{
		{name: "percent", in: "16%", want: 160_000},
		{name: "percent decimals", in: "8.31%", want: 83_100},
		{name: "small percent", in: "0.2%", want: 2_000},
		{name: "fraction", in: "0.16", want: 160_000},
		{name: "fraction decimals", in: "0.0831", want: 83_100},
		{name: "one", in: "1", want: 1_000_000},
		{name: "smallest percent", in: "0.0001%", want: 1},
		{name: "smallest fraction", in: "0.000001", want: 1},
		{name: "trailing zeros", in: "8.310000%", want: 83_100},
		{name: "negative", in: "-0.5%", want: -5_000},
		{name: "plus", in: "+3%", want: 30_000},
		{name: "spaces", in: " 12% ", want: 120_000},
		{name: "zero", in: "0%", want: 0},
		{name: "max", in: "922337203685.4775807", wantErr: "7 decimal places in a fraction, at most 6 allowed"},
		{name: "max percent", in: "92233720368547.75807%", wantErr: "5 decimal places in a percentage, at most 4 allowed"},
		{name: "largest", in: "922337203685.477580", want: 922337203685477580},
		{name: "too precise percent", in: "8.31234%", wantErr: `parse rate "8.31234%": 5 decimal places in a percentage, at most 4 allowed`},
		{name: "too precise fraction", in: "0.0000001", wantErr: "7 decimal places in a fraction, at most 6 allowed"},
		{name: "overflow", in: "922337203685478%", wantErr: "out of range"},
		{name: "empty", in: "", wantErr: `parse rate "": empty`},
		{name: "percent only", in: "%", wantErr: "no digits before the decimal point"},
		{name: "no integer", in: ".5%", wantErr: "no digits before the decimal point"},
		{name: "no fraction", in: "5.%", wantErr: "no digits after the decimal point"},
		{name: "two percent signs", in: "5%%", wantErr: `unexpected character '%'`},
		{name: "letters", in: "5a%", wantErr: `unexpected character 'a'`},
		{name: "space before percent", in: "5 %", wantErr: `unexpected character ' '`},
		{name: "per mille", in: "5‰", wantErr: `unexpected character '‰'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRate(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseRate(%q) = %d, %v, want error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseRate(%q) = %d, %v, want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestRateString(t *testing.T) {
	tests := []struct {
		name string
		in   Rate
		want string
	}{
		{name: "16%", in: 160_000, want: "16%"},
		{name: "8.31%", in: 83_100, want: "8.31%"},
		{name: "0.2%", in: 2_000, want: "0.2%"},
		{name: "smallest", in: 1, want: "0.0001%"},
		{name: "zero", in: 0, want: "0%"},
		{name: "negative", in: -5_000, want: "-0.5%"},
		{name: "100%", in: 1_000_000, want: "100%"},
		{name: "max", in: math.MaxInt64, want: "922337203685477.5807%"},
		{name: "min", in: math.MinInt64, want: "-922337203685477.5808%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.String(); got != tt.want {
				t.Errorf("Rate(%d).String() = %q, want %q", int64(tt.in), got, tt.want)
			}
		})
	}
}

func FuzzParseRate(f *testing.F) {
	for _, s := range []string{
		"16%", "8.31%", "0.2%", "0.16", "0.0831", "1", "0.0001%", "0.000001",
		"8.310000%", "-0.5%", "+3%", " 12% ", "8.31234%", "0.0000001",
		"922337203685478%", "", "%", ".5%", "5.%", "5%%", "922337203685477.5807%",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRate(s)
		if err != nil {
			if r != 0 {
				t.Fatalf("ParseRate(%q) = %d with error %v, want 0", s, r, err)
			}
			return
		}
		back, err := ParseRate(r.String())
		if err != nil || back != r {
			t.Fatalf("ParseRate(%q) = %d, %v, want %d (from input %q)", r.String(), back, err, r, s)
		}
	})
}

func TestRatePercent(t *testing.T) {
	for _, tc := range []struct {
		r      Rate
		places int
		want   string
	}{
		{851_399, 1, "85.1%"},
		{851_500, 1, "85.2%"},   // half up
		{-851_500, 1, "-85.2%"}, // half away from zero
		{160_000, 1, "16.0%"},
		{160_000, 0, "16%"},
		{5_000, 0, "1%"},
		{4_999, 0, "0%"},
		{83_100, 2, "8.31%"},
		{1, 4, "0.0001%"},
		{1, 9, "0.0001%"}, // places capped at 4
		{0, 1, "0.0%"},
	} {
		if got := tc.r.Percent(tc.places); got != tc.want {
			t.Errorf("Rate(%d).Percent(%d) = %q, want %q", tc.r, tc.places, got, tc.want)
		}
	}
}
