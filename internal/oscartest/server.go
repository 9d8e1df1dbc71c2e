package oscartest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/screenname"
)

// Account is a registered user.
type Account struct {
	ScreenName string // registered form, e.g. "Lab Bob"; logins match it normalized
	Password   string
}

// Event is one frame a client sent, shown to Server.Intercept before the
// server handles it.
type Event struct {
	Service    string      // "auth" or "bos"
	ScreenName string      // "" until known; the registered form once the account is known
	Frame      oscar.Frame // the client's frame; the payload is valid only during the call: copy it to keep it
	Index      int         // 0-based count of client frames on this connection
}

// Action is what Intercept tells the server to do with a frame.
type Action int

// Actions of Intercept.
const (
	Answer Action = iota // handle normally
	Ignore               // swallow the frame, answer nothing (a server that stops answering)
	Hangup               // close the connection instead of answering
)

// Limits that keep the server bounded whatever its clients do.
const (
	// WriteTimeout bounds each write to a client: a client that stops
	// reading is dropped.
	WriteTimeout = 10 * time.Second
	// AuthIdleTimeout bounds the life of an authorizer connection, and how
	// long a BOS connection may wait before it sends its cookie.
	AuthIdleTimeout = 2 * time.Minute
	// MaxConns is the most connections (authorizer and BOS together) served
	// at once; more are closed as soon as they are accepted.
	MaxConns = 1024
	// sendQueueLen and sendQueueBytes bound what waits for a slow client; a
	// client whose queue overflows is dropped.
	sendQueueLen   = 1024
	sendQueueBytes = 4 << 20
	// maxRecordBytes bounds the client frames kept per connection for Sent
	// and WaitClosed (payload bytes); later frames are not recorded.
	maxRecordBytes = 8 << 20
	// maxCookies and maxRecent bound the outstanding login cookies and the
	// names remembered for AuthSent.
	maxCookies = 4096
	maxRecent  = 1024
	// drainTimeout is how long the server reads (and discards) after it
	// half-closed a connection, so its last frame is not lost to a reset.
	drainTimeout = 2 * time.Second
)

// kickURL is TLV 0x000B of the polite kick, as the real server sends it.
const kickURL = "https://github.com/mk6i/open-oscar-server"

// ErrServerClosed is returned by the Wait methods once Close was called.
var ErrServerClosed = errors.New("oscartest: server closed")

