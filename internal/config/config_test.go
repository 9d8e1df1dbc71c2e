package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// env returns an Options.Env that sees only vars.
func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

// writeConfig writes a config file with mode perm in a fresh directory.
func writeConfig(t *testing.T, content string, perm os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil { // umask may have trimmed perm
		t.Fatal(err)
	}
	return path
}

// testFlagNames are the flags flags defines, as cmd/aim names them.
var testFlagNames = map[string]string{
	KeyScreenName: "screen-name",
	KeyServer:     "server",
	KeyAuth:       "auth",
	KeyOutput:     "output",
	KeyReconnect:  "reconnect",
	KeyTLS:        "tls",
}

// flags mimics the flags cmd/aim defines that config reads.
func flags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("aim", pflag.ContinueOnError)
	fs.String("server", "", "")
	fs.String("auth", "", "")
	fs.String("screen-name", "", "")
	fs.String("output", "text", "")
	fs.Bool("json", false, "")
	fs.Bool("reconnect", true, "")
	fs.Bool("tls", false, "")
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestLoadMissingFileGivesDefaults(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nope", "config.yaml")
	c, err := Load(Options{Path: path, Env: env(nil)})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := Config{Path: path, Auth: AuthFLAP, Output: OutputText, Reconnect: true}
	if c.Path != want.Path || c.Auth != want.Auth || c.Output != want.Output || c.Reconnect != want.Reconnect ||
		c.TLS || c.Server != "" || c.ScreenName != "" || len(c.Buddies) != 0 || c.HasPassword() {
		t.Errorf("Load = %+v, want defaults %+v", c, want)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load created the file: %v", err)
	}
}

func TestDefaultPathUsesXDGConfigHome(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG_CONFIG_HOME is read on Linux and other Unix systems but macOS")
	}
	dir := t.TempDir()
	got, err := ResolvePath(Options{Env: env(map[string]string{"XDG_CONFIG_HOME": dir})})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "aim", "config.yaml"); got != want {
		t.Errorf("ResolvePath = %q, want %q", got, want)
	}
	got, err = ResolvePath(Options{Env: env(map[string]string{EnvConfig: "/x/aim.yaml"})})
	if err != nil || got != "/x/aim.yaml" {
		t.Errorf("ResolvePath with AIM_CONFIG = %q, %v", got, err)
	}
	// With no XDG_CONFIG_HOME, $HOME/.config; with Env nil, the process's.
	got, err = ResolvePath(Options{Env: env(map[string]string{"HOME": "/home/x"})})
	if err != nil || got != "/home/x/.config/aim/config.yaml" {
		t.Errorf("ResolvePath with HOME = %q, %v", got, err)
	}
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv(EnvConfig, "")
	got, err = ResolvePath(Options{})
	if want := filepath.Join(dir, "aim", "config.yaml"); err != nil || got != want {
		t.Errorf("ResolvePath from the process = %q, %v; want %q", got, err, want)
	}
	got, err = ResolvePath(Options{Path: "/y/aim.yaml", Env: env(map[string]string{EnvConfig: "/x/aim.yaml"})})
	if err != nil || got != "/y/aim.yaml" {
		t.Errorf("ResolvePath with --config and AIM_CONFIG = %q, %v", got, err)
	}
}

