package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// lockTimeout bounds the wait for another aim's edit of the same file. An
// edit holds the lock for the few milliseconds of a read and a write.
const lockTimeout = 10 * time.Second

// LockError is a config file aim could not lock for an edit. The edit is not
// made.
type LockError struct {
	settingsError
	Path string // the lock file
	Err  error
}

func (e *LockError) Error() string {
	return "cannot lock the config file for editing (lock file " + e.Path + "): " + e.Err.Error()
}

func (e *LockError) Unwrap() error { return e.Err }

// errLockBusy is what tryLock returns when another process holds the lock.
var errLockBusy = errors.New("another aim is editing it")

// lockPath is the lock file for the config file at path: beside the file
// (after symlinks, so two links to one file share a lock), never replaced,
// so the atomic rename of the config itself keeps working.
func lockPath(path string) string {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".lock")
}

// lockFile takes an exclusive lock on the config file at path, creating the
// lock file (and its directory, 0700) if needed, and waits up to
// lockTimeout for another holder. unlock releases it.
func lockFile(path string) (unlock func(), err error) {
	lp := lockPath(path)
	if err := os.MkdirAll(filepath.Dir(lp), 0o700); err != nil {
		return nil, &LockError{Path: lp, Err: plainPathError(err)}
	}
	f, err := os.OpenFile(lp, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, &LockError{Path: lp, Err: plainPathError(err)}
	}
	deadline := time.Now().Add(lockTimeout)
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		err = tryLock(f)
		if err == nil {
			return func() { _ = unlockFile(f); _ = f.Close() }, nil
		}
		if !errors.Is(err, errLockBusy) || time.Now().After(deadline) {
			_ = f.Close()
			if errors.Is(err, errLockBusy) {
				err = fmt.Errorf("%w, still after %v", err, lockTimeout)
			}
			return nil, &LockError{Path: lp, Err: err}
		}
		time.Sleep(wait)
	}
}
