package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/htmltext"
)

// printer writes events and command results to standard output, one line
// each, as text for people or as JSON objects for programs. It is safe for
// concurrent use: events and command results come from different
// goroutines, and their lines never mix.
type printer struct {
	mu   sync.Mutex
	w    io.Writer
	json bool
	// above, if set, writes a line on a terminal that shows a prompt, so
	// the line being typed is redrawn below it.
	above func(line string)
}

// record is one line of JSON output. Every line has type and time; the
// other fields depend on the type (see the README's event schema).
type record map[string]any

func (p *printer) emit(text string, rec record) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.json {
		if _, ok := rec["time"]; !ok {
			rec["time"] = time.Now().UTC().Format(time.RFC3339Nano)
		}
		var b strings.Builder
		writeJSON(&b, rec)
		p.write(strings.TrimSuffix(b.String(), "\n"))
		return
	}
	p.write(terminalSafe(text))
}

// terminalSafe replaces the control characters in a line for people (C0
// but newline and tab, DEL, C1) with caret notation or U+FFFD: messages,
// names and profiles come from other people, and an escape sequence in one
// would otherwise reach the terminal and act (retitle it, clear it, or
// worse). JSON output escapes them too (writeJSON).
func terminalSafe(s string) string {
	clean := true
	for _, r := range s {
		if isControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !isControl(r):
			b.WriteRune(r)
		case r < 0x20:
			b.WriteByte('^')
			b.WriteByte(byte(r) + '@')
		default:
			b.WriteRune('\uFFFD')
		}
	}
	return b.String()
}

func isControl(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\t') || (0x7f <= r && r <= 0x9f)
}

func (p *printer) write(line string) {
	if p.above != nil {
		p.above(line)
		return
	}
	fmt.Fprintln(p.w, line)
}

// setAbove switches printing above a prompt on (f) or off (nil).
func (p *printer) setAbove(f func(string)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.above = f
}

// detach stops printing above a prompt and runs f (which restores the
// terminal) with no line printed in between.
func (p *printer) detach(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.above = nil
	f()
}

func stamp(t time.Time) string { return t.Local().Format("15:04:05") }

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// event prints one session event.
func (p *printer) event(ev bos.Event) {
	at := ev.When()
	text, rec := describe(ev)
	if rec == nil {
		return
	}
	rec["time"] = rfc3339(at)
	p.emit(stamp(at)+" "+text, rec)
}

