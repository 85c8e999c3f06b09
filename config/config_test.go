package config

import (
	"bytes"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

var (
	registry = common.HexToAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed") // EIP-55 example address
	payout   = common.HexToAddress("0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359")
)

// env returns a getenv over m.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// minimal is an environment with just the required settings.
func minimal() map[string]string {
	return map[string]string{
		"HOME":                            "/home/op",
		"VIGIL_ETHEREUM_RPC_URL":          "http://127.0.0.1:8545",
		"VIGIL_ETHEREUM_REGISTRY_ADDRESS": registry.Hex(),
		"VIGIL_ETHEREUM_KEYSTORE_FILE":    "/keys/key.json",
		"VIGIL_ETHEREUM_PASSWORD_FILE":    "/keys/password",
	}
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vigil.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func mustLoad(t *testing.T, args []string, m map[string]string) *Config {
	t.Helper()
	c, err := Load(args, env(m))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

// loadErr loads and returns the error text, failing if there is none.
func loadErr(t *testing.T, args []string, m map[string]string) string {
	t.Helper()
	_, err := Load(args, env(m))
	if err == nil {
		t.Fatalf("Load(%q) succeeded, want an error", args)
	}
	return err.Error()
}

func TestDefaults(t *testing.T) {
	c := mustLoad(t, nil, minimal())
	want := Config{
		DataDir: "/home/op/.vigil",
		Log:     LogConfig{Level: "info", Format: "text"},
		API: APIConfig{Listen: "127.0.0.1:5080", AdminTokenFile: "/home/op/.vigil/admin.token",
			MaxBodyBytes: 65536, ReadTimeout: 10 * time.Second, WriteTimeout: 15 * time.Second, PageLimitMax: 1000},
		Store: StoreConfig{Path: "/home/op/.vigil/vigil.db", BusyTimeout: 5 * time.Second, LeaseCheck: time.Second, ReserveBytes: 64 << 20},
		Ethereum: EthereumConfig{RPCURL: "http://127.0.0.1:8545", RegistryAddress: registry,
			Confirmations: 2, PollInterval: 2 * time.Second, StallAfter: 5 * time.Minute, MaxBlockRange: 5000,
			KeystoreFile: "/keys/key.json", PasswordFile: "/keys/password", RPCTimeout: 10 * time.Second},
		Gas: GasConfig{MaxGasPriceWei: big.NewInt(500_000_000_000), DeadlineMultiplier: 3,
			ReplaceAfterBlocks: 3, MinBalanceWei: big.NewInt(10_000_000_000_000_000)},
		Policy: PolicyConfig{MinRewardWei: big.NewInt(0), ProfitFactor: 1.5, Strategy: "immediate",
			RateLimitPerKey: 5, RateBurst: 20, UpdateGasMax: 2_000_000, MarginBlocks: 4, MarginFraction: 0.2},
		Matrix: MatrixConfig{PostReceipts: true, CatchupLimit: 1000, MaxEventBytes: 16384,
			RateLimitPerSender: 5, RateBurst: 20},
		Bitcoin: BitcoinConfig{RPCHost: "127.0.0.1:8332", Network: "mainnet", PollInterval: 5 * time.Second, StallAfter: 3 * time.Hour,
			MinRewardSat: 1000, FallbackFeeRate: 2000, MaxFeeRate: 500000, Confirmations: 6, RateLimitPerKey: 5, RateBurst: 20,
			RPCTimeout: 10 * time.Second},
	}
	if got, want := dump(t, c), dump(t, &want); got != want {
		t.Errorf("defaults differ:\n got %s\nwant %s", got, want)
	}
	if c.Log.SlogLevel().String() != "INFO" {
		t.Errorf("SlogLevel = %v", c.Log.SlogLevel())
	}

	d := Default()
	if d.Store.Path != "" || d.API.AdminTokenFile != "" {
		t.Errorf("Default fills derived paths: %q %q", d.Store.Path, d.API.AdminTokenFile)
	}
	if d.Gas.MaxGasPriceWei.Cmp(big.NewInt(500_000_000_000)) != 0 {
		t.Errorf("Default gas.max_gas_price_wei = %v", d.Gas.MaxGasPriceWei)
	}
	if err := d.Validate(); err == nil || !strings.Contains(err.Error(), "ethereum.rpc_url: required") {
		t.Errorf("Default().Validate() = %v, want ethereum.rpc_url required", err)
	}
}

// dump renders a Config as TOML, a stable form to compare (big.Int and
// slices defeat reflect.DeepEqual).
func dump(t *testing.T, c *Config) string {
	t.Helper()
	var b bytes.Buffer
	if err := c.WriteTOML(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestFile(t *testing.T) {
	path := writeFile(t, `
data_dir = "/var/lib/vigil"

[log]
level = "debug"
format = "json"

[api]
listen = ""
max_body_bytes = 1024
read_timeout = "1m30s"

[store]
path = "/db/v.db"

[ethereum]
rpc_url = "wss://node.example:8546"
chain_id = "11155111"
registry_address = "`+strings.ToLower(registry.Hex())+`"
start_block = 7000000
confirmations = 12
payout_address = "`+strings.ToUpper(payout.Hex()[2:])+`"
keystore_file = "/k/key.json"
password_file = "/k/pw"

[gas]
max_gas_price_wei = 100000000000
deadline_multiplier = 2
min_balance_wei = "1"

[policy]
min_reward_wei = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
profit_factor = 0
strategy = "slotted"
altruistic_addresses = ["`+registry.Hex()+`", "`+payout.Hex()+`"]
rate_burst = 7

[matrix]
enabled = true
homeserver_url = "https://matrix.example.org"
user_id = "@vigil:example.org"
access_token_file = "/k/token"
post_receipts = false
`)
	c := mustLoad(t, []string{"--config", path}, map[string]string{"HOME": "/home/op"})

	check := func(name string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("DataDir", c.DataDir, "/var/lib/vigil")
	check("Log", c.Log, LogConfig{Level: "debug", Format: "json"})
	check("API.Listen", c.API.Listen, "")
	check("API.AdminTokenFile", c.API.AdminTokenFile, "/var/lib/vigil/admin.token")
	check("API.MaxBodyBytes", c.API.MaxBodyBytes, int64(1024))
	check("API.ReadTimeout", c.API.ReadTimeout, 90*time.Second)
	check("API.WriteTimeout", c.API.WriteTimeout, 15*time.Second)
	check("Store.Path", c.Store.Path, "/db/v.db")
	check("Ethereum.RPCURL", c.Ethereum.RPCURL, "wss://node.example:8546")
	check("Ethereum.ChainID", c.Ethereum.ChainID.String(), "11155111")
	check("Ethereum.RegistryAddress", c.Ethereum.RegistryAddress, registry)
	check("Ethereum.StartBlock", c.Ethereum.StartBlock, uint64(7000000))
	check("Ethereum.Confirmations", c.Ethereum.Confirmations, uint64(12))
	check("Ethereum.PayoutAddress", c.Ethereum.PayoutAddress, payout)
	check("Gas.MaxGasPriceWei", c.Gas.MaxGasPriceWei.String(), "100000000000")
	check("Gas.DeadlineMultiplier", c.Gas.DeadlineMultiplier, 2.0)
	check("Gas.MinBalanceWei", c.Gas.MinBalanceWei.String(), "1")
	check("Policy.MinRewardWei", c.Policy.MinRewardWei.Cmp(maxUint256), 0)
	check("Policy.ProfitFactor", c.Policy.ProfitFactor, 0.0)
	check("Policy.Strategy", c.Policy.Strategy, "slotted")
	check("Policy.AltruisticAddresses", c.Policy.AltruisticAddresses, []common.Address{registry, payout})
	check("Policy.RateBurst", c.Policy.RateBurst, 7)
	check("Matrix.Enabled", c.Matrix.Enabled, true)
	check("Matrix.RoomAlias", c.Matrix.RoomAlias, "#vigil-monitoring:example.org")
	check("Matrix.PostReceipts", c.Matrix.PostReceipts, false)

	// VIGIL_CONFIG names the file when --config is absent.
	m := map[string]string{"HOME": "/home/op", "VIGIL_CONFIG": path}
	if c2 := mustLoad(t, nil, m); c2.DataDir != "/var/lib/vigil" {
		t.Errorf("VIGIL_CONFIG not read: data_dir = %q", c2.DataDir)
	}
}

func TestPrecedence(t *testing.T) {
	path := writeFile(t, "[ethereum]\nconfirmations = 10\n\n[matrix]\nenabled = true\nhomeserver_url = \"http://hs\"\nuser_id = \"@a:hs\"\npassword_file = \"/pw\"\n")
	m := minimal()
	m["VIGIL_ETHEREUM_CONFIRMATIONS"] = "20"
	m["VIGIL_MATRIX_ENABLED"] = "0"

	for _, tc := range []struct {
		name          string
		args          []string
		unsetEnv      bool
		noFile        bool
		confirmations uint64
		enabled       bool
	}{
		{name: "flag over env over file", args: []string{"--ethereum.confirmations=30", "--matrix.enabled"}, confirmations: 30, enabled: true},
		{name: "underscore flag spelling", args: []string{"--ethereum.confirmations", "31", "--matrix.enabled=false"}, confirmations: 31},
		{name: "env over file", confirmations: 20},
		{name: "file over default", unsetEnv: true, confirmations: 10, enabled: true},
		{name: "default", unsetEnv: true, noFile: true, confirmations: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := maps(m)
			if tc.unsetEnv {
				delete(m, "VIGIL_ETHEREUM_CONFIRMATIONS")
				delete(m, "VIGIL_MATRIX_ENABLED")
			}
			args := tc.args
			if !tc.noFile {
				args = append([]string{"--config", path}, args...)
			}
			c := mustLoad(t, args, m)
			if c.Ethereum.Confirmations != tc.confirmations || c.Matrix.Enabled != tc.enabled {
				t.Errorf("confirmations, enabled = %d, %v; want %d, %v",
					c.Ethereum.Confirmations, c.Matrix.Enabled, tc.confirmations, tc.enabled)
			}
		})
	}

	// An empty flag value still overrides: --api.listen= disables the API set in the file.
	path = writeFile(t, "[api]\nlisten = \"0.0.0.0:1\"\n")
	if c := mustLoad(t, []string{"--config", path, "--api.listen="}, minimal()); c.API.Listen != "" {
		t.Errorf("api.listen = %q, want empty", c.API.Listen)
	}
	// Data dir by flag moves the derived paths.
	if c := mustLoad(t, []string{"--data-dir", "/d"}, minimal()); c.Store.Path != "/d/vigil.db" || c.API.AdminTokenFile != "/d/admin.token" {
		t.Errorf("derived paths = %q, %q", c.Store.Path, c.API.AdminTokenFile)
	}
}

func maps(m map[string]string) map[string]string {
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func TestEnvListsAndBools(t *testing.T) {
	m := minimal()
	m["VIGIL_POLICY_ALTRUISTIC_ADDRESSES"] = " " + registry.Hex() + " , " + strings.ToLower(payout.Hex()) + ","
	m["VIGIL_MATRIX_CREATE_ROOM"] = "1"
	m["VIGIL_MATRIX_POST_RECEIPTS"] = "FALSE"
	c := mustLoad(t, nil, m)
	if want := []common.Address{registry, payout}; !reflect.DeepEqual(c.Policy.AltruisticAddresses, want) {
		t.Errorf("altruistic_addresses = %v, want %v", c.Policy.AltruisticAddresses, want)
	}
	if !c.Matrix.CreateRoom || c.Matrix.PostReceipts {
		t.Errorf("create_room, post_receipts = %v, %v", c.Matrix.CreateRoom, c.Matrix.PostReceipts)
	}
	m["VIGIL_MATRIX_CREATE_ROOM"] = "yes"
	if msg := loadErr(t, nil, m); !strings.Contains(msg, `matrix.create_room: not a boolean (true, false, 1 or 0): "yes" (from VIGIL_MATRIX_CREATE_ROOM)`) {
		t.Errorf("error = %s", msg)
	}
}

// Each invalid value is reported with its setting's TOML path first.
func TestValidationNamesField(t *testing.T) {
	for _, tc := range []struct {
		arg, want string
	}{
		{"--ethereum.registry-address=0x12", `ethereum.registry_address: not a valid address "0x12" (from --ethereum.registry-address)`},
		{"--ethereum.rpc-url=ftp://x", `ethereum.rpc_url: not a http/https/ws/wss:// URL "ftp://x"`},
		{"--ethereum.rpc-url=", "ethereum.rpc_url: required"},
		{"--ethereum.keystore-file=", "ethereum.keystore_file: required"},
		{"--ethereum.password-file=", "ethereum.password_file: required"},
		{"--ethereum.chain-id=0", "ethereum.chain_id: must be positive"},
		{"--ethereum.chain-id=0x1", "ethereum.chain_id: must be written in decimal"},
		{"--ethereum.payout-address=0xnothex", "ethereum.payout_address: not a valid address"},
		{"--ethereum.max-block-range=0", "ethereum.max_block_range: must be at least 1"},
		{"--ethereum.confirmations=-1", "ethereum.confirmations: must not be negative"},
		{"--ethereum.start-block=1.5", "ethereum.start_block: not a whole number"},
		{"--ethereum.poll-interval=2", `ethereum.poll_interval: not a duration like "10s"`},
		{"--ethereum.poll-interval=0s", "ethereum.poll_interval: must be positive"},
		{"--ethereum.rpc-timeout=-1s", "ethereum.rpc_timeout: must not be negative"},
		{"--ethereum.stall-after=-1m", "ethereum.stall_after: must not be negative"},
		{"--ethereum.stall-after=2s", "ethereum.stall_after: must be 0 (the check off) or longer than ethereum.poll_interval (2s); got 2s"},
		{"--bitcoin.stall-after=1s", "bitcoin.stall_after: must be 0 (the check off) or longer than bitcoin.poll_interval (5s); got 1s"},
		{"--data-dir=", "data_dir: required"},
		{"--log.level=verbose", `log.level: must be one of debug, info, warn, error; got "verbose"`},
		{"--log.format=xml", "log.format: must be one of text, json"},
		{"--api.listen=localhost", `api.listen: not a host:port address "localhost"`},
		{"--api.max-body-bytes=0", "api.max_body_bytes: must be at least 1"},
		{"--api.read-timeout=0s", "api.read_timeout: must be positive"},
		{"--api.write-timeout=soon", "api.write_timeout: not a duration"},
		// A PUT whose node read times out must still get its 503 before
		// the write timeout closes the connection.
		{"--api.write-timeout=10s", "ethereum.rpc_timeout: must be at least 1s shorter than api.write_timeout (10s); got 10s"},
		{"--api.page-limit-max=0", "api.page_limit_max: must be at least 1"},
		{"--store.busy-timeout=x", "store.busy_timeout: not a duration"},
		{"--store.lease-check=10ms", "store.lease_check: must be between 100ms and 1m; got 10ms"},
		{"--store.lease-check=2m", "store.lease_check: must be between 100ms and 1m; got 2m0s"},
		{"--store.url=mysql://db/vigil", `store.url: not a postgres:// URL "mysql://db/vigil"`},
		{"--store.url=postgres:///vigil", `store.url: "postgres:///vigil" names no host`},
		{"--store.url=postgres://op:secret@db:5432", `store.url: "postgres://op:xxxxx@db:5432" names no database`},
		{"--store.url=postgres://op@db:5432/", "store.url: \"postgres://op@db:5432/\" names no database"},
		{"--gas.max-gas-price-wei=0", "gas.max_gas_price_wei: must be positive"},
		{"--gas.max-gas-price-wei=", "gas.max_gas_price_wei: required"},
		{"--gas.deadline-multiplier=0.5", "gas.deadline_multiplier: must be at least 1"},
		{"--gas.deadline-multiplier=NaN", "gas.deadline_multiplier: not a number"},
		{"--gas.replace-after-blocks=0", "gas.replace_after_blocks: must be at least 1"},
		{"--gas.min-balance-wei=-5", "gas.min_balance_wei: must not be negative"},
		{"--policy.min-reward-wei=1.5", "policy.min_reward_wei: must be whole decimal digits"},
		{"--policy.profit-factor=-0.1", "policy.profit_factor: must be at least 0"},
		{"--policy.update-gas=lots", "policy.update_gas: not a whole number"},
		{"--policy.strategy=later", "policy.strategy: must be one of immediate, slotted"},
		{"--policy.update-gas=3000000", "policy.update_gas: must not exceed policy.update_gas_max (2000000)"},
		{"--policy.update-gas-max=20000", "policy.update_gas_max: must be at least 21000"},
		{"--policy.standdown-margin-blocks=0", "policy.standdown_margin_blocks: must be at least 1"},
		{"--policy.standdown-margin-fraction=1.5", "policy.standdown_margin_fraction: must be between 0 and 1"},
		{"--policy.altruistic-addresses=0x0000000000000000000000000000000000000000", "policy.altruistic_addresses: must not contain the zero address"},
		{"--policy.altruistic-addresses=" + registry.Hex() + ",0x1", `policy.altruistic_addresses: not a valid address "0x1"`},
		{"--policy.rate-limit-per-key=-1", "policy.rate_limit_per_key: must be 0 (no limit) or positive"},
		{"--policy.rate-burst=0", "policy.rate_burst: must be at least 1"},
		{"--policy.rate-burst=99999999999999999999", "policy.rate_burst: too large"},
		{"--matrix.enabled=maybe", "matrix.enabled: not a boolean"},
		{"--matrix.max-event-bytes=0", "matrix.max_event_bytes: must be at least 1"},
		{"--matrix.rate-limit-per-sender=-2", "matrix.rate_limit_per_sender: must be 0 (no limit) or positive"},
		{"--matrix.rate-burst=0", "matrix.rate_burst: must be at least 1"},
		{"--matrix.catchup-limit=-1", "matrix.catchup_limit: must not be negative"},
	} {
		msg := loadErr(t, []string{tc.arg}, minimal())
		if !strings.HasPrefix(msg, tc.want) {
			t.Errorf("%s:\n got %s\nwant %s...", tc.arg, msg, tc.want)
		}
		if strings.Count(msg, "\n") != 0 {
			t.Errorf("%s: want exactly one error, got:\n%s", tc.arg, msg)
		}
	}
}

// TestNodeTimeoutsFitTheWriteTimeout: each node timeout (the bound of one
// PUT's node reads) must leave time to answer 503 before the API's write
// timeout; the Bitcoin one only when the watchtower is on.
func TestNodeTimeoutsFitTheWriteTimeout(t *testing.T) {
	msg := loadErr(t, []string{"--bitcoin.enabled", "--bitcoin.payout-address=bcrt1qexample", "--bitcoin.rpc-timeout=14500ms"}, minimal())
	if want := "bitcoin.rpc_timeout: must be at least 1s shorter than api.write_timeout (15s); got 14.5s"; !strings.Contains(msg, want) {
		t.Errorf("got %s\nwant %s", msg, want)
	}
	mustLoad(t, []string{"--bitcoin.rpc-timeout=1m"}, minimal())
	mustLoad(t, []string{"--api.write-timeout=5s", "--ethereum.rpc-timeout=4s"}, minimal())
	mustLoad(t, []string{"--api.listen=", "--api.write-timeout=1s"}, minimal())
}

func TestMatrixValidation(t *testing.T) {
	msg := loadErr(t, []string{"--matrix.enabled"}, minimal())
	for _, want := range []string{"matrix.homeserver_url: required", "matrix.user_id: required", "matrix.password_file: required"} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in:\n%s", want, msg)
		}
	}
	msg = loadErr(t, []string{"--matrix.enabled", "--matrix.homeserver-url=ws://hs", "--matrix.user-id=vigil",
		"--matrix.password-file=/pw", "--matrix.room-alias=room"}, minimal())
	for _, want := range []string{"matrix.homeserver_url: not a http/https:// URL", "matrix.user_id: not a Matrix user ID", "matrix.room_alias: not a room alias"} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in:\n%s", want, msg)
		}
	}
	// Disabled, the section is not checked beyond its limits.
	mustLoad(t, []string{"--matrix.user-id=junk"}, minimal())
	// The alias is derived from the user ID's server name, which may carry a port.
	c := mustLoad(t, []string{"--matrix.enabled", "--matrix.homeserver-url=http://hs:8008", "--matrix.user-id=@v:hs:8448",
		"--matrix.access-token-file=/t"}, minimal())
	if c.Matrix.RoomAlias != "#vigil-monitoring:hs:8448" {
		t.Errorf("room_alias = %q", c.Matrix.RoomAlias)
	}
}

func TestAllErrorsReported(t *testing.T) {
	path := writeFile(t, "[log]\nlevel = \"loud\"\n[gas]\ndeadline_multiplier = 0.5\n")
	msg := loadErr(t, []string{"--config", path, "--api.page-limit-max=0"}, map[string]string{"HOME": "/h"})
	for _, key := range []string{"log.level", "gas.deadline_multiplier", "api.page_limit_max",
		"ethereum.rpc_url", "ethereum.registry_address", "ethereum.keystore_file", "ethereum.password_file"} {
		if !strings.Contains(msg, "\n"+key+": ") && !strings.HasPrefix(msg, key+": ") {
			t.Errorf("no error for %s in:\n%s", key, msg)
		}
	}
	if !strings.Contains(msg, "(from "+path+")") {
		t.Errorf("file errors do not name the file:\n%s", msg)
	}
	// A value that fails to parse is reported once, not again as "required".
	msg = loadErr(t, []string{"--ethereum.registry-address=0x12"}, minimal())
	if strings.Contains(msg, "required") {
		t.Errorf("parse failure reported twice:\n%s", msg)
	}
	// Each error is a *FieldError.
	_, err := Load([]string{"--log.level=x"}, env(minimal()))
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Key != "log.level" || fe.Source != "--log.level" {
		t.Errorf("errors.As = %#v", fe)
	}
}

func TestFileErrors(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"[ethereum]\nrpc_ur = \"http://x\"\n", "ethereum.rpc_ur: unknown key"},
		{"colour = \"blue\"\n", "colour: unknown key"},
		{"[extra]\na = 1\nb = 2\n", "extra: unknown key"},
		{"[ethereum.more]\na = 1\n", "ethereum.more: unknown key"},
		{"log = \"debug\"\n", "log: must be a table ([log]), got a string"},
		{"[ethereum]\nconfirmations = \"2\"\n", "ethereum.confirmations: expected an integer, got a string"},
		{"[matrix]\nenabled = \"true\"\n", "matrix.enabled: expected a boolean, got a string"},
		{"[api]\nread_timeout = 10\n", "api.read_timeout: expected a string, got an integer"},
		{"[policy]\naltruistic_addresses = \"0x1\"\n", "policy.altruistic_addresses: expected an array of strings, got a string"},
		{"[policy]\naltruistic_addresses = [1]\n", "policy.altruistic_addresses: expected an array of strings, got an array holding an integer"},
		{"[gas]\nmax_gas_price_wei = 1.5\n", "gas.max_gas_price_wei: expected a decimal string, got a float"},
		{"[policy]\nmin_reward_wei = -3\n", "policy.min_reward_wei: must not be negative"},
	} {
		path := writeFile(t, tc.file)
		msg := loadErr(t, []string{"--config", path}, minimal())
		if !strings.HasPrefix(msg, tc.want) || strings.Contains(msg, "\n") {
			t.Errorf("file %q:\n got %s\nwant one error starting %s", tc.file, msg, tc.want)
		}
	}

	if msg := loadErr(t, []string{"--config", writeFile(t, "[log\n")}, minimal()); !strings.Contains(msg, "config file") {
		t.Errorf("syntax error = %s", msg)
	}
	if msg := loadErr(t, []string{"--config", "/nonexistent/vigil.toml"}, minimal()); !strings.Contains(msg, "no such file") {
		t.Errorf("missing file error = %s", msg)
	}
}

