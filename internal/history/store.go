package history

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Store reads a history directory. It keeps nothing open between calls
// and runs no goroutine; a Recorder may append at the same time.
type Store struct {
	root string
}

// NewStore reads the history under root (Dir of the account's state
// directory). A root that does not exist is an empty history.
func NewStore(root string) *Store { return &Store{root: root} }

// Dir is the directory read.
func (s *Store) Dir() string { return s.root }

// Line is one stored event.
type Line struct {
	Conv Conv
	Time time.Time
	Raw  []byte // the stored line, without its '\n'
}

// Query selects lines.
type Query struct {
	Limit int       // the last Limit lines; 0: all
	Since time.Time // zero: from the start
	Until time.Time // zero: to the end; exclusive
	Grep  string    // non-empty: only lines whose text contains it, in any case
}

func (q Query) inRange(t time.Time) bool {
	return (q.Since.IsZero() || !t.Before(q.Since)) && (q.Until.IsZero() || t.Before(q.Until))
}

// monthInRange reports whether the month starting at m can hold a time in q's range.
func (q Query) monthInRange(m time.Time) bool {
	end := m.AddDate(0, 1, 0)
	return (q.Since.IsZero() || end.After(q.Since)) && (q.Until.IsZero() || m.Before(q.Until))
}

// NotFoundError is a name with no stored conversation.
type NotFoundError struct{ Name string }

func (e *NotFoundError) Error() string { return "no history with " + e.Name }

// Conversations lists the stored conversations with buddies and in rooms,
// by kind then key. Their Name is the key (the directory's name).
func (s *Store) Conversations() ([]Conv, error) {
	var out []Conv
	for _, k := range []Kind{KindIM, KindRoom} {
		ents, err := os.ReadDir(filepath.Join(s.root, string(k)))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		for _, e := range ents {
			if e.IsDir() {
				out = append(out, Conv{Kind: k, Name: e.Name()})
			}
		}
	}
	return out, nil
}

