package history

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// The corpus of the reading benchmarks: a million stored IMs across 500
// conversations, 2,000 each over four months, in the format a Recorder
// writes. One line in 1,000 holds corpusNeedle.
const (
	corpusConvs   = 500
	corpusPerConv = 2000
	corpusNeedle  = "Needle"
)

// writeCorpus writes the corpus under root (a history directory), and
// returns the name of one of its conversations.
func writeCorpus(tb testing.TB, root string) string {
	tb.Helper()
	start := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	step := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC).Sub(start) / corpusPerConv
	var line []byte
	for c := range corpusConvs {
		name := fmt.Sprintf("buddy%03d", c)
		dir := filepath.Join(root, string(KindIM), name)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			tb.Fatal(err)
		}
		var f *os.File
		var w *bufio.Writer
		month := ""
		for i := range corpusPerConv {
			t := start.Add(time.Duration(i)*step + time.Duration(c)*time.Second)
			if m := monthFile(t); m != month {
				if f != nil {
					closeCorpusFile(tb, f, w)
				}
				var err error
				if f, err = os.OpenFile(filepath.Join(dir, m), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err != nil {
					tb.Fatal(err)
				}
				w, month = bufio.NewWriterSize(f, 1<<20), m
			}
			from, dirn := name, In
			if i%2 == 1 {
				from, dirn = "LabAlice", Out
			}
			text := "message " + strconv.Itoa(i) + " about lunch, the build and the weather in room " + strconv.Itoa(i%97)
			if (c*corpusPerConv+i)%1000 == 0 {
				text += " " + corpusNeedle
			}
			line = fmt.Appendf(line[:0], `{"type":"im","time":%q,"from":%q,"text":%q,"html":%q,"auto_response":false,"auto_replied":false,"warning_level":0}`+"\n",
				t.Format(time.RFC3339Nano), from, text, "<b>"+text+"</b>")
			to := ""
			if dirn == Out {
				to = name
			}
			w.Write(appendLine(nil, line, dirn, to))
		}
		closeCorpusFile(tb, f, w)
	}
	return "Buddy 042"
}

func closeCorpusFile(tb testing.TB, f *os.File, w *bufio.Writer) {
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// TestWriteCorpus writes the benchmarks' corpus where AIM_HISTORY_CORPUS
// says (a history directory), for timing the aim binary on it (see
// docs/history.md); without it, it does nothing.
func TestWriteCorpus(t *testing.T) {
	root := os.Getenv("AIM_HISTORY_CORPUS")
	if root == "" {
		t.Skip("AIM_HISTORY_CORPUS names no directory")
	}
	writeCorpus(t, root)
}

// BenchmarkHistoryTail is aim history NAME --limit 50 on the corpus:
// the last 50 lines of one conversation, read from the end of its newest
// file.
func BenchmarkHistoryTail(b *testing.B) {
	root := b.TempDir()
	name := writeCorpus(b, root)
	s := NewStore(root)
	for b.Loop() {
		lines, err := s.Lines(name, Query{Limit: 50})
		if err != nil || len(lines) != 50 {
			b.Fatalf("%d lines, %v", len(lines), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
}

// BenchmarkHistoryGrep is aim history --grep over the whole corpus: a
// million lines in 500 conversations, every file streamed.
func BenchmarkHistoryGrep(b *testing.B) {
	root := b.TempDir()
	writeCorpus(b, root)
	s := NewStore(root)
	for b.Loop() {
		lines, err := s.Lines("", Query{Grep: "needle"})
		if err != nil || len(lines) != corpusConvs*corpusPerConv/1000 {
			b.Fatalf("%d lines, %v", len(lines), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
	b.ReportMetric(float64(corpusConvs*corpusPerConv), "lines")
}
