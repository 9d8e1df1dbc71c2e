package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/control"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/screenname"
	"github.com/aim-oscar/aim/internal/sessionsock"
)

// newFastServer starts a server whose rate classes are the real ones
// shrunk 400-fold: the real IM class allows a burst of 7, then one IM
// every 4 s; this one a burst of 5, then one every 10 ms. The limiter
// still paces the client, still in order (internal/flapconn's
// TestLimiterSimulated has it lose nothing on this class), and a queue of
// forty IMs drains in a third of a second instead of a second and a half.
// It does not drop what comes too fast: at a millisecond scale, the
// scheduling of a loaded machine bunches frames the client spaced out.
func newFastServer(accounts ...oscartest.Account) *oscartest.Server {
	srv := oscartest.NewUnstartedServer(accounts...)
	srv.Rates = oscartest.DefaultRates()
	srv.EnforceRates = false
	for i := range srv.Rates.Classes {
		c := &srv.Rates.Classes[i]
		c.Clear, c.Alert, c.Limit, c.Disconnect, c.Current, c.Max = c.Clear/400, c.Alert/400, c.Limit/400, c.Disconnect/400, c.Current/400, c.Max/400
	}
	srv.Start()
	return srv
}

// procEnv is the environment of aim processes in a test: their own config,
// runtime and temp directories (so the sessions running on this machine,
// their sockets in /tmp/aim-UID, are not found), the server, and no
// password unless given.
type procEnv struct {
	bin  string
	base []string
}

func newProcEnv(t testing.TB, bin string, srv *oscartest.Server, config string) *procEnv {
	t.Helper()
	home := t.TempDir()
	// A short runtime dir: socket paths are limited to about 100 bytes.
	run, err := os.MkdirTemp("", "aimrt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(run) })
	writeConfig(t, filepath.Join(home, "aim", "config.yaml"), config)
	return &procEnv{bin: bin, base: []string{"HOME=" + home, "XDG_CONFIG_HOME=" + home, "XDG_RUNTIME_DIR=" + run, "TMPDIR=" + run,
		"AIM_SERVER=" + srv.AuthAddr(), "PATH=" + os.Getenv("PATH")}}
}

func (e *procEnv) command(ctx context.Context, password string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, e.bin, args...)
	cmd.Env = e.base
	if password != "" {
		cmd.Env = append(cmd.Env[:len(cmd.Env):len(cmd.Env)], "AIM_PASSWORD="+password)
	}
	return cmd
}

