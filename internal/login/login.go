// Package login runs the authorizer handshake: it trades a screen name and
// password for the address of a BOS server and a cookie that lets the client
// sign on there. Two methods exist: the FLAP login of the original spec
// (a roasted password in the channel-1 frame) and the later MD5 login
// (family 0x17, a challenge key and a hash).
//
// Each Authorize owns one connection, and ends it with a lingering close
// before it returns. login never prints, never reads settings, and never
// shows the password: errors carry the server's code, never the secret.
package login

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/aim-oscar/aim/internal/linger"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/secret"
)

// Method chooses the authorizer handshake.
type Method int

const (
	// FLAP is the original login: screen name and roasted password in the
	// client's channel-1 frame, the reply in a channel-4 frame.
	FLAP Method = iota
	// MD5 is the BUCP login: 17,06 asks for a key, 17,02 sends
	// MD5(key + MD5(password) + brand), 17,03 answers.
	MD5
)

// ParseMethod reads "flap" or "md5".
func ParseMethod(s string) (Method, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "flap":
		return FLAP, nil
	case "md5":
		return MD5, nil
	}
	return 0, fmt.Errorf("unknown auth method %q (want flap or md5)", s)
}

func (m Method) String() string {
	if m == MD5 {
		return "md5"
	}
	return "flap"
}

// DefaultClient returns the identity sent at login. Some servers admit
// only clients that look like AIM 5.x; this is what BarnOwl (libfaim)
// sends.
func DefaultClient() oscar.ClientInfo {
	return oscar.ClientInfo{
		Name:         "AOL Instant Messenger, version 5.1.3036/WIN32",
		ID:           0x0109,
		Major:        5,
		Minor:        1,
		Lesser:       0,
		Build:        3036,
		Distribution: 0xD2,
		Language:     "en",
		Country:      "us",
	}
}

// DefaultStepTimeout bounds each step when Options.StepTimeout is zero.
const DefaultStepTimeout = 20 * time.Second

// DefaultBOSPort is used when the authorizer names a host without a port.
const DefaultBOSPort = "5190"

// Options says how to log in.
type Options struct {
	Addr       string // authorizer host:port
	ScreenName string
	Password   secret.String
	Method     Method
	Client     oscar.ClientInfo // zero: DefaultClient()
	// Dial opens the connection; nil uses a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// StepTimeout bounds each step (connect, each reply); the context's
	// deadline applies too, whichever is earlier.
	StepTimeout time.Duration
	// Trace, if set, sees every frame sent (sent=true) and received. It
	// must redact secrets before it shows them anywhere.
	Trace func(sent bool, f oscar.Frame)
	// SequenceStart is the first FLAP sequence number (any value works).
	SequenceStart uint16
	// Waiting, if set, is told when the server has not answered a step
	// (connecting, or a reply) for WaitNotice, so that a person can be
	// told what the login waits for. It is called at most once a step,
	// on a timer's goroutine, and never after Authorize has returned.
	Waiting func(Wait)
}

// WaitNotice is how long a step waits for the server before
// Options.Waiting is told.
const WaitNotice = 2 * time.Second

// Wait is a step the server is slow to answer.
type Wait struct {
	Step    string        // "waiting for the login reply"
	Addr    string        // the authorizer's host:port
	Timeout time.Duration // when the step gives up
}

// String says it in a person's words: "no answer from
// login.example.net:5190 yet (waiting for the login reply; giving up
// after 20s)".
func (w Wait) String() string {
	return "no answer from " + w.Addr + " yet (" + plainStep(w.Step) + "; giving up after " + w.Timeout.String() + ")"
}

// plainStep is a step's name without the SNAC it names for --debug:
// "waiting for the MD5 key (17,07)" becomes "waiting for the MD5 key".
func plainStep(step string) string {
	if i := strings.LastIndex(step, " ("); i >= 0 && strings.HasSuffix(step, ")") && strings.Contains(step[i:], ",") {
		return step[:i]
	}
	return step
}

