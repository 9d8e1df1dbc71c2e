package main

import (
	"crypto/tls"
	"crypto/x509"
	"os"
)

// tlsOptions are the --tls flags.
type tlsOptions struct {
	Enabled  bool   // --tls (or tls: true)
	Insecure bool   // --tls-insecure: no certificate check
	CAFile   string // --tls-ca: trust this CA (PEM), for self-signed servers
}

// config returns the TLS settings for the options (nil: no TLS): the
// server's certificate checked against the system's roots, or CAFile's.
func (o tlsOptions) config() (*tls.Config, error) {
	if !o.Enabled {
		if o.Insecure || o.CAFile != "" {
			return nil, usageErrorf("--tls-insecure and --tls-ca need --tls")
		}
		return nil, nil
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
	return cfg, nil
}
