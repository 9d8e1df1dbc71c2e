package control

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aim-oscar/aim/internal/screenname"
)

// SocketPath returns where the control socket of screenName lives when
// its preferred place will do: runtimeDir/aim/<name>.sock, or
// tempDir/aim-<uid>/<name>.sock when runtimeDir is empty or relative (the
// XDG base directory rule). The caller passes $XDG_RUNTIME_DIR and
// os.TempDir(); this package reads no environment. <name> is the
// normalized screen name ("Lab Bob" and "labbob" share a socket); a name
// too long for a socket address is replaced by a hash of it. SocketPath
// touches no file: Listen creates and checks the directory. A session
// finds a place with ListenSession, which goes on to others when this
// one is unsafe or too long, and a command with Find.
func SocketPath(runtimeDir, tempDir, screenName string) (string, error) {
	name, err := socketName(screenName)
	if err != nil {
		return "", err
	}
	var dir string
	switch {
	case filepath.IsAbs(runtimeDir):
		dir = filepath.Join(runtimeDir, "aim")
	case filepath.IsAbs(tempDir):
		dir = tempSocketDir(tempDir)
	default:
		return "", fmt.Errorf("control socket: no directory for it (runtime dir %q and temp dir %q are not absolute)", runtimeDir, tempDir)
	}
	return socketIn(dir, name)
}

// NameError is a screen name that cannot name a socket: one the signon
// refuses anyway.
type NameError struct{ Err error }

func (e *NameError) Error() string { return "control socket: " + e.Err.Error() }
func (e *NameError) Unwrap() error { return e.Err }

// socketName is the normalized screen name a socket is named after.
func socketName(screenName string) (string, error) {
	name, err := screenname.Parse(screenName)
	if err != nil {
		return "", &NameError{err}
	}
	name = screenname.Normalize(name)
	if name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
		return "", &NameError{fmt.Errorf("screen name %q cannot name a file", screenName)}
	}
	return name, nil
}

