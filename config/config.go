// Package config turns one TOML file, VIGIL_* environment variables and
// command-line flags into the typed, validated Config of the Vigil daemon.
//
// Precedence, highest first: flags, environment, file, built-in defaults.
// Every setting is declared once, in the settings table below; that table
// drives the flags, the environment variable names, the file keys, --help
// (Usage) and WriteTOML, so they cannot drift apart. Errors name the setting
// by its TOML path ("ethereum.registry_address: not a valid address ...")
// and Load reports all of them at once.
//
// These are user-facing settings only. This package must not open
// databases, keystores or network connections, and it does not import the
// packages it configures: cmd/vigild copies these values into each
// package's own runtime Config, whose constructor validates again.
package config

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/ethereum/go-ethereum/common"
)

// ErrHelp is returned by Load for -h or --help: the caller prints Usage and
// exits with status 0.
var ErrHelp = flag.ErrHelp

// Config is the daemon's effective configuration. The comment on each field
// gives its TOML key; flags and environment variables follow from it (see
// Usage).
type Config struct {
	DataDir  string // data_dir
	Log      LogConfig
	API      APIConfig
	Store    StoreConfig
	Ethereum EthereumConfig
	Gas      GasConfig
	Policy   PolicyConfig
	Matrix   MatrixConfig
	Bitcoin  BitcoinConfig
}

// BitcoinConfig is the [bitcoin] section: the Lightning watchtower.
type BitcoinConfig struct {
	Enabled         bool          // enabled
	RPCHost         string        // rpc_host: host:port of btcd or bitcoind JSON-RPC
	RPCUser         string        // rpc_user
	RPCPasswordFile string        // rpc_password_file
	RPCTLS          bool          // rpc_tls
	Network         string        // network: mainnet, testnet, signet or regtest
	PollInterval    time.Duration // poll_interval
	StartHeight     uint64        // start_height: 0 means the tip at first start
	PayoutAddress   string        // payout_address: where bounties go
	MinRewardSat    uint64        // min_reward_sat
	FallbackFeeRate uint64        // fallback_fee_rate: sat per 1000 vbytes when the node has no estimate
	MaxFeeRate      uint64        // max_fee_rate: sat per 1000 vbytes
	Confirmations   uint64        // confirmations: a justice transaction is final after this many
	RateLimitPerKey float64       // rate_limit_per_key: appointments per second per user key; 0 disables
	RateBurst       int           // rate_burst
	RPCTimeout      time.Duration // rpc_timeout: bounds one node call and the node reads of one appointment
}

// LogConfig is the [log] section.
type LogConfig struct {
	Level  string // level: debug, info, warn or error
	Format string // format: text or json
}

// APIConfig is the [api] section.
type APIConfig struct {
	Listen         string        // listen: host:port; empty disables the API
	AdminTokenFile string        // admin_token_file: Load derives data_dir/admin.token when empty
	MaxBodyBytes   int64         // max_body_bytes
	ReadTimeout    time.Duration // read_timeout
	WriteTimeout   time.Duration // write_timeout
	PageLimitMax   int           // page_limit_max
}

// StoreConfig is the [store] section.
type StoreConfig struct {
	Path        string        // path: Load derives data_dir/vigil.db when empty
	BusyTimeout time.Duration // busy_timeout
}

// EthereumConfig is the [ethereum] section.
type EthereumConfig struct {
	RPCURL          string         // rpc_url
	ChainID         *big.Int       // chain_id: nil means the node's chain is not checked
	RegistryAddress common.Address // registry_address
	StartBlock      uint64         // start_block
	Confirmations   uint64         // confirmations
	PollInterval    time.Duration  // poll_interval
	MaxBlockRange   uint64         // max_block_range
	KeystoreFile    string         // keystore_file
	PasswordFile    string         // password_file
	PayoutAddress   common.Address // payout_address: zero means the keystore account
	RPCTimeout      time.Duration  // rpc_timeout
}

// GasConfig is the [gas] section.
type GasConfig struct {
	MaxGasPriceWei     *big.Int // max_gas_price_wei
	DeadlineMultiplier float64  // deadline_multiplier
	ReplaceAfterBlocks uint64   // replace_after_blocks
	MinBalanceWei      *big.Int // min_balance_wei
}

// PolicyConfig is the [policy] section.
type PolicyConfig struct {
	MinRewardWei        *big.Int         // min_reward_wei
	ProfitFactor        float64          // profit_factor
	UpdateGas           uint64           // update_gas: 0 means the built-in measured value
	UpdateGasMax        uint64           // update_gas_max: the most the learned gas may reach
	MarginBlocks        uint64           // standdown_margin_blocks
	MarginFraction      float64          // standdown_margin_fraction
	Strategy            string           // strategy: immediate or slotted
	AltruisticAddresses []common.Address // altruistic_addresses
	RateLimitPerKey     float64          // rate_limit_per_key, per second
	RateBurst           int              // rate_burst
}

// MatrixConfig is the [matrix] section.
type MatrixConfig struct {
	Enabled            bool    // enabled
	HomeserverURL      string  // homeserver_url
	UserID             string  // user_id, e.g. @vigil:example.org
	PasswordFile       string  // password_file
	AccessTokenFile    string  // access_token_file
	RoomAlias          string  // room_alias: Load derives #vigil-monitoring:<server of user_id> when empty
	CreateRoom         bool    // create_room
	PostReceipts       bool    // post_receipts
	CatchupLimit       int     // catchup_limit
	MaxEventBytes      int     // max_event_bytes
	RateLimitPerSender float64 // rate_limit_per_sender, per second
	RateBurst          int     // rate_burst
}

// SlogLevel returns Level as a slog.Level (info for anything Validate rejects).
func (l LogConfig) SlogLevel() slog.Level {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(l.Level))
	return lv
}

