// Command vigil is the client and operator CLI of Vigil: it makes keystore
// accounts, runs a participant's channel operations against an Ethereum
// node, signs balance proofs and monitoring requests, makes and signs
// Lightning watchtower appointments (ln), talks to a vigild's HTTP API
// (submit, list, delete, stats, receipts, appointments, justice), audits a
// vigild's API claims against the chain (audit), and posts
// requests to the monitors' Matrix room (broadcast), waiting for their
// receipts.
//
// It is thin: it parses flags, calls chains/ethereum, contracts/eip712,
// monitor, monitor/tower, monitor/tower/lncrypto, matrixbus and the REST API, and prints. Data
// (addresses, transactions, signed messages, appointments, API answers)
// goes to stdout as JSON (broadcast prints JSON lines); verify-receipt's
// verdict is one line of text, audit's a table of claims (JSON with
// --json); progress notes, warnings and errors go to
// stderr. Exit status: 0 success, 1
// failure (an operation failed, a request was rejected, a receipt did not
// verify or did not arrive in time), 2 bad usage. It holds no logic of its
// own beyond checking its inputs before it spends gas, calls the API or
// posts to the room.
//
// Run "vigil help" for the command list and "vigil <command> -h" for a
// command's flags.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/vigil-monitor/vigil/cmd/internal/buildinfo"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// command is one subcommand; name may be two words ("eth open").
type command struct {
	name     string
	synopsis string
	summary  string
	run      func(args []string, stdout, stderr io.Writer) error
}

// commands in the order "vigil help" lists them.
var commands = []command{
	{"account new", "--keystore-dir DIR --password-file F [--light]", "create a keystore key", cmdAccountNew},
	{"account address", "--keystore FILE --password-file F", "print a keystore key's address", cmdAccountAddress},

	{"eth deploy-registry", "--rpc URL --keystore FILE --password-file F", "deploy a ChannelRegistry", cmdEthDeployRegistry},
	{"eth open", "--registry ADDR --partner ADDR --settle-timeout N [eth flags]", "open a channel with a partner", cmdEthOpen},
	{"eth deposit", "--channel ADDR --amount WEI [eth flags]", "add to your channel deposit", cmdEthDeposit},
	{"eth deposit-reward", "--channel ADDR --amount WEI [eth flags]", "add to your monitoring reward deposit", cmdEthDepositReward},
	{"eth close", "--channel ADDR [--proof FILE] [eth flags]", "close a channel with the partner's balance proof", cmdEthClose},
	{"eth settle", "--channel ADDR [eth flags]", "settle a closed channel after its window", cmdEthSettle},
	{"eth channel", "--rpc URL --channel ADDR", "print a channel's on-chain state", cmdEthChannel},

	{"monitor register", "--registry ADDR --deposit WEI [--payout ADDR] [eth flags]", "register your account as a monitor with a deposit", cmdMonitorRegister},
	{"monitor exit", "--registry ADDR [eth flags]", "end your monitor registration now; the deposit stays locked for the withdraw delay", cmdMonitorExit},
	{"monitor withdraw", "--registry ADDR [eth flags]", "withdraw your monitor deposit after the withdraw delay", cmdMonitorWithdraw},
	{"monitors", "--rpc URL --registry ADDR", "list the registered monitors with their deposits and ages", cmdMonitors},

	{"sign-proof", "--keystore FILE --password-file F --chain-id N --channel ADDR --nonce N --transferred WEI [--locksroot 0x..] [--extra-hash 0x..]",
		"sign a balance proof of your transfers to your partner", cmdSignProof},
	{"sign-request", "--keystore FILE --password-file F --chain-id N --channel ADDR --proof FILE --reward WEI",
		"make a monitoring request from your partner's proof", cmdSignRequest},
	{"verify-receipt", "--file RESPONSE.json [--chain-id N] [--monitor ADDR]", "check a monitor's receipt signature", cmdVerifyReceipt},

	{"ln key new", "--out FILE", "create a secp256k1 key to sign Lightning appointments with", cmdLnKeyNew},
	{"ln appointment", "--key FILE (--justice-hex HEX | --justice-file F) --commitment-txid TXID --to-self-delay N --start-block N " +
		"[--end-block N] --reward-sat N --network NET [--cipher CIPHER]",
		"encrypt and sign a watchtower appointment for a revoked commitment's justice transaction", cmdLnAppointment},

	{"submit", "[--api URL] --file MSG.json", "PUT a monitoring request to a vigild", cmdSubmit},
	{"proofs", "[--api URL] [--channel ADDR] [--participant ADDR] [--limit N] [--after CURSOR] [--all]", "list stored balance proofs", cmdProofs},
	{"updates", "[--api URL] [--channel ADDR] [--outcome LIST] [--limit N] [--after-id N] [--all]", "list updateTransfer records", cmdUpdates},
	{"stats", "[--api URL]", "print the monitor's statistics", cmdStats},
	{"version", "[--json]", "print this build's version", cmdVersion},
	{"delete-proofs", "[--api URL] --token-file F --channel ADDR", "delete a channel's stored proofs (admin)", cmdDeleteProofs},
	{"submit-appointment", "[--api URL] --file APPOINTMENT.json", "PUT a Lightning appointment to a vigild and verify its receipt", cmdSubmitAppointment},
	{"appointments", "[--api URL] [--locator HEX | --commitment-txid TXID] [--blobs] [--limit N] [--after CURSOR] [--all]",
		"list stored Lightning appointments", cmdAppointments},
	{"justice", "[--api URL] [--outcome LIST] [--limit N] [--after-id N] [--all]", "list the watchtower's justice transactions", cmdJustice},
	{"audit", "[--api URL] --eth-rpc URL [--btc-rpc URL --btc-user U --btc-pass-file F] [--json] [--timeout D]",
		"check every claim of a vigild's API (updates, justice, totals) against the chains", cmdAudit},

	{"broadcast balance-proof", "--homeserver URL --user ID (--password-file F | --access-token-file F) --room ALIAS --file MSG.json " +
		"[--plain] [--wait-receipts N (--trust ADDR ... | --trust-file F)] [--timeout D] [--chain-id N]",
		"post a monitoring request to the monitors' Matrix room and wait for receipts from trusted monitors", cmdBroadcastBalanceProof},
	{"broadcast appointment", "--homeserver URL --user ID (--password-file F | --access-token-file F) --room ALIAS --file APPOINTMENT.json " +
		"[--plain] [--wait-receipts N (--trust KEY ... | --trust-file F)] [--timeout D]",
		"post a Lightning appointment to the monitors' Matrix room and wait for receipts from trusted monitors", cmdBroadcastAppointment},
}

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError is bad usage: a missing or malformed flag, an unknown command.
type usageError struct {
	cmd string // "eth open"; empty for the top level
	msg string
}

