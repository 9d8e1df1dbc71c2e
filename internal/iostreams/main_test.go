package iostreams

import (
	"os"
	"testing"

	"github.com/aim-oscar/aim/internal/leakcheck"
)

// TestMain fails the package if any goroutine outlives its test: the
// line editor's reader must end when its input does.
func TestMain(m *testing.M) { os.Exit(leakcheck.Main(m)) }
