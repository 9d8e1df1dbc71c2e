package flapconn_test

import (
	"os"
	"testing"

	"github.com/aim-oscar/aim/internal/leakcheck"
)

// TestMain fails the package if any goroutine outlives its test: every
// connection's reader, writer and keepalive must be gone once the tests
// are done.
func TestMain(m *testing.M) { os.Exit(leakcheck.Main(m)) }
