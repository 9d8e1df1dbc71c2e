package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/config"
	"github.com/aim-oscar/aim/internal/tablecmd"
)

func newConfigCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config <command>",
		Short: "Show and change aim's settings",
		Long: `Show where aim's settings live, what they resolve to, and change them.

The config file is YAML. ` + config.Help(),
		Example: "  aim config path\n  aim config show\n  aim config set server login.example.com:5190\n  aim config unset tls",
		Args:    noUnknownSubcommand,
		RunE:    showHelp,
	}
	cmd.AddCommand(addNoSessionNoop(newConfigPathCmd(f)), addNoSessionNoop(newConfigShowCmd(f)), newConfigSetCmd(f), newConfigUnsetCmd(f))
	return cmd
}

func newConfigPathCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "path",
		Short: "Print the path of the config file in use",
		Long: `Print the path of the config file in use: --config, else $AIM_CONFIG,
else aim/config.yaml in the user config directory ($XDG_CONFIG_HOME or ~/.config).
The file need not exist yet; aim creates it when you change a setting.`,
		Example: "  aim config path\n  $EDITOR \"$(aim config path)\"",
		Args:    tablecmd.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, err := f.ConfigPath() // not the settings: a broken file is no matter
			if err != nil {
				return err
			}
			r, note := client.ConfigPath(path, time.Now())
			if note != "" {
				fmt.Fprintln(f.IO.ErrOut, note)
			}
			if jsonOut, _ := cmd.Flags().GetBool("json"); jsonOut {
				return tablecmd.Print(f.IO, true, r)
			}
			_, err = fmt.Fprintln(f.IO.Out, path)
			return err
		},
	}
}

func newConfigShowCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "show",
		Short: "Print the effective settings, with the password redacted",
		Long: `Print the effective settings: the config file with AIM_* environment
variables, flags and defaults applied, every key of aim config --help.
Output is YAML, or one JSON result with the settings under "settings" with
--json. A password, if one is set, prints as <redacted>.`,
		Example: "  aim config show\n  AIM_SERVER=localhost:5190 aim config show --json",
		Args:    tablecmd.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			r, text, err := client.ConfigShow(cfg, time.Now())
			if err != nil {
				return err
			}
			if cfg.Output == config.OutputJSON {
				return tablecmd.Print(f.IO, true, r)
			}
			_, err = fmt.Fprint(f.IO.Out, text)
			return err
		},
	}
}

// newConfigSetCmd and newConfigUnsetCmd change one key of the file, keeping
// every other line (comments, order, unknown keys) as it is.
func newConfigSetCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Store one setting in the config file",
		Long: `Store one setting in the config file, checked as aim checks the file,
keeping every other line as it is. Lists have their own commands (aim buddies,
aim block, aim allow), and the password is never taken from the command line.`,
		Example: "  aim config set server login.example.com:5190\n  aim config set screen_name LabAlice\n  aim config set reconnect no",
		Args:    exactArgs(2, "a key and a value"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return configEditRun(f, args[0], args[1], true)
		},
	}
}

func newConfigUnsetCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:     "unset KEY",
		Short:   "Remove one setting from the config file",
		Long:    `Remove one setting from the config file, so the environment, a flag or the default decides it.`,
		Example: "  aim config unset tls",
		Args:    exactArgs(1, "one key"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return configEditRun(f, args[0], "", false)
		},
	}
}

func configEditRun(f *factory, key, value string, set bool) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	r, err := client.ConfigEdit(cfg, key, value, set, time.Now())
	if err != nil {
		return err
	}
	return tablecmd.Print(f.IO, cfg.Output == config.OutputJSON, r)
}

// exactArgs wants n arguments, what in words ("a key and a value"), and
// says so as a usage error (exit 2). Too many for set is most often a
// value with spaces that was not quoted.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) == n:
			return nil
		case len(args) > n && n == 2:
			return client.Usagef("%s takes %s (%d given): quote a value with spaces, as in %s away 'at lunch'",
				cmd.CommandPath(), what, len(args), cmd.CommandPath())
		default:
			return client.Usagef("%s takes %s (%d given)", cmd.CommandPath(), what, len(args))
		}
	}
}