func TestAddressChecksum(t *testing.T) {
	good := registry.Hex() // 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed
	bad := "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"
	for _, s := range []string{good, strings.ToLower(good), "0x" + strings.ToUpper(good[2:]), good[2:]} {
		m := minimal()
		m["VIGIL_ETHEREUM_REGISTRY_ADDRESS"] = s
		if c := mustLoad(t, nil, m); c.Ethereum.RegistryAddress != registry {
			t.Errorf("%s parsed as %v", s, c.Ethereum.RegistryAddress)
		}
	}
	m := minimal()
	m["VIGIL_ETHEREUM_REGISTRY_ADDRESS"] = bad
	want := `ethereum.registry_address: bad EIP-55 checksum in address "` + bad + `"`
	if msg := loadErr(t, nil, m); !strings.HasPrefix(msg, want) {
		t.Errorf("got %s\nwant %s...", msg, want)
	}
}

func TestAmounts(t *testing.T) {
	max := maxUint256.String()
	over := new(big.Int).Add(maxUint256, big.NewInt(1)).String()
	c := mustLoad(t, []string{"--gas.max-gas-price-wei=" + max}, minimal())
	if c.Gas.MaxGasPriceWei.Cmp(maxUint256) != 0 {
		t.Errorf("2^256-1 parsed as %v", c.Gas.MaxGasPriceWei)
	}
	for arg, want := range map[string]string{
		over:   "exceeds 2^256-1",
		"-1":   "must not be negative",
		"1.5":  "must be whole decimal digits",
		"1e18": "must be whole decimal digits",
		"0x10": "must be written in decimal, not hex",
		"ten":  "not a decimal number",
		" 10":  "not a decimal number",
	} {
		msg := loadErr(t, []string{"--policy.min-reward-wei=" + arg}, minimal())
		if !strings.HasPrefix(msg, "policy.min_reward_wei: "+want) {
			t.Errorf("%q: got %s, want %s", arg, msg, want)
		}
	}
	// Validate catches what a program put in directly.
	d := mustLoad(t, nil, minimal())
	d.Policy.MinRewardWei = new(big.Int).Lsh(big.NewInt(1), 256)
	d.Gas.MinBalanceWei = big.NewInt(-1)
	err := d.Validate()
	if err == nil || !strings.Contains(err.Error(), "policy.min_reward_wei: exceeds 2^256-1") ||
		!strings.Contains(err.Error(), "gas.min_balance_wei: must not be negative") {
		t.Errorf("Validate = %v", err)
	}
}

