package control_test

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestMain runs the child half of the tests that need another user (see
// runAsNobody), and fails the package if any goroutine outlives its
// test: every server's accept loop, readers, writers and handlers must be
// gone once the tests and their cleanups (which close the servers) are done.
func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		os.Exit(child(mode, os.Getenv(childPathEnv)))
	}
	before := runtime.NumGoroutine()
	code := m.Run()
	if code == 0 && !fuzzing() {
		if leaked := waitGoroutines(before, 10*time.Second); leaked != "" {
			fmt.Fprintf(os.Stderr, "goroutines left after the tests:\n%s\n", leaked)
			code = 1
		}
	}
	os.Exit(code)
}

// fuzzing reports whether this run is fuzzing, whose engine keeps
// goroutines of its own.
func fuzzing() bool {
	for _, name := range []string{"test.fuzz", "test.fuzzworker"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" && f.Value.String() != "false" {
			return true
		}
	}
	return false
}

// waitGoroutines waits, within a bound, for the goroutine count to fall
// back to n, and returns the stacks of the extra ones if it does not.
func waitGoroutines(n int, bound time.Duration) string {
	deadline := time.Now().Add(bound)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			stacks := string(buf[:runtime.Stack(buf, true)])
			var ours []string
			for _, g := range strings.Split(stacks, "\n\n") {
				if strings.Contains(g, "aim-oscar/aim/internal") {
					ours = append(ours, g)
				}
			}
			return strings.Join(ours, "\n\n")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return ""
}
