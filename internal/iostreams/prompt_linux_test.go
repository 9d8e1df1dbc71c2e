package iostreams

import (
	"io"
	"reflect"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// lockedScreen is a screen fed by a reader goroutine.
type lockedScreen struct {
	mu sync.Mutex
	s  *screen
}

func (l *lockedScreen) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.s.Write(p)
}

// TestPromptOnPTY: issue 22's keys typed on a real pseudo-terminal, read
// back through a screen model of what the terminal shows: after CJK text
// and Ctrl-U, "help" shows as "aim> help" (x/term's Terminal left "aim>
// send Lhelp"). The terminal's settings come back as they were.
func TestPromptOnPTY(t *testing.T) {
	t.Parallel()
	master, tty := openPTY(t)
	if err := unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 40}); err != nil {
		t.Fatal(err)
	}
	before, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	scr := &lockedScreen{s: newScreen(t, 40)}
	read := make(chan struct{})
	go func() {
		defer close(read)
		io.Copy(scr, master) // ends with EIO once the terminal side is closed
	}()
	p, err := NewPrompt(tty, tty, "aim> ")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := master.WriteString("send LabBob 你好你好你好\x15help\r"); err != nil {
		t.Fatal(err)
	}
	line, err := p.ReadLine()
	p.Finish()
	after, terr := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	tty.Close()
	<-read
	if line != "help" || err != nil {
		t.Fatalf("ReadLine = %q, %v", line, err)
	}
	if got := scr.s.text(0); got != "aim> help" {
		t.Errorf("the screen shows %q, want %q", got, "aim> help")
	}
	if terr != nil || !reflect.DeepEqual(before, after) {
		t.Errorf("terminal settings after Finish = %+v, %v; want %+v", after, terr, before)
	}
}