func TestHelpAndUsage(t *testing.T) {
	for _, arg := range []string{"-h", "--help", "-help"} {
		if _, err := Load([]string{arg}, env(minimal())); !errors.Is(err, ErrHelp) {
			t.Errorf("Load(%s) = %v, want ErrHelp", arg, err)
		}
	}
	var b bytes.Buffer
	Usage(&b)
	usage := b.String()
	for _, s := range settings {
		for _, want := range []string{"  " + s.key + " ", "--" + s.flag() + " ", "$" + s.env() + "\n", s.usage} {
			if !strings.Contains(usage, want) {
				t.Errorf("Usage lacks %q", want)
			}
		}
	}
	for _, want := range []string{"--config FILE", "$VIGIL_CONFIG", "$HOME/.vigil", "= 500000000000", "(required)"} {
		if !strings.Contains(usage, want) {
			t.Errorf("Usage lacks %q", want)
		}
	}

	if _, err := Load([]string{"--no-such-flag"}, env(minimal())); err == nil || !strings.Contains(err.Error(), "no-such-flag") {
		t.Errorf("unknown flag: %v", err)
	}
	if msg := loadErr(t, []string{"stray"}, minimal()); !strings.Contains(msg, `unexpected argument "stray"`) {
		t.Errorf("positional argument: %s", msg)
	}
}

