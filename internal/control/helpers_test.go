package control_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/control"
)

// nobody is the uid (and gid) of the other user in the tests.
const nobody = 65534

// hangGuard bounds every read of a test's raw connections, so a server
// that fails to answer fails the test instead of hanging it. It is not a
// timed assertion: a correct server answers at once.
const hangGuard = 30 * time.Second

// socketPath returns a socket path in a fresh directory.
func socketPath(t testing.TB) string {
	return filepath.Join(t.TempDir(), "aim", "bob.sock")
}

func mkdir(t testing.TB, dir string, mode os.FileMode) {
	t.Helper()
	if err := os.Mkdir(dir, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

// listen starts a server at path, closed (and waited for) by the test's
// cleanup.
func listen(t testing.TB, path string, h control.Handler, opts ...control.Options) *control.Server {
	t.Helper()
	var o control.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	srv, err := control.Listen(path, h, o)
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return srv
}

// echoed is what echo answers.
type echoed struct {
	Command string   `json:"command"`
	Args    []string `json:"args"`
	UID     int      `json:"uid"`
	PID     int      `json:"pid"`
}

// echo answers each request with what it was asked and by whom.
func echo(_ context.Context, req control.Request, _ *control.Stream) (any, error) {
	return echoed{req.Command, req.Args, req.Peer.UID, req.Peer.PID}, nil
}

func dial(t testing.TB, path string) *control.Client {
	t.Helper()
	c, err := control.Dial(t.Context(), path)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// roundTrip checks that the server at path answers a request.
func roundTrip(t testing.TB, path string) {
	t.Helper()
	c := dial(t, path)
	body, err := c.Do(t.Context(), "send", []string{"Lab Bob", "hi"}, nil)
	if err != nil || len(body) == 0 {
		t.Fatalf("Do = %s, %v; want an answer", body, err)
	}
	c.Close()
}

func isNoSession(err error) bool {
	var no *control.NoSessionError
	return errors.As(err, &no)
}

// raw is a client that writes and reads the protocol's lines by hand.
type raw struct {
	t  testing.TB
	nc net.Conn
	sc *bufio.Scanner
}

// rawDial connects to path and, with hello, exchanges the hellos.
func rawDial(t testing.TB, path string, hello bool) *raw {
	t.Helper()
	nc, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(hangGuard))
	r := &raw{t: t, nc: nc, sc: bufio.NewScanner(nc)}
	r.sc.Buffer(nil, 4<<20)
	if hello {
		r.send(`{"protocol":"aim-control","version":1}`)
		if got := r.line(); got != `{"protocol":"aim-control","version":1}` {
			t.Fatalf("server hello = %s", got)
		}
	}
	return r
}

func (r *raw) send(line string) {
	r.t.Helper()
	if _, err := r.nc.Write([]byte(line + "\n")); err != nil {
		r.t.Fatalf("writing %.40q: %v", line, err)
	}
}

// line reads one line, failing the test at EOF.
func (r *raw) line() string {
	r.t.Helper()
	if !r.sc.Scan() {
		r.t.Fatalf("reading a line: %v (EOF if nil)", r.sc.Err())
	}
	return r.sc.Text()
}

func (r *raw) reply() control.Reply {
	r.t.Helper()
	line := r.line()
	var rep control.Reply
	if err := json.Unmarshal([]byte(line), &rep); err != nil {
		r.t.Fatalf("reply %q: %v", line, err)
	}
	return rep
}

// eof checks that the server closed the connection: no more lines.
func (r *raw) eof() {
	r.t.Helper()
	if r.sc.Scan() {
		r.t.Fatalf("got %q, want the connection closed", r.sc.Text())
	}
	if err := r.sc.Err(); err != nil && !errors.Is(err, net.ErrClosed) && !strings.Contains(err.Error(), "reset") {
		r.t.Fatalf("want EOF, got %v", err)
	}
}
