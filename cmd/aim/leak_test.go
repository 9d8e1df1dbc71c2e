package main

import (
	"os"
	"testing"

	"github.com/aim-oscar/aim/internal/leakcheck"
)

// TestMain fails the package if any goroutine outlives its test: a
// command's session, its control socket's listener and the chat loop must
// all be stopped by the command that started them.
func TestMain(m *testing.M) {
	code := leakcheck.Main(m)
	if builtAimDir != "" {
		os.RemoveAll(builtAimDir)
	}
	os.Exit(code)
}
