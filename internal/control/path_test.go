package control_test

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/control"
)

// firstPlace is the first of Places, where a session's socket goes when
// that place will do (RunUser left out: it exists on most machines).
func firstPlace(runtimeDir, tempDir, screenName string) (string, error) {
	places, err := control.Dirs{Runtime: runtimeDir, RunUser: "/nonexistent", Temp: tempDir}.Places(screenName)
	if err != nil {
		return "", err
	}
	return places[0], nil
}

func TestPlaces(t *testing.T) {
	t.Parallel()
	uid := strconv.Itoa(os.Getuid())
	long := strings.Repeat("x", 97)
	tests := []struct {
		name, runtimeDir, tempDir, screenName string
		want                                  string // "" with wantErr
		wantErr                               string
	}{
		{"runtime dir", "/run/user/1000", "/tmp", "Lab Bob", "/run/user/1000/aim/labbob.sock", ""},
		{"no runtime dir", "", "/tmp", "LabBob", "/tmp/aim-" + uid + "/labbob.sock", ""},
		{"relative runtime dir", "run", "/var/tmp", "bob", "/var/tmp/aim-" + uid + "/bob.sock", ""},
		{"spaces around", "/r", "/tmp", "  Bob  ", "/r/aim/bob.sock", ""},
		{"email name", "/r", "/tmp", "Bob@Example.com", "/r/aim/bob@example.com.sock", ""},
		{"too long: hashed", "/run/user/1000", "/tmp", long, "/run/user/1000/aim/", ""},
		{"no absolute dir", "", "tmp", "bob", "", "not absolute"},
		{"empty name", "/r", "/tmp", "  ", "", "empty"},
		{"slash", "/r", "/tmp", "a/b", "", "cannot name a file"},
		{"dot dot", "/r", "/tmp", "..", "", "cannot name a file"},
		{"control character", "/r", "/tmp", "a\x00b", "", "control character"},
		{"dir too long", "/" + strings.Repeat("d", 100), "tmp", "bob", "", "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := firstPlace(tt.runtimeDir, tt.tempDir, tt.screenName)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Places = %q, %v; want an error with %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(tt.want, "/") { // hashed: only the directory is known
				if !strings.HasPrefix(got, tt.want) || !strings.HasSuffix(got, ".sock") || strings.Contains(got, long) || len(got) > 107 {
					t.Errorf("Places[0] = %q, want a short name in %s", got, tt.want)
				}
				again, _ := firstPlace(tt.runtimeDir, tt.tempDir, strings.ToUpper(tt.screenName))
				if again != got {
					t.Errorf("the same name in capitals gives %q, want %q", again, got)
				}
				return
			}
			if got != tt.want {
				t.Errorf("Places[0] = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPlacesRunUser (issue 22 item 12): without XDG_RUNTIME_DIR (cron), a
// command looks in the user's /run/user/UID, where a session started with
// it put its socket, and then in the temp dir; a runtime dir that is
// /run/user/UID is looked in once.
func TestPlacesRunUser(t *testing.T) {
	t.Parallel()
	runUser, tmp := t.TempDir(), t.TempDir()
	if err := os.Chmod(runUser, 0o700); err != nil { // as /run/user/UID is
		t.Fatal(err)
	}
	wantRun := filepath.Join(runUser, "aim", "labbob.sock")
	wantTmp := filepath.Join(tmp, "aim-"+strconv.Itoa(os.Getuid()), "labbob.sock")
	for _, d := range []control.Dirs{{RunUser: runUser, Temp: tmp}, {Runtime: runUser, RunUser: runUser, Temp: tmp}} {
		got, err := d.Places("Lab Bob")
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{wantRun, wantTmp}; !slices.Equal(got, want) {
			t.Errorf("%+v: Places = %q, want %q", d, got, want)
		}
	}
}

// The socket's directory is made 0700 (whatever the umask) and the socket
// 0600, in the runtime dir or, without one, in the temp dir.
func TestListenModes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, runtimeDir, tempDir string }{
		{"runtime dir", t.TempDir(), "/nonexistent"},
		{"temp dir", "", t.TempDir()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path, err := firstPlace(tt.runtimeDir, tt.tempDir, "Lab Bob")
			if err != nil {
				t.Fatal(err)
			}
			srv := listen(t, path, echo)
			if srv.Path() != path {
				t.Errorf("Path() = %q, want %q", srv.Path(), path)
			}
			for _, f := range []struct {
				path string
				want os.FileMode
			}{{filepath.Dir(path), os.ModeDir | 0o700}, {path, os.ModeSocket | 0o600}} {
				fi, err := os.Lstat(f.path)
				if err != nil {
					t.Fatal(err)
				}
				if fi.Mode() != f.want {
					t.Errorf("%s has mode %v, want %v", f.path, fi.Mode(), f.want)
				}
			}
			roundTrip(t, path)
		})
	}
}

// A directory someone else could reach into is refused, and left as it is.
func TestListenRefusesUnsafeDir(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		make   func(t *testing.T, dir string)
		reason string
	}{
		{"open to others", func(t *testing.T, dir string) { mkdir(t, dir, 0o755) }, "has mode 0755"},
		{"open to the group", func(t *testing.T, dir string) { mkdir(t, dir, 0o770) }, "has mode 0770"},
		{"a symbolic link", func(t *testing.T, dir string) {
			target := filepath.Join(filepath.Dir(dir), "elsewhere")
			mkdir(t, target, 0o700)
			if err := os.Symlink(target, dir); err != nil {
				t.Fatal(err)
			}
		}, "is a symbolic link"},
		{"a file", func(t *testing.T, dir string) {
			if err := os.WriteFile(dir, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "is not a directory"},
		{"another user's", func(t *testing.T, dir string) {
			if os.Getuid() != 0 {
				t.Skip("needs root to make a directory for another user")
			}
			mkdir(t, dir, 0o700)
			if err := os.Chown(dir, nobody, nobody); err != nil {
				t.Fatal(err)
			}
		}, "is owned by uid 65534"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "aim-0")
			tt.make(t, dir)
			srv, err := control.Listen(filepath.Join(dir, "bob.sock"), echo, control.Options{})
			var unsafe *control.UnsafeDirError
			if !errors.As(err, &unsafe) || !strings.Contains(err.Error(), tt.reason) {
				if err == nil {
					srv.Close()
				}
				t.Fatalf("Listen: %v, want an *UnsafeDirError that %s", err, tt.reason)
			}
			if _, err := os.Lstat(filepath.Join(dir, "bob.sock")); err == nil {
				t.Errorf("a socket was made in the unsafe directory: %v", err)
			}
		})
	}
}

