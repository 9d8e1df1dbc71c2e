// Package config finds aim's settings and keeps its one settings file.
//
// Settings come from four places. For each key the first that sets it wins:
//
//  1. a command-line flag, when cmd/aim defines one and the user passed it;
//  2. an environment variable named AIM_ and the key in upper case
//     (AIM_SCREEN_NAME, AIM_SERVER, ...); an empty variable counts as unset;
//  3. the YAML file, by default $XDG_CONFIG_HOME/aim/config.yaml
//     (os.UserConfigDir()/aim/config.yaml), or the one named by --config or AIM_CONFIG;
//  4. the defaults below.
//
// The keys, their flags, variables, kinds and help are one table,
// Settings (registry.go); `aim config --help` prints it.
//
// The buddy list is a list of groups, each with its names, in the order the
// user wants to see them:
//
//	buddies:
//	  - group: Buddies
//	    names: [LabBob, "Lab Carol"]
//	  - group: Work
//	    names: [boss]
//
// A screen name appears at most once in the whole list (compared with
// screenname.Normalize), and is stored as the user spelled it.
//
// The edit methods (AddBuddies, RemoveBuddies, SetProfile, SetAway) change
// only the keys they own, and only the lines they must: every other line
// (unknown keys, comments and their alignment, blank lines, CRLF line
// endings) stays byte for byte. The file is replaced atomically.
// Each edit holds an exclusive lock (flock on .config.yaml.lock beside the
// file) from its read to its write, so edits made at the same time by
// several aim processes are all kept.
//
// Only this package and cmd/aim read viper, flags or the environment; the
// rest of aim takes plain values from a *Config.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"

	"github.com/aim-oscar/aim/internal/screenname"
)

// Setting keys, as written in the file.
const (
	KeyScreenName      = "screen_name"
	KeyServer          = "server"
	KeyAuth            = "auth"
	KeyPasswordCommand = "password_command"
	KeyPassword        = "password"
	KeyBuddies         = "buddies"
	KeyProfile         = "profile"
	KeyAway            = "away"
	KeyOutput          = "output"
	KeyColor           = "color"
	KeyReconnect       = "reconnect"
	KeyTLS             = "tls"
	KeyHTML            = "html"
	KeyHistory         = "history"
	KeyHistoryDays     = "history_days"
	KeyOfflineIMs      = "offline_ims"
	KeyTyping          = "typing_notifications"
	KeyIdleMinutes     = "idle_minutes"
	KeyBlocked         = "blocked" // privacy.go
	KeyAllowed         = "allowed"
	KeyPrivacy         = "privacy"
	KeyQuiet           = "quiet" // quiet.go
)

// Allowed values of auth and output.
const (
	AuthFLAP   = "flap" // roasted password in the channel-1 login frame (the original)
	AuthMD5    = "md5"  // 17,06 key request, then an MD5 digest in 17,02
	OutputText = "text"
	OutputJSON = "json"
)

// Allowed values of color: colour the text on standard output when it is
// a terminal and NO_COLOR is unset (auto), always, or never. JSON is
// never coloured.
const (
	ColorAuto   = "auto"
	ColorAlways = "always"
	ColorNever  = "never"
)

const (
	// EnvPrefix starts the name of every environment variable aim reads.
	EnvPrefix = "AIM_"
	// EnvConfig names the config file when --config is not given.
	EnvConfig = "AIM_CONFIG"
	// EnvPassword holds the password; it is read only by (*Config).Password.
	EnvPassword = "AIM_PASSWORD"

	// DefaultGroup is the buddy group used when none is named.
	DefaultGroup = "Buddies"
	// DefaultPort is added to a server given without one.
	DefaultPort = "5190"

	// DefaultPasswordCommandTimeout bounds a password_command that hangs.
	DefaultPasswordCommandTimeout = time.Minute
)

