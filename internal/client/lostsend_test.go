package client_test

import (
	"sync/atomic"
	"testing"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
)

// TestSendCutAfterWritten: the connection is lost (not a logout) right
// after the server read an IM (04,06), before it answered. The IM went
// out and may have arrived, so its result says "sent, not confirmed",
// never "not sent" or a closed session.
func TestSendCutAfterWritten(t *testing.T) {
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