// SilentError is a server that accepted the connection and never sent a
// byte until the step timed out: often not an OSCAR server at all. It
// wraps the timeout.
type SilentError struct {
	Addr  string
	After time.Duration
	Err   error
}

func (e *SilentError) Error() string {
	return "no answer from " + e.Addr + " in " + e.After.String() + "; it may not be an OSCAR server: check the address and port"
}
func (e *SilentError) Unwrap() error { return e.Err }

// Result is what a successful login gives.
type Result struct {
	BOSAddr    string       // host:port
	Cookie     secret.Bytes // opaque, and as good as the password for a while
	ScreenName string       // as the authorizer formats it
	// MultiConn says the login sent TLV 0x004A = 1 (always, see
	// multiConnFlags): pass it to bos.Options.MultiConn.
	MultiConn bool
}

// multiConnFlags is the TLV 0x004A both logins send: 0x01, "the client
// understands session-management reasons". Without it the server ends a
// session with the same bare channel-4 header whether the screen name
// signed on elsewhere or the server is shutting down, and a client can
// only guess; with it a kick carries TLV 0x0009 = 1 and a shutdown is an
// empty channel-4 frame, so a session can reconnect after a server
// restart and never after a kick. 0x01 and not 0x03 ("and at most one
// session"): on servers that keep several sessions of one account (the
// 2026 Open OSCAR Server) a second signon then joins the first instead of
// ending it, so an aim command that signs on while another client of the
// same name runs leaves that client online; servers that allow one
// session (its 2025 release) still end the older one, and say so.
const multiConnFlags = true

// AuthError is the authorizer refusing the login. Code is the server's
// error code (TLV 0x0008).
type AuthError struct {
	Code uint16
	URL  string
	SNAC bool // refused with an error SNAC (17,01): Code is a SNAC error code
}

var authErrorText = map[uint16]string{
	oscar.LoginErrUnknownName:    "screen name unknown (or password wrong)",
	oscar.LoginErrBadPassword:    "wrong password",
	oscar.LoginErrInvalidAccount: "invalid account",
	oscar.LoginErrDeletedAccount: "account deleted",
	oscar.LoginErrExpired:        "account expired",
	oscar.LoginErrSuspended:      "account suspended",
	oscar.LoginErrTooEvil:        "warning level too high to sign on",
	oscar.LoginErrRateLimited:    "signing on too often; wait a few minutes and try again",
	oscar.LoginErrBadSecurID:     "invalid SecurID",
	oscar.LoginErrSuspendedAge:   "account suspended because of your age",
}

// Error says why, in a person's words; Detail adds the server's code, for
// --debug.
func (e *AuthError) Error() string {
	if e.SNAC {
		if oscar.ErrorCodeKnown(e.Code) {
			return "login refused: " + oscar.ErrorCodeText(e.Code)
		}
		return "login refused"
	}
	if text, ok := authErrorText[e.Code]; ok {
		return text
	}
	return "login refused"
}

// Detail is the refusal with the server's code.
func (e *AuthError) Detail() string {
	if e.SNAC {
		return fmt.Sprintf("login refused: %s (server error 0x%04x)", oscar.ErrorCodeText(e.Code), e.Code)
	}
	return fmt.Sprintf("%s (server code 0x%04x)", e.Error(), e.Code)
}

// RateLimited reports whether the server refused because of too many logins.
func (e *AuthError) RateLimited() bool { return !e.SNAC && e.Code == oscar.LoginErrRateLimited }

// StepError is a step of the handshake that failed. Error says so in a
// person's words ("login: waiting for the login reply: the login server
// did not answer in time"); Detail names the step's SNAC and the cause
// as the protocol has it, for --debug.
type StepError struct {
	Step string // "connecting to login.example.net:5190", "waiting for the login reply (17,03)"
	Err  error
}