// Options says where Load looks.
type Options struct {
	// Path is the config file given with --config. Empty means AIM_CONFIG,
	// then DefaultPath.
	Path string
	// Flags are the parsed flags of the command being run. Nil means no
	// flags.
	Flags *pflag.FlagSet
	// FlagNames maps a layered key to the name of the flag that sets it
	// (cmd/aim's spelling: KeyScreenName to "screen-name"). Only these
	// flags are read, and only when the user changed them.
	FlagNames map[string]string
	// JSONFlag names a boolean flag that, when set, means output: json
	// unless the output flag is given too ("json": --json).
	JSONFlag string
	// Env looks up the environment: the AIM_ variables, and for the
	// default path XDG_CONFIG_HOME and HOME. Nil means the process's
	// (os.LookupEnv, os.UserConfigDir).
	Env func(string) (string, bool)
}

// flag is the flag that sets key, or nil.
func (o Options) flag(key string) *pflag.Flag {
	name, ok := o.FlagNames[key]
	if o.Flags == nil || !ok {
		return nil
	}
	return o.Flags.Lookup(name)
}

func (o Options) lookupEnv(name string) (string, bool) {
	env := o.Env
	if env == nil {
		env = os.LookupEnv
	}
	v, ok := env(name)
	if !ok || v == "" {
		return "", false
	}
	return v, true
}

// BuddyGroup is one group of the buddy list.
type BuddyGroup struct {
	Group string   `yaml:"group" json:"group"`
	Names []string `yaml:"names" json:"names"`
}

// Config is the resolved settings. Load fills it; the zero value is not useful.
type Config struct {
	// Path is the config file in use, whether or not it exists yet.
	Path string

	ScreenName      string // as the user spelled it; "" if unset
	Server          string // authorizer "host:port"; "" if unset (see RequireServer)
	Auth            string // AuthFLAP or AuthMD5
	PasswordCommand string // shell command printing the password on its first line
	Buddies         []BuddyGroup
	Blocked         []string // the block (deny) list
	Allowed         []string // the allow (permit) list
	Privacy         string   // a Privacy constant; "" when the file does not say
	Quiet           []string // buddies and rooms whose messages ring no bell (aim tui)
	Profile         string
	Away            string
	Output          string // OutputText or OutputJSON
	Color           string // ColorAuto, ColorAlways or ColorNever
	Reconnect       bool
	TLS             bool
	// HTML: the messages the user types are HTML, sent as they are;
	// otherwise they are text, escaped so they arrive as typed.
	HTML bool
	// History: the running session and aim send record conversations;
	// HistoryDays, if not 0, is how many days of them are kept.
	History     bool
	HistoryDays int
	// OfflineIMs: servers that keep IMs sent while the account is offline
	// may keep them for it (a preference in the server-stored list).
	OfflineIMs bool
	// Typing: tell the people you write to when you are typing (a
	// full-screen client sends it; never to someone blocked).
	Typing bool
	// IdleMinutes: after this many minutes with no key pressed in a
	// full-screen client and no command run, the server is told you are
	// idle; 0 never tells it.
	IdleMinutes int

	// PasswordCommandTimeout bounds password_command; zero means
	// DefaultPasswordCommandTimeout.
	PasswordCommandTimeout time.Duration

	// Warnings are what Load ignored in the file (unknown keys), for
	// cmd/aim to show.
	Warnings []Warning

	flagNames    map[string]string // Options.FlagNames, for MissingSettingError
	env          Options           // the environment Load read (Env)
	envPassword  Secret            // AIM_PASSWORD at Load time
	filePassword Secret            // the file's password key, after the mode check

	batch *pending // set on the copy a Batch gives its edits
}

// fileSettings is the file's content as far as aim understands it. Pointers
// tell "absent" from "empty". Unknown keys are ignored here and kept by the
// edit methods.
type fileSettings struct {
	ScreenName      *string      `yaml:"screen_name"`
	Server          *string      `yaml:"server"`
	Auth            *string      `yaml:"auth"`
	PasswordCommand *string      `yaml:"password_command"`
	Password        *string      `yaml:"password"`
	Buddies         []BuddyGroup `yaml:"buddies"`
	Blocked         []string     `yaml:"blocked"`
	Allowed         []string     `yaml:"allowed"`
	Privacy         *string      `yaml:"privacy"`
	Quiet           []string     `yaml:"quiet"`
	Profile         *string      `yaml:"profile"`
	Away            *string      `yaml:"away"`
	Output          *string      `yaml:"output"`
	Color           *string      `yaml:"color"`
	Reconnect       *boolSetting `yaml:"reconnect"`
	TLS             *boolSetting `yaml:"tls"`
	HTML            *boolSetting `yaml:"html"`
	History         *boolSetting `yaml:"history"`
	HistoryDays     *string      `yaml:"history_days"`
	OfflineIMs      *boolSetting `yaml:"offline_ims"`
	Typing          *boolSetting `yaml:"typing_notifications"`
	IdleMinutes     *string      `yaml:"idle_minutes"`
}

