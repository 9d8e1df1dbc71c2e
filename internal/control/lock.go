package control

import (
	"fmt"
	"os"
	"path/filepath"
)

// LockSession takes the one-session lock of an account: the file at path,
// in the account's state directory ($XDG_STATE_HOME/aim/<name>/), held
// with flock for as long as the session runs (until unlock, or the
// process's end: a lock never goes stale). The socket's own lock lives
// beside the socket, in a runtime or temp directory that a cleaner or a
// person may remove while the session runs, and a socket may not be
// possible at all (a path too long for a socket address): this lock keeps
// a second session of the account from starting whatever happens to the
// socket. The directory is made 0700 if missing. ok is false when another
// process holds the lock.
func LockSession(path string) (unlock func() error, ok bool, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("session lock: %w", err)
	}
	f, ok, err := lockFile(path)
	if err != nil {
		return nil, false, fmt.Errorf("session lock: %w", err)
	}
	if !ok {
		return nil, false, nil
	}
	return func() error { return unlockFile(f) }, true, nil
}
