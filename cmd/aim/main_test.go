package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/aim-oscar/aim/internal/client"
)

// isolate points the user config directory at a fresh temporary directory
// and clears the AIM_ variables (empty counts as unset), so a test sees
// neither the real config nor the caller's environment. It returns the
// config file path aim will use.
func isolate(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	setenv(t, "HOME", home)
	setenv(t, "XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	setenv(t, "XDG_STATE_HOME", filepath.Join(home, ".local", "state"))
	for _, v := range []string{"AIM_CONFIG", "AIM_SCREEN_NAME", "AIM_SERVER", "AIM_AUTH", "AIM_PASSWORD",
		"AIM_PASSWORD_COMMAND", "AIM_OUTPUT", "AIM_RECONNECT", "AIM_TLS", "AIM_HTML"} {
		setenv(t, v, "")
	}
	setenv(t, "XDG_RUNTIME_DIR", t.TempDir()) // the sessions' sockets: this test's own
	return filepath.Join(home, ".config", "aim", "config.yaml")
}

// result is what one run of aim did.
type result struct {
	code        int
	out, errOut string
}

// aim runs the command line args with stdin as standard input.
func aim(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	streams, in, out, errOut := testIO()
	in.WriteString(stdin)
	code := runIn(t.Context(), args, streams, envOf(t))
	return result{code, out.String(), errOut.String()}
}

// want checks the exit code and that stdout and stderr contain the given strings.
func (r result) want(t *testing.T, code int, out, errOut string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", r.code, code, r.out, r.errOut)
	}
	if !strings.Contains(r.out, out) {
		t.Errorf("stdout = %q, want it to contain %q", r.out, out)
	}
	if !strings.Contains(r.errOut, errOut) {
		t.Errorf("stderr = %q, want it to contain %q", r.errOut, errOut)
	}
}

func writeFile(t *testing.T, path, content string, perm os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestVersion(t *testing.T) {
	t.Parallel()
	isolate(t)
	want := "aim dev (" + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH + ")\n"
	r := aim(t, "", "version")
	r.want(t, exitOK, want, "")
	if r.out != want || r.errOut != "" {
		t.Errorf("aim version = %q, %q; want %q", r.out, r.errOut, want)
	}
	if r := aim(t, "", "--version"); r.out != want {
		t.Errorf("aim --version = %q, want %q", r.out, want)
	}

	r = aim(t, "", "version", "--json")
	r.want(t, exitOK, "", "")
	var got client.VersionInfo
	if err := json.Unmarshal([]byte(r.out), &got); err != nil || strings.Count(r.out, "\n") != 1 {
		t.Fatalf("aim version --json = %q: %v", r.out, err)
	}
	if got != currentVersion() || got.Go != runtime.Version() || got.Platform != runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("aim version --json = %+v", got)
	}

	aim(t, "", "version", "extra").want(t, exitUsage, "", "aim: aim version takes no arguments")
}

func TestVersionIgnoresBrokenConfig(t *testing.T) {
	t.Parallel()
	path := isolate(t)
	writeFile(t, path, "buddies: [\n", 0o600)
	aim(t, "", "version").want(t, exitOK, "aim dev", "")
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	isolate(t)
	tests := []struct {
		args   []string
		errOut string
	}{
		{[]string{"frob"}, `aim: unknown command "frob" for "aim"`},
		{[]string{"biddies"}, `did you mean "buddies"?`},
		{[]string{"buddies", "frob"}, `aim: unknown command "frob" for "aim buddies"`},
		{[]string{"config", "edit"}, `unknown command "edit" for "aim config"`},
		{[]string{"--bogus"}, "aim: unknown flag: --bogus"},
		{[]string{"buddies", "list", "--group", "x"}, "unknown flag: --group"},
		{[]string{"buddies", "add"}, "aim: give at least one screen name to add"},
		{[]string{"buddies", "remove"}, "aim: give at least one screen name to remove"},
		{[]string{"config", "path", "x"}, "takes no arguments"},
		{[]string{"config", "set", "server"}, "aim: aim config set takes a key and a value (1 given)"},
		{[]string{"config", "set", "away", "at", "lunch"}, "(3 given): quote a value with spaces, as in aim config set away 'at lunch'"},
		{[]string{"config", "unset"}, "aim: aim config unset takes one key (0 given)"},
	}
	for _, tt := range tests {
		r := aim(t, "", tt.args...)
		r.want(t, exitUsage, "", tt.errOut)
		if !strings.Contains(r.errOut, "--help' for usage") {
			t.Errorf("%q: stderr %q lacks the --help hint", tt.args, r.errOut)
		}
		if strings.Count(r.errOut, "aim: ") != 1 {
			t.Errorf("%q: error printed %d times: %q", tt.args, strings.Count(r.errOut, "aim: "), r.errOut)
		}
	}
}