// layered returns the file's values of the layered keys, for viper.
func (s *fileSettings) layered() map[string]any {
	m := map[string]any{}
	put := func(key string, v *string) {
		if v != nil {
			m[key] = *v
		}
	}
	put(KeyScreenName, s.ScreenName)
	put(KeyServer, s.Server)
	put(KeyAuth, s.Auth)
	put(KeyPasswordCommand, s.PasswordCommand)
	put(KeyOutput, s.Output)
	put(KeyColor, s.Color)
	if s.Reconnect != nil {
		m[KeyReconnect] = bool(*s.Reconnect)
	}
	if s.TLS != nil {
		m[KeyTLS] = bool(*s.TLS)
	}
	if s.HTML != nil {
		m[KeyHTML] = bool(*s.HTML)
	}
	if s.History != nil {
		m[KeyHistory] = bool(*s.History)
	}
	if s.OfflineIMs != nil {
		m[KeyOfflineIMs] = bool(*s.OfflineIMs)
	}
	if s.Typing != nil {
		m[KeyTyping] = bool(*s.Typing)
	}
	put(KeyHistoryDays, s.HistoryDays)
	put(KeyIdleMinutes, s.IdleMinutes)
	return m
}

// defaultPath is DefaultPath with the directories of opts.Env: on the
// systems that follow the XDG spec, $XDG_CONFIG_HOME (if absolute), else
// $HOME/.config. Elsewhere, and with no Env, the process's.
func (o Options) defaultPath() (string, error) {
	if o.Env == nil || runtime.GOOS == "windows" || runtime.GOOS == "darwin" || runtime.GOOS == "ios" || runtime.GOOS == "plan9" {
		return DefaultPath()
	}
	dir, _ := o.lookupEnv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(dir) {
		home, ok := o.lookupEnv("HOME")
		if !ok {
			return "", fmt.Errorf("finding the config directory: neither $XDG_CONFIG_HOME nor $HOME is set (use --config PATH or set %s)", EnvConfig)
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "aim", "config.yaml"), nil
}

// StateDir is where the account's state (the buddy list as last synced,
// the history, the session lock) lives: $XDG_STATE_HOME/aim/<normalized
// screen name>, else ~/.local/state/aim/<...>, from the environment Load
// read. "" (kept in memory only) when neither is known.
func (c *Config) StateDir(screenName string) string {
	base, _ := c.env.lookupEnv("XDG_STATE_HOME")
	if !filepath.IsAbs(base) { // the spec: a relative path is ignored
		home, ok := c.env.lookupEnv("HOME")
		if !ok && c.env.Env == nil {
			h, err := os.UserHomeDir()
			home, ok = h, err == nil
		}
		if !ok {
			return ""
		}
		base = filepath.Join(home, ".local", "state")
	}
	name := screenname.Normalize(screenName)
	if name == "" {
		return ""
	}
	return filepath.Join(base, "aim", name)
}

// Getenv is the environment Load read (Options.Env, or the process's):
// for the command line's other places (the runtime directory).
func (c *Config) Getenv(name string) string {
	v, _ := c.env.lookupEnv(name)
	return v
}

// DefaultPath is the config file used when none is named:
// os.UserConfigDir()/aim/config.yaml.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the config directory: %w (use --config PATH or set %s)", err, EnvConfig)
	}
	return filepath.Join(dir, "aim", "config.yaml"), nil
}

