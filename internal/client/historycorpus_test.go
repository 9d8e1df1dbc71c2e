package client

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aim-oscar/aim/internal/history/historytest"
)

// TestHistoryCorpusLikeRecorder: a line of the history benchmarks' corpus
// (historytest) is what a Recorder writes for the same IM, received or
// sent: an IM read from the corpus line and recorded the way the session
// records it writes the corpus line again, byte for byte. A field added
// to IM (or to what the history adds to a line) makes it fail until the
// corpus has it too, so the benchmarks keep reading what aim stores.
func TestHistoryCorpusLikeRecorder(t *testing.T) {
	dir := t.TempDir()
	rec, err := openHistory(Account{HistoryDir: dir}, func(o Output) { t.Errorf("history: %v", o) })
	if err != nil {
		t.Fatal(err)
	}
	const c = 42
	var lines []string
	for i := range 2 { // even: an IM received; odd: one sent
		line, when := historytest.AppendLine(nil, c, i)
		lines = append(lines, string(line))
		var im IM
		if err := json.Unmarshal(line, &im); err != nil {
			t.Fatalf("corpus line %q: %v", line, err)
		}
		Stamp(&im, when)
		if i%2 == 0 {
			e, _ := historyEntry(&im)
			rec.Record(e)
		} else {
			rec.Record(sentIM(im.From, historytest.ConvKey(c), im.HTML, im.AutoResponse, when))
		}
	}
	if err := rec.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	rec.Close()

	raw, err := os.ReadFile(filepath.Join(dir, "im", historytest.ConvKey(c), "2026-09.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if want := lines[0] + lines[1]; string(raw) != want {
		t.Errorf("the Recorder wrote\n%s\nthe corpus has\n%s", raw, want)
	}
}