// The settings table and Config cannot drift: every field of Config is bound
// by exactly one setting, keys are unique, sections are contiguous (WriteTOML
// depends on it) and every default parses.
func TestTableCoversConfig(t *testing.T) {
	var c Config
	fields := map[uintptr]string{}
	var walk func(v reflect.Value, name string)
	walk = func(v reflect.Value, name string) {
		if v.Kind() == reflect.Struct && v.Type() != reflect.TypeOf(common.Address{}) {
			for i := range v.NumField() {
				walk(v.Field(i), name+"."+v.Type().Field(i).Name)
			}
			return
		}
		fields[v.Addr().Pointer()] = name
	}
	walk(reflect.ValueOf(&c).Elem(), "Config")

	keys := map[string]bool{}
	seen := map[string]bool{}
	section := ""
	for _, s := range settings {
		if keys[s.key] {
			t.Errorf("duplicate key %s", s.key)
		}
		keys[s.key] = true
		if sec, _ := s.split(); sec != section {
			if seen[sec] {
				t.Errorf("section %q is split in the table at %s", sec, s.key)
			}
			seen[section], section = true, sec
		}
		p := reflect.ValueOf(s.bind(&c)).Field(0).Pointer()
		if _, ok := fields[p]; !ok {
			t.Errorf("%s is bound to no field of Config (or to one already bound)", s.key)
		}
		delete(fields, p)
	}
	for _, name := range fields {
		t.Errorf("%s has no setting", name)
	}
}

