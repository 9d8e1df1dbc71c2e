package oscartest

import (
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aim-oscar/aim/internal/oscar"
)

const (
	serviceAuth = "auth"
	serviceBOS  = "bos"
)

// serverSeqStart is the first FLAP sequence number the real server uses on
// every connection.
const serverSeqStart = 100

// itemKind says what the writer does with a queued item.
type itemKind uint8

const (
	itemFrame     itemKind = iota // a frame, numbered by the writer
	itemRaw                       // bytes as they are
	itemSlow                      // bytes as they are, one at a time, gap apart
	itemKickBare                  // `2a 04 <seq>` (no length), then half-close
	itemHalfClose                 // half-close once everything before it is written
	itemClose                     // close once everything before it is written
)

type outItem struct {
	kind    itemKind
	ch      oscar.Channel
	payload []byte
	gap     time.Duration // itemSlow: the wait before each byte after the first
}

// conn is one client connection. It has two goroutines, both counted in
// Server.wg: readLoop handles the client's frames in order, writeLoop
// writes what handlers queued. Handlers never block on the network: they
// queue, and a client whose queue overflows is dropped.
type conn struct {
	srv     *Server
	nc      net.Conn
	service string
	remote  string
	out     chan outItem
	queued  atomic.Int64 // payload bytes waiting in out
	done    chan struct{}
	once    sync.Once
	written chan struct{} // closed when the writer stops

	// Guarded by srv.mu.
	name     string // display form once known ("" before)
	norm     string // normalized form of name
	frames   []oscar.Frame
	recBytes int
	recFull  bool
	closing  bool // handle nothing more, queue nothing more
	flush    bool // an itemClose is queued: the socket closes once the writer reaches it
	finished bool // the reader has exited and the socket is closed
	sess     *session
	svc      *service // a chat navigation or room connection (chat.go)
	auth     authState
	end      ConnEnd // filled in as the connection ends
}

// ConnEnd is how a client connection ended, as the server saw it.
type ConnEnd struct {
	Service    string // "auth", "bos", "chatnav" or "chat"
	ScreenName string // the registered form, "" if never known
	// Logout: the client's last frame was a zero-length channel-4 frame.
	Logout bool
	// Reset: a read or write failed because the client reset the
	// connection (a close with unread data, or writes after its close),
	// which can destroy frames still in flight either way.
	Reset bool
}

// isReset reports whether err is the peer resetting the connection.
func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func newConn(s *Server, nc net.Conn, service string) *conn {
	return &conn{
		srv:     s,
		nc:      nc,
		service: service,
		remote:  nc.RemoteAddr().String(),
		out:     make(chan outItem, sendQueueLen),
		done:    make(chan struct{}),
		written: make(chan struct{}),
	}
}

// acceptLoop serves one listener until Close.
func (s *Server) acceptLoop(l net.Listener, service string) {
	defer s.wg.Done()
	var backoff time.Duration
	for {
		nc, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors and the like: wait and retry, as
			// net/http does, unless the server is closing.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.logf("oscartest: %s accept: %v; retrying in %v", service, err, backoff)
			t := time.NewTimer(backoff)
			select {
			case <-s.stop:
				t.Stop()
				return
			case <-t.C:
			}
			continue
		}
		backoff = 0
		s.mu.Lock()
		if s.closed || len(s.conns) >= MaxConns {
			s.mu.Unlock()
			s.logf("oscartest: %s: refusing connection from %s", service, nc.RemoteAddr())
			nc.Close()
			continue
		}
		c := newConn(s, nc, service)
		s.conns[c] = struct{}{}
		c.sendFrame(oscar.ChannelSignon, []byte{0, 0, 0, oscar.FLAPVersion}) // the connection acknowledge, at once
		s.wg.Add(2)
		s.mu.Unlock()
		go c.writeLoop()
		go c.readLoop()
	}
}

// abort closes the socket at once; queued frames are dropped. Safe to call
// from anywhere, more than once.
func (c *conn) abort() {
	c.once.Do(func() {
		close(c.done)
		c.nc.Close()
	})
}

