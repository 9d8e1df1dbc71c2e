package control_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/control"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	path := socketPath(t)
	listen(t, path, echo)
	c := dial(t, path)
	for i, args := range [][]string{{"Lab Bob", "build <b>done</b> & \"ok\"\n"}, nil} {
		body, err := c.Do(t.Context(), "info", args, nil)
		if err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
		var got echoed
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatal(err)
		}
		want := echoed{"info", args, os.Getuid(), os.Getpid()}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("request %d: the handler saw %+v, want %+v", i+1, got, want)
		}
	}
}

// TestHelloAbout: what a server says of its session (Options.About) is in
// its hello, on the wire and for the client, before any request.
func TestHelloAbout(t *testing.T) {
	t.Parallel()
	path := socketPath(t)
	listen(t, path, echo, control.Options{About: map[string]string{"server": "Host:5190"}})
	r := rawDial(t, path, false)
	r.send(`{"protocol":"aim-control","version":1}`)
	if got, want := r.line(), `{"protocol":"aim-control","version":1,"about":{"server":"Host:5190"}}`; got != want {
		t.Errorf("server hello = %s, want %s", got, want)
	}
	c := dial(t, path)
	if got := c.About("server"); got != "Host:5190" {
		t.Errorf(`About("server") = %q, want "Host:5190"`, got)
	}
	if got := c.About("other"); got != "" {
		t.Errorf(`About("other") = %q, want ""`, got)
	}
}

