package client_test

import (
	"go/build"
	"slices"
	"testing"
)

// TestNoCodecAbove: the runtime and the command line speak bos's and
// login's words; only they (and the test server) import the codec.
func TestNoCodecAbove(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{".", "../../cmd/aim"} {
		p, err := build.ImportDir(dir, 0)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(p.Imports, "github.com/aim-oscar/aim/internal/oscar") {
			t.Errorf("%s imports internal/oscar", p.ImportPath)
		}
	}
}
