// Package oscartls serves an oscartest server over TLS, the way
// httptest.NewTLSServer serves an HTTP one: the authorizer and BOS behind
// TLS, as some revived servers are (behind a TLS terminator), with a
// self-signed certificate for the loopback names that a client is given to
// trust.
//
//	srv := oscartls.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
//	defer srv.Close()
//	// trust srv.CertificatePEM(), then log in at srv.AuthAddr() over TLS
//
// It is a package of its own so that only the tests that speak TLS link
// crypto/tls and x509 (and what they pull in): every other test binary
// that uses oscartest links faster without them.
//
// It starts no goroutine: the embedded oscartest.Server owns its
// listeners and connections (TLS handshakes run on the connection's own
// goroutines), and Close stops and waits for them all.
package oscartls

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"time"

	"github.com/aim-oscar/aim/internal/oscartest"
)

// Server is an oscartest.Server that serves the authorizer and BOS over
// TLS. Its fields and methods are the embedded server's.
type Server struct {
	*oscartest.Server
	certPEM []byte
}

// NewUnstartedServer returns a TLS server with the given accounts that is
// not listening yet: adjust its fields, then call Start. Its certificate
// is made here: self-signed, for 127.0.0.1, ::1 and localhost, valid for a
// day. It panics if it cannot make one (crypto/rand failing), like
// httptest.NewTLSServer.
func NewUnstartedServer(accounts ...oscartest.Account) *Server {
	cfg, certPEM, err := newConfig()
	if err != nil {
		panic("oscartls: failed to make a certificate: " + err.Error())
	}
	srv := oscartest.NewUnstartedServer(accounts...)
	srv.WrapListener = func(l net.Listener) net.Listener { return tls.NewListener(l, cfg) }
	return &Server{Server: srv, certPEM: certPEM}
}

// NewServer returns a started TLS server with the given accounts. It
// panics if it cannot make its certificate or listen.
func NewServer(accounts ...oscartest.Account) *Server {
	s := NewUnstartedServer(accounts...)
	s.Start()
	return s
}

// CertificatePEM returns the certificate the server presents, in PEM, for
// a client to trust (as a CA: it signed itself).
func (s *Server) CertificatePEM() []byte { return s.certPEM }

// newConfig makes a self-signed certificate for the loopback names
// (127.0.0.1, ::1, localhost), valid for a day, and a server config that
// presents it. It returns the certificate in PEM for clients to trust.
func newConfig() (*tls.Config, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"oscartest"}, CommonName: "oscartest loopback"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cfg := &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
	}
	return cfg, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}
