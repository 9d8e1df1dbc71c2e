package config

import (
	"os"
	"testing"

	"github.com/aim-oscar/aim/internal/leakcheck"
)

// TestMain fails the package if any goroutine outlives its test: a
// Watcher's must stop with its Run, a password command's with its process.
func TestMain(m *testing.M) { os.Exit(leakcheck.Main(m)) }
