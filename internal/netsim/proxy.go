package netsim

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// proxy is one connection: the client's end of a pipe (client), the
// proxy's end (pipe), the TCP connection to the server (up), and four
// goroutines counted in Dialer.wg:
//
//	readClient:  pipe → toServer  (stamped when the client wrote)
//	writeServer: toServer → up    (each chunk at its stamp + Latency)
//	readServer:  up → toClient
//	writeClient: toClient → pipe
//
// When the client closes its end, the rest of what it wrote still reaches
// the server, then the server sees EOF, Latency after the close; when the
// server closes, the client reads everything and then EOF. kill (from
// Dialer.Close) cuts both sides at once.
type proxy struct {
	d        *Dialer
	lat      time.Duration
	client   *conn
	pipe     net.Conn
	up       net.Conn
	toServer chan chunk
	toClient chan chunk
	dead     chan struct{} // closed by kill
	killOnce sync.Once
	left     atomic.Int32 // goroutines still running; the last one unregisters

	base int // round trips the client had completed when it dialed

	mu        sync.Mutex
	delivered int // highest chain length among client bytes handed to the server
}

// chunk is what one read returned, with the time it is due on the other
// side and the chain length it carries. eof marks the end of the stream.
type chunk struct {
	b   []byte
	at  time.Time
	tag int
	eof bool
}

func newProxy(d *Dialer, up net.Conn, base int) *proxy {
	c, p := net.Pipe()
	px := &proxy{
		d:        d,
		lat:      d.Latency,
		pipe:     p,
		up:       up,
		toServer: make(chan chunk, queueLen),
		toClient: make(chan chunk, queueLen),
		dead:     make(chan struct{}),
		base:     base,
	}
	px.client = &conn{Conn: c, p: px}
	px.left.Store(4)
	return px
}

// kill cuts the connection: both sides closed, data in flight dropped.
func (p *proxy) kill() {
	p.killOnce.Do(func() {
		close(p.dead)
		p.pipe.Close()
		p.up.Close()
	})
}

func (p *proxy) exit() {
	if p.left.Add(-1) == 0 {
		p.d.done(p)
	}
	p.d.wg.Done()
}

// readClient reads what the client writes and queues it for the server.
func (p *proxy) readClient() {
	defer p.exit()
	defer close(p.toServer)
	buf := make([]byte, chunkSize)
	for {
		n, err := p.pipe.Read(buf)
		now := time.Now()
		if n > 0 {
			c := chunk{b: append([]byte(nil), buf[:n]...), at: now.Add(p.lat), tag: p.client.sent.consume(n)}
			if !p.put(p.toServer, c) {
				return
			}
		}
		if err != nil {
			p.put(p.toServer, chunk{at: now.Add(p.lat), eof: true})
			return
		}
	}
}

// writeServer delivers the client's chunks to the server, each when due.
// After the client's EOF it closes the server connection.
func (p *proxy) writeServer() {
	defer p.exit()
	defer p.up.Close()
	t := time.NewTimer(0)
	defer t.Stop()
	broken := false
	for c := range p.toServer {
		if broken {
			continue // drain, so readClient never blocks
		}
		if !p.wait(t, c.at) || c.eof {
			return
		}
		// Before the write: the server may answer before Write returns.
		p.mu.Lock()
		p.delivered = max(p.delivered, c.tag)
		p.mu.Unlock()
		if _, err := p.up.Write(c.b); err != nil {
			p.pipe.Close() // the server is gone: so is the connection
			broken = true
		}
	}
}

// readServer reads what the server sends and queues it for the client,
// counting it as an answer to everything delivered to the server so far.
func (p *proxy) readServer() {
	defer p.exit()
	defer close(p.toClient)
	buf := make([]byte, chunkSize)
	for {
		n, err := p.up.Read(buf)
		now := time.Now()
		if n > 0 {
			p.mu.Lock()
			tag := max(p.base, p.delivered)
			p.mu.Unlock()
			if !p.put(p.toClient, chunk{b: append([]byte(nil), buf[:n]...), at: now.Add(p.lat), tag: tag}) {
				return
			}
		}
		if err != nil {
			p.put(p.toClient, chunk{at: now.Add(p.lat), eof: true})
			return
		}
	}
}