// Server is an OSCAR authorizer and BOS server on loopback. Set the exported
// fields before Start; they must not change afterwards.
type Server struct {
	// Rates are the classes and groups announced in 01,07. The default
	// (DefaultRates) is exactly what the real server announces; each class
	// starts at its Current level (its Max when Current is 0).
	Rates oscar.RateParams
	// EnforceRates makes the server act on the rate levels it tracks (true
	// by default). Each class's level is the real server's moving average of
	// the gaps between SNACs, in integer math. Below limit, SNACs are dropped
	// silently; below disconnect, the connection is closed. Changes of
	// status (01,0A code 2 alert, 3 limited, 4 clear) are reported the way
	// the real server's per-connection tick reports them: a second of the
	// server's clock (Now) after the connection's last frame, then once a
	// second while it stays quiet, never on a SNAC (rateTick). So a burst
	// at one instant of a frozen clock goes straight to limited, as a real
	// burst does, and hears so once it stops. Levels are tracked and shown
	// in 01,07 whether or not they are enforced.
	EnforceRates bool
	// BareKicks makes the server kick as one that ignores login TLV
	// 0x004A does: with the bare channel-4 header, whatever the login
	// asked for, so a kick cannot be told from a shutdown.
	BareKicks bool
	// NoRecord keeps no client frames (Sent and WaitClosed then see none):
	// for long benchmarks, whose memory the recording would dominate.
	NoRecord bool
	// LoginLimit turns on the real per-IP login limiter: a burst of 10
	// logins, then 1 a minute, refused with error 0x001D. Off by default
	// because every test logs in from 127.0.0.1.
	LoginLimit bool
	// LoginError, if set and returning non-zero for the name typed, makes the
	// authorizer refuse the login with that code.
	LoginError func(screenName string) uint16
	// Intercept, if set, sees every client frame before the server handles
	// it and says what to do with it. It runs on the connection's reader
	// goroutine, without server locks, so it may call Server methods (but
	// not Close, which waits for that goroutine).
	Intercept func(Event) Action
	// RacyLogout models how Open OSCAR Server (both releases) reads a
	// logout: its reader hands frames and the end of the stream to the
	// dispatch loop on separate channels, and the loop selects at random
	// when both are ready. So when the client's half-close has already
	// arrived with its zero-length channel-4 frame, the frame is lost half
	// the time: the server never logs the signoff, and ConnEnd.Logout is
	// false. Off, every logout frame is read.
	RacyLogout bool
	// Logf, if set, gets debug lines. It may be called with server locks
	// held: it must not call Server methods.
	Logf func(format string, args ...any)
	// AuthListen is where the authorizer listens ("127.0.0.1:5190"); empty
	// means a free loopback port. BOS always takes a free port.
	AuthListen string
	// WrapListener, if set, wraps the authorizer's and BOS's listeners at
	// Start, before the server accepts on them. Package oscartls uses it to
	// serve both over TLS, so that only the tests that speak TLS link
	// crypto/tls.
	WrapListener func(net.Listener) net.Listener
	// Now is the clock for rate levels, signon, idle and last-time fields
	// and the login limiter (time.Now if nil). A test that wants rate
	// limiting to be deterministic sets a clock it controls; network
	// deadlines use real time.
	Now func() time.Time
	// Release is the Open OSCAR Server release copied where the 2025 and
	// 2026 releases differ (feedbag edits and presence, sessions of one
	// account). The zero value is Release2025.
	Release Release
	// MigrateAtSignon moves every BOS session, as Migrate does (to this
	// server's BOS), as soon as it is signed on (01,02): a broken server
	// that answers every signon with a migration to itself.
	MigrateAtSignon bool
	// FeedbagPartItems, if positive, splits each 13,06 into SNACs of at most
	// that many items, every one but the last flagged 0x0001 ("more
	// follow"). Real servers never split (the protocol allows it): this is
	// for testing a client's reading of multi-part lists. A list too long
	// for one SNAC is always split.
	FeedbagPartItems int
	// OfflineAfterDone makes the 2026 release's answer to 04,10 send its
	// 04,17 before the stored 04,07s instead of after them: the real
	// server writes the two from different goroutines, so a client must
	// take either order (fact 60).
	OfflineAfterDone bool

	mu        sync.Mutex
	started   bool
	closed    bool
	stop      chan struct{} // closed by Close
	authLn    net.Listener
	bosLn     net.Listener
	authAddr  string
	bosAddr   string
	users     map[string]*user // by normalized name: accounts and bots
	cookies   map[string]*ticket
	cookieIDs []string // issue order, to bound cookies
	conns     map[*conn]struct{}
	lastAuth  recent // normalized name → most recent authorizer connection
	lastBOS   map[string]*conn
	ends      []*ConnEnd    // of the last maxRecent connections to end, oldest first
	changed   chan struct{} // closed and replaced on every state change
	handled   int           // client frames read and acted on, all connections
	limiter   loginLimiter
	classOf   map[oscar.SNACType]int // SNAC type → index into Rates.Classes
	imClass   int                    // index of the class of 04,06 (-1: none)
	chat      chatState              // rooms and service cookies (chat.go)
	wg        sync.WaitGroup

	breakAtSignon bool // BreakAtSignon; guarded by mu

	ratesStirred chan struct{} // wakes rateTicker from its sleep (stirRatesLocked)
	rateLooks    int           // how often rateTicker looked, for its test
}

