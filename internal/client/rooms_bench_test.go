package client_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/chat"
	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/netsim"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

// joinThrough signs LabAlice on through d, then joins two rooms by name:
// the first opens chat navigation, the second finds it open. It returns
// the round trips and the time of each join. With synced not nil, it
// joins only once that is closed: the signon's buddy-list sync has ended,
// so that its frames are not counted in the first join's chain.
func joinThrough(tb testing.TB, srv *oscartest.Server, d *netsim.Dialer, ahead bool, synced <-chan struct{}, rooms ...string) (trips []int, took []time.Duration) {
	tb.Helper()
	s := newStream()
	ctx, cancel := context.WithCancel(context.Background())
	c, err := client.Start(ctx, client.Options{
		Account: client.Account{Server: srv.AuthAddr(), ScreenName: "LabAlice", Password: secret.String("alicepw1"),
			Dial: d.DialContext},
		Emit:      s.add,
		ChatAhead: ahead,
	})
	if err != nil {
		cancel()
		tb.Fatal(err)
	}
	defer func() { cancel(); c.Wait() }()
	if synced != nil {
		select {
		case <-synced:
		case <-time.After(hangGuard):
			tb.Fatal("the signon's buddy-list sync never ended (no 13,12)")
		}
	}
	for _, room := range rooms {
		before, start := d.RoundTrips(), time.Now()
		c.Exec(ctx, 1, "join "+room, true)
		took = append(took, time.Since(start))
		trips = append(trips, d.RoundTrips()-before)
		s.mu.Lock()
		var r *client.Result // the join's: the newest result (events may follow it)
		for i := len(s.all) - 1; i >= 0 && r == nil; i-- {
			r, _ = s.all[i].(*client.Result)
		}
		s.mu.Unlock()
		if r == nil || !r.OK {
			tb.Fatalf("join %s: %+v", room, r)
		}
	}
	return trips, took
}

// TestJoinRoundTrips counts the round trips of a join by name, a count
// that holds on any machine. The first join of a session: the service
// request for chat navigation (01,04 → 01,05), its connect, the cookie
// with the rate request (01,06) answered by host ready (01,03) and the
// rates (01,07), the room by name (0D,08 → 0D,09, sent with the rate
// acknowledge and client ready), then for the room the service request,
// the connect, the cookie and rates, and the members and info that answer
// client ready: 8. Later joins find chat navigation open: 5.
func TestJoinRoundTrips(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewUnstartedServer(chatAccounts...)
	// The signon's sync (it stores the typing preference: 13,11 … 13,12)
	// runs beside a join started at once, and its round trips would count.
	synced := make(chan struct{})
	var once sync.Once
	srv.Intercept = func(e oscartest.Event) oscartest.Action {
		p := e.Frame.Payload
		if e.Service == "bos" && e.Frame.Channel == 2 && len(p) >= 4 && p[0] == 0 && p[1] == 0x13 && p[2] == 0 && p[3] == 0x12 {
			once.Do(func() { close(synced) })
		}
		return oscartest.Answer
	}
	srv.Start()
	t.Cleanup(srv.Close)
	d := &netsim.Dialer{}
	defer d.Close()
	trips, _ := joinThrough(t, srv, d, false, synced, "Lounge", "Den")
	if trips[0] != 8 || trips[1] != 5 {
		t.Errorf("round trips of a first and a second join: %v, want [8 5]", trips)
	}
}

// BenchmarkJoinLatency25ms joins rooms through a proxy that delays each
// direction by 25 ms (a 50 ms round trip), and reports each join's time
// and round trips: the first of a session (chat navigation opened) and a
// later one.
func BenchmarkJoinLatency25ms(b *testing.B) {
	const lat = 25 * time.Millisecond
	srv := oscartest.NewUnstartedServer(chatAccounts...)
	srv.Start()
	defer srv.Close()
	var first, later time.Duration
	var trips []int
	i := 0
	for b.Loop() {
		b.StopTimer()
		d := &netsim.Dialer{Latency: lat}
		b.StartTimer()
		var took []time.Duration
		i++
		trips, took = joinThrough(b, srv, d, false, nil, fmt.Sprintf("First %d", i), fmt.Sprintf("Later %d", i))
		first += took[0]
		later += took[1]
		b.StopTimer()
		d.Close()
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(first.Milliseconds())/n, "ms/first-join")
	b.ReportMetric(float64(trips[0]), "first-round-trips")
	b.ReportMetric(float64(later.Milliseconds())/n, "ms/later-join")
	b.ReportMetric(float64(trips[1]), "later-round-trips")
}

