package iostreams

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestLinesRefuseOnlyTheLongLine: a line over the limit is refused and
// the lines after it, the last without a line ending, are read as usual;
// line endings are those of bufio.ScanLines.
func TestLinesRefuseOnlyTheLongLine(t *testing.T) {
	t.Parallel()
	const limit = 100
	long := strings.Repeat("x", 3*limit)
	input := "first\r\n" + strings.Repeat("y", limit) + "\n" + long + "\n" + strings.Repeat("z", limit+1) + "\r\n\nquit"
	type got struct {
		line    string
		tooLong bool
	}
	want := []got{{"first", false}, {strings.Repeat("y", limit), false}, {"", true}, {"", true}, {"", false}, {"quit", false}}
	// One byte a read too: a line is never seen whole by one read.
	for name, r := range map[string]io.Reader{"whole": strings.NewReader(input), "bytewise": iotest.OneByteReader(strings.NewReader(input))} {
		t.Run(name, func(t *testing.T) {
			l := NewLines(r, limit)
			for i, w := range want {
				line, err := l.Next()
				var tl *LineTooLongError
				if errors.As(err, &tl) != w.tooLong || (err != nil && !w.tooLong) || line != w.line {
					t.Fatalf("line %d: %q, %v; want %q (too long: %v)", i+1, line, err, w.line, w.tooLong)
				}
			}
			if line, err := l.Next(); err != io.EOF {
				t.Errorf("after the last line: %q, %v; want io.EOF", line, err)
			}
		})
	}
}

// TestLinesHugeLine: a line of 64 MiB is refused, and the line after it
// read.
func TestLinesHugeLine(t *testing.T) {
	t.Parallel()
	l := NewLines(io.MultiReader(io.LimitReader(zeros{}, 64<<20), strings.NewReader("\nnext\n")), 1<<20)
	if _, err := l.Next(); err == nil || err.Error() != "line longer than 1 MiB: ignored" {
		t.Fatalf("a 64 MiB line: %v", err)
	}
	if line, err := l.Next(); line != "next" || err != nil {
		t.Fatalf("the line after it: %q, %v", line, err)
	}
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = 'a'
	}
	return len(b), nil
}
