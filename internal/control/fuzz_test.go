package control

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzRequestLine: any line a client sends parses to a request or an
// *Error, never a panic, and a request parsed, encoded again and parsed
// again is the same request.
func FuzzRequestLine(f *testing.F) {
	for _, s := range []string{
		`{"id":1,"command":"send","args":["Lab Bob","build done"]}`,
		`{"id":18446744073709551615,"command":"events","args":["--follow"]}`,
		`{"id":2,"command":"status"}`,
		`{"id":1,"command":`,
		`{"id":0,"command":"send"}`,
		`{"id":1,"command":"send","args":[1]}`,
		`{"id":1,"command":"send"} {}`,
		`{"protocol":"aim-control","version":1}`,
		`{"protocol":"aim-control","version":1,"about":{"server":"127.0.0.1:5190"}}`,
		`{"id":1,"command":"s\u00e9nd","args":["\ud800"]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		r1, err := parseRequest(line)
		if err != nil {
			if !errors.As(err, new(*Error)) {
				t.Fatalf("want *Error, got %T: %v", err, err)
			}
			return
		}
		b, err := json.Marshal(r1)
		if err != nil {
			t.Fatalf("encoding %+v: %v", r1, err)
		}
		r2, err := parseRequest(b)
		if err != nil {
			t.Fatalf("parsing our own encoding %s: %v", b, err)
		}
		if !reflect.DeepEqual(r1, r2) {
			t.Fatalf("not stable:\n%+v\n%+v", r1, r2)
		}
	})
}

// FuzzHello: any first line is a hello, or an error of a known type.
func FuzzHello(f *testing.F) {
	for _, s := range []string{
		`{"protocol":"aim-control","version":1}`,
		`{"protocol":"aim-control","version":1,"about":{"server":"127.0.0.1:5190"}}`,
		`{"protocol":"aim-control","version":2}`,
		`{"final":true,"error":{"code":"refused","message":"no"}}`,
		`SSH-2.0-OpenSSH_9.6`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		_, err := checkHello(line)
		if err == nil || errors.As(err, new(*Error)) || errors.As(err, new(*VersionError)) {
			return
		}
		t.Fatalf("want *Error or *VersionError, got %T: %v", err, err)
	})
}
