package client

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/login"
)

// NetworkError is signing on failing on the network: the server could
// not be reached, or the connection broke or timed out before the
// signon was done. Error says so in a person's words ("the server at
// 127.0.0.1:5190 refused the connection"); Detail is the cause as the
// system said it ("login: connecting to 127.0.0.1:5190: dial tcp ...:
// connect: connection refused"), which --debug prints.
type NetworkError struct {
	Addr  string // the server's HOST:PORT
	Err   error
	words string
}

func (e *NetworkError) Error() string  { return e.words }
func (e *NetworkError) Detail() string { return bos.DetailOf(e.Err) }
func (e *NetworkError) Unwrap() error  { return e.Err }

// asNetworkError is err as a *NetworkError when it is a network failure
// talking to addr that netWords can put in words; otherwise err.
func asNetworkError(addr string, err error) error {
	if w := netWords(addr, err); w != "" {
		return &NetworkError{Addr: addr, Err: err, words: w}
	}
	return err
}

// netWords is err, a failure of the network, in a person's words, or ""
// when it is not one (a refusal by the server, a context ended) or not
// one of the kinds below. addr, if known, names the server.
func netWords(addr string, err error) string {
	server := "the server"
	if addr != "" {
		server = "the server at " + addr
	}
	var (
		dnsErr  *net.DNSError
		netErr  net.Error
		auth    *login.AuthError
		closed  *bos.ClosedError
		refused *bos.RequestError
	)
	switch {
	case err == nil, errors.Is(err, context.Canceled),
		errors.As(err, &auth), errors.As(err, &closed), errors.As(err, &refused):
		return "" // the server's own word, said by the error
	case errors.As(err, &dnsErr):
		host := dnsErr.Name
		if h, _, err := net.SplitHostPort(addr); err == nil && host == "" {
			host = h
		}
		switch {
		case dnsErr.IsNotFound:
			return "no server named " + host + " was found"
		case dnsErr.IsTimeout:
			return "could not look up " + host + ": the name server did not answer in time"
		}
		return "could not look up " + host
	case errors.Is(err, syscall.ECONNREFUSED):
		return server + " refused the connection"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return server + " cannot be reached from this network (no route to it)"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE):
		return server + " dropped the connection"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return server + " closed the connection"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, syscall.ETIMEDOUT),
		errors.As(err, &netErr) && netErr.Timeout():
		return server + " did not answer in time"
	}
	return ""
}
