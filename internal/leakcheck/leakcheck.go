// Package leakcheck fails a test binary whose goroutines outlive its
// tests: every goroutine a package starts must have an owner that stops
// it, so once the tests and their cleanups are done, none of the module's
// goroutines may be left. It is for TestMain functions only.
//
// Main also sets how many parallel tests run at once: the module's tests
// wait on servers on loopback and on timers, seldom on the CPU.
package leakcheck

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// bound is how long the goroutines of the last cleanups get to finish.
const bound = 10 * time.Second

// parallel is how many parallel tests (t.Parallel) run at once unless
// -parallel says otherwise. go test's default is one per core, which
// suits tests that use the CPU; ours mostly wait on loopback and timers,
// so a core would sit idle while its one test waits.
const parallel = "8"

// Main runs the tests and returns the exit code for os.Exit: the tests'
// own, or 1 when they passed but goroutines of this module are still
// running after bound (their stacks go to standard error). A fuzzing run
// is not checked: the fuzzing engine keeps goroutines of its own.
//
// Before it runs them, Main raises -parallel to 8 unless the command line
// gives -parallel, the race detector is on (it multiplies each test's CPU,
// making the CPU the limit) or the run is fuzzing (where -parallel counts
// the fuzzing workers).
func Main(m *testing.M) int {
	flag.Parse()
	if !raceDetector && !fuzzing() && !given("test.parallel") {
		flag.Set("test.parallel", parallel)
	}
	before := runtime.NumGoroutine()
	code := m.Run()
	if code == 0 && !fuzzing() {
		if leaked := wait(before); leaked != "" {
			fmt.Fprintf(os.Stderr, "goroutines left after the tests:\n%s\n", leaked)
			code = 1
		}
	}
	return code
}

// given reports whether the command line set the flag called name.
func given(name string) (set bool) {
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func fuzzing() bool {
	for _, name := range []string{"test.fuzz", "test.fuzzworker"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" && f.Value.String() != "false" {
			return true
		}
	}
	return false
}

// wait waits, within bound, for the goroutine count to fall back to n,
// and returns the stacks of the module's extra ones if it does not.
func wait(n int) string {
	deadline := time.Now().Add(bound)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			stacks := string(buf[:runtime.Stack(buf, true)])
			var ours []string
			for _, g := range strings.Split(stacks, "\n\n") {
				// The module's packages, and cmd/aim's package main.
				if strings.Contains(g, "aim-oscar/aim/internal") || strings.Contains(g, "\nmain.") {
					ours = append(ours, g)
				}
			}
			return strings.Join(ours, "\n\n")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return ""
}
