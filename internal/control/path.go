package control

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/aim-oscar/aim/internal/screenname"
)

// SocketPath returns where the control socket of screenName lives:
// runtimeDir/aim/<name>.sock, or tempDir/aim-<uid>/<name>.sock when
// runtimeDir is empty or relative (the XDG base directory rule). The
// caller passes $XDG_RUNTIME_DIR and os.TempDir(); this package reads no
// environment. <name> is the normalized screen name ("Lab Bob" and
// "labbob" share a socket); a name too long for a socket address is
// replaced by a hash of it. SocketPath touches no file: Listen creates
// and checks the directory.
func SocketPath(runtimeDir, tempDir, screenName string) (string, error) {
	name, err := screenname.Parse(screenName)
	if err != nil {
		return "", fmt.Errorf("control socket: %w", err)
	}
	name = screenname.Normalize(name)
	if name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
		return "", fmt.Errorf("control socket: screen name %q cannot name a file", screenName)
	}
	var dir string
	switch {
	case filepath.IsAbs(runtimeDir):
		dir = filepath.Join(runtimeDir, "aim")
	case filepath.IsAbs(tempDir):
		dir = filepath.Join(tempDir, "aim-"+strconv.Itoa(os.Getuid()))
	default:
		return "", fmt.Errorf("control socket: no directory for it (runtime dir %q and temp dir %q are not absolute)", runtimeDir, tempDir)
	}
	path := filepath.Join(dir, name+".sock")
	if len(path) > maxSocketPath {
		sum := sha256.Sum256([]byte(name))
		path = filepath.Join(dir, hex.EncodeToString(sum[:12])+".sock")
	}
	if len(path) > maxSocketPath {
		return "", fmt.Errorf("control socket: %s is longer than the %d bytes a socket address holds", path, maxSocketPath)
	}
	return path, nil
}

// UnsafeDirError is a socket directory that another user could reach into:
// owned by someone else, open to group or others, or not a plain
// directory. Listen refuses it rather than put the socket there.
type UnsafeDirError struct {
	Dir    string
	Reason string // "is owned by uid 65534", "has mode 0755, want 0700"
}

func (e *UnsafeDirError) Error() string {
	return "control socket directory " + e.Dir + " " + e.Reason + ": refusing to use it"
}

// prepareDir creates dir with mode 0700 if it is missing (its parent must
// exist), then checks that it is a directory (not a symbolic link) that
// belongs to this user and is closed to everyone else. A directory under
// the shared temp dir may have been made by another user first.
func prepareDir(dir string) error {
	switch err := os.Mkdir(dir, 0o700); {
	case err == nil:
		// The umask may have taken bits away; 0700 is what we promise.
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("control socket directory: %w", err)
		}
	case !errors.Is(err, fs.ErrExist):
		return fmt.Errorf("control socket directory: %w", err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("control socket directory: %w", err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return &UnsafeDirError{Dir: dir, Reason: "is a symbolic link"}
	}
	if !fi.IsDir() {
		return &UnsafeDirError{Dir: dir, Reason: "is not a directory"}
	}
	uid, err := fileOwner(fi)
	if err != nil {
		return fmt.Errorf("control socket directory %s: %w", dir, err)
	}
	if me := os.Getuid(); uid != me {
		return &UnsafeDirError{Dir: dir, Reason: fmt.Sprintf("is owned by uid %d, not %d", uid, me)}
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return &UnsafeDirError{Dir: dir, Reason: fmt.Sprintf("has mode %04o, want 0700", perm)}
	}
	return nil
}