// runProc runs aim to its end and returns its exit code and output.
func (e *procEnv) run(t testing.TB, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := e.command(ctx, "", args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if err != nil && cmd.ProcessState == nil {
		t.Fatalf("aim %s: %v", strings.Join(args, " "), err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

// session is an `aim login` process whose output a test reads line by line.
type session struct {
	cmd   *exec.Cmd
	lines chan string
	done  chan struct{}
	err   bytes.Buffer
}

func (e *procEnv) startSession(t testing.TB, password string, args ...string) *session {
	t.Helper()
	s := &session{lines: make(chan string, 1024), done: make(chan struct{})}
	s.cmd = e.command(context.Background(), password, args...)
	s.cmd.Stderr = &s.err
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(s.lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
	}()
	go func() { s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-s.done
	})
	return s
}

// waitLine reads lines until one contains sub.
func (s *session) waitLine(t testing.TB, sub string) string {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case l, ok := <-s.lines:
			if !ok {
				t.Fatalf("output ended without %q; stderr:\n%s", sub, s.err.String())
			}
			if strings.Contains(l, sub) {
				return l
			}
		case <-timeout:
			t.Fatalf("no %q within 20 s", sub)
		}
	}
}

// exitCode waits for the process to end.
func (s *session) exitCode(t testing.TB) int {
	t.Helper()
	select {
	case <-s.done:
		return s.cmd.ProcessState.ExitCode()
	case <-time.After(20 * time.Second):
		t.Fatalf("aim did not exit within 20 s; stderr:\n%s", s.err.String())
		return -1
	}
}

// imsSent returns the texts of the IMs (04,06) the client sent on
// screenName's BOS connection so far.
func imsSent(srv *oscartest.Server, screenName string) []string {
	var texts []string
	for _, m := range srv.IMsSent(screenName) {
		texts = append(texts, m.Message.Text.String())
	}
	return texts
}

// bosSignons counts the BOS connections of screenName that have ended.
func bosEnds(srv *oscartest.Server, screenName string) []oscartest.ConnEnd {
	return connEnds(srv, screenName, "bos")
}

// connEnds returns the connections of one service ("bos", "chatnav",
// "chat") of screenName that ended.
func connEnds(srv *oscartest.Server, screenName, service string) []oscartest.ConnEnd {
	var ends []oscartest.ConnEnd
	for _, e := range srv.Ends() {
		if e.Service == service && screenname.Normalize(e.ScreenName) == screenname.Normalize(screenName) {
			ends = append(ends, e)
		}
	}
	return ends
}

// TestOneSessionManyProcesses is issue 14's judgement against the
// in-process server, with aim as separate processes: a running aim login,
// a second one refused, forty aim send at once with no password that all
// arrive through one signon (each answered only once the server has the
// message), status, events, info, logout, and a stale socket after a kill.
func TestOneSessionManyProcesses(t *testing.T) {
	t.Parallel()
	bin := buildAim(t)
	srv := newFastServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(from, text string) string { return "" })
	env := newProcEnv(t, bin, srv, "screen_name: LabAlice\nbuddies:\n  - group: Bots\n    names: [EchoBot]\n")

	login := env.startSession(t, "alicepw1", "login", "--json", "--no-input")
	login.waitLine(t, `"type":"buddy_online"`)

	// A second login for the name is refused, and the first stays on.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	second := env.command(ctx, "alicepw1", "login", "--no-input")
	out, err := second.CombinedOutput()
	if code := second.ProcessState.ExitCode(); code != exitRunning || !strings.Contains(string(out), "already signed on here") {
		t.Fatalf("second login: exit %d (%v), want %d; output:\n%s", code, err, exitRunning, out)
	}

	// Forty sends at once, no password anywhere.
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			text := fmt.Sprintf("message %02d", i)
			code, stdout, stderr := env.run(t, "send", "--json", "EchoBot", text)
			if code != 0 || !strings.Contains(stdout, `"command":"send","ok":true`) {
				errs <- fmt.Sprintf("send %d: exit %d\nstdout: %s\nstderr: %s", i, code, stdout, stderr)
				return
			}
			// Answered once the server has it (it acknowledges at once).
			found := false
			for _, s := range imsSent(srv, "LabAlice") {
				found = found || s == text
			}
			if !found {
				errs <- fmt.Sprintf("send %d answered before the server had %q", i, text)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if got := imsSent(srv, "LabAlice"); len(got) != n {
		t.Errorf("the server got %d IMs, want %d: %q", len(got), n, got)
	}

	code, stdout, stderr := env.run(t, "status", "--json")
	if code != 0 {
		t.Fatalf("status: exit %d: %s", code, stderr)
	}
	var st struct {
		Name   string   `json:"name"`
		Online []string `json:"online"`
		Signon string   `json:"signon_time"`
	}
	if err := json.Unmarshal([]byte(stdout), &st); err != nil || st.Name != "LabAlice" || len(st.Online) != 1 || st.Online[0] != "EchoBot" || st.Signon == "" {
		t.Errorf("status = %+v (%v), want LabAlice signed on with EchoBot online; output %s", st, err, stdout)
	}
	if code, stdout, _ := env.run(t, "status"); code != 0 || !strings.Contains(stdout, "online: EchoBot") {
		t.Errorf("status (text): exit %d, output %q", code, stdout)
	}

	// events --follow streams an IM that arrives; its first line is the status.
	follow := env.startSession(t, "", "events", "--follow", "--json")
	follow.waitLine(t, `"command":"status"`)
	if err := srv.SendIM("EchoBot", "LabAlice", "ping from the bot"); err != nil {
		t.Fatal(err)
	}
	im := follow.waitLine(t, `"type":"im"`)
	if !strings.Contains(im, `"from":"EchoBot"`) || !strings.Contains(im, `"text":"ping from the bot"`) {
		t.Errorf("events --follow: %s", im)
	}
	if code, stdout, _ := env.run(t, "events", "--json"); code != 0 || !strings.Contains(stdout, `"text":"ping from the bot"`) {
		t.Errorf("events: exit %d, output %s", code, stdout)
	}
	if code, stdout, stderr := env.run(t, "info", "EchoBot"); code != 0 || !strings.Contains(stdout, "EchoBot: warning level") {
		t.Errorf("info: exit %d, output %q %s", code, stdout, stderr)
	}

	// Ctrl-C stops a follower, as its help says: exit 0, no "interrupted".
	stopped := env.startSession(t, "", "events", "--follow")
	stopped.waitLine(t, "online: EchoBot")
	stopped.cmd.Process.Signal(os.Interrupt)
	if code := stopped.exitCode(t); code != 0 || strings.Contains(stopped.err.String(), "interrupted") {
		t.Errorf("events --follow after Ctrl-C: exit %d; stderr:\n%s", code, stopped.err.String())
	}

	// logout ends the session cleanly, and the follower with it.
	if code, stdout, stderr := env.run(t, "logout"); code != 0 || !strings.Contains(stdout, "signed off") {
		t.Fatalf("logout: exit %d, output %q %s", code, stdout, stderr)
	}
	if code := login.exitCode(t); code != 0 {
		t.Errorf("aim login exited %d after logout; stderr:\n%s", code, login.err.String())
	}
	follow.waitLine(t, `"type":"disconnected"`)
	if code := follow.exitCode(t); code != 0 {
		t.Errorf("events --follow exited %d after logout; stderr:\n%s", code, follow.err.String())
	}
	ends := bosEnds(srv, "LabAlice")
	if len(ends) != 1 || !ends[0].Logout {
		t.Errorf("BOS connections of LabAlice = %+v, want one signon, ended with the zero-length channel-4 frame", ends)
	}
	if code, _, stderr := env.run(t, "status"); code != exitNoSession || !strings.Contains(stderr, "no session is running") {
		t.Errorf("status after logout: exit %d, want %d; stderr %q", code, exitNoSession, stderr)
	}

	// A session killed leaves its socket; the next login replaces it.
	killed := env.startSession(t, "alicepw1", "login", "--json", "--no-input")
	killed.waitLine(t, `"type":"signed_on"`)
	killed.cmd.Process.Signal(syscall.SIGKILL)
	killed.exitCode(t)
	again := env.startSession(t, "alicepw1", "login", "--json", "--no-input")
	again.waitLine(t, `"type":"signed_on"`)
	// In text, a send through the session reads like one that signs on.
	if code, stdout, stderr := env.run(t, "send", "EchoBot", "after the kill"); code != 0 || !strings.Contains(stdout, "-> EchoBot: ") {
		t.Errorf("send after the kill: exit %d %s %s", code, stdout, stderr)
	}
	if code, _, stderr := env.run(t, "logout"); code != 0 {
		t.Errorf("logout: exit %d %s", code, stderr)
	}
	if code := again.exitCode(t); code != 0 {
		t.Errorf("login after the kill exited %d: %s", code, again.err.String())
	}
}

// startSession runs `aim login` in this process and waits until it is
// signed on, and returns the path of its socket.
func startSessionInProcess(t *testing.T, srv *oscartest.Server) (*cliRun, string) {
	t.Helper()
	cfg := cliEnv(t, srv, "alicepw1")
	writeConfig(t, cfg, "screen_name: LabAlice\nbuddies:\n  - group: Bots\n    names: [EchoBot]\n")
	r := startCLI(t, "login", "--json", "--no-input")
	r.out.waitFor(t, `"type":"buddy_online"`)
	path, err := control.Find(newFactory(nil, envOf(t)).SocketDirs(), "LabAlice")
	if err != nil {
		t.Fatal(err)
	}
	return r, path
}

// TestSessionSocketBadInput: malformed JSON, an unknown command and a line
// over 64 KiB each get an error and a disconnect; the session goes on.
func TestSessionSocketBadInput(t *testing.T) {
	t.Parallel()
	srv := newFastServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(from, text string) string { return "" })
	_, path := startSessionInProcess(t, srv)

	tests := []struct {
		name, line, code string
	}{
		{"malformed JSON", `{"id":1,"command":`, control.CodeBadRequest},
		{"unknown command", `{"id":1,"command":"launch","args":["missiles"]}`, control.CodeUnknownCommand},
		{"too long", `{"id":1,"command":"send","args":["EchoBot","` + strings.Repeat("x", 70<<10) + `"]}`, control.CodeTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nc, err := net.Dial("unix", path)
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			nc.SetDeadline(time.Now().Add(10 * time.Second))
			io.WriteString(nc, `{"protocol":"aim-control","version":1}`+"\n"+tt.line+"\n")
			sc := bufio.NewScanner(nc)
			if !sc.Scan() {
				t.Fatalf("no hello: %v", sc.Err())
			}
			var got control.Reply
			if !sc.Scan() || json.Unmarshal(sc.Bytes(), &got) != nil {
				t.Fatalf("no reply: %v", sc.Err())
			}
			if got.Error == nil || got.Error.Code != tt.code || !got.Final {
				t.Errorf("reply = %s, want a final %s error", sc.Bytes(), tt.code)
			}
			if sc.Scan() {
				t.Errorf("the connection stayed open: %s", sc.Bytes())
			}
		})
	}
	// The session is unharmed.
	code, out, errOut := runCLI(t, "", "send", "--json", "EchoBot", "still here")
	if code != 0 || !strings.Contains(out, `"ok":true`) {
		t.Errorf("send after bad input: exit %d %s %s", code, out, errOut)
	}
}