// NewUnstartedServer returns a server with the given accounts that is not
// listening yet: adjust its fields, then call Start.
func NewUnstartedServer(accounts ...Account) *Server {
	s := &Server{
		Rates:        DefaultRates(),
		EnforceRates: true,
		users:        make(map[string]*user),
		cookies:      make(map[string]*ticket),
		conns:        make(map[*conn]struct{}),
		lastBOS:      make(map[string]*conn),
		changed:      make(chan struct{}),
		ratesStirred: make(chan struct{}, 1),
		stop:         make(chan struct{}),
	}
	s.lastAuth.init(maxRecent)
	for _, a := range accounts {
		s.AddAccount(a)
	}
	return s
}

// NewServer returns a started server with the given accounts. It panics if
// it cannot listen, like httptest.NewServer.
func NewServer(accounts ...Account) *Server {
	s := NewUnstartedServer(accounts...)
	s.Start()
	return s
}

// Start starts the authorizer and BOS listeners on 127.0.0.1:0 (or [::1]:0
// when IPv4 loopback is missing). It panics if it cannot listen or if the
// server was already started.
func (s *Server) Start() {
	if err := s.Listen(); err != nil {
		panic(err.Error())
	}
}

// ListenError is an address the server could not listen on: taken by
// another program, or not one of this machine's.
type ListenError struct {
	Addr string // as asked for: "127.0.0.1:5190"
	Err  error  // why, without the address: "address already in use"
}

func (e *ListenError) Error() string {
	return "oscartest: cannot listen on " + e.Addr + ": " + e.Err.Error()
}
func (e *ListenError) Unwrap() error { return e.Err }

// newListenError keeps the reason net.Listen gave, without the "listen
// tcp ADDR: bind:" it wraps the system's error in.
func newListenError(addr string, err error) *ListenError {
	if sys := (*os.SyscallError)(nil); errors.As(err, &sys) {
		err = sys.Err
	}
	return &ListenError{Addr: addr, Err: err}
}

// Listen is Start returning an error instead of panicking: for a listen
// address a person chose (AuthListen), which may be taken.
func (s *Server) Listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return errors.New("oscartest: Server already started")
	}
	if s.closed {
		return errors.New("oscartest: Server already closed")
	}
	var authLn net.Listener
	var err error
	if s.AuthListen != "" {
		authLn, err = net.Listen("tcp", s.AuthListen)
	} else {
		authLn, err = listenLoopback()
	}
	if err != nil {
		return newListenError(s.AuthListen, err)
	}
	bosLn, err := listenLoopback()
	if err != nil {
		authLn.Close()
		return newListenError("127.0.0.1:0", err)
	}
	if s.WrapListener != nil {
		authLn, bosLn = s.WrapListener(authLn), s.WrapListener(bosLn)
	}
	s.started = true
	s.authLn, s.bosLn = authLn, bosLn
	s.authAddr, s.bosAddr = authLn.Addr().String(), bosLn.Addr().String()
	s.buildRateIndex()
	s.wg.Add(3)
	go s.acceptLoop(authLn, serviceAuth)
	go s.acceptLoop(bosLn, serviceBOS)
	go s.rateTicker()
	return nil
}

func listenLoopback() (net.Listener, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err == nil {
		return l, nil
	}
	if l6, err6 := net.Listen("tcp6", "[::1]:0"); err6 == nil {
		return l6, nil
	}
	return nil, err
}

// AuthAddr returns the authorizer's address, "127.0.0.1:port".
func (s *Server) AuthAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authAddr
}

// BOSAddr returns the BOS server's address, the one the authorizer hands out
// in TLV 0x0005.
func (s *Server) BOSAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bosAddr
}

// Close closes the listeners and every connection, and waits for every
// goroutine the server started. Every 5 s it is still waiting, it logs the
// connections that have not finished (through Logf). Close may be called
// more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.wg.Wait()
		return
	}
	s.closed = true
	close(s.stop)
	lns := []net.Listener{s.authLn, s.bosLn}
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.notifyLocked()
	s.mu.Unlock()

	for _, l := range lns {
		if l != nil {
			l.Close()
		}
	}
	for _, c := range conns {
		c.abort()
	}
	done := make(chan struct{})
	go func() { // ends with the wait: no goroutine outlives Close
		s.wg.Wait()
		close(done)
	}()
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			s.mu.Lock()
			for c := range s.conns {
				s.logf("oscartest: Close: still waiting for %s connection %s (%s)", c.service, c.remote, c.name)
			}
			s.mu.Unlock()
		}
	}
}

