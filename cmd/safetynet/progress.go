package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows a long job's advance on w: a bar redrawn in place when w
// is a terminal; otherwise, as in a log file, plain lines: one when a
// phase starts and one at each further tenth of it.
type progress struct {
	w     io.Writer
	unit  string // what the bar counts per second ("persons"), or ""
	bar   *progressbar.ProgressBar
	plain bool
	phase string
	tenth int // the last tenth of the phase printed, in plain lines
}

// newProgress returns the progress display of w; unit, when not empty,
// makes the bar show the rate in that unit.
func newProgress(w io.Writer, unit string) *progress {
	return &progress{w: w, unit: unit, plain: !isTerminal(w)}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// set shows that done of total are done in phase.
func (p *progress) set(phase string, done, total int) {
	if p.plain {
		p.line(phase, done, total)
		return
	}
	if p.bar == nil {
		opts := []progressbar.Option{progressbar.OptionSetWriter(p.w), progressbar.OptionSetDescription(phase),
			progressbar.OptionShowCount(), progressbar.OptionThrottle(200 * time.Millisecond),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(p.w) })}
		if p.unit != "" {
			opts = append(opts, progressbar.OptionShowIts(), progressbar.OptionSetItsString(p.unit))
		}
		p.bar = progressbar.NewOptions(total, opts...)
	}
	p.bar.Describe(phase)
	p.bar.Set(done)
}

// line prints a plain progress line when a phase starts or passes a tenth.
func (p *progress) line(phase string, done, total int) {
	tenth := 10
	if total > 0 {
		tenth = min(10, done*10/total)
	}
	if phase == p.phase && tenth <= p.tenth {
		return
	}
	if phase != p.phase {
		p.phase, p.tenth = phase, -1
		if tenth == 0 {
			p.tenth = 0
			fmt.Fprintf(p.w, "%s: %d of %d\n", phase, done, total)
			return
		}
	}
	p.tenth = tenth
	fmt.Fprintf(p.w, "%s: %d of %d (%d%%)\n", phase, done, total, tenth*10)
}
