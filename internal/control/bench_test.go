package control_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aim-oscar/aim/internal/control"
)

// result is a typical command result, as the session would answer a send.
type result struct {
	Type    string `json:"type"`
	ID      int    `json:"id"`
	Command string `json:"command"`
	OK      bool   `json:"ok"`
	To      string `json:"to"`
}

func sendResult(_ context.Context, req control.Request, _ *control.Stream) (any, error) {
	return result{"result", int(req.ID), req.Command, true, req.Args[0]}, nil
}

// BenchmarkRoundTrip is one request and its result over the socket, on
// a connection already open (what `aim send` pays after Dial).
func BenchmarkRoundTrip(b *testing.B) {
	path := socketPath(b)
	listen(b, path, sendResult)
	c := dial(b, path)
	args := []string{"Lab Bob", "build 101 passed"}
	b.ReportAllocs()
	for b.Loop() {
		body, err := c.Do(b.Context(), "send", args, nil)
		if err != nil {
			b.Fatal(err)
		}
		if !json.Valid(body) {
			b.Fatalf("result %s", body)
		}
	}
}

// BenchmarkDialRoundTrip is a whole one-shot command's socket work: Dial
// with its hellos, one request, Close.
func BenchmarkDialRoundTrip(b *testing.B) {
	path := socketPath(b)
	listen(b, path, sendResult)
	args := []string{"Lab Bob", "build 101 passed"}
	b.ReportAllocs()
	for b.Loop() {
		c, err := control.Dial(b.Context(), path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Do(b.Context(), "send", args, nil); err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}

// BenchmarkRoundTripParallel is many clients at once, one connection each.
func BenchmarkRoundTripParallel(b *testing.B) {
	path := socketPath(b)
	listen(b, path, sendResult)
	args := []string{"Lab Bob", "build 101 passed"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		c, err := control.Dial(context.Background(), path)
		if err != nil {
			b.Error(err)
			return
		}
		defer c.Close()
		for pb.Next() {
			if _, err := c.Do(context.Background(), "send", args, nil); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
