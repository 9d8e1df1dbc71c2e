package netsim_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/netsim"
)

// server is a line server on loopback: it answers each line with the
// line upper-cased, or with handle's answer, and records what it read.
type server struct {
	ln     net.Listener
	wg     sync.WaitGroup
	mu     sync.Mutex
	got    []string // every line read, in order, across connections
	eof    chan struct{}
	handle func(c net.Conn, line string) // nil: echo upper-cased
}

func startServer(t *testing.T, handle func(c net.Conn, line string)) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{ln: ln, eof: make(chan struct{}, 16), handle: handle}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go s.serve(c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *server) serve(c net.Conn) {
	defer s.wg.Done()
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			s.eof <- struct{}{}
			return
		}
		line = strings.TrimSuffix(line, "\n")
		s.mu.Lock()
		s.got = append(s.got, line)
		s.mu.Unlock()
		if s.handle != nil {
			s.handle(c, line)
		} else if _, err := io.WriteString(c, strings.ToUpper(line)+"\n"); err != nil {
			return
		}
	}
}

func (s *server) lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.got...)
}

func dial(t *testing.T, d *netsim.Dialer, s *server) net.Conn {
	t.Helper()
	c, err := d.DialContext(t.Context(), "tcp", s.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func readLine(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("reading: %v", err)
	}
	return strings.TrimSuffix(line, "\n")
}

// TestOrderAndDelay: many writes arrive whole and in order; an answer
// takes at least a round trip. (A lower bound only: a slow machine can
// make it later, never earlier.)
func TestOrderAndDelay(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	const lat = 10 * time.Millisecond
	d := &netsim.Dialer{Latency: lat}
	defer d.Close()

	start := time.Now()
	c := dial(t, d, s)
	if took := time.Since(start); took < 2*lat {
		t.Errorf("dial took %v, want at least a round trip (%v)", took, 2*lat)
	}
	r := bufio.NewReader(c)
	const n = 500 // more than the proxy queues: the writer must block, not drop
	go func() {
		for i := range n {
			io.WriteString(c, strings.Repeat("x", i%100)+"\n")
		}
	}()
	start = time.Now()
	for i := range n {
		if got, want := readLine(t, r), strings.Repeat("X", i%100); got != want {
			t.Fatalf("line %d = %q, want %q", i, got, want)
		}
		if i == 0 {
			if took := time.Since(start); took < 2*lat {
				t.Errorf("first answer after %v, want at least a round trip (%v)", took, 2*lat)
			}
		}
	}
}

// TestRoundTrips counts the causal chain: the connect, two requests each
// waiting for its answer, then two pipelined requests.
func TestRoundTrips(t *testing.T) {
	t.Parallel()
	for _, lat := range []time.Duration{0, 2 * time.Millisecond} {
		s := startServer(t, nil)
		d := &netsim.Dialer{Latency: lat}
		c := dial(t, d, s)
		r := bufio.NewReader(c)
		if got := d.RoundTrips(); got != 1 {
			t.Errorf("latency %v: after connect: %d round trips, want 1", lat, got)
		}
		for i, want := range []int{2, 3} {
			io.WriteString(c, "req\n")
			readLine(t, r)
			if got := d.RoundTrips(); got != want {
				t.Errorf("latency %v: after request %d: %d round trips, want %d", lat, i+1, got, want)
			}
		}
		io.WriteString(c, "a\n")
		io.WriteString(c, "b\n")
		readLine(t, r)
		readLine(t, r)
		if got := d.RoundTrips(); got != 4 {
			t.Errorf("latency %v: after two pipelined requests: %d round trips, want 4", lat, got)
		}
		// A second connection, made after all that, starts from there.
		c2 := dial(t, d, s)
		io.WriteString(c2, "again\n")
		readLine(t, bufio.NewReader(c2))
		if got := d.RoundTrips(); got != 6 {
			t.Errorf("latency %v: after a second connection and request: %d round trips, want 6", lat, got)
		}
		d.Close()
	}
}

// TestCloseDelivers: what the client wrote before Close reaches the
// server, then EOF, although Close returned at once.
func TestCloseDelivers(t *testing.T) {
	t.Parallel()
	s := startServer(t, func(net.Conn, string) {})
	d := &netsim.Dialer{Latency: 5 * time.Millisecond}
	defer d.Close()
	c := dial(t, d, s)
	io.WriteString(c, "one\ntwo\n")
	c.Close()
	<-s.eof
	if got := s.lines(); len(got) != 2 || got[0] != "one" || got[1] != "two" {
		t.Errorf("server read %q, want one, two", got)
	}
}

// TestServerClose: the client reads what the server sent, then EOF.
func TestServerClose(t *testing.T) {
	t.Parallel()
	s := startServer(t, func(c net.Conn, line string) {
		io.WriteString(c, "bye\n")
		c.Close()
	})
	d := &netsim.Dialer{Latency: 2 * time.Millisecond}
	defer d.Close()
	c := dial(t, d, s)
	io.WriteString(c, "hi\n")
	b, err := io.ReadAll(c)
	if err != nil || string(b) != "bye\n" {
		t.Errorf("ReadAll = %q, %v; want \"bye\\n\", nil", b, err)
	}
}

// TestDeadline: deadlines work as on any net.Conn; a past one interrupts
// a read in progress.
func TestDeadline(t *testing.T) {
	t.Parallel()
	s := startServer(t, func(net.Conn, string) {})
	d := &netsim.Dialer{Latency: time.Millisecond}
	defer d.Close()
	c := dial(t, d, s)
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 1))
		done <- err
	}()
	c.SetReadDeadline(time.Unix(1, 0))
	if err := <-done; !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("Read = %v, want a deadline error", err)
	}
}

