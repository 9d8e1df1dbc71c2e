package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/aim-oscar/aim/internal/screenname"
)

// Kind is the kind of value a setting holds.
type Kind int

const (
	KindString  Kind = iota // one line of text
	KindBool                // any spelling ParseBool takes
	KindInt                 // a whole number
	KindText                // text that may span lines (profile, away)
	KindNames               // a list of screen names
	KindBuddies             // the grouped buddy list
)

// Setting is one key of the settings: the registry below is the one place
// that says which keys exist, where each may come from, what it holds and
// how it is explained. Load, the flags cmd/aim defines, the environment,
// `aim config --help`, `aim config show` and `aim config set` all read it.
type Setting struct {
	Key     string // in the file: "screen_name"
	Env     string // the environment variable, or "" for none
	Flag    string // the flag that sets it, or "" for none
	Kind    Kind
	Default string // as shown in help; "" for empty
	Shape   string // what a value must look like, for errors and help
	Arg     string // the flag's value in help: "HOST:PORT"
	Help    string // one line, plain words
	Secret  bool   // never shown, never taken from the command line
	// Layered settings come from a flag, the environment, the file or the
	// default, the first that sets them; the others are the file's only
	// (the password has a variable of its own, read by Password).
	Layered bool
	// Command is the command that edits a list setting, for config set.
	Command string
}

// Settings is the registry, in the file's order.
var Settings = []Setting{
	{Key: KeyScreenName, Env: "AIM_SCREEN_NAME", Flag: "screen-name", Kind: KindString, Layered: true, Arg: "NAME",
		Shape: "a screen name", Help: "the screen name to sign on as"},
	{Key: KeyServer, Env: "AIM_SERVER", Flag: "server", Kind: KindString, Layered: true, Arg: "HOST:PORT",
		Shape: `"host:port"`, Help: "the authorizer to sign on at (port 5190 if none is given)"},
	{Key: KeyAuth, Env: "AIM_AUTH", Flag: "auth", Kind: KindString, Layered: true, Default: AuthFLAP, Arg: AuthFLAP + "|" + AuthMD5,
		Shape: AuthFLAP + " or " + AuthMD5, Help: "the login method: flap (the original) or md5"},
	{Key: KeyPasswordCommand, Env: "AIM_PASSWORD_COMMAND", Flag: "password-command", Kind: KindString, Layered: true, Arg: "COMMAND",
		Shape: "a shell command", Help: "a shell command whose first output line is the password"},
	{Key: KeyPassword, Env: EnvPassword, Kind: KindString, Secret: true,
		Shape: "text", Help: "the password (in the file only when it is mode 0600; never a flag)"},
	{Key: KeyBuddies, Kind: KindBuddies, Command: "aim buddies add/remove/move",
		Shape: buddiesShape, Help: "the buddy list, in groups"},
	{Key: KeyProfile, Kind: KindText, Shape: "HTML text", Help: "the profile others see with info"},
	{Key: KeyAway, Kind: KindText, Shape: "HTML text", Help: "the away message; empty is not away"},
	{Key: KeyOutput, Env: "AIM_OUTPUT", Kind: KindString, Layered: true, Default: OutputText,
		Shape: OutputText + " or " + OutputJSON, Help: "text for people, or json: one object per line (--json on any command)"},
	{Key: KeyColor, Env: "AIM_COLOR", Flag: "color", Kind: KindString, Layered: true, Default: ColorAuto, Arg: ColorNever + "|" + ColorAuto + "|" + ColorAlways,
		Shape: ColorNever + ", " + ColorAuto + " or " + ColorAlways, Help: "colour names and kinds of events: auto when standard output is a terminal and NO_COLOR is unset (JSON never)"},
	{Key: KeyReconnect, Env: "AIM_RECONNECT", Flag: "reconnect", Kind: KindBool, Layered: true, Default: "true",
		Shape: "true or false", Help: "after a lost connection, sign on again with backoff"},
	{Key: KeyTLS, Env: "AIM_TLS", Flag: "tls", Kind: KindBool, Layered: true, Default: "false",
		Shape: "true or false", Help: "connect over TLS, checking the server's certificate"},
	{Key: KeyHTML, Env: "AIM_HTML", Flag: "html", Kind: KindBool, Layered: true, Default: "false",
		Shape: "true or false", Help: "messages you type are HTML, sent as they are (otherwise text, sent as typed)"},
	{Key: KeyHistory, Env: "AIM_HISTORY", Kind: KindBool, Layered: true, Default: "true",
		Shape: "true or false", Help: "record conversations (docs/history.md)"},
	{Key: KeyHistoryDays, Env: "AIM_HISTORY_DAYS", Kind: KindInt, Layered: true, Default: "0",
		Shape: "a number of days", Help: "how many days of history are kept; 0 keeps all"},
	{Key: KeyOfflineIMs, Env: "AIM_OFFLINE_IMS", Kind: KindBool, Layered: true, Default: "true",
		Shape: "true or false", Help: "let the server keep IMs sent to you while you are offline, where it can (false: it refuses them)"},
	{Key: KeyTyping, Env: "AIM_TYPING_NOTIFICATIONS", Kind: KindBool, Layered: true, Default: "true",
		Shape: "true or false", Help: "tell the people you write to when you are typing (aim tui; never someone you blocked)"},
	{Key: KeyIdleMinutes, Env: "AIM_IDLE_MINUTES", Kind: KindInt, Layered: true, Default: "10",
		Shape: "a number of minutes", Help: "after this many minutes with no key pressed in aim tui and no command run, others see you idle; 0 never"},
	{Key: KeyBlocked, Kind: KindNames, Command: "aim block/unblock",
		Shape: "a list of screen names", Help: "who may not see you or write to you"},
	{Key: KeyAllowed, Kind: KindNames, Command: "aim allow/disallow",
		Shape: "a list of screen names", Help: "who may see you under privacy allow-permit"},
	{Key: KeyPrivacy, Kind: KindString, Shape: strings.Join(PrivacyModes, ", "),
		Help: "who may see you online; empty keeps the server's"},
	{Key: KeyQuiet, Kind: KindNames, Command: "aim notify NAME on|off (/notify in aim tui)",
		Shape: "a list of screen names and room names", Help: "buddies and rooms whose messages ring no bell and send no desktop notification in aim tui (the window is still marked)"},
}

