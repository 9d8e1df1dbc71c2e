package client_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/client"
)

// TestReadText: the line endings an editor or echo adds go, the text's
// own spaces stay, and more than the limit is a usage error.
func TestReadText(t *testing.T) {
	t.Parallel()
	if got, err := client.ReadText(strings.NewReader("  hi\tthere \r\n\n"), "message", 64); err != nil || got != "  hi\tthere " {
		t.Errorf("ReadText = %q, %v", got, err)
	}
	if got, err := client.ReadText(strings.NewReader("12345"), "profile", 5); err != nil || got != "12345" {
		t.Errorf("at the limit: %q, %v", got, err)
	}
	_, err := client.ReadText(strings.NewReader("123456"), "profile", 5)
	if !errors.As(err, new(*client.UsageError)) || err.Error() != "the profile is longer than 5 bytes" {
		t.Errorf("over the limit: %v", err)
	}
}

// TestArity: how many arguments each kind of row takes.
func TestArity(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		cmd         *client.Command
		least, most int
	}{
		{client.CmdSend, 2, -1},  // NAME TEXT
		{client.CmdAdd, 1, 2},    // NAME [GROUP]
		{client.CmdLogout, 0, 0}, // none
		{client.CmdAway, 0, -1},  // [TEXT]
	} {
		if least, most := tt.cmd.Arity(); least != tt.least || most != tt.most {
			t.Errorf("%s (%q): Arity = %d, %d; want %d, %d", tt.cmd.Name, tt.cmd.Args, least, most, tt.least, tt.most)
		}
	}
}

// TestFailed: the failure result says the error defused, and
// "interrupted" only when a signal cancelled the command.
func TestFailed(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)
	if r := client.Failed("send", errors.New("refused: \x1b[31mred"), true, now); r.Type != "result" || r.Time != now || r.OK ||
		r.Command != "send" || strings.Contains(r.Error, "\x1b") {
		t.Errorf("Failed = %+v", r)
	}
	canceled := fmt.Errorf("reading: %w", context.Canceled)
	if r := client.Failed("login", canceled, true, now); r.Error != "interrupted" {
		t.Errorf("interrupted: %q", r.Error)
	}
	// Ctrl-C on aim send: the session drops the message (send's help).
	if r := client.Failed("send", canceled, true, now); r.Error != "interrupted: the message was not sent, unless it was already on its way" {
		t.Errorf("send interrupted: %q", r.Error)
	}
	if r := client.Failed("login", canceled, false, now); r.Error != "reading: context canceled" {
		t.Errorf("cancelled, not by a signal: %q", r.Error)
	}
	// Ctrl-C while quit waits for queued messages: how many were dropped.
	dropped := &client.UnsentError{N: 3, Cause: context.Canceled}
	if r := client.Failed("login", dropped, true, now); r.Error != "interrupted: signed off; 3 queued messages were not sent" {
		t.Errorf("interrupted with messages queued: %q", r.Error)
	}
	// Ctrl-C in aim tui, a key and not a signal: the same words.
	if r := client.Failed("tui", dropped, false, now); r.Error != "signed off; 3 queued messages were not sent" {
		t.Errorf("dropped by a key: %q", r.Error)
	}
}

// TestSendArgs: the message goes as given (leading spaces, quotes, tabs),
// marked plain or HTML by the caller's setting, --online-only first.
func TestSendArgs(t *testing.T) {
	t.Parallel()
	got := client.SendArgs("LabBob", "   three \"quoted\"\ttabs", false, true)
	want := []string{client.OnlineOnly, client.PlainText, "LabBob", "   three \"quoted\"\ttabs"}
	if !slices.Equal(got, want) {
		t.Errorf("SendArgs = %q, want %q", got, want)
	}
	if got := client.SendArgs("LabBob", "<b>hi</b>", true, false); !slices.Equal(got, []string{client.HTMLText, "LabBob", "<b>hi</b>"}) {
		t.Errorf("html: %q", got)
	}
}
