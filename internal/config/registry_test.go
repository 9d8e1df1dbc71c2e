package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// sample is a valid value of each setting, as a person would write it.
var sample = map[string]string{
	KeyScreenName: "LabBob", KeyServer: "example.net:5190", KeyAuth: "md5", KeyPasswordCommand: "pass aim",
	KeyPassword: "pw", KeyProfile: "hello", KeyAway: "out", KeyOutput: "json", KeyColor: "always", KeyReconnect: "no",
	KeyTLS: "yes", KeyHTML: "on", KeyHistory: "off", KeyHistoryDays: "30", KeyOfflineIMs: "no", KeyTyping: "off", KeyIdleMinutes: "5",
	KeyPrivacy: PrivacyBlockDeny,
}

// Every key of the registry appears everywhere it must: in help, in
// config show, in the file's decoded settings, and, for a layered one,
// through its variable and its flag.
func TestEveryKeyAppearsEverywhere(t *testing.T) {
	t.Parallel()
	help := Help()
	path := writeConfig(t, "password: pw\n", 0o600)
	c := load(t, path)
	shown := map[string]bool{}
	for _, v := range c.Values() {
		shown[v.Key] = true
	}
	tags := map[string]bool{}
	ft := reflect.TypeOf(fileSettings{})
	for i := range ft.NumField() {
		tags[ft.Field(i).Tag.Get("yaml")] = true
	}
	flagNames := FlagNames()
	for _, s := range Settings {
		if !strings.Contains(help, "  "+s.Key) || (s.Env != "" && !strings.Contains(help, s.Env)) ||
			(s.Flag != "" && !strings.Contains(help, "--"+s.Flag)) {
			t.Errorf("%s: not (fully) in aim config --help:\n%s", s.Key, help)
		}
		if !shown[s.Key] {
			t.Errorf("%s: not in config show", s.Key)
		}
		if !tags[s.Key] {
			t.Errorf("%s: not read from the file", s.Key)
		}
		if s.Help == "" || s.Shape == "" {
			t.Errorf("%s: no help or shape", s.Key)
		}
		if !s.Layered {
			continue
		}
		if s.Env == "" {
			t.Errorf("%s: layered without a variable", s.Key)
		}
		val, ok := sample[s.Key]
		if !ok {
			t.Fatalf("%s: no sample value", s.Key)
		}
		byEnv, err := Load(Options{Path: path, Env: env(map[string]string{s.Env: val})})
		if err != nil {
			t.Fatalf("%s=%s: %v", s.Env, val, err)
		}
		if valueOf(byEnv, s.Key) == valueOf(c, s.Key) {
			t.Errorf("%s=%s changed nothing", s.Env, val)
		}
		if s.Flag == "" {
			continue
		}
		if flagNames[s.Key] != s.Flag {
			t.Errorf("%s: FlagNames has %q, want %q", s.Key, flagNames[s.Key], s.Flag)
		}
		fs := pflag.NewFlagSet("aim", pflag.ContinueOnError)
		AddFlag(fs, s.Key, "")
		if err := fs.Parse([]string{"--" + s.Flag + "=" + val}); err != nil {
			t.Fatalf("--%s=%s: %v", s.Flag, val, err)
		}
		byFlag, err := Load(Options{Path: path, Env: env(nil), Flags: fs, FlagNames: flagNames})
		if err != nil {
			t.Fatalf("--%s=%s: %v", s.Flag, val, err)
		}
		if valueOf(byFlag, s.Key) != valueOf(byEnv, s.Key) {
			t.Errorf("--%s=%s gives %v, %s=%s gives %v", s.Flag, val, valueOf(byFlag, s.Key), s.Env, val, valueOf(byEnv, s.Key))
		}
	}
	if len(c.Values()) != len(Settings) {
		t.Errorf("config show has %d values, the registry %d settings", len(c.Values()), len(Settings))
	}
}

func valueOf(c *Config, key string) string {
	for _, v := range c.Values() {
		if v.Key == key {
			return fmt.Sprint(v.Value)
		}
	}
	return "<none>"
}

