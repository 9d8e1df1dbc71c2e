package main

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/interactive"
	"github.com/aim-oscar/aim/internal/tablecmd"
)

type chatOptions struct {
	accountOptions
	Room      string
	For       time.Duration
	NoSession bool // --no-session: sign on even if a session runs
}

func newChatCmd(f *factory) *cobra.Command {
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
				return client.Usagef("aim chat needs the name of a room")
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
			return runChat(cmd.Context(), opts)
		},
	}
	addAccountFlags(cmd, &opts.TLS)
	tablecmd.NoSessionFlag(cmd, &opts.NoSession)
	cmd.Flags().DurationVar(&opts.For, "for", 0, "leave and sign off after this `DURATION`; 0: stay")
	config.AddFlag(cmd.Flags(), config.KeyReconnect, "after a lost connection, sign on again with backoff and join the room again")
	return cmd
}

func runChat(ctx context.Context, opts *chatOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	live, err := opts.starter().Live(ctx, cfg, opts.NoSession)
	if err != nil {
		return err
	}
	plan := interactive.ChatPlan{Room: opts.Room, For: opts.For, NoPrompt: opts.Debug()}
	out := interactive.NewPrinter(opts.IO, cfg.Output == config.OutputJSON, cfg.Color)
	err = interactive.Chat(ctx, opts.IO, out, live, plan)
	if cerr := live.Close(); err == nil && live.Owns() {
		err = cerr
	}
	return err
}
