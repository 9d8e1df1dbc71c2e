package control

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// Defaults for zero Options fields.
const (
	DefaultQueueLen    = 256
	DefaultMaxInFlight = 16
	DefaultDropGrace   = time.Second
	DefaultCheckEvery  = 30 * time.Second
)

// Options tune a Server; the zero value is ready to use.
type Options struct {
	// QueueLen is how many replies may wait for one client to read them.
	// One more, and the client is dropped with a CodeTooSlow note: a
	// client that falls behind never holds up the session.
	QueueLen int
	// MaxInFlight is how many requests of one client may be unfinished
	// (running, or a Later); its further lines wait unread until one
	// finishes.
	MaxInFlight int
	// DropGrace bounds the write in progress and the note when a client
	// is dropped; then its connection is closed whatever it does.
	DropGrace time.Duration
	// CheckEvery is how often the server checks that its socket is still
	// there, and makes it again if it is not: a cleaner of the runtime
	// directory, or a person, may remove it while the session runs.
	CheckEvery time.Duration
	// Tick, if set, replaces the ticker of CheckEvery: a test's fake clock.
	Tick <-chan time.Time
	// About is what the server's hello says of its session, for each
	// client to read before its first request (Client.About).
	About map[string]string
}

// Handler starts one request. The requests of one client start one at a
// time, in the order it sent them, on a goroutine of the connection's:
// a handler that queues work in the session (an IM's frame) has queued
// it before the client's next request starts, as with stdin commands.
// A handler may block there (waiting for a reconnect, like a stdin
// command), holding up only this client's next requests.
//
// It returns the request's result, a value the server marshals as JSON
// (a json.RawMessage goes as it is) for the final reply; or, when the
// result must be waited for, a Later, which the server runs on a
// goroutine of its own while the client's next requests start. A
// subscription (`events --follow`) is a Later that sends each event with
// stream.Send until ctx ends.
//
// ctx ends when the client is gone (it closed the connection: gave up,
// or was killed) or dropped, or the server shuts down; a handler and its
// Later must then return soon, since Shutdown waits for them.
//
// An error becomes the request's final error reply: an *Error as it is,
// ErrUnknownCommand (also wrapped) as CodeUnknownCommand, which also
// disconnects the client, anything else as CodeFailed with its text.
type Handler func(ctx context.Context, req Request, stream *Stream) (result any, err error)

// Later is a result to come: a Handler returns one when its request waits
// for the server (an IM's acknowledgement) or streams (events --follow).
// What it returns is the request's result, as for a Handler.
type Later func() (result any, err error)

// ErrClientGone is Stream.Send finding the client gone: it disconnected,
// was dropped for falling behind, or the server is shutting down.
var ErrClientGone = errors.New("control: the client is gone")

// ErrServerClosed is the cause of a handler's context ending because the
// server shut down.
var ErrServerClosed = errors.New("control: server closed")

// Server is the control socket of one account's session: it accepts
// connections from this user's processes and runs their requests with a
// Handler. It owns a goroutine that accepts, one that checks the socket
// is still there (recheck), and per connection one that reads, one that
// starts requests, one that writes and one per running Later; Shutdown
// and Close stop them all and wait for them.
type Server struct {
	path    string
	handler Handler
	opts    Options
	uid     int
	fresh   bool   // the directory was made for this server alone: removed at the end
	hello   []byte // its hello line (Options.About)

	ctx    context.Context // ends when the server shuts down
	cancel context.CancelCauseFunc
	wg     sync.WaitGroup // the accept loop and each connection

	mu      sync.Mutex
	ln      *net.UnixListener // replaced when recheck makes the socket again
	lock    *os.File
	sock    os.FileInfo // of the socket file ln made
	conns   map[*conn]struct{}
	closing bool
	done    chan struct{} // closed when Shutdown or Close has finished
}

