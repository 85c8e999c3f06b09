package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// flagSet is a subcommand's flags with its name and description, and
// helpers that turn bad values into usage errors naming the flag.
type flagSet struct {
	*flag.FlagSet
	name string // "eth open"
	doc  string
}

func newFlags(name, doc string) *flagSet {
	fs := flag.NewFlagSet("vigil "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &flagSet{FlagSet: fs, name: name, doc: doc}
}

// parse parses args. On -h it prints the usage to stdout and returns
// errHelp; a parse error or a positional argument is a usage error.
func (f *flagSet) parse(args []string, stdout io.Writer) error {
	err := f.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		f.usage(stdout)
		return errHelp
	}
	if err != nil {
		return f.usagef("%v", err)
	}
	if f.NArg() > 0 {
		return f.usagef("unexpected argument %q (every input is a flag)", f.Arg(0))
	}
	return nil
}

func (f *flagSet) usage(w io.Writer) {
	fmt.Fprintf(w, "usage: vigil %s [flags]\n\n%s\n\nflags:\n", f.name, strings.TrimSpace(f.doc))
	f.VisitAll(func(fl *flag.Flag) {
		name, usage := flag.UnquoteUsage(fl)
		if name != "" {
			name = " " + name
		}
		fmt.Fprintf(w, "  --%s%s\n        %s", fl.Name, name, usage)
		if fl.DefValue != "" && fl.DefValue != "false" && fl.DefValue != "0" {
			fmt.Fprintf(w, " (default %s)", fl.DefValue)
		}
		fmt.Fprintln(w)
	})
}

func (f *flagSet) usagef(format string, args ...any) error {
	return &usageError{cmd: f.name, msg: fmt.Sprintf(format, args...)}
}

// need checks that the named string flags were given a value.
func (f *flagSet) need(names ...string) error {
	var missing []string
	for _, n := range names {
		fl := f.Lookup(n)
		if fl == nil {
			panic("vigil: no flag " + n)
		}
		if fl.Value.String() == "" {
			missing = append(missing, "--"+n)
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return f.usagef("missing required flag %s", missing[0])
	default:
		return f.usagef("missing required flags %s", strings.Join(missing, ", "))
	}
}

// flagErr turns a monitor parse error about field "--name" into a usage
// error that reads "--name <problem>".
func (f *flagSet) flagErr(name string, err error) error {
	msg := err.Error()
	var me *monitor.Error
	if errors.As(err, &me) {
		msg = me.Message
	}
	msg = strings.Replace(msg, fmt.Sprintf("field %q", "--"+name), "--"+name, 1)
	return f.usagef("%s", msg)
}

// address parses an address flag: 0x-hex, any case, a valid EIP-55
// checksum when mixed case.
func (f *flagSet) address(name, v string) (common.Address, error) {
	a, err := proofs.ParseAddress("--"+name, v)
	if err != nil {
		return common.Address{}, f.flagErr(name, err)
	}
	if a == (common.Address{}) {
		return common.Address{}, f.usagef("--%s is the zero address", name)
	}
	return a, nil
}

// amount parses a decimal wei amount in [0, 2^256-1].
func (f *flagSet) amount(name, v string) (*big.Int, error) {
	if strings.HasPrefix(v, "0x") || strings.HasPrefix(v, "0X") {
		return nil, f.usagef("--%s must be a decimal integer string, not hex", name)
	}
	x, err := monitor.ParseUint256("--"+name, v)
	if err != nil {
		return nil, f.flagErr(name, err)
	}
	return x, nil
}

// positive parses a decimal wei amount that must be above zero.
func (f *flagSet) positive(name, v string) (*big.Int, error) {
	x, err := f.amount(name, v)
	if err != nil {
		return nil, err
	}
	if x.Sign() == 0 {
		return nil, f.usagef("--%s must be greater than 0 wei", name)
	}
	return x, nil
}

// uint parses a decimal uint64.
func (f *flagSet) uint(name, v string) (uint64, error) {
	x, err := monitor.ParseUint64("--"+name, v)
	if err != nil {
		return 0, f.flagErr(name, err)
	}
	return x, nil
}

// chainID parses a chain id flag (a positive decimal).
func (f *flagSet) chainID(name, v string) (*big.Int, error) {
	x, err := f.amount(name, v)
	if err != nil {
		return nil, err
	}
	if x.Sign() == 0 {
		return nil, f.usagef("--%s must be greater than 0", name)
	}
	return x, nil
}

// bytes32 parses an optional 0x-prefixed 32-byte hex value; empty is zero.
func (f *flagSet) bytes32(name, v string) ([32]byte, error) {
	var out [32]byte
	if v == "" {
		return out, nil
	}
	b, err := parseBytes32(v)
	if err != nil {
		return out, f.usagef("--%s %v", name, err)
	}
	return b, nil
}

func parseBytes32(v string) ([32]byte, error) {
	var out [32]byte
	if !strings.HasPrefix(v, "0x") && !strings.HasPrefix(v, "0X") {
		return out, errors.New("must be 0x-prefixed hex")
	}
	b, err := hex.DecodeString(v[2:])
	if err != nil {
		return out, errors.New("is not valid hex")
	}
	if len(b) != 32 {
		return out, fmt.Errorf("must be 32 bytes, got %d", len(b))
	}
	copy(out[:], b)
	return out, nil
}

// readSecret reads a password or token file, dropping the trailing newline
// (as chains/ethereum.LoadKey does for passwords).
func readSecret(path, what string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// printJSON writes v as indented JSON.
func printJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// printRawJSON re-indents a JSON document received from elsewhere.
func printRawJSON(w io.Writer, raw []byte) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, bytes.TrimSpace(raw), "", "  "); err != nil {
		return fmt.Errorf("not a JSON document: %w", err)
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}