// readLoop reads and handles the client's frames until the connection ends.
func (c *conn) readLoop() {
	s := c.srv
	defer s.wg.Done()
	read := false // a frame was read and not yet counted in s.handled
	count := func() {
		if read {
			s.mu.Lock()
			s.handled++
			s.notifyLocked()
			s.mu.Unlock()
			read = false
		}
	}
	defer count() // after shutdown: the last frame's effects include the end
	defer c.shutdown()
	// Until a BOS client shows its cookie, and for an authorizer's whole
	// life, silence is bounded.
	c.nc.SetReadDeadline(time.Now().Add(AuthIdleTimeout))
	fr := oscar.NewFrameReader(c.nc)
	for index := 0; ; index++ {
		count() // the previous frame is done with
		f, err := fr.ReadFrame()
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				s.mu.Lock()
				c.end.Reset = c.end.Reset || isReset(err)
				if !c.closing {
					s.logf("oscartest: %s %s (%s): read: %v", c.service, c.remote, c.name, err)
				}
				s.mu.Unlock()
			}
			return
		}
		read = true
		if f.Truncated { // a short channel-4 header at EOF: a sign-off
			return
		}
		if s.RacyLogout && f.Channel == oscar.ChannelSignoff && len(f.Payload) == 0 && c.eofReady() && rand.IntN(2) == 0 {
			return // the dispatch took the end of the stream: the frame is never read
		}
		s.mu.Lock()
		c.recordLocked(f)
		closing, name := c.closing, c.name
		if name == "" && s.Intercept != nil {
			name = c.peekNameLocked(f)
		}
		s.mu.Unlock()
		if closing { // draining after the server's last frame
			continue
		}
		if s.Intercept != nil {
			switch s.Intercept(Event{Service: c.service, ScreenName: name, Frame: f, Index: index}) {
			case Ignore:
				continue
			case Hangup:
				return
			}
		}
		var keep bool
		if c.service == serviceAuth {
			keep = c.handleAuth(f)
		} else {
			keep = c.handleBOS(f)
		}
		if !keep {
			return
		}
	}
}

// eofWindow is how soon after a frame the end of the stream counts as
// having come with it (RacyLogout): on loopback a half-close sent right
// after the frame is there well within it.
const eofWindow = 5 * time.Millisecond

// eofReady reports whether the client's end of the stream follows the
// frame just read within eofWindow. It reads the socket directly: nothing
// follows a logout frame but the end of the stream.
func (c *conn) eofReady() bool {
	c.nc.SetReadDeadline(time.Now().Add(eofWindow))
	defer c.nc.SetReadDeadline(time.Time{})
	var b [1]byte
	n, err := c.nc.Read(b[:])
	return n == 0 && errors.Is(err, io.EOF)
}

// shutdown runs when the reader exits: the session (if any) ends, then the
// socket closes (after what was queued before a logout is written).
func (c *conn) shutdown() {
	s := c.srv
	s.mu.Lock()
	flush := c.flush
	s.mu.Unlock()
	if flush {
		<-c.written
	}
	// The session ends before the socket closes: by the time the client
	// sees the end, its buddies have been told.
	defer c.abort()
	s.mu.Lock()
	defer s.mu.Unlock()
	c.closing, c.finished = true, true
	delete(s.conns, c)
	c.end.Service, c.end.ScreenName = c.service, c.name
	if c.svc != nil { // a service connection on the BOS listener
		c.end.Service = "chat"
		if c.svc.family == oscar.FamilyChatNav {
			c.end.Service = "chatnav"
		}
	}
	if n := len(c.frames); n > 0 {
		last := c.frames[n-1]
		c.end.Logout = last.Channel == oscar.ChannelSignoff && len(last.Payload) == 0 && !last.Truncated
	}
	s.ends = append(s.ends, &c.end)
	if len(s.ends) > maxRecent {
		s.ends = append(s.ends[:0], s.ends[1:]...)
	}
	if c.sess != nil {
		s.endSessionLocked(c.sess)
	}
	if c.svc != nil {
		s.endServiceLocked(c.svc)
	}
	s.notifyLocked()
}

// writeLoop writes queued items in order until the connection ends.
func (c *conn) writeLoop() {
	defer c.srv.wg.Done()
	defer close(c.written)
	fw := oscar.NewFrameWriter(c.nc, serverSeqStart)
	seq := uint16(serverSeqStart)
	for {
		var it outItem
		select {
		case <-c.done:
			return
		case it = <-c.out:
		}
		c.queued.Add(-int64(len(it.payload)))
		c.nc.SetWriteDeadline(time.Now().Add(WriteTimeout))
		var err error
		switch it.kind {
		case itemFrame:
			err = fw.WriteFrame(it.ch, it.payload)
			seq++
		case itemRaw:
			err = fw.WriteRaw(it.payload)
		case itemSlow:
			err = c.writeSlowly(fw, it.payload, it.gap)
		case itemKickBare:
			if err = fw.WriteRaw([]byte{oscar.FLAPStart, byte(oscar.ChannelSignoff), byte(seq >> 8), byte(seq)}); err == nil {
				c.halfClose()
				return
			}
		case itemHalfClose:
			c.halfClose()
			return
		case itemClose:
			c.abort()
			return
		}
		if err != nil {
			if isReset(err) {
				c.srv.mu.Lock()
				c.end.Reset = true
				c.srv.mu.Unlock()
			}
			c.abort()
			return
		}
	}
}

