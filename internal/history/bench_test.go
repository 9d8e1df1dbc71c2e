package history

import (
	"os"
	"testing"

	"github.com/aim-oscar/aim/internal/history/historytest"
)

// The corpus of the reading benchmarks (historytest): a million stored
// IMs across 500 conversations, 2,000 each over four months, in the
// format a Recorder writes (client's TestHistoryCorpusLikeRecorder checks
// it against a Recorder's line for a client.IM). One line in 1,000 holds
// historytest.Needle.

// writeCorpus writes the corpus under root (a history directory), and
// returns the name of one of its conversations.
func writeCorpus(tb testing.TB, root string) string {
	tb.Helper()
	name, err := historytest.Write(root)
	if err != nil {
		tb.Fatal(err)
	}
	return name
}

// TestWriteCorpus writes the benchmarks' corpus where AIM_HISTORY_CORPUS
// says (a history directory), for timing the aim binary on it by hand
// (see docs/history.md); without it, it does nothing.
func TestWriteCorpus(t *testing.T) {
	t.Parallel()
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
		if err != nil || len(lines) != historytest.Matches {
			b.Fatalf("%d lines, %v", len(lines), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
	b.ReportMetric(float64(historytest.Convs*historytest.PerConv), "lines")
}
