package control_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/control"
)

// The child half of the tests: the test binary run again as another user.
const (
	childEnv     = "AIM_CONTROL_TEST_CHILD" // "raw" or "dial"
	childPathEnv = "AIM_CONTROL_TEST_SOCKET"
)

// child connects to the socket at path as this process's user and prints
// what it saw: "raw" speaks the protocol by hand and prints each line it
// gets, "dial" uses Dial and prints its error.
func child(mode, path string) int {
	fmt.Printf("uid=%d\n", os.Getuid())
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	switch mode {
	case "raw":
		nc, err := net.Dial("unix", path)
		if err != nil {
			fmt.Println("dial:", err)
			return 1
		}
		defer nc.Close()
		nc.SetDeadline(time.Now().Add(hangGuard))
		// The server may have closed already: a write error is no news.
		io.WriteString(nc, `{"protocol":"aim-control","version":1}`+"\n"+`{"id":1,"command":"send","args":["bob","from nobody"]}`+"\n")
		sc := bufio.NewScanner(nc)
		for sc.Scan() {
			fmt.Println(sc.Text())
		}
		if err := sc.Err(); err != nil && !strings.Contains(err.Error(), "reset") {
			fmt.Println("read:", err)
			return 1
		}
		fmt.Println("EOF")
	case "dial":
		c, err := control.Dial(ctx, path)
		var pe *control.PeerError
		switch {
		case errors.As(err, &pe):
			fmt.Printf("PeerError uid=%d\n", pe.UID)
		case err != nil:
			fmt.Println("error:", err)
		default:
			c.Close()
			fmt.Println("connected")
		}
	}
	return 0
}

// runAsNobody runs the test binary's child half as uid 65534 and returns
// its output.
func runAsNobody(t *testing.T, exe, mode, path string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), exe)
	cmd.Env = append(os.Environ(), childEnv+"="+mode, childPathEnv+"="+path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the child (%s): %v\n%s", mode, err, out)
	}
	return string(out)
}

// Another user who gets through the file system's fences (here opened on
// purpose) still cannot use the session: the server checks SO_PEERCRED
// and refuses before reading a line, and Dial refuses a socket served by
// someone else.
func TestAnotherUserRefused(t *testing.T) {
	t.Parallel()
	if os.Getuid() != 0 {
		t.Skip("needs root to run a process as another user")
	}
	base := t.TempDir()
	for _, dir := range []string{filepath.Dir(base), base} {
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	exe := filepath.Join(base, "control.test")
	copyFile(t, exe)

	path := filepath.Join(base, "aim", "bob.sock")
	called := make(chan control.Request, 1)
	listen(t, path, func(_ context.Context, req control.Request, _ *control.Stream) (any, error) {
		select {
		case called <- req:
		default:
		}
		return "ok", nil
	})
	if err := os.Chmod(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}

	got := runAsNobody(t, exe, "raw", path)
	want := "uid=65534\n" +
		`{"final":true,"error":{"code":"refused","message":"refused: this session belongs to another user"}}` + "\nEOF\n"
	if got != want {
		t.Errorf("another user's connection saw:\n%s\nwant:\n%s", got, want)
	}
	if got := runAsNobody(t, exe, "dial", path); got != "uid=65534\nPeerError uid=0\n" {
		t.Errorf("another user's Dial: %q", got)
	}
	select {
	case req := <-called:
		t.Errorf("the handler ran for another user: %+v", req)
	default:
	}
	roundTrip(t, path) // and the owner is still served
}

// copyFile copies the running test binary to dst, executable by all.
func copyFile(t *testing.T, dst string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
