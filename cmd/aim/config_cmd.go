package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/aim-oscar/aim/internal/config"
)

func newConfigCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config <command>",
		Short: "Show where aim's settings live and what they resolve to",
		Long: `Show where aim's settings live and what they resolve to.

The config file is YAML. Keys: screen_name, server (host:port of the
authorizer), auth (flap or md5), password_command, password (only in a file
of mode 0600), buddies, profile, away, output (text or json), reconnect, tls.
The environment variables AIM_SCREEN_NAME, AIM_SERVER, AIM_AUTH,
AIM_PASSWORD_COMMAND, AIM_PASSWORD, AIM_OUTPUT, AIM_RECONNECT and AIM_TLS
override the file; AIM_CONFIG names another file.`,
		Example: "  aim config path\n  aim config show\n  aim config show --json",
		Args:    noUnknownSubcommand,
		RunE:    showHelp,
	}
	cmd.AddCommand(newConfigPathCmd(f, nil), newConfigShowCmd(f, nil))
	return cmd
}

type configPathOptions struct {
	IO         *IOStreams
	ConfigPath func() (string, error)
	JSON       bool
}

func newConfigPathCmd(f *factory, runF func(*configPathOptions) error) *cobra.Command {
	opts := &configPathOptions{IO: f.IO, ConfigPath: f.ConfigPath}
	return &cobra.Command{
		Use:   "path",
		Short: "Print the path of the config file in use",
		Long: `Print the path of the config file in use: --config, else $AIM_CONFIG,
else aim/config.yaml in the user config directory ($XDG_CONFIG_HOME or ~/.config).
The file need not exist yet; aim creates it when you change a setting.`,
		Example: "  aim config path\n  $EDITOR \"$(aim config path)\"",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.JSON, _ = cmd.Flags().GetBool("json")
			if runF != nil {
				return runF(opts)
			}
			return configPathRun(opts)
		},
	}
}

func configPathRun(opts *configPathOptions) error {
	path, err := opts.ConfigPath()
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintln(opts.IO.ErrOut, "(the file does not exist yet; aim creates it when you change a setting)")
	}
	if opts.JSON {
		return writeJSON(opts.IO.Out, struct {
			Path string `json:"path"`
		}{path})
	}
	_, err = fmt.Fprintln(opts.IO.Out, path)
	return err
}

type configShowOptions struct {
	IO     *IOStreams
	Config func() (*config.Config, error)
}

func newConfigShowCmd(f *factory, runF func(*configShowOptions) error) *cobra.Command {
	opts := &configShowOptions{IO: f.IO, Config: f.Config}
	return &cobra.Command{
		Use:   "show",
		Short: "Print the effective settings, with the password redacted",
		Long: `Print the effective settings: the config file with AIM_* environment
variables, flags and defaults applied. Output is YAML, or one JSON object with
--json. A password, if one is set, prints as <redacted>.`,
		Example: "  aim config show\n  AIM_SERVER=localhost:5190 aim config show --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return configShowRun(opts)
		},
	}
}

// settingsView is what config show prints, in the file's key order.
type settingsView struct {
	ScreenName      string              `yaml:"screen_name" json:"screen_name"`
	Server          string              `yaml:"server" json:"server"`
	Auth            string              `yaml:"auth" json:"auth"`
	PasswordCommand string              `yaml:"password_command" json:"password_command"`
	Password        *config.Secret      `yaml:"password,omitempty" json:"password,omitempty"` // never the real one
	Buddies         []config.BuddyGroup `yaml:"buddies" json:"buddies"`
	Profile         string              `yaml:"profile" json:"profile"`
	Away            string              `yaml:"away" json:"away"`
	Output          string              `yaml:"output" json:"output"`
	Reconnect       bool                `yaml:"reconnect" json:"reconnect"`
	TLS             bool                `yaml:"tls" json:"tls"`
	HTML            bool                `yaml:"html" json:"html"`
	History         bool                `yaml:"history" json:"history"`
	HistoryDays     int                 `yaml:"history_days" json:"history_days"`
}

func configShowRun(opts *configShowOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	view := settingsView{
		ScreenName:      cfg.ScreenName,
		Server:          cfg.Server,
		Auth:            cfg.Auth,
		PasswordCommand: cfg.PasswordCommand,
		Buddies:         []config.BuddyGroup{},
		Profile:         cfg.Profile,
		Away:            cfg.Away,
		Output:          cfg.Output,
		Reconnect:       cfg.Reconnect,
		TLS:             cfg.TLS,
		HTML:            cfg.HTML,
		History:         cfg.History,
		HistoryDays:     cfg.HistoryDays,
	}
	for _, g := range cfg.Buddies { // empty lists print as [] rather than null
		view.Buddies = append(view.Buddies, config.BuddyGroup{Group: g.Group, Names: append([]string{}, g.Names...)})
	}
	if cfg.HasPassword() {
		placeholder := config.Secret("") // prints as <redacted>; the real one stays in cfg
		view.Password = &placeholder
	}
	if cfg.Output == config.OutputJSON {
		return writeJSON(opts.IO.Out, view)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s, with environment and flags applied\n", cfg.Path)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(view); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err = opts.IO.Out.Write(b.Bytes())
	return err
}