func TestPrecedence(t *testing.T) {
	t.Parallel()
	const file = "server: file.example:1\nauth: md5\nscreen_name: FileName\nreconnect: false\ntls: true\noutput: json\n"
	tests := []struct {
		name      string
		file      string
		env       map[string]string
		args      []string
		server    string
		auth      string
		sn        string
		output    string
		reconnect bool
		tls       bool
	}{
		{"defaults", "", nil, nil, "", AuthFLAP, "", OutputText, true, false},
		{"file over default", file, nil, nil, "file.example:1", AuthMD5, "FileName", OutputJSON, false, true},
		{"env over file", file,
			map[string]string{"AIM_SERVER": "env.example:2", "AIM_AUTH": "flap", "AIM_SCREEN_NAME": "EnvName",
				"AIM_RECONNECT": "true", "AIM_TLS": "false", "AIM_OUTPUT": "text"},
			nil, "env.example:2", AuthFLAP, "EnvName", OutputText, true, false},
		{"empty env is unset", file, map[string]string{"AIM_SERVER": "", "AIM_AUTH": ""},
			nil, "file.example:1", AuthMD5, "FileName", OutputJSON, false, true},
		{"flag over env", file,
			map[string]string{"AIM_SERVER": "env.example:2", "AIM_AUTH": "flap", "AIM_OUTPUT": "text", "AIM_TLS": "false"},
			[]string{"--server", "flag.example:3", "--auth", "md5", "--json", "--tls", "--screen-name", "Flag Name"},
			"flag.example:3", AuthMD5, "Flag Name", OutputJSON, false, true},
		{"unchanged flag does not override", file, nil, []string{},
			"file.example:1", AuthMD5, "FileName", OutputJSON, false, true},
		{"--output beats --json", "", nil, []string{"--json", "--output", "text"},
			"", AuthFLAP, "", OutputText, true, false},
		{"host without port", "server: localhost\n", nil, nil, "localhost:5190", AuthFLAP, "", OutputText, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.file, 0o600)
			opts := Options{Path: path, Env: env(tt.env)}
			if tt.args != nil {
				opts.Flags, opts.FlagNames, opts.JSONFlag = flags(t, tt.args...), testFlagNames, "json"
			}
			c, err := Load(opts)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c.Server != tt.server || c.Auth != tt.auth || c.ScreenName != tt.sn || c.Output != tt.output ||
				c.Reconnect != tt.reconnect || c.TLS != tt.tls {
				t.Errorf("got server=%q auth=%q sn=%q output=%q reconnect=%v tls=%v\nwant server=%q auth=%q sn=%q output=%q reconnect=%v tls=%v",
					c.Server, c.Auth, c.ScreenName, c.Output, c.Reconnect, c.TLS,
					tt.server, tt.auth, tt.sn, tt.output, tt.reconnect, tt.tls)
			}
		})
	}
}

func TestLoadBadValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		file  string
		env   map[string]string
		args  []string
		wants []string // substrings of the error
	}{
		{"auth in file", "auth: sha1\n", nil, nil, []string{`auth "sha1"`, "config.yaml", "want flap or md5"}},
		{"auth in env", "", map[string]string{"AIM_AUTH": "sha1"}, nil, []string{`auth "sha1" (from AIM_AUTH)`, "want flap or md5"}},
		{"auth flag", "", nil, []string{"--auth", "plain"}, []string{`auth "plain" (from --auth)`}},
		{"output", "output: xml\n", nil, nil, []string{`output "xml"`, "want text or json"}},
		{"screen name", "screen_name: x!\n", nil, nil, []string{"screen_name", `"x!" has an invalid character '!'`}},
		{"server port", "", map[string]string{"AIM_SERVER": "host:99999"}, nil, []string{`server "host:99999" (from AIM_SERVER)`, "invalid port"}},
		{"server empty host", "server: ':5190'\n", nil, nil, []string{"has no host name"}},
		{"env bool", "", map[string]string{"AIM_TLS": "maybe"}, nil, []string{`tls "maybe" (from AIM_TLS) is not a boolean`}},
		{"file bool", "\nreconnect: maybe\n", nil, nil, []string{"config.yaml", "line 2", "maybe", "bool"}},
		{"buddy name", "buddies:\n  - group: B\n    names: [ok1, 'bad!']\n", nil, nil, []string{"buddies", `group "B"`, `"bad!" has an invalid character '!'`}},
		{"buddy group", "buddies:\n  - names: [bob]\n", nil, nil, []string{"group 1 has no name"}},
		{"buddies shape", "buddies: [a, b]\n", nil, nil, []string{"config.yaml", "line 1", `buddies: entry 1 must be a group ("group: NAME" with "names: [NAME, ...]"), not the single value "a"`}},
		{"buddies a string", "\nbuddies: LabBob\n", nil, nil, []string{"line 2: buddies must be a list of groups", `not the single value "LabBob"`}},
		{"names a string", "buddies:\n  - group: Work\n    names: LabBob\n", nil, nil, []string{"line 3", `buddies group "Work": names must be a list of screen names, like [LabBob, "Lab Carol"], not the single value "LabBob"`}},
		{"names nested", "buddies:\n  - group: Work\n    names: [[a]]\n", nil, nil, []string{"line 3", "names must be a list of screen names, and this one is a list"}},
		{"server a list", "server: [a, b]\n", nil, nil, []string{"line 1", `server must be "host:port", not a list`}},
		{"profile a mapping", "profile:\n  text: hi\n", nil, nil, []string{"line 2", "profile must be HTML text, not a mapping"}},
		{"file bool list", "tls: [yes]\n", nil, nil, []string{"line 1", "tls must be true or false, not a list"}},
		{"top level list", "- a\n- b\n", nil, nil, []string{"config.yaml", "line 1", "must be a mapping"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.file, 0o600)
			opts := Options{Path: path, Env: env(tt.env)}
			if tt.args != nil {
				opts.Flags, opts.FlagNames, opts.JSONFlag = flags(t, tt.args...), testFlagNames, "json"
			}
			_, err := Load(opts)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadMalformedYAML(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "screen_name: LabAlice\nbuddies: [\n  - oops\n", 0o600)
	_, err := Load(Options{Path: path, Env: env(nil)})
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("Load error = %v (%T), want *FileError", err, err)
	}
	if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "line ") {
		t.Errorf("error %q should name the file and the line", msg)
	}
}