// Lookup returns the setting of key.
func Lookup(key string) (Setting, bool) {
	for _, s := range Settings {
		if s.Key == key {
			return s, true
		}
	}
	return Setting{}, false
}

// Keys lists the keys of the registry, in its order.
func Keys() []string {
	keys := make([]string, len(Settings))
	for i, s := range Settings {
		keys[i] = s.Key
	}
	return keys
}

// FlagNames maps each layered key that has a flag to the flag's name, for
// Options.FlagNames.
func FlagNames() map[string]string {
	m := map[string]string{}
	for _, s := range Settings {
		if s.Flag != "" && s.Layered {
			m[s.Key] = s.Flag
		}
	}
	return m
}

// AddFlag defines on fs the flag of the setting key, with usage as its
// help (the registry's when empty). A boolean takes every spelling the
// file does (--tls, --tls=yes, --tls=off); a flag left unset leaves the
// setting to the environment, the file or the default.
func AddFlag(fs *pflag.FlagSet, key, usage string) {
	s, ok := Lookup(key)
	if !ok || s.Flag == "" {
		panic("config: no flag for setting " + key) // a programming error in cmd/aim
	}
	if usage == "" {
		var where []string
		if s.Env != "" {
			where = append(where, "or "+s.Env+", "+s.Key+" in the config file")
		}
		usage = s.Help
		if len(where) > 0 {
			usage += " (" + strings.Join(where, "; ") + ")"
		}
	}
	switch s.Kind {
	case KindBool:
		def, _ := ParseBool(s.Default)
		BoolFlag(fs, s.Flag, def, usage)
	default:
		// The value's name in help is the type's (argString), not a
		// `word` in the usage, which pflag would also leave in the text.
		v := &argString{arg: s.Arg}
		if v.arg == "" {
			v.arg = "string"
		}
		fs.Var(v, s.Flag, usage)
	}
}

