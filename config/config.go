// Package config turns one TOML file, VIGIL_* environment variables and
// command-line flags into the typed, validated Config of the Vigil daemon.
//
// Precedence, highest first: flags, environment, file, built-in defaults.
// Every setting is declared once, in the settings table (settings.go); that
// table drives the flags, the environment variable names, the file keys,
// --help (Usage) and WriteTOML, so they cannot drift apart. Errors name the
// setting by its TOML path ("ethereum.registry_address: not a valid address
// ...") and Load reports all of them at once.
//
// Files: config.go the Config sections and FieldError; settings.go the
// table and the defaults; load.go reading flags, environment and file;
// values.go parsing each kind of value; validate.go the checks of each
// section and their relations; usage.go --help and WriteTOML.
//
// These are user-facing settings only. This package must not open
// databases, keystores or network connections, and it does not import the
// packages it configures: cmd/vigild copies these values into each
// package's own runtime Config, whose constructor validates again.
package config

import (
	"flag"
	"fmt"
	"log/slog"
	"math/big"
	"time"

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
	StallAfter      time.Duration // stall_after: a tip older than this is a stalled node; 0: off
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
	URL         string        // url: a PostgreSQL database instead of the SQLite file
	LeaseCheck  time.Duration // lease_check: leader check and follower retry interval (with URL)
	// ReserveBytes is reserve_bytes: the SQLite store's disk reserve, 0
	// disables it.
	ReserveBytes int64
}

// EthereumConfig is the [ethereum] section.
type EthereumConfig struct {
	RPCURL          string         // rpc_url
	ChainID         *big.Int       // chain_id: nil means the node's chain is not checked
	RegistryAddress common.Address // registry_address
	// MonitorRegistryAddress is monitor_registry_address: zero means the
	// channel registry's.
	MonitorRegistryAddress common.Address
	StartBlock             uint64         // start_block
	Confirmations          uint64         // confirmations
	PollInterval           time.Duration  // poll_interval
	StallAfter             time.Duration  // stall_after: a head older than this is a stalled node; 0: off
	MaxBlockRange          uint64         // max_block_range
	KeystoreFile           string         // keystore_file
	PasswordFile           string         // password_file
	PayoutAddress          common.Address // payout_address: zero means the one registered in the monitor registry
	ObserveOnly            bool           // observe_only: watch and record, accept and send nothing
	RPCTimeout             time.Duration  // rpc_timeout
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