func TestLoadUnreadable(t *testing.T) {
	t.Parallel()
	t.Run("directory", func(t *testing.T) {
		dir := t.TempDir()
		_, err := Load(Options{Path: dir, Env: env(nil)})
		if err == nil || !strings.Contains(err.Error(), dir) {
			t.Errorf("Load(directory) = %v, want an error naming %s", err, dir)
		}
	})
	t.Run("mode 000", func(t *testing.T) {
		if os.Geteuid() == 0 || runtime.GOOS == "windows" {
			t.Skip("root reads any file")
		}
		path := writeConfig(t, "server: a:1\n", 0o000)
		_, err := Load(Options{Path: path, Env: env(nil)})
		if !errors.Is(err, os.ErrPermission) || !strings.Contains(err.Error(), path) {
			t.Errorf("Load = %v, want a permission error naming the file", err)
		}
	})
}

func TestLoadEmptyAndCommentOnlyFiles(t *testing.T) {
	t.Parallel()
	for _, content := range []string{"", "\n", "# nothing yet\n", "---\n", "~\n"} {
		path := writeConfig(t, content, 0o600)
		c, err := Load(Options{Path: path, Env: env(nil)})
		if err != nil {
			t.Errorf("Load(%q): %v", content, err)
			continue
		}
		if c.Auth != AuthFLAP || !c.Reconnect {
			t.Errorf("Load(%q) = %+v, want defaults", content, c)
		}
	}
}

func TestFilePasswordPermission(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	tests := []struct {
		perm    os.FileMode
		content string
		ok      bool
	}{
		{0o600, "password: hunter2\n", true},
		{0o400, "password: hunter2\n", true},
		{0o644, "password: hunter2\n", false},
		{0o640, "password: hunter2\n", false},
		{0o602, "password: hunter2\n", false},
		{0o644, "server: a:1\n", true}, // no password, no check
		{0o644, "password: ''\n", true},
	}
	for _, tt := range tests {
		path := writeConfig(t, tt.content, tt.perm)
		c, err := Load(Options{Path: path, Env: env(nil)})
		if tt.ok {
			if err != nil {
				t.Errorf("mode %04o %q: Load: %v", tt.perm, tt.content, err)
			}
			continue
		}
		var pe *PermissionError
		if !errors.As(err, &pe) {
			t.Fatalf("mode %04o: Load = %v, %v; want *PermissionError", tt.perm, c, err)
		}
		msg := err.Error()
		for _, w := range []string{path, "chmod 600", fmt.Sprintf("mode %04o", tt.perm)} {
			if !strings.Contains(msg, w) {
				t.Errorf("error %q does not contain %q", msg, w)
			}
		}
		if strings.Contains(msg, "hunter2") {
			t.Errorf("error %q reveals the password", msg)
		}
	}
}