// setting is one row of the table. The flag is "--" + key with "_" turned
// into "-" (the underscore spelling is accepted too); the environment
// variable is VIGIL_ + KEY with "." turned into "_".
type setting struct {
	key   string              // TOML path, e.g. "ethereum.rpc_url"
	def   string              // default, in the text form flags and env use
	show  string              // how Usage shows a default that is not def (required, derived)
	usage string              // one line for Usage and WriteTOML
	bind  func(*Config) value // the typed field this setting fills
}

var settings = []setting{
	{"data_dir", "", "= $HOME/.vigil", "directory for the database, the admin token and other state",
		func(c *Config) value { return stringValue{&c.DataDir} }},

	{"log.level", "info", "", "least severe level logged: debug, info, warn or error",
		func(c *Config) value { return stringValue{&c.Log.Level} }},
	{"log.format", "text", "", "log line format: text or json",
		func(c *Config) value { return stringValue{&c.Log.Format} }},

	{"api.listen", "127.0.0.1:5080", "", "host:port of the HTTP API; empty disables the API",
		func(c *Config) value { return stringValue{&c.API.Listen} }},
	{"api.admin_token_file", "", "= <data_dir>/admin.token", "file holding the bearer token of the admin endpoints",
		func(c *Config) value { return stringValue{&c.API.AdminTokenFile} }},
	{"api.max_body_bytes", "65536", "", "largest request body accepted, in bytes",
		func(c *Config) value { return uintValue[int64]{&c.API.MaxBodyBytes} }},
	{"api.read_timeout", "10s", "", "time allowed to read a request",
		func(c *Config) value { return durationValue{&c.API.ReadTimeout} }},
	{"api.write_timeout", "15s", "", "time allowed to write a response; must exceed ethereum.rpc_timeout and bitcoin.rpc_timeout",
		func(c *Config) value { return durationValue{&c.API.WriteTimeout} }},
	{"api.page_limit_max", "1000", "", "largest page size a client may ask for",
		func(c *Config) value { return uintValue[int]{&c.API.PageLimitMax} }},

	{"store.path", "", "= <data_dir>/vigil.db", "SQLite database file",
		func(c *Config) value { return stringValue{&c.Store.Path} }},
	{"store.busy_timeout", "5s", "", "how long a write waits for a locked database",
		func(c *Config) value { return durationValue{&c.Store.BusyTimeout} }},

	{"ethereum.rpc_url", "", "(required)", "JSON-RPC endpoint of the Ethereum node: http(s):// or ws(s)://",
		func(c *Config) value { return stringValue{&c.Ethereum.RPCURL} }},
	{"ethereum.chain_id", "", "(unset: not checked)", "expected chain ID, decimal; when set the daemon refuses a node on another chain",
		func(c *Config) value { return amountValue{&c.Ethereum.ChainID} }},
	{"ethereum.registry_address", "", "(required)", "address of the channel registry contract; a mixed-case address must carry a valid EIP-55 checksum",
		func(c *Config) value { return addressValue{&c.Ethereum.RegistryAddress} }},
	{"ethereum.start_block", "0", "", "block to start scanning from when there is no stored cursor",
		func(c *Config) value { return uintValue[uint64]{&c.Ethereum.StartBlock} }},
	{"ethereum.confirmations", "2", "", "blocks a log must be buried under before Vigil acts on it",
		func(c *Config) value { return uintValue[uint64]{&c.Ethereum.Confirmations} }},
	{"ethereum.poll_interval", "2s", "", "how often to ask the node for new blocks",
		func(c *Config) value { return durationValue{&c.Ethereum.PollInterval} }},
	{"ethereum.max_block_range", "5000", "", "most blocks covered by one log query (at least 1)",
		func(c *Config) value { return uintValue[uint64]{&c.Ethereum.MaxBlockRange} }},
	{"ethereum.keystore_file", "", "(required)", "go-ethereum keystore JSON file of the account that sends transactions",
		func(c *Config) value { return stringValue{&c.Ethereum.KeystoreFile} }},
	{"ethereum.password_file", "", "(required)", "file holding the keystore password",
		func(c *Config) value { return stringValue{&c.Ethereum.PasswordFile} }},
	{"ethereum.payout_address", "", "(unset: the keystore account)", "address that receives the rewards",
		func(c *Config) value { return addressValue{&c.Ethereum.PayoutAddress} }},
	{"ethereum.rpc_timeout", "10s", "", "timeout of one RPC call, and of all node reads of one balance proof (then 503 chain_unavailable)",
		func(c *Config) value { return durationValue{&c.Ethereum.RPCTimeout} }},

	{"gas.max_gas_price_wei", "500000000000", "", "highest gas price Vigil pays, in wei (default 500 gwei)",
		func(c *Config) value { return amountValue{&c.Gas.MaxGasPriceWei} }},
	{"gas.deadline_multiplier", "3.0", "", "the gas price rises from the node's suggestion toward this multiple of it as the challenge window runs out (at least 1)",
		func(c *Config) value { return floatValue{&c.Gas.DeadlineMultiplier} }},
	{"gas.replace_after_blocks", "3", "", "blocks without inclusion before a transaction is replaced at a higher price",
		func(c *Config) value { return uintValue[uint64]{&c.Gas.ReplaceAfterBlocks} }},
	{"gas.min_balance_wei", "10000000000000000", "", "warn when the sending account holds less than this, in wei (default 0.01 ETH)",
		func(c *Config) value { return amountValue{&c.Gas.MinBalanceWei} }},

	{"policy.min_reward_wei", "0", "", "smallest reward accepted, in wei",
		func(c *Config) value { return amountValue{&c.Policy.MinRewardWei} }},
	{"policy.profit_factor", "1.5", "", "accept a request only if its reward is at least this multiple of the expected gas cost (at least 0)",
		func(c *Config) value { return floatValue{&c.Policy.ProfitFactor} }},
	{"policy.update_gas", "0", "", "gas one update is expected to cost before any is seen on chain; 0 uses the built-in measured value. Vigil then learns the chain's real cost from its estimates and from updates mined on chain",
		func(c *Config) value { return uintValue[uint64]{&c.Policy.UpdateGas} }},
	{"policy.update_gas_max", "2000000", "", "the most the learned gas of one update may reach",
		func(c *Config) value { return uintValue[uint64]{&c.Policy.UpdateGasMax} }},
	{"policy.standdown_margin_blocks", "4", "", "a competitor's pending update stops counting at most this many blocks before the deadline: from then on Vigil sends its own unless an update with its nonce or newer is mined (at least 1)",
		func(c *Config) value { return uintValue[uint64]{&c.Policy.MarginBlocks} }},
	{"policy.standdown_margin_fraction", "0.2", "", "... or this fraction of the challenge window before the deadline, whichever is earlier (0 to 1)",
		func(c *Config) value { return floatValue{&c.Policy.MarginFraction} }},
	{"policy.strategy", "immediate", "", "when to act inside the challenge window: immediate or slotted",
		func(c *Config) value { return stringValue{&c.Policy.Strategy} }},
	{"policy.altruistic_addresses", "", "(none)", "addresses monitored regardless of reward",
		func(c *Config) value { return addressListValue{&c.Policy.AltruisticAddresses} }},
	{"policy.rate_limit_per_key", "5", "", "requests per second accepted per client key; 0 disables the limit",
		func(c *Config) value { return floatValue{&c.Policy.RateLimitPerKey} }},
	{"policy.rate_burst", "20", "", "requests accepted in a burst above policy.rate_limit_per_key",
		func(c *Config) value { return uintValue[int]{&c.Policy.RateBurst} }},

	{"matrix.enabled", "false", "", "join the Matrix room and accept requests from it",
		func(c *Config) value { return boolValue{&c.Matrix.Enabled} }},
	{"matrix.homeserver_url", "", "(required when enabled)", "base URL of the Matrix homeserver, http(s)://",
		func(c *Config) value { return stringValue{&c.Matrix.HomeserverURL} }},
	{"matrix.user_id", "", "(required when enabled)", "Matrix user to log in as, e.g. @vigil:example.org",
		func(c *Config) value { return stringValue{&c.Matrix.UserID} }},
	{"matrix.password_file", "", "", "file holding the Matrix password (this or matrix.access_token_file)",
		func(c *Config) value { return stringValue{&c.Matrix.PasswordFile} }},
	{"matrix.access_token_file", "", "", "file holding a Matrix access token (this or matrix.password_file)",
		func(c *Config) value { return stringValue{&c.Matrix.AccessTokenFile} }},
	{"matrix.room_alias", "", "= #vigil-monitoring:<server of matrix.user_id>", "alias of the room to join",
		func(c *Config) value { return stringValue{&c.Matrix.RoomAlias} }},
	{"matrix.create_room", "false", "", "create the room when its alias does not exist",
		func(c *Config) value { return boolValue{&c.Matrix.CreateRoom} }},
	{"matrix.post_receipts", "true", "", "post a receipt in the room for each accepted request",
		func(c *Config) value { return boolValue{&c.Matrix.PostReceipts} }},
	{"matrix.catchup_limit", "1000", "", "most room events read when catching up after downtime",
		func(c *Config) value { return uintValue[int]{&c.Matrix.CatchupLimit} }},
	{"matrix.max_event_bytes", "16384", "", "largest room event accepted, in bytes",
		func(c *Config) value { return uintValue[int]{&c.Matrix.MaxEventBytes} }},
	{"matrix.rate_limit_per_sender", "5", "", "events per second accepted per sender; 0 disables the limit",
		func(c *Config) value { return floatValue{&c.Matrix.RateLimitPerSender} }},
	{"matrix.rate_burst", "20", "", "events accepted in a burst above matrix.rate_limit_per_sender",
		func(c *Config) value { return uintValue[int]{&c.Matrix.RateBurst} }},

	{"bitcoin.enabled", "false", "", "run the Lightning watchtower: accept appointments and watch Bitcoin blocks",
		func(c *Config) value { return boolValue{&c.Bitcoin.Enabled} }},
	{"bitcoin.rpc_host", "127.0.0.1:8332", "", "host:port of the Bitcoin node's JSON-RPC (btcd or bitcoind; the node needs a transaction index)",
		func(c *Config) value { return stringValue{&c.Bitcoin.RPCHost} }},
	{"bitcoin.rpc_user", "", "", "JSON-RPC user",
		func(c *Config) value { return stringValue{&c.Bitcoin.RPCUser} }},
	{"bitcoin.rpc_password_file", "", "", "file holding the JSON-RPC password",
		func(c *Config) value { return stringValue{&c.Bitcoin.RPCPasswordFile} }},
	{"bitcoin.rpc_tls", "false", "", "use TLS for the JSON-RPC connection",
		func(c *Config) value { return boolValue{&c.Bitcoin.RPCTLS} }},
	{"bitcoin.network", "mainnet", "", "network the node must be on: mainnet, testnet, signet or regtest",
		func(c *Config) value { return stringValue{&c.Bitcoin.Network} }},
	{"bitcoin.poll_interval", "5s", "", "how often to ask the node for new blocks",
		func(c *Config) value { return durationValue{&c.Bitcoin.PollInterval} }},
	{"bitcoin.rpc_timeout", "10s", "", "timeout of one RPC call, and of all node reads of one appointment (then 503 chain_unavailable)",
		func(c *Config) value { return durationValue{&c.Bitcoin.RPCTimeout} }},
	{"bitcoin.start_height", "0", "", "height to start from when there is no stored cursor; 0 means the tip",
		func(c *Config) value { return uintValue[uint64]{&c.Bitcoin.StartHeight} }},
	{"bitcoin.payout_address", "", "(required when enabled)", "Bitcoin address (segwit) that receives the bounties",
		func(c *Config) value { return stringValue{&c.Bitcoin.PayoutAddress} }},
	{"bitcoin.min_reward_sat", "1000", "", "smallest bounty accepted, in satoshi, after the expected fee",
		func(c *Config) value { return uintValue[uint64]{&c.Bitcoin.MinRewardSat} }},
	{"bitcoin.fallback_fee_rate", "2000", "", "fee rate in sat per 1000 vbytes when the node has no estimate",
		func(c *Config) value { return uintValue[uint64]{&c.Bitcoin.FallbackFeeRate} }},
	{"bitcoin.max_fee_rate", "500000", "", "highest fee rate paid, in sat per 1000 vbytes",
		func(c *Config) value { return uintValue[uint64]{&c.Bitcoin.MaxFeeRate} }},
	{"bitcoin.confirmations", "6", "", "confirmations after which a justice transaction is final",
		func(c *Config) value { return uintValue[uint64]{&c.Bitcoin.Confirmations} }},
	{"bitcoin.rate_limit_per_key", "5", "", "appointments per second accepted per user key; 0 disables the limit",
		func(c *Config) value { return floatValue{&c.Bitcoin.RateLimitPerKey} }},
	{"bitcoin.rate_burst", "20", "", "appointments accepted in a burst above bitcoin.rate_limit_per_key",
		func(c *Config) value { return uintValue[int]{&c.Bitcoin.RateBurst} }},
}

