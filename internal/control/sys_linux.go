package control

import "golang.org/x/sys/unix"

// maxSocketPath is the longest path a Unix socket address holds here.
const maxSocketPath = len(unix.RawSockaddrUnix{}.Path) - 1

// peerOf reads SO_PEERCRED.
func peerOf(fd int) (Peer, error) {
	cred, err := unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED)
	if err != nil {
		return Peer{}, err
	}
	return Peer{UID: int(cred.Uid), PID: int(cred.Pid)}, nil
}