// TestDialerCloseStopsEverything: Close cuts open connections and leaves
// no goroutine behind; later dials fail.
func TestDialerCloseStopsEverything(t *testing.T) {
	s := startServer(t, nil)
	before := runtime.NumGoroutine()
	d := &netsim.Dialer{Latency: 5 * time.Millisecond}
	var conns []net.Conn
	for range 3 {
		conns = append(conns, dial(t, d, s))
	}
	io.WriteString(conns[0], "in flight\n")
	d.Close()
	for i, c := range conns {
		if _, err := c.Read(make([]byte, 64)); err == nil {
			t.Errorf("conn %d: Read after Dialer.Close succeeded", i)
		}
	}
	if _, err := d.DialContext(t.Context(), "tcp", s.ln.Addr().String()); !errors.Is(err, net.ErrClosed) {
		t.Errorf("dial after Close = %v, want net.ErrClosed", err)
	}
	// The server's goroutines end when they see EOF; the proxy's are gone
	// already. Wait (boundedly) for the count to settle.
	for range 200 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	buf := make([]byte, 1<<16)
	t.Errorf("%d goroutines, was %d:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
}

func TestDialCanceled(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	d := &netsim.Dialer{Latency: time.Hour}
	defer d.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := d.DialContext(ctx, "tcp", s.ln.Addr().String()); !errors.Is(err, context.Canceled) {
		t.Errorf("DialContext = %v, want context.Canceled", err)
	}
}

func TestLoopbackOnly(t *testing.T) {
	t.Parallel()
	var d netsim.Dialer
	for _, addr := range []string{"192.0.2.1:5190", "example.com:5190", "[2001:db8::1]:5190"} {
		if _, err := d.DialContext(t.Context(), "tcp", addr); !errors.Is(err, netsim.ErrNotLoopback) {
			t.Errorf("DialContext(%s) = %v, want ErrNotLoopback", addr, err)
		}
	}
}

// TestLargeWrite: a write larger than the proxy's chunks arrives intact.
func TestLargeWrite(t *testing.T) {
	t.Parallel()
	var got bytes.Buffer
	done := make(chan struct{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.Copy(&got, c)
	}()
	d := &netsim.Dialer{Latency: time.Millisecond}
	defer d.Close()
	c, err := d.DialContext(t.Context(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	want := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	if n, err := c.Write(want); n != len(want) || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	c.Close()
	<-done
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("server got %d bytes, want %d intact", got.Len(), len(want))
	}
}
