package client

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/htmltext"
	"github.com/aim-oscar/aim/internal/limits"
	"github.com/aim-oscar/aim/internal/screenname"
)

// Command is one entry of the command table: what a line of input (or,
// later, a control request) may ask of a running account. The table drives
// parsing, help and completion.
type Command struct {
	Name    string
	Aliases []string
	Args    string // what follows the name, for help: "NAME TEXT"
	// Help is its entry in the list of commands; its first line alone is
	// the command's one-line summary (Summary), so it says it all.
	Help string
	// Long is what it does in full, in plain words: the prompt's
	// "help NAME" and the command line's "aim NAME --help" both print it.
	Long string
	// Example shows it on the command line, one "aim ..." a line.
	Example string
	// Values are the words its argument takes, for completion (privacy).
	Values   []string
	Complete Completion // what its first argument completes to
	Online   bool       // it needs a session online (it waits through a reconnect)
	Saves    bool       // it edits the config file too, when the session has one (help says which)
	// Flags are the options it takes before its arguments ("--online-only").
	Flags []string
	// Offline says the command has a config-file half that runs with no
	// session (RunOffline): the same decisions, the same result, the
	// server told at the next signon.
	Offline bool
	// Hidden commands are for programs (a full-screen client), not
	// people: help and completion leave them out, the socket takes them.
	Hidden bool
	// Passive commands only show the session's state: running one is no
	// sign that the person is at the keyboard (a script may poll them), so
	// it does not end idle. Every other command does (activity).
	Passive bool
	run     func(x *call) (*Result, error)
	// check, if set, checks what needs no server (Check).
	check func(x *call) error
}

// Check checks what cmd's arguments say that needs no server: a screen
// name's syntax, a message that is empty or longer than servers take. A
// front end checks before it signs on or hands the command to a running
// session; the command checks the same when it runs.
func (c *Command) Check(args []string) error {
	if c.check == nil {
		return nil
	}
	flags, argv := splitFlags(c, args)
	return c.check(&call{cmd: c, flags: flags, argv: argv, parsed: true})
}

// Arity is how many arguments the command line gives c, from its Args
// ("[GROUP]" optional, a last TEXT any number): at least least, at most
// most (-1: no limit).
func (c *Command) Arity() (least, most int) {
	words := strings.Fields(c.Args)
	for _, w := range words {
		if !strings.HasPrefix(w, "[") {
			least++
		}
	}
	if len(words) > 0 && strings.Trim(words[len(words)-1], "[]") == "TEXT" {
		return least, -1
	}
	return least, len(words)
}

// SendArgs is send's argument list for a message given whole (the
// command line, standard input): the text as given, plain or HTML as the
// caller's html setting says, whatever the session's.
func SendArgs(name, text string, html, onlineOnly bool) []string {
	list := []string{PlainText, name, text}
	if html {
		list[0] = HTMLText
	}
	if onlineOnly {
		list = append([]string{OnlineOnly}, list...)
	}
	return list
}

// splitFlags splits the options cmd takes off the front of args.
func splitFlags(cmd *Command, args []string) (flags, rest []string) {
	for len(args) > 0 && slices.Contains(cmd.Flags, args[0]) {
		flags, args = append(flags, args[0]), args[1:]
	}
	return flags, append([]string{}, args...)
}

// Each is the option of the commands that edit the buddy list, blocked or
// allowed list (add, remove, block, unblock, allow, disallow): the line
// holds several names, each quoted as needed (add: the group first, then
// the names). They are edited in turn and go to the server's list
// together, in one transaction.
const Each = "--each"

// OnlineOnly is send's option: a message to someone offline is refused,
// not kept by the server for their next signon.
const OnlineOnly = "--online-only"

// HTMLText is say's option: the text is HTML, sent as it is (as the html
// command sends an IM).
const HTMLText = "--html"

// PlainText is send's option for programs: the text is plain, escaped
// whatever the session's html setting (the caller's setting decides).
const PlainText = "--plain"

// Completion says what an argument completes to.
type Completion int

const (
	CompleteNothing Completion = iota
	CompleteBuddy              // a buddy's screen name
	CompleteRoom               // a room the account is in
)