// argString is a string flag whose value help names arg ("--auth
// flap|md5"): pflag names a value by its type when the usage has no
// `word`.
type argString struct {
	arg string
	v   string
}

// Set, String and Type make an argString a pflag.Value.
func (a *argString) Set(s string) error { a.v = s; return nil }
func (a *argString) String() string     { return a.v }
func (a *argString) Type() string       { return a.arg }

// Help explains every setting, for `aim config --help`: the key, its
// variable, its flag, what it holds and its default.
func Help() string {
	var b strings.Builder
	b.WriteString("Settings (key in the config file, environment variable, flag):\n\n")
	for _, s := range Settings {
		fmt.Fprintf(&b, "  %s", s.Key)
		var where []string
		if s.Env != "" {
			where = append(where, s.Env)
		}
		if s.Flag != "" {
			where = append(where, "--"+s.Flag)
		}
		if len(where) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(where, ", "))
		}
		fmt.Fprintf(&b, "\n      %s\n      value: %s", s.Help, s.Shape)
		if s.Default != "" {
			fmt.Fprintf(&b, "; default %s", s.Default)
		}
		b.WriteString("\n")
	}
	b.WriteString("\nA flag wins over the variable, the variable over the file, the file over\n" +
		"the default. An empty variable counts as unset. " + EnvConfig + " names another file.\n")
	return b.String()
}

// Value is one setting as `aim config show` prints it.
type Value struct {
	Key   string
	Value any // string, bool, int, []string or []BuddyGroup; Secret when set
}

// Values returns every setting's resolved value, in the registry's order.
// A secret that is set shows as a Secret (which prints <redacted>); one
// that is not set is left out. Empty lists are empty, not nil.
func (c *Config) Values() Values {
	var out Values
	for _, s := range Settings {
		var v any
		switch s.Key {
		case KeyScreenName:
			v = c.ScreenName
		case KeyServer:
			v = c.Server
		case KeyAuth:
			v = c.Auth
		case KeyPasswordCommand:
			v = c.PasswordCommand
		case KeyPassword:
			if !c.HasPassword() {
				continue
			}
			v = Secret("") // prints <redacted>; the real one stays in c
		case KeyBuddies:
			groups := []BuddyGroup{}
			for _, g := range c.Buddies {
				groups = append(groups, BuddyGroup{Group: g.Group, Names: append([]string{}, g.Names...)})
			}
			v = groups
		case KeyProfile:
			v = c.Profile
		case KeyAway:
			v = c.Away
		case KeyOutput:
			v = c.Output
		case KeyColor:
			v = c.Color
		case KeyReconnect:
			v = c.Reconnect
		case KeyTLS:
			v = c.TLS
		case KeyHTML:
			v = c.HTML
		case KeyHistory:
			v = c.History
		case KeyHistoryDays:
			v = c.HistoryDays
		case KeyOfflineIMs:
			v = c.OfflineIMs
		case KeyTyping:
			v = c.Typing
		case KeyIdleMinutes:
			v = c.IdleMinutes
		case KeyBlocked:
			v = append([]string{}, c.Blocked...)
		case KeyAllowed:
			v = append([]string{}, c.Allowed...)
		case KeyQuiet:
			v = append([]string{}, c.Quiet...)
		case KeyPrivacy:
			v = c.Privacy
		default:
			panic("config: Values misses setting " + s.Key) // the registry test catches this
		}
		out = append(out, Value{Key: s.Key, Value: v})
	}
	return out
}

