package linger_test

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aim-oscar/aim/internal/linger"
)

// TestCloseWithUnreadBytes: the peer wrote bytes this side never read.
// A plain Close would reset the connection and the peer's read of this
// side's last frame would fail; linger.Close lets the peer read it all and
// see a clean end of stream.
func TestCloseWithUnreadBytes(t *testing.T) {
	for _, lingering := range []bool{false, true} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		client, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		server, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		server.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := server.Write([]byte("unread by the client")); err != nil {
			t.Fatal(err)
		}
		if _, err := client.Write([]byte("bye")); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 3)
		if _, err := io.ReadFull(server, buf); err != nil {
			t.Fatal(err)
		}
		// Give the client's kernel the server's bytes before it closes.
		if _, err := server.Write([]byte("more")); err != nil {
			t.Fatal(err)
		}
		closed := make(chan error, 1)
		go func() {
			if lingering {
				closed <- linger.Close(t.Context(), client)
			} else {
				closed <- client.Close()
			}
		}()
		_, err = io.Copy(io.Discard, server)
		if !lingering {
			if !errors.Is(err, syscall.ECONNRESET) { // the kernel resets: unread bytes
				t.Errorf("after a plain close the server's read ended with %v, want a reset", err)
			}
		} else if err != nil {
			t.Errorf("after linger.Close the server's read ended with %v, want a clean EOF", err)
		}
		server.Close()
		if err := <-closed; err != nil {
			t.Errorf("close: %v", err)
		}
	}
}

// TestCloseBounded: a peer that never closes its side costs Bound, or
// less when the context ends first.
func TestCloseBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := net.Pipe()
		defer b.Close()
		start := time.Now()
		if err := linger.Close(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != linger.Bound {
			t.Errorf("Close took %v, want %v", d, linger.Bound)
		}
	})
	synctest.Test(t, func(t *testing.T) {
		a, b := net.Pipe()
		defer b.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		linger.Close(ctx, a)
		if d := time.Since(start); d != 300*time.Millisecond {
			t.Errorf("Close took %v, want the context's 300ms", d)
		}
	})
	synctest.Test(t, func(t *testing.T) {
		a, b := net.Pipe()
		defer b.Close()
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		linger.Close(ctx, a)
		if d := time.Since(start); d != 100*time.Millisecond {
			t.Errorf("Close took %v, want until the cancel at 100ms", d)
		}
	})
}
