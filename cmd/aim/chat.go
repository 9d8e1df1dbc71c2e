package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/interactive"
	"github.com/aim-oscar/aim/internal/sessionsock"
)

type chatOptions struct {
	accountOptions
	Room      string
	For       time.Duration
	NoSession bool // --no-session: sign on even if a session runs
}

func newChatCmd(f *factory, runF func(context.Context, *chatOptions) error) *cobra.Command {
	opts := &chatOptions{accountOptions: newAccountOptions(f)}
	cmd := &cobra.Command{
		Use:   "chat ROOM",
		Short: "Join a chat room and stay in it, like an IRC client",
		Long: `Sign on, join the chat room ROOM (created if there is none of that name,
found whatever its letter case) and stay in it: each line typed is said in
the room, and what happens there (and any IM) prints as it comes. Lines that
start with a slash are commands:

  /members          who is in the room
  /msg NAME TEXT    send an instant message
  /leave            leave the room and sign off
  /quit             sign off
  /COMMAND ...      any command of 'aim login' (/help lists them)

At the end of input aim leaves the room and signs off. A room whose
connection drops is joined again; so is the room after a reconnect.

When 'aim login' runs for the screen name, aim chat joins through that
session instead (no password, no second signon; --no-session forces one):
/quit and the end of input then leave the room, and the session stays on.`,
		Example: `  aim chat "Lab Lounge"
  echo 'build 101 passed' | aim chat Builds
  aim chat --json Lobby | jq -c 'select(.type == "chat_message")'`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("aim chat needs the name of a room")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Room = strings.Join(args, " ")
			if err := checkFor(opts.For); err != nil {
				return err
			}
			// Checked here, before a signon or the running session.
			if _, err := client.RoomName(opts.Room); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runChat(cmd.Context(), opts)
		},
	}
	addAccountFlags(cmd, &opts.TLS)
	addNoSessionFlag(cmd, &opts.NoSession)
	cmd.Flags().DurationVar(&opts.For, "for", 0, "leave and sign off after this `DURATION`; 0: stay")
	config.AddFlag(cmd.Flags(), config.KeyReconnect, "after a lost connection, sign on again with backoff and join the room again")
	return cmd
}

func runChat(ctx context.Context, opts *chatOptions) error {
	if !opts.NoSession {
		cfg, err := opts.Config()
		if err != nil {
			return err
		}
		c, err := sessionsock.Dial(ctx, socketDirs(opts.RuntimeDir()), cfg.ScreenName)
		if err != nil {
			return err
		}
		if c != nil {
			defer c.Close()
			out := interactive.NewPrinter(opts.IO, cfg.Output == config.OutputJSON, cfg.Color)
			return chatThroughSession(ctx, opts, cfg, out, c)
		}
	}
	// Like aim login, it is the account's session here: a second one for
	// the name is refused, and other commands use this one.
	copts, out, sock, err := opts.startSession(ctx)
	if err != nil {
		return err
	}
	return stayInRoom(ctx, opts.IO, out, copts, opts.Room, opts.For, opts.Debug(), sock)
}

// stayInRoom signs on, joins room and runs what is typed as the room's
// input (chatLine) until the input ends, /quit, --for, a signal, or the
// account goes offline for good.
func stayInRoom(ctx context.Context, streams *IOStreams, out *interactive.Printer, opts client.Options, room string, dur time.Duration, debug bool, sock *sessionsock.Socket) (err error) {
	fmt.Fprintf(streams.ErrOut, "aim: signing on to %s as %s...\n", opts.Server, opts.ScreenName)
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	defer func() { sock.Finish(err) }()
	opts.Emit = func(o client.Output) {
		sock.Emit(o)
		if r, ok := o.(*client.Result); ok && r.OK && r.Command == client.CmdSay.Name && !out.JSON {
			return // what was typed is on the screen already
		}
		out.Print(o)
	}
	c, err := client.Start(ctx, opts)
	if err != nil {
		return err
	}
	sock.Started(c)
	r := c.Do(ctx, client.CmdJoin, []string{room}, true)
	if out.JSON {
		out.Print(r) // for people, chat_joined says it, or the error does
	}
	if !r.OK {
		stop()
		c.Wait()
		return errors.New(r.Error)
	}
	room = r.Room
	if dur > 0 {
		t := time.AfterFunc(dur, stop)
		defer t.Stop()
	}
	defer interactive.StartInput(ctx, stop, streams, out, c, interactive.InputPlan{
		Prompt:   "[" + room + "] ",
		Greeting: fmt.Sprintf("In %s: type to talk; /members, /msg NAME TEXT, /leave, /quit, /help. Ctrl-D leaves.", room),
		Rewrite:  func(line string) (string, bool) { return chatLine(room, line) },
		Complete: func(line string) (string, bool) {
			if !strings.HasPrefix(line, "/") {
				return "", false
			}
			s, ok := c.Complete(line[1:])
			return "/" + s, ok
		},
		Choices: func(line string) []string {
			if !strings.HasPrefix(line, "/") {
				return nil
			}
			return c.Choices(line[1:])
		},
		NoPrompt: debug,
	})()
	return c.Wait()
}

