package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/aim-oscar/aim/internal/leakcheck"
)

// TestMain fails the package if any goroutine outlives its test: a
// command's session, its control socket's listener and the chat loop must
// all be stopped by the command that started them.
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == aimName { // builtAim's symlink: be aim
		main()
	}
	// The tests wait on servers on loopback and on the session's timers,
	// seldom on the CPU: run more at once than go test's default (one per
	// core), unless -parallel says how many or the race detector makes
	// the CPU the limit.
	flag.Parse()
	if !flagSet("test.parallel") && !raceDetector {
		flag.Set("test.parallel", "8")
	}
	// A temp dir of the tests' own: the sessions this machine runs
	// otherwise (their sockets in /tmp/aim-UID) would be found by the
	// commands under test.
	tmp, err := os.MkdirTemp("", "aimt")
	if err != nil {
		panic(err)
	}
	os.Setenv("TMPDIR", tmp)
	code := leakcheck.Main(m)
	if builtAimDir != "" {
		os.RemoveAll(builtAimDir)
	}
	os.RemoveAll(tmp)
	os.Exit(code)
}

// flagSet reports whether the flag called name was given.
func flagSet(name string) (set bool) {
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
