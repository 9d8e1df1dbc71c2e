package client_test

import (
	"slices"
	"testing"

	"github.com/aim-oscar/aim/internal/client"
)

// TestValueCompletion: the prompt completes what the table says an
// argument takes: privacy's modes (the same words aim privacy completes
// to in the shell), and help's command names. No session is needed.
func TestValueCompletion(t *testing.T) {
	t.Parallel()
	c := &client.Client{}
	for _, tt := range []struct{ line, want string }{
		{"privacy allow-b", "privacy allow-buddies "},
		{"privacy B", "privacy block-"},
		{"privacy block-all ", ""},
		{"help unbl", "help unblock "},
		{"help blo", "help block"},
	} {
		got, ok := c.Complete(tt.line)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Complete(%q) = %q, %v; want %q", tt.line, got, ok, tt.want)
		}
	}
	for _, tt := range []struct {
		line string
		want []string
	}{
		{"privacy block-", []string{"block-all", "block-deny"}},
		{"help bl", []string{"block", "blocked"}},
		{"privacy allow-all", nil},
	} {
		got := c.Choices(tt.line)
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Choices(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}
