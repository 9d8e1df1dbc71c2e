package history

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// event is a stand-in for aim's outputs: the package takes any value that
// Encode turns into a JSON object.
type event struct {
	Type string    `json:"type"`
	Time time.Time `json:"time"`
	From string    `json:"from,omitempty"`
	Text string    `json:"text,omitempty"`
}

func encode(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	return append(b, '\n'), err
}

var t0 = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

func im(i int, text string) event {
	return event{Type: "im", Time: t0.Add(time.Duration(i) * time.Second), From: "Lab Bob", Text: text}
}

func open(t *testing.T, dir string, opts Options) *Recorder {
	t.Helper()
	if opts.Encode == nil {
		opts.Encode = encode
	}
	r, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func record(r *Recorder, conv Conv, dir string, ev event) {
	r.Record(Entry{Conv: conv, Time: ev.Time, Direction: dir, Event: ev})
}

func texts(t *testing.T, lines []Line) []string {
	t.Helper()
	var out []string
	for _, l := range lines {
		var ev struct {
			event
			Direction string `json:"direction"`
		}
		if err := json.Unmarshal(l.Raw, &ev); err != nil {
			t.Fatalf("line %q: %v", l.Raw, err)
		}
		out = append(out, ev.Direction+":"+ev.Text)
	}
	return out
}

var bob = Conv{Kind: KindIM, Name: "Lab Bob"}

func TestRecordAndTail(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := open(t, dir, Options{})
	for i := range 30 {
		d := In
		if i%2 == 1 {
			d = Out
		}
		record(r, bob, d, im(i, fmt.Sprintf("m%02d", i)))
	}
	record(r, Conv{Kind: KindIM, Name: "carol"}, In, im(40, "other"))
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	s := NewStore(dir)
	convs, err := s.Find("labbob") // any spelling
	if err != nil {
		t.Fatal(err)
	}
	lines, err := s.Tail(convs, Query{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(texts(t, lines), " "), "out:m27 in:m28 out:m29"; got != want {
		t.Errorf("last 3 = %s, want %s", got, want)
	}
	lines, _ = s.Tail(convs, Query{Since: t0.Add(10 * time.Second), Until: t0.Add(13 * time.Second)})
	if got, want := strings.Join(texts(t, lines), " "), "in:m10 out:m11 in:m12"; got != want {
		t.Errorf("since/until = %s, want %s", got, want)
	}
	lines, _ = s.Grep(Query{Grep: "M1"})
	if len(lines) != 10 {
		t.Errorf("grep M1 found %d lines, want 10", len(lines))
	}
	lines, _ = s.Grep(Query{Grep: "OTHER", Limit: 5})
	if got := texts(t, lines); len(got) != 1 || got[0] != "in:other" || lines[0].Conv.Name != "carol" {
		t.Errorf("grep OTHER = %v", got)
	}
	path := filepath.Join(dir, "im", "labbob", "2026-12.jsonl")
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the file is not where the docs say: %v", err)
	}
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("modes do not describe Windows ACLs")
	}
	dir := filepath.Join(t.TempDir(), "state", "history")
	r := open(t, dir, Options{})
	record(r, bob, In, im(0, "hi"))
	record(r, Conv{Kind: KindRoom, Name: "Lab Lounge"}, In, im(1, "hello room"))
	r.Close()
	for _, p := range []string{dir, filepath.Join(dir, "im"), filepath.Join(dir, "im", "labbob"),
		filepath.Join(dir, "room", "lablounge")} {
		if info, err := os.Stat(p); err != nil || info.Mode().Perm() != 0o700 {
			t.Errorf("%s: %v, %v; want a 0700 directory", p, info.Mode(), err)
		}
	}
	for _, p := range []string{filepath.Join(dir, "im", "labbob", "2026-12.jsonl"), filepath.Join(dir, "room", "lablounge", "2026-12.jsonl")} {
		if info, err := os.Stat(p); err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, %v; want a 0600 file", p, info.Mode(), err)
		}
	}
}

