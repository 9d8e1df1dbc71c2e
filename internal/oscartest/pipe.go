package oscartest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
)

// StartPipes starts the server without sockets: clients connect through
// Dial, over net.Pipe. Everything the server and its clients do then
// blocks only on channels, so a testing/synctest bubble that starts the
// server runs it on its fake clock. The addresses are names Dial knows.
func (s *Server) StartPipes() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started || s.closed {
		panic("oscartest: StartPipes on a server already started or closed")
	}
	s.started = true
	authLn, bosLn := newPipeListener("auth.pipe:5190"), newPipeListener("bos.pipe:5190")
	s.authLn, s.bosLn = authLn, bosLn
	s.authAddr, s.bosAddr = authLn.addr.String(), bosLn.addr.String()
	s.buildRateIndex()
	s.wg.Add(3)
	go s.acceptLoop(authLn, serviceAuth)
	go s.acceptLoop(bosLn, serviceBOS)
	go s.rateTicker()
}

// Dial connects to the authorizer or BOS of a server started with
// StartPipes; it fits the Dial option of login and bos.
func (s *Server) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	s.mu.Lock()
	authLn, _ := s.authLn.(*pipeListener)
	bosLn, _ := s.bosLn.(*pipeListener)
	s.mu.Unlock()
	for _, l := range []*pipeListener{authLn, bosLn} {
		if l != nil && l.addr.String() == addr {
			return l.dial(ctx)
		}
	}
	return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("oscartest: no pipe listener at %s", addr)}
}

// pipeListener is a net.Listener whose connections are net.Pipes.
type pipeListener struct {
	addr    pipeAddr
	conns   chan net.Conn
	closing chan struct{}
	once    sync.Once
}

func newPipeListener(name string) *pipeListener {
	return &pipeListener{addr: pipeAddr(name), conns: make(chan net.Conn), closing: make(chan struct{})}
}

func (l *pipeListener) dial(ctx context.Context) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.closing:
		return nil, &net.OpError{Op: "dial", Net: "pipe", Err: errors.New("connection refused")}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closing:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.closing) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return l.addr }

type pipeAddr string

func (a pipeAddr) Network() string { return "pipe" }
func (a pipeAddr) String() string  { return string(a) }
