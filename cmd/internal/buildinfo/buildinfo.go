// Package buildinfo names the build of Vigil's binaries: the version given
// at link time (make build stamps `git describe`), else the commit Go
// recorded when it built from a git checkout, else "dev".
package buildinfo

import (
	"runtime/debug"
	"strings"
)

// version is set by make build with
// -ldflags "-X github.com/vigil-monitor/vigil/cmd/internal/buildinfo.version=...".
var version string

// Version is the build's version string.
func Version() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified == "true" {
		rev += "-dirty"
	}
	return "dev-" + rev
}

// String is the one-line answer of `vigild --version` and `vigil version`.
func String(program string) string {
	v := Version()
	if bi, ok := debug.ReadBuildInfo(); ok {
		return program + " " + v + " (" + strings.TrimSpace(bi.GoVersion) + ")"
	}
	return program + " " + v
}