// describe returns an event's text line and JSON record.
func describe(ev bos.Event) (string, record) {
	switch e := ev.(type) {
	case *bos.SignedOn:
		return fmt.Sprintf("signed on as %s", e.ScreenName),
			record{"type": "signed_on", "screen_name": e.ScreenName, "warning_level": percent(e.WarningLevel), "reconnected": e.Reconnected}
	case *bos.IMReceived:
		plain := htmltext.Plain(e.Text)
		prefix := e.From + ": "
		if e.AutoResponse {
			prefix = e.From + " (auto-reply): "
		}
		text := prefix + indentContinuation(plain, len(prefix)+9)
		if e.AutoReplied {
			text += "\n         (you are away: answered with your away message)"
		}
		return text, record{"type": "im", "from": e.From, "text": plain, "html": e.Text, "auto_response": e.AutoResponse,
			"auto_replied": e.AutoReplied, "warning_level": percent(e.WarningLevel)}
	case *bos.BuddyOnline:
		typ, verb := "buddy_online", "is online"
		if e.Changed {
			typ, verb = "buddy_changed", "is"
		}
		var states []string
		if e.Away {
			states = append(states, "away")
		}
		if e.IdleMinutes > 0 {
			states = append(states, "idle "+(time.Duration(e.IdleMinutes)*time.Minute).String())
		}
		if e.WarningLevel > 0 {
			states = append(states, fmt.Sprintf("warned %d%%", percent(e.WarningLevel)))
		}
		text := e.Name + " " + verb
		switch {
		case len(states) > 0 && e.Changed:
			text += " " + strings.Join(states, ", ")
		case len(states) > 0:
			text += " (" + strings.Join(states, ", ") + ")"
		case e.Changed:
			text += " back"
		}
		rec := record{"type": typ, "name": e.Name, "away": e.Away, "idle_minutes": e.IdleMinutes, "warning_level": percent(e.WarningLevel)}
		if !e.SignonTime.IsZero() {
			rec["signon_time"] = rfc3339(e.SignonTime)
		}
		return text, rec
	case *bos.BuddyOffline:
		return e.Name + " signed off", record{"type": "buddy_offline", "name": e.Name}
	case *bos.Warned:
		by := "anonymously"
		if e.By != "" {
			by = "by " + e.By
		}
		rec := record{"type": "warned", "warning_level": percent(e.Level)}
		if e.By != "" {
			rec["by"] = e.By
		}
		return fmt.Sprintf("you were warned %s: your warning level is now %d%%", by, percent(e.Level)), rec
	case *bos.Typing:
		text := e.From + " is typing"
		switch e.State {
		case bos.TypingStopped:
			text = e.From + " stopped typing"
		case bos.TypingPaused:
			text = e.From + " paused typing"
		}
		return text, record{"type": "typing", "from": e.From, "state": e.State.String()}
	case *bos.RateChange:
		what := e.Code.String()
		text := fmt.Sprintf("rate limit %s (class %d)", what, e.Class.ID)
		switch e.Code {
		case bos.RateWarning:
			text = fmt.Sprintf("rate limit warning (class %d): sending slower", e.Class.ID)
		case bos.RateLimited:
			text = fmt.Sprintf("rate limited (class %d): the server is dropping requests; sending slower", e.Class.ID)
		case bos.RateClear:
			text = fmt.Sprintf("rate limit clear (class %d)", e.Class.ID)
		case bos.RateChanged:
			text = fmt.Sprintf("rate limits changed (class %d)", e.Class.ID)
		}
		return text, record{"type": "rate", "code": what, "class": e.Class.ID, "level": e.Class.Current, "limit": e.Class.Limit, "alert": e.Class.Alert, "clear": e.Class.Clear}
	case *bos.ServerError:
		return fmt.Sprintf("server error %s: %s", e.Type.String(), e.Message()),
			record{"type": "server_error", "snac": e.Type.String(), "code": e.Code, "message": e.Message()}
	case *bos.ServerMessage:
		return "server: " + e.Text, record{"type": "server_message", "snac": e.Type.String(), "text": e.Text}
	case *bos.Disconnected:
		if e.Err == nil {
			return "signed off", record{"type": "disconnected", "reason": "logout"}
		}
		return "disconnected: " + e.Err.Error(), record{"type": "disconnected", "reason": disconnectReason(e.Err), "error": e.Err.Error()}
	}
	return "", nil
}

func percent(level uint16) int { return int(level) / 10 }

// indentContinuation indents every line after the first so a multi-line
// message stays visibly one message.
func indentContinuation(s string, n int) string {
	if !strings.Contains(s, "\n") {
		return s
	}
	return strings.ReplaceAll(s, "\n", "\n"+strings.Repeat(" ", n))
}

// result prints the outcome of a command read from standard input: text
// is the line for people (empty: "ok: <line>"), fields extend the JSON.
func (p *printer) result(id int, line, verb string, err error, text string, fields record) {
	rec := record{"type": "result", "id": id, "command": verb, "ok": err == nil}
	for k, v := range fields {
		rec[k] = v
	}
	switch {
	case err != nil:
		rec["error"] = err.Error()
		text = "error: " + err.Error()
		if line != "" {
			text = fmt.Sprintf("error: %s: %s", line, err)
		}
	case text == "":
		text = "ok: " + line
	}
	p.emit(stamp(time.Now())+" "+text, rec)
}
