package oscartest

import (
	"os"
	"testing"

	"github.com/aim-oscar/aim/internal/leakcheck"
)

// TestMain fails the package if any goroutine outlives its test: Close
// must wait for the listeners and every connection's goroutines it started.
func TestMain(m *testing.M) { os.Exit(leakcheck.Main(m)) }