// writeSlowly writes b one byte at a time, gap apart, until the
// connection ends: a server (or a link) that trickles a frame.
func (c *conn) writeSlowly(fw *oscar.FrameWriter, b []byte, gap time.Duration) error {
	t := time.NewTimer(gap)
	t.Stop() // armed before each byte but the first
	defer t.Stop()
	for i := range b {
		if i > 0 {
			t.Reset(gap)
			select {
			case <-t.C:
			case <-c.done:
				return net.ErrClosed
			}
			c.nc.SetWriteDeadline(time.Now().Add(WriteTimeout))
		}
		if err := fw.WriteRaw(b[i : i+1]); err != nil {
			return err
		}
	}
	return nil
}

// halfClose ends the server's side of the stream after what was written,
// and gives the client drainTimeout to close its side. Closing outright
// with unread client bytes would reset the connection and could destroy the
// server's last frame in flight.
func (c *conn) halfClose() {
	tc, ok := c.nc.(interface{ CloseWrite() error })
	if !ok || tc.CloseWrite() != nil {
		c.abort()
		return
	}
	c.nc.SetReadDeadline(time.Now().Add(drainTimeout))
}

// enqueue queues an item for the writer. It never blocks: a client whose
// queue is full is dropped. It returns false if nothing was queued.
func (c *conn) enqueue(it outItem) bool {
	if c.closing {
		return false
	}
	n := int64(len(it.payload))
	if c.queued.Load()+n <= sendQueueBytes {
		select {
		case c.out <- it:
			c.queued.Add(n)
			return true
		default:
		}
	}
	c.srv.logf("oscartest: %s %s (%s): send queue full, dropping the connection", c.service, c.remote, c.name)
	c.closing = true
	c.abort()
	return false
}

func (c *conn) sendFrame(ch oscar.Channel, payload []byte) bool {
	return c.enqueue(outItem{kind: itemFrame, ch: ch, payload: payload})
}

// sendMsg queues m as a SNAC with flags 0.
func (c *conn) sendMsg(reqID uint32, m oscar.Message) bool { return c.sendMsgFlags(reqID, 0, m) }

// sendMsgFlags queues m as a SNAC with the given header flags.
func (c *conn) sendMsgFlags(reqID uint32, flags uint16, m oscar.Message) bool {
	t := m.SNACType()
	b := oscar.SNACHeader{Family: t.Family(), Subtype: t.Subtype(), Flags: flags, RequestID: reqID}.AppendTo(nil)
	b = m.AppendTo(b)
	if len(b) > oscar.MaxFLAPPayload {
		c.srv.logf("oscartest: %s (%s): %v of %d bytes does not fit in a frame; not sent", c.remote, c.name, t, len(b))
		return false
	}
	return c.sendFrame(oscar.ChannelSNAC, b)
}

// sendBody queues a SNAC of type t with a ready-made body.
func (c *conn) sendBody(t oscar.SNACType, reqID uint32, body []byte) bool {
	return c.sendMsg(reqID, rawMsg{t, body})
}

// closeLocked ends the connection the way the real server does on a
// logout: it handles nothing more and closes the socket at once, after the
// frames it queued before (which the real server wrote before it read the
// logout).
func (c *conn) closeLocked() {
	if c.enqueue(outItem{kind: itemClose}) {
		c.flush = true
	}
	c.closing = true
}

// closeAfterLocked makes the connection end after what is queued: the
// server half-closes and the reader discards whatever the client still sends.
func (c *conn) closeAfterLocked() {
	c.enqueue(outItem{kind: itemHalfClose})
	c.closing = true
}

// recordLocked keeps a copy of a client frame, up to maxRecordBytes.
func (c *conn) recordLocked(f oscar.Frame) {
	if c.recFull || c.srv.NoRecord {
		return
	}
	if c.recBytes+len(f.Payload) > maxRecordBytes {
		c.recFull = true
		c.srv.logf("oscartest: %s %s (%s): recorded %d bytes; not recording more frames", c.service, c.remote, c.name, c.recBytes)
		return
	}
	c.recBytes += len(f.Payload)
	f.Payload = append([]byte(nil), f.Payload...)
	c.frames = append(c.frames, f)
}

// copyFrames returns a deep copy of the recorded frames.
func (c *conn) copyFrames() []oscar.Frame {
	out := make([]oscar.Frame, len(c.frames))
	for i, f := range c.frames {
		f.Payload = append([]byte(nil), f.Payload...)
		out[i] = f
	}
	return out
}

// rawMsg is a SNAC body built by hand, for families the codec has no type
// for (feedbag, ICQ) and for bodies echoed byte for byte.
type rawMsg struct {
	t    oscar.SNACType
	body []byte
}

func (m rawMsg) SNACType() oscar.SNACType { return m.t }
func (m rawMsg) AppendTo(b []byte) []byte { return append(b, m.body...) }
