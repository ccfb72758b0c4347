package money

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Fen
		wantErr string
	}{
		{name: "plain", in: "1234.56", want: 123456},
		{name: "separators", in: "1,234.56", want: 123456},
		{name: "one decimal", in: "-12.5", want: -1250},
		{name: "fen only", in: "0.05", want: 5},
		{name: "symbol", in: "¥1,234.00", want: 123400},
		{name: "full-width symbol", in: "￥88", want: 8800},
		{name: "whole yuan", in: "1234", want: 123400},
		{name: "zero", in: "0", want: 0},
		{name: "negative zero", in: "-0.00", want: 0},
		{name: "plus sign", in: "+7.01", want: 701},
		{name: "sign before symbol", in: "-¥0.05", want: -5},
		{name: "symbol before sign", in: "¥-0.05", want: -5},
		{name: "spaces", in: "  1,000,000.00\t", want: 100000000},
		{name: "leading zeros", in: "007.10", want: 710},
		{name: "trailing zero decimals", in: "1.2300", want: 123},
		{name: "max", in: "92233720368547758.07", want: math.MaxInt64},
		{name: "max with separators", in: "92,233,720,368,547,758.07", want: math.MaxInt64},
		{name: "min", in: "-92,233,720,368,547,758.08", want: math.MinInt64},
		{name: "three decimals", in: "1.234", wantErr: `parse amount "1.234": 3 decimal places, at most 2 allowed`},
		{name: "half fen", in: "0.005", wantErr: "3 decimal places, at most 2 allowed"},
		{name: "overflow", in: "92233720368547758.08", wantErr: "out of range"},
		{name: "negative overflow", in: "-92233720368547758.09", wantErr: "out of range"},
		{name: "huge", in: "99999999999999999999999", wantErr: "out of range"},
		{name: "empty", in: "", wantErr: `parse amount "": empty`},
		{name: "blank", in: "   ", wantErr: "empty"},
		{name: "sign only", in: "-", wantErr: "no digits"},
		{name: "symbol only", in: "¥", wantErr: "no digits"},
		{name: "two signs", in: "--5", wantErr: `unexpected character '-'`},
		{name: "two symbols", in: "¥¥5", wantErr: `unexpected character '¥'`},
		{name: "no integer part", in: ".5", wantErr: "no digits before the decimal point"},
		{name: "no fraction", in: "5.", wantErr: "no digits after the decimal point"},
		{name: "two points", in: "1.2.3", wantErr: `unexpected character '.'`},
		{name: "separator in group of 2", in: "12,34.00", wantErr: "misplaced thousands separator"},
		{name: "separator group of 4", in: "1,2345", wantErr: "misplaced thousands separator"},
		{name: "leading separator", in: ",123", wantErr: "misplaced thousands separator"},
		{name: "trailing separator", in: "123,", wantErr: "misplaced thousands separator"},
		{name: "first group of 4", in: "1234,567", wantErr: "misplaced thousands separator"},
		{name: "zero group", in: "0,123", wantErr: "misplaced thousands separator"},
		{name: "separator in fraction", in: "1.2,3", wantErr: `unexpected character ','`},
		{name: "letters", in: "12a", wantErr: `unexpected character 'a'`},
		{name: "yuan suffix", in: "12元", wantErr: `unexpected character '元'`},
		{name: "exponent", in: "1e3", wantErr: `unexpected character 'e'`},
		{name: "inner space", in: "1 234", wantErr: `unexpected character ' '`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%q) = %d, %v, want error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Parse(%q) = %d, %v, want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestFenFormat(t *testing.T) {
	tests := []struct {
		name      string
		in        Fen
		want      string
		wantPlain string
	}{
		{name: "ordinary", in: 123456, want: "1,234.56", wantPlain: "1234.56"},
		{name: "fen", in: 5, want: "0.05", wantPlain: "0.05"},
		{name: "negative fen", in: -5, want: "-0.05", wantPlain: "-0.05"},
		{name: "zero", in: 0, want: "0.00", wantPlain: "0.00"},
		{name: "ten yuan", in: 1000, want: "10.00", wantPlain: "10.00"},
		{name: "three digits", in: 99999, want: "999.99", wantPlain: "999.99"},
		{name: "four digits", in: 100000, want: "1,000.00", wantPlain: "1000.00"},
		{name: "million", in: -123456789012, want: "-1,234,567,890.12", wantPlain: "-1234567890.12"},
		{name: "max", in: math.MaxInt64, want: "92,233,720,368,547,758.07", wantPlain: "92233720368547758.07"},
		{name: "min", in: math.MinInt64, want: "-92,233,720,368,547,758.08", wantPlain: "-92233720368547758.08"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.String(); got != tt.want {
				t.Errorf("Fen(%d).String() = %q, want %q", int64(tt.in), got, tt.want)
			}
			if got := tt.in.Plain(); got != tt.wantPlain {
				t.Errorf("Fen(%d).Plain() = %q, want %q", int64(tt.in), got, tt.wantPlain)
			}
		})
	}
}

