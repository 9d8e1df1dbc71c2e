package iostreams

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// LineTooLongError is a line of input longer than the reader takes: it was
// read to its end and dropped, and the next line is read as usual.
type LineTooLongError struct {
	Limit int // bytes
}

func (e *LineTooLongError) Error() string {
	return fmt.Sprintf("line longer than %s: ignored", byteSize(e.Limit))
}

// byteSize is n in the largest binary unit that divides it.
func byteSize(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Lines reads lines of input, each at most a bound long, without ever
// holding more than the bound in memory. Unlike a bufio.Scanner, a line
// over the bound does not end the input: that line is refused (a
// *LineTooLongError) and the lines after it are read.
type Lines struct {
	r     *bufio.Reader
	limit int
}

// NewLines reads r's lines of up to limit bytes (without the line ending).
func NewLines(r io.Reader, limit int) *Lines {
	return &Lines{r: bufio.NewReaderSize(r, 64<<10), limit: limit}
}

// Next returns the next line without its line ending ("\n" or "\r\n"; the
// last line needs none), as bufio.ScanLines has it. The end of input is io.EOF; a line longer than the
// limit is a *LineTooLongError, and the next call reads the line after it.
// Any other error ends the input.
func (l *Lines) Next() (string, error) {
	var line []byte
	tooLong := false
	for {
		chunk, err := l.r.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > l.limit+2 { // room for "\r\n"
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && (len(line) > 0 || tooLong):
		case err != nil && err != io.EOF:
			return "", err
		case err == io.EOF:
			return "", io.EOF
		}
		if tooLong {
			return "", &LineTooLongError{Limit: l.limit}
		}
		n := len(line)
		if n > 0 && line[n-1] == '\n' {
			n--
		}
		if n > 0 && line[n-1] == '\r' {
			n--
		}
		if n > l.limit {
			return "", &LineTooLongError{Limit: l.limit}
		}
		return string(line[:n]), nil
	}
}
