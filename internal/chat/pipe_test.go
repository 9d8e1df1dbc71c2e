package chat_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aim-oscar/aim/internal/chat"
	"github.com/aim-oscar/aim/internal/limits"
	"github.com/aim-oscar/aim/internal/oscar"
)

// pipeRoom is a room server on the far end of a net.Pipe, for tests in a
// synctest bubble: it signs the client on with one rate class (id 1, for
// every SNAC; the test picks its levels), then records what the client
// sends, with the bubble's time, until the client's channel 4.
type pipeRoom struct {
	maxMsg  uint16 // the room's limit (0x00D1) if not 0; set before serve
	rateErr bool   // answer 01,06 with an error SNAC (01,01)
	linger  bool   // keep the connection open after the client's channel 4
	// other, if set, answers the SNACs after signon.
	other func(fw *oscar.FrameWriter, s oscar.SNAC)

	mu     sync.Mutex
	frames []pipeFrame
}

type pipeFrame struct {
	at time.Time
	ch oscar.Channel
	t  oscar.SNACType
}

func (p *pipeRoom) serve(t *testing.T, nc net.Conn, class oscar.RateClass) {
	defer nc.Close()
	fr, fw := oscar.NewFrameReader(nc), oscar.NewFrameWriter(nc, 100)
	tlvs := oscar.AppendTLVString(nil, oscar.RoomTLVName, "Pipe")
	if p.maxMsg != 0 {
		tlvs = oscar.AppendTLVUint16(tlvs, oscar.RoomTLVMaxMessageLen, p.maxMsg)
	}
	room := oscar.RoomInfo{RoomRef: oscar.RoomRef{Exchange: 4, Cookie: "4-0-Pipe"}, Detail: 2, TLVs: oscar.TLVList(tlvs)}
	me := oscar.UserInfo{ScreenName: "LabAlice"}
	// Frames are read on their own goroutine, as a socket buffers them: the
	// client writes its rate request with the cookie, while this side
	// writes host ready, and a synchronous pipe would deadlock.
	frames, stop := make(chan oscar.Frame), make(chan struct{})
	defer close(stop)
	go func() {
		defer close(frames)
		for {
			f, err := fr.ReadFrame()
			if err != nil {
				return
			}
			f.Payload = append([]byte(nil), f.Payload...)
			select {
			case frames <- f:
			case <-stop:
				return
			}
		}
	}()
	for f := range frames {
		var typ oscar.SNACType
		var snac oscar.SNAC
		if s, err := oscar.ParseSNAC(f.Payload); err == nil && f.Channel == oscar.ChannelSNAC {
			typ, snac = s.Type(), s
		}
		p.mu.Lock()
		p.frames = append(p.frames, pipeFrame{time.Now(), f.Channel, typ})
		p.mu.Unlock()
		switch {
		case f.Channel == oscar.ChannelSignon:
			fw.WriteMessage(0x80000000, &oscar.HostReady{Families: []uint16{1, 0x0e}})
		case typ == oscar.TypeRateRequest && p.rateErr:
			fw.WriteMessage(snac.RequestID, &oscar.SNACError{Family: 1, Code: oscar.ErrCodeServiceUnavail})
		case typ == oscar.TypeRateRequest:
			fw.WriteMessage(1, &oscar.RateParams{Classes: []oscar.RateClass{class},
				Groups: []oscar.RateGroup{{Class: 1, Types: []oscar.SNACType{oscar.TypeRateRequest, oscar.TypeRateAck, oscar.TypeClientReady, oscar.TypeChatSend}}}})
		case typ == oscar.TypeClientReady:
			fw.WriteMessage(0, &oscar.ChatUsersJoined{Users: []oscar.UserInfo{me}})
			fw.WriteMessage(0, &oscar.RoomInfoUpdate{Room: room})
		case f.Channel == oscar.ChannelSignoff && !p.linger:
			return
		case f.Channel == oscar.ChannelSNAC && typ != oscar.TypeRateAck && p.other != nil:
			p.other(fw, snac)
		}
	}
}

func (p *pipeRoom) sent(ch oscar.Channel, typ oscar.SNACType) []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []time.Time
	for _, f := range p.frames {
		if f.ch == ch && f.t == typ {
			out = append(out, f.at)
		}
	}
	return out
}

// joinPipe joins a pipeRoom in the bubble.
func joinPipe(t *testing.T, opts chat.Options, class oscar.RateClass) (*chat.Room, *pipeRoom) {
	return joinPipeRoom(t, &pipeRoom{}, opts, class)
}