func (e *StepError) Error() string  { return "login: " + plainStep(e.Step) + ": " + stepWords(e.Err) }
func (e *StepError) Detail() string { return "login: " + e.Step + ": " + oscar.DetailOf(e.Err) }
func (e *StepError) Unwrap() error  { return e.Err }

// stepWords is the cause of a failed step in words, without the SNACs
// and codes a DecodeError names. A network failure it does not know
// keeps the system's words (client.NetworkError says those for people).
func stepWords(err error) string {
	var (
		silent   *SilentError
		notOSCAR *NotOSCARError
	)
	switch {
	case errors.As(err, &silent):
		return silent.Error()
	case errors.As(err, &notOSCAR):
		return notOSCAR.Error()
	}
	if words, ok := oscar.ReadFailure(err, "the login server"); ok {
		return words
	}
	return err.Error()
}

// Authorize runs the handshake chosen by opts.Method and returns where to
// sign on. Failures are an *AuthError (the server said no), a *StepError
// (the network or the server misbehaved, wrapping the cause), or ctx's
// error.
func Authorize(ctx context.Context, opts Options) (*Result, error) {
	if opts.ScreenName == "" {
		return nil, errors.New("login: no screen name")
	}
	if opts.StepTimeout <= 0 {
		opts.StepTimeout = DefaultStepTimeout
	}
	if opts.Client == (oscar.ClientInfo{}) {
		opts.Client = DefaultClient()
	}
	c, err := dial(ctx, &opts)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { c.conn.SetDeadline(time.Unix(1, 0)) })
	var reply oscar.LoginReply
	if opts.Method == MD5 {
		err = c.md5(ctx, &opts, &reply)
	} else {
		err = c.flap(ctx, &opts, &reply)
	}
	stop()
	c.close(ctx, err)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	if reply.ErrorCode != 0 {
		return nil, &AuthError{Code: reply.ErrorCode, URL: reply.ErrorURL}
	}
	addr, err := bosAddr(reply.BOSAddress, opts.Addr)
	if err != nil {
		return nil, &StepError{Step: "reading the login reply", Err: err}
	}
	name := reply.ScreenName
	if name == "" {
		name = opts.ScreenName
	}
	return &Result{BOSAddr: addr, Cookie: secret.Bytes(append([]byte(nil), reply.Cookie...)), ScreenName: name, MultiConn: multiConnFlags}, nil
}

// bosAddr adds the default port and replaces an unroutable host (some
// servers advertise 0.0.0.0) with the authorizer's.
func bosAddr(addr, authAddr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		if strings.Contains(err.Error(), "missing port") {
			host, port = strings.Trim(addr, "[]"), DefaultBOSPort
		} else {
			return "", fmt.Errorf("the login server named a bad address to sign on at, %q: %w", addr, err)
		}
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		if h, _, err := net.SplitHostPort(authAddr); err == nil {
			host = h
		}
	}
	return net.JoinHostPort(host, port), nil
}

// NotOSCARError is a server that answered with something other than
// OSCAR: the first byte it sent is not FLAP's start marker.
type NotOSCARError struct {
	First byte  // the first byte the server sent
	Err   error // the decoding error
}

func (e *NotOSCARError) Error() string {
	if e.First == 'H' { // "HTTP/1.1 400 Bad Request"
		return "the server does not speak OSCAR (an HTTP server answered): check the address and port"
	}
	return "the server does not speak OSCAR: check the address and port"
}

func (e *NotOSCARError) Unwrap() error { return e.Err }

// firstByte reads from r and keeps the first byte read.
type firstByte struct {
	r io.Reader
	b byte
	n int64 // bytes read so far
}

func (f *firstByte) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if f.n == 0 && n > 0 {
		f.b = p[0]
	}
	f.n += int64(n)
	return n, err
}

type conn struct {
	conn  net.Conn
	first firstByte // what the server sent first, to tell OSCAR from not
	fr    *oscar.FrameReader
	fw    *oscar.FrameWriter
	trace func(bool, oscar.Frame)
	step  time.Duration
	opts  *Options
}