// The command table, in the order help lists it. Each entry is exported
// so that other front ends (the control socket) can name it.
var (
	CmdSend = &Command{Name: "send", Aliases: []string{"msg", "m"}, Args: "NAME TEXT",
		Help: "send an instant message\n(to someone offline, the server keeps it for their next signon\nif it can; " + OnlineOnly + ": never; " +
			HTMLText + ": the text is HTML)",
		Long: `Send one instant message and wait until the server accepts it. The
message is sent as typed: characters such as <, > and & and line breaks
arrive as they are (aim escapes them, since AIM messages are HTML). With
` + HTMLText + ` (or html: true in the config file) the message is HTML and goes
out as it is, so <b>hi</b> shows in bold. Text in any script arrives
intact: aim picks ASCII, ISO-8859-1 or UCS-2 as the text needs.

Everything that needs no server (the name, the message's length against
the 512 bytes real servers take) is checked before it goes out. When the
recipient is offline, the server keeps the message for their next signon
(servers that can: the 2026 Open OSCAR Server; aim asks for it after the
first refusal, and says which); with ` + OnlineOnly + ` it is refused instead.
The server refuses a message when the recipient is not signed on and it
does not keep messages (a user who blocks you looks the same), its storage
for them is full, or you have blocked them (unblock NAME).`,
		Example: `  aim send LabBob 'lunch?'
  echo 'build finished' | aim send LabBob
  aim send "Lab Bob" "names with spaces need quotes" --json
  aim send LabBob --html '<b>bold</b> move'
  */5 * * * * $HOME/go/bin/aim send LabBob "$(uptime)"    # cron: aim's full path (command -v aim)`,
		Complete: CompleteBuddy, Online: true, Flags: []string{OnlineOnly, HTMLText, PlainText},
		run: func(x *call) (*Result, error) { return sendIM(x, false, false) }, check: checkIM(false)}
	CmdSendHTML = &Command{Name: "html", Args: "NAME HTML", Help: "send an instant message written in HTML, markup and all\n(send escapes <, > and &, so that text arrives as typed)",
		Complete: CompleteBuddy, Online: true, Flags: []string{OnlineOnly},
		run: func(x *call) (*Result, error) { return sendIM(x, false, true) }, check: checkIM(true)}
	CmdAutoreply = &Command{Name: "autoreply", Args: "NAME TEXT",
		Help:     "send it marked as an automatic reply: clients never\nanswer those, so two bots cannot talk in a loop",
		Complete: CompleteBuddy, Online: true, run: func(x *call) (*Result, error) { return sendIM(x, true, false) },
		check: checkIM(false)}
	CmdAdd = &Command{Name: "add", Args: "NAME [GROUP]", Help: "add a buddy", Saves: true,
		Long: `Add screen names to the buddy list, in a group (created if needed; default
"Buddies"). A name already on the list is said so and left where it is.
A running session adds them to the server's list at once, and to the
config file; with no session the config file alone, and the next signon
tells the server.`,
		Example: `  aim buddies add LabBob
  aim buddies add "Lab Carol" 12345678 --group Work`,
		Complete: CompleteBuddy, Online: true, Offline: true, Flags: []string{Each}, run: eachOr(addBuddy, true, false)}
	CmdRemove = &Command{Name: "remove", Aliases: []string{"rm"}, Args: "NAME",
		Help: "remove a buddy", Saves: true,
		Long: `Remove screen names from the buddy list, whatever their group; a name not
on the list is said so. Groups left empty are kept. A running session
removes them from the server's list at once, and from the config file;
with no session the config file alone.`,
		Example:  "  aim buddies remove LabBob\n  aim buddies rm labcarol",
		Complete: CompleteBuddy, Online: true, Offline: true, Flags: []string{Each}, run: eachOr(removeBuddy, false, false)}
	CmdProfile = &Command{Name: "profile", Args: "[TEXT]", Help: "set the profile others see when they look you up\n(HTML; with no text, clear it)",
		Long: fmt.Sprintf(`Set the profile others see when they look you up. It is stored in the
config file and sent to the server each time you sign on. It may be HTML.
aim refuses a profile over %d bytes; once signed on, the server's own
limit applies. A running session sets it on the server at once and says
whether the server took it.`, limits.DefaultProfile),
		Example: `  aim set-profile 'Lab rat. <b>Ask me about OSCAR.</b>'
  aim set-profile --file ~/profile.html
  fortune | aim set-profile -
  aim set-profile --clear`,
		Online: true, Offline: true, Saves: true, run: setProfile, check: checkText("profile")}
	CmdAway = &Command{Name: "away", Args: "[TEXT]",
		Help: "set or clear the away message\n(aim answers each sender once; with no text, come back)",
		Long: fmt.Sprintf(`Set or clear the away message. It is stored in the config file; while it
is set, aim signs on as away, others see it when they message you, and
aim answers each sender once with it. aim refuses an away message over
%d bytes. A running session goes away (or comes back) at once.`, limits.DefaultProfile),
		Example: `  aim set-away 'At lunch, back at 2'
  aim set-away --file away.html
  aim set-away --clear`,
		Online: true, Offline: true, Saves: true, run: setAway, check: checkText("away message")}
	CmdInfo = &Command{Name: "info", Aliases: []string{"whois"}, Args: "NAME", Help: "show a user's profile and away message",
		Long: `Ask the server for a user's profile, away message, warning level, idle
time and signon time.`,
		Example: `  aim info LabBob
  aim info "Lab Carol" --json | jq -r .profile`,
		Complete: CompleteBuddy, Online: true, run: getInfo, check: checkName}
	CmdWarn = &Command{Name: "warn", Args: "NAME [anon]", Help: "warn a user, by name or anonymously",
		Complete: CompleteBuddy, Online: true, run: warn}
	CmdJoin = &Command{Name: "join", Args: "ROOM", Help: "join a chat room, creating it if there is none of that name",
		Online: true, run: joinRoom}
	CmdSay = &Command{Name: "say", Args: "ROOM TEXT", Help: "say something in a chat room (" + HTMLText + ": the text is HTML,\nsent as it is; otherwise it arrives as typed)",
		Complete: CompleteRoom, Flags: []string{HTMLText}, run: say}
	CmdLeave   = &Command{Name: "leave", Args: "ROOM", Help: "leave a chat room", Complete: CompleteRoom, run: leaveRoom}
	CmdMembers = &Command{Name: "members", Passive: true, Args: "ROOM", Help: "list who is in a chat room", Complete: CompleteRoom, run: roomMembers}
	CmdRooms   = &Command{Name: "rooms", Passive: true, Help: "list the chat rooms you are in", run: listRooms}
	CmdInvite  = &Command{Name: "invite", Args: "NAME ROOM [TEXT]", Help: "invite someone to a chat room you are in",
		Complete: CompleteBuddy, Online: true, run: invite}
	CmdAccept  = &Command{Name: "accept", Help: "join the room of the last invitation", Online: true, run: accept}
	CmdBuddies = &Command{Name: "buddies", Passive: true, Aliases: []string{"who"}, Help: "list your buddies and who is online", run: listBuddies}
	CmdTyping  = &Command{Name: "typing", Args: "NAME STATE", Hidden: true,
		Help:     "tell NAME you are typing to them (STATE: typing, typed when you\npaused, stopped when the line was cleared or sent)",
		Complete: CompleteBuddy, run: sendTyping}
	CmdActive = &Command{Name: "active", Hidden: true,
		Help: "the person is at the keyboard (a key was pressed): not idle", run: markActive}
	// CmdLogout signs a running session off (its socket's logout); it
	// has no line of the table: at a prompt, quit does it.
	CmdLogout = &Command{Name: CommandLogout, Help: "sign the running session off",
		Long: `Sign off the session that 'aim login' runs for the screen name, as quit
at its end of input would: the commands under way finish first (messages
queued or waiting for the server's answer: an aim send that exits 0 was
sent), commands given after the logout are refused and not sent (they exit
non-zero), then it sends the server its sign-off and exits. Messages the
server's rate limit holds back go out at its pace first (after a burst,
about one every 5 seconds); one still waiting after 2 minutes is not sent,
and its aim send says so.`,
		Example: "  aim logout\n  aim logout --screen-name DemoUser",
		run:     quit}
	CmdStatus = &Command{Name: CommandStatus, Passive: true, Help: "show the session: who, since when, away, the buddies online",
		Long: `Show the session: the name as the server spells it, when it signed on, the
away message, and which buddies are online (marked away or idle) and
offline, group by group, and the chat rooms it is in.`,
		Example: `  aim status
  aim status --json | jq -r '.online[]'
  aim status --screen-name DemoUser    # the session of 'aim demo'
  aim status --no-session              # sign on, report, sign off
  aim status >/dev/null 2>&1 || aim login --no-input &`,
		run: func(x *call) (*Result, error) { return x.c.status(), nil }}
	CmdHelp = &Command{Name: "help", Passive: true, Aliases: []string{"?"}, Args: "[COMMAND]",
		Help: "this list; with a command, what it does in full", run: help}
	CmdQuit = &Command{Name: "quit", Aliases: []string{"exit"}, Help: "finish what is pending, sign off and exit", run: quit}

	commands = []*Command{CmdSend, CmdSendHTML, CmdAutoreply, CmdAdd, CmdRemove, CmdMove, CmdProfile, CmdAway, CmdInfo, CmdWarn,
		CmdJoin, CmdSay, CmdLeave, CmdMembers, CmdRooms, CmdInvite, CmdAccept, CmdBuddies, CmdStatus,
		CmdBlock, CmdUnblock, CmdBlocked, CmdAllow, CmdDisallow, CmdPrivacy, CmdNotify, CmdTyping, CmdActive, CmdHelp, CmdQuit}
)