func TestRequireSettings(t *testing.T) {
	t.Parallel()
	c, err := Load(Options{Path: filepath.Join(t.TempDir(), "c.yaml"), Env: env(nil), FlagNames: testFlagNames})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.RequireServer()
	var me *MissingSettingError
	if !errors.As(err, &me) {
		t.Fatalf("RequireServer = %v, want *MissingSettingError", err)
	}
	for _, w := range []string{"--server HOST:PORT", "AIM_SERVER", `"server: HOST:PORT"`, c.Path} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	if _, err := c.RequireScreenName(); err == nil || !strings.Contains(err.Error(), "AIM_SCREEN_NAME") {
		t.Errorf("RequireScreenName = %v", err)
	}
	// Without a flag for the setting, the error names the other ways.
	bare, err := Load(Options{Path: filepath.Join(t.TempDir(), "c.yaml"), Env: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bare.RequireServer(); err == nil || strings.Contains(err.Error(), "--") || !strings.Contains(err.Error(), "set AIM_SERVER, or add") {
		t.Errorf("RequireServer without flags = %v", err)
	}
	c.Server, c.ScreenName = "a:1", "LabAlice"
	if s, err := c.RequireServer(); s != "a:1" || err != nil {
		t.Errorf("RequireServer = %q, %v", s, err)
	}
	if s, err := c.RequireScreenName(); s != "LabAlice" || err != nil {
		t.Errorf("RequireScreenName = %q, %v", s, err)
	}
}

func TestPasswordCommandFromWritableFile(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("permission bits do not describe Windows ACLs")
	}
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("password_command: echo pw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o620); err != nil { // group may write
		t.Fatal(err)
	}
	_, err := Load(Options{Path: path, Env: noEnv})
	var pe *PermissionError
	if !errors.As(err, &pe) || !pe.Command || !strings.Contains(err.Error(), "chmod go-w") {
		t.Fatalf("Load = %v, want a PermissionError about password_command", err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // readable is fine: a command is not a secret
		t.Fatal(err)
	}
	if _, err := Load(Options{Path: path, Env: noEnv}); err != nil {
		t.Fatalf("Load of a 0644 file with password_command: %v", err)
	}
}

func TestUnreadableConfigIsAFileError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := Load(Options{Path: dir, Env: noEnv}) // a directory
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("Load of a directory = %v, want a FileError", err)
	}
}

// TestHistorySettings: history is on and keeps everything by default; the
// file and AIM_HISTORY, AIM_HISTORY_DAYS set it; a bad number of days
// names the key and where it came from.
func TestHistorySettings(t *testing.T) {
	t.Parallel()
	c, err := Load(Options{Path: filepath.Join(t.TempDir(), "none.yaml"), Env: env(nil)})
	if err != nil || !c.History || c.HistoryDays != 0 {
		t.Fatalf("defaults: %+v, %v; want history on, 0 days", c, err)
	}
	path := writeConfig(t, "history: no\nhistory_days: 30\n", 0o600)
	if c, err = Load(Options{Path: path, Env: env(nil)}); err != nil || c.History || c.HistoryDays != 30 {
		t.Errorf("from the file: history %v, days %d, %v", c.History, c.HistoryDays, err)
	}
	if c, err = Load(Options{Path: path, Env: env(map[string]string{"AIM_HISTORY": "on", "AIM_HISTORY_DAYS": "7"})}); err != nil || !c.History || c.HistoryDays != 7 {
		t.Errorf("from the environment: history %v, days %d, %v", c.History, c.HistoryDays, err)
	}
	for _, bad := range []map[string]string{{"AIM_HISTORY_DAYS": "-1"}, {"AIM_HISTORY_DAYS": "a week"}, {"AIM_HISTORY": "sometimes"}} {
		_, err := Load(Options{Path: path, Env: env(bad)})
		var se *SettingError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), "AIM_HISTORY") {
			t.Errorf("%v: %v, want a SettingError naming the variable", bad, err)
		}
	}
	if _, err := Load(Options{Path: writeConfig(t, "history_days: [1]\n", 0o600), Env: env(nil)}); err == nil || !strings.Contains(err.Error(), "history_days") {
		t.Errorf("history_days as a list: %v", err)
	}
}

