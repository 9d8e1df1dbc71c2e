package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"syscall"
)

// Client is a connection to the control socket of a running session. Its
// methods are not safe for concurrent use: one request at a time (open
// another Client to follow events while sending).
type Client struct {
	path   string
	nc     *net.UnixConn
	sc     *bufio.Scanner
	nextID uint64
	broken error             // set once the connection cannot carry another request
	about  map[string]string // what the server's hello said of its session
}

// Dial connects to the session at path (from Find) and exchanges
// the hellos, within ctx. No session there is a *NoSessionError (a
// command can then sign on by itself); a session of another aim version
// a *VersionError; a socket served by another user a *PeerError; the
// server refusing us an *Error.
func Dial(ctx context.Context, path string) (*Client, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) {
			return nil, &NoSessionError{Path: path, Err: err}
		}
		return nil, fmt.Errorf("control socket: %w", err)
	}
	uc := nc.(*net.UnixConn)
	p, err := peerCredentials(uc)
	if err != nil {
		uc.Close()
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	if p.UID != os.Getuid() {
		uc.Close()
		return nil, &PeerError{Path: path, UID: p.UID}
	}
	c := &Client{path: path, nc: uc, sc: bufio.NewScanner(uc)}
	c.sc.Buffer(make([]byte, 0, 4096), MaxReplyLen+1) // and the newline
	stop := c.watch(ctx)
	err = c.hello()
	if err = c.ctxErr(ctx, stop, err); err != nil {
		uc.Close()
		return nil, err
	}
	return c, nil
}

// hello exchanges the hellos. A server that refuses us may close before
// our hello is written; a failed write shows in the read that follows,
// which gets what the server said, if anything.
func (c *Client) hello() error {
	c.nc.Write(helloLine)
	line, err := c.readLine()
	if err != nil {
		return err
	}
	c.about, err = checkHello(line)
	return err
}

// About is what the session's hello said under key ("" if nothing): see
// Options.About.
func (c *Client) About(key string) string { return c.about[key] }

// Do sends one request and reads its replies until its result, within
// ctx, and returns the result's body. Replies before the result (a
// subscription's events) and the session's notices (Reply.ID == 0) are
// passed to each, if not nil; an error from each ends Do with it.
//
// The server's error for the request is an *Error, and the session
// ending (Server.Shutdown, or the connection closing) an *EndedError.
// After any error but an *Error answering the request, the Client can
// carry no other request: Close it.
func (c *Client) Do(ctx context.Context, command string, args []string, each func(Reply) error) (json.RawMessage, error) {
	if c.broken != nil {
		return nil, c.broken
	}
	c.nextID++
	req, err := json.Marshal(Request{ID: c.nextID, Command: command, Args: args})
	if err != nil {
		return nil, fmt.Errorf("control: request: %w", err)
	}
	if len(req) > MaxRequestLen {
		return nil, fmt.Errorf("control: the request is %d bytes, over the %d-byte limit", len(req), MaxRequestLen)
	}
	stop := c.watch(ctx)
	body, err := c.do(c.nextID, append(req, '\n'), each)
	err = c.ctxErr(ctx, stop, err)
	var e *Error
	if err != nil && !(errors.As(err, &e) && !disconnects(e.Code)) {
		c.broken = err
	}
	return body, err
}

func (c *Client) do(id uint64, req []byte, each func(Reply) error) (json.RawMessage, error) {
	// If the write fails, the server has closed the connection: the read
	// that follows gets its last line, which says why, or the error.
	c.nc.Write(req)
	for {
		line, err := c.readLine()
		if err != nil {
			return nil, err
		}
		var r Reply
		if err := json.Unmarshal(line, &r); err != nil {
			return nil, fmt.Errorf("control socket: a reply that is not JSON: %w", err)
		}
		switch {
		case r.ID == 0 && r.Final:
			if r.Error != nil {
				return nil, r.Error
			}
			return nil, &EndedError{Body: r.Body}
		case r.ID == id && r.Final:
			if r.Error != nil {
				return nil, r.Error
			}
			return r.Body, nil
		case r.ID == 0 || r.ID == id:
			if each != nil {
				if err := each(r); err != nil {
					return nil, err
				}
			}
		default:
			return nil, fmt.Errorf("control socket: a reply to request %d, which this client did not send", r.ID)
		}
	}
}

// disconnects reports whether the server closes the connection after an
// error with this code.
func disconnects(code string) bool {
	switch code {
	case CodeBadRequest, CodeTooLong, CodeUnknownCommand, CodeTooSlow, CodeVersion, CodeRefused:
		return true
	}
	return false
}

// readLine reads one line; the connection closing is an *EndedError.
func (c *Client) readLine() ([]byte, error) {
	if c.sc.Scan() {
		return c.sc.Bytes(), nil
	}
	err := c.sc.Err()
	switch {
	case err == nil, errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET):
		return nil, &EndedError{}
	case errors.Is(err, bufio.ErrTooLong):
		return nil, fmt.Errorf("control socket: a reply line over %d bytes", MaxReplyLen)
	}
	return nil, fmt.Errorf("control socket: %w", err)
}

// watch applies ctx's deadline to the connection, and its cancellation:
// a Read or Write in progress then returns at once.
func (c *Client) watch(ctx context.Context) (stop func() bool) {
	deadline, _ := ctx.Deadline() // zero: none
	c.nc.SetDeadline(deadline)
	return context.AfterFunc(ctx, func() { c.nc.SetDeadline(aLongTimeAgo) })
}

// ctxErr stops watching ctx and returns err, or ctx's error if ctx ended
// the operation (a deadline reached through the socket included). Once
// ctx has ended the connection may be in the middle of a line, or have a
// deadline in the past: it is marked broken.
func (c *Client) ctxErr(ctx context.Context, stop func() bool, err error) error {
	stopped := stop()
	if !stopped || ctx.Err() != nil || errors.Is(err, os.ErrDeadlineExceeded) {
		cerr := context.Cause(ctx)
		if cerr == nil {
			cerr = context.DeadlineExceeded
		}
		c.broken = fmt.Errorf("control socket: %w", cerr)
		if err != nil {
			return c.broken
		}
	}
	return err
}

// Close closes the connection: the requests still running for it on the
// server are cancelled (their contexts end).
func (c *Client) Close() error { return c.nc.Close() }