// ResolvePath returns the config file Load would use, without reading it:
// opts.Path, else AIM_CONFIG, else DefaultPath (from opts.Env when set),
// made absolute.
func ResolvePath(opts Options) (string, error) {
	p := opts.Path
	if p == "" {
		p, _ = opts.lookupEnv(EnvConfig)
	}
	if p == "" {
		return opts.defaultPath()
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("config file %s: %w", p, err)
	}
	return abs, nil
}

// Once returns a Load that loads at its first call, with the options opts
// returns then (a command's flags are final only when it runs), and
// returns the same at later calls; loaded gets the settings of a load
// that succeeded, once.
func Once(opts func() Options, loaded func(*Config)) func() (*Config, error) {
	var (
		cfg  *Config
		err  error
		done bool
	)
	return func() (*Config, error) {
		if !done {
			cfg, err = Load(opts())
			done = true
			if err == nil && loaded != nil {
				loaded(cfg)
			}
		}
		return cfg, err
	}
}

// Load resolves the settings. A missing file is not an error: the defaults
// apply and the edit methods create the file. A file that cannot be read, is
// not valid YAML, holds a value of the wrong type, or holds a password while
// readable by group or others is an error naming the file.
func Load(opts Options) (*Config, error) {
	path, err := ResolvePath(opts)
	if err != nil {
		return nil, err
	}
	doc, err := readDocument(path)
	if err != nil {
		return nil, err
	}
	file, err := doc.settings()
	if err != nil {
		return nil, err
	}

	v := viper.New()
	for _, st := range Settings {
		switch {
		case !st.Layered:
		case st.Kind == KindBool:
			b, _ := ParseBool(st.Default)
			v.SetDefault(st.Key, b)
		default:
			v.SetDefault(st.Key, st.Default)
		}
	}
	if err := v.MergeConfigMap(file.layered()); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	envValues, err := envLayer(opts)
	if err != nil {
		return nil, err
	}
	if err := v.MergeConfigMap(envValues); err != nil {
		return nil, err
	}
	if opts.Flags != nil {
		for _, st := range Settings {
			if fl := opts.flag(st.Key); st.Layered && fl != nil {
				key := st.Key
				if err := v.BindPFlag(key, fl); err != nil {
					return nil, err
				}
			}
		}
		if fl := opts.Flags.Lookup(opts.JSONFlag); opts.JSONFlag != "" && fl != nil && fl.Changed && fl.Value.String() == "true" {
			if out := opts.flag(KeyOutput); out == nil || !out.Changed {
				v.Set(KeyOutput, OutputJSON)
			}
		}
	}

	c := &Config{
		Path:            path,
		ScreenName:      strings.TrimSpace(v.GetString(KeyScreenName)),
		Server:          strings.TrimSpace(v.GetString(KeyServer)),
		Auth:            strings.ToLower(strings.TrimSpace(v.GetString(KeyAuth))),
		PasswordCommand: v.GetString(KeyPasswordCommand),
		Buddies:         file.Buddies,
		Blocked:         file.Blocked,
		Allowed:         file.Allowed,
		Quiet:           file.Quiet,
		Output:          strings.ToLower(strings.TrimSpace(v.GetString(KeyOutput))),
		Color:           strings.ToLower(strings.TrimSpace(v.GetString(KeyColor))),
		Reconnect:       v.GetBool(KeyReconnect),
		TLS:             v.GetBool(KeyTLS),
		HTML:            v.GetBool(KeyHTML),
		History:         v.GetBool(KeyHistory),
		OfflineIMs:      v.GetBool(KeyOfflineIMs),
		Typing:          v.GetBool(KeyTyping),
		Warnings:        doc.warnings,
		flagNames:       opts.FlagNames,
		env:             Options{Env: opts.Env},
	}
	if file.Profile != nil {
		c.Profile = *file.Profile
	}
	if file.Away != nil {
		c.Away = *file.Away
	}
	if file.Privacy != nil {
		c.Privacy = strings.ToLower(strings.TrimSpace(*file.Privacy))
	}
	if pw, ok := opts.lookupEnv(EnvPassword); ok {
		c.envPassword = Secret(pw)
	}
	if file.Password != nil && *file.Password != "" {
		if err := checkPrivate(path, doc.mode); err != nil {
			return nil, err
		}
		c.filePassword = Secret(*file.Password)
	}
	if file.PasswordCommand != nil && *file.PasswordCommand != "" && c.PasswordCommand == *file.PasswordCommand {
		// A command others could have written would run as this user.
		if err := checkNotWritable(path, doc.mode); err != nil {
			return nil, err
		}
	}

	src := sources{opts: opts, path: path, file: file.layered()}
	days := strings.TrimSpace(v.GetString(KeyHistoryDays))
	if n, err := strconv.Atoi(days); err == nil && n >= 0 {
		c.HistoryDays = n
	} else {
		return nil, &SettingError{Key: KeyHistoryDays, Value: days, Source: src.of(KeyHistoryDays),
			Reason: "is not a number of days (0 keeps all)"}
	}
	idle := strings.TrimSpace(v.GetString(KeyIdleMinutes))
	if n, err := strconv.Atoi(idle); err == nil && n >= 0 {
		c.IdleMinutes = n
	} else {
		return nil, &SettingError{Key: KeyIdleMinutes, Value: idle, Source: src.of(KeyIdleMinutes),
			Reason: "is not a number of minutes (0 never reports idle)"}
	}
	if err := c.validate(src); err != nil {
		return nil, err
	}
	return c, nil
}

