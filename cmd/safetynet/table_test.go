package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"text/tabwriter"
)

// TestTableAlignsByDisplayWidth: Chinese and ASCII cells line up on a
// terminal, where a Chinese character takes two columns.
func TestTableAlignsByDisplayWidth(t *testing.T) {
	for _, right := range []bool{false, true} {
		var b bytes.Buffer
		tb := newTable(&b, right)
		fmt.Fprintln(tb, "区划\t名称\t人数\t")
		fmt.Fprintln(tb, "652301\t昌吉市\t1234\t")
		fmt.Fprintln(tb, "652327\t吉木萨尔县\t56\t")
		fmt.Fprintln(tb, "total\tall\t1290\t")
		if err := tb.Flush(); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		if len(lines) != 4 {
			t.Fatalf("%d lines:\n%s", len(lines), b.String())
		}
		// Every line is as wide, and each column starts (or, right-aligned,
		// ends) at the same display column.
		want := displayWidth(lines[0])
		for _, l := range lines {
			if displayWidth(l) != want {
				t.Errorf("right=%v: lines of different display widths:\n%s", right, b.String())
				break
			}
		}
		for _, cell := range []string{"昌吉市", "吉木萨尔县", "all", "名称"} {
			for _, l := range lines {
				if i := strings.Index(l, cell); i >= 0 {
					end := displayWidth(l[:i]) + displayWidth(cell)
					start := displayWidth(l[:i])
					if !right && start != 8 || right && end != 20 {
						t.Errorf("right=%v: %q at display columns %d-%d:\n%s", right, cell, start, end, b.String())
					}
				}
			}
		}
	}
}

// TestTableLikeTabwriterOnASCII: on ASCII the table writes what
// text/tabwriter wrote, blocks of columns included.
func TestTableLikeTabwriterOnASCII(t *testing.T) {
	in := "a\tbb\tccc\tx\nlonger cell\t1\t22\t\nno tabs here\n\nk\tv\t\nkk\tvv\tlast\n"
	for _, flags := range []uint{0, tabwriter.AlignRight} {
		var want, got bytes.Buffer
		tw := tabwriter.NewWriter(&want, 0, 4, 2, ' ', flags)
		tw.Write([]byte(in))
		tw.Flush()
		tb := newTable(&got, flags == tabwriter.AlignRight)
		tb.Write([]byte(in))
		tb.Flush()
		if got.String() != want.String() {
			t.Errorf("flags %d:\n got %q\nwant %q", flags, got.String(), want.String())
		}
	}
}

// TestPolicyEvalExplains: policy eval --explain prints the decision for
// people, its tables aligned by display width.
func TestPolicyEvalExplains(t *testing.T) {
	c := `{"entity":"household","region":"652301001001","inputs":{"members":3,"total_income":123600,"financial_assets":0,"vehicles":0,"houses":1,"business_entities":0,"hukou_local":true,"hukou_type":"urban"}}`
	out, errOut, err := runCLIWithStdin(t, c, "policy", "eval", "--programme", "dibao", "--period", "2025-07", "--explain", "zh")
	if err != nil {
		t.Fatalf("policy eval --explain zh: %v\n%s", err, errOut)
	}
	for _, want := range []string{"最低生活保障 · 2025年7月", "符合条件，低保金 1,104.00 元",
		"✓ 家庭月人均收入低于低保标准：成立（家庭月人均收入 412.00 元 < 低保标准 780.00 元）",
		"家庭月人均收入 = 家庭月收入 ÷ 家庭人口数 = 1,236.00 元 ÷ 3 人 = 412.00 元"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The parameters' values start at one display column.
	col := -1
	for _, l := range strings.Split(out, "\n") {
		if i := strings.Index(l, " 元  "); i >= 0 && strings.Contains(l, "低保标准") {
			start := strings.LastIndex(l[:i], "  ") + 2
			if c := displayWidth(l[:start]); col < 0 {
				col = c
			} else if c != col {
				t.Errorf("parameter values out of line:\n%s", out)
			}
		}
	}
	if col < 0 {
		t.Errorf("no parameter lines:\n%s", out)
	}
	if _, _, err := runCLIWithStdin(t, c, "policy", "eval", "--programme", "dibao", "--period", "2025-07", "--explain", "fr"); err == nil {
		t.Error("--explain fr accepted")
	}
}
