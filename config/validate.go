package config

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

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
	if c.Store.LeaseCheck < 100*time.Millisecond || c.Store.LeaseCheck > time.Minute {
		k.fail("store.lease_check", "must be between 100ms and 1m; got %v", c.Store.LeaseCheck)
	}
	if c.Store.URL != "" {
		// The message shows the URL without its password.
		u, err := url.Parse(c.Store.URL)
		switch {
		case err != nil:
			k.fail("store.url", "not a URL (want postgres://user@host:port/database)")
		case u.Scheme != "postgres" && u.Scheme != "postgresql":
			k.fail("store.url", "not a postgres:// URL %q (want postgres://user@host:port/database)", u.Redacted())
		case u.Host == "":
			k.fail("store.url", "%q names no host (want postgres://user@host:port/database)", u.Redacted())
		case strings.Trim(u.Path, "/") == "":
			k.fail("store.url", "%q names no database (want postgres://user@host:port/database)", u.Redacted())
		}
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
	k.stallAfter("ethereum.stall_after", c.Ethereum.StallAfter, "ethereum.poll_interval", c.Ethereum.PollInterval)
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
	k.stallAfter("bitcoin.stall_after", b.StallAfter, "bitcoin.poll_interval", b.PollInterval)
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

// stallAfter: a head's age is judged once per poll, so a threshold not
// above the poll interval would call every quiet interval a stall.
func (k *checker) stallAfter(key string, d time.Duration, pollKey string, poll time.Duration) {
	if d != 0 && d <= poll {
		k.fail(key, "must be 0 (the check off) or longer than %s (%v); got %v", pollKey, poll, d)
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