// TestTypingSetting: typing_notifications is on by default; the file
// and AIM_TYPING_NOTIFICATIONS turn it off or on, the variable winning.
func TestTypingSetting(t *testing.T) {
	t.Parallel()
	c, err := Load(Options{Path: filepath.Join(t.TempDir(), "none.yaml"), Env: env(nil)})
	if err != nil || !c.Typing {
		t.Fatalf("default: %v, %v; want on", c.Typing, err)
	}
	path := writeConfig(t, "typing_notifications: off\n", 0o600)
	if c, err = Load(Options{Path: path, Env: env(nil)}); err != nil || c.Typing {
		t.Errorf("from the file: %v, %v; want off", c.Typing, err)
	}
	if c, err = Load(Options{Path: path, Env: env(map[string]string{"AIM_TYPING_NOTIFICATIONS": "yes"})}); err != nil || !c.Typing {
		t.Errorf("from the environment: %v, %v; want on", c.Typing, err)
	}
	if v := c.Values(); !slices.ContainsFunc(v, func(v Value) bool { return v.Key == KeyTyping && v.Value == true }) {
		t.Errorf("config show misses typing_notifications: %v", v)
	}
}

// TestIdleMinutesSetting: 10 by default, 0 allowed (never), a negative
// or non-number value refused naming the key.
func TestIdleMinutesSetting(t *testing.T) {
	t.Parallel()
	c, err := Load(Options{Path: filepath.Join(t.TempDir(), "none.yaml"), Env: env(nil)})
	if err != nil || c.IdleMinutes != 10 {
		t.Fatalf("default: %v, %v; want 10", c.IdleMinutes, err)
	}
	path := writeConfig(t, "idle_minutes: 0\n", 0o600)
	if c, err = Load(Options{Path: path, Env: env(nil)}); err != nil || c.IdleMinutes != 0 {
		t.Errorf("from the file: %v, %v; want 0", c.IdleMinutes, err)
	}
	if c, err = Load(Options{Path: path, Env: env(map[string]string{"AIM_IDLE_MINUTES": "30"})}); err != nil || c.IdleMinutes != 30 {
		t.Errorf("from the environment: %v, %v; want 30", c.IdleMinutes, err)
	}
	for _, bad := range []string{"-1", "soon"} {
		_, err = Load(Options{Path: path, Env: env(map[string]string{"AIM_IDLE_MINUTES": bad})})
		if se := (*SettingError)(nil); !errors.As(err, &se) || !strings.Contains(err.Error(), "AIM_IDLE_MINUTES") {
			t.Errorf("AIM_IDLE_MINUTES=%s: %v, want a SettingError naming it", bad, err)
		}
	}
}

