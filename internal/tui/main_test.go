package tui

import (
	"os"
	"os/signal"
	"syscall"
	"testing"

	"github.com/aim-oscar/aim/internal/leakcheck"
)

func TestMain(m *testing.M) {
	// os/signal's loop, started by the first Notify (Bubble Tea's, in a
	// test of Run), lives as long as the process: start it before the
	// goroutines are counted.
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGWINCH)
	signal.Stop(c)
	os.Exit(leakcheck.Main(m))
}
