package client

import (
	"context"
	"sync/atomic"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/screenname"
)

// ownLine is an IM typed at a prompt, from the moment it is queued until
// its result (the "->" line) is shown. The server answers it (04,0C)
// before it sends anything that follows, and a bot, or a quick person,
// replies at once: the reply reaches the event loop while the send's
// result is still on its way out on its own goroutine, and a person would
// read the answer above the line it answers. So an IM from the recipient
// waits for the results of the lines to them that the server has
// answered already (awaitOwnLines); those are about to be shown.
type ownLine struct {
	to    string                      // the recipient, normalized
	p     atomic.Pointer[bos.Pending] // once queued
	shown chan struct{}
}

// answered reports whether the server's answer to the line has been read.
func (o *ownLine) answered() bool {
	p := o.p.Load()
	return p != nil && p.Answered()
}

// newOwnLine registers a line to to, before its frame is queued: an
// answer read before the line was known would let the reply through
// first.
func (c *Client) newOwnLine(to string) *ownLine {
	o := &ownLine{to: screenname.Normalize(to), shown: make(chan struct{})}
	c.ownMu.Lock()
	if c.ownLines == nil {
		c.ownLines = map[*ownLine]struct{}{}
	}
	c.ownLines[o] = struct{}{}
	c.ownMu.Unlock()
	return o
}

// ownLineDone unregisters o: its result is out, or it never went.
func (c *Client) ownLineDone(o *ownLine) {
	c.ownMu.Lock()
	delete(c.ownLines, o)
	c.ownMu.Unlock()
	close(o.shown)
}

// inOrderShown is inOrder for a line typed at a prompt (not in input
// order) that has an ownLine: it is unregistered once its result is
// emitted.
func (c *Client) inOrderShown(id int, line, name string, later func() (*Result, error), own *ownLine) {
	go func() {
		defer c.release() // begin holds it in pending
		r, err := later()
		c.result(id, line, name, r, err)
		c.ownLineDone(own)
	}()
}

// awaitOwnLines waits until the lines sent to from that the server has
// answered are shown, or ctx ends. It runs on the event loop before an IM
// from from is emitted; each result it waits for is ready (its answer was
// read), so the wait is only for that goroutine to print it.
func (c *Client) awaitOwnLines(ctx context.Context, from string) {
	key := screenname.Normalize(from)
	c.ownMu.Lock()
	var wait []chan struct{}
	for o := range c.ownLines {
		if o.to == key && o.answered() {
			wait = append(wait, o.shown)
		}
	}
	c.ownMu.Unlock()
	for _, ch := range wait {
		select {
		case <-ch:
		case <-ctx.Done():
			return
		}
	}
}