// Listen claims the control socket at path (one of Dirs.Places) and serves
// it with h. It creates the directory (0700) if needed and refuses one
// another user could reach (*UnsafeDirError). A socket left by a session
// that died is replaced; a live session there is an *InUseError, and is
// left alone. The socket is made 0600, and each connection's peer must be
// this user (SO_PEERCRED), or it gets a CodeRefused error and is closed.
//
// Listen holds path+".lock" (flock) while it serves: two aim processes
// starting at once cannot both take the socket. The lock file stays.
func Listen(path string, h Handler, opts Options) (*Server, error) {
	if opts.QueueLen <= 0 {
		opts.QueueLen = DefaultQueueLen
	}
	if opts.MaxInFlight <= 0 {
		opts.MaxInFlight = DefaultMaxInFlight
	}
	if opts.DropGrace <= 0 {
		opts.DropGrace = DefaultDropGrace
	}
	if opts.CheckEvery <= 0 {
		opts.CheckEvery = DefaultCheckEvery
	}
	ln, lock, sock, err := claim(path)
	if err != nil {
		return nil, err
	}
	s := &Server{
		path:    path,
		ln:      ln,
		lock:    lock,
		sock:    sock,
		handler: h,
		opts:    opts,
		hello:   helloWith(opts.About),
		uid:     os.Getuid(),
		conns:   make(map[*conn]struct{}),
		done:    make(chan struct{}),
	}
	s.ctx, s.cancel = context.WithCancelCause(context.Background())
	s.wg.Add(2)
	go s.accept()
	go s.keep()
	return s, nil
}

// claim makes the directory, takes the lock and binds the socket at path.
func claim(path string) (*net.UnixListener, *os.File, os.FileInfo, error) {
	if err := prepareDir(filepath.Dir(path)); err != nil {
		return nil, nil, nil, err
	}
	lock, ok, err := lockFile(path + ".lock")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("control socket: %w", err)
	}
	if !ok {
		return nil, nil, nil, &InUseError{Path: path}
	}
	ln, err := listenUnix(path)
	if err != nil {
		unlockFile(lock)
		return nil, nil, nil, err
	}
	sock, err := os.Lstat(path)
	if err != nil {
		ln.Close()
		unlockFile(lock)
		return nil, nil, nil, fmt.Errorf("control socket: %w", err)
	}
	return ln, lock, sock, nil
}

// keep runs recheck every CheckEvery until the server shuts down.
func (s *Server) keep() {
	defer s.wg.Done()
	tick := s.opts.Tick
	if tick == nil {
		t := time.NewTicker(s.opts.CheckEvery)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-tick:
			s.recheck()
		}
	}
}

// recheck makes the socket again if its file is gone (its directory
// removed, say) or is not the one this server made: clients could not
// reach the session any more. What it cannot make now it tries again at
// the next check.
func (s *Server) recheck() {
	s.mu.Lock()
	sock := s.sock
	s.mu.Unlock()
	if fi, err := os.Lstat(s.path); err == nil && os.SameFile(fi, sock) {
		return
	}
	ln, lock, sock, err := claim(s.path)
	if err != nil {
		return
	}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		ln.Close()
		unlockFile(lock)
		return
	}
	old, oldLock := s.ln, s.lock
	s.ln, s.lock, s.sock = ln, lock, sock
	s.mu.Unlock()
	old.SetUnlinkOnClose(false) // its file is gone: what is at the path now is the new one
	old.Close()                 // the accept loop goes on with the new listener
	unlockFile(oldLock)
}

// listener returns the listener accepted on now.
func (s *Server) listener() *net.UnixListener {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ln
}

// listenUnix binds path, replacing a stale socket. The caller holds the
// lock, so a socket found there was left by a process that died, unless
// something that does not take the lock answers on it.
func listenUnix(path string) (*net.UnixListener, error) {
	addr := &net.UnixAddr{Name: path, Net: "unix"}
	ln, err := net.ListenUnix("unix", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		if err := removeStale(path); err != nil {
			return nil, err
		}
		ln, err = net.ListenUnix("unix", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	// The directory is 0700 already; the mode is a second fence.
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control socket: %w", err)
	}
	return ln, nil
}

// removeStale removes the socket at path if nothing listens on it.
func removeStale(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("control socket: %w", err)
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("control socket: %s is in the way and is not a socket", path)
	}
	d := net.Dialer{Timeout: time.Second}
	c, err := d.Dial("unix", path)
	if err == nil {
		c.Close()
		return &InUseError{Path: path}
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("control socket: checking %s: %w", path, err)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("control socket: removing a stale one: %w", err)
	}
	return nil
}

// Path returns the socket's path.
func (s *Server) Path() string { return s.path }