// A line cut short (a crash, a full disk) is skipped on reading, and the
// next append starts on a line of its own.
func TestTornLastLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := open(t, dir, Options{})
	record(r, bob, In, im(0, "one"))
	record(r, bob, In, im(1, "two"))
	r.Close()
	path := filepath.Join(dir, "im", "labbob", "2026-12.jsonl")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"type":"im","time":"2026-12-07T10:00:02Z","text":"thr`)
	f.Close()

	s := NewStore(dir)
	lines, err := s.Tail([]Conv{bob}, Query{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(texts(t, lines), " "), "in:one in:two"; got != want {
		t.Errorf("with a torn last line: %s, want %s", got, want)
	}
	if lines, _ := s.Grep(Query{Grep: "o"}); len(lines) != 2 {
		t.Errorf("grep with a torn last line found %d lines, want 2", len(lines))
	}

	r = open(t, dir, Options{})
	record(r, bob, In, im(3, "four"))
	record(r, bob, Out, im(4, "five"))
	r.Close()
	lines, _ = s.Tail([]Conv{bob}, Query{})
	if got, want := strings.Join(texts(t, lines), " "), "in:one in:two in:four out:five"; got != want {
		t.Errorf("after appending: %s, want %s", got, want)
	}
	if lines, _ := s.Grep(Query{Grep: "f"}); len(lines) != 2 {
		t.Errorf("grep after appending found %d lines, want 2", len(lines))
	}
}

// A full queue drops events, counts them, and says so once (and the count
// at Close); it never blocks.
func TestQueueFull(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var mu sync.Mutex
	var problems []Problem
	release := make(chan struct{})
	enc := func(v any) ([]byte, error) {
		<-release // the disk is stuck
		return encode(v)
	}
	r := open(t, dir, Options{QueueSize: 4, Encode: enc, Report: func(p Problem) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, p)
	}})
	for i := range 20 {
		record(r, bob, In, im(i, "x"))
	}
	mu.Lock()
	if len(problems) != 1 || !errors.Is(problems[0].Err, ErrQueueFull) {
		t.Errorf("problems after overflowing = %v, want one ErrQueueFull", problems)
	}
	mu.Unlock()
	// At most the queue and the one being written are kept.
	if d := r.Dropped(); d < 20-5 || d > 20-4 {
		t.Errorf("Dropped = %d, want 15 or 16", d)
	}
	close(release)
	err := r.Close()
	if err == nil || !strings.Contains(err.Error(), "not recorded") {
		t.Errorf("Close = %v, want the count", err)
	}
	mu.Lock()
	if len(problems) != 2 || problems[1].Dropped != r.Dropped() {
		t.Errorf("problems = %v, want the overflow and the count", problems)
	}
	mu.Unlock()
	lines, _ := NewStore(dir).Tail([]Conv{bob}, Query{})
	if int64(len(lines))+r.Dropped() != 20 {
		t.Errorf("%d lines kept and %d dropped, want 20 in all", len(lines), r.Dropped())
	}
}

// A write that fails (here a file that cannot be created) is reported
// once, not once per event, even while writes to other files work; again
// only after a sync interval without a failure.
func TestWriteErrorReportedOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var problems []Problem
	r := open(t, dir, Options{Report: func(p Problem) { problems = append(problems, p) }})
	// A file where the conversation's directory should be.
	os.MkdirAll(filepath.Join(dir, "im"), 0o700)
	os.WriteFile(filepath.Join(dir, "im", "labbob"), nil, 0o600)
	carol := Conv{Kind: KindIM, Name: "carol"}
	for i := range 10 {
		record(r, bob, In, im(i, "x"))
		record(r, carol, In, im(i, "fine"))
	}
	if err := r.Flush(t.Context()); err == nil {
		t.Error("Flush = nil, want the write error")
	}
	if len(problems) != 1 {
		t.Errorf("problems = %v, want the first failure alone", problems)
	}
	record(r, carol, In, im(20, "fine"))
	r.Flush(t.Context()) // an interval without a failure
	for i := range 10 {
		record(r, bob, In, im(30+i, "x"))
	}
	r.Close()
	if len(problems) != 2 {
		t.Errorf("problems = %v, want two: the first failure, and again after an interval without one", problems)
	}
}

func TestLinesAcrossChunks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := open(t, dir, Options{})
	long := strings.Repeat("é", chunk/3) // lines that straddle the reads
	for i := range 20 {
		record(r, bob, In, im(i, fmt.Sprint(i, long)))
	}
	r.Close()
	lines, err := NewStore(dir).Tail([]Conv{bob}, Query{Limit: 15})
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range texts(t, lines) {
		if want := fmt.Sprint("in:", i+5, long); l != want {
			t.Fatalf("line %d = %.20q..., want %.20q...", i, l, want)
		}
	}
}

func TestMonthsAndPrune(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := open(t, dir, Options{})
	for _, m := range []time.Month{9, 10, 11, 12} {
		ev := event{Type: "im", Time: time.Date(2026, m, 15, 0, 0, 0, 0, time.UTC), Text: fmt.Sprint("month", int(m))}
		record(r, bob, In, ev)
	}
	r.Close()
	s := NewStore(dir)
	lines, _ := s.Tail([]Conv{bob}, Query{Limit: 3})
	if got, want := strings.Join(texts(t, lines), " "), "in:month10 in:month11 in:month12"; got != want {
		t.Errorf("across months: %s, want %s", got, want)
	}
	// Keep 40 days on 2026-12-20: November ended 20 days ago, October 50.
	now := time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC)
	r = open(t, dir, Options{KeepDays: 40, Now: func() time.Time { return now }})
	r.Close()
	lines, _ = s.Tail([]Conv{bob}, Query{})
	if got, want := strings.Join(texts(t, lines), " "), "in:month11 in:month12"; got != want {
		t.Errorf("after pruning: %s, want %s", got, want)
	}
}

