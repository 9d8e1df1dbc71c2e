package history

import (
	"os"
	"testing"

	"github.com/aim-oscar/aim/internal/leakcheck"
)

// TestMain fails the package if any goroutine outlives its test: every
// Recorder's writer must be gone once its Close returns.
func TestMain(m *testing.M) { os.Exit(leakcheck.Main(m)) }
