package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"time"
)

// dialFunc opens a connection; login and bos take one.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// tlsOptions are the --tls flags.
type tlsOptions struct {
	Enabled  bool   // --tls (or tls: true)
	Insecure bool   // --tls-insecure: no certificate check
	CAFile   string // --tls-ca: trust this CA (PEM), for self-signed servers
}

// tcpKeepAlive makes the kernel probe a silent connection, so a dead peer
// is found even when the server, like real ones, sends nothing for minutes.
const tcpKeepAlive = 30 * time.Second

// dialer returns the dial func for the options: TCP, or TLS with the
// certificate checked against the system's roots (or CAFile's).
func (o tlsOptions) dialer() (dialFunc, error) {
	nd := &net.Dialer{KeepAlive: tcpKeepAlive}
	if !o.Enabled {
		if o.Insecure || o.CAFile != "" {
			return nil, usageErrorf("--tls-insecure and --tls-ca need --tls")
		}
		return nd.DialContext, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: o.Insecure}
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, usageErrorf("--tls-ca: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, usageErrorf("--tls-ca: no PEM certificate in %s", o.CAFile)
		}
		cfg.RootCAs = pool
	}
	td := &tls.Dialer{NetDialer: nd, Config: cfg}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := td.DialContext(ctx, network, addr)
		if err != nil {
			return nil, fmt.Errorf("TLS to %s: %w", addr, err)
		}
		return c, nil
	}, nil
}