// CloseClientConnections drops every client connection abruptly, without a
// channel-4 frame.
func (s *Server) CloseClientConnections() {
	s.mu.Lock()
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.abort()
	}
}

// AddAccount registers an account, or changes the password and registered
// form of an existing one. A bot of the same name stops being a bot.
func (s *Server) AddAccount(a Account) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userLocked(a.ScreenName)
	u.name, u.password, u.account = a.ScreenName, a.Password, true
	u.bot = nil
}

// StoreBuddies gives screenName's account, whose server-stored list
// must be empty, a list of one group holding names, as a list another
// client made would be: the root group, the group, a buddy item each.
func (s *Server) StoreBuddies(screenName, group string, names ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[screenname.Normalize(screenName)]
	if u == nil || !u.account {
		return fmt.Errorf("oscartest: no account %q", screenName)
	}
	if len(u.feedbag.items) > 0 {
		return fmt.Errorf("oscartest: %s has a stored list already", screenName)
	}
	const gid = 1
	now := uint32(s.now().Unix())
	add := func(it oscar.FeedbagItem) { u.feedbag.items = append(u.feedbag.items, feedbagItem{it, now}) }
	order := func(ids ...uint16) oscar.TLVList { return oscar.TLVList(oscar.AppendOrderTLV(nil, ids)) }
	ids := make([]uint16, len(names))
	for i, name := range names {
		ids[i] = uint16(i + 1)
		add(oscar.FeedbagItem{Name: name, GroupID: gid, ItemID: ids[i], Class: oscar.FeedbagClassBuddy})
	}
	add(oscar.FeedbagItem{Class: oscar.FeedbagClassGroup, TLVs: order(gid)})
	add(oscar.FeedbagItem{Name: group, GroupID: gid, Class: oscar.FeedbagClassGroup, TLVs: order(ids...)})
	return nil
}

// AddBot adds a virtual user that is always online and has no connection.
// It shows up as a buddy (03,0B) to whoever watches it, and answers each IM
// it gets with reply's return value as an 04,07 (an empty string, or a nil
// reply, sends nothing). reply runs on the sender's connection goroutine,
// without server locks: it may call Server methods, but not Close, which
// waits for it. A bot cannot log in; AddBot on an account's name turns the
// account into a bot. SendIM lets a bot speak first.
func (s *Server) AddBot(screenName string, reply func(from, text string) string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userLocked(screenName)
	u.name, u.account = screenName, false
	u.bot = &bot{reply: reply, signon: s.now()}
	if u.sess != nil {
		s.kickLocked(u.sess)
	}
	s.announceLocked(u, nil)
	s.notifyLocked()
}

// userLocked returns the user record for name, creating it.
func (s *Server) userLocked(name string) *user {
	n := screenname.Normalize(name)
	u := s.users[n]
	if u == nil {
		u = &user{norm: n, name: name}
		s.users[n] = u
	}
	return u
}

// Online reports whether screenName is signed on: a bot, or a user whose
// BOS session has sent 01,02 client ready and is still open.
func (s *Server) Online(screenName string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.onlineLocked(screenname.Normalize(screenName)) != nil
}

// onlineLocked returns the user if it is online (bot or ready session).
func (s *Server) onlineLocked(norm string) *user {
	u := s.users[norm]
	if u == nil {
		return nil
	}
	if u.bot != nil || u.liveReadyLocked() != nil {
		return u
	}
	return nil
}

// WaitOnline returns once screenName's BOS session has handled 01,02 client
// ready (at once for a bot).
func (s *Server) WaitOnline(ctx context.Context, screenName string) error {
	n := screenname.Normalize(screenName)
	return s.wait(ctx, func() bool { return s.onlineLocked(n) != nil })
}

