package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/htmltext"
	"github.com/aim-oscar/aim/internal/oscar"
)

// commandHelp lists the commands `aim login` reads from standard input.
const commandHelp = `Commands (one per line; quote names with spaces: send "Lab Bob" hi):
  send NAME TEXT     send an instant message
  autoreply NAME TEXT  send it marked as an automatic reply: clients never
                     answer those, so two bots cannot talk in a loop
  add NAME [GROUP]   add a buddy (saved to the config file too)
  remove NAME        remove a buddy (saved to the config file too)
  profile TEXT       set your profile for this session
  away [TEXT]        set an away message (aim answers each sender once with
                     it, as an automatic reply); with no text, come back
  info NAME          show a user's profile and away message
  warn NAME [anon]   warn a user, by name or anonymously
  buddies            list your buddies and who is online
  help               this list
  quit               finish what is pending, sign off and exit`

// commander runs the commands of a live session, in the order they are
// read: each one's frame is queued before the next line is read, so the
// server sees them in that order. Commands that change the session or
// the config file (add, remove, profile, away) finish before the next
// line; those that wait for the server's answer (send, info, warn) are
// awaited together, and their results print as each comes.
type commander struct {
	live *live
	out  *printer
	cfg  *config.Config // for add/remove; nil: live only
	// interactive: a person at a prompt, who must never be left waiting
	// for a reconnect; a script's commands wait for it, in order.
	interactive bool

	mu     sync.Mutex
	wg     sync.WaitGroup // commands still waiting for the server
	closed bool           // finish was called: no new commands
}

// errSessionOver answers commands read after the session ended.
var errSessionOver = errors.New("the session has ended")

// finish waits until every command started has printed its result, up to
// ctx, and refuses commands after it. The session has ended by then, so
// the ones still pending fail at once and say so.
func (c *commander) finish(ctx context.Context) {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.wait(ctx)
}

// errQuit ends the input loop.
var errQuit = errors.New("quit")

// readAll runs each line of r until EOF or "quit", then waits for every
// command still pending. ctx ends the wait early.
func (c *commander) readAll(ctx context.Context, r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	id := 0
	var err error
	for sc.Scan() {
		id++
		if c.run(ctx, id, sc.Text()) == errQuit {
			break
		}
	}
	if e := sc.Err(); e != nil {
		err = fmt.Errorf("reading commands: %w", e)
	}
	c.wait(ctx)
	return err
}

