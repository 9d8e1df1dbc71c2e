package buddylist

import (
	"net"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/oscartest"
)

// conn is a bare feedbag client of the in-process server, over TCP.
type conn struct {
	t  *testing.T
	nc net.Conn
	fr *oscar.FrameReader
	fw *oscar.FrameWriter
	id uint32
}

// hangGuard bounds each read so a broken server fails the test instead of
// hanging it; it is not a speed assertion.
const hangGuard = 10 * time.Second

func dialT(t *testing.T, addr string) *conn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	c := &conn{t: t, nc: nc, fr: oscar.NewFrameReader(nc), fw: oscar.NewFrameWriter(nc, 1), id: 0x100}
	c.read() // the server's channel-1 acknowledge
	return c
}

func (c *conn) read() oscar.Frame {
	c.t.Helper()
	c.nc.SetReadDeadline(time.Now().Add(hangGuard))
	f, err := c.fr.ReadFrame()
	if err != nil {
		c.t.Fatal(err)
	}
	return f
}

// snac reads until a SNAC of type want, skipping others (presence).
func (c *conn) snac(want oscar.SNACType) oscar.SNAC {
	c.t.Helper()
	for {
		f := c.read()
		if f.Channel != oscar.ChannelSNAC {
			continue
		}
		s, err := oscar.ParseSNAC(f.Payload)
		if err != nil {
			c.t.Fatal(err)
		}
		if s.Type() == want || s.Type().Subtype() == 1 {
			if s.Type() != want {
				c.t.Fatalf("got %v (% x), want %v", s.Type(), s.Body, want)
			}
			return s
		}
	}
}

func (c *conn) send(m oscar.Message) uint32 {
	c.t.Helper()
	c.id++
	if err := c.fw.WriteMessage(c.id, m); err != nil {
		c.t.Fatal(err)
	}
	return c.id
}

// feedbagSignOn signs on as a feedbag client: FLAP login, cookie, 13,07
// before 01,02.
func feedbagSignOn(t *testing.T, srv *oscartest.Server, name, password string) *conn {
	t.Helper()
	a := dialT(t, srv.AuthAddr())
	req := oscar.LoginRequest{ScreenName: name, RoastedPassword: oscar.AppendRoasted(nil, []byte(password))}
	if err := a.fw.WriteFrame(oscar.ChannelSignon, req.AppendTo(nil)); err != nil {
		t.Fatal(err)
	}
	var r oscar.LoginReply
	if err := r.Decode(a.read().Payload); err != nil || r.ErrorCode != 0 {
		t.Fatalf("login: %+v, %v", r, err)
	}
	c := dialT(t, r.BOSAddress)
	if err := c.fw.WriteFrame(oscar.ChannelSignon, (&oscar.BOSSignon{Cookie: r.Cookie}).AppendTo(nil)); err != nil {
		t.Fatal(err)
	}
	c.snac(oscar.TypeHostReady)
	c.send(oscar.Empty(oscar.TypeFeedbagUse))
	c.send(&oscar.ClientReady{})
	c.snac(oscar.TypeStatsInterval)
	return c
}

// query reads the whole list (13,04, every part of 13,06).
func (c *conn) query() *Feedbag {
	c.t.Helper()
	id := c.send(oscar.Empty(oscar.TypeFeedbagQuery))
	var r Reader
	for {
		s := c.snac(oscar.TypeFeedbagReply)
		if s.RequestID != id {
			c.t.Fatalf("13,06 for request %#x, want %#x", s.RequestID, id)
		}
		done, err := r.Add(s.Flags, s.Body)
		if err != nil {
			c.t.Fatal(err)
		}
		if done {
			return r.Feedbag()
		}
	}
}

// run sends a transaction: 13,11, each edit confirmed by its 13,0E, 13,12.
func (c *conn) run(f *Feedbag, tx *Transaction) {
	c.t.Helper()
	c.send(&oscar.FeedbagStartCluster{})
	for _, e := range tx.Edits {
		id := c.send(e.Message())
		s := c.snac(oscar.TypeFeedbagStatus)
		var st oscar.FeedbagStatus
		if err := st.Decode(s.Body); err != nil || s.RequestID != id {
			c.t.Fatalf("13,0E for %#x: %v", s.RequestID, err)
		}
		if rejected := f.Confirm(e, st.Codes); len(rejected) > 0 {
			c.t.Fatalf("refused: %v", rejected)
		}
	}
	c.send(oscar.Empty(oscar.TypeFeedbagEndCluster))
}

// TestPlanAgainstServer uploads a list to the in-process server, reads it
// back, and removes a group the safe way, on both releases: the 2025
// release would wipe every group on a group delete, so the group is
// emptied and left out of the root's order instead, and reads back as
// gone.
func TestPlanAgainstServer(t *testing.T) {
	t.Parallel()
	for _, rel := range []oscartest.Release{oscartest.Release2025, oscartest.Release2026} {
		t.Run(rel.String(), func(t *testing.T) {
			srv := oscartest.NewUnstartedServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
			srv.Release = rel
			srv.FeedbagPartItems = 3 // the client reads lists in parts
			srv.Start()
			t.Cleanup(srv.Close)
			c := feedbagSignOn(t, srv, "LabAlice", "alicepw1")
			f := c.query()
			if f.Len() != 0 {
				t.Fatalf("new account: %d items", f.Len())
			}
			want := List{
				Groups:  []Group{g("Friends", "Lab Bob", "LabCarol"), g("Work", "Lab Dave")},
				Deny:    []string{"Spam Bot"},
				Privacy: oscar.PrivacyBlockDeny,
				Typing:  true,
			}
			c.run(f, f.Plan(want, PlanOptions{}))
			check := func(want List) {
				t.Helper()
				local, _ := f.List()
				server, problems := c.query().List()
				if d := Diff(server, want); len(d) != 0 || len(problems) != 0 {
					t.Errorf("server's list %+v (%v) differs from the one wanted: %+v", server, problems, d)
				}
				if d := Diff(local, server); len(d) != 0 {
					t.Errorf("the local copy differs from the server's: %+v", d)
				}
			}
			check(want)

			want.Groups = want.Groups[:1]
			f = c.query()
			c.run(f, f.Plan(want, PlanOptions{}))
			check(want)
		})
	}
}