// TestSessionSocketManyClients: many clients at once, each sending and
// asking for the status, while another follows the events (race detector).
// The server's classes have no window, so the client does not pace them:
// paced even a hundred times faster than the real IM class, the 80 IMs
// took 3.4 s, and the pacing is not what this test is about (the order of
// paced sends is TestSessionSocketKeepsOrder's).
func TestSessionSocketManyClients(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewUnstartedServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	srv.Rates = oscartest.DefaultRates()
	srv.EnforceRates = false
	for i := range srv.Rates.Classes {
		srv.Rates.Classes[i].Window = 0 // the client does not pace such a class
	}
	srv.Start()
	defer srv.Close()
	srv.AddBot("EchoBot", func(from, text string) string { return "" })
	r, path := startSessionInProcess(t, srv)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	follower, err := control.Dial(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer follower.Close()
	var followed sync.WaitGroup
	followed.Add(1)
	ims := 0
	go func() {
		defer followed.Done()
		follower.Do(ctx, client.CommandEvents, []string{"follow"}, func(rep control.Reply) error {
			if bytes.Contains(rep.Body, []byte(`"type":"im"`)) {
				ims++
			}
			return nil
		})
	}()

	const clients, each = 16, 5
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := control.Dial(ctx, path)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			for j := range each {
				if _, err := sessionsock.Run(ctx, c, "send", []string{"EchoBot", fmt.Sprintf("%d.%d", i, j)}, nil); err != nil {
					t.Errorf("client %d send %d: %v", i, j, err)
				}
				st, err := sessionsock.Run(ctx, c, client.CommandStatus, nil, nil)
				if err != nil || st.Name != "LabAlice" {
					t.Errorf("client %d status: %+v %v", i, st, err)
				}
			}
		}()
	}
	wg.Wait()
	if got := imsSent(srv, "LabAlice"); len(got) != clients*each {
		t.Errorf("the server got %d IMs, want %d", len(got), clients*each)
	}
	if err := srv.SendIM("EchoBot", "LabAlice", "to the follower"); err != nil {
		t.Fatal(err)
	}
	r.out.waitFor(t, "to the follower")
	r.in.Close() // no effect with --no-input: logout through the socket
	if code, out, errOut := runCLI(t, "", "logout"); code != 0 {
		t.Fatalf("logout: exit %d %s %s", code, out, errOut)
	}
	if code := r.wait(t); code != 0 {
		t.Errorf("login exited %d", code)
	}
	followed.Wait()
	if ims != 1 {
		t.Errorf("the follower saw %d IMs, want 1", ims)
	}
}

