package main

import (
	"bytes"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// Addresses for usage tests: a valid EIP-55 form, its wrongly checksummed
// twin (one letter's case flipped), and both plain cases.
const (
	goodAddr = "0x87F5636c67f2Fd4F11710974766a5B1b6f33FB1d"
	badSum   = "0x87f5636c67f2Fd4F11710974766a5B1b6f33FB1d"
)

func TestHelp(t *testing.T) {
	r := cli("help").ok(t)
	for _, c := range commands {
		if !strings.Contains(r.out, "vigil "+c.name+" ") {
			t.Errorf("help does not list %q", c.name)
		}
	}
	for _, want := range []string{
		"vigil broadcast balance-proof --homeserver URL --user ID (--password-file F | --access-token-file F) --room ALIAS --file MSG.json",
		"vigil broadcast appointment --homeserver URL --user ID (--password-file F | --access-token-file F) --room ALIAS --file APPOINTMENT.json",
		"Matrix room:",
		"Lightning appointments:",
		"vigil ln key new --out FILE",
		"vigil ln appointment --key FILE (--justice-hex HEX | --justice-file F) --commitment-txid TXID --to-self-delay N --start-block N",
		"vigil submit-appointment [--api URL] --file APPOINTMENT.json",
		"vigil appointments [--api URL] [--locator HEX | --commitment-txid TXID]",
		"vigil justice [--api URL] [--outcome LIST]",
		"txids in display order",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("help does not document %q:\n%s", want, r.out)
		}
	}
	if strings.Contains(r.out, "not yet available") {
		t.Errorf("help still announces broadcast as not yet available:\n%s", r.out)
	}
	for _, c := range commands {
		h := cli(append(strings.Fields(c.name), "-h")...).ok(t)
		if !strings.HasPrefix(h.out, "usage: vigil "+c.name+" [flags]") || !strings.Contains(h.out, "flags:\n  --") {
			t.Errorf("vigil %s -h:\n%s", c.name, h.out)
		}
		// Every flag named in the synopsis exists.
		for _, w := range strings.Fields(c.synopsis) {
			w = strings.Trim(w, "[]()|")
			if strings.HasPrefix(w, "--") && !strings.Contains(h.out, "  "+w+" ") && !strings.Contains(h.out, "  "+w+"\n") {
				t.Errorf("vigil %s: synopsis names %s, which -h does not list", c.name, w)
			}
		}
		if hh := cli(append([]string{"help"}, strings.Fields(c.name)...)...).ok(t); hh.out != h.out {
			t.Errorf("vigil help %s differs from vigil %s -h", c.name, c.name)
		}
	}
	cli().fails(t, exitUsage, "Usage: vigil <command>")
	cli("frobnicate").fails(t, exitUsage, `unknown command "frobnicate"`)
	cli("eth").fails(t, exitUsage, "needs a subcommand")
	cli("eth", "frob").fails(t, exitUsage, `not "frob"`)
	cli("help", "frob").fails(t, exitUsage, "unknown command")
}

// TestBroadcastCommands: broadcast is a group of two commands; their -h
// documents what they check and print.
func TestBroadcastCommands(t *testing.T) {
	cli("broadcast").fails(t, exitUsage, "vigil broadcast: needs a subcommand")
	cli("broadcast", "something-else").fails(t, exitUsage, `not "something-else"`)
	r := cli("broadcast").fails(t, exitUsage, "vigil broadcast balance-proof")
	if !strings.Contains(r.err, "vigil broadcast appointment") {
		t.Errorf("vigil broadcast does not list appointment: %q", r.err)
	}
	bp := cli("broadcast", "balance-proof", "-h").ok(t)
	for _, want := range []string{"org.vigil.balance_proof", "--wait-receipts N", "--plain", "--access-token-file FILE",
		`"verified": true`, `"trusted": true`, `"registered": true`, "Only counted receipts count", "--eth-rpc URL", "--monitor-registry ADDR", "--trust ADDR", "--trust-file FILE", "never", "nothing is posted", "(default 1m0s)"} {
		if !strings.Contains(bp.out, want) {
			t.Errorf("broadcast balance-proof -h lacks %q:\n%s", want, bp.out)
		}
	}
	ap := cli("broadcast", "appointment", "-h").ok(t)
	for _, want := range []string{"org.vigil.ln_appointment", `"verified":`, "user_signature || u32be(start_block)", "monitor_pubkey",
		"nothing is posted", "Only trusted receipts count", "--wait-receipts N", "--plain", "--trust KEY", "--trust-file FILE"} {
		if !strings.Contains(ap.out, want) {
			t.Errorf("broadcast appointment -h lacks %q:\n%s", want, ap.out)
		}
	}
	if strings.Contains(ap.out, "not verified yet") || strings.Contains(ap.out, `"verified": null`) {
		t.Errorf("broadcast appointment -h still says receipts are not verified:\n%s", ap.out)
	}
	if strings.Contains(bp.out+ap.out, "not yet available") {
		t.Error("broadcast -h still says not yet available")
	}
}