// BenchmarkBusyRoom100 is a room of 100 members where one of the 99
// others says something every 20 ms (50 messages a second, in real
// time); the measured client decodes each and renders its line for
// people, as aim chat prints it. An op is one message; -benchmem counts
// the whole process (the server and the 99 other members too), and
// heap-growth-KiB is the live heap after the run less before it, which
// stays flat however long the run.
func BenchmarkBusyRoom100(b *testing.B) {
	const members = 99
	var accounts []oscartest.Account
	for i := range members {
		accounts = append(accounts, oscartest.Account{ScreenName: fmt.Sprintf("member%02d", i), Password: "memberpw"})
	}
	srv := oscartest.NewUnstartedServer(append(accounts, chatAccounts...)...)
	srv.NoRecord = true // its copy of every frame would be most of the growth
	srv.Start()
	defer srv.Close()

	got := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := client.Start(ctx, client.Options{
		Account: client.Account{Server: srv.AuthAddr(), ScreenName: "LabAlice", Password: secret.String("alicepw1")},
		Emit: func(o client.Output) {
			io.WriteString(io.Discard, client.Text(o)+"\n")
			if _, ok := o.(*client.ChatMessage); ok {
				got <- struct{}{}
			}
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { cancel(); c.Wait() }()
	c.Exec(ctx, 1, "join Busy Room", true)

	// The others: each signs on and joins; their events are drained.
	rooms := make([]*chat.Room, members)
	var wg sync.WaitGroup
	defer wg.Wait()
	for i, a := range accounts {
		res, err := login.Authorize(ctx, login.Options{Addr: srv.AuthAddr(), ScreenName: a.ScreenName, Password: secret.String(a.Password)})
		if err != nil {
			b.Fatal(err)
		}
		sess, err := bos.Connect(ctx, bos.Options{Addr: res.BOSAddr, Cookie: res.Cookie, ScreenName: res.ScreenName})
		if err != nil {
			b.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range sess.Events() {
			}
		}()
		defer sess.Logout(context.Background())
		nav, err := chat.OpenNavFor(ctx, ctx, sess, chat.Options{})
		if err != nil {
			b.Fatal(err)
		}
		info, err := nav.Room(ctx, chat.ExchangeUser, "busy room")
		nav.Close(ctx)
		if err != nil {
			b.Fatal(err)
		}
		room, err := chat.JoinFor(ctx, sess, info.RoomRef, chat.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer room.Leave(context.Background())
		rooms[i] = room
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range room.Events() {
			}
		}()
	}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	i := 0
	for b.Loop() {
		<-tick.C
		if err := rooms[i%members].Say(ctx, fmt.Sprintf("message %d: <b>héllo</b> 漢字, how is everyone?", i)); err != nil {
			b.Fatal(err)
		}
		<-got
		i++
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/1024, "heap-growth-KiB")
}

// TestJoinRoundTripsAhead: with chat navigation opened right after the
// signon (Options.ChatAhead, as aim login and aim chat do), the first join
// of a session costs what later ones do: 5 round trips, not 8. The joins
// start once the signon's sync and chat navigation's signon (its client
// ready) are done, as a person typing join would find them.
func TestJoinRoundTripsAhead(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewUnstartedServer(chatAccounts...)
	ready := make(chan struct{})
	var mu sync.Mutex
	var once sync.Once
	synced, navOpen := false, false
	srv.Intercept = func(e oscartest.Event) oscartest.Action {
		p := e.Frame.Payload
		s, err := oscar.ParseSNAC(p)
		if e.Service != "bos" || e.Frame.Channel != oscar.ChannelSNAC || err != nil {
			return oscartest.Answer
		}
		mu.Lock()
		defer mu.Unlock()
		switch s.Type() {
		case oscar.TypeFeedbagEndCluster:
			synced = true
		case oscar.TypeClientReady:
			var cr oscar.ClientReady
			if cr.Decode(s.Body) == nil && slices.ContainsFunc(cr.Families, func(f oscar.ToolVersion) bool { return f.Family == oscar.FamilyChatNav }) {
				navOpen = true
			}
		}
		if synced && navOpen {
			once.Do(func() { close(ready) })
		}
		return oscartest.Answer
	}
	srv.Start()
	t.Cleanup(srv.Close)
	d := &netsim.Dialer{}
	defer d.Close()
	trips, _ := joinThrough(t, srv, d, true, ready, "Lounge", "Den")
	if trips[0] != 5 || trips[1] != 5 {
		t.Errorf("round trips of a first and a second join: %v, want [5 5]", trips)
	}
}