func TestYuan(t *testing.T) {
	if got := Yuan(1234); got != 123400 {
		t.Errorf("Yuan(1234) = %d, want 123400", got)
	}
	if got := Yuan(-3); got != -300 {
		t.Errorf("Yuan(-3) = %d, want -300", got)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("Yuan(math.MaxInt64/100 + 1) did not panic")
		}
	}()
	Yuan(math.MaxInt64/100 + 1)
}

func TestFenJSON(t *testing.T) {
	type doc struct {
		Amount Fen `json:"amount"`
	}
	b, err := json.Marshal(doc{Amount: -123456})
	if err != nil || string(b) != `{"amount":-123456}` {
		t.Errorf("json.Marshal(-123456) = %s, %v, want {\"amount\":-123456}", b, err)
	}
	tests := []struct {
		name    string
		in      string
		want    Fen
		wantErr string
	}{
		{name: "integer", in: `{"amount":123456}`, want: 123456},
		{name: "negative", in: `{"amount":-5}`, want: -5},
		{name: "null", in: `{"amount":null}`, want: 42},
		{name: "max", in: `{"amount":9223372036854775807}`, want: math.MaxInt64},
		{name: "decimal", in: `{"amount":12.5}`, wantErr: "want an integer number of fen, got 12.5"},
		{name: "exponent", in: `{"amount":1e3}`, wantErr: "want an integer number of fen"},
		{name: "string", in: `{"amount":"12.50"}`, wantErr: "want an integer number of fen"},
		{name: "overflow", in: `{"amount":9223372036854775808}`, wantErr: "want an integer number of fen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := doc{Amount: 42}
			err := json.Unmarshal([]byte(tt.in), &got)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("json.Unmarshal(%s) error = %v, want containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got.Amount != tt.want {
				t.Errorf("json.Unmarshal(%s) = %d, %v, want %d", tt.in, got.Amount, err, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"1234.56", "1,234.56", "-12.5", "0.05", "¥1,234.00", "￥88", "1234", "-0.00",
		"+7.01", "¥-0.05", "  1,000,000.00\t", "1.2300", "92233720368547758.07",
		"-92,233,720,368,547,758.08", "1.234", "92233720368547758.08", "", "-", ".5",
		"5.", "12,34.00", "0,123", "12元", "1e3",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			if v != 0 {
				t.Fatalf("Parse(%q) = %d with error %v, want 0", s, v, err)
			}
			return
		}
		for _, out := range []string{v.String(), v.Plain(), "¥" + v.String()} {
			back, err := Parse(out)
			if err != nil || back != v {
				t.Fatalf("Parse(%q) = %d, %v, want %d (from input %q)", out, back, err, v, s)
			}
		}
		b, _ := v.MarshalJSON()
		var j Fen
		if err := j.UnmarshalJSON(b); err != nil || j != v {
			t.Fatalf("JSON round trip of %d = %d, %v", v, j, err)
		}
	})
}
