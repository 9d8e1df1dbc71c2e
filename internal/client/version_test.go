package client_test

import (
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/aim-oscar/aim/internal/client"
)

// TestVersionFromBuildInfo: aim version names what was built (issue 12:
// it said "dev" for every build).
func TestVersionFromBuildInfo(t *testing.T) {
	t.Parallel()
	rev := []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "7616cd2c4eabf25ff14f1a34a4661471926247d4"}}
	dirty := append(slices.Clip(rev), debug.BuildSetting{Key: "vcs.modified", Value: "true"})
	tests := []struct {
		name      string
		info      *debug.BuildInfo
		want, rev string
	}{
		{"no build info", nil, "dev", ""},
		{"go run", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev", ""},
		{"tagged", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3", ""},
		{"checkout", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261129222718-7616cd2c4eab"}, Settings: rev},
			"v0.0.0-20261129222718-7616cd2c4eab", "7616cd2c4eabf25ff14f1a34a4661471926247d4"},
		{"revision only", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: rev}, "dev-7616cd2c4eab", "7616cd2c4eabf25ff14f1a34a4661471926247d4"},
		{"dirty", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: dirty}, "dev-7616cd2c4eab+dirty", "7616cd2c4eabf25ff14f1a34a4661471926247d4"},
		{"dirty, already marked", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261129222718-7616cd2c4eab+dirty"}, Settings: dirty},
			"v0.0.0-20261129222718-7616cd2c4eab+dirty", "7616cd2c4eabf25ff14f1a34a4661471926247d4"},
	}
	for _, tt := range tests {
		got := client.VersionFrom(tt.info)
		if got.Version != tt.want || got.Revision != tt.rev {
			t.Errorf("%s: versionFrom = %q, %q; want %q, %q", tt.name, got.Version, got.Revision, tt.want, tt.rev)
		}
	}
}

// TestResultFormats: any result prints with fmt's %v and %+v (a Result
// embeds *VersionInfo; its text method must not be fmt's String, which
// fmt would call on the nil one of every other result).
func TestResultFormats(t *testing.T) {
	t.Parallel()
	r := &client.Result{Command: "send", OK: true, To: "LabBob"}
	for _, verb := range []string{"%v", "%+v"} {
		if s := fmt.Sprintf(verb, r); strings.Contains(s, "PANIC") || !strings.Contains(s, "LabBob") {
			t.Errorf("%s of a result: %s", verb, s)
		}
	}
}
