package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"os"

	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/history"
)

// Setup is what a front end adds to the settings to sign on: the TLS
// options that are flags only, and the person it can ask.
type Setup struct {
	TLSInsecure bool   // do not check the server's certificate
	TLSCA       string // trust this CA (a PEM file), for self-signed servers
	// Prompt, if set, asks for the password of screen name (else the
	// settings must hold it).
	Prompt func(ctx context.Context, name string) (string, error)
	Debug  io.Writer    // a wire trace, or nil
	Wait   func(string) // what the session waits for, said to the person
}

// SignOnAccount is the account cfg signs on, as NewAccount says, with the
// password (cfg.Password, else the prompt), the TLS settings, the state
// and history directories, and what s adds.
func SignOnAccount(ctx context.Context, cfg *config.Config, s Setup) (Account, error) {
	tlsConfig, err := TLSConfig(cfg.TLS, s.TLSInsecure, s.TLSCA)
	if err != nil {
		return Account{}, err
	}
	a, err := NewAccount(cfg)
	if err != nil {
		return a, err
	}
	var prompt func() (string, error)
	if s.Prompt != nil {
		prompt = func() (string, error) { return s.Prompt(ctx, a.ScreenName) }
	}
	if a.Password, err = cfg.Password(ctx, prompt); err != nil {
		return a, err
	}
	a.TLS, a.Debug, a.Waiting = tlsConfig, s.Debug, s.Wait
	a.StateDir = cfg.StateDir(a.ScreenName)
	if cfg.History {
		a.HistoryDir = history.Dir(a.StateDir)
	}
	return a, nil
}

// TLSConfig is the TLS settings of a connection (nil: no TLS): the
// server's certificate checked against the system's roots, or caFile's,
// or not at all (insecure).
func TLSConfig(enabled, insecure bool, caFile string) (*tls.Config, error) {
	if !enabled {
		if insecure || caFile != "" {
			return nil, Usagef("--tls-insecure and --tls-ca need --tls")
		}
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, Usagef("--tls-ca: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, Usagef("--tls-ca: no PEM certificate in %s", caFile)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}