func TestNoArgsPrintsHelp(t *testing.T) {
	t.Parallel()
	isolate(t)
	aim(t, "").want(t, exitOK, "Available Commands:", "")
	aim(t, "", "buddies").want(t, exitOK, "aim buddies add LabBob", "")
}

func TestBuddies(t *testing.T) {
	t.Parallel()
	path := isolate(t)

	// Even an empty list is one result.
	aim(t, "", "buddies", "list").want(t, exitOK, "no buddies yet", "")
	if r := aim(t, "", "buddies", "list", "--json"); !strings.Contains(r.out, `"command":"buddies list","ok":true,"summary":"no buddies yet`) {
		t.Errorf("buddies list --json with no buddies = %q", r.out)
	}

	r := aim(t, "", "buddies", "add", "LabBob", "Lab Carol")
	r.want(t, exitOK, "added LabBob; added Lab Carol\n", "")
	if r.errOut != "" {
		t.Errorf("stderr = %q, want nothing", r.errOut)
	}
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("config file mode = %v, %v; want 0600", fi.Mode(), err)
		}
	}

	// A no-op is a result like the others, in the same words a running
	// session gives.
	r = aim(t, "", "buddies", "add", "labbob", "Boss", "--group", "Work")
	r.want(t, exitOK, "labbob is already a buddy; added Boss\n", "")

	aim(t, "", "buddies", "list").want(t, exitOK, "Buddies (2)\n  LabBob\n  Lab Carol\nWork (1)\n  Boss\n", "")

	r = aim(t, "", "buddies", "list", "--json")
	r.want(t, exitOK, "", "")
	wantJSON := `"command":"buddies list","ok":true,"groups":[{"group":"Buddies","names":["LabBob","Lab Carol"]},{"group":"Work","names":["Boss"]}],` +
		`"summary":"Buddies (2)\n  LabBob\n  Lab Carol\nWork (1)\n  Boss"}` + "\n"
	if !strings.HasPrefix(r.out, `{"type":"result","time":"`) || !strings.HasSuffix(r.out, wantJSON) {
		t.Errorf("buddies list --json =\n%s\nwant\n%s", r.out, wantJSON)
	}

	r = aim(t, "", "buddies", "remove", "x1234", "labcarol")
	r.want(t, exitOK, "x1234 was not a buddy; removed labcarol\n", "")

	r = aim(t, "", "--json", "buddies", "rm", "boss")
	r.want(t, exitOK, `"command":"remove","ok":true,"name":"boss","summary":"removed boss"}`+"\n", "")

	r = aim(t, "", "buddies", "add", "LabDan", "--json")
	r.want(t, exitOK, `"command":"add","ok":true,"name":"LabDan","summary":"added LabDan"}`+"\n", "")

	want := "buddies:\n  - group: Buddies\n    names: [LabBob, LabDan]\n  - group: Work\n    names: []\n"
	if got := readFile(t, path); got != want {
		t.Errorf("config file:\n%s\nwant:\n%s", got, want)
	}
}

