package client_test

import (
	"context"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/netsim"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

// BenchmarkSendLatency25ms sends one IM over a network 25 ms each way
// (netsim): through a session kept online (what `aim send` asks of a
// running `aim login` over its control socket: the IM and its
// acknowledgement, one round trip) and with a signon of its own (what
// `aim send` does with no session: the authorizer, the BOS signon, the IM,
// the logout). It reports the round trips on the network per send.
func BenchmarkSendLatency25ms(b *testing.B) {
	srv := oscartest.NewUnstartedServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	srv.EnforceRates = false
	srv.Rates = oscartest.DefaultRates()
	for i := range srv.Rates.Classes {
		srv.Rates.Classes[i].Window = 0 // no pacing: the network's cost alone
	}
	srv.Start()
	defer srv.Close()
	srv.AddBot("EchoBot", func(from, text string) string { return "" })
	d := &netsim.Dialer{Latency: 25 * time.Millisecond}
	defer d.Close()
	a := client.Account{Server: srv.AuthAddr(), ScreenName: "LabAlice", Password: secret.String("alicepw1"), Dial: d.DialContext}

	b.Run("session", func(b *testing.B) {
		ctx, cancel := context.WithCancel(context.Background())
		c, err := client.Start(ctx, client.Options{Account: a})
		if err != nil {
			b.Fatal(err)
		}
		defer func() { cancel(); c.Wait() }()
		before := d.RoundTrips()
		for b.Loop() {
			if r, err := c.Begin(ctx, client.CmdSend, []string{"EchoBot", "through the session"}, true)(); err != nil || !r.OK {
				b.Fatalf("send: %+v %v", r, err)
			}
		}
		b.ReportMetric(float64(d.RoundTrips()-before)/float64(b.N), "round-trips/op")
	})
	b.Run("own-signon", func(b *testing.B) {
		before := d.RoundTrips()
		for b.Loop() {
			if _, err := client.Send(context.Background(), a, "EchoBot", "with a signon of its own", time.Now, nil, false); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(d.RoundTrips()-before)/float64(b.N), "round-trips/op")
	})
}

// TestSendRoundTrips counts the round trips of aim send with a signon of
// its own, a count that holds on any machine: the authorizer's connect and
// reply, BOS's connect, the cookie with the rate request (answered by host
// ready and the rates), then the flight that ends with client ready and
// the IM, whose acknowledge comes with the signon's replies: 5 (7 when the
// rate request waited for host ready and the IM for the replies).
// Both releases; a message to someone offline is stored with one more.
func TestSendRoundTrips(t *testing.T) {
	t.Parallel()
	for _, rel := range []oscartest.Release{oscartest.Release2025, oscartest.Release2026} {
		t.Run(rel.String(), func(t *testing.T) {
			srv := oscartest.NewUnstartedServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
			srv.Release = rel
			srv.Start()
			defer srv.Close()
			srv.AddBot("EchoBot", func(from, text string) string { return "" })
			d := &netsim.Dialer{}
			defer d.Close()
			a := client.Account{Server: srv.AuthAddr(), ScreenName: "LabAlice", Password: secret.String("alicepw1"), Dial: d.DialContext}
			before := d.RoundTrips()
			r, err := client.Send(context.Background(), a, "EchoBot", "hello", time.Now, nil, false)
			if err != nil || !r.OK || r.Delivery != "delivered" {
				t.Fatalf("send: %+v %v", r, err)
			}
			if n := d.RoundTrips() - before; n != 5 {
				t.Errorf("%d round trips, want 5", n)
			}
		})
	}
}
