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
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aim-oscar/aim/internal/screenname"
)

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
// the caller knows them; this package reads no environment. A socket is
// named after the normalized screen name ("Lab Bob" and "labbob" share
// one), or a hash of it when the path would be too long for a socket
// address. A session takes a place with ListenSession; a command finds it
// with Find, and Places says where it looks.
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
	for _, dir := range d.dirs() {
		path, err := socketIn(dir, name)
		if err != nil {
			skipped = append(skipped, err)
			continue
		}
		paths = append(paths, path)
	}
	return paths, skipped
}

// dirs are the socket directories of d, best first, each once (the
// runtime directory usually is /run/user/<uid>): Runtime/aim, RunUser/aim
// when RunUser is this user's own, Temp/aim-<uid>.
func (d Dirs) dirs() []string {
	var dirs []string
	add := func(dir string) {
		if !slices.Contains(dirs, dir) {
			dirs = append(dirs, dir)
		}
	}
	if filepath.IsAbs(d.Runtime) {
		add(filepath.Join(d.Runtime, "aim"))
	}
	runUser := d.RunUser
	if runUser == "" {
		runUser = "/run/user/" + strconv.Itoa(os.Getuid())
	}
	if filepath.IsAbs(runUser) && checkDir(runUser) == nil {
		add(filepath.Join(runUser, "aim"))
	}
	if filepath.IsAbs(d.Temp) {
		add(tempSocketDir(d.Temp))
	}
	return dirs
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

// Places returns where a command looks for the control socket of
// screenName's session, best first: where ListenSession puts one, the
// fresh private directories last. The first is where a session would go.
// No file is made.
func (d Dirs) Places(screenName string) ([]string, error) {
	name, err := socketName(screenName)
	if err != nil {
		return nil, err
	}
	paths, skipped := d.places(name)
	all := append(paths, freshPlaces(d.Temp, name)...)
	if len(all) == 0 {
		if len(skipped) > 0 {
			return nil, skipped[0]
		}
		return nil, fmt.Errorf("control socket: no directory for it (runtime dir %q and temp dir %q are not absolute)", d.Runtime, d.Temp)
	}
	return all, nil
}

// Find returns the control socket of screenName's session for a command
// to Dial: the first of Places that is a socket in a safe directory. With
// none, it returns the first place, where Dial finds no session.
func Find(d Dirs, screenName string) (string, error) {
	all, err := d.Places(screenName)
	if err != nil {
		return "", err
	}
	for _, path := range all {
		if isSocket(path) {
			return path, nil
		}
	}
	return all[0], nil
}

// isSocket reports whether path is a socket in a safe directory: one in
// another user's directory is not our session's.
func isSocket(path string) bool {
	if checkDir(filepath.Dir(path)) != nil {
		return false
	}
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode().Type() == fs.ModeSocket
}

// Running returns the sessions here whose sockets answer, in any of d's
// places: the normalized screen name each socket is named after (a hash
// of it, for a name too long for the path), each once, sorted.
func Running(d Dirs) []string {
	dirs := d.dirs()
	if filepath.IsAbs(d.Temp) {
		fresh, _ := filepath.Glob(filepath.Join(d.Temp, freshPrefix()+"*"))
		dirs = append(dirs, fresh...)
	}
	var names []string
	for _, dir := range dirs {
		socks, _ := filepath.Glob(filepath.Join(dir, "*.sock"))
		for _, path := range socks {
			name := strings.TrimSuffix(filepath.Base(path), ".sock")
			if slices.Contains(names, name) || !isSocket(path) || !answers(path) {
				continue
			}
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
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
