package iostreams

import (
	"io"
	"testing"
)

// TestColor (issue 22 item 18): always and never decide; auto colours a
// terminal unless NO_COLOR is set; a pipe is never a terminal.
func TestColor(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		mode              string
		terminal, noColor bool
		want              bool
	}{
		{"auto", true, false, true},
		{"", true, false, true},
		{"auto", true, true, false},
		{"auto", false, false, false},
		{"always", false, true, true},
		{"never", true, false, false},
	} {
		s := &IOStreams{Out: io.Discard}
		s.SetStdoutTTY(tt.terminal)
		s.SetNoColor(tt.noColor)
		if got := s.Color(tt.mode); got != tt.want {
			t.Errorf("Color(%q) on a terminal %v, NO_COLOR %v = %v, want %v", tt.mode, tt.terminal, tt.noColor, got, tt.want)
		}
	}
	if s := (&IOStreams{Out: io.Discard}); s.IsStdoutTTY() {
		t.Error("a writer that is no file is a terminal")
	}
}
