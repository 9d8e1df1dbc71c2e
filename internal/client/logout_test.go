package client_test

import (
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/oscartest"
)

// TestLogoutSendsWhatIsQueued: a logout given while the server's rate
// limit (the real IM class) holds messages back lets them go out at its
// pace before signing off, though that takes far longer than a few
// seconds: every send says it was sent, and the recipient has each one.
func TestLogoutSendsWhatIsQueued(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		bot := new(heard)
		srv := pipeServer(t, func(s *oscartest.Server) { s.AddBot("EchoBot", bot.reply) })
		c, out := start(t, srv, time.Second)
		const n = 15
		var want []string
		for i := range n {
			want = append(want, fmt.Sprintf("m%02d", i))
			if err := c.Exec(t.Context(), i+1, "send EchoBot "+want[i], true); err != nil {
				t.Fatal(err)
			}
		}
		begun := time.Now()
		c.Logout()
		c.Wait()
		took := time.Since(begun)
		synctest.Wait()
		sent := 0
		for _, o := range out.all() {
			if r, ok := o.(*client.Result); ok && r.Command == client.CmdSend.Name {
				if r.OK {
					sent++
				} else {
					t.Errorf("a send queued before the logout: %s", client.Text(r))
				}
			}
		}
		got := bot.all()
		slices.Sort(got)
		if sent != n || !slices.Equal(got, want) {
			t.Errorf("%d of %d sends said sent; the recipient got %q", sent, n, got)
		}
		if took < 10*time.Second {
			t.Errorf("the logout took %v: the rate limit should have held messages back longer", took)
		}
		t.Logf("the logout took %v", took)
	})
}

// TestLogoutUnsentSaysWhy: messages the rate limit still holds back when
// the logout's 2 minutes run out are not sent, and each says so and why
// (the session signed off before the limit let it go), not "session is
// closed"; the others were sent.
func TestLogoutUnsentSaysWhy(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := pipeServer(t, func(s *oscartest.Server) {
			s.AddBot("EchoBot", func(_, _ string) string { return "" })
		})
		c, out := start(t, srv, time.Second)
		const n = 60 // about one every 5 s after the burst: more than 2 minutes' worth
		for i := range n {
			if err := c.Exec(t.Context(), i+1, fmt.Sprintf("send EchoBot m%02d", i), true); err != nil {
				t.Fatal(err)
			}
		}
		c.Logout()
		c.Wait()
		synctest.Wait()
		sent, unsent := 0, 0
		for _, o := range out.all() {
			r, ok := o.(*client.Result)
			if !ok || r.Command != client.CmdSend.Name {
				continue
			}
			switch {
			case r.OK:
				sent++
			case r.Error == client.ErrLogoutUnsent.Error():
				unsent++
			default:
				t.Errorf("a send queued before the logout: %s", client.Text(r))
			}
		}
		if sent+unsent != n || unsent == 0 || sent == 0 {
			t.Errorf("%d sent and %d not sent (the logout's wait ran out) of %d", sent, unsent, n)
		}
		if c.Unsent() != unsent {
			t.Errorf("Unsent() = %d, want %d", c.Unsent(), unsent)
		}
	})
}
