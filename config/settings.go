package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

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
	{"store.reserve_bytes", "67108864", "", "bytes of disk the SQLite store reserves beside the database at start and gives to the chain watchers and responders when the disk fills (new requests are then refused until space is freed); 0 disables it",
		func(c *Config) value { return uintValue[int64]{&c.Store.ReserveBytes} }},
	{"store.url", "", "(unset: the SQLite file store.path)", "PostgreSQL database to use instead, postgres://user@host:port/database; keep its password in ~/.pgpass or $PGPASSFILE",
		func(c *Config) value { return stringValue{&c.Store.URL} }},
	{"store.lease_check", "1s", "", "with store.url: how often a replica leading a role checks its lock connection, a follower tries for a free role, and every replica reads new and removed appointments into its locator index; a role whose leader died is taken within about this once the server has ended the leader's session",
		func(c *Config) value { return durationValue{&c.Store.LeaseCheck} }},

	{"ethereum.rpc_url", "", "(required)", "JSON-RPC endpoint of the Ethereum node: http(s):// or ws(s)://",
		func(c *Config) value { return stringValue{&c.Ethereum.RPCURL} }},
	{"ethereum.chain_id", "", "(unset: not checked)", "expected chain ID, decimal; when set the daemon refuses a node on another chain",
		func(c *Config) value { return amountValue{&c.Ethereum.ChainID} }},
	{"ethereum.registry_address", "", "(required)", "address of the channel registry contract; a mixed-case address must carry a valid EIP-55 checksum",
		func(c *Config) value { return addressValue{&c.Ethereum.RegistryAddress} }},
	{"ethereum.monitor_registry_address", "", "(unset: the channel registry's)", "address of the monitor registry the operator account is registered in; when set, vigild refuses to start unless it is the channel registry's",
		func(c *Config) value { return addressValue{&c.Ethereum.MonitorRegistryAddress} }},
	{"ethereum.start_block", "0", "", "block to start scanning from when there is no stored cursor",
		func(c *Config) value { return uintValue[uint64]{&c.Ethereum.StartBlock} }},
	{"ethereum.confirmations", "2", "", "blocks a log must be buried under before Vigil acts on it",
		func(c *Config) value { return uintValue[uint64]{&c.Ethereum.Confirmations} }},
	{"ethereum.poll_interval", "2s", "", "how often to ask the node for new blocks",
		func(c *Config) value { return durationValue{&c.Ethereum.PollInterval} }},
	{"ethereum.stall_after", "5m", "", "the node counts as stalled (cut off from its peers on the right chain) while its head block is older than this: /healthz answers 503 node_stalled and the error log says so; 0 disables the check (do so on a dev chain that mines on demand)",
		func(c *Config) value { return durationValue{&c.Ethereum.StallAfter} }},
	{"ethereum.max_block_range", "5000", "", "most blocks covered by one log query (at least 1)",
		func(c *Config) value { return uintValue[uint64]{&c.Ethereum.MaxBlockRange} }},
	{"ethereum.keystore_file", "", "(required)", "go-ethereum keystore JSON file of the account that sends transactions",
		func(c *Config) value { return stringValue{&c.Ethereum.KeystoreFile} }},
	{"ethereum.password_file", "", "(required)", "file holding the keystore password",
		func(c *Config) value { return stringValue{&c.Ethereum.PasswordFile} }},
	{"ethereum.payout_address", "", "(unset: the registered one)", "address that receives the rewards; when set, vigild refuses to start unless it is the payout the account registered in the monitor registry",
		func(c *Config) value { return addressValue{&c.Ethereum.PayoutAddress} }},
	{"ethereum.observe_only", "false", "", "watch and record only: start even if the operator account is not an active registered monitor, refuse every request (observe_only) and send nothing",
		func(c *Config) value { return boolValue{&c.Ethereum.ObserveOnly} }},
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
	{"policy.standdown_margin_blocks", "4", "", "a competitor's pending update stops counting at least this many blocks before the deadline: from then on Vigil sends its own unless an update with its nonce or newer is mined (at least 1)",
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
	{"bitcoin.stall_after", "3h", "", "the node counts as stalled (cut off from its peers on the right chain) while its tip block is older than this (hour-long gaps between blocks are normal): /healthz answers 503 node_stalled and the error log says so; 0 disables the check (do so on a regtest chain that mines on demand)",
		func(c *Config) value { return durationValue{&c.Bitcoin.StallAfter} }},
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
