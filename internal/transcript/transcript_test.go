package transcript

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The captures live in the repository: a fresh clone finds them without
// AIM_TRANSCRIPTS or ../shared, and every one of them parses.
func TestCapturesInRepository(t *testing.T) {
	t.Setenv("AIM_TRANSCRIPTS", "")
	dir, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(dir) != "testdata" {
		t.Fatalf("Dir() = %s, want the repository's testdata", dir)
	}
	files, err := Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no captures in %s", dir)
	}
	for _, f := range files {
		lines, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) == 0 {
			t.Errorf("%s: no frame lines", filepath.Base(f))
		}
	}
}

// AIM_TRANSCRIPTS still points the tests at another set of captures.
func TestEnvironmentOverrides(t *testing.T) {
	other := t.TempDir()
	t.Setenv("AIM_TRANSCRIPTS", other)
	if dir, err := Dir(); err != nil || dir != other {
		t.Fatalf("Dir() = %q, %v; want %q", dir, err, other)
	}
}

// The shared captures (../shared/transcripts beside the repository, where
// the lab adds new ones) and the repository's copy are the same files: a
// capture added there and not copied here fails this test. Without
// ../shared (a fresh clone) there is nothing to compare.
func TestCopyMatchesShared(t *testing.T) {
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	shared := filepath.Join(root, "..", "shared", "transcripts")
	if _, err := os.Stat(shared); err != nil {
		t.Logf("no %s to compare with", shared)
		return
	}
	ours := filepath.Join(root, "internal", "transcript", "testdata")
	names := func(dir string) map[string]bool {
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]bool{}
		for _, e := range ents {
			if e.Type().IsRegular() {
				m[e.Name()] = true
			}
		}
		return m
	}
	theirs, mine := names(shared), names(ours)
	for n := range theirs {
		if !mine[n] {
			t.Errorf("%s is in %s but not in %s: copy it", n, shared, ours)
			continue
		}
		a, err := os.ReadFile(filepath.Join(shared, n))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(ours, n))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between %s and %s: copy it again", n, shared, ours)
		}
	}
	for n := range mine {
		if !theirs[n] {
			t.Errorf("%s is in %s but not in %s", n, ours, shared)
		}
	}
}