// Commands returns the command table.
func Commands() []*Command { return commands }

// Lookup returns the command called word (a name or an alias, in any
// case), or nil.
func Lookup(word string) *Command { return lookupIn(commands, word) }

// lookupIn returns the command of table called word, or nil.
func lookupIn(table []*Command, word string) *Command {
	for _, c := range table {
		if strings.EqualFold(c.Name, word) {
			return c
		}
		for _, a := range c.Aliases {
			if strings.EqualFold(a, word) {
				return c
			}
		}
	}
	return nil
}

// Usage is the command's name, options and arguments: "send
// [--online-only] NAME TEXT".
func (c *Command) Usage() string {
	u := c.Name
	for _, f := range c.Flags {
		if f != Each && f != PlainText { // for commands other programs send; help says one name
			u += " [" + f + "]"
		}
	}
	return strings.TrimSpace(u + " " + c.Args)
}

// takeFlags splits the options cmd takes off the front of args. An option
// it does not take is an error; a screen name never starts with "--".
func takeFlags(cmd *Command, args string) (rest string, flags []string, err error) {
	for {
		args = strings.TrimLeftFunc(args, unicode.IsSpace)
		if !strings.HasPrefix(args, "--") {
			return args, flags, nil
		}
		word, after := cut(args)
		if !slices.Contains(cmd.Flags, word) {
			return "", nil, Usagef("%s takes no option %s (%s)", cmd.Name, Clip(word), cmd.Usage())
		}
		flags, args = append(flags, word), after
	}
}

// Summary is the command's one-line help: the first line of Help, as a
// sentence.
func (c *Command) Summary() string {
	line, _, _ := strings.Cut(c.Help, "\n")
	if line == "" {
		return ""
	}
	return strings.ToUpper(line[:1]) + line[1:]
}

// HelpText lists the commands, one per line.
func HelpText() string { return helpText(commands, true) }

// HelpFor is the prompt's help on one command (help NAME): its usage, its
// one-line help and what it does in full (Long).
func HelpFor(c *Command) string {
	h := c.Usage() + "\n  " + strings.ReplaceAll(c.Help, "\n", "\n  ")
	if c.Long != "" {
		h += "\n\n" + c.Long
	}
	return h
}

// helpText lists table; saved says whether the changes of commands that
// Save are saved to a config file.
func helpText(table []*Command, saved bool) string {
	const col = 19 // where the help starts
	var b strings.Builder
	fmt.Fprintf(&b, "Commands (one per line; quote names with spaces: %s \"Lab Bob\" hi):", table[0].Name)
	for _, c := range table {
		if c.Hidden {
			continue
		}
		u := "  " + c.Usage()
		b.WriteString("\n" + u + strings.Repeat(" ", max(col-len(u), 0)) + "  ")
		b.WriteString(strings.ReplaceAll(c.Help, "\n", "\n"+strings.Repeat(" ", col+2)))
		switch {
		case c.Saves && saved:
			b.WriteString(" (saved to the config file too)")
		case c.Saves:
			b.WriteString(" (for this session: no config file is kept)")
		}
	}
	return b.String()
}

// ErrQuit is Exec's answer to the command that ends the input.
var ErrQuit = errors.New("quit")

// UsageError is a command given wrong arguments: fixed by typing it
// again, whichever way it ran (FailureUsage keeps it across the socket).
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a *UsageError with a formatted message: a mistake on the
// command line (a bad flag, a missing or extra argument) that a command's
// --help explains.
func Usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// RunOffline runs the config-file half of cmd (Command.Offline) with its
// arguments, as the running session would, but with no session: the
// decisions (already on the list, blocking yourself, the privacy mode a
// list needs) are the session's, and the server learns of the change at
// the next signon. self is the account's screen name.
func RunOffline(ctx context.Context, cfg *config.Config, self string, cmd *Command, args []string, now func() time.Time) (*Result, error) {
	if now == nil {
		now = time.Now
	}
	c := &Client{opts: Options{Config: cfg, Now: now}}
	c.opts.ScreenName = self
	if !cmd.Offline {
		err := fmt.Errorf("%s needs a session", cmd.Name)
		return c.complete(0, "", cmd.Name, nil, err), err
	}
	flags, argv := splitFlags(cmd, args)
	x := &call{c: c, ctx: ctx, cmd: cmd, flags: flags, argv: argv, parsed: true, offline: true}
	r, err := cmd.run(x)
	return c.complete(0, "", cmd.Name, r, err), err
}

// errSessionOver answers commands given after the account signed off.
var errSessionOver = errors.New("the session has ended")

// call is one command being run.
type call struct {
	c     *Client
	ctx   context.Context
	cmd   *Command
	sess  *bos.Session // when cmd.Online
	args  string       // the rest of a typed line, after the options
	flags []string     // the options given (Command.Flags)
	// argv, when parsed, are the arguments as a list (from the command
	// line, through the control socket): a screen name is one argument,
	// and the text after it is kept exactly as given (leading spaces,
	// quotes, tabs), never joined and read again.
	argv   []string
	parsed bool
	// batch: one name of an Each command; the sync with the server's list
	// waits for the last (eachOr). cfg, then, is the config.Batch all the
	// names edit, written once after the last.
	batch bool
	cfg   *config.Config
	// offline runs only the config-file half (RunOffline): no session.
	offline bool
	// later, set by run, waits for the server's answer: the result comes
	// from it, on its own goroutine.
	later func() (*Result, error)
	quit  bool
	// prompt: a line a person typed, shown as soon as its result is
	// known (Exec without wait); own, set then by a send, is the line to
	// show before the reply to it.
	prompt bool
	own    *ownLine
}

func (x *call) usage() string { return x.cmd.Usage() }

// editConfig runs f with the config file the call edits (nil when there
// is none): a batch's copy, which is the call's alone, or the session's
// Config, held for f (withConfig).
func (x *call) editConfig(f func(cfg *config.Config) error) error {
	if x.cfg != nil {
		return f(x.cfg)
	}
	return x.c.withConfig(f)
}

// withConfig runs f with the commands' Config (nil when there is none)
// held: commands run on many goroutines at once (each control socket
// connection's, the prompt's) and edit the same one. f waits for no
// answer from the server, nor for the sync (sync.mu is taken first).
func (c *Client) withConfig(f func(cfg *config.Config) error) error {
	c.cfgMu.Lock()
	defer c.cfgMu.Unlock()
	return f(c.opts.Config)
}

// nameAndRest is the command's screen name and the text after it: the
// first argument and the others joined by spaces, or read from the typed
// line ("quoted" when the name holds spaces).
func (x *call) nameAndRest() (name, rest string, err error) {
	if !x.parsed {
		return nameAndRest(x.args)
	}
	if len(x.argv) == 0 || strings.TrimSpace(x.argv[0]) == "" {
		return "", "", Usagef("no screen name (%s)", x.usage())
	}
	return strings.TrimSpace(x.argv[0]), strings.Join(x.argv[1:], " "), nil
}