// A socket left by a session that died is replaced.
func TestListenReplacesStaleSocket(t *testing.T) {
	t.Parallel()
	path := socketPath(t)
	mkdir(t, filepath.Dir(path), 0o700)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false) // as if the process had been killed
	ln.Close()
	if _, err := control.Dial(t.Context(), path); !isNoSession(err) {
		t.Fatalf("Dial to the stale socket: %v, want a *NoSessionError", err)
	}
	listen(t, path, echo)
	roundTrip(t, path)
}

// A live session keeps its socket: a second Listen says so and touches
// nothing, whether the session holds the lock (another aim) or not.
func TestListenInUse(t *testing.T) {
	t.Parallel()
	t.Run("another aim", func(t *testing.T) {
		path := socketPath(t)
		listen(t, path, echo)
		srv, err := control.Listen(path, echo, control.Options{})
		var inUse *control.InUseError
		if !errors.As(err, &inUse) || inUse.Path != path {
			if err == nil {
				srv.Close()
			}
			t.Fatalf("second Listen: %v, want an *InUseError", err)
		}
		roundTrip(t, path) // the first still serves
	})
	t.Run("a listener without the lock", func(t *testing.T) {
		path := socketPath(t)
		mkdir(t, filepath.Dir(path), 0o700)
		ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		srv, err := control.Listen(path, echo, control.Options{})
		var inUse *control.InUseError
		if !errors.As(err, &inUse) {
			if err == nil {
				srv.Close()
			}
			t.Fatalf("Listen: %v, want an *InUseError", err)
		}
		if fi, err := os.Lstat(path); err != nil || fi.Mode().Type() != os.ModeSocket {
			t.Errorf("the live socket is gone: %v", err)
		}
	})
	t.Run("not a socket", func(t *testing.T) {
		path := socketPath(t)
		mkdir(t, filepath.Dir(path), 0o700)
		if err := os.WriteFile(path, []byte("mine"), 0o600); err != nil {
			t.Fatal(err)
		}
		if srv, err := control.Listen(path, echo, control.Options{}); err == nil || !strings.Contains(err.Error(), "not a socket") {
			if err == nil {
				srv.Close()
			}
			t.Fatalf("Listen: %v, want an error saying a file is in the way", err)
		}
		if b, err := os.ReadFile(path); err != nil || string(b) != "mine" {
			t.Errorf("the file was touched: %q, %v", b, err)
		}
	})
}