// envLayer reads the AIM_ variables of the layered keys.
func envLayer(opts Options) (map[string]any, error) {
	m := map[string]any{}
	for _, st := range Settings {
		key, name := st.Key, st.Env
		if !st.Layered || name == "" {
			continue
		}
		val, ok := opts.lookupEnv(name)
		if !ok {
			continue
		}
		switch st.Kind {
		case KindBool:
			b, err := ParseBool(val)
			if err != nil {
				return nil, &SettingError{Key: key, Value: val, Source: name, Reason: err.Error()}
			}
			m[key] = b
		default:
			m[key] = val
		}
	}
	return m, nil
}

// sources tells where a key's value came from, for error messages.
type sources struct {
	opts Options
	path string
	file map[string]any
}

func (s sources) of(key string) string {
	if s.opts.Flags != nil {
		if fl := s.opts.flag(key); fl != nil && fl.Changed {
			return "--" + fl.Name
		}
		if key == KeyOutput && s.opts.JSONFlag != "" {
			if fl := s.opts.Flags.Lookup(s.opts.JSONFlag); fl != nil && fl.Changed {
				return "--" + fl.Name
			}
		}
	}
	if st, _ := Lookup(key); st.Env != "" {
		if _, ok := s.opts.lookupEnv(st.Env); ok {
			return st.Env
		}
	}
	if _, ok := s.file[key]; ok {
		return s.path
	}
	return "default"
}

// validate checks the resolved values and normalizes server to host:port.
func (c *Config) validate(src sources) error {
	switch c.Auth {
	case AuthFLAP, AuthMD5:
	default:
		return &SettingError{Key: KeyAuth, Value: c.Auth, Source: src.of(KeyAuth),
			Reason: "is not allowed (want " + AuthFLAP + " or " + AuthMD5 + ")"}
	}
	switch c.Output {
	case OutputText, OutputJSON:
	default:
		return &SettingError{Key: KeyOutput, Value: c.Output, Source: src.of(KeyOutput),
			Reason: "is not allowed (want " + OutputText + " or " + OutputJSON + ")"}
	}
	switch c.Color {
	case ColorAuto, ColorAlways, ColorNever:
	default:
		return &SettingError{Key: KeyColor, Value: c.Color, Source: src.of(KeyColor),
			Reason: "is not allowed (want " + ColorNever + ", " + ColorAuto + " or " + ColorAlways + ")"}
	}
	if c.ScreenName != "" {
		if err := screenname.Validate(c.ScreenName); err != nil {
			return &SettingError{Key: KeyScreenName, Value: c.ScreenName, Source: src.of(KeyScreenName), Err: err}
		}
	}
	if c.Server != "" {
		addr, err := normalizeServer(c.Server)
		if err != nil {
			return &SettingError{Key: KeyServer, Value: c.Server, Source: src.of(KeyServer), Reason: err.Error()}
		}
		c.Server = addr
	}
	if err := c.validatePrivacy(src.path); err != nil {
		return err
	}
	if err := c.validateQuiet(src.path); err != nil {
		return err
	}
	for i, g := range c.Buddies {
		if strings.TrimSpace(g.Group) == "" {
			return &SettingError{Key: KeyBuddies, Source: src.path, Reason: fmt.Sprintf("group %d has no name", i+1)}
		}
		for _, n := range g.Names {
			if err := screenname.Validate(n); err != nil {
				return &SettingError{Key: KeyBuddies, Source: src.path, Reason: "in group " + strconv.Quote(g.Group), Err: err}
			}
		}
	}
	return nil
}

