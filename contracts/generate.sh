#!/bin/sh
# Regenerates everything derived from contracts/solidity:
#   build/*.abi, build/*.bin   solc-js (version pinned in package.json) via compile.js
#   *_binding.go               go-ethereum's abigen (the go.mod tool directive pins v1.17.10)
#
# Usage: contracts/generate.sh            (or: go generate ./contracts/)
# Needs node/npm for the compile step; the Go build itself never does.
set -eu
cd "$(dirname "$0")"

if [ ! -d node_modules/solc ]; then
	npm ci --no-audit --no-fund
fi
node compile.js build

bind() {
	go tool abigen --abi "build/$1.abi" --bin "build/$1.bin" --pkg contracts --type "$1" --out "$2"
	chmod 644 "$2"
}
bind ChannelRegistry registry_binding.go
bind MonitorRegistry monitor_registry_binding.go
bind NettingChannel channel_binding.go