// writeClient delivers the server's chunks to the client, each when due,
// then closes the pipe, which the client reads as EOF. Once the client has
// closed its end, the rest is dropped.
func (p *proxy) writeClient() {
	defer p.exit()
	defer p.pipe.Close()
	t := time.NewTimer(0)
	defer t.Stop()
	broken := false
	for c := range p.toClient {
		if broken {
			continue // drain, so readServer never blocks
		}
		if !p.wait(t, c.at) || c.eof {
			return
		}
		p.client.recv.push(len(c.b), c.tag)
		if _, err := p.pipe.Write(c.b); err != nil {
			broken = true // the client closed its end
		}
	}
}

// put queues c unless the connection is killed first.
func (p *proxy) put(q chan<- chunk, c chunk) bool {
	select {
	case q <- c:
		return true
	case <-p.dead:
		return false
	}
}

// wait waits until at, unless the connection is killed first.
func (p *proxy) wait(t *time.Timer, at time.Time) bool {
	select {
	case <-p.dead:
		return false
	default:
	}
	d := time.Until(at)
	if d <= 0 {
		return true
	}
	t.Reset(d)
	select {
	case <-t.C:
		return true
	case <-p.dead:
		return false
	}
}

// conn is the client's end. Reads and writes go straight to the pipe;
// around them it keeps, per direction, the chain length of each byte in
// flight, to count round trips.
type conn struct {
	net.Conn
	p    *proxy
	wmu  sync.Mutex
	sent tags // written by the client, not yet read by the proxy
	recv tags // handed to the pipe by the proxy, not yet read by the client
}

func (c *conn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.p.d.see(c.recv.consume(n) + 1)
	}
	return n, err
}

func (c *conn) Write(b []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.sent.push(len(b), c.p.d.RoundTrips())
	n, err := c.Conn.Write(b)
	c.sent.unpush(len(b) - n)
	return n, err
}

// Close closes the client's end and returns at once, like closing a TCP
// socket: what was written still reaches the server, Latency later. The
// proxy's goroutines belong to the Dialer.
func (c *conn) Close() error { return c.Conn.Close() }

// LocalAddr and RemoteAddr are those of the proxy's connection to the
// server, so a client sees TCP addresses.
func (c *conn) LocalAddr() net.Addr  { return c.p.up.LocalAddr() }
func (c *conn) RemoteAddr() net.Addr { return c.p.up.RemoteAddr() }

// tags is a FIFO of byte runs, each with the chain length it carries.
type tags struct {
	mu   sync.Mutex
	runs []run
}

type run struct{ n, tag int }

func (t *tags) push(n, tag int) {
	if n <= 0 {
		return
	}
	t.mu.Lock()
	t.runs = append(t.runs, run{n, tag})
	t.mu.Unlock()
}

// unpush takes back the last n bytes pushed (a short write).
func (t *tags) unpush(n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for n > 0 && len(t.runs) > 0 {
		last := &t.runs[len(t.runs)-1]
		k := min(n, last.n)
		last.n -= k
		n -= k
		if last.n == 0 {
			t.runs = t.runs[:len(t.runs)-1]
		}
	}
}

// consume removes n bytes from the front and returns the highest chain
// length among them (0 if none were recorded).
func (t *tags) consume(n int) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	tag := 0
	for n > 0 && len(t.runs) > 0 {
		r := &t.runs[0]
		tag = max(tag, r.tag)
		k := min(n, r.n)
		r.n -= k
		n -= k
		if r.n == 0 {
			t.runs = t.runs[1:]
		}
	}
	return tag
}