// TestBadUsage: missing flags, malformed addresses and amounts are refused
// with a message naming the flag, exit status 2, before any I/O.
func TestBadUsage(t *testing.T) {
	eth := []string{"--rpc", "http://127.0.0.1:1", "--keystore", "k.json", "--password-file", "pw"}
	sign := []string{"--keystore", "k.json", "--password-file", "pw", "--chain-id", "1337", "--channel", goodAddr}
	// with puts the command words of more first, then base, then the
	// rest of more.
	with := func(base []string, more ...string) []string {
		i := 0
		for i < len(more) && !strings.HasPrefix(more[i], "-") {
			i++
		}
		return append(append(append([]string{}, more[:i]...), base...), more[i:]...)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"missing partner", with(eth, "eth", "open", "--registry", goodAddr, "--settle-timeout", "5"), "missing required flag --partner"},
		{"missing several", []string{"eth", "open"}, "missing required flags --registry, --partner, --settle-timeout"},
		{"missing rpc", []string{"eth", "deposit", "--channel", goodAddr, "--amount", "1"}, "missing required flags --rpc, --keystore, --password-file"},
		{"missing channel rpc", []string{"eth", "channel", "--channel", goodAddr}, "missing required flag --rpc"},
		{"bad checksum", with(eth, "eth", "open", "--registry", goodAddr, "--partner", badSum, "--settle-timeout", "5"),
			"--partner has a wrong EIP-55 checksum (expected " + goodAddr + ")"},
		{"short address", with(eth, "eth", "deposit", "--channel", "0x1234", "--amount", "1"), "--channel must be a 0x-prefixed 20-byte hex address"},
		{"no 0x", with(eth, "eth", "deposit", "--channel", goodAddr[2:]+"00", "--amount", "1"), "--channel must be a 0x-prefixed"},
		{"zero address", with(eth, "eth", "settle", "--channel", "0x0000000000000000000000000000000000000000"), "--channel is the zero address"},
		{"decimal point", with(eth, "eth", "deposit", "--channel", goodAddr, "--amount", "1.5"), `--amount must be a decimal integer string, got "1.5"`},
		{"negative", with(eth, "eth", "deposit", "--channel", goodAddr, "--amount", "-1"), "--amount must be a decimal integer string"},
		{"exponent", with(eth, "eth", "deposit-reward", "--channel", goodAddr, "--amount", "1e18"), "--amount must be a decimal integer string"},
		{"hex amount", with(eth, "eth", "deposit", "--channel", goodAddr, "--amount", "0x10"), "--amount must be a decimal integer string, not hex"},
		{"leading zero", with(eth, "eth", "deposit", "--channel", goodAddr, "--amount", "010"), "--amount has a leading zero"},
		{"zero amount", with(eth, "eth", "deposit", "--channel", goodAddr, "--amount", "0"), "--amount must be greater than 0 wei"},
		{"overflow", with(eth, "eth", "deposit", "--channel", goodAddr, "--amount", "1"+strings.Repeat("0", 78)), "--amount exceeds 2^256-1"},
		{"bad timeout", with(eth, "eth", "open", "--registry", goodAddr, "--partner", goodAddr, "--settle-timeout", "soon"), "--settle-timeout must be a decimal integer string"},
		{"bad chain id", with(eth, "eth", "settle", "--channel", goodAddr, "--chain-id", "mainnet"), "--chain-id must be a decimal integer string"},
		{"bad wait", with(eth, "eth", "settle", "--channel", goodAddr, "--timeout", "0s"), "--timeout must be positive"},
		{"positional", with(eth, "eth", "settle", "--channel", goodAddr, "now"), `unexpected argument "now"`},
		{"unknown flag", with(eth, "eth", "settle", "--channel", goodAddr, "--force"), "flag provided but not defined: -force"},
		{"nonce zero", with(sign, "sign-proof", "--nonce", "0", "--transferred", "1"), "--nonce must be at least 1"},
		{"nonce overflow", with(sign, "sign-proof", "--nonce", "18446744073709551616", "--transferred", "1"), "--nonce exceeds 2^64-1"},
		{"short locksroot", with(sign, "sign-proof", "--nonce", "1", "--transferred", "1", "--locksroot", "0x12"), "--locksroot must be 32 bytes, got 1"},
		{"bad extra hash", with(sign, "sign-proof", "--nonce", "1", "--transferred", "1", "--extra-hash", strings.Repeat("ab", 32)), "--extra-hash must be 0x-prefixed hex"},
		{"chain id zero", []string{"sign-proof", "--keystore", "k", "--password-file", "p", "--chain-id", "0", "--channel", goodAddr, "--nonce", "1", "--transferred", "1"}, "--chain-id must be greater than 0"},
		{"request reward", with(sign, "sign-request", "--proof", "p.json", "--reward", "lots"), "--reward must be a decimal integer string"},
		{"request missing", []string{"sign-request", "--keystore", "k"}, "missing required flags --password-file, --chain-id, --channel, --proof, --reward"},
		{"account new", []string{"account", "new", "--keystore-dir", "d"}, "missing required flag --password-file"},
		{"submit file", []string{"submit"}, "missing required flag --file"},
		{"submit api", []string{"submit", "--file", "m.json", "--api", "ftp://host"}, `--api "ftp://host" is not an http:// or https:// URL`},
		{"proofs channel", []string{"proofs", "--channel", badSum}, "--channel has a wrong EIP-55 checksum"},
		{"proofs limit", []string{"proofs", "--limit", "0"}, "--limit must be at least 1"},
		{"updates after", []string{"updates", "--after-id", "-3"}, "--after-id must be a decimal integer string"},
		{"delete token", []string{"delete-proofs", "--channel", goodAddr}, "missing required flag --token-file"},
		{"verify file", []string{"verify-receipt"}, "missing required flag --file"},
		{"verify monitor", []string{"verify-receipt", "--file", "r.json", "--monitor", badSum}, "--monitor has a wrong EIP-55 checksum"},
		{"broadcast missing", []string{"broadcast", "balance-proof"}, "missing required flags --homeserver, --room, --file"},
		{"broadcast no secret", append(bcast("balance-proof"), "--file", "m.json"), "missing required flag --password-file or --access-token-file"},
		{"broadcast both secrets", append(bcast("balance-proof"), "--file", "m.json", "--password-file", "pw", "--access-token-file", "tok"),
			"--password-file and --access-token-file exclude each other"},
		{"broadcast no user", []string{"broadcast", "appointment", "--homeserver", "http://hs", "--room", "#r:hs", "--file", "a.json", "--password-file", "pw"},
			"missing required flag --user"},
		{"broadcast homeserver", []string{"broadcast", "appointment", "--homeserver", "hs.example.org", "--room", "#r:hs", "--file", "a.json", "--access-token-file", "t"},
			`--homeserver "hs.example.org" is not an http:// or https:// URL`},
		{"broadcast room id", append(bcast("balance-proof", "--room", "!abc:hs"), "--file", "m.json", "--access-token-file", "t"),
			`--room "!abc:hs" is not a room alias`},
		{"broadcast wait", append(bcast("balance-proof", "--wait-receipts", "-1"), "--file", "m.json", "--access-token-file", "t"),
			"--wait-receipts must be a decimal integer string"},
		{"broadcast bad trust", append(bcast("balance-proof", "--trust", "0x1234"), "--file", "m.json", "--access-token-file", "t"),
			`--trust "0x1234" is not a monitor to trust`},
		{"broadcast bad key", append(bcast("appointment", "--trust", "02abcd"), "--file", "a.json", "--access-token-file", "t"),
			`--trust "02abcd" is not a monitor to trust: neither a compressed public key`},
		{"broadcast no trust", append(bcast("balance-proof", "--wait-receipts", "1"), "--file", "m.json", "--access-token-file", "t"),
			"--wait-receipts counts only receipts from monitors you trust: name them with --trust or --trust-file"},
		{"broadcast timeout", append(bcast("balance-proof", "--timeout", "0s"), "--file", "m.json", "--access-token-file", "t"),
			"--timeout must be positive"},
		{"broadcast chain", append(bcast("balance-proof", "--chain-id", "0"), "--file", "m.json", "--access-token-file", "t"),
			"--chain-id must be greater than 0"},
		{"broadcast positional", append(bcast("appointment", "now"), "--file", "m.json", "--access-token-file", "t"), `unexpected argument "now"`},
		{"ln key new", []string{"ln", "key", "new"}, "missing required flag --out"},
		{"ln appointment", []string{"ln", "appointment", "--key", "k"}, "missing required flags --commitment-txid"},
		{"ln cipher", []string{"ln", "appointment", "--key", "k", "--justice-hex", "00", "--commitment-txid", strings.Repeat("ab", 32),
			"--to-self-delay", "1", "--start-block", "1", "--reward-sat", "1", "--network", "regtest", "--cipher", "des"}, "--cipher must be"},
		{"submit-appointment file", []string{"submit-appointment"}, "missing required flag --file"},
		{"submit-appointment api", []string{"submit-appointment", "--file", "a.json", "--api", "localhost:5080"}, "is not an http:// or https:// URL"},
		{"appointments locator", []string{"appointments", "--locator", "abc"}, "--locator must be exactly 32 hex characters"},
		{"justice limit", []string{"justice", "--limit", "0"}, "--limit must be at least 1"},
		{"justice positional", []string{"justice", "all"}, `unexpected argument "all"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := cli(c.args...)
			r.fails(t, exitUsage, c.want)
			if r.out != "" {
				t.Errorf("usage error printed on stdout: %q", r.out)
			}
			if !strings.Contains(r.err, "-h' for usage") {
				t.Errorf("usage error does not point at -h: %q", r.err)
			}
		})
	}
	// Every case of a plain address form is accepted.
	for _, a := range []string{goodAddr, strings.ToLower(goodAddr), "0x" + strings.ToUpper(goodAddr[2:])} {
		f := newFlags("x", "")
		got, err := f.address("channel", a)
		if err != nil || got != common.HexToAddress(goodAddr) {
			t.Errorf("address %s: %v %v", a, got, err)
		}
	}
}

// TestFailures: errors that are not usage (a wrong password, an
// unreachable node or API) exit with status 1 and a clear message.
func TestFailures(t *testing.T) {
	dir := t.TempDir()
	pw := writeFile(t, dir, "pw", "right\n")
	a := newAccount(t, filepath.Join(dir, "ks"), pw)
	wrong := writeFile(t, dir, "wrong", "wrong\n")
	cli("account", "address", "--keystore", a.file, "--password-file", wrong).fails(t, exitFailure, "wrong password")
	cli("account", "address", "--keystore", filepath.Join(dir, "nope.json"), "--password-file", pw).fails(t, exitFailure, "does not exist")
	empty := writeFile(t, dir, "empty", "\n")
	cli("account", "new", "--keystore-dir", dir, "--password-file", empty).fails(t, exitFailure, "is empty")

	closed := closedPort(t)
	cli("eth", "channel", "--rpc", "http://"+closed, "--channel", goodAddr, "--timeout", "5s").fails(t, exitFailure, "does not answer eth_chainId")
	msg := writeFile(t, dir, "m.json", "{}")
	cli("submit", "--api", "http://"+closed, "--file", msg).fails(t, exitFailure, "connection refused")
	cli("stats", "--api", "http://"+closed).fails(t, exitFailure, "connection refused")
	cli("submit", "--api", "http://"+closed, "--file", filepath.Join(dir, "missing.json")).fails(t, exitFailure, "no such file")
}

// bcast is a broadcast command line with a homeserver and a room; more
// flags follow.
func bcast(sub string, more ...string) []string {
	return append([]string{"broadcast", sub, "--homeserver", "http://127.0.0.1:1", "--room", "#vigil:hs", "--user", "@a:hs"}, more...)
}

// closedPort returns a 127.0.0.1 address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestVersion: `vigil version` prints the build's version and exits 0.
func TestVersion(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"version"}, &out, &errOut); code != exitOK {
		t.Fatalf("vigil version: exit %d, stderr %q", code, errOut.String())
	}
	if !strings.HasPrefix(out.String(), "vigil ") || strings.Count(out.String(), "\n") != 1 {
		t.Fatalf("vigil version printed %q", out.String())
	}
	if code := run([]string{"version", "extra"}, &out, &errOut); code != exitUsage {
		t.Fatalf("vigil version extra: exit %d, want %d", code, exitUsage)
	}
}
