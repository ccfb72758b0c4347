package exchange

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// The encodings of a CSV file.
const (
	encUndecided = iota // only ASCII so far, which reads the same in both
	encUTF8
	encGB18030
)

// ctxEvery is how many records are read between checks of the context.
const ctxEvery = 1024

// readCSV reads a CSV file record by record.
func (rd *reader) readCSV(ctx context.Context, r io.Reader) error {
	lr := newLineReader(r, rd.o.MaxLineBytes)
	if rule, reason := lr.sniff(); rule != "" {
		rd.fileProblem(rule, reason)
		return nil
	}
	var (
		p       csvParser
		start   int  // first line of the record being parsed
		badEnc  bool // a line of the record is not valid in the encoding
		records int
	)
	flush := func(bad *Problem) error {
		fields := p.fields()
		if bad == nil && badEnc {
			bad = &Problem{Rule: RuleEncoding, Reason: lr.encodingReason()}
		}
		if bad == nil && p.quoteErr != 0 {
			bad = &Problem{Column: p.quoteErr, Rule: RuleQuote,
				Reason: fmt.Sprintf("a quoted field in column %d has characters after its closing quote (a quote inside a quoted field must be doubled)", p.quoteErr)}
		}
		p.reset()
		badEnc = false
		records++
		if records%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		return rd.record(start, fields, bad)
	}
	for !rd.stop {
		line, tooLong, bad, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", rd.rep.File, err)
		}
		if !p.inRecord() {
			start = lr.line
		}
		if tooLong || p.size()+len(line) > rd.o.MaxLineBytes {
			reason := fmt.Sprintf("line longer than %d bytes", rd.o.MaxLineBytes)
			if start != lr.line {
				reason = fmt.Sprintf("quoted record of lines %d-%d longer than %d bytes (is a quote not closed?)", start, lr.line, rd.o.MaxLineBytes)
			}
			if err := flush(&Problem{Rule: RuleLineTooLong, Reason: reason}); err != nil {
				return err
			}
			continue
		}
		badEnc = badEnc || bad
		if p.feed(line) {
			if err := flush(nil); err != nil {
				return err
			}
		}
	}
	if p.inRecord() && !rd.stop {
		col := p.quoteCol
		if err := flush(&Problem{Column: col, Rule: RuleQuote,
			Reason: fmt.Sprintf("the quoted field in column %d opened on this line is never closed", col)}); err != nil {
			return err
		}
	}
	rd.rep.Encoding = lr.encodingName()
	return nil
}

// lineReader reads the physical lines of a CSV file, decoded to UTF-8.
type lineReader struct {
	br   *bufio.Reader
	enc  int
	bom  bool
	line int // number of the line last returned
	dec  transform.Transformer
	out  []byte
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, max)}
}

// sniff looks at the first bytes: a byte-order mark sets the encoding, and
// a file that is not text at all is a problem.
func (lr *lineReader) sniff() (Rule, string) {
	head, _ := lr.br.Peek(4)
	switch {
	case bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")):
		lr.enc, lr.bom = encUTF8, true
		_, _ = lr.br.Discard(3)
	case bytes.HasPrefix(head, []byte("\x84\x31\x95\x33")):
		lr.setEnc(encGB18030)
		lr.bom = true
		_, _ = lr.br.Discard(4)
	case bytes.HasPrefix(head, []byte("\xFF\xFE")), bytes.HasPrefix(head, []byte("\xFE\xFF")):
		return RuleEncoding, "the file is UTF-16 (Excel's \"Unicode text\"): save it as \"CSV UTF-8\" or \"CSV\""
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return RuleFormat, "the file is an XLSX workbook, not CSV: name it .xlsx or save it as CSV"
	case bytes.HasPrefix(head, []byte("\xD0\xCF\x11\xE0")):
		return RuleFormat, "the file is an old Excel .xls workbook, not CSV: save it as .xlsx or as CSV"
	}
	return "", ""
}

func (lr *lineReader) setEnc(enc int) {
	lr.enc = enc
	if enc == encGB18030 {
		lr.dec = simplifiedchinese.GB18030.NewDecoder()
	}
}

// encodingName names the encoding for the report.
func (lr *lineReader) encodingName() string {
	switch {
	case lr.enc == encGB18030:
		return "gb18030"
	case lr.bom:
		return "utf-8-bom"
	}
	return "utf-8"
}

// encodingReason explains a line that is not valid in the file's encoding.
func (lr *lineReader) encodingReason() string {
	if lr.enc == encGB18030 {
		return "the line is not valid GBK/GB18030 text, the encoding of the file's first lines (does the file mix encodings?)"
	}
	return "the line is not valid UTF-8 text, the encoding of the file's first lines (does the file mix encodings?)"
}

