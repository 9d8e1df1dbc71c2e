package main

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscar"
	"github.com/aim-oscar/aim/internal/secret"
)

// account is everything needed to sign on, resolved from flags, the
// environment and the config file.
type account struct {
	Server     string // authorizer host:port
	ScreenName string
	Password   secret.String
	Method     login.Method
	Buddies    []string
	Profile    string
	Away       string
	Dial       func(ctx context.Context, network, addr string) (net.Conn, error)
	Trace      func(sent bool, f oscar.Frame)
	Logf       func(format string, args ...any)
	// StepTimeout bounds each network step; zero: the packages' defaults.
	StepTimeout time.Duration
	// Reconnected marks a signon after a lost connection.
	Reconnected bool
}

// signOn runs the authorizer handshake and the BOS signon.
func signOn(ctx context.Context, a *account) (*bos.Session, error) {
	res, err := login.Authorize(ctx, login.Options{
		Addr:        a.Server,
		ScreenName:  a.ScreenName,
		Password:    a.Password,
		Method:      a.Method,
		Dial:        a.Dial,
		StepTimeout: a.StepTimeout,
		Trace:       a.Trace,
	})
	if err != nil {
		return nil, err
	}
	return bos.Connect(ctx, bos.Options{
		Addr:        res.BOSAddr,
		Cookie:      res.Cookie,
		MultiConn:   res.MultiConn,
		ScreenName:  res.ScreenName,
		Buddies:     a.Buddies,
		Profile:     a.Profile,
		Away:        a.Away,
		Dial:        a.Dial,
		StepTimeout: a.StepTimeout,
		Trace:       a.Trace,
		Logf:        a.Logf,
		Reconnected: a.Reconnected,
		AutoReply:   true, // while away, as AIM clients do
	})
}

// disconnectReason is the JSON "reason" of a disconnected event.
func disconnectReason(err error) string {
	var closed *bos.ClosedError
	switch {
	case err == nil:
		return "logout"
	case errors.As(err, &closed) && closed.SignedOnElsewhere():
		return "signed_on_elsewhere"
	case errors.As(err, &closed):
		return "closed_by_server"
	case errors.Is(err, bos.ErrConnectionLost):
		return "connection_lost"
	}
	return "error"
}
