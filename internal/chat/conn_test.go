package chat_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"testing/synctest"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/chat"
	"github.com/aim-oscar/aim/internal/oscar"
)

// pipeOpts dials a pipeRoom p in the bubble.
func pipeOpts(t *testing.T, p *pipeRoom, opts chat.Options) chat.Options {
	cli, srvEnd := net.Pipe()
	go p.serve(t, srvEnd, roomyClass)
	opts.Dial = func(context.Context, string, string) (net.Conn, error) { return cli, nil }
	opts.Addr, opts.Cookie = "pipe", []byte{1}
	return opts
}

// TestNavReplyType: a SNAC that carries the request's id but is not its
// reply (real servers put other ids on unsolicited SNACs) is not taken for
// the answer.
func TestNavReplyType(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		room := oscar.RoomInfo{RoomRef: oscar.RoomRef{Exchange: 4, Cookie: "4-0-Found"}, Detail: 2,
			TLVs: oscar.TLVList(oscar.AppendTLVString(nil, oscar.RoomTLVName, "Found"))}
		p := &pipeRoom{other: func(fw *oscar.FrameWriter, s oscar.SNAC) {
			if s.Type() == oscar.TypeCreateRoom {
				fw.WriteMessage(s.RequestID, &oscar.ChatUsersJoined{Users: []oscar.UserInfo{{ScreenName: "LabBob"}}})
				fw.WriteMessage(s.RequestID, &oscar.NavInfo{Rooms: []oscar.RoomInfo{room}})
			}
		}}
		nav, err := chat.OpenNav(t.Context(), pipeOpts(t, p, chat.Options{Keepalive: -1}))
		if err != nil {
			t.Fatal(err)
		}
		got, err := nav.Room(t.Context(), 4, "Found")
		if err != nil || got.Name() != "Found" {
			t.Errorf("Room = %+v, %v; want the room of the 0D,09", got, err)
		}
		if err := nav.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// TestSignonRefused: an error SNAC answering 01,06 fails the signon at
// once with a *bos.RequestError naming 01,06, not at the step timeout.
func TestSignonRefused(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		_, err := chat.Join(t.Context(), pipeOpts(t, &pipeRoom{rateErr: true}, chat.Options{Keepalive: -1}))
		var refused *bos.RequestError
		if !errors.As(err, &refused) || refused.Type != bos.SNACType(oscar.TypeRateRequest) || refused.Code != oscar.ErrCodeServiceUnavail {
			t.Errorf("Join = %v, want a *bos.RequestError for 01,06", err)
		}
	})
}

// TestSignonPacing: the signon's 01,08 and 01,02 wait as the room's rate
// class requires. The class starts just above its limit (window 10, limit
// 200, current 205): a SNAC at no gap would take it to 184.5, so each must
// wait.
func TestSignonPacing(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		class := roomyClass
		class.Current = 205
		r, p := joinPipe(t, chat.Options{Keepalive: -1}, class)
		ask := p.sent(oscar.ChannelSNAC, oscar.TypeRateRequest)
		ack := p.sent(oscar.ChannelSNAC, oscar.TypeRateAck)
		ready := p.sent(oscar.ChannelSNAC, oscar.TypeClientReady)
		if len(ask) != 1 || len(ack) != 1 || len(ready) != 1 {
			t.Fatalf("sent 01,06 %d, 01,08 %d, 01,02 %d times", len(ask), len(ack), len(ready))
		}
		if !ack[0].After(ask[0]) || !ready[0].After(ack[0]) {
			t.Errorf("01,06 at %v, 01,08 at %v, 01,02 at %v: want each later than the one before", ask[0], ack[0], ready[0])
		}
		if err := r.Leave(context.Background()); err != nil {
			t.Fatal(err)
		}
		for range r.Events() {
		}
	})
}