// normalizeServer accepts "host:port" or "host" (which gets DefaultPort).
func normalizeServer(s string) (string, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		var ae *net.AddrError
		if errors.As(err, &ae) && ae.Err == "missing port in address" {
			return net.JoinHostPort(strings.Trim(s, "[]"), DefaultPort), nil
		}
		return "", errors.New(`is not "host:port", e.g. "login.example.com:5190"`)
	}
	if host == "" {
		return "", errors.New("has no host name")
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
		return "", fmt.Errorf("has an invalid port %q (want 1 to 65535)", port)
	}
	return s, nil
}

// SameServer reports whether two authorizer addresses ("host:port", or
// a host alone, which means DefaultPort) name the same server: host names
// compared without regard to case, IP addresses and ports by value. It
// looks nothing up: "localhost" and "127.0.0.1" are two servers.
func SameServer(a, b string) bool {
	ha, pa, okA := splitServer(a)
	hb, pb, okB := splitServer(b)
	if !okA || !okB {
		return a == b
	}
	if ia, err := netip.ParseAddr(ha); err == nil {
		ib, err := netip.ParseAddr(hb)
		return err == nil && ia.Unmap() == ib.Unmap() && pa == pb
	}
	return strings.EqualFold(strings.TrimSuffix(ha, "."), strings.TrimSuffix(hb, ".")) && pa == pb
}

// splitServer splits a server address as normalizeServer reads it, the
// port as a number.
func splitServer(s string) (host string, port uint64, ok bool) {
	addr, err := normalizeServer(strings.TrimSpace(s))
	if err != nil {
		return "", 0, false
	}
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, false
	}
	port, err = strconv.ParseUint(p, 10, 16)
	return host, port, err == nil
}

// flagUsage is how to pass key on the command line ("--server HOST:PORT"),
// or "" if no flag sets it.
func (c *Config) flagUsage(key, arg string) string {
	if name, ok := c.flagNames[key]; ok {
		return "--" + name + " " + arg
	}
	return ""
}

// RequireServer returns the authorizer address, or an error saying how to set it.
func (c *Config) RequireServer() (string, error) {
	if c.Server == "" {
		return "", &MissingSettingError{Key: KeyServer, Flag: c.flagUsage(KeyServer, "HOST:PORT"), Path: c.Path}
	}
	return c.Server, nil
}

// RequireScreenName returns the screen name to sign on as, or an error saying how to set it.
func (c *Config) RequireScreenName() (string, error) {
	if c.ScreenName == "" {
		return "", &MissingSettingError{Key: KeyScreenName, Flag: c.flagUsage(KeyScreenName, "NAME"), Path: c.Path}
	}
	return c.ScreenName, nil
}

// HasPassword reports whether AIM_PASSWORD or the file's password is set,
// without revealing it. password_command is not run.
func (c *Config) HasPassword() bool {
	return c.envPassword != "" || c.filePassword != ""
}

// checkNotWritable refuses a file that group or others may write.
func checkNotWritable(path string, mode fs.FileMode) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	if mode.Perm()&0o022 != 0 {
		return &PermissionError{Path: path, Mode: mode.Perm(), Command: true}
	}
	return nil
}

// checkPrivate refuses a file holding a password that group or others can use.
func checkPrivate(path string, mode fs.FileMode) error {
	if runtime.GOOS == "windows" {
		return nil // permission bits do not describe Windows ACLs
	}
	if mode.Perm()&0o077 != 0 {
		return &PermissionError{Path: path, Mode: mode.Perm()}
	}
	return nil
}