// A boolean flag takes every spelling the file and the variables take.
func TestBoolFlagsTakeTheFilesSpellings(t *testing.T) {
	t.Parallel()
	for _, s := range Settings {
		if s.Kind != KindBool || s.Flag == "" {
			continue
		}
		for _, spelling := range []string{"yes", "no", "on", "off", "1", "0", "true", "false", "Y", "n"} {
			want, _ := ParseBool(spelling)
			fs := pflag.NewFlagSet("aim", pflag.ContinueOnError)
			AddFlag(fs, s.Key, "")
			if err := fs.Parse([]string{"--" + s.Flag + "=" + spelling}); err != nil {
				t.Fatalf("--%s=%s: %v", s.Flag, spelling, err)
			}
			if got := fs.Lookup(s.Flag).Value.String(); got != fmt.Sprint(want) {
				t.Errorf("--%s=%s = %s, want %v", s.Flag, spelling, got, want)
			}
		}
		fs := pflag.NewFlagSet("aim", pflag.ContinueOnError)
		AddFlag(fs, s.Key, "")
		if err := fs.Parse([]string{"--" + s.Flag}); err != nil || fs.Lookup(s.Flag).Value.String() != "true" {
			t.Errorf("--%s alone: %v, %s", s.Flag, err, fs.Lookup(s.Flag).Value)
		}
	}
}

// config set and unset edit one line and keep the rest of the file.
func TestSetKeyKeepsTheLayout(t *testing.T) {
	t.Parallel()
	const before = "# mine\nserver:   old.example:5190   # the lab\n\nbuddies:\n  - group: Buddies\n    names: [LabBob]\n"
	path := writeConfig(t, before, 0o600)
	c := load(t, path)
	if err := c.SetKey(KeyServer, "new.example:5190"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetKey(KeyScreenName, "Lab Alice"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetKey(KeyTLS, "yes"); err != nil {
		t.Fatal(err)
	}
	got := readFile(t, path)
	for _, want := range []string{"# mine\n", "# the lab", "names: [LabBob]", "new.example:5190", "screen_name: Lab Alice", "tls: yes"} {
		if !strings.Contains(got, want) {
			t.Errorf("after set, the file lacks %q:\n%s", want, got)
		}
	}
	c = load(t, path)
	if c.Server != "new.example:5190" || c.ScreenName != "Lab Alice" || !c.TLS {
		t.Errorf("loaded %q %q %v", c.Server, c.ScreenName, c.TLS)
	}
	for _, key := range []string{KeyTLS, KeyScreenName} {
		if err := c.UnsetKey(key); err != nil {
			t.Fatal(err)
		}
	}
	got = readFile(t, path)
	if strings.Contains(got, "tls") || strings.Contains(got, "screen_name") || !strings.Contains(got, "# the lab") {
		t.Errorf("after unset:\n%s", got)
	}
}

func TestSetKeyRefuses(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "server: a.example:5190\n", 0o600)
	c := load(t, path)
	for _, tt := range []struct{ key, value, says string }{
		{"sever", "x", `did you mean "server"`},
		{KeyPassword, "hunter2", "never taken from the command line"},
		{KeyBuddies, "LabBob", "aim buddies add"},
		{KeyBlocked, "LabBob", "aim block"},
		{KeyTLS, "maybe", "not a boolean"},
		{KeyAuth, "plain", "not allowed"},
		{KeyServer, "a:b:c", "host:port"},
		{KeyScreenName, "x!", "invalid character"},
		{KeyHistoryDays, "-1", "number of days"},
		{KeyPrivacy, "everyone", "allow-all"},
		{KeyServer, "", "is empty: to remove it from the file, aim config unset server"},
		{KeyReconnect, " ", "aim config unset reconnect"},
	} {
		err := c.SetKey(tt.key, tt.value)
		if err == nil || !strings.Contains(err.Error(), tt.says) || !errors.Is(err, ErrSettings) {
			t.Errorf("SetKey(%q, %q) = %v; want a settings error saying %q", tt.key, tt.value, err, tt.says)
		}
		if tt.key == KeyScreenName && strings.Contains(fmt.Sprint(err), KeyBuddies) { // it named the buddy list
			t.Errorf("SetKey(%q, %q) = %v: names another setting", tt.key, tt.value, err)
		}
		if strings.Contains(fmt.Sprint(err), "hunter2") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
	if got := readFile(t, path); got != "server: a.example:5190\n" {
		t.Errorf("a refused set changed the file:\n%s", got)
	}
}