func TestForget(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := open(t, dir, Options{})
	record(r, bob, In, im(0, "hi"))
	record(r, Conv{Kind: KindIM, Name: "carol"}, In, im(1, "hi"))
	r.Close()
	s := NewStore(dir)
	removed, err := s.Forget("LABBOB")
	if err != nil || len(removed) != 1 {
		t.Fatalf("Forget = %v, %v", removed, err)
	}
	if _, err := s.Find("Lab Bob"); !errors.As(err, new(*NotFoundError)) {
		t.Errorf("Find after Forget = %v, want NotFoundError", err)
	}
	if _, err := s.Find("carol"); err != nil {
		t.Errorf("carol's history went too: %v", err)
	}
	if _, err := s.Forget("nobody"); !errors.As(err, new(*NotFoundError)) {
		t.Errorf("Forget(nobody) = %v", err)
	}
}

func TestKey(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Lab Bob": "labbob", "labbob": "labbob", "a/../b": "a%2F..%2Fb", "..": "%2E.", "": "%",
		"Lab Lounge": "lablounge", "bob@aol.com": "bob@aol.com", "ü": "%C3%BC",
	} {
		if got := Key(in); got != want {
			t.Errorf("Key(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseWhen(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2026-12-01":       time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		"2026-12-01 15:04": time.Date(2026, 12, 1, 15, 4, 0, 0, time.UTC),
		"2h":               now.Add(-2 * time.Hour),
		"3d":               now.AddDate(0, 0, -3),
	} {
		if got, err := ParseWhen(in, now); err != nil || !got.Equal(want) {
			t.Errorf("ParseWhen(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	// A time of day is today's, in the local zone (today's date there
	// is not UTC's), even when it is still to come.
	west := time.FixedZone("UTC-8", -8*60*60)
	early := time.Date(2026, 12, 7, 2, 0, 0, 0, west) // 10:00 UTC
	for in, want := range map[string]time.Time{
		"05:26":    time.Date(2026, 12, 7, 5, 26, 0, 0, west),
		"5:26":     time.Date(2026, 12, 7, 5, 26, 0, 0, west),
		"17:30":    time.Date(2026, 12, 7, 17, 30, 0, 0, west),
		"00:00":    time.Date(2026, 12, 7, 0, 0, 0, 0, west),
		"17:30:15": time.Date(2026, 12, 7, 17, 30, 15, 0, west),
	} {
		if got, err := ParseWhen(in, early); err != nil || !got.Equal(want) {
			t.Errorf("ParseWhen(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"yesterday", "-2h", "2026-13-01", "d", "25:00", "17:60", "17:"} {
		if _, err := ParseWhen(bad, now); err == nil {
			t.Errorf("ParseWhen(%q) = nil error", bad)
		}
	}
}

// A search reads files a chunk at a time: lines across chunks, and one
// longer than a chunk, are found whole.
func TestGrepAcrossChunks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := open(t, dir, Options{})
	filler := strings.Repeat("x", grepChunk/7)
	for i := range 30 {
		text := fmt.Sprint(i, filler)
		if i%10 == 3 {
			text += "FOUND"
		}
		record(r, bob, In, im(i, text))
	}
	record(r, bob, In, im(40, strings.Repeat("y", grepChunk+100)+"found"))
	record(r, bob, In, im(41, "found ÉTÉ"))
	r.Close()
	s := NewStore(dir)
	lines, err := s.Grep(Query{Grep: "found"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range texts(t, lines) {
		got = append(got, l[:min(len(l), 6)])
	}
	if want := "in:3xx in:13x in:23x in:yyy in:fou"; strings.Join(got, " ") != want {
		t.Errorf("found %s, want %s", strings.Join(got, " "), want)
	}
	if lines, _ := s.Grep(Query{Grep: "été"}); len(lines) != 1 {
		t.Errorf("grep été found %d lines, want 1 (ÉTÉ)", len(lines))
	}
}

func TestLowerASCII(t *testing.T) {
	t.Parallel()
	var all []byte
	for c := range 256 {
		all = append(all, byte(c), 'Q', byte(255-c))
	}
	got := lowerASCII(nil, all)
	for i, c := range all {
		want := c
		if 'A' <= c && c <= 'Z' {
			want = c + 32
		}
		if got[i] != want {
			t.Fatalf("byte %d: %#x lowered to %#x, want %#x", i, c, got[i], want)
		}
	}
}

// Lines are read in the order of their times, whatever the order they
// were appended in: an IM sent is recorded once the server took it, and
// the answer to it can be recorded first.
func TestTailOrdersByTime(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := open(t, dir, Options{})
	record(r, bob, In, im(0, "question"))
	record(r, bob, In, im(2, "answer"))
	record(r, bob, Out, im(1, "mine, taken late"))
	r.Close()
	s := NewStore(dir)
	lines, _ := s.Tail([]Conv{bob}, Query{})
	if got, want := strings.Join(texts(t, lines), " "), "in:question out:mine, taken late in:answer"; got != want {
		t.Errorf("Tail: %s, want %s", got, want)
	}
	lines, _ = s.Grep(Query{Grep: "e"})
	if got, want := strings.Join(texts(t, lines), " "), "in:question out:mine, taken late in:answer"; got != want {
		t.Errorf("Grep: %s, want %s", got, want)
	}
	// The newest by time, not the last appended: --limit 1 is the answer
	// (it was the line taken late, which TestHistoryEndToEnd saw now and
	// then).
	for limit, want := range map[int]string{1: "in:answer", 2: "out:mine, taken late in:answer"} {
		lines, _ = s.Tail([]Conv{bob}, Query{Limit: limit})
		if got := strings.Join(texts(t, lines), " "); got != want {
			t.Errorf("Tail, limit %d: %s, want %s", limit, got, want)
		}
	}
}

// A conversation is shown with the session's markers between its first
// line and its last: a gap in the talk reads as signing off.
func TestLinesWithSessionMarkers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := open(t, dir, Options{})
	session := Conv{Kind: KindSession}
	record(r, session, In, event{Type: "signed_on", Time: t0})
	record(r, bob, In, im(1, "before"))
	record(r, session, In, event{Type: "disconnected", Time: t0.Add(2 * time.Second)})
	record(r, session, In, event{Type: "signed_on", Time: t0.Add(3 * time.Second)})
	record(r, bob, Out, im(4, "after"))
	record(r, session, In, event{Type: "disconnected", Time: t0.Add(5 * time.Second)})
	r.Close()
	s := NewStore(dir)
	lines, err := s.Lines("labbob", Query{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range lines {
		var ev event
		json.Unmarshal(l.Raw, &ev)
		got = append(got, ev.Type+":"+ev.Text)
	}
	if want := "im:before disconnected: signed_on: im:after"; strings.Join(got, " ") != want {
		t.Errorf("Lines = %s, want %s", strings.Join(got, " "), want)
	}
	if lines, _ := s.Lines("labbob", Query{Grep: "e"}); len(lines) != 2 {
		t.Errorf("a search shows %d lines, want the 2 IMs alone", len(lines))
	}
}

// A full disk (a month file that is /dev/full) is reported once, with the
// system's words, and not once per event.
func TestDiskFullReportedOnce(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full here")
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "im", "labbob"), 0o700)
	if err := os.Symlink("/dev/full", filepath.Join(dir, "im", "labbob", "2026-12.jsonl")); err != nil {
		t.Skip(err)
	}
	var problems []Problem
	r := open(t, dir, Options{Report: func(p Problem) { problems = append(problems, p) }})
	for i := range 50 {
		record(r, bob, In, im(i, "x"))
	}
	if err := r.Flush(t.Context()); err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Errorf("Flush = %v, want the full disk", err)
	}
	r.Close()
	if len(problems) != 1 || !strings.Contains(problems[0].Err.Error(), "no space left") {
		t.Errorf("problems = %v, want the full disk once", problems)
	}
}

// A session that stays on removes month files as they grow old, once a
// day, not only when it starts; a file removed is not written to again
// through a stale handle, and later months are kept.
func TestPruneWhileRecording(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		r := open(t, dir, Options{KeepDays: 40}) // the bubble's clock: 2000-01-01
		start := time.Now()
		record(r, bob, In, event{Type: "im", Time: start, Text: "january"})
		r.Flush(t.Context())
		jan := filepath.Join(dir, "im", "labbob", "2000-01.jsonl")
		if _, err := os.Stat(jan); err != nil {
			t.Fatal(err)
		}
		time.Sleep(70 * 24 * time.Hour) // January ended 39 days ago
		synctest.Wait()
		if _, err := os.Stat(jan); err != nil {
			t.Errorf("January removed too soon: %v", err)
		}
		record(r, bob, In, event{Type: "im", Time: time.Now(), Text: "march"})
		time.Sleep(2 * 24 * time.Hour) // 41 days
		synctest.Wait()
		if _, err := os.Stat(jan); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("January kept after 41 days: %v", err)
		}
		record(r, bob, In, event{Type: "im", Time: start, Text: "january again"}) // a new file, not the removed one
		r.Close()
		lines, err := NewStore(dir).Tail([]Conv{bob}, Query{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Join(texts(t, lines), " "), "in:january again in:march"; got != want {
			t.Errorf("after pruning: %s, want %s", got, want)
		}
	})
}