func (e *usageError) Error() string { return e.msg }

// exitError carries an explicit exit status.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// errHelp is returned by a command that printed its usage on request.
var errHelp = errors.New("help requested")

// run executes the command line args and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c, _, ok := lookup(strings.Fields(strings.Join(args[1:], " "))); ok {
				return finish(c.name, c.run([]string{"-h"}, stdout, stderr), stderr)
			}
			fmt.Fprintf(stderr, "vigil: unknown command %q\n", strings.Join(args[1:], " "))
			return exitUsage
		}
		printUsage(stdout)
		return exitOK
	}
	c, rest, ok := lookup(args)
	if !ok {
		// The longest leading words that start longer command names
		// ("ln", "ln key").
		for k := min(len(args), 2); k >= 1; k-- {
			group := groupCommands(args[:k])
			if len(group) == 0 {
				continue
			}
			what := "a subcommand"
			if len(args) > k {
				what = fmt.Sprintf("a known subcommand, not %q", args[k])
			}
			fmt.Fprintf(stderr, "vigil %s: needs %s:\n", strings.Join(args[:k], " "), what)
			for _, g := range group {
				fmt.Fprintf(stderr, "  vigil %s %s\n", g.name, g.synopsis)
			}
			return exitUsage
		}
		fmt.Fprintf(stderr, "vigil: unknown command %q; run 'vigil help' for the list\n", args[0])
		return exitUsage
	}
	return finish(c.name, c.run(rest, stdout, stderr), stderr)
}

// cmdVersion prints the build's version.
func cmdVersion(args []string, stdout, _ io.Writer) error {
	f := newFlags("version", "Prints this build's version (the git commit it was built from) and Go version.")
	asJSON := f.Bool("json", false, "print {\"version\": ...} instead of a line")
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(map[string]string{"version": buildinfo.Version()})
	}
	fmt.Fprintln(stdout, buildinfo.String("vigil"))
	return nil
}

// lookup finds the command named by the first one or two words of args.
func lookup(args []string) (command, []string, bool) {
	for _, c := range commands {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			return c, args[len(words):], true
		}
	}
	return command{}, nil, false
}

// groupCommands lists the commands whose names start with the words
// prefix and are longer ("eth" gives "eth open", ...).
func groupCommands(prefix []string) []command {
	var out []command
	for _, c := range commands {
		if w := strings.Fields(c.name); len(w) > len(prefix) && slices.Equal(w[:len(prefix)], prefix) {
			out = append(out, c)
		}
	}
	return out
}

// finish prints err and maps it to an exit status.
func finish(name string, err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, errHelp) {
		return exitOK
	}
	var ue *usageError
	if errors.As(err, &ue) {
		n := ue.cmd
		if n == "" {
			n = name
		}
		fmt.Fprintf(stderr, "vigil %s: %s\nrun 'vigil %s -h' for usage\n", n, ue.msg, n)
		return exitUsage
	}
	fmt.Fprintf(stderr, "vigil %s: %v\n", name, err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitFailure
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `vigil is the client and operator CLI of Vigil, the payment-channel monitor.

Usage: vigil <command> [flags]     vigil <command> -h for a command's flags

`)
	section := ""
	for _, c := range commands {
		s := sectionOf(c.name)
		if s != section {
			section = s
			fmt.Fprintf(w, "%s:\n", s)
		}
		fmt.Fprintf(w, "  vigil %s %s\n      %s\n", c.name, c.synopsis, c.summary)
	}
	fmt.Fprint(w, `
eth flags: --rpc URL --keystore FILE --password-file F [--chain-id N] [--timeout D]
--api defaults to `+defaultAPI+` (vigild's default api.listen).
broadcast joins the room by alias (it never creates it) and prints JSON lines.

Amounts are decimal wei strings; addresses 0x-hex, any case, but mixed case
must carry a valid EIP-55 checksum. Bitcoin values are plain hex without 0x:
transactions as bitcoin-cli prints them, txids in display order, locators
the first 16 bytes of the commitment txid in internal byte order; sat and
block heights are decimal. Data is printed to stdout as JSON.
Exit status: 0 success, 1 failure or rejection, 2 bad usage.
`)
}

func sectionOf(name string) string {
	switch {
	case strings.HasPrefix(name, "account "):
		return "Accounts"
	case strings.HasPrefix(name, "eth "):
		return "Channel operations on Ethereum"
	case strings.HasPrefix(name, "sign-"), name == "verify-receipt":
		return "Signing"
	case strings.HasPrefix(name, "ln "):
		return "Lightning appointments"
	case strings.HasPrefix(name, "broadcast"):
		return "Matrix room"
	default:
		return "Monitor API"
	}
}
