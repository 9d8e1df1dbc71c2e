package oscartest

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/screenname"
)

// The lab accounts of the captures.
var labAccounts = []Account{
	{"LabAlice", "alicepw1"},
	{"Lab Bob", "bobpass22"},
	{"LabCarol", "carolpw3"},
	{"LabDave", "davepw44"},
}

func labPassword(name string) (string, bool) {
	for _, a := range labAccounts {
		if screenname.Same(a.ScreenName, name) {
			return a.Password, true
		}
	}
	return "", false
}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 25, 1, 24, 22, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// startServer starts a server with the lab accounts, a frozen clock and
// configure applied before Start; it is closed when the test ends.
func startServer(t *testing.T, configure func(*Server, *fakeClock)) (*Server, *fakeClock) {
	t.Helper()
	srv := NewUnstartedServer(labAccounts...)
	clk := newFakeClock()
	srv.Now = clk.Now
	var logMu sync.Mutex
	done := false
	srv.Logf = func(format string, args ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		if !done {
			t.Logf(format, args...)
		}
	}
	if configure != nil {
		configure(srv, clk)
	}
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		logMu.Lock()
		done = true
		logMu.Unlock()
	})
	return srv, clk
}

// client is a raw OSCAR client connection for tests.
type client struct {
	t   *testing.T
	nc  net.Conn
	fr  *oscar.FrameReader
	fw  *oscar.FrameWriter
	seq uint16 // the server's next expected sequence number
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	return newClient(t, nc)
}

// dialOn dials addr of srv: over a pipe if srv was started with
// StartPipes, else over TCP.
func dialOn(t *testing.T, srv *Server, addr string) *client {
	t.Helper()
	if nc, err := srv.Dial(t.Context(), "tcp", addr); err == nil {
		return newClient(t, nc)
	}
	return dial(t, addr)
}

func newClient(t *testing.T, nc net.Conn) *client {
	t.Cleanup(func() { nc.Close() })
	return &client{t: t, nc: nc, fr: oscar.NewFrameReader(nc), fw: oscar.NewFrameWriter(nc, 0x1234), seq: serverSeqStart}
}

// hangGuard bounds each read so a broken server fails the test instead of
// hanging it. It is not a speed assertion.
const hangGuard = 10 * time.Second

// read returns the next frame (a copy) and checks the server's sequence
// numbering: consecutive from 100 on every connection.
func (c *client) read() oscar.Frame {
	c.t.Helper()
	c.nc.SetReadDeadline(time.Now().Add(hangGuard))
	f, err := c.fr.ReadFrame()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	f.Payload = append([]byte(nil), f.Payload...)
	if f.Seq != c.seq {
		c.t.Errorf("server frame %v: seq %d, want %d", f, f.Seq, c.seq)
	}
	c.seq = f.Seq + 1
	return f
}

// readSNAC reads the next frame and parses it as a SNAC.
func (c *client) readSNAC() oscar.SNAC {
	c.t.Helper()
	f := c.read()
	if f.Channel != oscar.ChannelSNAC {
		c.t.Fatalf("got %v (% x), want a SNAC", f, f.Payload)
	}
	s, err := oscar.ParseSNAC(f.Payload)
	if err != nil {
		c.t.Fatal(err)
	}
	return s
}

// expect reads SNACs until one of type want, failing on any other.
func (c *client) expect(want oscar.SNACType) oscar.SNAC {
	c.t.Helper()
	s := c.readSNAC()
	if s.Type() != want {
		c.t.Fatalf("got %v (% x), want %v", s.Type(), s.Body, want)
	}
	if s.Flags != 0 {
		c.t.Errorf("%v: flags 0x%04x, want 0", s.Type(), s.Flags)
	}
	return s
}

// expectEOF checks that the server closes the connection next.
func (c *client) expectEOF() {
	c.t.Helper()
	c.nc.SetReadDeadline(time.Now().Add(hangGuard))
	f, err := c.fr.ReadFrame()
	if !errors.Is(err, io.EOF) {
		c.t.Fatalf("got %v, %v; want the server to close the connection", f, err)
	}
}

