package tui

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/history"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/runner"
	"github.com/aim-oscar/aim/internal/secret"
	"github.com/aim-oscar/aim/internal/sessionsock"
)

// BenchmarkAttach is a UI attaching to a running session over its control
// socket (the in-process server, 200 buddies, a room, 8 conversations of
// the last hour in the history): from dialing the socket to the frame
// with the list, the room with its members and each window's last lines.
func BenchmarkAttach(b *testing.B) {
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	var buddies []string
	for i := range 200 {
		n := fmt.Sprintf("Bot%03d", i)
		buddies = append(buddies, n)
		if i%2 == 0 {
			srv.AddBot(n, func(string, string) string { return "" })
		}
	}
	state := b.TempDir()
	hist := history.Dir(state)
	rt, err := os.MkdirTemp("", "aimb")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(rt)
	dirs := control.Dirs{RunUser: rt, Temp: rt}
	// 8 conversations of the last hour, 30 lines each, in the history.
	rec, err := history.Open(hist, history.Options{Encode: func(v any) ([]byte, error) { return client.JSON(v) }})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 8 {
		for j := range 30 {
			when := time.Now().Add(time.Duration(j-40) * time.Minute)
			rec.Record(history.Entry{Conv: history.Conv{Kind: history.KindIM, Name: buddies[2*i]}, Time: when, Direction: history.In,
				Event: client.Stamp(&client.IM{From: buddies[2*i], Text: fmt.Sprintf("line %d of a conversation", j)}, when)})
		}
	}
	if err := rec.Close(); err != nil {
		b.Fatal(err)
	}
	sock, _, err := sessionsock.Listen(dirs, "", "LabAlice", "")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	h, err := runner.Host(ctx, client.Options{Account: client.Account{Server: srv.AuthAddr(), ScreenName: "LabAlice",
		Password: secret.String("alicepw1"), Buddies: buddies, StateDir: state, HistoryDir: hist}, ChatAhead: true}, sock)
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	if _, err := h.Run(ctx, client.CmdJoin, []string{"Lobby"}); err != nil {
		b.Fatal(err)
	}
	store := history.NewStore(hist)
	b.ResetTimer()
	for range b.N {
		c, err := sessionsock.Dial(ctx, dirs, "LabAlice")
		if err != nil || c == nil {
			b.Fatalf("Dial: %v", err)
		}
		live := runner.Attach(c, func(ctx context.Context) (*control.Client, error) { return sessionsock.Dial(ctx, dirs, "LabAlice") })
		m := New(ctx, live, Options{Self: "LabAlice", History: store})
		fctx, stop := context.WithCancel(ctx)
		got := make(chan client.Output, 1)
		done := make(chan struct{})
		go func() {
			defer close(done)
			live.Follow(fctx, func(o client.Output) {
				select {
				case got <- o:
				default:
				}
			})
		}()
		var status client.Output
		select {
		case status = <-got:
		case <-time.After(10 * time.Second):
			b.Fatal("no status from the session")
		}
		_, cmd := m.Update(eventsMsg{status})
		run(m, cmd)
		if len(m.wins) != 10 || len(m.find(winKey(winRoom, "Lobby")).members) == 0 {
			b.Fatalf("attached with %d windows (want status, the room, 8 conversations), the room's members %v",
				len(m.wins), m.find(winKey(winRoom, "Lobby")))
		}
		m.Frame()
		stop()
		<-done
		live.Close()
	}
}
