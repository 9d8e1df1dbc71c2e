package main

import (
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