// next returns the next physical line, decoded to UTF-8, without its line
// ending. The line is valid until the next call. tooLong is set, and line
// empty, for a line longer than the buffer; bad for a line that is not
// valid in the file's encoding (its invalid bytes are then replaced). At
// the end of the input it returns io.EOF.
func (lr *lineReader) next() (line []byte, tooLong, bad bool, err error) {
	raw, err := lr.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = lr.br.ReadSlice('\n')
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, false, false, err
		}
		lr.line++
		return nil, true, false, nil
	}
	if err != nil && (!errors.Is(err, io.EOF) || len(raw) == 0) {
		return nil, false, false, err
	}
	lr.line++
	raw = bytes.TrimSuffix(raw, []byte("\n"))
	raw = bytes.TrimSuffix(raw, []byte("\r"))
	ascii := true
	for _, c := range raw {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return raw, false, false, nil
	}
	if lr.enc == encUndecided {
		if utf8.Valid(raw) {
			lr.setEnc(encUTF8)
		} else {
			lr.setEnc(encGB18030)
		}
	}
	if lr.enc == encUTF8 {
		if utf8.Valid(raw) {
			return raw, false, false, nil
		}
		lr.out = append(lr.out[:0], bytes.ToValidUTF8(raw, []byte("\uFFFD"))...)
		return lr.out, false, true, nil
	}
	return lr.decode(raw)
}

// decode decodes a GB18030 line into lr.out.
func (lr *lineReader) decode(raw []byte) ([]byte, bool, bool, error) {
	lr.dec.Reset()
	if cap(lr.out) < 2*len(raw) {
		lr.out = make([]byte, 2*len(raw)+16)
	}
	out := lr.out[:cap(lr.out)]
	for {
		n, _, err := lr.dec.Transform(out, raw, true)
		if errors.Is(err, transform.ErrShortDst) {
			out = make([]byte, 2*len(out))
			lr.out = out
			lr.dec.Reset()
			continue
		}
		if err != nil {
			return nil, false, false, fmt.Errorf("decode GB18030: %w", err)
		}
		line := out[:n]
		return line, false, bytes.Contains(line, []byte("\uFFFD")), nil
	}
}

// csvParser splits records of comma-separated fields (RFC 4180), fed one
// physical line at a time. A quoted field may span lines; a quote in an
// unquoted field is taken literally.
type csvParser struct {
	buf      []byte // the fields' text, concatenated
	ends     []int  // end offset of each completed field in buf
	out      []string
	inQuote  bool // inside a quoted field that continues on the next line
	started  bool // a record is under way
	quoteCol int  // column of the open quoted field
	quoteErr int  // column of a quoted field with text after its closing quote
}

// inRecord reports whether a record is under way (a quoted field spans
// lines).
func (p *csvParser) inRecord() bool { return p.started }

// size returns the bytes of the record so far.
func (p *csvParser) size() int { return len(p.buf) }

// reset clears the parser for the next record.
func (p *csvParser) reset() {
	p.buf, p.ends = p.buf[:0], p.ends[:0]
	p.inQuote, p.started, p.quoteCol, p.quoteErr = false, false, 0, 0
}

// feed parses one line and reports whether it completed the record.
func (p *csvParser) feed(line []byte) bool {
	p.started = true
	i := 0
	if p.inQuote {
		p.buf = append(p.buf, '\n') // the line break is part of the field
	}
	for {
		if !p.inQuote {
			// At the start of an unquoted field, or of a quoted one.
			if i < len(line) && line[i] == '"' {
				i++
				p.inQuote = true
				p.quoteCol = len(p.ends) + 1
				continue
			}
			j := bytes.IndexByte(line[i:], ',')
			if j < 0 {
				p.endField(line[i:])
				return true
			}
			p.endField(line[i : i+j])
			i += j + 1
			continue
		}
		// Inside a quoted field.
		j := bytes.IndexByte(line[i:], '"')
		if j < 0 {
			p.buf = append(p.buf, line[i:]...)
			return false // the field goes on on the next line
		}
		p.buf = append(p.buf, line[i:i+j]...)
		i += j + 1
		if i < len(line) && line[i] == '"' {
			p.buf = append(p.buf, '"') // a doubled quote
			i++
			continue
		}
		p.inQuote = false
		if i == len(line) {
			p.endField(nil)
			return true
		}
		if line[i] == ',' {
			p.endField(nil)
			i++
			continue
		}
		// Text after the closing quote: keep it, but flag the record.
		if p.quoteErr == 0 {
			p.quoteErr = len(p.ends) + 1
		}
		j = bytes.IndexByte(line[i:], ',')
		if j < 0 {
			p.endField(line[i:])
			return true
		}
		p.endField(line[i : i+j])
		i += j + 1
	}
}

// endField appends text to the current field and ends it.
func (p *csvParser) endField(text []byte) {
	p.buf = append(p.buf, text...)
	p.ends = append(p.ends, len(p.buf))
}

// fields returns the record's fields, sharing one string. A record cut
// short inside a quoted field ends with that field.
func (p *csvParser) fields() []string {
	if p.inQuote {
		p.ends = append(p.ends, len(p.buf))
	}
	s := string(p.buf)
	p.out = p.out[:0]
	prev := 0
	for _, e := range p.ends {
		p.out = append(p.out, s[prev:e])
		prev = e
	}
	return p.out
}