// TestSessionSocketReconnectAndKick: every client is told of the session
// losing its connection and getting it back; a send given meanwhile waits
// and goes through the new connection; a kick ends the session, which
// every client is told, and the commands then find none.
func TestSessionSocketReconnectAndKick(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(from, text string) string { return "" })
	r, path := startSessionInProcess(t, srv)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	// A client idle on the socket gets the notices.
	watcher, err := control.Dial(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer watcher.Close()
	notices := make(chan string, 16)
	go func() {
		defer close(notices)
		watcher.Do(ctx, client.CommandEvents, []string{"follow"}, func(rep control.Reply) error {
			if rep.ID == 0 {
				var h client.Head
				json.Unmarshal(rep.Body, &h)
				notices <- h.Type
			}
			return nil
		})
	}()
	waitNotice := func(want string) {
		t.Helper()
		for got := range notices {
			if got == want {
				return
			}
		}
		t.Fatalf("no %s notice", want)
	}

	srv.CloseClientConnections()
	waitNotice("disconnected")
	waitNotice("reconnecting")
	// Sent while reconnecting: it waits for the session to be back.
	code, out, errOut := runCLI(t, "", "send", "--json", "EchoBot", "sent while reconnecting")
	if code != 0 || !strings.Contains(out, `"ok":true`) {
		t.Fatalf("send while reconnecting: exit %d %s %s", code, out, errOut)
	}
	waitNotice("signed_on")
	if got := imsSent(srv, "LabAlice"); len(got) != 1 || got[0] != "sent while reconnecting" {
		t.Errorf("the new connection carried %q", got)
	}

	// A kick (the name signed on elsewhere) ends the session for good.
	if err := srv.Kick("LabAlice"); err != nil {
		t.Fatal(err)
	}
	if code := r.wait(t); code != exitKicked {
		t.Errorf("login exited %d after the kick, want %d", code, exitKicked)
	}
	waitNotice("disconnected")
	for range notices { // the follower ends with the session
	}
	if code, _, _ := runCLI(t, "", "status"); code != exitNoSession {
		t.Errorf("status after the kick: exit %d, want %d", code, exitNoSession)
	}
}

