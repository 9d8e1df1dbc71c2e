package main

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/aim-oscar/aim/internal/client"
)

// printer writes what a running account reports to standard output, one
// line each: client.Text for people, or client.JSON for programs. It is
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
		b, _ := client.JSON(o) // cannot fail: Outputs are plain structs
		p.write(strings.TrimSuffix(string(b), "\n"))
		return
	}
	if client.Shown(o) {
		p.write(client.Text(o))
	}
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

// writeJSON writes v as one line of JSON (client.JSON).
func writeJSON(w io.Writer, v any) error {
	b, err := client.JSON(v)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