// accept runs until the listener closes.
func (s *Server) accept() {
	defer s.wg.Done()
	var delay time.Duration
	for {
		ln := s.listener()
		nc, err := ln.AcceptUnix()
		if err != nil {
			if s.ctx.Err() != nil {
				return
			}
			if s.listener() != ln { // recheck made the socket again
				continue
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors or the like: wait, as net/http does.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-s.ctx.Done():
				t.Stop()
				return
			}
			continue
		}
		delay = 0
		c := s.newConn(nc)
		s.mu.Lock()
		if s.closing {
			s.mu.Unlock()
			nc.Close() // never served: nothing was written to lose
			continue
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serve(c)
	}
}

// Notify sends v to every connected client as a notice (a Reply without
// an ID): the session reconnecting, or back. Like Stream.Send it never
// blocks; a client whose queue is full is dropped.
func (s *Server) Notify(v any) error {
	body, err := marshalBody(v)
	if err != nil {
		return fmt.Errorf("control: notice: %w", err)
	}
	if body == nil {
		body = []byte("null")
	}
	line := appendReply(nil, 0, false, body, nil)
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.enqueue(line, true)
	}
	return nil
}

// Shutdown ends the server because the session ended: it stops accepting,
// ends every handler's context, sends v (the session's last event; nil
// for none) to every client as its final line, and waits until each
// client has been written everything queued or ctx ends, then closes the
// connections and the socket and waits for every goroutine. Clients in
// Client.Do get an *EndedError with v as its Body.
//
// Shutdown must not be called from a Handler (it waits for them). Later
// calls wait for the first to finish.
func (s *Server) Shutdown(ctx context.Context, v any) error {
	var note []byte
	body, err := marshalBody(v)
	if err == nil && body != nil {
		note = appendReply(nil, 0, true, body, nil)
	}
	if cerr := s.shutdown(ctx, note); cerr != nil {
		return cerr
	}
	if err != nil {
		return fmt.Errorf("control: shutdown notice: %w", err)
	}
	return nil
}

// Close stops the server at once: clients are cut off without a word.
func (s *Server) Close() error {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return s.shutdown(ctx, nil)
}

func (s *Server) shutdown(ctx context.Context, note []byte) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		<-s.done
		return nil
	}
	s.closing = true
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()

	// The note goes first: the results of handlers ended by the cancel
	// are not queued after it. The cancel comes before reading stops, so
	// that every handler's context ends with ErrServerClosed, not with the
	// read error stopReading causes.
	for _, c := range conns {
		c.end(note)
	}
	s.cancel(ErrServerClosed)
	for _, c := range conns {
		c.stopReading()
	}
	s.mu.Lock()
	ln, lock := s.ln, s.lock
	s.mu.Unlock()
	err := ln.Close() // also removes the socket file
	waited := make(chan struct{})
	go func() { s.wg.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-ctx.Done():
		for _, c := range conns {
			c.nc.SetDeadline(aLongTimeAgo)
		}
		<-waited
	}
	if lerr := unlockFile(lock); err == nil {
		err = lerr
	}
	if s.fresh { // the lock file and the directory were this server's alone
		os.Remove(s.path + ".lock")
		os.Remove(filepath.Dir(s.path))
	}
	close(s.done)
	if err != nil {
		return fmt.Errorf("control: closing the socket: %w", err)
	}
	return nil
}

// aLongTimeAgo is a deadline that has passed: setting it makes a blocked
// Read or Write return at once.
var aLongTimeAgo = time.Unix(1, 0)

// conn is one client connection.
type conn struct {
	s    *Server
	nc   *net.UnixConn
	peer Peer

	ctx    context.Context // the context of the client's handlers
	cancel context.CancelCauseFunc

	out   chan []byte   // lines for the writer, at most QueueLen
	kill  chan struct{} // closed when dropped: write the note, skip the queue
	flush chan struct{} // closed when no more lines come: write the queue, then the note
	reqs  chan Request  // read, waiting to start, in order
	sem   chan struct{} // one token per request started and not finished

	mu       sync.Mutex
	closed   bool   // no more lines are queued; kill or flush is closed
	note     []byte // the last line, after kill or flush
	ready    bool   // the server's hello is queued: notices go to it
	inflight map[uint64]bool

	laters sync.WaitGroup // the Laters running
}

func (s *Server) newConn(nc *net.UnixConn) *conn {
	c := &conn{
		s:        s,
		nc:       nc,
		out:      make(chan []byte, s.opts.QueueLen+1), // and the hello
		kill:     make(chan struct{}),
		flush:    make(chan struct{}),
		reqs:     make(chan Request, s.opts.MaxInFlight),
		sem:      make(chan struct{}, s.opts.MaxInFlight),
		inflight: make(map[uint64]bool),
	}
	c.ctx, c.cancel = context.WithCancelCause(s.ctx)
	return c
}