// SetKey stores value for key in the config file, keeping every other
// line as it is. The value is checked as Load would check it, and the
// file is left alone when it is refused: a *SettingError. Lists have
// commands of their own, and the password is never taken from the command
// line (where other users can read it).
func (c *Config) SetKey(key, value string) error {
	s, err := c.settable(key)
	if err != nil {
		return err
	}
	refuse := func(reason string, err error) error {
		return &SettingError{Key: key, Value: value, Source: "the command line", Reason: reason, Err: err}
	}
	if strings.TrimSpace(value) == "" && s.Kind != KindText {
		return refuse(fmt.Sprintf("is empty: to remove it from the file, aim config unset %s", key), nil)
	}
	switch s.Kind {
	case KindBool:
		if _, err := ParseBool(value); err != nil {
			return refuse(err.Error(), nil)
		}
	case KindInt:
		if n, err := strconv.Atoi(strings.TrimSpace(value)); err != nil || n < 0 {
			return refuse("is not "+s.Shape, nil)
		}
	case KindText:
		if key == KeyProfile {
			return c.SetProfile(value)
		}
		return c.SetAway(value)
	}
	switch key {
	case KeyPrivacy:
		return c.SetPrivacy(strings.ToLower(strings.TrimSpace(value)))
	case KeyAuth, KeyOutput, KeyColor:
		v := strings.ToLower(strings.TrimSpace(value))
		if (key == KeyAuth && v != AuthFLAP && v != AuthMD5) || (key == KeyOutput && v != OutputText && v != OutputJSON) ||
			(key == KeyColor && v != ColorAuto && v != ColorAlways && v != ColorNever) {
			return refuse("is not allowed (want "+s.Shape+")", nil)
		}
	case KeyScreenName:
		if err := screenname.Validate(value); err != nil {
			return refuse("", err)
		}
	case KeyServer:
		if _, err := normalizeServer(strings.TrimSpace(value)); err != nil {
			return refuse(err.Error(), nil)
		}
	}
	return c.setScalar(key, strings.TrimSpace(value))
}

// UnsetKey removes key from the config file, so the environment, a flag
// or the default decides it again; lists have commands of their own.
func (c *Config) UnsetKey(key string) error {
	s, err := c.settable(key)
	if err != nil {
		return err
	}
	switch s.Kind {
	case KindText:
		return c.SetKey(key, "")
	}
	return c.setScalar(key, "")
}

func (c *Config) settable(key string) (Setting, error) {
	s, ok := Lookup(key)
	switch {
	case !ok:
		reason := "is not a setting (see aim config --help)"
		if near := closest(key, Keys()); near != "" {
			reason = fmt.Sprintf("is not a setting (did you mean %q?)", near)
		}
		return s, &SettingError{Key: key, Reason: reason}
	case s.Secret:
		return s, &SettingError{Key: key,
			Reason: "is never taken from the command line, where others can read it: use password_command, " + s.Env + ", or edit the file (mode 0600)"}
	case s.Command != "":
		return s, &SettingError{Key: key, Reason: "is a list: change it with " + s.Command}
	}
	return s, nil
}

// setScalar writes key: value (or removes key when value is empty).
func (c *Config) setScalar(key, value string) error {
	return c.edit(func(d *document, _ *fileSettings) (bool, error) {
		if value == "" {
			d.text.deleteKey(key)
			return d.delete(key), nil
		}
		changed := d.setString(key, value)
		if changed {
			d.text.setKey(key, d.lookup(key))
		}
		return changed, nil
	})
}

// Values is every setting in the registry's order; it encodes as one
// JSON object or YAML mapping with the keys in that order.
type Values []Value

// MarshalJSON writes the values as one object, in order.
func (vs Values) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, v := range vs {
		if i > 0 {
			b.WriteByte(',')
		}
		var one bytes.Buffer
		enc := json.NewEncoder(&one)
		enc.SetEscapeHTML(false) // "<redacted>", profiles' HTML: as written
		if err := enc.Encode(v.Key); err != nil {
			return nil, err
		}
		if err := enc.Encode(v.Value); err != nil {
			return nil, err
		}
		k, val, _ := bytes.Cut(bytes.TrimSuffix(one.Bytes(), []byte("\n")), []byte("\n"))
		b.Write(k)
		b.WriteByte(':')
		b.Write(val)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// MarshalYAML writes the values as one mapping, in order.
func (vs Values) MarshalYAML() (any, error) {
	m := &yaml.Node{Kind: yaml.MappingNode}
	for _, v := range vs {
		var val yaml.Node
		if err := val.Encode(v.Value); err != nil {
			return nil, err
		}
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: v.Key}, &val)
	}
	return m, nil
}
