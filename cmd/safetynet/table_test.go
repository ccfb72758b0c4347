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
