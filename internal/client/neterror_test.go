package client_test

import (
	"context"
	"errors"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/secret"
)

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// hangUp is a loopback server that accepts each connection and resets
// it at once (SO_LINGER 0).
func hangUp(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String()
}

// A signon that fails on the network says what happened in plain words,
// naming the server, with no dial, tcp or syscall in them; the system's
// words stay in Detail (--debug) and the failure is still a network one.
func TestSignOnNetworkFailureInPlainWords(t *testing.T) {
	t.Parallel()
	refused, reset := closedPort(t), hangUp(t)
	dialing := func(err error) func(context.Context, string, string) (net.Conn, error) {
		return func(context.Context, string, string) (net.Conn, error) { return nil, err }
	}
	for _, tt := range []struct {
		name, server string
		dial         func(context.Context, string, string) (net.Conn, error)
		want         []string // any of
	}{
		{"refused", refused, nil, []string{"the server at " + refused + " refused the connection"}},
		// A reset may reach the client's read as ECONNRESET or, when
		// the close races ahead of it, as the end of the stream.
		{"reset", reset, nil, []string{"the server at " + reset + " dropped the connection", "the server at " + reset + " closed the connection"}},
		{"no such name", "nosuch.invalid:5190", dialing(&net.OpError{Op: "dial", Net: "tcp",
			Err: &net.DNSError{Err: "no such host", Name: "nosuch.invalid", IsNotFound: true}}),
			[]string{"no server named nosuch.invalid was found"}},
		{"name server silent", "aim.example:5190", dialing(&net.OpError{Op: "dial", Net: "tcp",
			Err: &net.DNSError{Err: "i/o timeout", Name: "aim.example", IsTimeout: true}}),
			[]string{"could not look up aim.example: the name server did not answer in time"}},
		{"no route", "192.0.2.1:5190", dialing(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.EHOSTUNREACH)}),
			[]string{"the server at 192.0.2.1:5190 cannot be reached from this network (no route to it)"}},
		{"timeout", "192.0.2.1:5190", dialing(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ETIMEDOUT)}),
			[]string{"the server at 192.0.2.1:5190 did not answer in time"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
			defer cancel()
			c, err := client.Start(ctx, client.Options{Account: client.Account{Server: tt.server, ScreenName: "LabAlice",
				Password: secret.String("alicepw1"), Dial: tt.dial}})
			if err == nil {
				c.Stop()
				c.Wait()
				t.Fatal("signed on")
			}
			if !slices.Contains(tt.want, err.Error()) {
				t.Errorf("error %q, want one of %q", err, tt.want)
			}
			for _, w := range []string{"dial", "tcp", "connect:", "login:", "lookup"} {
				if strings.Contains(err.Error(), w) {
					t.Errorf("error %q has %q", err, w)
				}
			}
			var detailed interface{ Detail() string }
			if !errors.As(err, &detailed) || detailed.Detail() == err.Error() {
				t.Errorf("error %q keeps no detail for --debug", err)
			}
			if f := client.FailureOf(err); f != client.FailureNetwork {
				t.Errorf("failure %v, want network", f)
			}
		})
	}
}

// A reconnect that fails because the server is down says so as aim
// login's signon does: "reconnect failed: the server at ... refused the
// connection".
func TestReconnectFailedInPlainWords(t *testing.T) {
	t.Parallel()
	_, refusedErr := net.Dial("tcp", closedPort(t)) // the system's own refusal, from loopback
	if refusedErr == nil {
		t.Fatal("a closed loopback port took the connection")
	}
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, nil)
		var mu sync.Mutex
		failing := false
		out := &outputs{}
		c, err := client.Start(t.Context(), client.Options{
			Account: client.Account{Server: srv.AuthAddr(), ScreenName: "LabAlice", Password: secret.String("alicepw1"),
				Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
					mu.Lock()
					defer mu.Unlock()
					if failing {
						return nil, refusedErr
					}
					return srv.Dial(ctx, network, addr)
				}},
			Reconnect: true,
			Backoff:   func(int) time.Duration { return 10 * time.Second },
			Emit:      out.add,
		})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { c.Stop(); c.Wait() }()
		mu.Lock()
		failing = true
		mu.Unlock()
		srv.CloseClientConnections()
		time.Sleep(15 * time.Second)
		synctest.Wait()
		f := last[*client.ReconnectFailed](t, out)
		want := "reconnect failed: the server at " + srv.AuthAddr() + " refused the connection"
		if got := client.Text(f)[len("15:04:05 "):]; got != want {
			t.Errorf("shown as %q, want %q", got, want)
		}
	})
}