// rest is all the command's arguments as one text.
func (x *call) rest() string {
	if !x.parsed {
		return x.args
	}
	return strings.Join(x.argv, " ")
}

// roomAndRest is the room the command names and the text after it.
func (x *call) roomAndRest() (name, rest string, err error) {
	if !x.parsed {
		return x.c.rooms.roomAndRest(x.args)
	}
	return x.nameAndRest()
}

// body is what text typed for an IM or a room carries on the wire
// (IMBody): HTML as it is when the command says so (html), the option
// HTMLText was given or the client sends HTML (Options.HTML) and
// PlainText was not; else escaped, so that it arrives as typed.
func (x *call) body(text string, html bool) string {
	if !html && slices.Contains(x.flags, PlainText) {
		return IMBody(text, false)
	}
	return IMBody(text, html || x.c.opts.HTML || slices.Contains(x.flags, HTMLText))
}

// Exec runs one line of input, numbered id. Its frame is queued before Exec
// returns, so the server sees commands in the order they are given;
// commands that change the session or the config file finish first, those
// that wait for the server's answer (send, info, warn) report later. The
// result is emitted as a Result. Without wait a command that needs a
// session fails at once while none is online (a person at a prompt must
// never wait for a reconnect); with wait it waits, in order. Exec returns
// ErrQuit for the command that ends the input, and after the account has
// signed off.
func (c *Client) Exec(ctx context.Context, id int, line string, wait bool) error {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return nil
	}
	word, args := cut(line)
	cmd := Lookup(word)
	name := strings.ToLower(word)
	if cmd != nil {
		name = cmd.Name
	}
	x, r, err := c.begin(ctx, cmd, name, &call{args: args, prompt: !wait}, wait)
	switch {
	case errors.Is(err, errSessionOver):
		c.inOrder(id, line, name, func() (*Result, error) { return r, err }, true, wait)
		return ErrQuit
	case err == nil && x.quit:
		// Its result comes once the session has ended, after everything
		// that arrived before (emitQuit): the lines before it have their
		// results by then (Flush, Logout).
		c.quitResult.Store(c.complete(id, line, name, r, nil))
		return ErrQuit
	case err != nil || x.later == nil:
		c.inOrder(id, line, name, func() (*Result, error) { return r, err }, true, wait)
	default:
		if x.own != nil {
			c.inOrderShown(id, line, name, x.later, x.own)
			break
		}
		c.inOrder(id, line, name, x.later, false, wait)
	}
	if x != nil && x.quit {
		return ErrQuit
	}
	return nil
}

// Refuse gives line id, which could not be read as a command (err says
// why: too long, say), a failed result, in order as Exec would.
func (c *Client) Refuse(id int, err error, wait bool) {
	c.inOrder(id, "", "input", func() (*Result, error) { return nil, err }, true, wait)
}

// Failed is how many lines of a script (given to Exec or Refuse with
// wait) have failed so far: a front end reading a script says in its exit
// status whether all went well.
func (c *Client) Failed() int { return int(c.failed.Load()) }

// inOrder emits the result that later returns. For a script (ordered:
// Exec's wait) that is once the results of the lines before have been
// emitted: results come out in input order, and a quit's after those of
// the lines before it. A person at a prompt sees each result as soon as
// it is known: help is not held up behind messages the rate limiter
// holds. A result that is ready (later returns at once) while none is
// pending is emitted now; others wait on their own goroutine.
func (c *Client) inOrder(id int, line, name string, later func() (*Result, error), ready, ordered bool) {
	var prev chan struct{}
	mine := make(chan struct{})
	if ordered {
		c.orderMu.Lock()
		prev = c.lastResult
		c.lastResult = mine
		c.orderMu.Unlock()
	}
	emit := func(r *Result, err error) {
		if prev != nil {
			<-prev
		}
		if err != nil && ordered {
			c.failed.Add(1)
		}
		c.result(id, line, name, r, err)
		close(mine)
	}
	if !ready {
		// begin holds it in pending already: the frame is queued, and its
		// result must come before a logout goes on (Logout).
		go func() {
			defer c.release()
			emit(later())
		}()
		return
	}
	if isClosed(prev) || !c.hold() {
		emit(later()) // once prev's is out; signed off: while finishing
		return
	}
	go func() {
		defer c.release()
		emit(later())
	}()
}

