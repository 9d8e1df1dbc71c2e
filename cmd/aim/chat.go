package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
)

type chatOptions struct {
	accountOptions
	Room string
	For  time.Duration
}

func newChatCmd(f *factory, runF func(context.Context, *chatOptions) error) *cobra.Command {
	opts := &chatOptions{accountOptions: newAccountOptions(f)}
	cmd := &cobra.Command{
		Use:   "chat ROOM",
		Short: "Sign on, join a chat room and stay in it, like an IRC client",
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
connection drops is joined again; so is the room after a reconnect.`,
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
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runChat(cmd.Context(), opts)
		},
	}
	addAccountFlags(cmd, &opts.TLS)
	cmd.Flags().DurationVar(&opts.For, "for", 0, "leave and sign off after this `DURATION`; 0: stay")
	cmd.Flags().Bool("reconnect", true, "after a lost connection, sign on again with backoff and join the room again")
	return cmd
}

func runChat(ctx context.Context, opts *chatOptions) error {
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
func stayInRoom(ctx context.Context, streams *IOStreams, out *printer, opts client.Options, room string, dur time.Duration, debug bool, sock *sessionSocket) (err error) {
	fmt.Fprintf(streams.ErrOut, "aim: signing on to %s as %s...\n", opts.Server, opts.ScreenName)
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	defer func() { sock.finish(err) }()
	opts.Emit = func(o client.Output) {
		sock.emit(o)
		if r, ok := o.(*client.Result); ok && r.OK && r.Command == client.CmdSay.Name && !out.json {
			return // what was typed is on the screen already
		}
		out.print(o)
	}
	c, err := client.Start(ctx, opts)
	if err != nil {
		return err
	}
	sock.started(c)
	r := c.Do(ctx, client.CmdJoin, []string{room}, true)
	if out.json {
		out.print(r) // for people, chat_joined says it, or the error does
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
	defer startInput(ctx, stop, streams, out, c, inputPlan{
		prompt:   "[" + room + "] ",
		greeting: fmt.Sprintf("In %s: type to talk; /members, /msg NAME TEXT, /leave, /quit, /help. Ctrl-D leaves.", room),
		rewrite:  func(line string) (string, bool) { return chatLine(room, line) },
		complete: func(line string) (string, bool) {
			if !strings.HasPrefix(line, "/") {
				return "", false
			}
			s, ok := c.Complete(line[1:])
			return "/" + s, ok
		},
		noPrompt: debug,
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