// WaitWatching returns once a ready session of watcher watches watched
// (its buddy list names it, outside an unfinished transaction): watched's
// arrival, if it is online, has gone to watcher before anything sent
// after this returns.
func (s *Server) WaitWatching(ctx context.Context, watcher, watched string) error {
	w, n := screenname.Normalize(watcher), screenname.Normalize(watched)
	return s.wait(ctx, func() bool {
		u := s.users[w]
		if u == nil {
			return false
		}
		for _, ss := range u.sessionsLocked() {
			if ss.ready && ss.live() && !ss.inTxn && ss.watchesLocked(n) {
				return true
			}
		}
		return false
	})
}

// WaitOffline returns once screenName is not online (at once if it never
// was).
func (s *Server) WaitOffline(ctx context.Context, screenName string) error {
	n := screenname.Normalize(screenName)
	return s.wait(ctx, func() bool { return s.onlineLocked(n) == nil })
}

// WaitClosed waits until the most recent BOS connection of screenName has
// been closed (waiting for one to exist if there is none yet), and returns
// every frame the client sent on it, in order.
func (s *Server) WaitClosed(ctx context.Context, screenName string) ([]oscar.Frame, error) {
	n := screenname.Normalize(screenName)
	var frames []oscar.Frame
	err := s.wait(ctx, func() bool {
		c := s.lastBOS[n]
		if c == nil || !c.finished {
			return false
		}
		frames = c.copyFrames()
		return true
	})
	return frames, err
}

// wait calls cond under the lock after every state change until it is true.
func (s *Server) wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok, closed, ch := cond(), s.closed, s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		if closed {
			return ErrServerClosed
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// notifyLocked wakes every waiter.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Sent returns copies of the frames the client sent so far on screenName's
// most recent BOS connection (nil if there is none).
func (s *Server) Sent(screenName string) []oscar.Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.lastBOS[screenname.Normalize(screenName)]; c != nil {
		return c.copyFrames()
	}
	return nil
}

// IMsSent returns the IMs (04,06, decoded) among the frames Sent returns,
// in the order they came.
func (s *Server) IMsSent(screenName string) []oscar.ICBMSend {
	var ims []oscar.ICBMSend
	for _, f := range s.Sent(screenName) {
		snac, err := oscar.ParseSNAC(f.Payload)
		if err != nil || f.Channel != oscar.ChannelSNAC || snac.Type() != oscar.TypeICBMSend {
			continue
		}
		var m oscar.ICBMSend
		if m.Decode(snac.Body) == nil {
			ims = append(ims, m)
		}
	}
	return ims
}

// Ends returns how the connections that ended so far ended (the last 1024
// of them), oldest first.
func (s *Server) Ends() []ConnEnd {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ConnEnd, len(s.ends))
	for i, e := range s.ends {
		out[i] = *e
	}
	return out
}

// AuthSent returns copies of the frames the client sent on the most recent
// authorizer connection that named screenName (nil if there is none).
func (s *Server) AuthSent(screenName string) []oscar.Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.lastAuth.get(screenname.Normalize(screenName)); c != nil {
		return c.copyFrames()
	}
	return nil
}

// Send writes m as a SNAC (flags 0, the given request id) to screenName's
// BOS connection, after whatever the server already queued for it.
func (s *Server) Send(screenName string, reqID uint32, m oscar.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.bosConnLocked(screenName)
	if err != nil {
		return err
	}
	if !c.sendMsg(reqID, m) {
		return fmt.Errorf("oscartest: send %v to %s: connection closed or SNAC too large", m.SNACType(), screenName)
	}
	return nil
}

