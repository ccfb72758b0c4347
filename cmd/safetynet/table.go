package main

import (
	"bytes"
	"io"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// table is the one writer of the command's text tables. Like
// text/tabwriter it takes lines of tab-terminated cells (the text after a
// line's last tab is not aligned) and aligns each column over the block of
// consecutive lines that have it, two spaces apart; unlike tabwriter it
// measures a cell by its display width on a terminal, so that a Chinese
// character (two columns wide) does not push its row out of line.
type table struct {
	w          io.Writer
	alignRight bool
	buf        bytes.Buffer
}

// tablePadding is the space between columns.
const tablePadding = 2

// newTable writes to w; alignRight right-aligns every aligned cell (for
// columns of figures).
func newTable(w io.Writer, alignRight bool) *table { return &table{w: w, alignRight: alignRight} }

// Write buffers p until Flush.
func (t *table) Write(p []byte) (int, error) { return t.buf.Write(p) }

// Flush writes the buffered lines, aligned.
func (t *table) Flush() error {
	text := t.buf.String()
	t.buf.Reset()
	if text == "" {
		return nil
	}
	trailing := strings.HasSuffix(text, "\n")
	rows := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	lines := make([][]string, len(rows))
	for i, r := range rows {
		lines[i] = strings.Split(r, "\t")
	}
	var out bytes.Buffer
	t.format(&out, lines, 0, len(lines), nil)
	if !trailing {
		out.Truncate(out.Len() - 1)
	}
	_, err := t.w.Write(out.Bytes())
	return err
}

// format writes lines[line0:line1] with the widths of the columns left
// of this one, finding the blocks of this column as text/tabwriter does.
func (t *table) format(out *bytes.Buffer, lines [][]string, line0, line1 int, widths []int) {
	column := len(widths)
	for this := line0; this < line1; this++ {
		if column >= len(lines[this])-1 {
			continue
		}
		t.writeLines(out, lines[line0:this], widths)
		line0 = this
		w := 0
		for ; this < line1 && column < len(lines[this])-1; this++ {
			w = max(w, displayWidth(lines[this][column])+tablePadding)
		}
		t.format(out, lines, line0, this, append(widths, w))
		line0 = this
		this-- // the loop's increment looks at the line that ended the block
	}
	t.writeLines(out, lines[line0:line1], widths)
}

func (t *table) writeLines(out *bytes.Buffer, lines [][]string, widths []int) {
	for _, cells := range lines {
		for j, c := range cells {
			if j >= len(widths) {
				out.WriteString(c)
				continue
			}
			pad := strings.Repeat(" ", max(widths[j]-displayWidth(c), 0))
			if t.alignRight {
				out.WriteString(pad + c)
			} else {
				out.WriteString(c + pad)
			}
		}
		out.WriteByte('\n')
	}
}

// displayWidth is the number of terminal columns s takes: two for a wide
// or full-width East Asian character, none for a combining mark, one for
// the rest.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || r == '\u200b':
		case width.LookupRune(r).Kind() == width.EastAsianWide || width.LookupRune(r).Kind() == width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