func TestBuddiesBadInputLeavesFileAlone(t *testing.T) {
	t.Parallel()
	path := isolate(t)
	const content = "# mine\nbuddies:\n  - group: Buddies\n    names: [LabBob]\n"
	writeFile(t, path, content, 0o600)
	tests := []struct {
		args   []string
		errOut string
	}{
		{[]string{"buddies", "add", "LabCarol", "x!"}, `aim: screen name "x!" has an invalid character '!'`},
		{[]string{"buddies", "add", "LabCarol", ""}, "aim: screen name is empty"},
		{[]string{"buddies", "add", "abcdefghijklmnopq"}, "is longer than 16 characters"},
		{[]string{"buddies", "remove", "LabBob", "no@pe"}, `"no@pe" has an invalid character '@'`},
		{[]string{"buddies", "add", "LabCarol", "--group", " "}, "--group needs a group name"},
	}
	for _, tt := range tests {
		aim(t, "", tt.args...).want(t, exitUsage, "", tt.errOut)
		if got := readFile(t, path); got != content {
			t.Fatalf("%q changed the file to:\n%s", tt.args, got)
		}
	}
}

func TestMalformedConfig(t *testing.T) {
	t.Parallel()
	path := isolate(t)
	const content = "buddies:\n  - group: Buddies\n    names: [LabBob\n"
	writeFile(t, path, content, 0o600)
	for _, args := range [][]string{{"buddies", "add", "LabCarol"}, {"buddies", "list"}, {"config", "show"}, {"set-away", "x"}} {
		aim(t, "", args...).want(t, exitUsage, "", "aim: config file "+path+": ")
	}
	if got := readFile(t, path); got != content {
		t.Errorf("file changed to:\n%s", got)
	}
	// config path still works, to find the file to fix.
	aim(t, "", "config", "path").want(t, exitOK, path+"\n", "")
}

func TestSetProfile(t *testing.T) {
	t.Parallel()
	path := isolate(t)
	profileFile := filepath.Join(t.TempDir(), "profile.html")
	writeFile(t, profileFile, "<b>from a file</b>\n", 0o644)

	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string // the profile stored afterwards
		out   string
	}{
		{"text", "", []string{"set-profile", "Hello <i>there</i>"}, "Hello <i>there</i>", "profile set (18 bytes)"},
		{"words joined", "", []string{"set-profile", "two", "words"}, "two words", "profile set (9 bytes)"},
		{"file", "", []string{"set-profile", "--file", profileFile}, "<b>from a file</b>", "profile set"},
		{"stdin", "line 1\nline 2\n\n", []string{"set-profile", "-"}, "line 1\nline 2", "profile set (13 bytes)"},
		{"file -", "piped\n", []string{"set-profile", "-f", "-"}, "piped", "profile set"},
		{"at the limit", "", []string{"set-profile", strings.Repeat("p", 1024)}, strings.Repeat("p", 1024), "1024 bytes"},
		{"clear", "", []string{"set-profile", "--clear"}, "", "profile cleared"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aim(t, tt.stdin, tt.args...).want(t, exitOK, tt.out, "")
			r := aim(t, "", "config", "show", "--json")
			var got struct {
				Settings struct {
					Profile string `json:"profile"`
				} `json:"settings"`
			}
			if err := json.Unmarshal([]byte(r.out), &got); err != nil {
				t.Fatalf("config show --json = %q: %v", r.out, err)
			}
			if got.Settings.Profile != tt.want {
				t.Errorf("profile = %q, want %q", got.Settings.Profile, tt.want)
			}
		})
	}
	aim(t, "", "set-profile", "--clear").want(t, exitOK, "no profile was set", "")

	// Refusals leave the file alone.
	aim(t, "", "set-profile", "keep me").want(t, exitOK, "profile set", "")
	before := readFile(t, path)
	refusals := []struct {
		name   string
		stdin  string
		args   []string
		errOut string
	}{
		{"too long", "", []string{"set-profile", strings.Repeat("p", 1025)}, "aim: profile is too long: 1025 bytes, the server takes at most 1024"},
		{"too long stdin", strings.Repeat("p", 5000), []string{"set-profile", "-"}, "profile is too long: 5000 bytes"},
		{"nothing", "", []string{"set-profile"}, "give the profile as TEXT"},
		{"two sources", "", []string{"set-profile", "x", "--clear"}, "exactly one"},
		{"empty stdin", "\n", []string{"set-profile", "-"}, "the profile is empty; use --clear"},
		{"missing file", "", []string{"set-profile", "--file", filepath.Join(t.TempDir(), "nope")}, "reading the profile"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			r := aim(t, tt.stdin, tt.args...)
			r.want(t, exitUsage, "", tt.errOut)
			if got := readFile(t, path); got != before {
				t.Errorf("file changed to:\n%s", got)
			}
		})
	}
}