// socketIn is the socket of name (from socketName) in dir: <name>.sock,
// or a hash of the name when that is too long for a socket address.
func socketIn(dir, name string) (string, error) {
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

// tempSocketDir is the directory of this user's sockets under tempDir.
func tempSocketDir(tempDir string) string {
	return filepath.Join(tempDir, "aim-"+strconv.Itoa(os.Getuid()))
}

// Dirs are the directories a session may put its control socket in, as
// the caller knows them; this package reads no environment.
type Dirs struct {
	Runtime string // $XDG_RUNTIME_DIR; empty or relative: none
	// RunUser is the system's runtime directory for this user, used when
	// it exists and belongs to this user alone; "" means /run/user/<uid>.
	RunUser string
	Temp    string // os.TempDir()
}

// places returns the socket paths of name (from socketName), best first:
// in Runtime/aim, in RunUser/aim when RunUser is this user's own, and in
// Temp/aim-<uid>. A place whose path does not fit in a socket address is
// left out, with why in skipped. No file is made.
func (d Dirs) places(name string) (paths []string, skipped []error) {
	var dirs []string
	if filepath.IsAbs(d.Runtime) {
		dirs = append(dirs, filepath.Join(d.Runtime, "aim"))
	}
	runUser := d.RunUser
	if runUser == "" {
		runUser = "/run/user/" + strconv.Itoa(os.Getuid())
	}
	if filepath.IsAbs(runUser) && checkDir(runUser) == nil {
		dirs = append(dirs, filepath.Join(runUser, "aim"))
	}
	if filepath.IsAbs(d.Temp) {
		dirs = append(dirs, tempSocketDir(d.Temp))
	}
	for _, dir := range dirs {
		path, err := socketIn(dir, name)
		if err != nil {
			skipped = append(skipped, err)
			continue
		}
		paths = append(paths, path)
	}
	return paths, skipped
}

// freshPrefix is the start of the name of a fresh private directory under
// Temp, made when no usual place is safe: aim-<uid>-<random>.
func freshPrefix() string { return "aim-" + strconv.Itoa(os.Getuid()) + "-" }

// freshPlaces returns the sockets of name in the fresh directories under
// temp that belong to this user and are closed to others.
func freshPlaces(temp, name string) []string {
	if !filepath.IsAbs(temp) {
		return nil
	}
	dirs, _ := filepath.Glob(filepath.Join(temp, freshPrefix()+"*"))
	var paths []string
	for _, dir := range dirs {
		if checkDir(dir) != nil {
			continue
		}
		if path, err := socketIn(dir, name); err == nil {
			paths = append(paths, path)
		}
	}
	return paths
}

// Find returns the control socket of screenName's session for a command
// to Dial: the first socket that is there in a safe directory, looking
// where ListenSession puts one (the fresh private directories last). With
// none, it returns the first place a session would take, where Dial finds
// no session.
func Find(d Dirs, screenName string) (string, error) {
	name, err := socketName(screenName)
	if err != nil {
		return "", err
	}
	paths, skipped := d.places(name)
	all := append(paths, freshPlaces(d.Temp, name)...)
	for _, path := range all {
		if checkDir(filepath.Dir(path)) != nil {
			continue // another user's, say: a socket there is not our session's
		}
		if fi, err := os.Lstat(path); err == nil && fi.Mode().Type() == fs.ModeSocket {
			return path, nil
		}
	}
	if len(all) == 0 {
		if len(skipped) > 0 {
			return "", skipped[0]
		}
		return "", fmt.Errorf("control socket: no directory for it (runtime dir %q and temp dir %q are not absolute)", d.Runtime, d.Temp)
	}
	return all[0], nil
}

// ListenSession claims the control socket of screenName's session and
// serves it with h (see Listen). It takes the first place of d that is
// safe and whose path fits in a socket address: Runtime/aim, RunUser/aim,
// Temp/aim-<uid>; and when none is (another user made Temp/aim-<uid>
// first, say), a fresh private directory Temp/aim-<uid>-<random>, removed
// again at Shutdown. skipped says, in a person's words, each place passed
// over and why. A live session of screenName in any place is an
// *InUseError. Without any safe place the error says why for each; the
// session can go on without a socket.
func ListenSession(d Dirs, screenName string, h Handler, opts Options) (srv *Server, skipped []error, err error) {
	name, err := socketName(screenName)
	if err != nil {
		return nil, nil, err
	}
	if path, err := Find(d, screenName); err == nil && checkDir(filepath.Dir(path)) == nil && answers(path) {
		return nil, nil, &InUseError{Path: path}
	}
	paths, skipped := d.places(name)
	for _, path := range paths {
		srv, err := Listen(path, h, opts)
		var inUse *InUseError
		switch {
		case err == nil:
			return srv, skipped, nil
		case errors.As(err, &inUse):
			return nil, skipped, err
		}
		skipped = append(skipped, err) // unsafe, or cannot be made: the next
	}
	if !filepath.IsAbs(d.Temp) {
		return nil, skipped, fmt.Errorf("control socket: no safe directory for it: %w", errors.Join(skipped...))
	}
	dir, err := os.MkdirTemp(d.Temp, freshPrefix())
	if err != nil {
		return nil, skipped, fmt.Errorf("control socket: no safe directory for it (making a fresh one: %w): %w", err, errors.Join(skipped...))
	}
	path, err := socketIn(dir, name)
	if err == nil {
		srv, err = Listen(path, h, opts)
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, skipped, fmt.Errorf("control socket: no safe directory for it (in a fresh one: %w): %w", err, errors.Join(skipped...))
	}
	srv.fresh = true
	return srv, skipped, nil
}

// answers reports whether a server listens on the socket at path.
func answers(path string) bool {
	c, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
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
// exist), then checks it (checkDir). A directory under the shared temp dir
// may have been made by another user first.
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
	return checkDir(dir)
}

// checkDir checks that dir is a directory (not a symbolic link) that
// belongs to this user and is closed to everyone else.
func checkDir(dir string) error {
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
