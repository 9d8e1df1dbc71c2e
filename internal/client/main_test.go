package client_test

import (
	"os"
	"testing"

	"github.com/aim-oscar/aim/internal/leakcheck"
)

// TestMain fails the package if any goroutine outlives its test: every
// client's session, reconnect loop, config watcher and room connections
// must be stopped by its owner once the tests and their cleanups are done.
func TestMain(m *testing.M) { os.Exit(leakcheck.Main(m)) }
