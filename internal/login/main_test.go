package login_test

import (
	"os"
	"testing"

	"github.com/aim-oscar/aim/internal/leakcheck"
)

// TestMain fails the package if any goroutine outlives its test: a
// login's connection and its watcher must end with the handshake.
func TestMain(m *testing.M) { os.Exit(leakcheck.Main(m)) }
