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
// HOME) only as the test set them, the others (PATH, TMPDIR) as the
// process has them; nil for a test that set none.
func envOf(t testing.TB) func(string) (string, bool) {
	e, ok := testEnvs.Load(topName(t))
	if !ok {
		return nil
	}
	te := e.(*testEnv)
	return func(k string) (string, bool) {
		te.mu.Lock()
		v, set := te.m[k]
		te.mu.Unlock()
		switch {
		case set:
			return v, v != ""
		case strings.HasPrefix(k, "AIM_"), strings.HasPrefix(k, "XDG_"), k == "HOME":
			return "", false
		}
		return os.LookupEnv(k)
	}
}