func TestSetAway(t *testing.T) {
	t.Parallel()
	path := isolate(t)
	aim(t, "", "set-away", "At lunch").want(t, exitOK, "away: At lunch", "")
	if got := readFile(t, path); got != "away: At lunch\n" {
		t.Errorf("file = %q", got)
	}
	aim(t, "back at 2\n", "set-away", "-").want(t, exitOK, "away: back at 2", "")
	if got := readFile(t, path); got != "away: back at 2\n" {
		t.Errorf("file = %q", got)
	}
	aim(t, "", "set-away", strings.Repeat("a", 2000)).want(t, exitUsage, "", "away message is too long: 2000 bytes")
	aim(t, "", "set-away", "--clear").want(t, exitOK, "back (away message cleared)", "")
	if got := readFile(t, path); got != "{}\n" && got != "" {
		t.Errorf("file after clear = %q", got)
	}
}

func TestConfigPath(t *testing.T) {
	t.Parallel()
	path := isolate(t)
	aim(t, "", "config", "path").want(t, exitOK, path+"\n", "does not exist yet")

	other := filepath.Join(t.TempDir(), "other.yaml")
	aim(t, "", "--config", other, "config", "path").want(t, exitOK, other+"\n", "")

	setenv(t, "AIM_CONFIG", other)
	r := aim(t, "", "config", "path", "--json")
	r.want(t, exitOK, `"command":"config path","ok":true,"path":"`+other+`"}`, "")

	// --config is where edits go.
	aim(t, "", "--config", other, "buddies", "add", "LabBob").want(t, exitOK, "added LabBob", "")
	if got := readFile(t, other); !strings.Contains(got, "LabBob") {
		t.Errorf("--config file = %q", got)
	}
}

func TestConfigShow(t *testing.T) {
	t.Parallel()
	path := isolate(t)
	writeFile(t, path, "screen_name: LabAlice\nserver: localhost\npassword: hunter2\nbuddies:\n  - group: B\n    names: [LabBob]\n", 0o600)

	r := aim(t, "", "config", "show")
	r.want(t, exitOK, "password: <redacted>\n", "")
	for _, w := range []string{"# " + path, "screen_name: LabAlice\n", "server: localhost:5190\n", "auth: flap\n",
		"buddies:\n  - group: B\n    names:\n      - LabBob\n", "reconnect: true\n"} {
		if !strings.Contains(r.out, w) {
			t.Errorf("config show lacks %q:\n%s", w, r.out)
		}
	}

	setenv(t, "AIM_AUTH", "md5")
	r = aim(t, "", "config", "show", "--json")
	r.want(t, exitOK, `"password":"<redacted>"`, "")
	if !strings.Contains(r.out, `"auth":"md5"`) || !strings.Contains(r.out, `"output":"json"`) {
		t.Errorf("config show --json = %s", r.out)
	}

	for _, out := range []string{r.out, aim(t, "", "config", "show").out, aim(t, "", "--debug", "config", "show").errOut} {
		if strings.Contains(out, "hunter2") {
			t.Errorf("the password leaked: %s", out)
		}
	}

	// No password: no password key.
	writeFile(t, path, "screen_name: LabAlice\n", 0o600)
	if r := aim(t, "", "config", "show"); strings.Contains(r.out, "password:") {
		t.Errorf("config show without a password:\n%s", r.out)
	}
	// The environment's password is redacted too.
	setenv(t, "AIM_PASSWORD", "from-env")
	if r := aim(t, "", "config", "show"); !strings.Contains(r.out, "password: <redacted>") || strings.Contains(r.out, "from-env") {
		t.Errorf("config show with AIM_PASSWORD:\n%s", r.out)
	}
}

