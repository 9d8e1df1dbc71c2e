//go:build !linux && !darwin && !freebsd

package control

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"runtime"
)

// maxSocketPath is the longest path a Unix socket address holds on the
// systems that have one.
const maxSocketPath = 103

// errNoPeerCredentials: without them a connection cannot be checked, so
// there is no control socket on this system.
var errNoPeerCredentials = fmt.Errorf("control socket: peer credentials are not available on %s: %w", runtime.GOOS, errors.ErrUnsupported)

func fileOwner(fs.FileInfo) (int, error)          { return 0, errNoPeerCredentials }
func lockFile(string) (*os.File, bool, error)     { return nil, false, errNoPeerCredentials }
func peerCredentials(*net.UnixConn) (Peer, error) { return Peer{}, errNoPeerCredentials }
func unlockFile(f *os.File) error                 { return f.Close() }
