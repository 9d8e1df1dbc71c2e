//go:build linux || darwin || freebsd

package control

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// fileOwner returns the uid that owns fi.
func fileOwner(fi fs.FileInfo) (int, error) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, errors.New("no owner in its file info")
	}
	return int(st.Uid), nil
}

// lockFile opens (creating it 0600) and locks path for as long as the
// returned file stays open; the kernel lets the lock go when the process
// dies, so a lock never goes stale. ok is false when another process (or
// another Listen in this one) holds it.
func lockFile(path string) (f *os.File, ok bool, err error) {
	f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, err
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		if err == unix.EWOULDBLOCK {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("locking %s: %w", path, err)
	}
	return f, true, nil
}

// unlockFile lets the lock of lockFile go, then closes f. The unlock is
// explicit: closing alone keeps the lock while any copy of the descriptor
// lives, and a child this process forks holds one until it execs, so a
// session that ended would still hold its lock for that moment and the
// next session of the account (a test's, a restart's) would be refused.
func unlockFile(f *os.File) error {
	err := unix.Flock(int(f.Fd()), unix.LOCK_UN)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// peerCredentials asks the kernel who is at the other end of c: the
// credentials the peer had when it connected (or, for a client, when the
// server called listen). They cannot be forged by the peer.
func peerCredentials(c *net.UnixConn) (Peer, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return Peer{}, err
	}
	var (
		p    Peer
		perr error
	)
	if err := raw.Control(func(fd uintptr) { p, perr = peerOf(int(fd)) }); err != nil {
		return Peer{}, err
	}
	if perr != nil {
		return Peer{}, fmt.Errorf("reading peer credentials: %w", perr)
	}
	return p, nil
}