// chatLine turns a line typed in the room into a command line: text is
// said in the room, /members, /leave, /msg and /quit are the room's
// commands, and /COMMAND any other of the table. It reports whether the
// line ends the input (after the command runs).
func chatLine(room, line string) (cmd string, last bool) {
	quoted := `"` + room + `"`
	if !strings.HasPrefix(line, "/") {
		if strings.TrimSpace(line) == "" {
			return "", false
		}
		return client.CmdSay.Name + " " + quoted + " " + line, false
	}
	word, rest, _ := strings.Cut(strings.TrimPrefix(line, "/"), " ")
	switch strings.ToLower(word) {
	case "members", "names", "who":
		return client.CmdMembers.Name + " " + quoted, false
	case "leave", "part":
		return client.CmdLeave.Name + " " + quoted, true
	case "msg":
		return client.CmdSend.Name + " " + rest, false
	case "me":
		return client.CmdSay.Name + " " + quoted + " " + "* " + rest, false
	}
	return strings.TrimPrefix(line, "/"), false
}

// chatThroughSession is aim chat beside a running aim login: it joins
// and talks through that session (c), prints the room's events and the
// account's others as they come, and leaves the room at the end without
// signing the session off (it is aim login's).
func chatThroughSession(ctx context.Context, opts *chatOptions, cfg *config.Config, out *interactive.Printer, c *control.Client) error {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	// The events come on a connection of their own (one request at a
	// time on each), and outlive ctx until the room is left.
	events, err := sessionsock.Dial(ctx, socketDirs(opts.RuntimeDir()), cfg.ScreenName)
	if err == nil && events == nil {
		err = &sessionsock.EndedError{}
	}
	if err != nil {
		return err
	}
	defer events.Close()
	evCtx, endEvents := context.WithCancel(context.WithoutCancel(ctx))
	following, left, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var evErr error
	go func() {
		defer close(done)
		defer stop() // the session has ended: so has the room
		evErr = followRoom(evCtx, events, out, opts.Room, following, left)
	}()
	defer func() { endEvents(); <-done }()
	select {
	case <-following:
	case <-done:
		return evErr
	}
	r, err := sessionsock.Run(ctx, c, client.CmdJoin.Name, []string{opts.Room}, noticeTo(opts.IO, out.JSON))
	if err != nil {
		return err
	}
	if out.JSON {
		out.Print(r) // for people, chat_joined says it
	}
	room := &sessionRoom{c: c, out: out, room: r.Room, notice: noticeTo(opts.IO, out.JSON),
		dial: func(ctx context.Context) (*control.Client, error) {
			return sessionsock.Dial(ctx, socketDirs(opts.RuntimeDir()), cfg.ScreenName)
		}}
	defer room.close()
	if opts.For > 0 {
		t := time.AfterFunc(opts.For, stop)
		defer t.Stop()
	}
	restore := interactive.StartInput(ctx, stop, opts.IO, out, room, interactive.InputPlan{
		Prompt:   "[" + r.Room + "] ",
		Greeting: fmt.Sprintf("In %s through the running session: type to talk; /members, /msg NAME TEXT, /leave, /quit, /help. Ctrl-D leaves.", r.Room),
		Rewrite:  func(line string) (string, bool) { return chatLine(r.Room, line) },
		Complete: func(string) (string, bool) { return "", false },
		NoPrompt: opts.Debug(),
	})
	<-ctx.Done()
	restore()
	err = room.end(ctx)
	if err == nil { // the room's chat_left is the last line
		t := time.NewTimer(leaveTimeout)
		select {
		case <-left:
		case <-done:
		case <-t.C:
		}
		t.Stop()
	}
	endEvents()
	<-done
	if evErr != nil {
		return evErr
	}
	return err
}

// followRoom prints the session's events as they come: those of room,
// and the account's others (IMs, buddies, the connection), until ctx ends
// (nil) or the session does. following is closed once they are followed,
// left once the room is left.
func followRoom(ctx context.Context, c *control.Client, out *interactive.Printer, room string, following, left chan<- struct{}) error {
	first, gone := true, false
	_, err := c.Do(ctx, client.CommandEvents, []string{"follow"}, func(r control.Reply) error {
		if r.ID == 0 {
			return nil // notices: the events say the same
		}
		if first { // the session's status: following from here
			first = false
			close(following)
			return nil
		}
		o, err := sessionsock.DecodeOutput(r.Body)
		if err != nil {
			return err
		}
		if shownInRoom(o, room) {
			out.Print(o)
		}
		if _, ok := o.(*client.ChatLeft); ok && shownInRoom(o, room) && !gone {
			gone = true
			close(left)
		}
		return nil
	})
	if ctx.Err() != nil {
		return nil
	}
	if ended := (*sessionsock.EndedError)(nil); errors.As(sessionsock.CallerErr(err), &ended) {
		if ended.Last != nil {
			out.Print(ended.Last)
			if ended.Last.Reason == client.ReasonLogout {
				return nil
			}
		}
	}
	return sessionsock.CallerErr(err)
}