// isClosed reports whether ch is nil or closed.
func isClosed(ch chan struct{}) bool {
	if ch == nil {
		return true
	}
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// Do runs cmd (from the table, never nil) with its arguments as a list (a name with spaces is one
// argument) and returns its result once complete: for send, info and warn,
// once the server has answered. The result is returned, not emitted: it is
// the answer to whoever asked (a control request). wait is Exec's.
func (c *Client) Do(ctx context.Context, cmd *Command, args []string, wait bool) *Result {
	r, _ := c.Begin(ctx, cmd, args, wait)()
	return r
}

// Begin is Do in two steps: it runs cmd up to the point where its frame
// is queued, so that callers who begin in turn are served in that order,
// and returns the func that waits for the result. The func returns the
// result (never nil) and the error it reports, for FailureOf; it must be
// called once.
func (c *Client) Begin(ctx context.Context, cmd *Command, args []string, wait bool) func() (*Result, error) {
	flags, argv := splitFlags(cmd, args)
	x, r, err := c.begin(ctx, cmd, cmd.Name, &call{flags: flags, argv: argv, parsed: true}, wait)
	if err == nil && x.later != nil {
		return func() (*Result, error) {
			defer c.release() // begin's hold
			r, err := x.later()
			return c.complete(0, "", cmd.Name, r, err), err
		}
	}
	res := c.complete(0, "", cmd.Name, r, err)
	return func() (*Result, error) { return res, err }
}

// begin runs cmd (named name as typed; nil if unknown) with the arguments
// in in (a typed line's rest, or parsed ones) up to the point where its
// frame is queued. x.later, if set, waits for the answer; the command is
// then held in pending, and whoever calls later calls release after it.
// The hold is taken before anything is queued, so that a logout (Logout)
// either refuses the command or waits for it: never a message sent but
// reported as refused.
func (c *Client) begin(ctx context.Context, cmd *Command, name string, in *call, wait bool) (x *call, r *Result, err error) {
	if !c.hold() {
		return nil, nil, errSessionOver
	}
	defer func() {
		if err != nil || x == nil || x.later == nil {
			c.release()
		}
	}()
	switch {
	case cmd == nil:
		return nil, nil, fmt.Errorf("unknown command %q (type %s for the list)", Clip(name), CmdHelp.Name)
	}
	if !cmd.Passive {
		c.activity()
	}
	x = in
	x.c, x.ctx, x.cmd = c, ctx, cmd
	if !x.parsed {
		if x.args, x.flags, err = takeFlags(cmd, x.args); err != nil {
			return x, nil, err
		}
	}
	if cmd.Online {
		if x.sess, err = c.live.session(ctx, wait); err != nil {
			return x, nil, err
		}
	}
	r, err = cmd.run(x)
	return x, r, err
}

// result emits a command's result.
func (c *Client) result(id int, line, name string, r *Result, err error) {
	c.emit(c.complete(id, line, name, r, err))
}

// complete fills in the fields every result has, and stamps it.
func (c *Client) complete(id int, line, name string, r *Result, err error) *Result {
	if r == nil {
		r = &Result{}
	}
	r.ID, r.Line, r.Command, r.OK = id, line, name, err == nil
	if err != nil {
		r.Error, r.Summary = err.Error(), "" // the error says what happened
	}
	Stamp(r, c.opts.Now())
	return r
}

// emitQuit emits quit's result, if one is held, stamped now.
func (c *Client) emitQuit() {
	if r := c.quitResult.Swap(nil); r != nil {
		Stamp(r, c.opts.Now())
		c.emit(r)
	}
}

// hold counts a command that waits for the server in pending, unless the
// account has signed off; the caller calls release when it is done.
func (c *Client) hold() bool {
	c.cmdMu.Lock()
	defer c.cmdMu.Unlock()
	if c.closed {
		return false
	}
	if c.pending == 0 {
		c.idle = make(chan struct{})
	}
	c.pending++
	return true
}

// release ends what hold began.
func (c *Client) release() {
	c.cmdMu.Lock()
	defer c.cmdMu.Unlock()
	if c.pending--; c.pending == 0 {
		close(c.idle)
	}
}

// Flush waits until every command started has its result, or ctx ends.
// A command started while it waits (from the control socket, say) is
// waited for too.
func (c *Client) Flush(ctx context.Context) {
	for {
		c.cmdMu.Lock()
		idle, n := c.idle, c.pending
		c.cmdMu.Unlock()
		if n == 0 {
			return
		}
		select {
		case <-idle:
		case <-ctx.Done():
			return
		}
	}
}

// Logout signs off once every command started has its result, as quit
// does at the end of a script: commands given from now on are refused
// (the session has ended, nothing is sent), and those under way (queued
// messages, at the rate limit's pace; requests waiting for the server's
// answer) finish first, up to LogoutWait; then the account signs off, and
// a message still queued is not sent and says so. It returns without
// waiting for the signoff (Wait does).
func (c *Client) Logout() { c.LogoutWithin(context.Background()) }

// LogoutWithin is Logout whose wait for the commands under way also ends
// with ctx: a person who will not wait drops the messages still queued
// (each says it was not sent; Unsent counts them).
func (c *Client) LogoutWithin(ctx context.Context) {
	c.cmdMu.Lock()
	c.closed = true
	c.cmdMu.Unlock()
	wait, cancel := context.WithTimeout(ctx, LogoutWait)
	defer cancel()
	c.Flush(wait)
	switch {
	case ctx.Err() != nil:
		c.logoutCut.Store(cutDropped)
	case wait.Err() != nil:
		c.logoutCut.Store(cutTimedOut)
	}
	c.Stop()
}

// Why a logout signed off before the commands under way had finished.
const (
	cutTimedOut = 1 + iota // LogoutWait ran out
	cutDropped             // the caller ended the wait
)

// finish refuses new commands and waits, up to ctx, for the results of
// those pending. The sessions have ended by then, so they fail at once and
// say so.
func (c *Client) finish(ctx context.Context) {
	c.cmdMu.Lock()
	c.closed = true
	c.cmdMu.Unlock()
	c.Flush(ctx)
}

// sendIM sends the rest of the line, as HTML if html, else as x.body
// decides.
func sendIM(x *call, auto, html bool) (*Result, error) {
	name, text, err := imText(x)
	if err != nil {
		return nil, err
	}
	body := x.body(text, html)
	if err := CheckIM(name, body); err != nil {
		return nil, err
	}
	r := &Result{To: name, Text: htmltext.Plain(body)}
	if mode, out := x.c.keptOutBy(x.sess, name); out {
		// The server refuses it only while they are signed on; while
		// they are not, it would keep it for them (and an automatic
		// reply should not answer them either).
		return r, &YouBlockedError{Name: name, Mode: mode}
	}
	own := sentIM(x.c.self(), name, body, auto, x.c.opts.Now())
	if x.prompt {
		x.own = x.c.newOwnLine(name)
	}
	p, err := x.sess.QueueIM(name, body, auto)
	if err != nil {
		if x.own != nil {
			x.c.ownLineDone(x.own)
			x.own = nil
		}
		return r, err
	}
	ctx, store := x.ctx, !slices.Contains(x.flags, OnlineOnly)
	if x.own != nil {
		x.own.p.Store(p)
	}
	x.c.sending.Add(1)
	x.later = func() (*Result, error) {
		defer x.c.sending.Add(-1)
		var d bos.Delivery
		var err error
		if store {
			d, err = p.WaitOrStore(ctx) // never stores an automatic reply
		} else {
			err = p.Wait(ctx)
		}
		r.Summary = sentSummary(name, d.String(), r.Text, auto)
		if err == nil {
			r.Delivery = d.String()
			x.c.history.Record(delivered(own, d))
		}
		switch {
		case err == nil:
		case errors.Is(err, bos.ErrUnanswered) && ctx.Err() != nil:
			return r, ErrUnconfirmed
		case errors.Is(err, bos.ErrClosed) && !errors.Is(err, bos.ErrUnanswered) && x.c.logoutCut.Load() == cutTimedOut:
			x.c.unsent.Add(1)
			return r, ErrLogoutUnsent
		case errors.Is(err, bos.ErrClosed) && !errors.Is(err, bos.ErrUnanswered) && x.c.logoutCut.Load() == cutDropped:
			x.c.unsent.Add(1)
			return r, ErrInterrupted
		case ctx.Err() == nil:
		case errors.Is(err, context.Canceled), errors.Is(err, bos.ErrClosed):
			x.c.unsent.Add(1)
			return r, ErrInterrupted
		}
		return r, sendError(name, err)
	}
	return r, nil
}

// imText is the recipient and the text of an IM command.
func imText(x *call) (name, text string, err error) {
	name, text, err = x.nameAndRest()
	if err == nil && strings.TrimSpace(text) == "" {
		err = Usagef("no message to send (%s)", x.usage())
	}
	return name, text, err
}

// checkIM checks an IM command's name and text, the text taken as HTML
// if html or the command's option says so.
func checkIM(html bool) func(x *call) error {
	return func(x *call) error {
		name, text, err := imText(x)
		if err != nil {
			return err
		}
		return CheckIM(name, IMBody(text, html || slices.Contains(x.flags, HTMLText)))
	}
}

// checkName checks the one screen name of a command (info).
func checkName(x *call) error {
	name, extra, err := x.nameAndRest()
	if err == nil && extra != "" {
		err = Usagef("unexpected %q after the name (%s)", Clip(extra), x.usage())
	}
	if err == nil {
		err = screenname.Validate(name)
	}
	return err
}

func addBuddy(x *call) (*Result, error) {
	name, group, err := x.nameAndRest()
	if err != nil {
		return nil, err
	}
	r := &Result{Name: name, Summary: "added " + name}
	if err := screenname.Validate(name); err != nil {
		return r, err
	}
	// Changes to the session and the config file run here, in input
	// order: each waits only until its frame is written.
	err = x.editConfig(func(cfg *config.Config) error {
		if cfg == nil {
			return nil
		}
		if group == "" {
			group = config.DefaultGroup
		}
		_, already, err := cfg.AddBuddies([]string{name}, group)
		if len(already) > 0 {
			r.Summary = name + " is already a buddy"
		}
		return err
	})
	if err != nil {
		return r, err
	}
	if x.offline {
		return r, nil
	}
	x.c.live.addBuddy(name)
	if err := x.c.listChanged(x, func() error { return x.sess.AddBuddies(x.ctx, name) }); err != nil {
		return r, err
	}
	return r, nil
}

func removeBuddy(x *call) (*Result, error) {
	name, extra, err := x.nameAndRest()
	if err == nil && extra != "" {
		err = Usagef("unexpected %q after the name (%s)", Clip(extra), x.usage())
	}
	if err != nil {
		return nil, err
	}
	r := &Result{Name: name, Summary: "removed " + name}
	if err := screenname.Validate(name); err != nil {
		return r, err
	}
	err = x.editConfig(func(cfg *config.Config) error {
		if cfg == nil {
			return nil
		}
		_, missing, err := cfg.RemoveBuddies([]string{name})
		if len(missing) > 0 {
			r.Summary = name + " was not a buddy"
		}
		return err
	})
	if err != nil {
		return r, err
	}
	if x.offline {
		return r, nil
	}
	x.c.live.removeBuddy(name)
	if err := x.c.listChanged(x, func() error { return x.sess.RemoveBuddies(x.ctx, name) }); err != nil {
		return r, err
	}
	return r, nil
}

// checkText checks the length of a profile or away message (what).
func checkText(what string) func(x *call) error {
	return func(x *call) error {
		if text := x.rest(); len(text) > limits.DefaultProfile {
			return &limits.TooLongError{What: what, Len: len(text), Limit: limits.DefaultProfile}
		}
		return nil
	}
}

func setProfile(x *call) (*Result, error) {
	text := x.rest()
	r := &Result{Summary: fmt.Sprintf("profile set (%d bytes)", len(text))}
	if text == "" {
		r.Summary = "profile cleared"
	}
	return setText(x, r, "profile", text, "no profile was set", func(a *Account) *string { return &a.Profile },
		(*config.Config).SetProfile, (*bos.Session).SetProfile)
}

func setAway(x *call) (*Result, error) {
	text := x.rest()
	away := text != ""
	r := &Result{Away: &away, Summary: "away: " + htmltext.Plain(text)}
	if !away {
		r.Summary = "back (away message cleared)"
	}
	return setText(x, r, "away", text, "not away (no away message was set)", func(a *Account) *string { return &a.Away },
		(*config.Config).SetAway, (*bos.Session).SetAway)
}

// setText sets the profile or the away message (field of the account,
// key in the config file) to text: in the session, in the config file (save) and on the server
// (set); r says so. Clearing what is not set does nothing, and says none.
// The session has it before the file does, so that the session's config
// follower, reading the file, finds nothing new to send again.
func setText(x *call, r *Result, key, text, none string, field func(*Account) *string,
	save func(*config.Config, string) error, set func(*bos.Session, context.Context, string) error) (*Result, error) {
	if err := x.cmd.check(x); err != nil {
		return nil, err
	}
	hasConfig := x.c.opts.Config != nil
	var was string
	switch {
	case !x.offline:
		a := x.c.live.account()
		was = *field(&a)
	case hasConfig:
		x.c.withConfig(func(cfg *config.Config) error {
			was = *field(&Account{Profile: cfg.Profile, Away: cfg.Away})
			return nil
		})
	}
	if text == "" && was == "" {
		r.Summary, r.Unchanged = none, true
		return r, nil
	}
	if !x.offline {
		x.c.live.edit(func(a *Account) { *field(a) = text })
	}
	if hasConfig {
		if !x.offline {
			x.c.live.saving(key, text)
		}
		if err := x.c.withConfig(func(cfg *config.Config) error { return save(cfg, text) }); err != nil {
			if !x.offline {
				x.c.live.notSaved(key, text)
			}
			return nil, err
		}
	}
	if x.offline {
		return r, nil
	}
	return r, set(x.sess, x.ctx, text)
}

func getInfo(x *call) (*Result, error) {
	if err := checkName(x); err != nil {
		return nil, err
	}
	name, _, _ := x.nameAndRest()
	q, err := x.sess.QueueGetInfo(name)
	if err != nil {
		return &Result{Name: name}, err
	}
	ctx := x.ctx
	x.later = func() (*Result, error) {
		info, err := q.Wait(ctx)
		if err != nil {
			return &Result{Name: name}, err
		}
		return infoResult(info), nil
	}
	return nil, nil
}

func infoResult(info *bos.UserInfo) *Result {
	level := percent(info.WarningLevel)
	u := &UserInfo{IdleMinutes: int(info.IdleMinutes), Profile: htmltext.Plain(info.Profile), ProfileHTML: info.Profile,
		AwayMessage: htmltext.Plain(info.AwayMessage), SignonTime: info.SignonTime.UTC()}
	r := &Result{Name: info.ScreenName, WarningLevel: &level, Away: &info.Away, UserInfo: u}
	r.Summary = infoSummary(r)
	return r
}

// infoSummary is the text of info's result, from its fields.
func infoSummary(r *Result) string {
	u := r.UserInfo
	if u == nil {
		u = &UserInfo{}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: warning level %d%%", r.Name, deref(r.WarningLevel))
	if !u.SignonTime.IsZero() {
		fmt.Fprintf(&b, ", online since %s", u.SignonTime.Local().Format("2006-01-02 15:04"))
	}
	if u.IdleMinutes > 0 {
		fmt.Fprintf(&b, ", idle %d min", u.IdleMinutes)
	}
	if deref(r.Away) {
		b.WriteString(", away")
		if u.AwayMessage != "" {
			b.WriteString(": " + u.AwayMessage)
		}
	}
	if u.Profile != "" {
		b.WriteString("\n  profile: " + indentContinuation(u.Profile, len("  profile: ")))
	}
	return b.String()
}

// deref returns *p, or the zero value for nil.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func warn(x *call) (*Result, error) {
	name, mode, err := x.nameAndRest()
	anon := false
	switch strings.ToLower(mode) {
	case "":
	case "anon", "anonymous", "anonymously":
		anon = true
	default:
		err = Usagef("unexpected %q after the name (%s)", Clip(mode), x.usage())
	}
	if err != nil {
		return nil, err
	}
	q, err := x.sess.QueueWarn(name, anon)
	if err != nil {
		return &Result{Name: name}, err
	}
	ctx := x.ctx
	x.later = func() (*Result, error) {
		level, err := q.Wait(ctx)
		p := percent(level)
		return &Result{Name: name, Anonymous: &anon, WarningLevel: &p,
			Summary: fmt.Sprintf("warned %s: their level is now %d%%", name, p)}, err
	}
	return nil, nil
}

func listBuddies(x *call) (*Result, error) {
	l := &BuddyList{Online: []string{}, Offline: []string{}, Buddies: []BuddyState{}}
	sess := x.c.live.current()
	isOn := map[string]bool{}
	if sess != nil {
		on := sess.Online()
		sort.Slice(on, func(i, j int) bool {
			return screenname.Normalize(on[i].ScreenName) < screenname.Normalize(on[j].ScreenName)
		})
		for _, u := range on {
			l.Online = append(l.Online, u.ScreenName)
			isOn[screenname.Normalize(u.ScreenName)] = true
			l.Buddies = append(l.Buddies, BuddyState{Name: u.ScreenName, Away: u.Away, IdleMinutes: int(u.IdleMinutes),
				WarningLevel: percent(u.WarningLevel), SignonTime: u.SignonTime.UTC()})
		}
	}
	for _, n := range x.c.live.account().Buddies { // as the session has them now
		if !isOn[screenname.Normalize(n)] {
			if sess != nil {
				n = sess.Spelling(n)
			}
			l.Offline = append(l.Offline, n)
		}
	}
	return &Result{BuddyList: l, Groups: x.c.buddyGroups(), Quiet: x.c.live.quietList(),
		Summary: "online: " + onlineText(l) + "; offline: " + listOrNone(l.Offline)}, nil
}

// onlineText lists the buddies online, each marked away or idle.
func onlineText(l *BuddyList) string {
	names := make([]string, len(l.Buddies))
	for i, b := range l.Buddies {
		var marks []string
		if b.Away {
			marks = append(marks, "away")
		}
		if b.IdleMinutes > 0 {
			marks = append(marks, fmt.Sprintf("idle %d min", b.IdleMinutes))
		}
		names[i] = b.Name
		if len(marks) > 0 {
			names[i] += " (" + strings.Join(marks, ", ") + ")"
		}
	}
	return listOrNone(names)
}

// buddyGroups is the buddy list in groups, in order: the list the server
// keeps when the session has one (each name as the server last spelled
// it), else the config file's, else the session's buddies in one group.
func (c *Client) buddyGroups() []config.BuddyGroup {
	groups := []config.BuddyGroup{}
	if sess := c.live.current(); sess != nil && sess.Feedbag() != nil {
		l, _ := sess.Feedbag().List()
		for _, g := range l.Groups {
			names := []string{}
			for _, n := range g.Buddies { // the list's names may be normalized
				names = append(names, sess.Spelling(n))
			}
			groups = append(groups, config.BuddyGroup{Group: g.Name, Names: names})
		}
		return groups
	}
	var fromFile bool
	c.withConfig(func(cfg *config.Config) error {
		if fromFile = cfg != nil; fromFile {
			for _, g := range cfg.Buddies {
				groups = append(groups, config.BuddyGroup{Group: g.Group, Names: append([]string{}, g.Names...)})
			}
		}
		return nil
	})
	if fromFile {
		return groups
	}
	if names := c.live.account().Buddies; len(names) > 0 {
		groups = append(groups, config.BuddyGroup{Group: config.DefaultGroup, Names: names})
	}
	return groups
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func help(x *call) (*Result, error) {
	h := helpText(x.c.commands, x.c.opts.Config != nil)
	if word := strings.TrimSpace(x.rest()); word != "" {
		c := lookupIn(x.c.commands, word)
		if c == nil || c.Hidden {
			return nil, Usagef("no command %q (type help for the list)", Clip(word))
		}
		h = HelpFor(c)
	}
	return &Result{Help: h, Summary: h}, nil
}

func quit(x *call) (*Result, error) {
	x.quit = true
	return &Result{Summary: "finishing pending commands and signing off"}, nil
}

// Complete is tab completion for a line being typed, the cursor at its
// end: a command's name in the first word, then what the command's
// argument completes to. It returns the new line, or false.
func (c *Client) Complete(line string) (string, bool) {
	word, rest, what := completing(line)
	switch what {
	case completeCommand:
		return completeFrom(line, "", commandNames())
	case CompleteRoom:
		return c.completeRoom(word, rest)
	case CompleteBuddy:
		return completeFrom(rest, word+" ", c.buddyNames())
	case completeValue:
		return completeFrom(rest, word+" ", values(word))
	}
	return "", false
}

// values are the words the argument of the command called word takes,
// each followed by a space: the row's Values, or for help the commands.
func values(word string) []string {
	cmd := Lookup(word)
	if cmd == CmdHelp {
		return commandNames()
	}
	var vs []string
	for _, v := range cmd.Values {
		vs = append(vs, v+" ")
	}
	return vs
}

// Choices lists what the word being typed at the end of line may
// complete to (Complete), for a second Tab to show: command names, or the
// names of buddies or rooms.
func (c *Client) Choices(line string) []string {
	word, rest, what := completing(line)
	var typed string
	var forms []string
	switch what {
	case completeCommand:
		typed, forms = line, commandNames()
	case CompleteRoom:
		typed, forms = strings.TrimPrefix(rest, `"`), c.rooms.names()
	case CompleteBuddy:
		typed, forms = rest, c.buddyNames()
	case completeValue:
		typed, forms = rest, values(word)
	default:
		return nil
	}
	var out []string
	for _, f := range forms {
		if len(f) >= len(typed) && strings.EqualFold(f[:len(typed)], typed) {
			out = append(out, strings.TrimSpace(f))
		}
	}
	sort.Strings(out)
	if len(out) == 1 && strings.EqualFold(out[0], strings.TrimSpace(typed)) {
		return nil // typed in full: nothing to choose
	}
	return out
}

// completeCommand is what the first word of a line completes to: a
// command's name (for completing only, never a command's argument).
const completeCommand Completion = -1

// completeValue is what the argument of a command with Values (privacy)
// completes to, and help's: a command's name.
const completeValue Completion = -2

// completing says what the end of line completes to: the command's name
// while the first word is typed, else what the command's first argument
// is (the command's Complete) while that is typed, else nothing.
func completing(line string) (word, rest string, what Completion) {
	word, rest = cut(line)
	if !strings.ContainsAny(line, " \t") {
		return word, rest, completeCommand
	}
	cmd := Lookup(word)
	switch {
	case cmd == nil:
	case cmd.Complete == CompleteRoom && !strings.Contains(strings.TrimPrefix(rest, `"`), `"`):
		return word, rest, CompleteRoom
	case cmd.Complete == CompleteBuddy && !strings.ContainsAny(rest, " \t\"'"):
		return word, rest, CompleteBuddy
	case (len(cmd.Values) > 0 || cmd.Name == "help") && !strings.ContainsAny(rest, " \t"):
		return word, rest, completeValue
	}
	return word, rest, CompleteNothing // past the name: message text
}

// commandNames are the commands' names, each followed by a space when it
// takes arguments.
func commandNames() []string {
	var names []string
	for _, cmd := range commands {
		if cmd.Hidden {
			continue
		}
		n := cmd.Name
		if cmd.Args != "" {
			n += " "
		}
		names = append(names, n)
	}
	return names
}

// buddyNames are the names of the buddies online and in the list, sorted,
// each followed by a space (names with spaces are left out).
func (c *Client) buddyNames() []string {
	var names []string
	seen := map[string]bool{}
	addName := func(n string) {
		if k := screenname.Normalize(n); !seen[k] && !strings.Contains(n, " ") {
			seen[k] = true
			names = append(names, n+" ")
		}
	}
	if sess := c.live.current(); sess != nil {
		for _, n := range sess.OnlineBuddies() {
			addName(n)
		}
	}
	for _, n := range c.live.account().Buddies {
		addName(n)
	}
	sort.Strings(names)
	return names
}

// completeFrom completes word to the longest prefix shared by the
// candidates that start with it (ignoring case).
func completeFrom(word, before string, candidates []string) (string, bool) {
	var match []string
	for _, c := range candidates {
		if len(c) >= len(word) && strings.EqualFold(c[:len(word)], word) {
			match = append(match, c)
		}
	}
	if len(match) == 0 {
		return "", false
	}
	common := match[0]
	for _, m := range match[1:] {
		n := 0
		for n < len(common) && n < len(m) && strings.EqualFold(common[n:n+1], m[n:n+1]) {
			n++
		}
		common = common[:n]
	}
	if len(common) <= len(word) {
		return "", false
	}
	return before + common, true
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

// SplitArgs reads what follows cmd's word on a typed line into its
// argument list, for a front end that passes commands on as lists (the
// chat over a running session): its options first, then a screen name or
// room ("quoted" when it holds spaces) as one argument for each the
// command's Args starts with, then the rest as typed.
func SplitArgs(cmd *Command, rest string) ([]string, error) {
	rest, flags, err := takeFlags(cmd, rest)
	if err != nil {
		return nil, err
	}
	args := flags
	for _, w := range strings.Fields(cmd.Args) {
		if rest == "" || (w != "NAME" && w != "ROOM") {
			break
		}
		var name string
		if name, rest, err = nameAndRest(rest); err != nil {
			return nil, err
		}
		args = append(args, name)
	}
	if rest != "" {
		args = append(args, rest)
	}
	return args, nil
}

// nameAndRest reads a screen name, "quoted" or 'quoted' when it holds
// spaces, and returns the rest of the line untouched.
func nameAndRest(s string) (name, rest string, err error) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	if s == "" {
		return "", "", Usagef("no screen name")
	}
	if q := s[0]; q == '"' || q == '\'' {
		end := strings.IndexByte(s[1:], q)
		if end < 0 {
			return "", "", Usagef("unterminated quote in %s", Clip(s))
		}
		name, rest = s[1:1+end], s[2+end:]
		if rest != "" && !unicode.IsSpace(rune(rest[0])) {
			return "", "", Usagef("no space after the quoted name in %s", Clip(s))
		}
		name = strings.TrimSpace(name)
		if name == "" {
			return "", "", Usagef("empty screen name")
		}
		return name, strings.TrimLeftFunc(rest, unicode.IsSpace), nil
	}
	name, rest = cut(s)
	return name, rest, nil
}

// eachOr returns run, which edits the list for one name, as a command
// that with the Each option runs it for each name of the line (add: the
// group first), every edit in the config file and the session's list at
// once and the sync with the server's list put off to one at the end:
// one transaction for them all, where a sync each would make the server
// space the transactions seconds apart. privacy says the list is the
// blocked or allowed one, which only the server's list carries. The first
// name that fails stops the rest; what was edited before it still goes up.
func eachOr(run func(*call) (*Result, error), group, privacy bool) func(*call) (*Result, error) {
	return func(x *call) (*Result, error) {
		if !slices.Contains(x.flags, Each) {
			return run(x)
		}
		names, grp, err := x.names(group)
		if err != nil {
			return nil, err
		}
		r := &Result{Name: names[0]}
		var said []string
		var failed error
		edited := 0
		// Each name edits the file as the one before left it, and the
		// file is written once, after the last (config.Batch): one read,
		// one write and one fsync for the lot, and one change for the
		// file's watcher. Neither a sync nor its file may start before the
		// last name.
		each := func(cfg *config.Config) error {
			for _, n := range names {
				one := *x
				one.batch, one.cfg = true, cfg
				if one.parsed {
					one.argv = append([]string{n}, grp...)
				} else {
					one.args = QuoteName(n) + " " + strings.Join(grp, " ")
				}
				res, err := run(&one)
				if err != nil {
					return fmt.Errorf("%s: %w", n, err)
				}
				edited++
				if res != nil && res.Summary != "" {
					said = append(said, res.Summary)
				}
			}
			return nil
		}
		if !x.offline {
			x.c.sync.mu.Lock()
		}
		if x.c.opts.Config != nil {
			// Held for the whole batch; each name edits the batch's copy.
			failed = x.c.withConfig(func(cfg *config.Config) error { return cfg.Batch(each) })
		} else {
			failed = each(nil)
		}
		if !x.offline {
			x.c.sync.mu.Unlock()
		}
		r.Summary = strings.Join(said, "; ")
		if edited > 0 && !x.offline {
			var err error
			if privacy {
				err = x.c.privacyChanged(x)
			} else {
				err = x.c.listChanged(x, func() error { return nil }) // 03,04/03,05 went name by name
			}
			failed = errors.Join(failed, err)
		}
		return r, failed
	}
}

// names returns the names of an Each command, and with group, the group
// that comes first (add's: at most one, its words as add takes them).
func (x *call) names(group bool) (names, g []string, err error) {
	if x.parsed {
		names = x.argv
		if group {
			if len(names) == 0 {
				return nil, nil, fmt.Errorf("no group (%s %s GROUP NAME...)", x.cmd.Name, Each)
			}
			g, names = names[:1], names[1:]
		}
	} else {
		rest := x.args
		if group {
			first, r, err := nameAndRest(rest)
			if err != nil {
				return nil, nil, fmt.Errorf("no group (%s %s GROUP NAME...)", x.cmd.Name, Each)
			}
			g, rest = []string{first}, r
		}
		for strings.TrimSpace(rest) != "" {
			n, r, err := nameAndRest(rest)
			if err != nil {
				return nil, nil, err
			}
			names, rest = append(names, n), r
		}
	}
	if len(names) == 0 {
		return nil, nil, errors.New("no screen name")
	}
	return names, g, nil
}