// When the session is over, the socket goes, and the next Listen works.
func TestListenAfterClose(t *testing.T) {
	t.Parallel()
	path := socketPath(t)
	srv, err := control.Listen(path, echo, control.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the socket is still there after Close: %v", err)
	}
	if _, err := control.Dial(t.Context(), path); !isNoSession(err) {
		t.Errorf("Dial after Close: %v, want a *NoSessionError", err)
	}
	listen(t, path, echo)
	roundTrip(t, path)
}

func TestDialNoSession(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "aim", "nobody.sock")
	_, err := control.Dial(t.Context(), path)
	var no *control.NoSessionError
	if !errors.As(err, &no) || no.Path != path {
		t.Fatalf("Dial: %v, want a *NoSessionError for %s", err, path)
	}
}

// squat makes dir the way another user would: theirs (as root) or, as
// anyone else, open to others; either way unsafe to put a socket in.
func squat(t *testing.T, dir string) {
	t.Helper()
	mkdir(t, dir, 0o755)
	if os.Getuid() == 0 {
		if err := os.Chown(dir, nobody, nobody); err != nil {
			t.Fatal(err)
		}
	}
}

// listenSession runs ListenSession, closing the server at the test's end.
func listenSession(t *testing.T, d control.Dirs, name string, opts control.Options) (*control.Server, []error) {
	t.Helper()
	srv, skipped, err := control.ListenSession(d, name, echo, opts)
	if err != nil {
		t.Fatalf("ListenSession: %v (skipped %v)", err, skipped)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, skipped
}

// Without a runtime dir, the system's per-user one is used when it is
// this user's; else the temp dir's aim-<uid>; and when another user made
// that first, a fresh private directory, which Find finds, and which goes
// when the session does. Only a place that is passed over is reported.
func TestListenSessionPlaces(t *testing.T) {
	t.Parallel()
	uid := strconv.Itoa(os.Getuid())
	t.Run("run user", func(t *testing.T) {
		runUser := filepath.Join(t.TempDir(), uid)
		mkdir(t, runUser, 0o700)
		d := control.Dirs{RunUser: runUser, Temp: t.TempDir()}
		srv, skipped := listenSession(t, d, "Lab Bob", control.Options{})
		if want := filepath.Join(runUser, "aim", "labbob.sock"); srv.Path() != want || len(skipped) != 0 {
			t.Errorf("socket at %s (skipped %v), want %s", srv.Path(), skipped, want)
		}
	})
	t.Run("run user not ours", func(t *testing.T) {
		runUser := filepath.Join(t.TempDir(), uid)
		squat(t, runUser)
		tmp := t.TempDir()
		d := control.Dirs{RunUser: runUser, Temp: tmp}
		srv, _ := listenSession(t, d, "Lab Bob", control.Options{})
		if want := filepath.Join(tmp, "aim-"+uid, "labbob.sock"); srv.Path() != want {
			t.Errorf("socket at %s, want %s", srv.Path(), want)
		}
	})
	t.Run("temp dir squatted", func(t *testing.T) {
		tmp := t.TempDir()
		squat(t, filepath.Join(tmp, "aim-"+uid))
		// The squatter listens where the session's socket would be: that
		// is no session of ours, and must not keep ours from starting.
		if ln, err := net.Listen("unix", filepath.Join(tmp, "aim-"+uid, "labbob.sock")); err == nil {
			defer ln.Close()
		}
		d := control.Dirs{RunUser: filepath.Join(tmp, "none"), Temp: tmp}
		srv, skipped, err := control.ListenSession(d, "Lab Bob", echo, control.Options{})
		if err != nil {
			t.Fatalf("ListenSession: %v", err)
		}
		dir := filepath.Dir(srv.Path())
		if !strings.HasPrefix(filepath.Base(dir), "aim-"+uid+"-") || filepath.Dir(dir) != tmp {
			t.Errorf("socket at %s, want one in a fresh directory %s/aim-%s-...", srv.Path(), tmp, uid)
		}
		var unsafe *control.UnsafeDirError
		if len(skipped) != 1 || !errors.As(skipped[0], &unsafe) {
			t.Errorf("skipped %v, want the squatted directory", skipped)
		}
		if fi, err := os.Lstat(dir); err != nil || fi.Mode() != os.ModeDir|0o700 {
			t.Errorf("the fresh directory: %v, %v; want mode 0700", fi, err)
		}
		if found, err := control.Find(d, "labbob"); err != nil || found != srv.Path() {
			t.Errorf("Find = %s, %v; want %s", found, err, srv.Path())
		}
		roundTrip(t, srv.Path())
		if _, _, err := control.ListenSession(d, "LabBob", echo, control.Options{}); !errors.As(err, new(*control.InUseError)) {
			t.Errorf("a second ListenSession: %v, want an *InUseError", err)
		}
		srv.Close()
		if _, err := os.Lstat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the fresh directory is still there after Close: %v", err)
		}
	})
	t.Run("too long", func(t *testing.T) {
		long := filepath.Join(t.TempDir(), strings.Repeat("r", 100))
		tmp := t.TempDir()
		d := control.Dirs{Runtime: long, RunUser: filepath.Join(tmp, "none"), Temp: tmp}
		srv, skipped := listenSession(t, d, "Lab Bob", control.Options{})
		if want := filepath.Join(tmp, "aim-"+uid, "labbob.sock"); srv.Path() != want || len(skipped) != 1 || !strings.Contains(skipped[0].Error(), "longer than") {
			t.Errorf("socket at %s (skipped %v), want %s, the runtime dir skipped as too long", srv.Path(), skipped, want)
		}
		if found, _ := control.Find(d, "Lab Bob"); found != srv.Path() {
			t.Errorf("Find = %s, want %s", found, srv.Path())
		}
	})
	t.Run("nowhere", func(t *testing.T) {
		long := filepath.Join(t.TempDir(), strings.Repeat("t", 100))
		d := control.Dirs{Runtime: long, RunUser: filepath.Join(long, "none"), Temp: long}
		if srv, _, err := control.ListenSession(d, "Lab Bob", echo, control.Options{}); err == nil || !strings.Contains(err.Error(), "longer than") {
			if err == nil {
				srv.Close()
			}
			t.Fatalf("ListenSession: %v, want an error saying the paths are too long", err)
		}
	})
}

// A session whose socket directory was removed makes it again at its next
// check, and serves there; the socket it had is then no one's.
func TestSocketMadeAgain(t *testing.T) {
	t.Parallel()
	path := socketPath(t)
	tick := make(chan time.Time)
	listen(t, path, echo, control.Options{Tick: tick})
	if err := os.RemoveAll(filepath.Dir(path)); err != nil {
		t.Fatal(err)
	}
	if _, err := control.Dial(t.Context(), path); !isNoSession(err) {
		t.Fatalf("Dial with the directory gone: %v, want a *NoSessionError", err)
	}
	tick <- time.Now()
	tick <- time.Now() // taken once the first check is done
	roundTrip(t, path)
	fi, err := os.Lstat(filepath.Dir(path))
	if err != nil || fi.Mode() != os.ModeDir|0o700 {
		t.Errorf("the directory made again: %v, %v; want mode 0700", fi, err)
	}
	tick <- time.Now() // nothing to do: the socket is there
	roundTrip(t, path)
}
