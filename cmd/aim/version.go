package main

import (
	"fmt"
	"github.com/aim-oscar/aim/internal/client"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
// When empty, the version comes from the build info (see versionFrom).
var version string

// currentVersion describes this binary.
func currentVersion() versionInfo {
	info, _ := debug.ReadBuildInfo()
	v := versionFrom(info)
	if version != "" {
		v.Version = version
	}
	return v
}

// versionFrom reads the version from what the go command embedded: the
// module version (a tag, or a pseudo-version such as
// v0.0.0-20261129222718-7616cd2c4eab for a build in a git checkout) and the
// VCS revision. A build with no module version says "dev", followed by the
// revision when there is one; "+dirty" marks uncommitted changes.
func versionFrom(info *debug.BuildInfo) versionInfo {
	v := versionInfo{Version: "dev", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info == nil {
		return v
	}
	if mv := info.Main.Version; mv != "" && mv != "(devel)" {
		v.Version = mv
	}
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if v.Version == "dev" && v.Revision != "" {
		v.Version += "-" + v.Revision[:min(12, len(v.Revision))]
	}
	if dirty && !strings.HasSuffix(v.Version, "+dirty") {
		v.Version += "+dirty"
	}
	return v
}

// versionInfo is what aim version prints.
type versionInfo struct {
	Version  string `json:"version"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
	Revision string `json:"revision,omitempty"` // the VCS commit built, when known
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
		return writeJSON(opts.IO.Out, struct {
			client.Head
			Command string `json:"command"`
			OK      bool   `json:"ok"`
			versionInfo
		}{Head: client.Head{Type: (&client.Result{}).Kind(), Time: time.Now().UTC()}, Command: "version", OK: true, versionInfo: opts.Info})
	}
	_, err := fmt.Fprintln(opts.IO.Out, opts.Info)
	return err
}

// String is the text form: "aim v1.2.3 (go1.26.0, linux/amd64)".
func (v versionInfo) String() string {
	return fmt.Sprintf("aim %s (%s, %s)", v.Version, v.Go, v.Platform)
}
