package interactive

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/iostreams"
	"github.com/aim-oscar/aim/internal/sessionsock"
)

// Account is what aim chat runs on (runner.Live): the account's running
// session, attached over its control socket or hosted here.
type Account interface {
	Run(ctx context.Context, cmd *client.Command, args []string) (*client.Result, error)
	// Follow passes the session's status, then each of its events as it
	// happens, to each, until ctx ends (nil) or the session does (an
	// *sessionsock.EndedError with its last event).
	Follow(ctx context.Context, each func(client.Output)) error
	// Owns reports whether the session is aim chat's own (hosted here),
	// which Logout then signs off at the end; else it stays on.
	Owns() bool
	Logout(ctx context.Context) error
}

// ChatPlan is what aim chat does: which room, for how long.
type ChatPlan struct {
	Room     string
	For      time.Duration
	NoPrompt bool // read line by line even on a terminal (the trace writes there)
}

// LeaveTimeout bounds leaving the room at the end.
const LeaveTimeout = 10 * time.Second

// Chat is aim chat: it joins plan.Room through acct, prints what happens
// there (and the account's other events) as it comes, runs each line of
// standard input as the room's (RoomLine), and leaves the room at the
// end of input, /leave, /quit, --for or a signal. It returns why the
// session ended, if it did (nil for a logout). Its goroutines (the events' follower,
// the input's reader: StartInput) end before it returns, the reader at
// the end of input.
func Chat(ctx context.Context, streams *iostreams.IOStreams, out *Printer, acct Account, plan ChatPlan) error {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	following := make(chan struct{}) // closed at the first output: the status
	room := &roomLines{acct: acct, out: out, room: plan.Room, left: make(chan struct{}), following: following,
		typed: streams.IsStdinTTY()}
	// The events outlive ctx until the room is left.
	evCtx, endEvents := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	var evErr error
	go func() {
		defer close(done)
		defer stop() // the session has gone: so has the room
		evErr = room.ended(acct.Follow(evCtx, room.show))
	}()
	defer func() { endEvents(); <-done }()
	select {
	case <-following:
	case <-done:
		return evErr
	}
	r, err := acct.Run(ctx, client.CmdJoin, []string{plan.Room})
	if err != nil {
		return err
	}
	if out.JSON {
		out.Print(r) // for people, chat_joined says it
	}
	room.joined(r.Room)
	if plan.For > 0 {
		t := time.AfterFunc(plan.For, stop)
		defer t.Stop()
	}
	through := "" // the greeting says whose session it is on
	if !acct.Owns() {
		through = " through the running session"
	}
	in := InputPlan{
		Prompt: "[" + r.Room + "] ",
		Greeting: fmt.Sprintf("In %s%s: type to talk; /members, /msg NAME TEXT, /leave, /quit, /help. Ctrl-D leaves.",
			r.Room, through),
		NoPrompt: plan.NoPrompt,
	}
	if c, ok := acct.(completer); ok {
		in.Complete, in.Choices = slashed(c)
	}
	restore := StartInput(ctx, stop, streams, out, room, in)
	<-ctx.Done()
	restore()
	select {
	case <-done: // offline for good: the room went with the account
		return evErr
	default:
	}
	if err := room.end(ctx); err != nil {
		return err
	}
	t := time.NewTimer(LeaveTimeout) // the room's "you left" comes before the end
	defer t.Stop()
	select {
	case <-room.left:
	case <-done:
	case <-t.C:
	}
	if acct.Owns() { // its signoff is the last line
		acct.Logout(context.WithoutCancel(ctx))
	}
	endEvents()
	<-done
	return evErr
}

// completer is an account that completes command lines (runner.Own).
type completer interface {
	Complete(line string) (string, bool)
	Choices(line string) []string
}

// slashed completes the commands typed after a slash, and nothing else.
func slashed(c completer) (func(string) (string, bool), func(string) []string) {
	return func(line string) (string, bool) {
			if !strings.HasPrefix(line, "/") {
				return "", false
			}
			s, ok := c.Complete(line[1:])
			return "/" + s, ok
		}, func(line string) []string {
			if !strings.HasPrefix(line, "/") {
				return nil
			}
			return c.Choices(line[1:])
		}
}

// RoomLine reads a line typed in room as a command and its arguments:
// text is said in the room as typed, /members, /leave, /msg NAME TEXT
// and /me are the room's commands, /COMMAND any other of the table. A
// blank line is no command (nil).
func RoomLine(room, line string) (*client.Command, []string, error) {
	if !strings.HasPrefix(line, "/") {
		if strings.TrimSpace(line) == "" {
			return nil, nil, nil
		}
		return client.CmdSay, []string{room, line}, nil
	}
	word, rest, _ := strings.Cut(strings.TrimPrefix(line, "/"), " ")
	switch strings.ToLower(word) {
	case "members", "names", "who":
		return client.CmdMembers, []string{room}, nil
	case "leave", "part":
		return client.CmdLeave, []string{room}, nil
	case "me":
		return client.CmdSay, []string{room, "* " + rest}, nil
	}
	cmd := client.Lookup(word)
	if cmd == nil {
		return nil, nil, &client.UsageError{Err: fmt.Errorf("unknown command %q (type /%s for the list)", client.Clip(word), client.CmdHelp.Name)}
	}
	args, err := client.SplitArgs(cmd, rest)
	return cmd, args, err
}

