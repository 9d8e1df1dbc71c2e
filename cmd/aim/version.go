package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
// When empty, the module version from the build info is used, else "dev".
var version string

// versionString returns the version aim reports.
func versionString() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

// currentVersion describes this binary.
func currentVersion() versionInfo {
	return versionInfo{Version: versionString(), Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
}

// versionInfo is what aim version prints.
type versionInfo struct {
	Version  string `json:"version"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

type versionOptions struct {
	IO   *IOStreams
	JSON bool
	Info versionInfo
}

func newVersionCmd(f *factory, runF func(*versionOptions) error) *cobra.Command {
	opts := &versionOptions{IO: f.IO}
	return &cobra.Command{
		Use:   "version",
		Short: "Print aim's version, the Go version it was built with, and the platform",
		Long: `Print aim's version, the Go version it was built with, and the platform.
It does not read the config file, so it works even when that file is broken.`,
		Example: "  aim version\n  aim version --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.JSON, _ = cmd.Flags().GetBool("json")
			opts.Info = currentVersion()
			if runF != nil {
				return runF(opts)
			}
			return versionRun(opts)
		},
	}
}

func versionRun(opts *versionOptions) error {
	if opts.JSON {
		return writeJSON(opts.IO.Out, opts.Info)
	}
	_, err := fmt.Fprintln(opts.IO.Out, opts.Info)
	return err
}

// String is the text form: "aim v1.2.3 (go1.26.0, linux/amd64)".
func (v versionInfo) String() string {
	return fmt.Sprintf("aim %s (%s, %s)", v.Version, v.Go, v.Platform)
}
