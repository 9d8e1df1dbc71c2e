package control_test

import (
	"os"
	"testing"

	"github.com/aim-oscar/aim/internal/leakcheck"
)

// TestMain runs the child half of the tests that need another user (see
// runAsNobody), and fails the package if any goroutine outlives its
// test: every server's accept loop, readers, writers and handlers must be
// gone once the tests and their cleanups (which close the servers) are done.
func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		os.Exit(child(mode, os.Getenv(childPathEnv)))
	}
	os.Exit(leakcheck.Main(m))
}