// TestOfflineIMsSetting: on by default; the file and AIM_OFFLINE_IMS turn
// it off or on, the variable winning; a value that is not a boolean names
// the key.
func TestOfflineIMsSetting(t *testing.T) {
	t.Parallel()
	c, err := Load(Options{Path: filepath.Join(t.TempDir(), "none.yaml"), Env: env(nil)})
	if err != nil || !c.OfflineIMs {
		t.Fatalf("default: %v, %v; want on", c.OfflineIMs, err)
	}
	path := writeConfig(t, "offline_ims: no\n", 0o600)
	if c, err = Load(Options{Path: path, Env: env(nil)}); err != nil || c.OfflineIMs {
		t.Errorf("from the file: %v, %v; want off", c.OfflineIMs, err)
	}
	if c, err = Load(Options{Path: path, Env: env(map[string]string{"AIM_OFFLINE_IMS": "true"})}); err != nil || !c.OfflineIMs {
		t.Errorf("from the environment: %v, %v; want on", c.OfflineIMs, err)
	}
	_, err = Load(Options{Path: path, Env: env(map[string]string{"AIM_OFFLINE_IMS": "maybe"})})
	if se := (*SettingError)(nil); !errors.As(err, &se) || !strings.Contains(err.Error(), "AIM_OFFLINE_IMS") {
		t.Errorf("a bad variable: %v, want a SettingError naming it", err)
	}
	if _, err := Load(Options{Path: writeConfig(t, "offline_ims: [1]\n", 0o600), Env: env(nil)}); err == nil || !strings.Contains(err.Error(), "offline_ims") {
		t.Errorf("offline_ims as a list: %v", err)
	}
}

// TestSameServer: the addresses a running session and a command are
// matched by (runner): case, a missing default port and the spelling of
// an IP address do not make two servers; another port or host does.
func TestSameServer(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"Host:5190", "host:5190", true},
		{"host", "host:5190", true},
		{"host.", "HOST:5190", true},
		{"127.0.0.1:5190", "127.0.0.1:05190", true},
		{"[::1]:5190", "[0:0:0:0:0:0:0:1]:5190", true},
		{"[::ffff:127.0.0.1]:5190", "127.0.0.1:5190", true},
		{"127.0.0.1:5190", "127.0.0.1:5390", false},
		{"host:5190", "host2:5190", false},
		{"localhost:5190", "127.0.0.1:5190", false},
		{"host", "host:5191", false},
		{"127.0.0.1:5190", "host:5190", false},
	} {
		if got := SameServer(c.a, c.b); got != c.same {
			t.Errorf("SameServer(%q, %q) = %v, want %v", c.a, c.b, got, c.same)
		}
		if got := SameServer(c.b, c.a); got != c.same {
			t.Errorf("SameServer(%q, %q) = %v, want %v", c.b, c.a, got, c.same)
		}
	}
}

// TestLoadNotUTF8: a file saved as UTF-16 (with its byte-order mark), or
// holding bytes that are not UTF-8 (in a comment, which the YAML parser
// passes through and its encoder then panics on), is refused with words
// that say what to do, and an edit of it fails the same way instead of
// crashing aim.
func TestLoadNotUTF8(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, content, want string }{
		{"UTF-16 BE", "\xfe\xff\x00s\x00:\x00 \x00x\x00\n", "UTF-16"},
		{"UTF-16 LE", "\xff\xfes\x00:\x00 \x00x\x00\n\x00", "UTF-16"},
		{"UTF-16 mark alone", "\xfe\xff", "UTF-16"},
		{"Latin-1 comment", "# caf\xe9\nserver: a:1\n", "not UTF-8"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.content, 0o600)
			_, err := Load(Options{Path: path, Env: env(nil)})
			var fe *FileError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "save it as UTF-8") {
				t.Fatalf("Load = %v, want a *FileError saying %q", err, tt.want)
			}
			c := &Config{Path: path}
			if _, _, err := c.AddBuddies([]string{"LabBob"}, ""); !errors.As(err, &fe) {
				t.Errorf("AddBuddies = %v, want the *FileError", err)
			}
			if got, _ := os.ReadFile(path); string(got) != tt.content {
				t.Errorf("the file was changed: %q", got)
			}
		})
	}
}

// TestEncodeRefusesWhatTheEncoderCannotWrite: a tree the YAML encoder
// panics on (a comment that is not UTF-8) is an error from encode, never
// a panic.
func TestEncodeRefusesWhatTheEncoderCannotWrite(t *testing.T) {
	t.Parallel()
	d := &document{path: "config.yaml", root: emptyDocument(), text: newLayout(nil)}
	d.top().HeadComment = "\xfe\xff"
	d.text.ok = false // written afresh by the encoder, not in place
	if out, err := d.encode(); err == nil {
		t.Fatalf("encode = %q, nil; want an error", out)
	}
}
