package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/aim-oscar/aim/internal/client"
	"github.com/aim-oscar/aim/internal/tablecmd"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
// When empty, the version comes from the build info (client.VersionFrom).
var version string

// currentVersion describes this binary.
func currentVersion() client.VersionInfo { return client.CurrentVersion(version) }

func newVersionCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print aim's version, the Go version it was built with, and the platform",
		Long: `Print aim's version, the Go version it was built with, and the platform.
It does not read the config file, so it works even when that file is broken.`,
		Example: "  aim version\n  aim version --json",
		Args:    tablecmd.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			jsonOut, _ := cmd.Flags().GetBool("json")
			return tablecmd.Print(f.IO, jsonOut, client.VersionResult(currentVersion(), time.Now()))
		},
	}
}
