package client

import (
	"fmt"
	"io"
	"strings"
)

// ReadText reads what (a message, a profile) from r, standard input or a
// file: at most limit bytes (more is a *UsageError), without the line
// endings editors and echo add at the end.
func ReadText(r io.Reader, what string, limit int64) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return "", fmt.Errorf("reading the %s: %w", what, err)
	}
	if int64(len(b)) > limit {
		return "", Usagef("the %s is longer than %d bytes", what, limit)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}