// wait returns once every started command has its result, or ctx ends.
func (c *commander) wait(ctx context.Context) {
	done := make(chan struct{})
	go func() { c.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// run starts one command line. It returns errQuit for "quit".
func (c *commander) run(ctx context.Context, id int, line string) error {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return nil
	}
	verb, rest := cut(line)
	verb = strings.ToLower(verb)
	fail := func(err error) { c.out.result(id, line, verb, err, "", nil) }
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		fail(errSessionOver)
		return errQuit
	}
	var sess *bos.Session
	switch verb {
	case "send", "msg", "m", "autoreply", "add", "remove", "rm", "profile", "away", "info", "whois", "warn":
		// While a lost connection is being restored, commands wait here,
		// in order, for the new session.
		var err error
		if sess, err = c.live.session(ctx, !c.interactive); err != nil {
			fail(err)
			return nil
		}
	}
	switch verb {
	case "quit", "exit":
		c.out.result(id, line, "quit", nil, "finishing pending commands and signing off", nil)
		return errQuit
	case "help", "?":
		c.out.result(id, line, "help", nil, commandHelp, record{"help": commandHelp})
	case "send", "msg", "m", "autoreply":
		auto := verb == "autoreply"
		name, text, err := nameAndRest(rest)
		if err == nil && text == "" {
			err = fmt.Errorf("no message text (%s NAME TEXT)", verb)
		}
		if err != nil {
			fail(err)
			return nil
		}
		p, err := sess.QueueIM(name, text, auto)
		if err != nil {
			c.out.result(id, line, verb, err, "", record{"to": name})
			return nil
		}
		c.async(id, line, verb, func() {
			err := p.Wait(ctx)
			c.out.result(id, line, verb, err, "sent to "+name, record{"to": name})
		})
	case "add":
		name, group, err := nameAndRest(rest)
		if err != nil {
			fail(err)
			return nil
		}
		// Changes to the session and the config file run here, in input
		// order: each waits only until its frame is written.
		text, err := c.add(ctx, sess, name, group)
		c.out.result(id, line, "add", err, text, record{"name": name})
	case "remove", "rm":
		name, extra, err := nameAndRest(rest)
		if err == nil && extra != "" {
			err = fmt.Errorf("unexpected %q after the name (remove NAME)", extra)
		}
		if err != nil {
			fail(err)
			return nil
		}
		text, err := c.remove(ctx, sess, name)
		c.out.result(id, line, "remove", err, text, record{"name": name})
	case "profile":
		err := sess.SetProfile(ctx, rest)
		if err == nil {
			c.live.setProfile(rest)
		}
		c.out.result(id, line, "profile", err, "profile set", nil)
	case "away":
		err := sess.SetAway(ctx, rest)
		if err == nil {
			c.live.setAway(rest)
		}
		text := "away: " + rest
		if rest == "" {
			text = "back (away message cleared)"
		}
		c.out.result(id, line, "away", err, text, record{"away": rest != ""})
	case "info", "whois":
		name, extra, err := nameAndRest(rest)
		if err == nil && extra != "" {
			err = fmt.Errorf("unexpected %q after the name (info NAME)", extra)
		}
		if err != nil {
			fail(err)
			return nil
		}
		r, err := sess.QueueGetInfo(name)
		if err != nil {
			c.out.result(id, line, "info", err, "", record{"name": name})
			return nil
		}
		c.async(id, line, verb, func() {
			info, err := r.Wait(ctx)
			if err != nil {
				c.out.result(id, line, "info", err, "", record{"name": name})
				return
			}
			c.out.result(id, line, "info", nil, describeInfo(info), infoRecord(info))
		})
	case "warn":
		name, mode, err := nameAndRest(rest)
		anon := false
		switch strings.ToLower(mode) {
		case "":
		case "anon", "anonymous", "anonymously":
			anon = true
		default:
			err = fmt.Errorf("unexpected %q after the name (warn NAME [anon])", mode)
		}
		if err != nil {
			fail(err)
			return nil
		}
		r, err := sess.QueueWarn(name, anon)
		if err != nil {
			c.out.result(id, line, "warn", err, "", record{"name": name})
			return nil
		}
		c.async(id, line, verb, func() {
			level, err := r.Wait(ctx)
			c.out.result(id, line, "warn", err, fmt.Sprintf("warned %s: their level is now %d%%", name, percent(level)),
				record{"name": name, "anonymous": anon, "warning_level": percent(level)})
		})
	case "buddies", "who":
		text, rec := c.buddies()
		c.out.result(id, line, "buddies", nil, text, rec)
	default:
		fail(fmt.Errorf("unknown command %q (type help for the list)", verb))
	}
	return nil
}

// async runs f, which prints the command's result, on its own goroutine;
// after finish it prints the command's refusal instead.
func (c *commander) async(id int, line, verb string, f func()) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		c.out.result(id, line, verb, errSessionOver, "", nil)
		return
	}
	c.wg.Add(1)
	c.mu.Unlock()
	go func() {
		defer c.wg.Done()
		f()
	}()
}

func (c *commander) add(ctx context.Context, sess *bos.Session, name, group string) (string, error) {
	if err := config.ValidateScreenName(name); err != nil {
		return "", err
	}
	text := "added " + name
	if c.cfg != nil {
		if group == "" {
			group = config.DefaultGroup
		}
		_, already, err := c.cfg.AddBuddies([]string{name}, group)
		if err != nil {
			return "", err
		}
		if len(already) > 0 {
			text = name + " is already a buddy"
		}
	}
	if err := sess.AddBuddies(ctx, name); err != nil {
		return "", err
	}
	c.live.addBuddy(name)
	return text, nil
}

