package netsim_test

import (
	"os"
	"testing"

	"github.com/aim-oscar/aim/internal/leakcheck"
)

// TestMain fails the package if any goroutine outlives its test: Close
// must stop every proxied connection's copy loops.
func TestMain(m *testing.M) { os.Exit(leakcheck.Main(m)) }
