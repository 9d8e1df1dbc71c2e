package chat_test

import (
	"os"
	"testing"

	"github.com/aim-oscar/aim/internal/leakcheck"
)

// TestMain fails the package if any goroutine outlives its test: every
// room connection's reader, writer and keepalive must be gone once the
// tests (and their cleanups, which leave rooms) are done.
func TestMain(m *testing.M) { os.Exit(leakcheck.Main(m)) }
