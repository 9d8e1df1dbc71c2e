// Package netsim puts a slow network between a client and a server that
// both run on loopback, for tests and benchmarks: a Dialer whose
// connections deliver every write to the peer after a one-way delay, and
// which counts the round trips on the longest causal chain of what the
// client did.
//
// A connection is a net.Pipe on the client's side and a TCP connection to
// the server on the other, with a proxy between them. Each direction has
// a reader that stamps each chunk with the time it was written and a
// writer that delivers it when the delay has passed: order is kept, and
// the delay is per chunk, not added up. At most queueLen chunks wait in
// each direction; beyond that the writer of that direction blocks, as it
// would on a full socket buffer. Deadlines on the returned net.Conn are
// those of net.Pipe.
//
// The package does not import testing: benchmarks and tools use it too.
package netsim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// Sizes that bound what a connection buffers: at most queueLen chunks of
// at most chunkSize bytes in each direction.
const (
	queueLen  = 64
	chunkSize = 32 << 10
)

// Dialer dials loopback addresses through a proxy that delays both
// directions by Latency. Use it by pointer; the zero value works (no
// delay, round trips still counted). Close closes every connection it
// made and waits for the proxy's goroutines.
//
// Dialing itself takes a round trip (2×Latency), as TCP's handshake does:
// the server sees the connection after Latency, and DialContext returns
// after 2×Latency.
type Dialer struct {
	// Latency is the one-way delay, the same in both directions.
	Latency time.Duration

	mu     sync.Mutex
	conns  map[*proxy]struct{}
	closed bool
	trips  int
	wg     sync.WaitGroup
}

// ErrNotLoopback is returned for an address that is not on loopback:
// netsim never touches the real network.
var ErrNotLoopback = errors.New("netsim: not a loopback address")

// DialContext connects to addr, which must be on loopback (localhost,
// 127.0.0.0/8 or ::1), through the delaying proxy. It has the signature
// of net.Dialer.DialContext, so it fits login.Options.Dial and
// bos.Options.Dial.
func (d *Dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	opErr := func(err error) error { return &net.OpError{Op: "dial", Net: network, Err: err} }
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, opErr(fmt.Errorf("netsim: network %q not supported", network))
	}
	if err := checkLoopback(addr); err != nil {
		return nil, opErr(err)
	}
	k0 := d.RoundTrips()
	// The SYN.
	if err := sleep(ctx, d.Latency); err != nil {
		return nil, opErr(err)
	}
	var nd net.Dialer
	up, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		up.Close()
		return nil, opErr(net.ErrClosed)
	}
	if d.conns == nil {
		d.conns = map[*proxy]struct{}{}
	}
	p := newProxy(d, up, k0)
	d.conns[p] = struct{}{}
	d.wg.Add(4)
	d.mu.Unlock()
	go p.readClient()
	go p.writeServer()
	go p.readServer()
	go p.writeClient()
	// The SYN-ACK. Whatever the server sent at once is on its way.
	if err := sleep(ctx, d.Latency); err != nil {
		p.kill()
		return nil, opErr(err)
	}
	d.see(k0 + 1)
	return p.client, nil
}

// RoundTrips returns the length, in round trips, of the longest causal
// chain among the connections this Dialer made: each connect counts one,
// and so does each time the client read something the server sent in
// answer to data whose own chain was already that long. A client that
// sends a request, reads the reply and only then sends the next request
// has a chain of two after the connect; one that sends both requests at
// once, a chain of one.
//
// The server's side is inferred: a chunk the server sends is taken to
// answer everything the client had delivered to it before. So the count
// is exact for a server that answers requests and sends nothing of its
// own accord; unsolicited frames may at worst raise it, never lower it.
// The count does not depend on Latency or on how fast the machine is.
func (d *Dialer) RoundTrips() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.trips
}

// see records that the client now knows something k round trips deep.
func (d *Dialer) see(k int) {
	d.mu.Lock()
	d.trips = max(d.trips, k)
	d.mu.Unlock()
}

// Close cuts every connection the Dialer made, dropping data in flight,
// waits for the proxy's goroutines and makes later dials fail. A
// connection the client closed earlier was already delivered in full.
func (d *Dialer) Close() error {
	d.mu.Lock()
	d.closed = true
	conns := make([]*proxy, 0, len(d.conns))
	for p := range d.conns {
		conns = append(conns, p)
	}
	d.mu.Unlock()
	for _, p := range conns {
		p.kill()
	}
	d.wg.Wait()
	return nil
}

func (d *Dialer) done(p *proxy) {
	d.mu.Lock()
	delete(d.conns, p)
	d.mu.Unlock()
}

func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrNotLoopback, addr)
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