// SendIM delivers an instant message (04,07, channel 1, request id
// 0x80000000) to screenName's BOS session as if from had sent it: with
// from's user info if from is online (a bot or a signed-on user), else with
// a block that holds only the name. A bot can start a conversation this way.
func (s *Server) SendIM(from, screenName, text string) error {
	t, err := oscar.NewText(text)
	if err != nil {
		return fmt.Errorf("oscartest: IM from %s to %s: %w", from, screenName, err)
	}
	msg := oscar.NewMessage(t)
	var cookie [8]byte
	rand.Read(cookie[:])
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.bosConnLocked(screenName)
	if err != nil {
		return err
	}
	info := oscar.UserInfo{ScreenName: from}
	if u := s.onlineLocked(screenname.Normalize(from)); u != nil {
		info = s.userInfoLocked(u)
	}
	im := &oscar.IncomingIM{
		Cookie:  cookie,
		Channel: 1,
		From:    info,
		TLVs:    oscar.TLVList(oscar.AppendTLV(nil, oscar.ICBMTLVMessage, msg.AppendTo(nil))),
	}
	if !c.sendMsg(reqIDServer, im) {
		return fmt.Errorf("oscartest: IM from %s to %s: connection closed", from, screenName)
	}
	return nil
}

// SendRaw writes b as it is (no framing, no sequence number) to
// screenName's BOS connection: garbage, truncated or oversized frames.
func (s *Server) SendRaw(screenName string, b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.bosConnLocked(screenName)
	if err != nil {
		return err
	}
	if !c.enqueue(outItem{kind: itemRaw, payload: append([]byte(nil), b...)}) {
		return fmt.Errorf("oscartest: send raw bytes to %s: connection closed", screenName)
	}
	return nil
}

// SendSlowly writes b as SendRaw does, but one byte at a time with gap
// between bytes, holding back whatever the server sends the connection
// after it: a frame header that announces 65535 bytes, say, followed by
// its body at a byte a second. The trickle ends when the connection does.
func (s *Server) SendSlowly(screenName string, b []byte, gap time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.bosConnLocked(screenName)
	if err != nil {
		return err
	}
	if !c.enqueue(outItem{kind: itemSlow, payload: append([]byte(nil), b...), gap: gap}) {
		return fmt.Errorf("oscartest: send bytes slowly to %s: connection closed", screenName)
	}
	return nil
}

// BreakAtSignon makes the server (while on) end every BOS session as soon
// as it is signed on (01,02): the signon's replies go out, then the
// connection closes without a word. A broken server, or one behind a
// proxy that drops connections at once.
func (s *Server) BreakAtSignon(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.breakAtSignon = on
}

// Kick does what the real server does to a session when the same name signs
// on again: for a session whose login had no TLV 0x004A, it writes the bare
// 4-byte channel-4 header `2a 04 <seq>` and closes; with 0x004A = 1, a
// channel-4 frame with TLVs 0x0009 (1 byte, 0x01) and 0x000B (a URL), then
// closes.
func (s *Server) Kick(screenName string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[screenname.Normalize(screenName)]
	if u == nil || u.sess == nil || u.sess.conn.closing {
		return fmt.Errorf("oscartest: kick %s: no open BOS session", screenName)
	}
	s.kickLocked(u.sess)
	return nil
}

func (s *Server) bosConnLocked(screenName string) (*conn, error) {
	u := s.users[screenname.Normalize(screenName)]
	if u == nil || u.sess == nil || u.sess.conn.closing {
		return nil, fmt.Errorf("oscartest: %s has no open BOS session", screenName)
	}
	return u.sess.conn, nil
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) logf(format string, args ...any) {
	if s.Logf != nil {
		s.Logf(format, args...)
	}
}

// recent is a map bounded to n keys; the oldest key goes first.
type recent struct {
	n     int
	m     map[string]*conn
	order []string
}

func (r *recent) init(n int) { r.n, r.m = n, make(map[string]*conn) }

func (r *recent) get(k string) *conn { return r.m[k] }

func (r *recent) put(k string, c *conn) {
	if _, ok := r.m[k]; !ok {
		r.order = append(r.order, k)
		if len(r.order) > r.n {
			delete(r.m, r.order[0])
			r.order = append(r.order[:0], r.order[1:]...)
		}
	}
	r.m[k] = c
}
