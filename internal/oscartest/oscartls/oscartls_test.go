package oscartls_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"os"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/leakcheck"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/oscartest/oscartls"
)

// TestMain fails the package if a goroutine outlives its test: the TLS
// connections are the oscartest.Server's, and Close must end them.
func TestMain(m *testing.M) { os.Exit(leakcheck.Main(m)) }

func trusting(t *testing.T, srv *oscartls.Server) *tls.Config {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(srv.CertificatePEM()) {
		t.Fatalf("CertificatePEM is no certificate: %q", srv.CertificatePEM())
	}
	return &tls.Config{RootCAs: pool}
}

// TestLoginOverTLS: the authorizer answers a login made over TLS, checked
// against the certificate the server hands out, and sends the client to
// its BOS.
func TestLoginOverTLS(t *testing.T) {
	t.Parallel()
	srv := oscartls.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	d := &tls.Dialer{Config: trusting(t, srv)}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	res, err := login.Authorize(ctx, login.Options{Addr: srv.AuthAddr(), ScreenName: "LabAlice", Password: "alicepw1",
		Method: login.MD5, Dial: d.DialContext})
	if err != nil {
		t.Fatal(err)
	}
	if res.BOSAddr != srv.BOSAddr() {
		t.Errorf("BOS address %q, want %q", res.BOSAddr, srv.BOSAddr())
	}
}

// TestBothListenersSpeakTLS: the authorizer and BOS each complete a
// handshake for their loopback address with the certificate, and then
// speak OSCAR inside it (a FLAP frame, '*', on channel 1).
func TestBothListenersSpeakTLS(t *testing.T) {
	t.Parallel()
	srv := oscartls.NewServer()
	defer srv.Close()
	d := &tls.Dialer{Config: trusting(t, srv)}
	for _, addr := range []string{srv.AuthAddr(), srv.BOSAddr()} {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		c, err := d.DialContext(ctx, "tcp", addr)
		cancel()
		if err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		var hdr [6]byte
		_, err = io.ReadFull(c, hdr[:])
		c.Close()
		if err != nil {
			t.Fatalf("%s: reading the server's first frame: %v", addr, err)
		}
		if hdr[0] != '*' || hdr[1] != 1 {
			t.Errorf("%s: first frame header % x, want 2a 01 …", addr, hdr)
		}
	}
}