// roomLines runs the lines typed in a room through the account, one at a
// time, and prints their results.
type roomLines struct {
	acct  Account
	out   *Printer
	left  chan struct{} // closed when the room's chat_left is shown
	typed bool          // a person types the lines: they are on the screen

	following chan struct{} // closed at the first output

	mu        sync.Mutex // show runs while a command waits
	room      string     // as the server has it, once joined
	leftOnce  bool       // left is closed
	followed  bool       // following is closed
	lastShown *client.Disconnected

	cmdMu sync.Mutex // one command at a time
	gone  bool       // a command left the room
	over  bool       // end has run: no more commands
}

func (r *roomLines) name() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.room
}

func (r *roomLines) joined(room string) {
	r.mu.Lock()
	r.room = room
	r.mu.Unlock()
}

// show prints one of the account's events if aim chat in the room shows
// it: not another room's, nor the result of a command someone else gave
// the session.
func (r *roomLines) show(o client.Output) {
	r.mu.Lock()
	room, first := r.room, !r.followed
	r.followed = true
	if d, ok := o.(*client.Disconnected); ok {
		r.lastShown = d
	}
	r.mu.Unlock()
	if first {
		close(r.following)
	}
	var in string
	switch e := o.(type) {
	case *client.Result:
		return
	case *client.ChatJoined:
		in = e.Room
	case *client.ChatMessage:
		in = e.Room
	case *client.ChatMember:
		in = e.Room
	case *client.ChatLeft:
		in = e.Room
	}
	if in != "" && !strings.EqualFold(in, room) {
		return
	}
	r.out.Print(o)
	if _, ok := o.(*client.ChatLeft); ok {
		r.mu.Lock()
		if !r.leftOnce {
			r.leftOnce = true
			close(r.left)
		}
		r.mu.Unlock()
	}
}

// ended is what the end of Follow means for aim chat: the session's
// last event shown (once), and a logout no failure.
func (r *roomLines) ended(err error) error {
	var e *sessionsock.EndedError
	if !errors.As(err, &e) || e.Last == nil {
		return err
	}
	r.mu.Lock()
	shown := r.lastShown
	r.mu.Unlock()
	if shown == nil || shown.Reason != e.Last.Reason || !shown.Time.Equal(e.Last.Time) {
		r.show(e.Last)
	}
	if e.Last.Reason == client.ReasonLogout {
		return nil
	}
	return err
}

func (r *roomLines) Exec(ctx context.Context, _ int, line string, _ bool) error {
	r.cmdMu.Lock()
	defer r.cmdMu.Unlock()
	if r.over {
		return client.ErrQuit
	}
	room := r.name()
	cmd, args, err := RoomLine(room, line)
	if err != nil {
		r.fail("input", err)
		return nil
	}
	if cmd == nil {
		return nil
	}
	leaving := cmd == client.CmdQuit // quit leaves the room; the session is not aim chat's to end
	if leaving {
		cmd, args = client.CmdLeave, []string{room}
	}
	leaving = leaving || cmd == client.CmdLeave && len(args) > 0 && strings.EqualFold(args[0], room)
	res, err := r.acct.Run(ctx, cmd, args)
	if res == nil {
		r.fail(cmd.Name, err)
		// A command the session refused leaves the next ones working;
		// any other error means the session is out of reach.
		if leaving || !errors.As(err, new(*sessionsock.RemoteError)) {
			return client.ErrQuit
		}
		return nil
	}
	if leaving && res.OK {
		r.gone = true
	}
	if !(res.OK && cmd == client.CmdSay && r.typed) || r.out.JSON { // what was typed is on the screen already
		r.out.Print(res)
	}
	if leaving {
		return client.ErrQuit
	}
	return nil
}

// fail prints an error as the failed result of command.
func (r *roomLines) fail(command string, err error) {
	r.out.Print(client.Stamp(&client.Result{Command: command, Error: err.Error()}, time.Now()))
}

// Flush has nothing to wait for: Exec returns with the result.
func (r *roomLines) Flush(context.Context) {}

// Refuse prints a line that could not be read as a failed result.
func (r *roomLines) Refuse(_ int, err error, _ bool) { r.fail("input", err) }

// end stops the input's commands and leaves the room, unless a command
// has; a signal does not cut the leaving short.
func (r *roomLines) end(ctx context.Context) error {
	r.cmdMu.Lock()
	defer r.cmdMu.Unlock()
	r.over = true
	if r.gone {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), LeaveTimeout)
	defer cancel()
	res, err := r.acct.Run(ctx, client.CmdLeave, []string{r.name()})
	if res == nil {
		return err
	}
	if r.out.JSON {
		r.out.Print(res) // for people, chat_left says it
	}
	return nil
}