func TestConfigShowRefusesOpenPasswordFile(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	path := isolate(t)
	writeFile(t, path, "password: hunter2\n", 0o644)
	r := aim(t, "", "config", "show")
	r.want(t, exitUsage, "", "chmod 600 "+path)
	if strings.Contains(r.out+r.errOut, "hunter2") {
		t.Errorf("the password leaked: %q %q", r.out, r.errOut)
	}
}

func TestBadSettingsAreUsageErrors(t *testing.T) {
	t.Parallel()
	isolate(t)
	setenv(t, "AIM_AUTH", "sha1")
	aim(t, "", "buddies", "list").want(t, exitUsage, "", `aim: auth "sha1" (from AIM_AUTH) is not allowed (want flap or md5)`)
	setenv(t, "AIM_AUTH", "")
	setenv(t, "AIM_OUTPUT", "xml")
	aim(t, "", "config", "show").want(t, exitUsage, "", `output "xml" (from AIM_OUTPUT)`)
}

func TestReadPassword(t *testing.T) {
	t.Parallel()
	streams, in, _, errOut := testIO()
	if streams.IsStdinTTY() || streams.CanPrompt() {
		t.Fatal("testIO stdin should not be a terminal")
	}
	streams.SetStdinTTY(true)
	if !streams.CanPrompt() {
		t.Fatal("SetStdinTTY(true) should allow prompting")
	}
	in.WriteString("s3cret\r\nnext line\n")
	pw, err := streams.ReadPassword(t.Context(), "Password for LabAlice: ")
	if err != nil || pw != "s3cret" {
		t.Errorf("ReadPassword = %q, %v", pw, err)
	}
	if errOut.String() != "Password for LabAlice: " {
		t.Errorf("prompt = %q", errOut.String())
	}
	if _, err := streams.ReadPassword(t.Context(), ""); err != nil {
		t.Errorf("second ReadPassword: %v", err)
	}
	empty := &IOStreams{In: &bytes.Buffer{}, Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}
	if _, err := empty.ReadPassword(t.Context(), "pw: "); err == nil {
		t.Error("ReadPassword at EOF succeeded")
	}
}

// TestSettingsWarningsAndBooleans: an unknown key in the config file is a
// warning on stderr naming the closest known key, and the command goes on;
// every boolean setting takes yes/no, on/off, 1/0 in the environment and
// on the command line.
func TestSettingsWarningsAndBooleans(t *testing.T) {
	t.Parallel()
	path := isolate(t)
	writeFile(t, path, "srever: login.example.com\nscreen_name: LabAlice\n", 0o600)
	r := aim(t, "", "config", "show")
	r.want(t, exitOK, "screen_name: LabAlice\n",
		"aim: warning: config file "+path+`: line 1: unknown key "srever" (did you mean "server"?); ignored`+"\n")
	if strings.Count(r.errOut, "warning") != 1 {
		t.Errorf("warned more than once:\n%s", r.errOut)
	}

	setenv(t, "AIM_TLS", "yes")
	setenv(t, "AIM_RECONNECT", "off")
	aim(t, "", "config", "show").want(t, exitOK, "reconnect: false\ntls: true\n", "")
	setenv(t, "AIM_TLS", "")
	setenv(t, "AIM_RECONNECT", "")

	// The flags parse; what stops the command is the missing server.
	r = aim(t, "", "login", "--tls=yes", "--reconnect=no", "--no-input")
	r.want(t, exitUsage, "", "no server set")
	if strings.Contains(r.errOut, "invalid argument") {
		t.Errorf("--tls=yes refused:\n%s", r.errOut)
	}
	aim(t, "", "login", "--tls=maybe").want(t, exitUsage, "", `invalid argument "maybe" for "--tls" flag`)
}
