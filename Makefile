# Vigil — build, test and benchmark entry points.
# `make test` is the project's test command (README, .ci/run): on a fresh
# machine with Go, gcc and npm it installs what the tests need itself.

GO        ?= go
GOFLAGS   ?=
TEST_TIMEOUT ?= 45m
BIN       := bin
# The version stamped into vigild and vigil (vigild --version, vigil version).
VERSION   ?= $(shell git describe --always --dirty --tags 2>/dev/null || echo dev)
LDFLAGS   := -X github.com/vigil-monitor/vigil/cmd/internal/buildinfo.version=$(VERSION)

.PHONY: all build test test-deps tools vet fmt-check generate bench clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/ ./cmd/...

# Everything the tests need that is not Go: solc-js (pinned in
# contracts/package-lock.json) for the check that the committed contract
# artifacts match their sources; Debian's chromium and chromedriver for the
# status page's browser test (internal/testkit/browser); PostgreSQL 15's
# server binaries (Debian's postgresql package) for the PostgreSQL store's
# tests (internal/testkit/pgtest). A machine that has them is left alone.
PG_BINDIR ?= /usr/lib/postgresql/15/bin
test-deps:
	@if [ ! -d contracts/node_modules/solc ]; then \
		echo "installing solc-js (contracts/package-lock.json)"; \
		npm ci --prefix contracts --no-audit --no-fund; \
	fi
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		echo "installing chromium and chromium-driver (apt-get) for the status page's browser test"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) || \
		{ echo "could not install them: run apt-get install chromium chromium-driver as root"; exit 1; }; \
	fi
	@if [ ! -x $(PG_BINDIR)/postgres ]; then \
		echo "installing PostgreSQL 15 (Debian package postgresql) for the PostgreSQL store's tests"; \
		SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	fi

# The real servers the tests run (Dendrite, btcd) and the demo (geth), pinned in tools/go.mod
# and built into .cache/bin; a warm run only checks timestamps.
tools:
	GO=$(GO) tools/build.sh

test: tools test-deps fmt-check vet
	$(GO) test $(GOFLAGS) -timeout $(TEST_TIMEOUT) ./...
	@# The performance benchmarks in their quick form (-short sizes, one
	@# iteration each), so that make bench cannot rot.
	GO=$(GO) $(GO) run ./scripts/bench --quick
	@echo "make test: PASSED (gofmt, go vet, go test ./..., the benchmarks' quick form)"

vet:
	$(GO) vet ./...
	cd tools/peerbench && GOWORK=off $(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './contracts/node_modules/*')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# Regenerate the contract artifacts and Go bindings from contracts/solidity.
generate:
	$(GO) generate ./contracts/

# Every performance benchmark at full size, one after the other; rewrites
# docs/BENCHMARKS.md (scripts/bench). 11 minutes on 2 cores from a fresh
# clone with empty Go caches, 2 minutes once its databases are cached.
bench:
	GO=$(GO) $(GO) run ./scripts/bench

clean:
	rm -rf $(BIN)

# One command shows the whole mission on a local stack (scripts/demo): it
# builds what is missing (tools/build.sh, vigild, vigil), starts Dendrite,
# geth --dev, btcd --regtest and vigild on 127.0.0.1, plays the clients with
# the vigil CLI and stops everything. DEMO_ARGS=--keep leaves it running
# until Ctrl-C; DEMO_ARGS="--workdir DIR" keeps its files and logs in DIR.
.PHONY: demo
DEMO_ARGS ?=
# The demo is built, then run (not `go run`, which exits 1 when Ctrl-C
# reaches it, so that the documented stop of --keep would fail make).
demo:
	@echo "demo: building scripts/demo into .cache/bin/vigil-demo (the first time this compiles go-ethereum, btcd and gomatrix: a few minutes; each package is named as it compiles)"
	$(GO) build -v -o .cache/bin/vigil-demo ./scripts/demo
	GO=$(GO) .cache/bin/vigil-demo $(DEMO_ARGS)