// TestSessionSocketKeepsOrder: requests written at once on one connection
// are queued in the session in the order they came, and the IMs reach the
// server in that order, each result once its IM is acknowledged.
func TestSessionSocketKeepsOrder(t *testing.T) {
	t.Parallel()
	srv := newFastServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(from, text string) string { return "" })
	_, path := startSessionInProcess(t, srv)
	nc, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(20 * time.Second))
	const n = 30 // beyond the burst: the limiter paces the rest
	var reqs strings.Builder
	reqs.WriteString(`{"protocol":"aim-control","version":1}` + "\n")
	var want []string
	for i := range n {
		text := fmt.Sprintf("in order %02d", i)
		want = append(want, text)
		fmt.Fprintf(&reqs, `{"id":%d,"command":"send","args":["EchoBot",%q]}`+"\n", i+1, text)
	}
	if _, err := io.WriteString(nc, reqs.String()); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(nc)
	sc.Scan() // the hello
	for done := 0; done < n; {
		if !sc.Scan() {
			t.Fatalf("after %d results: %v", done, sc.Err())
		}
		var rep control.Reply
		if err := json.Unmarshal(sc.Bytes(), &rep); err != nil || rep.Error != nil || !rep.Final {
			t.Fatalf("reply %s: %v", sc.Bytes(), err)
		}
		var res client.Result
		json.Unmarshal(rep.Body, &res)
		text := want[rep.ID-1]
		if !res.OK || !slices.Contains(imsSent(srv, "LabAlice"), text) {
			t.Errorf("result %d (%+v) before the server had %q", rep.ID, res, text)
		}
		done++
	}
	if got := imsSent(srv, "LabAlice"); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("the server got\n%q\nwant\n%q", got, want)
	}
}

// TestChatIsTheSession: aim chat is the account's session as aim login
// is: a login for the name is refused while it runs, and commands go
// through it, say included.
func TestChatIsTheSession(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(from, text string) string { return "" })
	cliEnv(t, srv, "alicepw1")
	setenv(t, "AIM_SCREEN_NAME", "LabAlice")
	chat := startCLI(t, "chat", "--json", "Lab Lounge")
	chat.out.waitFor(t, `"type":"chat_joined"`)
	if code, _, errOut := runCLI(t, "", "login", "--no-input"); code != exitRunning {
		t.Errorf("login beside aim chat: exit %d, want %d: %s", code, exitRunning, errOut)
	}
	setenv(t, "AIM_PASSWORD", "")
	if code, out, errOut := runCLI(t, "", "send", "EchoBot", "from beside the room"); code != 0 || !strings.Contains(out, "-> EchoBot: ") {
		t.Errorf("send: exit %d %s %s", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, "", "logout"); code != 0 {
		t.Errorf("logout: exit %d %s %s", code, out, errOut)
	}
	if code := chat.wait(t); code != 0 {
		t.Errorf("aim chat exited %d after logout", code)
	}
	// One signon (one authorizer connection); the room's connections and
	// the BOS one all ended with a logout.
	auths := 0
	for _, e := range srv.Ends() {
		if e.ScreenName == "LabAlice" && e.Service == "auth" {
			auths++
		}
		if e.ScreenName == "LabAlice" && e.Service == "bos" && !e.Logout {
			t.Errorf("a connection of LabAlice ended without a logout: %+v", e)
		}
	}
	if auths != 1 {
		t.Errorf("LabAlice signed on %d times, want 1", auths)
	}
}