// Find returns the conversations stored for name: with a buddy of that
// name, in a room of that name, or both; a *NotFoundError if none.
func (s *Store) Find(name string) ([]Conv, error) {
	var out []Conv
	for _, k := range []Kind{KindIM, KindRoom} {
		c := Conv{Kind: k, Name: name}
		if info, err := os.Stat(c.dir(s.root)); err == nil && info.IsDir() {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, &NotFoundError{Name: name}
	}
	return out, nil
}

// months returns c's month files in range, newest first.
func (s *Store) months(c Conv, q Query) ([]string, error) {
	dir := c.dir(s.root)
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	var files []string
	for i := len(ents) - 1; i >= 0; i-- { // ReadDir sorts by name: the newest last
		m, ok := parseMonthFile(ents[i].Name())
		if ok && !ents[i].IsDir() && q.monthInRange(m) {
			files = append(files, filepath.Join(dir, ents[i].Name()))
		}
	}
	return files, nil
}

// Tail returns the lines of convs that q selects, oldest first, merged by
// time: the last q.Limit of them. Without q.Grep it reads each file from
// its end backwards and stops once it has enough.
func (s *Store) Tail(convs []Conv, q Query) ([]Line, error) {
	var all []Line
	for _, c := range convs {
		lines, err := s.tail(c, q, nil)
		if err != nil {
			return nil, err
		}
		all = append(all, lines...)
	}
	if len(convs) > 1 {
		byTime(all)
	}
	if q.Limit > 0 && len(all) > q.Limit {
		all = all[len(all)-q.Limit:]
	}
	return all, nil
}

// tail is Tail of one conversation; m, if not nil, is the search of
// q.Grep, with buffers to reuse.
func (s *Store) tail(c Conv, q Query, m *matcher) ([]Line, error) {
	files, err := s.months(c, q)
	if err != nil {
		return nil, err
	}
	if q.Grep != "" {
		if m == nil {
			m = newMatcher(q.Grep)
		}
		var out []Line
		for i := len(files) - 1; i >= 0; i-- {
			if err := scanFile(files[i], c, q, m, func(l Line) { out = append(out, l) }); err != nil {
				return nil, err
			}
		}
		byTime(out)
		if q.Limit > 0 && len(out) > q.Limit {
			out = out[len(out)-q.Limit:]
		}
		return out, nil
	}
	var rev []Line // in file order, newest first
	// Once q.Limit lines are in, reading goes on back to recordLag before
	// the oldest of them: a line recorded late (an IM sent, recorded once
	// the server took it) stands after lines newer than it.
	var cutoff time.Time
	for _, path := range files {
		done, err := readBackwards(path, func(raw []byte) bool {
			t, ok := lineTime(raw)
			if !ok {
				return true // a torn or foreign line
			}
			if !q.Since.IsZero() && t.Before(q.Since) {
				return false
			}
			if q.Limit > 0 && len(rev) >= q.Limit {
				if cutoff.IsZero() {
					cutoff = slices.MinFunc(rev, func(a, b Line) int { return a.Time.Compare(b.Time) }).Time.Add(-recordLag)
				}
				if t.Before(cutoff) {
					return false
				}
			}
			if q.inRange(t) {
				rev = append(rev, Line{Conv: c, Time: t, Raw: bytes.Clone(raw)})
			}
			return true
		})
		if err != nil {
			return nil, err
		}
		if done {
			break
		}
	}
	slices.Reverse(rev)
	byTime(rev)
	if q.Limit > 0 && len(rev) > q.Limit {
		rev = rev[len(rev)-q.Limit:]
	}
	return rev, nil
}

// recordLag bounds how much older than the lines before it a line may be
// when it is recorded: an IM waits for the server's answer, and for the
// rate limiter before that (at most 3 minutes a wait).
const recordLag = 10 * time.Minute

// byTime orders lines by their time, keeping the order of the file among
// lines of the same time. Lines are appended in the order they are
// recorded, which is not always the order of their times: an IM sent is
// recorded once the server took it, with the time it was sent, and the
// answer can be recorded first.
func byTime(lines []Line) {
	slices.SortStableFunc(lines, func(a, b Line) int { return a.Time.Compare(b.Time) })
}

// Grep returns the lines of every conversation whose text contains
// q.Grep in any case, in range: grouped by conversation (in the order
// Conversations lists them), oldest first in each; with q.Limit, only the
// newest q.Limit of them all. Files are streamed.
func (s *Store) Grep(q Query) ([]Line, error) {
	convs, err := s.Conversations()
	if err != nil {
		return nil, err
	}
	limit := q.Limit
	q.Limit = 0
	m := newMatcher(q.Grep) // its buffers serve every file
	var out []Line
	for _, c := range convs {
		lines, err := s.tail(c, q, m)
		if err != nil {
			return nil, err
		}
		out = append(out, lines...)
	}
	if limit > 0 && len(out) > limit {
		sorted := slices.Clone(out)
		byTime(sorted)
		from := sorted[len(sorted)-limit].Time
		// The newest limit lines, keeping the grouping; lines at the same
		// instant as the oldest kept are kept from the newest back.
		extra := 0
		for _, l := range sorted[len(sorted)-limit:] {
			if l.Time.Equal(from) {
				extra++
			}
		}
		kept := out[:0:0]
		for i := len(out) - 1; i >= 0; i-- {
			switch {
			case out[i].Time.After(from):
			case out[i].Time.Equal(from) && extra > 0:
				extra--
			default:
				continue
			}
			kept = append(kept, out[i])
		}
		slices.Reverse(kept)
		out = kept
	}
	return out, nil
}

// chunk is how much readBackwards reads at a time.
const chunk = 64 << 10

// readBackwards calls f with each complete line of the file at path, the
// last first, until f returns false (then it reports true). A last line
// without its '\n' (cut short) is skipped. raw is valid only during f.
func readBackwards(path string, f func(raw []byte) bool) (stopped bool, err error) {
	fh, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("history: %w", err)
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return false, fmt.Errorf("history: %w", err)
	}
	off := info.Size()
	var pending []byte // the file from off up to the lines handed out
	tail := true       // the next line is the file's last
	for {
		for len(pending) > 0 {
			i := bytes.LastIndexByte(pending[:len(pending)-1], '\n')
			if i < 0 && off > 0 {
				break // the line starts before pending: read more
			}
			line := pending[i+1:]
			pending = pending[:i+1]
			complete := line[len(line)-1] == '\n'
			if tail {
				tail = false
				if !complete {
					continue // cut short
				}
			}
			line = bytes.TrimSuffix(line, []byte{'\n'})
			if len(line) > 0 && !f(line) {
				return true, nil
			}
		}
		if off == 0 {
			return false, nil
		}
		n := min(int64(chunk), off)
		off -= n
		nb := make([]byte, int(n)+len(pending))
		if _, err := fh.ReadAt(nb[:n], off); err != nil && err != io.EOF {
			return false, fmt.Errorf("history: %w", err)
		}
		copy(nb[n:], pending)
		pending = nb
	}
}

// timeField is how every stored line starts its time: Head's JSON.
var timeField = []byte(`"time":"`)

// lineTime reads the time of a stored line, without decoding the rest;
// ok is false for a line that is not an event (cut short and continued).
func lineTime(raw []byte) (time.Time, bool) {
	if len(raw) < 2 || raw[0] != '{' || raw[len(raw)-1] != '}' {
		return time.Time{}, false
	}
	i := bytes.Index(raw, timeField)
	if i < 0 {
		return time.Time{}, false
	}
	rest := raw[i+len(timeField):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, string(rest[:j]))
	return t, err == nil && json.Valid(raw)
}

