package iostreams

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal: what is written to master is typed on
// term.
func openPTY(t *testing.T) (master, term *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); m.Close() })
	return m, s
}

// typePassword runs ReadPassword on a terminal, types keys, and returns
// what it returned. A prompt that does not answer in time (the bug: Ctrl-D
// was read as nothing and the read went on) fails the test; closing the
// terminal then ends the read.
func typePassword(t *testing.T, keys string) (string, error, string) {
	t.Helper()
	master, term := openPTY(t)
	before, err := unix.IoctlGetTermios(int(term.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	// The prompt comes once the terminal is set: type only after it.
	promptR, promptW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer promptR.Close()
	defer promptW.Close()
	s := &IOStreams{In: term, Out: io.Discard, ErrOut: promptW}
	type result struct {
		pw  string
		err error
	}
	done := make(chan result, 1)
	go func() {
		pw, err := s.ReadPassword(context.Background(), "Password: ")
		done <- result{pw, err}
	}()
	prompt := make([]byte, len("Password: "))
	if _, err := io.ReadFull(promptR, prompt); err != nil || string(prompt) != "Password: " {
		t.Fatalf("prompt = %q, %v", prompt, err)
	}
	if _, err := master.WriteString(keys); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		after, err := unix.IoctlGetTermios(int(term.Fd()), unix.TCGETS)
		if err != nil || !reflect.DeepEqual(before, after) {
			t.Errorf("terminal settings not restored: %+v, %v; were %+v", after, err, before)
		}
		promptW.Close()
		rest, _ := io.ReadAll(promptR)
		return r.pw, r.err, string(prompt) + string(rest)
	case <-time.After(10 * time.Second):
		master.Close() // ends the blocked read
		t.Fatalf("ReadPassword did not return after %q", keys)
		return "", nil, ""
	}
}

// TestReadPasswordCtrlD: Ctrl-D on an empty password line is the end of
// input (no password), not a key to ignore.
func TestReadPasswordCtrlD(t *testing.T) {
	t.Parallel()
	pw, err, _ := typePassword(t, "\x04")
	if !errors.Is(err, io.EOF) || pw != "" {
		t.Errorf("after Ctrl-D: %q, %v; want io.EOF", pw, err)
	}
}

// TestReadPasswordEditing: the line is read without echo, with backspace
// and Ctrl-U; Ctrl-C is an interruption.
func TestReadPasswordEditing(t *testing.T) {
	t.Parallel()
	pw, err, errOut := typePassword(t, "oops\x15hunx\x7fter2\r")
	if err != nil || pw != "hunter2" {
		t.Errorf("ReadPassword = %q, %v; want hunter2", pw, err)
	}
	if errOut != "Password: \n" {
		t.Errorf("stderr = %q", errOut)
	}
	if _, err, _ := typePassword(t, "abc\x03"); !errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "password") {
		// config.Password says it was reading the password, once.
		t.Errorf("after Ctrl-C: %v, want an error matching context.Canceled that does not say what was read", err)
	}
}