// refusedLine is what a peer of another user gets before the close.
var refusedLine = appendReply(nil, 0, true, nil, &Error{Code: CodeRefused,
	Message: "refused: this session belongs to another user"})

// serve runs one connection until its reader, handlers and writer are
// done, then closes it.
func (s *Server) serve(c *conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
	}()
	defer c.cancel(context.Canceled)

	p, err := peerCredentials(c.nc)
	if err != nil || p.UID != s.uid {
		c.nc.SetWriteDeadline(time.Now().Add(s.opts.DropGrace))
		c.nc.Write(refusedLine) // a courtesy: the close says the same
		c.nc.Close()
		return
	}
	c.peer = p
	// Notices reach a client from its hello on: one that connected
	// before a Notify hears it, whether or not its own hello has been
	// read yet (a bad one ends the connection with an error after it).
	c.mu.Lock()
	c.out <- s.hello
	c.ready = true
	c.mu.Unlock()
	written := make(chan struct{})
	go func() {
		defer close(written)
		c.write()
	}()
	dispatched := make(chan struct{})
	go func() {
		defer close(dispatched)
		c.dispatch()
	}()
	c.read()
	close(c.reqs)
	<-dispatched
	c.laters.Wait()
	c.end(nil)
	<-written
	// Every line was written or failed to be; closing a Unix socket
	// loses nothing that Write returned for.
	c.nc.Close()
}

// read reads the hello, then runs each request, until EOF, a bad line or
// stopReading.
func (c *conn) read() {
	sc := bufio.NewScanner(c.nc)
	sc.Buffer(make([]byte, 0, 4096), MaxRequestLen+1) // and the newline
	if !sc.Scan() {
		c.readEnded(sc.Err())
		return
	}
	if _, err := checkHello(sc.Bytes()); err != nil {
		e := replyError(err)
		var ve *VersionError
		if errors.As(err, &ve) {
			e = &Error{Code: CodeVersion, Message: fmt.Sprintf(
				"this aim session speaks control protocol version %d, and you version %d: use the aim that started the session",
				Version, ve.Theirs)}
		}
		c.fail(appendReply(nil, 0, true, nil, e))
		return
	}
	for sc.Scan() {
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		req, err := parseRequest(line)
		if err != nil {
			c.fail(appendReply(nil, 0, true, nil, replyError(err)))
			return
		}
		req.Peer = c.peer
		if !c.queue(req) {
			return
		}
	}
	c.readEnded(sc.Err())
}

// readEnded handles the end of reading: a line too long, a stop, or the
// client gone. EOF means gone: a process that gives up on its request
// (its timeout, Ctrl-C) closes the connection, and its requests are
// cancelled at once, not carried out later behind its back.
func (c *conn) readEnded(err error) {
	switch {
	case err == nil:
		c.lost(errors.New("the client closed the connection"))
	case errors.Is(err, bufio.ErrTooLong):
		c.fail(appendReply(nil, 0, true, nil, &Error{Code: CodeTooLong,
			Message: fmt.Sprintf("a request line is over %d bytes", MaxRequestLen)}))
	case c.ctx.Err() != nil:
	default:
		c.lost(err)
	}
}

// queue hands req to the dispatcher, unless its id is running already.
func (c *conn) queue(req Request) bool {
	c.mu.Lock()
	dup := c.inflight[req.ID]
	if !dup {
		c.inflight[req.ID] = true
	}
	c.mu.Unlock()
	if dup {
		c.fail(appendReply(nil, 0, true, nil, &Error{Code: CodeBadRequest,
			Message: fmt.Sprintf("request id %d is already running", req.ID)}))
		return false
	}
	select {
	case c.reqs <- req:
		return true
	case <-c.ctx.Done():
		return false
	}
}

// dispatch starts the requests in the order they were read, each once
// fewer than MaxInFlight are unfinished, until the reader closes reqs.
// Requests left when the client is gone are dropped.
func (c *conn) dispatch() {
	for req := range c.reqs {
		select {
		case c.sem <- struct{}{}:
		case <-c.ctx.Done():
			continue
		}
		if c.ctx.Err() != nil {
			<-c.sem
			continue
		}
		st := &Stream{c: c, id: req.ID}
		result, err := c.s.handler(c.ctx, req, st)
		if later, ok := result.(Later); ok && err == nil && later != nil {
			c.laters.Add(1)
			go func() {
				defer c.laters.Done()
				result, err := later()
				c.finish(st, result, err)
			}()
			continue
		}
		c.finish(st, result, err)
	}
}