// matcher finds text in stored lines, in any case. It keeps the buffers
// of its reads from one file to the next.
type matcher struct {
	lower  string // the text in lower case
	needle []byte // what a line holding it contains once its ASCII is lower-cased; nil: none such
	buf    []byte // what was read
	low    []byte // buf with its ASCII in lower case
}

// grepChunk is how much of a file a search reads at a time.
const grepChunk = 1 << 20

func newMatcher(text string) *matcher {
	m := &matcher{lower: strings.ToLower(text)}
	q, _ := json.Marshal(m.lower)
	ascii := !strings.ContainsFunc(m.lower, func(r rune) bool { return r >= utf8.RuneSelf })
	// A line can be searched as it is stored when JSON writes the text as
	// it is; lower-casing only ASCII keeps every offset, and finds any
	// case of an ASCII text. Other texts are compared line by line.
	if ascii && string(q[1:len(q)-1]) == m.lower {
		m.needle = []byte(m.lower)
	}
	return m
}

// lowerASCII writes b with its ASCII letters in lower case to dst, eight
// bytes at a time: in each byte below 0x80, the seven low bits plus 0x3f
// reach 0x80 from 'A' on, plus 0x25 from past 'Z' on, and no sum carries
// into the next byte; where exactly one of them does, 0x20 is set.
func lowerASCII(dst, b []byte) []byte {
	dst = append(dst[:0], b...)
	const (
		high  = 0x8080808080808080
		low7  = 0x7f7f7f7f7f7f7f7f
		fromA = 0x3f3f3f3f3f3f3f3f // 0x80 - 'A'
		pastZ = 0x2525252525252525 // 0x80 - 'Z' - 1
	)
	i := 0
	for ; i+8 <= len(dst); i += 8 {
		w := binary.LittleEndian.Uint64(dst[i:])
		h := w & low7
		upper := ^w & high & ((h + fromA) ^ (h + pastZ))
		binary.LittleEndian.PutUint64(dst[i:], w|upper>>2)
	}
	for ; i < len(dst); i++ {
		if c := dst[i]; 'A' <= c && c <= 'Z' {
			dst[i] = c + ('a' - 'A')
		}
	}
	return dst
}

// textOf is the part of a stored event a search looks at: its text.
type textOf struct {
	Time time.Time `json:"time"`
	Text string    `json:"text"`
}

// check calls f with raw, a stored line, if it is an event in q's range
// whose text holds m's.
func (m *matcher) check(raw []byte, c Conv, q Query, f func(Line)) {
	var ev textOf
	if json.Unmarshal(raw, &ev) != nil || !q.inRange(ev.Time) {
		return // cut short, or not an event
	}
	if strings.Contains(strings.ToLower(ev.Text), m.lower) {
		f(Line{Conv: c, Time: ev.Time, Raw: bytes.Clone(raw)})
	}
}

// scanFile streams the file at path, a chunk at a time, and calls f with
// each line in q's range whose text holds m's. Only lines the quick
// search hits are decoded. A last line without its '\n' is cut short and
// skipped.
func scanFile(path string, c Conv, q Query, m *matcher, f func(Line)) error {
	fh, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer fh.Close()
	carry := 0 // bytes of a line begun in the last chunk, at the start of m.buf
	for {
		if len(m.buf)-carry < grepChunk {
			// The first read, or a line longer than what is left.
			nb := make([]byte, carry+grepChunk)
			copy(nb, m.buf[:carry])
			m.buf = nb
		}
		n, err := io.ReadFull(fh, m.buf[carry:])
		data := m.buf[:carry+n]
		end := bytes.LastIndexByte(data, '\n') + 1 // the complete lines
		m.search(data[:end], c, q, f)
		carry = copy(m.buf, data[end:])
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil // what is carried has no '\n': cut short
		}
		if err != nil {
			return fmt.Errorf("history: %s: %w", path, err)
		}
	}
}

// search calls f with the matching lines of data, whole lines each ending
// in '\n'.
func (m *matcher) search(data []byte, c Conv, q Query, f func(Line)) {
	if m.needle == nil {
		for len(data) > 0 {
			i := bytes.IndexByte(data, '\n')
			line := data[:i]
			data = data[i+1:]
			if bytes.Contains(bytes.ToLower(line), []byte(m.lower)) {
				m.check(line, c, q, f)
			}
		}
		return
	}
	m.low = lowerASCII(m.low, data)
	for pos := 0; ; {
		i := bytes.Index(m.low[pos:], m.needle)
		if i < 0 {
			return
		}
		i += pos
		start := bytes.LastIndexByte(data[:i], '\n') + 1
		end := i + bytes.IndexByte(data[i:], '\n')
		m.check(data[start:end], c, q, f)
		pos = end + 1
	}
}

