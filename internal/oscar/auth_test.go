package oscar

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/aim-oscar/aim/internal/screenname"
)

// The lab accounts of the captures (shared/transcripts/README.md).
var labPasswords = map[string]string{
	"labalice": "alicepw1",
	"labbob":   "bobpass22",
	"labcarol": "carolpw3",
	"labdave":  "davepw44",
}

// TestRoast checks AppendRoasted against TLV 0x0002 of the FLAP logins in
// the captures.
func TestRoast(t *testing.T) {
	tests := []struct {
		password, roasted, where string
	}{
		{"alicepw1", "924ae8a75cf6aca3", "flap-login-signon.txt: LabAlice"},
		{"carolpw3", "9047f3ab55f6aca1", "minimal-login.txt: LabCarol"},
		{"bobpass22", "9149e3b458f5a8a043", "im-and-presence.txt: labbob"},
		{"wrongpass", "8454eeaa5ef6bae102", "flap-login-errors.txt: wrong password"},
		{"whatever1", "844ee0b05cf0bee040", "flap-login-errors.txt: unknown name"},
		{"", "", "empty"},
		// Past 16 bytes the key starts over.
		{"0123456789abcdefXY", "c317b3f70db3eda5499ad884301ef01a ab7f", "longer than the key"},
	}
	for _, tt := range tests {
		t.Run(tt.where, func(t *testing.T) {
			want := mustHex(t, tt.roasted)
			if got := AppendRoasted(nil, []byte(tt.password)); !bytes.Equal(got, want) {
				t.Errorf("AppendRoasted(%q) = % x, want % x", tt.password, got, want)
			}
			if got := AppendRoasted([]byte("keep"), []byte(tt.password)); !bytes.Equal(got, append([]byte("keep"), want...)) {
				t.Errorf("AppendRoasted does not append: % x", got)
			}
			if got := AppendRoasted(nil, want); string(got) != tt.password {
				t.Errorf("roasting twice gives %q, want %q back", got, tt.password)
			}
		})
	}
}

// TestMD5LoginHash checks both forms against TLV 0x0025 of the 17,02s in
// the captures, the key being 17,07's.
func TestMD5LoginHash(t *testing.T) {
	tests := []struct {
		where, key, password string
		hashed               bool
		hash                 string
	}{
		{"md5-login-signon-logout.txt (BarnOwl, TLV 0x4C)", "c42a6899-9e25-4428-aa4e-83b86456de9e", "davepw44", true, "22aeb1d4f77af227cb6637d55c21db0f"},
		{"md5-oldhash-versions-keepalive.txt (no TLV 0x4C)", "c42a6899-9e25-4428-aa4e-83b86456de9e", "davepw44", false, "21bb0144bf631db3091e8ff0e0e4931d"},
		{"duplicate-login-multiconn.txt", "0246c30b-5fcc-4bb6-a916-c8549fbc94af", "carolpw3", true, "c64a6a6f7ed2edb4ed694d30ec3aa771"},
		// No capture has a good MD5 login for these two: the values come
		// from Python's hashlib, with md5-login-errors.txt's key.
		{"LabAlice, new form", "a55fe432-da9d-4cd5-a2af-1b95fbc7b14e", "alicepw1", true, "5e9d6e43b79fc3b9b6b04ced5386a0f7"},
		{"LabAlice, old form", "a55fe432-da9d-4cd5-a2af-1b95fbc7b14e", "alicepw1", false, "75c4cccce7ba44436d7204275bae12b1"},
		{"Lab Bob, new form", "a55fe432-da9d-4cd5-a2af-1b95fbc7b14e", "bobpass22", true, "72b600efc72c4f4e342e967cb4c7fbb9"},
		{"Lab Bob, old form", "a55fe432-da9d-4cd5-a2af-1b95fbc7b14e", "bobpass22", false, "953c3d913a86f8242b2a56ef6354e4c6"},
	}
	for _, tt := range tests {
		t.Run(tt.where, func(t *testing.T) {
			got := MD5LoginHash([]byte(tt.key), []byte(tt.password), tt.hashed)
			if hex.EncodeToString(got[:]) != tt.hash {
				t.Errorf("MD5LoginHash = %x, want %s", got, tt.hash)
			}
			other := MD5LoginHash([]byte(tt.key), []byte(tt.password), !tt.hashed)
			if other == got {
				t.Error("both forms give the same hash")
			}
		})
	}
	// md5-login-errors.txt's first login was refused with 0x0005: its hash is
	// not alicepw1's in either form.
	key := []byte("a55fe432-da9d-4cd5-a2af-1b95fbc7b14e")
	for _, hashed := range []bool{true, false} {
		if h := MD5LoginHash(key, []byte("alicepw1"), hashed); hex.EncodeToString(h[:]) == "420e909f2a1b1e08004d97a13f381a12" {
			t.Errorf("the refused login's hash is alicepw1's (hashed=%v)", hashed)
		}
	}
}

// TestTranscriptMD5Logins pairs each 17,02 with the 17,07 key before it on
// its connection: logins the server accepted (17,03 with a cookie) hash the
// lab password in the form TLV 0x004C says; refused ones (0x0005) do not.
func TestTranscriptMD5Logins(t *testing.T) {
	type conn struct{ file, name string }
	keys := map[conn][]byte{}
	pending := map[conn]*MD5LoginRequest{}
	accepted, refused := 0, 0
	for _, c := range transcriptFrames(t) {
		if c.F.Channel != ChannelSNAC {
			continue
		}
		k := conn{c.File, c.Conn}
		switch c.SNAC.Type() {
		case TypeMD5KeyReply:
			var m MD5KeyReply
			if err := m.Decode(c.SNAC.Body); err != nil {
				t.Fatalf("%s: %v", c.Where(), err)
			}
			if len(m.Key) != 36 {
				t.Errorf("%s: key %q is not a 36-character UUID", c.Where(), m.Key)
			}
			keys[k] = m.Key
		case TypeMD5LoginRequest:
			var m MD5LoginRequest
			if err := m.Decode(c.SNAC.Body); err != nil {
				t.Fatalf("%s: %v", c.Where(), err)
			}
			pending[k] = &m
		case TypeMD5LoginReply:
			req := pending[k]
			if req == nil {
				continue // an unknown name: 17,03 answers 17,06
			}
			delete(pending, k)
			var r LoginReply
			if err := r.Decode(c.SNAC.Body); err != nil {
				t.Fatalf("%s: %v", c.Where(), err)
			}
			pw, ok := labPasswords[screenname.Normalize(req.ScreenName)]
			if !ok {
				t.Fatalf("%s: no password for %q", c.Where(), req.ScreenName)
			}
			match := MD5LoginHash(keys[k], []byte(pw), req.PasswordIsHashed) == req.Hash
			switch {
			case r.ErrorCode == 0:
				accepted++
				if !match {
					t.Errorf("%s: accepted login of %s: hash %x is not MD5LoginHash(%q, %q, %v)", c.Where(), req.ScreenName, req.Hash, keys[k], pw, req.PasswordIsHashed)
				}
			case r.ErrorCode == LoginErrBadPassword:
				refused++
				if match {
					t.Errorf("%s: refused login of %s has the right hash", c.Where(), req.ScreenName)
				}
			}
		}
	}
	if accepted == 0 || refused == 0 {
		t.Errorf("checked %d accepted and %d refused MD5 logins, want some of each", accepted, refused)
	}
	t.Logf("%d accepted and %d refused MD5 logins checked", accepted, refused)
}