// TestSessionEditsThroughSocket: buddies add and remove, set-away and
// set-profile reach the running session at once, with no password, and
// the file keeps them.
func TestSessionEditsThroughSocket(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(from, text string) string { return "" })
	srv.AddBot("NewBot", func(from, text string) string { return "" })
	r, _ := startSessionInProcess(t, srv)
	cfgPath := filepath.Join(getenv(t, "XDG_CONFIG_HOME"), "aim", "config.yaml")
	setenv(t, "AIM_PASSWORD", "")

	if code, out, errOut := runCLI(t, "", "buddies", "add", "--json", "NewBot"); code != 0 || !strings.Contains(out, `"command":"add","ok":true,"name":"NewBot"`) {
		t.Fatalf("buddies add: exit %d %s %s", code, out, errOut)
	}
	r.out.waitFor(t, `"name":"NewBot"`) // the server was told: NewBot is online
	if code, out, errOut := runCLI(t, "", "set-away", "at lunch"); code != 0 || out != "away: at lunch\n" {
		t.Fatalf("set-away: exit %d %s %s", code, out, errOut)
	}
	code, out, errOut := runCLI(t, "", "status", "--json")
	if code != 0 || !strings.Contains(out, `"away":true`) || !strings.Contains(out, `"away_message":"at lunch"`) || !strings.Contains(out, `"NewBot"`) {
		t.Errorf("status: exit %d %s %s", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, "", "buddies", "remove", "EchoBot"); code != 0 || !strings.Contains(out, "removed EchoBot") {
		t.Fatalf("buddies remove: exit %d %s %s", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, "", "set-profile", "--clear"); code != 0 {
		t.Errorf("set-profile --clear: exit %d %s %s", code, out, errOut)
	}
	file := readFile(t, cfgPath)
	if !strings.Contains(file, "NewBot") || strings.Contains(file, "EchoBot") || !strings.Contains(file, "at lunch") {
		t.Errorf("the config file:\n%s", file)
	}
	code, out, _ = runCLI(t, "", "status")
	if code != 0 || !strings.Contains(out, "online: NewBot") || !strings.Contains(out, "away: at lunch") {
		t.Errorf("status: exit %d %q", code, out)
	}
}

// TestChatThroughSession: with aim login running for the account, aim
// chat needs no password and signs on no second time: it joins, talks and
// hears through that session, and /quit leaves the room but leaves the
// session signed on.
func TestChatThroughSession(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(
		oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"},
		oscartest.Account{ScreenName: "LabBob", Password: "bobpw1"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(from, text string) string { return "" })
	login, _ := startSessionInProcess(t, srv)
	setenv(t, "AIM_PASSWORD", "")
	chat := startCLI(t, "chat", "--json", "Lab Lounge")
	chat.out.waitFor(t, `"type":"chat_joined"`)

	setenv(t, "AIM_PASSWORD", "bobpw1")
	setenv(t, "AIM_SCREEN_NAME", "LabBob")
	bob := startCLI(t, "chat", "--json", "lab lounge")
	bob.out.waitFor(t, `"type":"chat_joined"`)
	chat.out.waitFor(t, `"name":"LabBob"`) // bob arrived

	// A command the server refuses leaves the next ones working.
	chat.send(t, "/msg LabCarol are you there?")
	chat.out.waitFor(t, `"error":"LabCarol is not signed on"`)
	chat.send(t, "hello from the session")
	bob.out.waitFor(t, `"text":"hello from the session"`)
	chat.send(t, spaced)
	bob.out.waitFor(t, `"html":`+jsonString(spaced))
	bob.send(t, "hi alice")
	chat.out.waitFor(t, `"text":"hi alice"`)
	chat.send(t, "/quit")
	if code := chat.wait(t); code != 0 {
		t.Fatalf("aim chat exit %d; stderr:\n%s", code, chat.errOut.String())
	}
	bob.out.waitFor(t, `"type":"chat_member_left"`)
	if strings.Contains(login.out.String(), `"type":"disconnected"`) {
		t.Errorf("the aim login session signed off:\n%s", login.out.String())
	}
	setenv(t, "AIM_SCREEN_NAME", "LabAlice")
	setenv(t, "AIM_PASSWORD", "")
	if code, out, errOut := runCLI(t, "", "status", "--json"); code != 0 || !strings.Contains(out, `"ok":true`) {
		t.Errorf("status after aim chat /quit: exit %d %s %s", code, out, errOut)
	}
	// The room's connection (served on the BOS port) ended; the
	// session's did not.
	if bos, rooms := bosEnds(srv, "LabAlice"), connEnds(srv, "LabAlice", "chat"); len(bos) != 0 || len(rooms) != 1 {
		t.Errorf("LabAlice's connections that ended: BOS %+v, rooms %+v; want the room's only", bos, rooms)
	}
	// The end of input leaves too (text for people this time).
	again := startCLI(t, "chat", "Lab Lounge")
	again.out.waitFor(t, "Lab Lounge")
	again.send(t, "/members")
	again.out.waitFor(t, "in Lab Lounge: ")
	again.in.Close()
	if code := again.wait(t); code != 0 || !strings.Contains(again.out.String(), "you left") {
		t.Fatalf("aim chat at the end of input: exit %d; output:\n%s\nstderr:\n%s", code, again.out.String(), again.errOut.String())
	}
	auths := 0
	for _, e := range srv.Ends() {
		if e.ScreenName == "LabAlice" && e.Service == "auth" {
			auths++
		}
	}
	if auths != 1 {
		t.Errorf("LabAlice signed on %d times, want 1", auths)
	}
}

// aliceEnv starts a server with LabAlice and makes this test's aim
// sign on as her.
func aliceEnv(t *testing.T) {
	t.Helper()
	srv := newFastServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	t.Cleanup(srv.Close)
	cliEnv(t, srv, "alicepw1")
	setenv(t, "AIM_SCREEN_NAME", "LabAlice")
}

// secondLogin runs another aim login of LabAlice for a second and
// returns its exit status and standard error.
func secondLogin(t *testing.T) (int, string) {
	t.Helper()
	code, _, stderr := runCLI(t, "", "login", "--no-input", "--for", "1s")
	return code, stderr
}

// TestLoginSocketDirSquatted: with no runtime dir, another user made the
// temp dir's aim-<uid> first. aim login signs on all the same, with its
// socket in a fresh private directory, says where in words, and the
// commands find it there.
func TestLoginSocketDirSquatted(t *testing.T) {
	t.Parallel()
	aliceEnv(t)
	setenv(t, "XDG_RUNTIME_DIR", "")
	tmp := t.TempDir()
	setenv(t, "TMPDIR", tmp)
	squatted := filepath.Join(tmp, fmt.Sprintf("aim-%d", os.Getuid()))
	if err := os.Mkdir(squatted, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(squatted, 0o777) // past the umask
	if os.Getuid() == 0 {
		if err := os.Chown(squatted, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
	login := startCLI(t, "login", "--no-input")
	login.out.waitFor(t, "signed on")
	login.errOut.waitFor(t, "refusing to use it")
	if !strings.Contains(login.errOut.String(), "the control socket is at "+tmp) {
		t.Errorf("login's warning: %q, want where the socket is", login.errOut.String())
	}
	if code, stdout, stderr := runCLI(t, "", "status"); code != 0 || !strings.Contains(stdout, "LabAlice") {
		t.Errorf("status: exit %d, %q %q; want the session found", code, stdout, stderr)
	}
	if code, stderr := secondLogin(t); code != exitRunning {
		t.Errorf("a second login: exit %d, want %d; stderr %q", code, exitRunning, stderr)
	}
}

// TestLoginSocketPathTooLong: when every place's socket path is too long
// for a socket address, aim login says it has no socket, and a second
// login of the account is still refused.
func TestLoginSocketPathTooLong(t *testing.T) {
	t.Parallel()
	aliceEnv(t)
	long := filepath.Join(t.TempDir(), strings.Repeat("d", 110))
	if err := os.Mkdir(long, 0o700); err != nil {
		t.Fatal(err)
	}
	setenv(t, "XDG_RUNTIME_DIR", long)
	setenv(t, "TMPDIR", long)
	login := startCLI(t, "login", "--no-input")
	login.out.waitFor(t, "signed on")
	login.errOut.waitFor(t, "no control socket for this session")
	if !strings.Contains(login.errOut.String(), "longer than") {
		t.Errorf("login's warning: %q, want why there is no socket", login.errOut.String())
	}
	if code, stderr := secondLogin(t); code != exitRunning {
		t.Errorf("a second login: exit %d, want %d; stderr %q", code, exitRunning, stderr)
	}
}

// TestLoginSocketDirRemoved: the runtime dir's aim directory removed
// under a running session does not let a second login of the account
// start: the one-session lock lives in the state directory.
func TestLoginSocketDirRemoved(t *testing.T) {
	t.Parallel()
	aliceEnv(t)
	login := startCLI(t, "login", "--no-input")
	login.out.waitFor(t, "signed on")
	if err := os.RemoveAll(filepath.Join(getenv(t, "XDG_RUNTIME_DIR"), "aim")); err != nil {
		t.Fatal(err)
	}
	if code, stderr := secondLogin(t); code != exitRunning || !strings.Contains(stderr, "already signed on here") || !strings.Contains(stderr, "cannot be found just now") {
		t.Errorf("a second login: exit %d, want %d; stderr %q", code, exitRunning, stderr)
	}
}

// TestLogoutRacingSends: sends racing a logout through the session each
// tell the truth. Exit 0 means the server took the message, any other
// status that it was not sent: the logout finishes the sends under way
// before it signs off, and refuses those that come after it. Many rounds:
// the race lands differently each time.
//
// The server paces in milliseconds (newFastServer): sends still queue
// behind the rate limit and race the logout there, but a round no longer
// waits out finishWait (5 s) for IMs the real classes would hold back for
// seconds once the account's level has dropped over the rounds.
func TestLogoutRacingSends(t *testing.T) {
	t.Parallel()
	srv := newFastServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	// What the recipient got: a send that found the session gone signs on
	// by itself, so the server's log of one connection would not do.
	var (
		gotMu sync.Mutex
		got   = map[string]bool{}
	)
	srv.AddBot("Palu", func(_, text string) string {
		gotMu.Lock()
		got[text] = true
		gotMu.Unlock()
		return ""
	})
	cfg := cliEnv(t, srv, "alicepw1")
	writeConfig(t, cfg, "screen_name: LabAlice\n")
	const rounds, sends = 10, 10
	var accepted, refused, lies int
	for round := range rounds {
		r := startCLI(t, "login", "--json", "--no-input")
		r.out.waitFor(t, `"type":"signed_on"`)
		var (
			mu sync.Mutex
			ok = map[string]bool{}
			wg sync.WaitGroup
		)
		for i := range sends {
			wg.Add(1)
			go func() {
				defer wg.Done()
				text := fmt.Sprintf("race r%d m%d", round, i)
				if code, _, _ := runCLI(t, "", "send", "Palu", text); code == 0 {
					mu.Lock()
					ok[text] = true
					mu.Unlock()
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code, out, errOut := runCLI(t, "", "logout"); code != 0 && code != exitNoSession {
				t.Errorf("round %d: logout: exit %d %s %s", round, code, out, errOut)
			}
		}()
		wg.Wait()
		if code := r.wait(t); code != 0 {
			t.Errorf("round %d: login exited %d", round, code)
		}
		// Once every connection of LabAlice has ended, the server has
		// handed the bot everything it took.
		if err := srv.WaitOffline(t.Context(), "LabAlice"); err != nil {
			t.Fatal(err)
		}
		gotMu.Lock()
		delivered := maps.Clone(got)
		gotMu.Unlock()
		for i := range sends {
			text := fmt.Sprintf("race r%d m%d", round, i)
			switch {
			case ok[text] && delivered[text]:
				accepted++
			case !ok[text] && !delivered[text]:
				refused++
			default:
				lies++
				t.Errorf("round %d: %q: exit 0: %v, the server got it: %v", round, text, ok[text], delivered[text])
			}
		}
	}
	t.Logf("%d rounds of %d sends racing a logout: %d sent (exit 0), %d not sent (exit non-zero), %d wrong", rounds, sends, accepted, refused, lies)
}

// TestBuddyNoOpsTellTheTruth: adding a buddy already on the list (in
// another case, to another group) and removing one not on it say so, in
// the same words through the running session as with --no-session, and
// nothing moves (issue 19 item 9).
func TestBuddyNoOpsTellTheTruth(t *testing.T) {
	t.Parallel()
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(from, text string) string { return "" })
	startSessionInProcess(t, srv) // EchoBot is in Bots
	cfgPath := filepath.Join(getenv(t, "XDG_CONFIG_HOME"), "aim", "config.yaml")
	setenv(t, "AIM_PASSWORD", "")
	before := readFile(t, cfgPath)
	for _, tt := range []struct {
		args []string
		says string
	}{
		{[]string{"buddies", "add", "ECHOBOT", "--group", "Work"}, "ECHOBOT is already a buddy"},
		{[]string{"buddies", "remove", "ghostuser"}, "ghostuser was not a buddy"},
	} {
		var said []string
		for _, path := range [][]string{nil, {"--no-session"}} {
			args := append(slices.Clone(tt.args), path...)
			code, out, errOut := runCLI(t, "", args...)
			if code != 0 || !strings.Contains(out+errOut, tt.says) || strings.Contains(out+errOut, "dded") || strings.Contains(out+errOut, "emoved") {
				t.Errorf("aim %s: exit %d, stdout %q, stderr %q; want exit 0 and %q", strings.Join(args, " "), code, out, errOut, tt.says)
			}
			said = append(said, out+"|"+errOut)
		}
		if said[0] != said[1] {
			t.Errorf("aim %s: the session said %q, --no-session %q", strings.Join(tt.args, " "), said[0], said[1])
		}
	}
	if after := readFile(t, cfgPath); after != before {
		t.Errorf("the config file changed:\n%s\nwas:\n%s", after, before)
	}
}

// TestScriptSendShownBySession: a message a script sends through the
// running aim login is shown in that session's output too (as aim tui
// and aim events --follow show it): the person watching the session sees
// everything said as them, once.
func TestScriptSendShownBySession(t *testing.T) {
	t.Parallel()
	srv := newFastServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"})
	defer srv.Close()
	srv.AddBot("EchoBot", func(from, text string) string { return "" })
	login, _ := startSessionInProcess(t, srv)
	setenv(t, "AIM_PASSWORD", "")
	send := startCLI(t, "send", "EchoBot", "from a script 你好 🎉")
	if code := send.wait(t); code != 0 {
		t.Fatalf("aim send exit %d: %s", code, send.errOut.String())
	}
	login.out.waitFor(t, `"text":"from a script 你好 🎉"`)
	if n := strings.Count(login.out.String(), `"command":"send"`); n != 1 {
		t.Errorf("the script's message shown %d times by the session, want once:\n%s", n, login.out.String())
	}
}