// WriteTOML writes a file that Load reads back to the same Config.
func TestWriteTOMLRoundTrip(t *testing.T) {
	m := minimal()
	m["VIGIL_POLICY_ALTRUISTIC_ADDRESSES"] = payout.Hex()
	m["VIGIL_ETHEREUM_CHAIN_ID"] = "1337"
	m["VIGIL_API_ADMIN_TOKEN_FILE"] = `/odd "path"\with ünïcode`
	m["VIGIL_MATRIX_USER_ID"] = "@v:example.org"
	c := mustLoad(t, nil, m)
	text := dump(t, c)
	back := mustLoad(t, []string{"--config", writeFile(t, text)}, map[string]string{"HOME": "/elsewhere"})
	if got := dump(t, back); got != text {
		t.Errorf("round trip differs:\n%s\n---\n%s", text, got)
	}
	if back.API.AdminTokenFile != m["VIGIL_API_ADMIN_TOKEN_FILE"] || back.Ethereum.ChainID.Int64() != 1337 {
		t.Errorf("round trip lost values: %q %v", back.API.AdminTokenFile, back.Ethereum.ChainID)
	}

	// A file written from Default() plus the required settings reads back to
	// the same values, with the derived paths filled from its data_dir.
	d := Default()
	d.DataDir = "/srv/vigil"
	d.Ethereum.RPCURL = "ws://node:8546"
	d.Ethereum.RegistryAddress = registry
	d.Ethereum.KeystoreFile, d.Ethereum.PasswordFile = "/k", "/p"
	back = mustLoad(t, []string{"--config", writeFile(t, dump(t, &d))}, nil)
	d.fillDerived()
	if d.Store.Path != "/srv/vigil/vigil.db" || dump(t, back) != dump(t, &d) {
		t.Errorf("Default round trip differs:\n%s\n---\n%s", dump(t, &d), dump(t, back))
	}
}

