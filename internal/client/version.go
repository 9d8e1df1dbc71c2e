package client

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// VersionInfo is what aim version says of the binary.
type VersionInfo struct {
	Version  string `json:"version"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
	Revision string `json:"revision,omitempty"` // the VCS commit built, when known
}

// CurrentVersion describes this binary: version, when set (at build
// time, with -ldflags), else what the build info says (VersionFrom).
func CurrentVersion(version string) VersionInfo {
	info, _ := debug.ReadBuildInfo()
	v := VersionFrom(info)
	if version != "" {
		v.Version = version
	}
	return v
}

// VersionFrom reads the version from what the go command embedded: the
// module version (a tag, or a pseudo-version such as
// v0.0.0-20261129222718-7616cd2c4eab for a build in a git checkout) and the
// VCS revision. A build with no module version says "dev", followed by the
// revision when there is one; "+dirty" marks uncommitted changes.
func VersionFrom(info *debug.BuildInfo) VersionInfo {
	v := VersionInfo{Version: "dev", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
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

// Text is the text form: "aim v1.2.3 (go1.26.0, linux/amd64)". (Not
// String: a Result embeds *VersionInfo, and fmt would call it on a nil
// one for every other result.)
func (v VersionInfo) Text() string {
	return fmt.Sprintf("aim %s (%s, %s)", v.Version, v.Go, v.Platform)
}

// VersionResult is the result of aim version.
func VersionResult(v VersionInfo, now time.Time) *Result {
	return Stamp(&Result{Command: "version", OK: true, VersionInfo: &v, Summary: v.Text()}, now).(*Result)
}