func (s setting) flag() string { return strings.ReplaceAll(s.key, "_", "-") }

func (s setting) env() string {
	return "VIGIL_" + strings.ToUpper(strings.ReplaceAll(s.key, ".", "_"))
}

func (s setting) kind() kind { return s.bind(new(Config)).kind() }

// split returns the section ("" at top level) and the key inside it.
func (s setting) split() (section, name string) {
	if i := strings.IndexByte(s.key, '.'); i >= 0 {
		return s.key[:i], s.key[i+1:]
	}
	return "", s.key
}

func lookup(key string) (setting, bool) {
	for _, s := range settings {
		if s.key == key {
			return s, true
		}
	}
	return setting{}, false
}

func isSection(name string) bool {
	return slices.ContainsFunc(settings, func(s setting) bool {
		sec, _ := s.split()
		return sec == name
	})
}

// Default returns the built-in defaults. Derived settings (store.path,
// api.admin_token_file, matrix.room_alias) stay empty; Load fills them.
func Default() Config {
	home, _ := os.UserHomeDir()
	return defaults(home)
}

func defaults(home string) Config {
	var c Config
	for _, s := range settings {
		if err := s.bind(&c).Set(s.def); err != nil {
			panic(fmt.Sprintf("config: bad default for %s: %v", s.key, err))
		}
	}
	if home != "" {
		c.DataDir = filepath.Join(home, ".vigil")
	}
	return c
}

