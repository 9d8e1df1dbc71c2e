package control_test

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/aim-oscar/aim/internal/control"
)

// TestUnlockWithACopyOpen: a session's lock is free once it unlocks, even
// while a copy of the lock's descriptor is still open somewhere, as it is
// in a child process this one forked and that has not yet exec'd (every
// command that runs password_command, every test that starts a
// subprocess). Closing alone left the lock held by the copy, and the next
// session of the account was refused ("already signed on here").
func TestUnlockWithACopyOpen(t *testing.T) { // not parallel: its copies are inherited by any child started meanwhile
	path := filepath.Join(t.TempDir(), "session.lock")
	unlock, ok, err := control.LockSession(path)
	if err != nil || !ok {
		t.Fatalf("LockSession: %v, %v", ok, err)
	}
	copyFD := dupOpenFDs(t, path)
	defer func() {
		for _, fd := range copyFD {
			syscall.Close(fd)
		}
	}()
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	unlock2, ok, err := control.LockSession(path)
	if err != nil || !ok {
		t.Fatalf("the lock is still held after unlock (a copy of its descriptor is open): %v, %v", ok, err)
	}
	unlock2()
}

// dupOpenFDs duplicates every descriptor of this process open on path,
// as fork does.
func dupOpenFDs(t *testing.T, path string) []int {
	t.Helper()
	var fds []int
	for fd := range 1024 {
		target, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
		if err != nil || target != path {
			continue
		}
		d, err := syscall.Dup(fd)
		if err != nil {
			t.Fatal(err)
		}
		fds = append(fds, d)
	}
	if len(fds) == 0 {
		t.Fatal("no descriptor of this process is open on the lock")
	}
	return fds
}