// document is the config file as a YAML node tree.
type document struct {
	path string
	mode fs.FileMode // of the existing file; 0600 for a new one
	root *yaml.Node  // a DocumentNode holding one MappingNode
	text *layout     // the file's text, edited alongside root

	warnings []Warning // set by settings
}

// readDocument reads and parses path. A missing file gives an empty document.
func readDocument(path string) (*document, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &document{path: path, mode: 0o600, root: emptyDocument(), text: newLayout(nil)}, nil
	}
	if err != nil {
		return nil, &FileError{Path: path, Err: fmt.Errorf("cannot open it: %w", plainPathError(err))}
	}
	defer f.Close()
	info, err := f.Stat() // the mode of the file we read, not of whatever is there later
	if err != nil {
		return nil, &FileError{Path: path, Err: plainPathError(err)}
	}
	if info.IsDir() {
		return nil, &FileError{Path: path, Err: errors.New("is a directory, not a file")}
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, &FileError{Path: path, Err: fmt.Errorf("cannot read it: %w", plainPathError(err))}
	}
	d, err := parseDocument(path, data)
	if err != nil {
		return nil, err
	}
	d.mode = info.Mode()
	return d, nil
}

// parseDocument parses data, the content of the config file at path.
func parseDocument(path string, data []byte) (*document, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xfe, 0xff}), bytes.HasPrefix(data, []byte{0xff, 0xfe}):
		return nil, &FileError{Path: path, Err: errors.New("the file is UTF-16 text: save it as UTF-8")}
	case !utf8.Valid(data):
		// The YAML parser reads some of it (comments) as it is, and its
		// encoder cannot write it back: refuse it before any edit.
		return nil, &FileError{Path: path, Err: errors.New("the file is not UTF-8 text: save it as UTF-8")}
	}
	d := &document{path: path, mode: 0o600, text: newLayout(data)}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	switch {
	case root.Kind == 0:
		// Empty, or only comments, which the parser drops: keep them
		// above the first key we add.
		d.root = emptyDocument()
		d.top().HeadComment = strings.TrimSpace(string(data))
	case root.Kind != yaml.DocumentNode || len(root.Content) != 1:
		return nil, &FileError{Path: path, Err: errors.New("not a single YAML document")}
	case root.Content[0].Kind == yaml.ScalarNode && root.Content[0].Tag == "!!null":
		// "---" or "~" alone: no settings yet.
		top := root.Content[0]
		root.Content[0] = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map",
			HeadComment: top.HeadComment, LineComment: top.LineComment, FootComment: top.FootComment}
		d.root = &root
	case root.Content[0].Kind != yaml.MappingNode:
		return nil, &FileError{Path: path, Line: root.Content[0].Line,
			Err: errors.New("the top level must be a mapping of settings (key: value)")}
	default:
		d.root = &root
	}
	return d, nil
}

func emptyDocument() *yaml.Node {
	return &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
}

// top is the document's top-level mapping.
func (d *document) top() *yaml.Node { return d.root.Content[0] }

// settings decodes the keys aim knows, with errors naming the key, its line
// and the shape it needs. Unknown keys are kept in d.warnings.
func (d *document) settings() (*fileSettings, error) {
	warnings, err := d.checkShapes()
	if err != nil {
		return nil, err
	}
	d.warnings = warnings
	var s fileSettings
	if err := d.top().Decode(&s); err != nil {
		return nil, &FileError{Path: d.path, Err: err}
	}
	return &s, nil
}

// Clone returns a copy that shares nothing with c.
func (c *Config) Clone() *Config {
	d := *c
	d.Buddies = make([]BuddyGroup, len(c.Buddies))
	for i, g := range c.Buddies {
		d.Buddies[i] = BuddyGroup{Group: g.Group, Names: append([]string(nil), g.Names...)}
	}
	d.Blocked, d.Allowed = append([]string(nil), c.Blocked...), append([]string(nil), c.Allowed...)
	d.Quiet = append([]string(nil), c.Quiet...)
	return &d
}
