package chat_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/chat"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

// TestNavSharesPacing: chat navigation opened through a session
// (OpenNavFor) is the session's pacing peer, as the real server makes it
// (its chat navigation ticks on the BOS classes): IMs that take the IM
// class near its limit go out after a keepalive on the navigation
// connection. Keepalives are off on both connections, so every one seen
// is such a touch. The classes are the real ones made 80 times faster;
// the pacing runs on the bubble's clock (synctest), over pipes.
func TestNavSharesPacing(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var touches atomic.Int32
		srv := oscartest.NewUnstartedServer(accounts...)
		p := oscartest.DefaultRates()
		for i := range p.Classes {
			c := &p.Classes[i]
			c.Clear, c.Alert, c.Limit, c.Disconnect, c.Current, c.Max = c.Clear/80, c.Alert/80, c.Limit/80, c.Disconnect/80, c.Current/80, c.Max/80
		}
		srv.Rates = p
		srv.Intercept = func(ev oscartest.Event) oscartest.Action {
			if ev.Service == "bos" && ev.Frame.Channel == oscar.ChannelKeepalive {
				touches.Add(1)
			}
			return oscartest.Answer
		}
		srv.StartPipes()
		t.Cleanup(srv.Close)
		ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
		defer cancel()
		res, err := login.Authorize(ctx, login.Options{Addr: srv.AuthAddr(), ScreenName: "LabAlice", Password: secret.String("alicepw1"), Dial: srv.Dial})
		if err != nil {
			t.Fatal(err)
		}
		sess, err := bos.Connect(ctx, bos.Options{Addr: res.BOSAddr, Cookie: res.Cookie, ScreenName: res.ScreenName, Keepalive: -1, ProbeAfter: -1, Dial: srv.Dial})
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for range sess.Events() {
			}
		}()
		defer func() {
			ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
			defer cancel()
			sess.Logout(ctx)
		}()
		nav, err := chat.OpenNavFor(ctx, context.Background(), sess, chat.Options{Keepalive: -1, Dial: srv.Dial})
		if err != nil {
			t.Fatal(err)
		}
		defer closeWithin(t, nav.Close)
		const n = 20
		pending := make([]*bos.Pending, n)
		for i := range n {
			if pending[i], err = sess.QueueIM("LabAlice", fmt.Sprintf("m%d", i), false); err != nil {
				t.Fatal(err)
			}
		}
		for i, p := range pending {
			if err := p.Wait(ctx); err != nil {
				t.Fatalf("IM %d: %v", i, err)
			}
		}
		if k := touches.Load(); k == 0 || k > n {
			t.Errorf("%d keepalives for %d IMs, want some (the IMs near the limit) and at most one each", k, n)
		}
	})
}
