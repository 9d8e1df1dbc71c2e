package client_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
)

// TestSendCutAfterWritten: the connection is lost (not a logout) right
// after the server read an IM (04,06), before it answered. The IM went
// out and may have arrived, so its result says "sent, not confirmed",
// never "not sent" or a closed session.
func TestSendCutAfterWritten(t *testing.T) {
	t.Parallel()
	srv := listServer(t, oscartest.Release2026)
	var cut atomic.Bool
	srv.Intercept = func(e oscartest.Event) oscartest.Action {
		if s, err := oscar.ParseSNAC(e.Frame.Payload); err == nil && e.Frame.Channel == oscar.ChannelSNAC &&
			s.Type() == oscar.TypeICBMSend && cut.CompareAndSwap(false, true) {
			return oscartest.Hangup
		}
		return oscartest.Answer
	}
	a := newMachine(t, srv, "screen_name: LabAlice\n")
	a.start()
	if err := a.c.Exec(t.Context(), 1, `send "Lab Bob" are you there?`, true); err != nil {
		t.Fatal(err)
	}
	r := nextOut[*client.Result](a)
	if !cut.Load() {
		t.Fatal("the server never read the IM")
	}
	if r.OK || r.Error != client.ErrLostUnconfirmed.Error() {
		t.Errorf("an IM whose answer the lost connection cut off: %+v, want the error %q", r, client.ErrLostUnconfirmed)
	}
}

// TestSendOnceCutAfterWritten: aim send with a signon of its own (the IM
// in the signon's flight) has the same outcome when the server hangs up
// on reading the IM: sent, not confirmed.
func TestSendOnceCutAfterWritten(t *testing.T) {
	t.Parallel()
	srv := pipeServer(t, func(s *oscartest.Server) {
		s.AddAccount(oscartest.Account{ScreenName: "Lab Bob", Password: "bobpass22"})
		s.Intercept = func(e oscartest.Event) oscartest.Action {
			if s, err := oscar.ParseSNAC(e.Frame.Payload); err == nil && e.Frame.Channel == oscar.ChannelSNAC && s.Type() == oscar.TypeICBMSend {
				return oscartest.Hangup
			}
			return oscartest.Answer
		}
	})
	r, err := client.Send(t.Context(), labAccount(srv, "LabAlice", "alicepw1"), "Lab Bob", "are you there?", time.Now, nil, false)
	if !errors.Is(err, client.ErrLostUnconfirmed) || client.FailureOf(err) != client.FailureOther {
		t.Errorf("Send = %+v, %v; want %q (exit 1)", r, err, client.ErrLostUnconfirmed)
	}
}
