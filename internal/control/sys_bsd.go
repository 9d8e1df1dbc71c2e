//go:build darwin || freebsd

package control

import "golang.org/x/sys/unix"

// maxSocketPath is the longest path a Unix socket address holds here.
const maxSocketPath = len(unix.RawSockaddrUnix{}.Path) - 1

// peerOf reads LOCAL_PEERCRED, the BSD SO_PEERCRED. It has no pid.
func peerOf(fd int) (Peer, error) {
	cred, err := unix.GetsockoptXucred(fd, unix.SOL_LOCAL, unix.LOCAL_PEERCRED)
	if err != nil {
		return Peer{}, err
	}
	return Peer{UID: int(cred.Uid)}, nil
}
