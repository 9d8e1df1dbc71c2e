// Package historytest writes the corpus of the history benchmarks: a
// million stored IMs across 500 conversations, in the layout and format
// a history.Recorder writes. The reading benchmarks of internal/history
// time the functions on it; cmd/aim's time the aim binary.
package historytest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// The corpus: Convs conversations of PerConv IMs each, over four months
// (so four month files each), every other one sent. One line in 1,000
// holds Needle; Name is one conversation, spelled as a person would.
const (
	Convs   = 500
	PerConv = 2000
	Needle  = "Needle"
	Name    = "Buddy 042"
)

// Matches is how many lines hold Needle.
const Matches = Convs * PerConv / 1000

// Write writes the corpus under root, a history directory (created 0700
// if missing), and returns Name.
func Write(root string) (string, error) {
	var line []byte
	for c := range Convs {
		dir := filepath.Join(root, "im", ConvKey(c))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", err
		}
		var f *os.File
		var w *bufio.Writer
		month := ""
		for i := range PerConv {
			var t time.Time
			line, t = AppendLine(line[:0], c, i)
			if m := t.Format("2006-01") + ".jsonl"; m != month {
				if err := closeFile(f, w); err != nil {
					return "", err
				}
				var err error
				if f, err = os.OpenFile(filepath.Join(dir, m), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err != nil {
					return "", err
				}
				w, month = bufio.NewWriterSize(f, 1<<20), m
			}
			if _, err := w.Write(line); err != nil {
				return "", err
			}
		}
		if err := closeFile(f, w); err != nil {
			return "", err
		}
	}
	return Name, nil
}

// ConvKey is the directory of conversation c (0 to Convs-1), as
// history.Key writes "Buddy 042".
func ConvKey(c int) string { return fmt.Sprintf("buddy%03d", c) }

// AppendLine appends line i (0 to PerConv-1) of conversation c, ending in
// '\n', to b, and returns it and the line's time: an IM from the buddy
// (even i) or to them (odd i), as a Recorder stores an aim IM event.
func AppendLine(b []byte, c, i int) ([]byte, time.Time) {
	start := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	step := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC).Sub(start) / PerConv
	t := start.Add(time.Duration(i)*step + time.Duration(c)*time.Second)
	name := ConvKey(c)
	from, tail := name, `,"direction":"in"}`
	if i%2 == 1 {
		from, tail = "LabAlice", `,"direction":"out","to":"`+name+`"}`
	}
	text := "message " + strconv.Itoa(i) + " about lunch, the build and the weather in room " + strconv.Itoa(i%97)
	if (c*PerConv+i)%1000 == 0 {
		text += " " + Needle
	}
	b = fmt.Appendf(b, `{"type":"im","time":%q,"from":%q,"text":%q,"html":%q,"auto_response":false,"auto_replied":false,"warning_level":0,"offline":false%s`+"\n",
		t.Format(time.RFC3339Nano), from, text, "<b>"+text+"</b>", tail)
	return b, t
}

func closeFile(f *os.File, w *bufio.Writer) error {
	if f == nil {
		return nil
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
