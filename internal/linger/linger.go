// Package linger ends a connection on purpose without losing the last
// bytes either side wrote. Closing a TCP socket that still holds unread
// bytes makes the kernel reset the connection instead of closing it, and a
// reset can destroy what the peer had not read yet (a logout frame, say).
// So a client that is done half-closes, reads and discards until the peer
// closes its side or a short bound passes, and only then closes. The
// package starts no goroutine and never prints.
package linger

import (
	"context"
	"io"
	"net"
	"time"
)

// Bound is how long the peer gets to close its side.
const Bound = 2 * time.Second

// PeerFirst is how long a client whose last frame tells the peer to close
// (a logout) waits for it to do so before half-closing. A peer that reads
// its frames on one goroutine and learns of EOF on another may see both
// ready and take the EOF first, never reading the frame (Open OSCAR
// Server selects between the two at random): closing only after the peer
// has, or once it is clearly not going to, leaves it nothing to choose.
const PeerFirst = 250 * time.Millisecond

// HalfClose stops writing to c (CloseWrite, for connections that have it:
// TCP and TLS) and sets c's read deadline to the earlier of Bound from now
// and ctx's deadline. For a connection another goroutine reads: that
// reader goes on reading, discards what comes, and closes c once a read
// fails (the peer closed, or the deadline passed).
func HalfClose(ctx context.Context, c net.Conn) {
	if hc, ok := c.(interface{ CloseWrite() error }); ok {
		hc.CloseWrite() // an error means the connection is gone: the reads fail at once
	}
	deadline := time.Now().Add(Bound)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	c.SetReadDeadline(deadline)
}

// Close ends a connection nothing else reads: HalfClose, then read and
// discard until the peer closes, the bound passes or ctx ends, then close.
// It returns the error of the close.
func Close(ctx context.Context, c net.Conn) error {
	HalfClose(ctx, c)
	stop := context.AfterFunc(ctx, func() { c.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	io.Copy(io.Discard, c) // until EOF, the deadline or an error: all end the wait
	return c.Close()
}
