package tui

import (
	"os"
	"testing"

	"github.com/aim-oscar/aim/internal/leakcheck"
)

func TestMain(m *testing.M) { os.Exit(leakcheck.Main(m)) }