func joinPipeRoom(t *testing.T, p *pipeRoom, opts chat.Options, class oscar.RateClass) (*chat.Room, *pipeRoom) {
	cli, srvEnd := net.Pipe()
	go p.serve(t, srvEnd, class)
	opts.Dial = func(context.Context, string, string) (net.Conn, error) { return cli, nil }
	opts.Addr, opts.Cookie = "pipe", []byte{1}
	r, err := chat.Join(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if ev := <-r.Events(); ev.(*chat.Joined).Room != "Pipe" {
		t.Fatalf("first event %+v", ev)
	}
	return r, p
}

// roomyClass leaves room for any signon.
var roomyClass = oscar.RateClass{ID: 1, Window: 10, Clear: 400, Alert: 300, Limit: 200, Disconnect: 100, Current: 500, Max: 500}

// TestKeepalive: a channel-5 frame after each Keepalive of silence, and
// none before.
func TestKeepalive(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		r, p := joinPipe(t, chat.Options{Keepalive: 30 * time.Second}, roomyClass)
		time.Sleep(29 * time.Second)
		synctest.Wait()
		if n := len(p.sent(oscar.ChannelKeepalive, 0)); n != 0 {
			t.Errorf("%d keepalives after 29 s", n)
		}
		time.Sleep(31 * time.Second)
		synctest.Wait()
		if n := len(p.sent(oscar.ChannelKeepalive, 0)); n != 2 {
			t.Errorf("%d keepalives after 60 s, want 2", n)
		}
		if err := r.Leave(context.Background()); err != nil {
			t.Fatal(err)
		}
		for range r.Events() {
		}
		if n := len(p.sent(oscar.ChannelSignoff, 0)); n != 1 {
			t.Errorf("%d channel-4 frames, want 1", n)
		}
	})
}

// TestSayPacing: Say waits as the room's rate class requires (class 1:
// window 10, limit 200, so the limiter's target is 203: the limit plus a
// margin of 3; the server's tick comes a second after the last frame,
// when the level has long risen). At the top level messages go at once;
// once the level is down at the target, each gap is the one that keeps it
// there: (9 × 203 + gap) / 10 = 203 gives 203 ms.
func TestSayPacing(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		class := roomyClass
		r, p := joinPipe(t, chat.Options{Keepalive: -1}, class)
		// The signon's three SNACs at no gap took the level from 500 to
		// 364; wait so that it is back at the top: 364 + gap/10 ≥ 500.
		time.Sleep(2 * time.Second)
		for range 2 {
			if err := r.Say(t.Context(), "hi"); err != nil {
				t.Fatal(err)
			}
		}
		synctest.Wait()
		at := p.sent(oscar.ChannelSNAC, oscar.TypeChatSend)
		if len(at) != 2 {
			t.Fatalf("%d 0E,05 sent", len(at))
		}
		if gap := at[1].Sub(at[0]); gap != 0 {
			t.Errorf("two messages at the top level: %v apart, want 0", gap)
		}
		// Now drain the class to its target and measure the wait.
		for range 20 {
			if err := r.Say(t.Context(), "hi"); err != nil {
				t.Fatal(err)
			}
		}
		synctest.Wait()
		at = p.sent(oscar.ChannelSNAC, oscar.TypeChatSend)
		if last := at[len(at)-1].Sub(at[len(at)-2]); last != 203*time.Millisecond {
			t.Errorf("at the target, messages went %v apart, want 203ms", last)
		}
		r.Leave(context.Background())
		for range r.Events() {
		}
	})
}

// TestSayFrameLimit: a room that claims a limit of 0xFFFF bytes still gets
// no more text than one frame carries; longer text is refused before
// anything is sent, and the room goes on.
func TestSayFrameLimit(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		r, p := joinPipeRoom(t, &pipeRoom{maxMsg: 0xFFFF}, chat.Options{Keepalive: -1}, roomyClass)
		if got := r.MaxMessageLen(); got != chat.MaxFrameText {
			t.Errorf("MaxMessageLen = %d, want %d", got, chat.MaxFrameText)
		}
		var tl *limits.TooLongError
		if err := r.Say(t.Context(), strings.Repeat("a", 65500)); !errors.As(err, &tl) || tl.Len != 65500 || tl.Limit != chat.MaxFrameText {
			t.Errorf("Say(65500 bytes) = %v, want a TooLongError for %d", err, chat.MaxFrameText)
		}
		// The longest text in the longest charset name fits.
		if err := r.Say(t.Context(), strings.Repeat("漢", chat.MaxFrameText/2)); err != nil {
			t.Errorf("Say(%d bytes of UCS-2) = %v", chat.MaxFrameText, err)
		}
		synctest.Wait()
		if n := len(p.sent(oscar.ChannelSNAC, oscar.TypeChatSend)); n != 1 {
			t.Errorf("%d 0E,05 sent, want 1", n)
		}
		if err := r.Err(); err != nil {
			t.Errorf("room ended: %v", err)
		}
		if err := r.Leave(context.Background()); err != nil {
			t.Fatal(err)
		}
		for range r.Events() {
		}
	})
}
