package sessionsock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aim-oscar/aim/internal/control"
)

// TestDialTheOneSession (issue 22 item 14): with no screen name, a
// command goes through the one session running here; with several it
// says which run and asks for a name; with none it says where it looked.
func TestDialTheOneSession(t *testing.T) {
	tmp := t.TempDir()
	d := control.Dirs{RunUser: filepath.Join(tmp, "none"), Temp: tmp}
	serve := func(name string) {
		srv, _, err := control.ListenSession(d, name, func(context.Context, control.Request, *control.Stream) (any, error) {
			return map[string]string{"type": "result"}, nil
		}, control.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
	}
	if c, err := Dial(t.Context(), d, ""); c != nil || err != nil {
		t.Fatalf("no session: Dial = %v, %v; want none", c, err)
	}
	serve("LabAlice")
	c, err := Dial(t.Context(), d, "")
	if c == nil || err != nil {
		t.Fatalf("one session: Dial = %v, %v; want it", c, err)
	}
	c.Close()
	serve("Lab Bob")
	_, err = Dial(t.Context(), d, "")
	var many *ManySessionsError
	if !errors.As(err, &many) || !slices.Equal(many.Names, []string{"labalice", "labbob"}) ||
		!strings.Contains(err.Error(), "--screen-name") {
		t.Errorf("two sessions: Dial: %v, want both named and --screen-name asked for", err)
	}
	want := filepath.Join(d.Temp, "aim-"+uidString(), "labcarol.sock")
	if msg := NoSession(d, "LabCarol").Error(); !strings.Contains(msg, want) {
		t.Errorf("no session of LabCarol: %q does not say it looked for %s", msg, want)
	}
}

func uidString() string { return strconv.Itoa(os.Getuid()) }