// TestUnknownFlagSuggestsSetting: a mistyped flag is named with two dashes
// and the nearest setting suggested; nonsense gets no suggestion.
func TestUnknownFlagSuggestsSetting(t *testing.T) {
	for arg, want := range map[string]string{
		"--ethereum.rpcurl=x":      "unknown setting --ethereum.rpcurl; did you mean --ethereum.rpc-url?",
		"--polcy.profit-factor=2":  "unknown setting --polcy.profit-factor; did you mean --policy.profit-factor?",
		"--policy.profit_factor=2": "", // the TOML spelling is accepted
		"--zzzzzzzz":               "unknown setting --zzzzzzzz (vigild --help",
	} {
		_, err := Load([]string{arg}, nil)
		if want == "" {
			if err != nil && strings.Contains(err.Error(), "unknown setting") {
				t.Errorf("%s: %v", arg, err)
			}
			continue
		}
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: got %v, want %q...", arg, err, want)
		}
	}
}

// TestStoreURL: store.url comes from the file, the environment or a flag,
// and leaves the SQLite path as it was.
func TestStoreURL(t *testing.T) {
	const u = "postgres://vigil@db.internal:5432/vigil?sslmode=verify-full"
	m := minimal()
	m["VIGIL_STORE_URL"] = u
	c := mustLoad(t, nil, m)
	if c.Store.URL != u {
		t.Errorf("from VIGIL_STORE_URL: %q, want %q", c.Store.URL, u)
	}
	if c := mustLoad(t, []string{"--store.url=postgresql://h/db"}, minimal()); c.Store.URL != "postgresql://h/db" {
		t.Errorf("from --store.url: %q", c.Store.URL)
	}
	if c := mustLoad(t, nil, minimal()); c.Store.URL != "" || c.Store.Path == "" {
		t.Errorf("unset: url %q, path %q; want no URL and the SQLite path", c.Store.URL, c.Store.Path)
	}
}

// stall_after 0 turns the check off (dev chains that mine on demand); a
// value is read as a duration.
func TestStallAfterOffAndSet(t *testing.T) {
	c, err := Load([]string{"--ethereum.stall-after=0", "--bitcoin.stall-after=90m"}, env(minimal()))
	if err != nil {
		t.Fatal(err)
	}
	if c.Ethereum.StallAfter != 0 || c.Bitcoin.StallAfter != 90*time.Minute {
		t.Fatalf("stall_after: ethereum %v, bitcoin %v", c.Ethereum.StallAfter, c.Bitcoin.StallAfter)
	}
}