// watch tells opts.Waiting about step if stop has not been called
// WaitNotice from now; stop returns once any call has.
func watch(opts *Options, step string) (stop func()) {
	if opts.Waiting == nil {
		return func() {}
	}
	called := make(chan struct{})
	t := time.AfterFunc(WaitNotice, func() {
		defer close(called)
		opts.Waiting(Wait{Step: step, Addr: opts.Addr, Timeout: opts.StepTimeout})
	})
	return func() {
		if !t.Stop() {
			<-called
		}
	}
}

func dial(ctx context.Context, opts *Options) (*conn, error) {
	d := opts.Dial
	if d == nil {
		d = (&net.Dialer{}).DialContext
	}
	dctx, cancel := context.WithTimeout(ctx, opts.StepTimeout)
	defer cancel()
	stop := watch(opts, "connecting to "+opts.Addr)
	nc, err := d(dctx, "tcp", opts.Addr)
	stop()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &StepError{Step: "connecting to " + opts.Addr, Err: err}
	}
	c := &conn{conn: nc, fw: oscar.NewFrameWriter(nc, opts.SequenceStart), trace: opts.Trace, step: opts.StepTimeout, opts: opts}
	c.first.r = nc
	c.fr = oscar.NewFrameReader(&c.first)
	if c.trace != nil {
		c.fw.Trace = func(f oscar.Frame) { c.trace(true, f) }
	}
	return c, nil
}

// close ends the connection. After the server's answer (a login reply,
// or a refusal) it lingers: the server closes its side right after its
// reply, and may send more first (the 2026 release sends an empty channel
// 4 after 17,03); closing with those bytes unread would reset the
// connection. After a failed step it closes at once.
func (c *conn) close(ctx context.Context, err error) {
	var refused *AuthError
	if err != nil && !errors.As(err, &refused) {
		c.conn.Close()
		return
	}
	c.conn.SetDeadline(time.Time{})
	linger.Close(ctx, c.conn)
}

// deadline sets the write and read deadline for one step.
func (c *conn) deadline() { c.conn.SetDeadline(time.Now().Add(c.step)) }

// next reads the next frame that is not the server's connection
// acknowledge: real servers send it first, before or after our request.
func (c *conn) next(step string) (oscar.Frame, error) {
	c.deadline()
	for {
		stop := watch(c.opts, step)
		f, err := c.fr.ReadFrame()
		stop()
		if err != nil {
			var ne net.Error
			switch {
			case errors.Is(err, io.EOF):
				err = errors.New("the login server closed the connection")
			case c.first.n == 0 && errors.As(err, &ne) && ne.Timeout():
				err = &SilentError{Addr: c.opts.Addr, After: c.step, Err: err}
			}
			if c.first.n > 0 && c.first.b != oscar.FLAPStart {
				err = &NotOSCARError{First: c.first.b, Err: err}
			}
			return f, &StepError{Step: step, Err: err}
		}
		if c.trace != nil {
			c.trace(false, f)
		}
		switch f.Channel {
		case oscar.ChannelSignon, oscar.ChannelKeepalive:
			continue
		}
		return f, nil
	}
}

// stepErr names the step a write failed in.
func (c *conn) stepErr(step string, err error) error {
	if err != nil {
		return &StepError{Step: step, Err: err}
	}
	return nil
}

func (c *conn) flap(_ context.Context, opts *Options, reply *oscar.LoginReply) error {
	req := oscar.LoginRequest{
		ScreenName:      opts.ScreenName,
		RoastedPassword: oscar.AppendRoasted(make([]byte, 0, len(opts.Password)), []byte(opts.Password.Reveal())),
		Client:          opts.Client,
		MultiConn:       multiConnFlags,
	}
	c.deadline()
	if err := c.stepErr("sending the login request", c.fw.WriteEncoded(oscar.ChannelSignon, &req)); err != nil {
		return err
	}
	clear(req.RoastedPassword)
	const step = "waiting for the login reply"
	for {
		f, err := c.next(step)
		if err != nil {
			return err
		}
		if f.Channel != oscar.ChannelSignoff {
			continue // nothing else belongs here; a real server sends nothing else
		}
		if err := reply.Decode(f.Payload); err != nil {
			return &StepError{Step: step, Err: err}
		}
		return nil
	}
}