func (c *commander) remove(ctx context.Context, sess *bos.Session, name string) (string, error) {
	if err := config.ValidateScreenName(name); err != nil {
		return "", err
	}
	text := "removed " + name
	if c.cfg != nil {
		_, missing, err := c.cfg.RemoveBuddies([]string{name})
		if err != nil {
			return "", err
		}
		if len(missing) > 0 {
			text = name + " was not a buddy"
		}
	}
	if err := sess.RemoveBuddies(ctx, name); err != nil {
		return "", err
	}
	c.live.removeBuddy(name)
	return text, nil
}

func (c *commander) buddies() (string, record) {
	var online []string
	if sess := c.live.current(); sess != nil {
		online = sess.OnlineBuddies()
	}
	sort.Slice(online, func(i, j int) bool {
		return oscar.NormalizeScreenName(online[i]) < oscar.NormalizeScreenName(online[j])
	})
	isOn := map[string]bool{}
	for _, n := range online {
		isOn[oscar.NormalizeScreenName(n)] = true
	}
	var offline []string
	for _, n := range c.live.account().Buddies { // as the session has them now
		if !isOn[oscar.NormalizeScreenName(n)] {
			offline = append(offline, n)
		}
	}
	text := "online: " + listOrNone(online) + "; offline: " + listOrNone(offline)
	return text, record{"online": nonNil(online), "offline": nonNil(offline)}
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func describeInfo(info *bos.UserInfo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: warning level %d%%", info.ScreenName, percent(info.WarningLevel))
	if !info.SignonTime.IsZero() {
		fmt.Fprintf(&b, ", online since %s", info.SignonTime.Local().Format("2006-01-02 15:04"))
	}
	if info.IdleMinutes > 0 {
		fmt.Fprintf(&b, ", idle %d min", info.IdleMinutes)
	}
	if info.Away {
		b.WriteString(", away")
		if info.AwayMessage != "" {
			b.WriteString(": " + htmltext.Plain(info.AwayMessage))
		}
	}
	if p := htmltext.Plain(info.Profile); p != "" {
		b.WriteString("\n  profile: " + indentContinuation(p, 11))
	}
	return b.String()
}

func infoRecord(info *bos.UserInfo) record {
	rec := record{"name": info.ScreenName, "warning_level": percent(info.WarningLevel), "away": info.Away,
		"idle_minutes": info.IdleMinutes, "profile": htmltext.Plain(info.Profile), "profile_html": info.Profile,
		"away_message": htmltext.Plain(info.AwayMessage)}
	if !info.SignonTime.IsZero() {
		rec["signon_time"] = rfc3339(info.SignonTime)
	}
	return rec
}

// cut splits off the first word.
func cut(s string) (word, rest string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeftFunc(s[i:], unicode.IsSpace)
}

// nameAndRest reads a screen name, "quoted" or 'quoted' when it holds
// spaces, and returns the rest of the line untouched.
func nameAndRest(s string) (name, rest string, err error) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	if s == "" {
		return "", "", errors.New("no screen name")
	}
	if q := s[0]; q == '"' || q == '\'' {
		end := strings.IndexByte(s[1:], q)
		if end < 0 {
			return "", "", fmt.Errorf("unterminated quote in %s", s)
		}
		name, rest = s[1:1+end], s[2+end:]
		if rest != "" && !unicode.IsSpace(rune(rest[0])) {
			return "", "", fmt.Errorf("no space after the quoted name in %s", s)
		}
		name = strings.TrimSpace(name)
		if name == "" {
			return "", "", errors.New("empty screen name")
		}
		return name, strings.TrimLeftFunc(rest, unicode.IsSpace), nil
	}
	name, rest = cut(s)
	return name, rest, nil
}
