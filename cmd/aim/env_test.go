package main

import (
	"os"
	"strings"
	"sync"
	"testing"
)

// Each top-level test has an environment of its own, set with setenv and
// read by the aim it runs (runIn), so that the tests run in parallel
// instead of taking turns with t.Setenv. A test that sets none runs aim in
// the process's environment.

type testEnv struct {
	mu sync.Mutex
	m  map[string]string
}

var testEnvs sync.Map // top-level test name → *testEnv

func topName(t testing.TB) string { return strings.SplitN(t.Name(), "/", 2)[0] }

// setenv sets k to v in t's environment ("" counts as unset, as aim reads
// it).
func setenv(t testing.TB, k, v string) {
	t.Helper()
	e, loaded := testEnvs.LoadOrStore(topName(t), &testEnv{m: map[string]string{}})
	if !loaded {
		name := topName(t)
		t.Cleanup(func() { testEnvs.Delete(name) })
	}
	te := e.(*testEnv)
	te.mu.Lock()
	te.m[k] = v
	te.mu.Unlock()
}

// getenv is k in t's environment.
func getenv(t testing.TB, k string) string {
	v, _ := envOf(t)(k)
	return v
}

// envOf looks up t's environment: aim's own variables (AIM_*, XDG_*,
// HOME) only as the test set them, TMPDIR a directory of the test's own
// (testTemp) unless it set one, the others (PATH) as the process has
// them. A test that set none keeps the process's HOME and AIM_*, but
// neither its runtime nor its temp dir: the sessions of tests running
// beside it (the demo's, all DemoUser) are not found there.
func envOf(t testing.TB) func(string) (string, bool) {
	tmp := testTemp(t)
	e, ok := testEnvs.Load(topName(t))
	if !ok {
		return func(k string) (string, bool) {
			switch k {
			case "TMPDIR":
				return tmp, true
			case "XDG_RUNTIME_DIR":
				return "", false
			}
			return os.LookupEnv(k)
		}
	}
	te := e.(*testEnv)
	return func(k string) (string, bool) {
		te.mu.Lock()
		v, set := te.m[k]
		te.mu.Unlock()
		switch {
		case set:
			return v, v != ""
		case k == "TMPDIR":
			return tmp, true
		case strings.HasPrefix(k, "AIM_"), strings.HasPrefix(k, "XDG_"), k == "HOME":
			return "", false
		}
		return os.LookupEnv(k)
	}
}

var (
	tempMu   sync.Mutex
	tempDirs = map[string]string{} // top-level test name → its temp dir
)

// testTemp is the temp dir of t's top-level test: short, so that socket
// paths in it fit, and made once, under the package's (TestMain removes
// it).
func testTemp(t testing.TB) string {
	t.Helper()
	tempMu.Lock()
	defer tempMu.Unlock()
	name := topName(t)
	if d, ok := tempDirs[name]; ok {
		return d
	}
	d, err := os.MkdirTemp("", "t")
	if err != nil {
		t.Fatal(err)
	}
	tempDirs[name] = d
	return d
}
