package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/aim-oscar/aim/internal/client"
)

// printer writes what a running account reports to standard output, one
// line each: client.Text for people, or one JSON object for programs. It is
// safe for concurrent use, and its lines never mix.
type printer struct {
	mu   sync.Mutex
	w    io.Writer
	json bool
	// above, if set, writes a line on a terminal that shows a prompt, so
	// the line being typed is redrawn below it.
	above func(line string)
}

// print writes one output.
func (p *printer) print(o client.Output) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.json {
		var b strings.Builder
		writeJSON(&b, o)
		p.write(strings.TrimSuffix(b.String(), "\n"))
		return
	}
	p.write(terminalSafe(client.Text(o)))
}

func (p *printer) write(line string) {
	if p.above != nil {
		p.above(line)
		return
	}
	fmt.Fprintln(p.w, line)
}

// setAbove switches printing above a prompt on (f) or off (nil).
func (p *printer) setAbove(f func(string)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.above = f
}

// detach stops printing above a prompt and runs f (which restores the
// terminal) with no line printed in between.
func (p *printer) detach(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.above = nil
	f()
}

// terminalSafe replaces the control characters in a line for people (C0
// but newline and tab, DEL, C1) with caret notation or U+FFFD: messages,
// names and profiles come from other people, and an escape sequence in one
// would otherwise reach the terminal and act (retitle it, clear it, or
// worse). JSON output escapes them too (writeJSON).
func terminalSafe(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !isControl(r):
			b.WriteRune(r)
		case r < 0x20:
			b.WriteByte('^')
			b.WriteByte(byte(r) + '@')
		default:
			b.WriteRune('\uFFFD')
		}
	}
	return b.String()
}

func isControl(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\t') || (0x7f <= r && r <= 0x9f)
}

// writeJSON writes v as one line of JSON, without HTML escaping (profiles
// are HTML).
func writeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := io.WriteString(w, escapeC1(b.String()))
	return err
}

// escapeC1 writes DEL and the C1 controls (U+0080 to U+009F) as \u
// escapes: encoding/json leaves them raw, and a terminal showing the JSON
// would act on them. They can only stand inside JSON strings, where the
// escape means the same character.
func escapeC1(s string) string {
	if !strings.ContainsFunc(s, isC1) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isC1(r) {
			fmt.Fprintf(&b, "\\u%04x", r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isC1(r rune) bool { return 0x7f <= r && r <= 0x9f }