// Forget removes every stored conversation of name (with a buddy or in a
// room of that name) and returns the directories removed: a
// *NotFoundError if there were none.
func (s *Store) Forget(name string) ([]string, error) {
	convs, err := s.Find(name)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, c := range convs {
		dir := c.dir(s.root)
		if err := os.RemoveAll(dir); err != nil {
			return removed, fmt.Errorf("history: %w", err)
		}
		removed = append(removed, dir)
	}
	return removed, nil
}

// Prune removes the month files whose month ended before cutoff, and the
// conversation directories left empty; it returns the files removed.
func Prune(root string, cutoff time.Time) ([]string, error) {
	var removed []string
	var firstErr error
	keep := func(err error) {
		if firstErr == nil && err != nil {
			firstErr = fmt.Errorf("history: removing old files: %w", err)
		}
	}
	prune := func(dir string) {
		ents, err := os.ReadDir(dir)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				keep(err)
			}
			return
		}
		left := len(ents)
		for _, e := range ents {
			m, ok := parseMonthFile(e.Name())
			if !ok || e.IsDir() || !m.AddDate(0, 1, 0).Before(cutoff) {
				continue
			}
			p := filepath.Join(dir, e.Name())
			if err := os.Remove(p); err != nil {
				keep(err)
				continue
			}
			removed = append(removed, p)
			left--
		}
		if left == 0 {
			os.Remove(dir) // fails harmlessly if something appeared
		}
	}
	prune(filepath.Join(root, string(KindSession)))
	for _, k := range []Kind{KindIM, KindRoom} {
		ents, err := os.ReadDir(filepath.Join(root, string(k)))
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				keep(err)
			}
			continue
		}
		for _, e := range ents {
			if e.IsDir() {
				prune(filepath.Join(root, string(k), e.Name()))
			}
		}
	}
	return removed, firstErr
}

// ParseWhen reads a --since or --until: a date (2026-12-01, local
// midnight), a date and time (2026-12-01 15:04 or RFC 3339), a time of
// day (17:30, 05:26:10: today's, in now's zone, even if still to come),
// or a duration before now (2h, 90m, 3d).
func ParseWhen(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, now.Location()); err == nil {
			return t, nil
		}
	}
	for _, layout := range []string{"15:04", "15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			y, m, d := now.Date()
			return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), 0, now.Location()), nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(d, "%d", &n); err == nil && fmt.Sprint(n) == d && n >= 0 {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date (2026-12-01, 2026-12-01 15:04), a time of day (17:30) or a duration (2h, 3d)", s)
}

// Lines is what aim history shows: with a name, the lines of that
// conversation (with a buddy, in a room, or both merged by time) that q
// selects and, unless q.Grep is set, the session's markers between the
// first of them and the last; without a name, q.Grep's matches in every
// conversation (Grep).
func (s *Store) Lines(name string, q Query) ([]Line, error) {
	if name == "" {
		if q.Grep == "" {
			return nil, errors.New("history: a name or a text to search for is needed")
		}
		return s.Grep(q)
	}
	convs, err := s.Find(name)
	if err != nil {
		return nil, err
	}
	lines, err := s.Tail(convs, q)
	if err != nil || len(lines) == 0 || q.Grep != "" {
		return lines, err
	}
	// The session's markers (signed on, signed off) between the first
	// line shown and the last, so that a gap in the talk reads as one.
	between := Query{Since: lines[0].Time, Until: lines[len(lines)-1].Time}
	marks, err := s.tail(Conv{Kind: KindSession}, between, nil)
	if err != nil || len(marks) == 0 {
		return lines, err
	}
	lines = append(lines, marks...)
	byTime(lines)
	return lines, nil
}

// Summary is one stored conversation and when its last line was written.
type Summary struct {
	Conv Conv
	Last time.Time // zero if no line reads back
}

// Summaries lists the stored conversations (as Conversations does), each
// with the time of its last line, read from the end of its newest file.
func (s *Store) Summaries() ([]Summary, error) {
	convs, err := s.Conversations()
	if err != nil {
		return nil, err
	}
	out := make([]Summary, 0, len(convs))
	for _, c := range convs {
		lines, err := s.tail(c, Query{Limit: 1}, nil)
		if err != nil {
			return nil, err
		}
		sum := Summary{Conv: c}
		if len(lines) > 0 {
			sum.Last = lines[0].Time
		}
		out = append(out, sum)
	}
	return out, nil
}