func (c *client) send(ch oscar.Channel, payload []byte) {
	c.t.Helper()
	if err := c.fw.WriteFrame(ch, payload); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func (c *client) sendMsg(reqID uint32, m oscar.Message) {
	c.t.Helper()
	if err := c.fw.WriteMessage(reqID, m); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// sendBatch writes several SNACs in one write, so that a server that hangs
// up halfway cannot fail the test's own writes.
func (c *client) sendBatch(ms ...oscar.Message) {
	c.t.Helper()
	var buf bytes.Buffer
	fw := oscar.NewFrameWriter(&buf, 0x2000)
	for i, m := range ms {
		fw.WriteMessage(uint32(0x1000+i), m)
	}
	if _, err := c.nc.Write(buf.Bytes()); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// flapLogin logs in at the authorizer with the FLAP login and returns the
// reply.
func flapLogin(t *testing.T, srv *Server, name, password string, extra ...byte) oscar.LoginReply {
	t.Helper()
	c := dialOn(t, srv, srv.AuthAddr())
	if f := c.read(); f.Channel != oscar.ChannelSignon {
		t.Fatalf("first frame %v, want the channel-1 acknowledge", f)
	}
	req := oscar.LoginRequest{ScreenName: name, RoastedPassword: oscar.AppendRoasted(nil, []byte(password))}
	c.send(oscar.ChannelSignon, append(req.AppendTo(nil), extra...))
	f := c.read()
	if f.Channel != oscar.ChannelSignoff {
		t.Fatalf("got %v, want the channel-4 login reply", f)
	}
	var r oscar.LoginReply
	if err := r.Decode(f.Payload); err != nil {
		t.Fatal(err)
	}
	c.expectEOF()
	return r
}

// md5Login logs in with BUCP and returns the 17,03 reply.
func md5Login(t *testing.T, srv *Server, name, password string, multi bool) oscar.LoginReply {
	t.Helper()
	c := dial(t, srv.AuthAddr())
	c.read()
	c.send(oscar.ChannelSignon, []byte{0, 0, 0, 1})
	c.sendMsg(1, &oscar.MD5KeyRequest{ScreenName: name})
	key := c.expect(oscar.TypeMD5KeyReply)
	var k oscar.MD5KeyReply
	if err := k.Decode(key.Body); err != nil {
		t.Fatal(err)
	}
	c.sendMsg(2, &oscar.MD5LoginRequest{
		ScreenName:       name,
		Hash:             oscar.MD5LoginHash(k.Key, []byte(password), true),
		PasswordIsHashed: true,
		MultiConn:        multi,
	})
	s := c.expect(oscar.TypeMD5LoginReply)
	var r oscar.LoginReply
	if err := r.Decode(s.Body); err != nil {
		t.Fatal(err)
	}
	if srv.Release == Release2026 { // then a zero-length channel 4 (fact 43)
		if f := c.read(); f.Channel != oscar.ChannelSignoff || len(f.Payload) != 0 {
			t.Fatalf("after 17,03: %v, want a zero-length channel-4 frame", f)
		}
	}
	c.expectEOF()
	return r
}

// signOn logs name in (FLAP login) and completes the BOS signon with the
// given buddies; it returns once the server has sent 0B,02.
func signOn(t *testing.T, srv *Server, name string, buddies ...string) *client {
	t.Helper()
	pw, _ := labPassword(name)
	r := flapLogin(t, srv, name, pw)
	return signOnWith(t, srv, r, buddies...)
}

func signOnWith(t *testing.T, srv *Server, r oscar.LoginReply, buddies ...string) *client {
	t.Helper()
	if r.ErrorCode != 0 {
		t.Fatalf("login refused: 0x%04x", r.ErrorCode)
	}
	c := dialOn(t, srv, r.BOSAddress)
	c.read() // acknowledge
	c.send(oscar.ChannelSignon, (&oscar.BOSSignon{Cookie: r.Cookie}).AppendTo(nil))
	c.expect(oscar.TypeHostReady)
	c.sendMsg(1, oscar.Empty(oscar.TypeRateRequest))
	c.expect(oscar.TypeRateParams)
	c.sendMsg(2, &oscar.RateAck{Classes: []uint16{1, 2, 3, 4, 5}})
	if len(buddies) > 0 {
		c.sendMsg(3, &oscar.AddBuddies{Names: buddies})
	}
	c.sendMsg(4, &oscar.ClientReady{})
	return c
}

// ready waits for the 0B,02 that ends the signon, returning the SNACs
// before it.
func (c *client) ready() []oscar.SNAC {
	c.t.Helper()
	var before []oscar.SNAC
	for {
		s := c.readSNAC()
		if s.Type() == oscar.TypeStatsInterval {
			return before
		}
		before = append(before, s)
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	t.Cleanup(cancel)
	return ctx
}

// userInfoOf decodes the user info block at the start of b.
func userInfoOf(t *testing.T, b []byte) oscar.UserInfo {
	t.Helper()
	var a oscar.BuddyArrived
	if err := a.Decode(b); err != nil {
		t.Fatal(err)
	}
	return a.Info
}

func u16(b []byte) uint16 { return binary.BigEndian.Uint16(b) }

// waitGoroutines waits (bounded) until at most n goroutines run.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(hangGuard)
	defer deadline.Stop()
	for runtime.NumGoroutine() > n {
		select {
		case <-tick.C:
		case <-deadline.C:
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines still running, want at most %d:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
		}
	}
}