func (c *conn) md5(_ context.Context, opts *Options, reply *oscar.LoginReply) error {
	c.deadline()
	hello := oscar.SignonFrame{Version: oscar.FLAPVersion}
	if err := c.stepErr("sending the signon frame", c.fw.WriteEncoded(oscar.ChannelSignon, &hello)); err != nil {
		return err
	}
	var extra oscar.TLVList
	extra = oscar.AppendTLV(extra, 0x004B, nil)
	extra = oscar.AppendTLV(extra, 0x005A, nil)
	keyReq := oscar.MD5KeyRequest{ScreenName: opts.ScreenName, Extra: extra}
	if err := c.stepErr("asking for the MD5 key (17,06)", c.fw.WriteMessage(1, &keyReq)); err != nil {
		return err
	}
	var key []byte
	for key == nil {
		s, err := c.nextSNAC("waiting for the MD5 key (17,07)")
		if err != nil {
			return err
		}
		switch s.Type() {
		case oscar.TypeMD5KeyReply:
			var m oscar.MD5KeyReply
			if err := m.Decode(s.Body); err != nil {
				return &StepError{Step: "reading the MD5 key (17,07)", Err: err}
			}
			key = append([]byte{}, m.Key...)
		case oscar.TypeMD5LoginReply: // real servers refuse an unknown name here
			return decodeReply(s.Body, reply)
		case oscar.TypeBUCPError:
			return bucpError(s.Body)
		}
	}
	req := oscar.MD5LoginRequest{
		ScreenName:       opts.ScreenName,
		Hash:             oscar.MD5LoginHash(key, []byte(opts.Password.Reveal()), true),
		PasswordIsHashed: true,
		Client:           opts.Client,
		MultiConn:        multiConnFlags,
	}
	c.deadline()
	if err := c.stepErr("sending the MD5 login (17,02)", c.fw.WriteMessage(2, &req)); err != nil {
		return err
	}
	for {
		s, err := c.nextSNAC("waiting for the login reply (17,03)")
		if err != nil {
			return err
		}
		switch s.Type() {
		case oscar.TypeMD5LoginReply:
			return decodeReply(s.Body, reply)
		case oscar.TypeBUCPError:
			return bucpError(s.Body)
		}
	}
}

func (c *conn) nextSNAC(step string) (oscar.SNAC, error) {
	for {
		f, err := c.next(step)
		if err != nil {
			return oscar.SNAC{}, err
		}
		switch f.Channel {
		case oscar.ChannelSNAC:
			s, err := oscar.ParseSNAC(f.Payload)
			if err != nil {
				return s, &StepError{Step: step, Err: err}
			}
			return s, nil
		case oscar.ChannelSignoff:
			// Some servers answer a bad MD5 login with a channel-4 reply.
			var r oscar.LoginReply
			if len(f.Payload) > 0 && r.Decode(f.Payload) == nil && r.ErrorCode != 0 {
				return oscar.SNAC{}, &AuthError{Code: r.ErrorCode, URL: r.ErrorURL}
			}
			return oscar.SNAC{}, &StepError{Step: step, Err: errors.New("the login server closed the connection")}
		}
	}
}

func decodeReply(body []byte, reply *oscar.LoginReply) error {
	if err := reply.Decode(body); err != nil {
		return &StepError{Step: "reading the login reply (17,03)", Err: err}
	}
	return nil
}

func bucpError(body []byte) error {
	var e oscar.SNACError
	if err := e.Decode(body); err != nil {
		return &StepError{Step: "reading a login error (17,01)", Err: err}
	}
	return &AuthError{Code: e.Code, SNAC: true}
}
