// Command vigild is the Vigil monitoring daemon: it takes balance proofs
// with reward offers, watches the channel contracts, and calls
// updateTransfer when a partner closes a channel with stale state.
//
// Usage: vigild [--config FILE] [--section.key value ...]; vigild --help
// lists every setting with its flag, environment variable and default.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/cmd/internal/buildinfo"
	"github.com/vigil-monitor/vigil/cmd/vigild/daemon"
	"github.com/vigil-monitor/vigil/config"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	for _, a := range args {
		if a == "--version" || a == "-version" {
			fmt.Println(buildinfo.String("vigild"))
			return 0
		}
	}
	cfg, err := config.Load(args, os.Getenv)
	if errors.Is(err, config.ErrHelp) {
		config.Usage(os.Stdout)
		return 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "vigild: invalid configuration:\n%v\n", err)
		return 2
	}
	log := newLogger(cfg.Log)
	dc := FromConfig(cfg, log)
	if cfg.Matrix.Enabled {
		m, err := matrixFromConfig(cfg.Matrix)
		if err != nil {
			fmt.Fprintf(os.Stderr, "vigild: %v\n", err)
			return 2
		}
		dc.Matrix = m
	}
	if cfg.Bitcoin.Enabled {
		b, err := bitcoinFromConfig(cfg.Bitcoin)
		if err != nil {
			fmt.Fprintf(os.Stderr, "vigild: %v\n", err)
			return 2
		}
		dc.Bitcoin = b
	}
	d, err := daemon.New(dc)
	if err != nil {
		fmt.Fprintf(os.Stderr, "vigild: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := d.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "vigild: %v\n", err)
		return 1
	}
	return 0
}

func newLogger(c config.LogConfig) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.SlogLevel()}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// FromConfig maps the user's settings onto the daemon's runtime Config.
func FromConfig(c *config.Config, log *slog.Logger) daemon.Config {
	pol := proofs.Policy{
		MinReward: c.Policy.MinRewardWei, ProfitFactor: c.Policy.ProfitFactor, UpdateGas: c.Policy.UpdateGas,
		Strategy: proofs.Strategy(c.Policy.Strategy), DeadlineMultiplier: c.Gas.DeadlineMultiplier,
		MaxGasPrice: c.Gas.MaxGasPriceWei, MarginBlocks: c.Policy.MarginBlocks, MarginFraction: c.Policy.MarginFraction,
	}
	if pol.MarginFraction == 0 {
		pol.MarginFraction = -1 // the user's 0: no fraction, blocks only
	}
	pol.Altruistic = make(map[common.Address]bool, len(c.Policy.AltruisticAddresses))
	for _, a := range c.Policy.AltruisticAddresses {
		pol.Altruistic[a] = true
	}
	return daemon.Config{
		Version: buildinfo.Version(), Logger: log, DataDir: c.DataDir, DBPath: c.Store.Path, DBBusyTimeout: c.Store.BusyTimeout, DBReserveBytes: c.Store.ReserveBytes, StoreURL: c.Store.URL, LeaseCheck: c.Store.LeaseCheck,
		APIListen: c.API.Listen, AdminTokenFile: c.API.AdminTokenFile, MaxBodyBytes: c.API.MaxBodyBytes,
		PageLimitMax: c.API.PageLimitMax, ReadTimeout: c.API.ReadTimeout, WriteTimeout: c.API.WriteTimeout, EthURL: c.Ethereum.RPCURL, ChainID: c.Ethereum.ChainID,
		Registry: c.Ethereum.RegistryAddress, MonitorRegistry: c.Ethereum.MonitorRegistryAddress, StartBlock: c.Ethereum.StartBlock, Confirmations: c.Ethereum.Confirmations,
		PollInterval: c.Ethereum.PollInterval, StallAfter: c.Ethereum.StallAfter, MaxBlockRange: c.Ethereum.MaxBlockRange, RPCTimeout: c.Ethereum.RPCTimeout,
		UpdateGasMax: c.Policy.UpdateGasMax, KeystoreFile: c.Ethereum.KeystoreFile, PasswordFile: c.Ethereum.PasswordFile, Payout: c.Ethereum.PayoutAddress, ObserveOnly: c.Ethereum.ObserveOnly,
		Policy: pol, RatePerKey: c.Policy.RateLimitPerKey, RateBurst: c.Policy.RateBurst, ReplaceAfter: c.Gas.ReplaceAfterBlocks, MinBalance: c.Gas.MinBalanceWei,
	}
}

// matrixFromConfig reads the room intake's secrets from their files.
func matrixFromConfig(c config.MatrixConfig) (*daemon.MatrixConfig, error) {
	m := &daemon.MatrixConfig{HomeserverURL: c.HomeserverURL, UserID: c.UserID, RoomAlias: c.RoomAlias,
		CreateRoom: c.CreateRoom, PostReceipts: c.PostReceipts, CatchupLimit: c.CatchupLimit,
		MaxEventBytes: c.MaxEventBytes, RatePerSender: c.RateLimitPerSender, RateBurst: c.RateBurst}
	read := func(field, path string) (string, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("%s: %w", field, err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	var err error
	switch {
	case c.AccessTokenFile != "":
		m.AccessToken, err = read("matrix.access_token_file", c.AccessTokenFile)
	case c.PasswordFile != "":
		m.Password, err = read("matrix.password_file", c.PasswordFile)
	default:
		err = fmt.Errorf("matrix.password_file or matrix.access_token_file is required when matrix.enabled")
	}
	return m, err
}

// bitcoinFromConfig reads the node password from its file.
func bitcoinFromConfig(c config.BitcoinConfig) (*daemon.BitcoinConfig, error) {
	b := &daemon.BitcoinConfig{Host: c.RPCHost, User: c.RPCUser, TLS: c.RPCTLS, Network: c.Network,
		PollInterval: c.PollInterval, StallAfter: c.StallAfter, StartHeight: uint32(c.StartHeight), PayoutAddress: c.PayoutAddress,
		MinRewardSat: c.MinRewardSat, FallbackFeeRate: int64(c.FallbackFeeRate), MaxFeeRate: int64(c.MaxFeeRate),
		Confirmations: int64(c.Confirmations), RatePerKey: c.RateLimitPerKey, RateBurst: c.RateBurst, RPCTimeout: c.RPCTimeout}
	if c.RPCPasswordFile != "" {
		pw, err := os.ReadFile(c.RPCPasswordFile)
		if err != nil {
			return nil, fmt.Errorf("bitcoin.rpc_password_file: %w", err)
		}
		b.Pass = strings.TrimRight(string(pw), "\r\n")
	}
	return b, nil
}