// FieldError is one problem with one setting.
type FieldError struct {
	Key    string // TOML path, e.g. "ethereum.rpc_url"
	Source string // where the value came from (flag, variable or file); empty for defaults
	Err    error
}

func (e *FieldError) Error() string {
	if e.Source == "" {
		return e.Key + ": " + e.Err.Error()
	}
	return fmt.Sprintf("%s: %v (from %s)", e.Key, e.Err, e.Source)
}

func (e *FieldError) Unwrap() error { return e.Err }

// flagError rewrites the flag package's errors in the settings' own words,
// suggesting the nearest setting for an unknown flag.
func flagError(err error) error {
	msg := err.Error()
	name, ok := strings.CutPrefix(msg, "flag provided but not defined: -")
	if !ok {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errors.New(strings.Replace(msg, " -", " --", 1))
	}
	name = strings.TrimLeft(name, "-")
	out := fmt.Sprintf("unknown setting --%s", name)
	if near := nearestSetting(name); near != "" {
		out += fmt.Sprintf("; did you mean --%s?", near)
	}
	return errors.New(out + " (vigild --help lists every setting)")
}

// nearestSetting is the flag (dashed form) closest to name by edit
// distance, if it is close enough to be a likely typo.
func nearestSetting(name string) string {
	norm := strings.ReplaceAll(strings.ToLower(name), "_", "-")
	best, bestD := "", len(norm)/2+1
	for _, s := range settings {
		for _, cand := range []string{s.flag(), strings.ReplaceAll(s.key, "_", "-")} {
			if d := editDistance(norm, cand); d < bestD {
				best, bestD = s.flag(), d
			}
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Load builds the effective Config from args (without the program name),
// the environment seen through getenv and the TOML file named by --config
// (or VIGIL_CONFIG), then validates it. It reports every problem at once,
// joined with errors.Join, each a *FieldError naming the setting. For -h or
// --help it returns ErrHelp.
func Load(args []string, getenv func(string) string) (*Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}

	// Flags only record text; every value is parsed below, whatever its source.
	fromFlags := map[string]string{}
	fs := flag.NewFlagSet("vigild", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	configFile := fs.String("config", "", "")
	for _, s := range settings {
		var v flag.Value = flagText{s.key, fromFlags}
		if s.kind() == kBool {
			v = boolFlagText{flagText{s.key, fromFlags}}
		}
		fs.Var(v, s.flag(), "")
		if s.flag() != s.key {
			fs.Var(v, s.key, "")
		}
	}
	if err := fs.Parse(args); err != nil {
		return nil, flagError(err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q: settings are given as --section.key=value", fs.Arg(0))
	}

	type text struct{ val, source string }
	raw := map[string]text{}
	var errs []error
	failed := map[string]bool{}

	path := *configFile
	if path == "" {
		path = getenv("VIGIL_CONFIG")
	}
	if path != "" {
		vals, ferrs, err := readFile(path)
		if err != nil {
			return nil, err
		}
		for k, v := range vals {
			raw[k] = text{v, path}
		}
		for _, e := range ferrs {
			failed[e.Key] = true
			errs = append(errs, e)
		}
	}
	for _, s := range settings {
		if v := getenv(s.env()); v != "" {
			raw[s.key] = text{v, s.env()}
		}
		if v, ok := fromFlags[s.key]; ok {
			raw[s.key] = text{v, "--" + s.flag()}
		}
	}

	c := defaults(getenv("HOME"))
	for _, s := range settings {
		r, ok := raw[s.key]
		if !ok {
			continue
		}
		if err := s.bind(&c).Set(r.val); err != nil {
			failed[s.key] = true
			errs = append(errs, &FieldError{Key: s.key, Source: r.source, Err: err})
		}
	}
	c.fillDerived()
	for _, e := range c.check() {
		if !failed[e.Key] {
			e.Source = raw[e.Key].source
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &c, nil
}

type flagText struct {
	key string
	to  map[string]string
}

func (f flagText) String() string        { return "" }
func (f flagText) Set(text string) error { f.to[f.key] = text; return nil }

type boolFlagText struct{ flagText }

func (boolFlagText) IsBoolFlag() bool { return true }

// readFile returns the text form of every setting in the TOML file at path,
// and one error per unknown key or value of the wrong TOML type. The error
// is for a file that cannot be read or parsed.
func readFile(path string) (map[string]string, []*FieldError, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("config file: %w", err)
	}
	var tree map[string]any
	md, err := toml.Decode(string(data), &tree)
	if err != nil {
		return nil, nil, fmt.Errorf("config file %s: %w", path, err)
	}
	vals := map[string]string{}
	var errs []*FieldError
	bad := map[string]bool{} // reported keys; their children are not reported again
	for _, k := range md.Keys() {
		key := k.String()
		if len(k) > 1 && bad[k[:len(k)-1].String()] {
			bad[key] = true
			continue
		}
		v := valueAt(tree, k)
		var err error
		if s, ok := lookup(key); ok {
			var text string
			if text, err = fileText(s.kind(), v); err == nil {
				vals[key] = text
			}
		} else if len(k) == 1 && isSection(key) {
			if _, ok := v.(map[string]any); !ok {
				err = fmt.Errorf("must be a table ([%s]), got %s", key, tomlType(v))
			}
		} else {
			err = errors.New("unknown key")
		}
		if err != nil {
			bad[key] = true
			errs = append(errs, &FieldError{Key: key, Source: path, Err: err})
		}
	}
	return vals, errs, nil
}

func valueAt(tree map[string]any, k toml.Key) any {
	var v any = tree
	for _, name := range k {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[name]
	}
	return v
}

// fileText converts a decoded TOML value into the text form Set parses,
// checking that its TOML type suits the setting.
func fileText(k kind, v any) (string, error) {
	switch v := v.(type) {
	case string:
		if k == kString || k == kAmount {
			return v, nil
		}
	case int64:
		if k == kInt || k == kFloat || k == kAmount {
			return strconv.FormatInt(v, 10), nil
		}
	case float64:
		if k == kFloat {
			return strconv.FormatFloat(v, 'g', -1, 64), nil
		}
	case bool:
		if k == kBool {
			return strconv.FormatBool(v), nil
		}
	case []any:
		if k == kList {
			items := make([]string, len(v))
			for i, item := range v {
				s, ok := item.(string)
				if !ok {
					return "", fmt.Errorf("expected %s, got an array holding %s", k, tomlType(item))
				}
				items[i] = s
			}
			return strings.Join(items, ","), nil
		}
	}
	return "", fmt.Errorf("expected %s, got %s", k, tomlType(v))
}

func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case []any, []map[string]any:
		return "an array"
	case map[string]any:
		return "a table"
	case time.Time:
		return "a date-time"
	}
	return fmt.Sprintf("%T", v)
}

// fillDerived fills the settings whose defaults depend on others.
func (c *Config) fillDerived() {
	if c.DataDir != "" && c.Store.Path == "" {
		c.Store.Path = filepath.Join(c.DataDir, "vigil.db")
	}
	if c.DataDir != "" && c.API.AdminTokenFile == "" {
		c.API.AdminTokenFile = filepath.Join(c.DataDir, "admin.token")
	}
	if server := matrixServer(c.Matrix.UserID); server != "" && c.Matrix.RoomAlias == "" {
		c.Matrix.RoomAlias = "#vigil-monitoring:" + server
	}
}

// matrixServer returns the server name of a user ID "@local:server", or "".
func matrixServer(userID string) string {
	local, server, ok := strings.Cut(userID, ":")
	if !ok || len(local) < 2 || local[0] != '@' || server == "" {
		return ""
	}
	return server
}

// Validate checks the settings and their relations. It reports every
// problem, joined with errors.Join, each a *FieldError naming the setting.
func (c *Config) Validate() error {
	var errs []error
	for _, e := range c.check() {
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}

// check reports every problem with the settings, section by section, in
// the order of the settings table.
func (c *Config) check() []*FieldError {
	k := &checker{}
	k.required("data_dir", c.DataDir != "")
	c.checkLog(k)
	c.checkAPI(k)
	c.checkStore(k)
	c.checkEthereum(k)
	c.checkGas(k)
	c.checkPolicy(k)
	c.checkBitcoin(k)
	c.checkAnswerMargin(k)
	c.checkMatrix(k)
	return k.errs
}

func (c *Config) checkLog(k *checker) {
	k.oneOf("log.level", c.Log.Level, "debug", "info", "warn", "error")
	k.oneOf("log.format", c.Log.Format, "text", "json")
}

func (c *Config) checkAPI(k *checker) {
	if c.API.Listen != "" {
		if _, port, err := net.SplitHostPort(c.API.Listen); err != nil || !validPort(port) {
			k.fail("api.listen", "not a host:port address %q", c.API.Listen)
		}
		k.required("api.admin_token_file", c.API.AdminTokenFile != "" || c.DataDir == "")
	}
	k.atLeast("api.max_body_bytes", float64(c.API.MaxBodyBytes), 1)
	k.positive("api.read_timeout", c.API.ReadTimeout)
	k.positive("api.write_timeout", c.API.WriteTimeout)
	k.atLeast("api.page_limit_max", float64(c.API.PageLimitMax), 1)
}

func (c *Config) checkStore(k *checker) {
	// Without data_dir (reported first) the derived paths are missing too.
	k.required("store.path", c.Store.Path != "" || c.DataDir == "")
	if c.Store.BusyTimeout < 0 {
		k.fail("store.busy_timeout", "must not be negative; got %v", c.Store.BusyTimeout)
	}
}

func (c *Config) checkEthereum(k *checker) {
	if c.Ethereum.RPCURL == "" {
		k.required("ethereum.rpc_url", false)
	} else {
		k.urlWith("ethereum.rpc_url", c.Ethereum.RPCURL, "http", "https", "ws", "wss")
	}
	k.amount("ethereum.chain_id", c.Ethereum.ChainID, false)
	if c.Ethereum.ChainID != nil && c.Ethereum.ChainID.Sign() == 0 {
		k.fail("ethereum.chain_id", "must be positive when set")
	}
	k.required("ethereum.registry_address", c.Ethereum.RegistryAddress != common.Address{})
	k.positive("ethereum.poll_interval", c.Ethereum.PollInterval)
	k.atLeast("ethereum.max_block_range", float64(c.Ethereum.MaxBlockRange), 1)
	k.required("ethereum.keystore_file", c.Ethereum.KeystoreFile != "")
	k.required("ethereum.password_file", c.Ethereum.PasswordFile != "")
	k.positive("ethereum.rpc_timeout", c.Ethereum.RPCTimeout)
}

func (c *Config) checkGas(k *checker) {
	k.amount("gas.max_gas_price_wei", c.Gas.MaxGasPriceWei, true)
	if c.Gas.MaxGasPriceWei != nil && c.Gas.MaxGasPriceWei.Sign() == 0 {
		k.fail("gas.max_gas_price_wei", "must be positive")
	}
	k.atLeast("gas.deadline_multiplier", c.Gas.DeadlineMultiplier, 1)
	k.atLeast("gas.replace_after_blocks", float64(c.Gas.ReplaceAfterBlocks), 1)
	k.amount("gas.min_balance_wei", c.Gas.MinBalanceWei, true)
}

func (c *Config) checkPolicy(k *checker) {
	p := c.Policy
	k.amount("policy.min_reward_wei", p.MinRewardWei, true)
	k.atLeast("policy.profit_factor", p.ProfitFactor, 0)
	k.atLeast("policy.update_gas_max", float64(p.UpdateGasMax), 21000)
	if p.UpdateGas > p.UpdateGasMax {
		k.fail("policy.update_gas", "must not exceed policy.update_gas_max (%d); got %d", p.UpdateGasMax, p.UpdateGas)
	}
	k.atLeast("policy.standdown_margin_blocks", float64(p.MarginBlocks), 1)
	if !(p.MarginFraction >= 0 && p.MarginFraction <= 1) {
		k.fail("policy.standdown_margin_fraction", "must be between 0 and 1; got %v", p.MarginFraction)
	}
	k.oneOf("policy.strategy", p.Strategy, "immediate", "slotted")
	if slices.Contains(p.AltruisticAddresses, common.Address{}) {
		k.fail("policy.altruistic_addresses", "must not contain the zero address")
	}
	k.rateLimit("policy.rate_limit_per_key", p.RateLimitPerKey)
	k.atLeast("policy.rate_burst", float64(p.RateBurst), 1)
}

func (c *Config) checkBitcoin(k *checker) {
	b := c.Bitcoin
	if b.Enabled {
		k.required("bitcoin.rpc_host", b.RPCHost != "")
		k.required("bitcoin.payout_address", b.PayoutAddress != "")
	}
	k.oneOf("bitcoin.network", b.Network, "mainnet", "testnet", "signet", "regtest")
	k.rateLimit("bitcoin.rate_limit_per_key", b.RateLimitPerKey)
	k.atLeast("bitcoin.confirmations", float64(b.Confirmations), 1)
	k.positive("bitcoin.rpc_timeout", b.RPCTimeout)
}

// checkAnswerMargin: a PUT waits at most the node timeout for its node
// reads; the answer (503 chain_unavailable) must still be written before
// the server's write timeout closes the connection.
func (c *Config) checkAnswerMargin(k *checker) {
	if c.API.Listen == "" || c.API.WriteTimeout <= 0 {
		return
	}
	for _, t := range []struct {
		key string
		d   time.Duration
		on  bool
	}{{"ethereum.rpc_timeout", c.Ethereum.RPCTimeout, true}, {"bitcoin.rpc_timeout", c.Bitcoin.RPCTimeout, c.Bitcoin.Enabled}} {
		if t.on && t.d > 0 && t.d+minAnswerMargin > c.API.WriteTimeout {
			k.fail(t.key, "must be at least %v shorter than api.write_timeout (%v); got %v: a request whose node does not answer "+
				"would get a closed connection instead of 503 chain_unavailable", minAnswerMargin, c.API.WriteTimeout, t.d)
		}
	}
}

// minAnswerMargin is the time left, after a node read timed out, to decide
// and write the answer before api.write_timeout.
const minAnswerMargin = time.Second

func (c *Config) checkMatrix(k *checker) {
	m := c.Matrix
	if m.Enabled {
		if m.HomeserverURL == "" {
			k.required("matrix.homeserver_url", false)
		} else {
			k.urlWith("matrix.homeserver_url", m.HomeserverURL, "http", "https")
		}
		if m.UserID == "" {
			k.required("matrix.user_id", false)
		} else if matrixServer(m.UserID) == "" {
			k.fail("matrix.user_id", "not a Matrix user ID like @vigil:example.org: %q", m.UserID)
		}
		if m.PasswordFile == "" && m.AccessTokenFile == "" {
			k.fail("matrix.password_file", "required when matrix.access_token_file is not set")
		}
		if a := m.RoomAlias; a != "" && (!strings.HasPrefix(a, "#") || !strings.Contains(a, ":")) {
			k.fail("matrix.room_alias", "not a room alias like #room:example.org: %q", a)
		}
		if m.RoomAlias == "" && matrixServer(m.UserID) != "" {
			k.fail("matrix.room_alias", "required (Load derives it from matrix.user_id)")
		}
	}
	k.atLeast("matrix.max_event_bytes", float64(m.MaxEventBytes), 1)
	k.rateLimit("matrix.rate_limit_per_sender", m.RateLimitPerSender)
	k.atLeast("matrix.rate_burst", float64(m.RateBurst), 1)
}

// checker collects the problems check finds, in the order found.
type checker struct{ errs []*FieldError }

func (k *checker) fail(key, format string, args ...any) {
	k.errs = append(k.errs, &FieldError{Key: key, Err: fmt.Errorf(format, args...)})
}

func (k *checker) required(key string, set bool) {
	if !set {
		k.fail(key, "required")
	}
}

func (k *checker) oneOf(key, got string, allowed ...string) {
	if !slices.Contains(allowed, got) {
		k.fail(key, "must be one of %s; got %q", strings.Join(allowed, ", "), got)
	}
}

func (k *checker) atLeast(key string, got, min float64) {
	if !(got >= min) || math.IsInf(got, 0) { // also rejects NaN
		k.fail(key, "must be at least %v; got %v", min, got)
	}
}

func (k *checker) positive(key string, d time.Duration) {
	if d <= 0 {
		k.fail(key, "must be positive; got %v", d)
	}
}

// amount checks a wei amount or chain ID: nil is unset.
func (k *checker) amount(key string, n *big.Int, need bool) {
	switch {
	case n == nil:
		if need {
			k.fail(key, "required")
		}
	case n.Sign() < 0:
		k.fail(key, "must not be negative; got %v", n)
	case n.Cmp(maxUint256) > 0:
		k.fail(key, "exceeds 2^256-1")
	}
}

func (k *checker) urlWith(key, raw string, schemes ...string) {
	if u, err := url.Parse(raw); err != nil || u.Host == "" || !slices.Contains(schemes, u.Scheme) {
		k.fail(key, "not a %s:// URL %q", strings.Join(schemes, "/"), raw)
	}
}

// rateLimit checks a per-second rate where 0 means no limit.
func (k *checker) rateLimit(key string, r float64) {
	if !(r >= 0) || math.IsInf(r, 0) {
		k.fail(key, "must be 0 (no limit) or positive; got %v", r)
	}
}

func validPort(s string) bool {
	n, err := strconv.ParseUint(s, 10, 16)
	return err == nil && n <= math.MaxUint16
}

// WriteTOML writes every setting with its current value and a one-line
// comment, in a form Load reads back to the same Config.
func (c *Config) WriteTOML(w io.Writer) error {
	var b bytes.Buffer
	b.WriteString("# Vigil configuration. Flags and VIGIL_* variables override these values;\n# run vigild --help for the list.\n")
	section := ""
	for _, s := range settings {
		sec, name := s.split()
		if sec != section {
			fmt.Fprintf(&b, "\n[%s]\n", sec)
			section = sec
		}
		fmt.Fprintf(&b, "\n# %s\n", s.usage)
		// One small map per line: the encoder does TOML quoting and number forms.
		if err := toml.NewEncoder(&b).Encode(map[string]any{name: s.bind(c).toml()}); err != nil {
			return fmt.Errorf("config: write %s: %w", s.key, err)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Usage writes the --help text: every setting with its TOML key, flag,
// environment variable, default and meaning.
func Usage(w io.Writer) {
	var b strings.Builder
	b.WriteString(`Usage: vigild [--config FILE] [--section.key=VALUE ...]

Vigil reads its settings from, highest priority first: command-line flags,
VIGIL_* environment variables, the TOML file named by --config (or
VIGIL_CONFIG), and the built-in defaults shown here. In the file a setting
"section.key" is the key "key" in the table [section]. Flags accept "_" or
"-" in names. Durations use Go syntax (10s, 1m30s); amounts are decimal wei;
lists are comma-separated in flags and variables; booleans are true, false,
1 or 0 (as a flag, --matrix.enabled alone means true).

  --config FILE  $VIGIL_CONFIG
      TOML configuration file; none is read when unset
  -h, --help
      print this help and exit
`)
	section := "-"
	for _, s := range settings {
		if sec, _ := s.split(); sec != section {
			section = sec
			if sec == "" {
				b.WriteString("\nTop level\n")
			} else {
				fmt.Fprintf(&b, "\n[%s]\n", sec)
			}
		}
		def := s.show
		if def == "" {
			def = "= " + s.def
			if s.def == "" {
				def = `= ""`
			}
		}
		fmt.Fprintf(&b, "  %s %s\n      --%s  $%s\n      %s\n", s.key, def, s.flag(), s.env(), s.usage)
	}
	io.WriteString(w, b.String())
}

// Values. Set parses the text form shared by flags, environment and file;
// the empty string means unset (zero, nil) for every type that has no
// other use for it.

type kind int

const (
	kString kind = iota // TOML string
	kInt                // TOML integer
	kFloat              // TOML float or integer
	kBool               // TOML boolean
	kAmount             // TOML string of decimal digits, or integer
	kList               // TOML array of strings
)

func (k kind) String() string {
	return [...]string{"a string", "an integer", "a number", "a boolean", "a decimal string", "an array of strings"}[k]
}

type value interface {
	Set(text string) error
	kind() kind
	toml() any // the current value for WriteTOML
}

type stringValue struct{ p *string }

func (v stringValue) Set(s string) error { *v.p = s; return nil }
func (v stringValue) kind() kind         { return kString }
func (v stringValue) toml() any          { return *v.p }

type uintValue[T int | int64 | uint64] struct{ p *T }

func (v uintValue[T]) Set(s string) error {
	n, err := strconv.ParseUint(s, 10, 64)
	switch {
	case strings.HasPrefix(s, "-"):
		return fmt.Errorf("must not be negative: %q", s)
	case errors.Is(err, strconv.ErrRange) || err == nil && (T(n) < 0 || uint64(T(n)) != n):
		return fmt.Errorf("too large: %q", s)
	case err != nil:
		return fmt.Errorf("not a whole number: %q", s)
	}
	*v.p = T(n)
	return nil
}
func (v uintValue[T]) kind() kind { return kInt }
func (v uintValue[T]) toml() any  { return *v.p }

type floatValue struct{ p *float64 }

func (v floatValue) Set(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("not a number: %q", s)
	}
	*v.p = f
	return nil
}
func (v floatValue) kind() kind { return kFloat }
func (v floatValue) toml() any  { return *v.p }

type boolValue struct{ p *bool }

func (v boolValue) Set(s string) error {
	switch strings.ToLower(s) {
	case "true", "1":
		*v.p = true
	case "false", "0":
		*v.p = false
	default:
		return fmt.Errorf("not a boolean (true, false, 1 or 0): %q", s)
	}
	return nil
}
func (v boolValue) kind() kind { return kBool }
func (v boolValue) toml() any  { return *v.p }

type durationValue struct{ p *time.Duration }

func (v durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("not a duration like \"10s\" or \"1m30s\": %q", s)
	}
	if d < 0 {
		return fmt.Errorf("must not be negative: %q", s)
	}
	*v.p = d
	return nil
}
func (v durationValue) kind() kind { return kString }
func (v durationValue) toml() any  { return v.p.String() }

var maxUint256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

// amountValue holds a non-negative integer up to 2^256-1 (wei, a chain ID);
// "" means nil.
type amountValue struct{ p **big.Int }

func (v amountValue) Set(s string) error {
	if s == "" {
		*v.p = nil
		return nil
	}
	digits := strings.TrimLeft(s, "0123456789")
	switch {
	case strings.HasPrefix(s, "-"):
		return fmt.Errorf("must not be negative: %q", s)
	case strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X"):
		return fmt.Errorf("must be written in decimal, not hex: %q", s)
	case digits != "":
		if _, ok := new(big.Float).SetString(s); ok {
			return fmt.Errorf("must be whole decimal digits, without fraction or exponent: %q", s)
		}
		return fmt.Errorf("not a decimal number: %q", s)
	}
	n, _ := new(big.Int).SetString(s, 10)
	if n.Cmp(maxUint256) > 0 {
		return fmt.Errorf("exceeds 2^256-1: %q", s)
	}
	*v.p = n
	return nil
}
func (v amountValue) kind() kind { return kAmount }
func (v amountValue) toml() any {
	if *v.p == nil {
		return ""
	}
	return (*v.p).String()
}

// addressValue holds an Ethereum address; "" means the zero address (unset).
type addressValue struct{ p *common.Address }

func (v addressValue) Set(s string) error {
	if s == "" {
		*v.p = common.Address{}
		return nil
	}
	a, err := parseAddress(s)
	if err != nil {
		return err
	}
	*v.p = a
	return nil
}
func (v addressValue) kind() kind { return kString }
func (v addressValue) toml() any {
	if *v.p == (common.Address{}) {
		return ""
	}
	return v.p.Hex()
}

// parseAddress accepts 40 hex digits (with or without 0x) in one case, or
// in mixed case only with the right EIP-55 checksum.
func parseAddress(s string) (common.Address, error) {
	if !common.IsHexAddress(s) {
		return common.Address{}, fmt.Errorf("not a valid address %q", s)
	}
	a := common.HexToAddress(s)
	digits := s[len(s)-40:]
	if digits != strings.ToLower(digits) && digits != strings.ToUpper(digits) && digits != a.Hex()[2:] {
		return common.Address{}, fmt.Errorf("bad EIP-55 checksum in address %q: check it for a typo", s)
	}
	return a, nil
}

type addressListValue struct{ p *[]common.Address }

func (v addressListValue) Set(s string) error {
	var list []common.Address
	var errs []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		a, err := parseAddress(item)
		if err != nil {
			errs = append(errs, err.Error())
		}
		list = append(list, a)
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	*v.p = list
	return nil
}
func (v addressListValue) kind() kind { return kList }
func (v addressListValue) toml() any {
	hex := make([]string, len(*v.p))
	for i, a := range *v.p {
		hex[i] = a.Hex()
	}
	return hex
}