// finish queues a request's final reply.
func (c *conn) finish(st *Stream, result any, err error) {
	st.mu.Lock()
	st.done = true
	st.mu.Unlock()

	var body []byte
	if err == nil {
		if body, err = marshalBody(result); err != nil {
			err = fmt.Errorf("encoding the result: %w", err)
		}
	}
	var e *Error
	if err != nil {
		e = replyError(err)
	}
	line := appendReply(nil, st.id, true, body, e)
	c.mu.Lock()
	delete(c.inflight, st.id)
	c.mu.Unlock()
	<-c.sem
	if e != nil && e.Code == CodeUnknownCommand {
		c.fail(line)
		return
	}
	c.enqueue(line, false)
}

// enqueue queues line for the writer without blocking. A full queue drops
// the client. notice: only once the server's hello is queued.
func (c *conn) enqueue(line []byte, notice bool) error {
	c.mu.Lock()
	if c.closed || (notice && !c.ready) {
		c.mu.Unlock()
		return ErrClientGone
	}
	select {
	case c.out <- line:
		c.mu.Unlock()
		return nil
	default:
	}
	c.closed = true
	c.note = appendReply(nil, 0, true, nil, &Error{Code: CodeTooSlow, Message: fmt.Sprintf(
		"disconnected: %d replies were waiting to be read", c.s.opts.QueueLen)})
	close(c.kill)
	c.mu.Unlock()
	c.cancel(ErrClientGone)
	c.nc.SetWriteDeadline(time.Now().Add(c.s.opts.DropGrace))
	c.stopReading()
	return ErrClientGone
}

// end queues nothing more: the writer writes what is queued, then note
// (if not nil), and stops.
func (c *conn) end(note []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.closed = true
	c.note = note
	close(c.flush)
}

// fail ends the connection for a protocol error: note is its last line.
func (c *conn) fail(note []byte) {
	c.end(note)
	c.cancel(ErrClientGone)
	c.stopReading()
}

// lost ends the connection after a read or write failed: nothing more
// is written.
func (c *conn) lost(err error) {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		c.note = nil
		close(c.kill)
	}
	c.mu.Unlock()
	c.cancel(fmt.Errorf("%w: %w", ErrClientGone, err))
	c.stopReading()
}

// stopReading makes a Read in progress (and every later one) return.
func (c *conn) stopReading() { c.nc.SetReadDeadline(aLongTimeAgo) }

// write writes queued lines until the queue ends (flush) or the client is
// dropped (kill), then the note.
func (c *conn) write() {
	for {
		select {
		case <-c.kill: // a drop skips what is queued
			c.writeNote()
			return
		default:
		}
		select {
		case line := <-c.out:
			if !c.writeLine(line) {
				return
			}
		case <-c.kill:
			c.writeNote()
			return
		case <-c.flush:
			for {
				select {
				case line := <-c.out:
					if !c.writeLine(line) {
						return
					}
					continue
				default:
				}
				c.writeNote()
				return
			}
		}
	}
}

func (c *conn) writeNote() {
	c.mu.Lock()
	note := c.note
	c.mu.Unlock()
	if note != nil {
		c.writeLine(note)
	}
}

func (c *conn) writeLine(line []byte) bool {
	if _, err := c.nc.Write(line); err != nil {
		c.lost(err)
		return false
	}
	return true
}

// Stream sends the replies of one request before its result.
type Stream struct {
	c  *conn
	id uint64

	mu   sync.Mutex
	done bool // the handler returned
}

// Send queues v as a reply to the request, before its result. It never
// blocks: if the client has QueueLen replies unread, it is dropped (with
// a CodeTooSlow note), its handlers' contexts end and Send returns
// ErrClientGone, as it does once the client is gone or the handler has
// returned. v is marshalled as JSON (a json.RawMessage as it is).
func (st *Stream) Send(v any) error {
	body, err := marshalBody(v)
	if err != nil {
		return fmt.Errorf("control: reply: %w", err)
	}
	if body == nil {
		body = []byte("null")
	}
	line := appendReply(nil, st.id, false, body, nil)
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.done {
		return ErrClientGone
	}
	return st.c.enqueue(line, false)
}
