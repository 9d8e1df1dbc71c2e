// Package history keeps what was said: one store per account, plain JSON
// Lines files that people can read, grep, back up and delete with ordinary
// tools.
//
// The layout under the store's directory (the account's state directory
// plus "history"):
//
//	im/<buddy>/2026-12.jsonl     the IMs with one buddy, one file a month
//	room/<room>/2026-12.jsonl    what was said in one chat room
//	session/2026-12.jsonl        signed on, signed off, reconnected
//
// <buddy> and <room> are names as the server compares them (Key: lower
// case, no spaces), so every spelling of a name finds the same files. Each
// line is one event in the schema of aim's JSON output, with a "direction"
// field added ("in" or "out"; "to" too on an IM sent). Months are of the
// event's time in UTC. Directories are 0700, files 0600.
//
// A Recorder appends (one write per event, from one goroutine of its own,
// fsync batched); a Store reads, from the end of the newest file backwards
// for the last lines of a conversation and by streaming for a search. A
// line cut short by a crash or a full disk is skipped on reading, and the
// next append starts a new line after it.
//
// The package never prints: problems reach the Recorder's Report func.
package history

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/aim-oscar/aim/internal/screenname"
)

// Kind is what a conversation is with: a buddy, a room, or the session's
// own markers.
type Kind string

const (
	KindIM      Kind = "im"
	KindRoom    Kind = "room"
	KindSession Kind = "session"
)

// Directions of an event.
const (
	In  = "in"  // from the server: someone else's words, or news
	Out = "out" // the account's own: an IM or a room line it sent
)

// Conv is one conversation: with a buddy, in a room, or the session's
// markers (Name "").
type Conv struct {
	Kind Kind
	Name string // as given; its files are under Key(Name)
}

// dir is the conversation's directory under root.
func (c Conv) dir(root string) string {
	if c.Kind == KindSession {
		return filepath.Join(root, string(KindSession))
	}
	return filepath.Join(root, string(c.Kind), Key(c.Name))
}

// String names the conversation for people: the buddy's or room's name
// as stored.
func (c Conv) String() string {
	if c.Kind == KindSession {
		return "session"
	}
	return c.Name
}

// Key is the name of a conversation's directory: the name as the server
// compares screen names (lower case, without spaces), with any byte that
// is not a letter, a digit, '-', '_', '.' or '@' (and a leading '.')
// written %XX, so that no name can leave its directory.
func Key(name string) string {
	n := screenname.Normalize(name)
	safe := func(i int, c byte) bool {
		return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '@' || c == '.' && i > 0
	}
	clean := n != ""
	for i := 0; i < len(n); i++ {
		if !safe(i, n[i]) {
			clean = false
			break
		}
	}
	if clean {
		return n
	}
	if n == "" {
		return "%"
	}
	var b strings.Builder
	for i := 0; i < len(n); i++ {
		if c := n[i]; safe(i, c) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// monthLayout names month files: "2006-01" + fileExt.
const (
	monthLayout = "2006-01"
	fileExt     = ".jsonl"
)

// monthFile is the name of the file of t's month (UTC).
func monthFile(t time.Time) string { return t.UTC().Format(monthLayout) + fileExt }

// parseMonthFile returns the first instant of the month a file name
// names, and whether it names one.
func parseMonthFile(name string) (time.Time, bool) {
	m, ok := strings.CutSuffix(name, fileExt)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(monthLayout, m)
	return t, err == nil
}

// Dir is the history directory of an account whose state directory is
// stateDir ("" when there is none).
func Dir(stateDir string) string {
	if stateDir == "" {
		return ""
	}
	return filepath.Join(stateDir, "history")
}
