#!/usr/bin/env bash
# Build every tool pinned in tools/go.mod (its `tool` directives), or only
# those named as arguments (tools/build.sh btcd), into
# <repo>/.cache/bin/<name>. A binary that exists and is newer than
# tools/go.mod and tools/go.sum is kept, so a warm run takes a moment.
# Safe to run from any directory and from several processes at once
# (a lock serialises them; binaries appear atomically).
set -euo pipefail

tools_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(dirname "$tools_dir")
bin_dir="$repo_dir/.cache/bin"
mkdir -p "$bin_dir"
cd "$tools_dir"

go=${GO:-go}
# The pins in tools/go.mod are the whole story: no workspace may override them.
export GOWORK=off

# One builder at a time: tests in several packages may call this together.
if command -v flock >/dev/null 2>&1; then
	exec 9>"$bin_dir/.build.lock"
	flock 9
fi

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

progress_every=10
start_all=$(now)
built=0
pkgs=$("$go" list tool | sort)
for pkg in $pkgs; do
	name=${pkg##*/}
	if [[ $# -gt 0 && " $* " != *" $name "* ]]; then
		continue
	fi
	out="$bin_dir/$name"
	if [[ -x "$out" && "$out" -nt go.sum && "$out" -nt go.mod ]]; then
		echo "tools: $name up to date (0.0s)"
		continue
	fi
	t0=$(now)
	mod=$("$go" list -f '{{with .Module}}{{.Path}} {{.Version}}{{end}}' "$pkg" 2>/dev/null || true)
	what="$pkg"
	# The first tool of a module compiles the module's packages; the others
	# reuse the build cache. Say so, since that is where the minutes go.
	if [[ -n "$mod" && " ${compiled_mods:-} " != *" ${mod%% *} "* ]]; then
		what="$pkg; compiles ${mod/ /@} and its dependencies unless the Go build cache has them"
		compiled_mods="${compiled_mods:-} ${mod%% *}"
	fi
	echo "tools: building $name ($what) ..."
	tmp="$out.tmp.$$"
	"$go" build -o "$tmp" "$pkg" &
	pid=$!
	# No silence longer than progress_every seconds on a cold machine.
	waited=0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		waited=$((waited + 1))
		if (( waited % progress_every == 0 )) && kill -0 "$pid" 2>/dev/null; then
			echo "tools: still building $name ($(elapsed "$t0")s)"
		fi
	done
	if ! wait "$pid"; then
		rm -f "$tmp"
		echo "tools: $name FAILED after $(elapsed "$t0")s ($pkg)" >&2
		exit 1
	fi
	mv -f "$tmp" "$out"
	built=$((built + 1))
	echo "tools: $name built in $(elapsed "$t0")s ($pkg)"
done
echo "tools: $built built, all in $bin_dir ($(elapsed "$start_all")s)"