// The lines on the wire, exactly: the hellos, a request, its result.
func TestWireLines(t *testing.T) {
	t.Parallel()
	path := socketPath(t)
	listen(t, path, func(_ context.Context, req control.Request, st *control.Stream) (any, error) {
		if err := st.Send(json.RawMessage(`{"type": "im", "html": "<b>hi</b>"}`)); err != nil {
			return nil, err
		}
		return map[string]any{"type": "result", "ok": true}, nil
	})
	r := rawDial(t, path, true)
	r.send(`{"id":7,"command":"send","args":["bob","hi"]}`)
	for _, want := range []string{
		`{"id":7,"body":{"type":"im","html":"<b>hi</b>"}}`,
		`{"id":7,"final":true,"body":{"ok":true,"type":"result"}}`,
	} {
		if got := r.line(); got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
}

// A subscription's replies arrive in order before its result, and the
// session's notices reach every client.
func TestStreamAndNotices(t *testing.T) {
	t.Parallel()
	path := socketPath(t)
	started := make(chan struct{})
	release := make(chan struct{})
	srv := listen(t, path, func(ctx context.Context, req control.Request, st *control.Stream) (any, error) {
		for i := range 3 {
			if err := st.Send(map[string]int{"n": i}); err != nil {
				return nil, err
			}
		}
		started <- struct{}{}
		<-release
		return "done", nil
	})
	c := dial(t, path)
	idle := rawDial(t, path, true) // a client with no request still hears notices
	var got []string
	done := make(chan error)
	go func() {
		body, err := c.Do(t.Context(), "events", []string{"--follow"}, func(r control.Reply) error {
			got = append(got, fmt.Sprintf("%d %s", r.ID, r.Body))
			if r.ID == 0 {
				close(release)
			}
			return nil
		})
		if err == nil && string(body) != `"done"` {
			err = fmt.Errorf("result %s", body)
		}
		done <- err
	}()
	<-started
	if err := srv.Notify(map[string]string{"type": "reconnecting"}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	want := []string{`1 {"n":0}`, `1 {"n":1}`, `1 {"n":2}`, `0 {"type":"reconnecting"}`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("replies:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := idle.line(); got != `{"body":{"type":"reconnecting"}}` {
		t.Errorf("the idle client got %s", got)
	}
}

// Shutdown tells every client the session ended, with the session's last
// event, ends the handlers and removes the socket.
func TestShutdown(t *testing.T) {
	t.Parallel()
	path := socketPath(t)
	const n = 3
	started := make(chan struct{}, n)
	causes := make(chan error, n)
	srv := listen(t, path, func(ctx context.Context, req control.Request, st *control.Stream) (any, error) {
		started <- struct{}{}
		<-ctx.Done()
		causes <- context.Cause(ctx)
		return nil, ctx.Err()
	})
	idle := rawDial(t, path, true)
	errs := make(chan error, n)
	for range n {
		c := dial(t, path)
		go func() {
			_, err := c.Do(t.Context(), "events", []string{"--follow"}, nil)
			errs <- err
		}()
	}
	for range n {
		<-started
	}
	if err := srv.Shutdown(t.Context(), map[string]string{"type": "disconnected", "reason": "logout"}); err != nil {
		t.Fatal(err)
	}
	for range n {
		err := <-errs
		var ended *control.EndedError
		if !errors.As(err, &ended) || string(ended.Body) != `{"reason":"logout","type":"disconnected"}` {
			t.Errorf("Do: %v, want an *EndedError with the disconnected event", err)
		}
		if cause := <-causes; !errors.Is(cause, control.ErrServerClosed) {
			t.Errorf("a handler's context ended with %v, want ErrServerClosed", cause)
		}
	}
	if got := idle.line(); got != `{"final":true,"body":{"reason":"logout","type":"disconnected"}}` {
		t.Errorf("the idle client got %s", got)
	}
	idle.eof()
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the socket outlived Shutdown: %v", err)
	}
	if err := srv.Shutdown(t.Context(), nil); err != nil {
		t.Errorf("a second Shutdown: %v", err)
	}
}

// A handler's error is the request's error; the client carries on, but
// not after an unknown command, which disconnects it.
func TestHandlerErrors(t *testing.T) {
	t.Parallel()
	path := socketPath(t)
	listen(t, path, func(_ context.Context, req control.Request, _ *control.Stream) (any, error) {
		switch req.Command {
		case "fail":
			return nil, errors.New("recipient is offline")
		case "custom":
			return nil, &control.Error{Code: "not_signed_on", Message: "still signing on"}
		case "send":
			return "ok", nil
		}
		return nil, fmt.Errorf("%w %q", control.ErrUnknownCommand, req.Command)
	})
	c := dial(t, path)
	for _, tt := range []struct{ command, code, msg string }{
		{"fail", control.CodeFailed, "recipient is offline"},
		{"custom", "not_signed_on", "still signing on"},
	} {
		_, err := c.Do(t.Context(), tt.command, nil, nil)
		var e *control.Error
		if !errors.As(err, &e) || e.Code != tt.code || e.Message != tt.msg {
			t.Errorf("%s: %v, want code %s, %q", tt.command, err, tt.code, tt.msg)
		}
	}
	if body, err := c.Do(t.Context(), "send", nil, nil); err != nil || string(body) != `"ok"` {
		t.Fatalf("after the errors: %s, %v", body, err)
	}
	_, err := c.Do(t.Context(), "frobnicate", nil, nil)
	var e *control.Error
	if !errors.As(err, &e) || e.Code != control.CodeUnknownCommand || e.Message != `unknown command "frobnicate"` {
		t.Fatalf("unknown command: %v", err)
	}
	if _, err2 := c.Do(t.Context(), "send", nil, nil); err2 != err {
		t.Errorf("after an unknown command: %v, want the same error again", err2)
	}
}

// Bad lines get an error and the connection is closed; the server goes on
// serving everyone else.
func TestBadInput(t *testing.T) {
	t.Parallel()
	path := socketPath(t)
	listen(t, path, func(_ context.Context, req control.Request, _ *control.Stream) (any, error) {
		if req.Command == "nope" {
			return nil, control.ErrUnknownCommand
		}
		return "ok", nil
	})
	long := `{"id":1,"command":"send","args":["` + strings.Repeat("x", control.MaxRequestLen) + `"]}`
	tests := []struct {
		name, hello, line string
		id                uint64
		code              string
	}{
		{"truncated JSON", "", `{"id":1,"command":`, 0, control.CodeBadRequest},
		{"not JSON", "", `send bob hi`, 0, control.CodeBadRequest},
		{"unknown field", "", `{"id":1,"command":"send","to":"bob"}`, 0, control.CodeBadRequest},
		{"id zero", "", `{"id":0,"command":"send"}`, 0, control.CodeBadRequest},
		{"negative id", "", `{"id":-1,"command":"send"}`, 0, control.CodeBadRequest},
		{"no command", "", `{"id":1}`, 0, control.CodeBadRequest},
		{"args not strings", "", `{"id":1,"command":"send","args":[1]}`, 0, control.CodeBadRequest},
		{"two values", "", `{"id":1,"command":"send"} {"id":2,"command":"send"}`, 0, control.CodeBadRequest},
		{"unknown command", "", `{"id":3,"command":"nope"}`, 3, control.CodeUnknownCommand},
		{"line too long", "", long, 0, control.CodeTooLong},
		{"no hello", `{"id":1,"command":"send"}`, "", 0, control.CodeBadRequest},
		{"not a hello", `GET / HTTP/1.1`, "", 0, control.CodeBadRequest},
		{"newer version", `{"protocol":"aim-control","version":2}`, "", 0, control.CodeVersion},
		{"no version", `{"protocol":"aim-control"}`, "", 0, control.CodeVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rawDial(t, path, tt.hello == "")
			if tt.hello != "" {
				if got := r.line(); got != `{"protocol":"aim-control","version":1}` {
					t.Fatalf("server hello = %s", got)
				}
				r.send(tt.hello)
			} else {
				r.send(tt.line)
			}
			rep := r.reply()
			if rep.Error == nil || rep.Error.Code != tt.code || rep.ID != tt.id || !rep.Final {
				t.Errorf("reply %+v, want a final error %s for id %d", rep, tt.code, tt.id)
			} else {
				t.Logf("%s: %s", tt.code, rep.Error.Message)
			}
			r.eof()
			roundTrip(t, path)
		})
	}
	if t.Failed() {
		return
	}
	// The version error says what to do.
	r := rawDial(t, path, false)
	r.send(`{"protocol":"aim-control","version":2}`)
	r.line() // the server's hello
	if rep := r.reply(); !strings.Contains(rep.Error.Message, "version 1") || !strings.Contains(rep.Error.Message, "version 2") {
		t.Errorf("version error %q does not name both versions", rep.Error.Message)
	}
}

// A line of exactly MaxRequestLen bytes is a request; one byte more is not.
func TestRequestLineLimit(t *testing.T) {
	t.Parallel()
	path := socketPath(t)
	listen(t, path, func(_ context.Context, req control.Request, _ *control.Stream) (any, error) {
		return len(req.Args[0]), nil
	})
	head, tail := `{"id":1,"command":"send","args":["`, `"]}`
	fill := control.MaxRequestLen - len(head) - len(tail)
	r := rawDial(t, path, true)
	r.send(head + strings.Repeat("x", fill) + tail)
	if rep := r.reply(); rep.Error != nil || string(rep.Body) != fmt.Sprint(fill) {
		t.Fatalf("a line of MaxRequestLen: %+v", rep)
	}
	r.send(head + strings.Repeat("x", fill+1) + tail)
	if rep := r.reply(); rep.Error == nil || rep.Error.Code != control.CodeTooLong {
		t.Fatalf("a line one byte over: %+v", rep)
	}
	r.eof()
}

// A request waiting for its result (a Later) does not hold up the next:
// a quick one is answered meanwhile. An id in use twice is refused.
func TestConcurrentRequests(t *testing.T) {
	t.Parallel()
	path := socketPath(t)
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	cause := make(chan error, 1)
	listen(t, path, func(ctx context.Context, req control.Request, _ *control.Stream) (any, error) {
		if req.Command != "slow" && req.Command != "hold" {
			return req.Command, nil
		}
		hold := release
		if req.Command == "hold" {
			hold = nil // until the client is gone
		}
		return control.Later(func() (any, error) {
			started <- struct{}{}
			select {
			case <-hold:
				return "slow", nil
			case <-ctx.Done():
				cause <- context.Cause(ctx)
				return nil, ctx.Err()
			}
		}), nil
	})
	r := rawDial(t, path, true)
	r.send(`{"id":1,"command":"slow"}`)
	<-started
	r.send(`{"id":2,"command":"quick"}`)
	if got := r.line(); got != `{"id":2,"final":true,"body":"quick"}` {
		t.Errorf("got %s, want the quick result first", got)
	}
	close(release)
	if got := r.line(); got != `{"id":1,"final":true,"body":"slow"}` {
		t.Errorf("got %s, want the slow result", got)
	}

	r = rawDial(t, path, true)
	r.send(`{"id":5,"command":"hold"}`)
	<-started
	r.send(`{"id":5,"command":"quick"}`)
	if rep := r.reply(); rep.Error == nil || rep.Error.Code != control.CodeBadRequest {
		t.Errorf("a second request with a running id: %+v, want bad_request", rep)
	}
	r.eof()
	if err := <-cause; !errors.Is(err, control.ErrClientGone) {
		t.Errorf("the running handler ended with %v, want ErrClientGone", err)
	}
}

// The requests of one client start in the order it sent them, even when
// they arrive in one write and their results come later: the session
// queues a send's frame before it looks at the next request.
func TestRequestsStartInOrder(t *testing.T) {
	t.Parallel()
	path := socketPath(t)
	var (
		mu     sync.Mutex
		order  []uint64
		finish = make(chan struct{})
	)
	listen(t, path, func(ctx context.Context, req control.Request, _ *control.Stream) (any, error) {
		mu.Lock()
		order = append(order, req.ID)
		mu.Unlock()
		return control.Later(func() (any, error) {
			select {
			case <-finish:
				return req.ID, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}), nil
	}, control.Options{MaxInFlight: 64})
	const n = 40
	var lines strings.Builder
	for id := 1; id <= n; id++ {
		fmt.Fprintf(&lines, `{"id":%d,"command":"send","args":["bob","%d"]}`+"\n", id, id)
	}
	r := rawDial(t, path, true)
	if _, err := io.WriteString(r.nc, lines.String()); err != nil {
		t.Fatal(err)
	}
	close(finish)
	got := make(map[uint64]bool)
	for range n {
		rep := r.reply()
		if !rep.Final || rep.Error != nil || string(rep.Body) != fmt.Sprint(rep.ID) {
			t.Fatalf("reply %+v", rep)
		}
		got[rep.ID] = true
	}
	if len(got) != n {
		t.Errorf("%d distinct results, want %d", len(got), n)
	}
	mu.Lock()
	defer mu.Unlock()
	for i, id := range order {
		if id != uint64(i+1) {
			t.Fatalf("requests started in the order %v", order)
		}
	}
}

// flood is a handler that streams numbered 8 KiB events until Send fails,
// and reports that error (and its context's) on gone.
func flood(gone chan<- error) control.Handler {
	pad := strings.Repeat("x", 8<<10)
	return func(ctx context.Context, req control.Request, st *control.Stream) (any, error) {
		if req.Command != "flood" {
			return "ok", nil
		}
		for i := 0; ; i++ {
			if err := st.Send(map[string]any{"n": i, "pad": pad}); err != nil {
				gone <- errors.Join(err, context.Cause(ctx))
				return nil, err
			}
		}
	}
}

// A client that stops reading is dropped once its socket buffer and then
// QueueLen replies wait for it, while a client that reads the same events
// is not: Send never blocks, and the slow client reads what was written
// (whole lines, in order), then a note saying why, then EOF.
func TestSlowClientDropped(t *testing.T) {
	t.Parallel()
	path := socketPath(t)
	streams := make(chan *control.Stream)
	listen(t, path, func(ctx context.Context, req control.Request, st *control.Stream) (any, error) {
		if req.Command != "events" {
			return "ok", nil
		}
		select {
		case streams <- st:
		case <-ctx.Done():
		}
		<-ctx.Done()
		return nil, ctx.Err()
	}, control.Options{QueueLen: 4, DropGrace: hangGuard})
	slow := rawDial(t, path, true)
	slow.send(`{"id":1,"command":"events"}`)
	slowStream := <-streams
	good := rawDial(t, path, true)
	good.send(`{"id":1,"command":"events"}`)
	goodStream := <-streams

	// The good client reads each event before the next is sent.
	pad := strings.Repeat("x", 8<<10)
	var sent int
	for ; ; sent++ {
		ev := map[string]any{"n": sent, "pad": pad}
		if err := goodStream.Send(ev); err != nil {
			t.Fatalf("event %d to the reading client: %v", sent, err)
		}
		if rep := good.reply(); rep.Error != nil {
			t.Fatalf("the reading client got %+v", rep)
		}
		if err := slowStream.Send(ev); err != nil {
			if !errors.Is(err, control.ErrClientGone) {
				t.Fatalf("Send failed with %v, want ErrClientGone", err)
			}
			break
		}
	}
	if err := slowStream.Send("more"); !errors.Is(err, control.ErrClientGone) {
		t.Errorf("Send after the drop: %v", err)
	}
	roundTrip(t, path)

	n := 0
	for {
		rep := slow.reply()
		if rep.Final {
			if rep.ID != 0 || rep.Error == nil || rep.Error.Code != control.CodeTooSlow {
				t.Fatalf("last line %+v, want a too_slow note", rep)
			}
			t.Logf("%d of %d events read, then: %s", n, sent, rep.Error.Message)
			break
		}
		var ev struct{ N int }
		if err := json.Unmarshal(rep.Body, &ev); err != nil || ev.N != n || rep.ID != 1 {
			t.Fatalf("event %d: %+v, %v", n, rep, err)
		}
		n++
	}
	slow.eof()
	if n < 1 || n >= sent {
		t.Errorf("the slow client read %d of %d events", n, sent)
	}
}

// A dropped client that never reads again is cut off after DropGrace
// without anyone closing the server.
func TestStuckClientCutOff(t *testing.T) {
	t.Parallel()
	path := socketPath(t)
	gone := make(chan error, 1)
	listen(t, path, flood(gone), control.Options{QueueLen: 4, DropGrace: 1})
	stuck := rawDial(t, path, true)
	stuck.send(`{"id":1,"command":"flood"}`)
	<-gone
	if _, err := io.Copy(io.Discard, stuck.nc); err != nil {
		t.Fatalf("reading to the end: %v, want EOF", err)
	}
}

// Close does not wait for a client that does not read: a writer blocked
// on its full socket is cut off, and every goroutine ends.
func TestCloseCutsOffStuckWriter(t *testing.T) {
	t.Parallel()
	path := socketPath(t)
	streams := make(chan *control.Stream)
	srv, err := control.Listen(path, func(ctx context.Context, req control.Request, st *control.Stream) (any, error) {
		return control.Later(func() (any, error) {
			select {
			case streams <- st:
			case <-ctx.Done():
			}
			<-ctx.Done()
			return nil, ctx.Err()
		}), nil
	}, control.Options{QueueLen: 1000})
	if err != nil {
		t.Fatal(err)
	}
	stuck := rawDial(t, path, true)
	stuck.send(`{"id":1,"command":"events"}`)
	st := <-streams
	// 4 MiB: far more than a socket buffer, far less than the queue.
	pad := strings.Repeat("x", 8<<10)
	for i := range 500 {
		if err := st.Send(pad); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
}

// A client that goes away (here mid-subscription) has its requests'
// contexts ended at once, without waiting for something to send it.
func TestVanishedClient(t *testing.T) {
	t.Parallel()
	path := socketPath(t)
	started := make(chan struct{})
	gone := make(chan error, 1)
	listen(t, path, func(ctx context.Context, req control.Request, st *control.Stream) (any, error) {
		close(started)
		<-ctx.Done()
		gone <- context.Cause(ctx)
		return nil, ctx.Err()
	})
	c := dial(t, path)
	go func() { <-started; c.Close() }()
	if _, err := c.Do(t.Context(), "events", []string{"--follow"}, nil); err == nil {
		t.Error("Do on a closed client succeeded")
	}
	if err := <-gone; !errors.Is(err, control.ErrClientGone) {
		t.Errorf("the handler's context ended with %v, want ErrClientGone", err)
	}
}

// The caller's context bounds Dial and Do; a Client whose request was cut
// short carries no other.
func TestClientContext(t *testing.T) {
	t.Parallel()
	path := socketPath(t)
	started := make(chan struct{}, 1)
	listen(t, path, func(ctx context.Context, req control.Request, _ *control.Stream) (any, error) {
		if req.Command == "wait" {
			started <- struct{}{}
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return "ok", nil
	})
	c := dial(t, path)
	ctx, cancel := context.WithCancel(t.Context())
	go func() { <-started; cancel() }()
	if _, err := c.Do(ctx, "wait", nil, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Do with a cancelled context: %v", err)
	}
	if _, err := c.Do(t.Context(), "send", nil, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("the next Do: %v, want the context error again", err)
	}

	c = dial(t, path)
	past, cancel2 := context.WithDeadline(t.Context(), time.Unix(1, 0))
	defer cancel2()
	if _, err := c.Do(past, "send", nil, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Do past its deadline: %v", err)
	}
	if _, err := control.Dial(past, path); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Dial past its deadline: %v", err)
	}
}

// Many clients at once, each with several requests, all answered right.
func TestManyClients(t *testing.T) {
	t.Parallel()
	path := socketPath(t)
	srv := listen(t, path, echo)
	const clients, requests = 40, 10
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := range clients {
		wg.Go(func() {
			c, err := control.Dial(t.Context(), path)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			for j := range requests {
				arg := fmt.Sprintf("%d.%d", i, j)
				body, err := c.Do(t.Context(), "send", []string{arg}, nil)
				var got echoed
				if err == nil {
					err = json.Unmarshal(body, &got)
				}
				if err == nil && (len(got.Args) != 1 || got.Args[0] != arg) {
					err = fmt.Errorf("asked %s, answered %s", arg, body)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	// Notices go out while the requests run.
	for range 10 {
		if err := srv.Notify("tick"); err != nil {
			t.Error(err)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Dial checks what answers: another protocol, or another version of it,
// is a clear error.
func TestDialChecksHello(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, hello string
		check       func(error) bool
	}{
		{"newer", `{"protocol":"aim-control","version":2}`, func(err error) bool {
			var v *control.VersionError
			return errors.As(err, &v) && v.Theirs == 2 && strings.Contains(err.Error(), "restart the session")
		}},
		{"not aim", `SSH-2.0-OpenSSH_9.6`, func(err error) bool {
			var e *control.Error
			return errors.As(err, &e) && e.Code == control.CodeBadRequest
		}},
		{"refused", `{"final":true,"error":{"code":"refused","message":"no"}}`, func(err error) bool {
			var e *control.Error
			return errors.As(err, &e) && e.Code == control.CodeRefused
		}},
		{"silent", "", func(err error) bool {
			var e *control.EndedError
			return errors.As(err, &e)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "fake.sock")
			ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
			if err != nil {
				t.Fatal(err)
			}
			served := make(chan error, 1)
			go func() {
				nc, err := ln.Accept()
				if err == nil {
					if tt.hello != "" {
						_, err = io.WriteString(nc, tt.hello+"\n")
					}
					nc.Close()
				}
				served <- err
			}()
			_, err = control.Dial(t.Context(), path)
			if !tt.check(err) {
				t.Errorf("Dial: %v (%T)", err, err)
			}
			if err := <-served; err != nil {
				t.Error(err)
			}
			ln.Close()
		})
	}
}