// shownInRoom reports whether aim chat in room prints o, one of the
// session's events: not another room's, nor the result of a command
// someone else gave the session.
func shownInRoom(o client.Output, room string) bool {
	var in string
	switch e := o.(type) {
	case *client.Result:
		return false
	case *client.ChatJoined:
		in = e.Room
	case *client.ChatMessage:
		in = e.Room
	case *client.ChatMember:
		in = e.Room
	case *client.ChatLeft:
		in = e.Room
	default:
		return true
	}
	return strings.EqualFold(in, room)
}

// sessionRoom runs the room's input (chatLine's command lines) through a
// running session, one at a time: quit there would sign the session off,
// so here it leaves the room.
type sessionRoom struct {
	c      *control.Client // nil after an error: the next command dials again
	dial   func(context.Context) (*control.Client, error)
	out    *interactive.Printer
	room   string
	notice func(client.Output)

	mu   sync.Mutex
	left bool // a command left the room
	over bool // end has run: no more commands
}

func (r *sessionRoom) Exec(ctx context.Context, _ int, line string, _ bool) error {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return nil
	}
	word, rest := line, ""
	if i := strings.IndexAny(line, " \t"); i >= 0 {
		word, rest = line[:i], strings.TrimSpace(line[i+1:])
	}
	cmd := client.Lookup(word)
	quit := cmd == client.CmdQuit
	if quit {
		cmd = client.CmdLeave
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.over {
		return client.ErrQuit
	}
	if cmd == nil { // the socket would hang up on it
		r.out.Print(client.Stamp(&client.Result{Command: word, Error: fmt.Sprintf("unknown command %q (type /%s for the list)", client.Clip(word), client.CmdHelp.Name)}, time.Now()))
		return nil
	}
	if r.c == nil {
		c, err := r.dial(ctx)
		if err == nil && c == nil {
			err = &sessionsock.EndedError{}
		}
		if err != nil {
			r.out.Print(client.Stamp(&client.Result{Command: cmd.Name, Error: err.Error()}, time.Now()))
			return client.ErrQuit
		}
		r.c = c
	}
	args := []string{r.room}
	if !quit {
		var err error
		if args, err = client.SplitArgs(cmd, rest); err != nil {
			r.out.Print(client.Stamp(&client.Result{Command: cmd.Name, Error: err.Error()}, time.Now()))
			return nil
		}
	}
	res, err := sessionsock.Run(ctx, r.c, cmd.Name, args, r.notice)
	if err != nil {
		// The connection may carry no other request (the control client
		// takes some failures' codes for a hang-up): the next dials again.
		r.c.Close()
		r.c = nil
		r.out.Print(client.Stamp(&client.Result{Command: cmd.Name, Error: err.Error()}, time.Now()))
		if re := (*sessionsock.RemoteError)(nil); quit || !errors.As(err, &re) {
			return client.ErrQuit // asked to, or the session has gone
		}
		return nil
	}
	if cmd == client.CmdLeave && strings.EqualFold(res.Room, r.room) {
		r.left = true
	}
	if cmd != client.CmdSay || r.out.JSON { // what was typed is on the screen already
		r.out.Print(res)
	}
	if quit {
		return client.ErrQuit
	}
	return nil
}

// close closes the connection the commands use now.
func (r *sessionRoom) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.c != nil {
		r.c.Close()
		r.c = nil
	}
}

// Flush has nothing to wait for: Exec returns with the result.
func (r *sessionRoom) Flush(context.Context) {}

// Refuse prints a line that could not be read as a failed result.
func (r *sessionRoom) Refuse(_ int, err error, _ bool) {
	r.out.Print(client.Stamp(&client.Result{Command: "input", Error: err.Error()}, time.Now()))
}

// end stops the input's commands and leaves the room, unless a command
// has, on a connection of its own: a command cut short by a signal leaves
// r.c unusable.
func (r *sessionRoom) end(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.over = true
	if r.left {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), leaveTimeout)
	defer cancel()
	c, err := r.dial(ctx)
	if err != nil || c == nil {
		return err // none: the room went with the session
	}
	defer c.Close()
	res, err := sessionsock.Run(ctx, c, client.CmdLeave.Name, []string{r.room}, nil)
	if err != nil {
		return err
	}
	if r.out.JSON {
		r.out.Print(res) // for people, chat_left says it
	}
	return nil
}

// leaveTimeout bounds leaving the room through the session at the end.
const leaveTimeout = 10 * time.Second
