package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"

	ethchain "github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/contracts"
)

// The audit reads the API's JSON into its own types (not the daemon's Go
// types), so it checks what the API says, as any client would read it.

// auditStats is the part of /api/1/stats the audit checks.
type auditStats struct {
	Updates struct {
		Submitted     int64  `json:"submitted"`
		Won           int64  `json:"won"`
		Missed        int64  `json:"missed"`
		Standdowns    int64  `json:"standdowns"`
		RewardsEarned string `json:"rewards_earned_wei"`
		GasSpent      string `json:"gas_spent_wei"`
		NetEarnings   string `json:"net_earnings_wei"`
	} `json:"updates"`
	Lightning struct {
		Enabled bool `json:"enabled"`
		auditLightning
	} `json:"lightning"`
	Ethereum struct {
		ChainID string `json:"chain_id"`
		Monitor string `json:"monitor_address"`
		Payout  string `json:"payout_address"`
	} `json:"ethereum"`
}

// auditRecord is one record of /api/1/channel_update (docs/protocol.md §6.5).
type auditRecord struct {
	ID           int64  `json:"id"`
	Channel      string `json:"channel_address"`
	NonClosing   string `json:"non_closing_participant"`
	Nonce        string `json:"nonce"`
	Outcome      string `json:"outcome"`
	Detail       string `json:"detail"`
	CompetitorTx string `json:"competitor_tx"`
	TxHash       string `json:"tx_hash"`
	TxNonce      string `json:"tx_nonce"`
	Block        string `json:"block"`
	GasUsed      string `json:"gas_used"`
	GasPaidWei   string `json:"gas_paid_wei"`
	RewardWonWei string `json:"reward_won_wei"`
	Replacements *int   `json:"replacements"`
}

// Verdicts of one claim.
const (
	verdictOK       = "ok"
	verdictMismatch = "MISMATCH"
)

// auditClaim is one claim of the API and what the chain says about it.
type auditClaim struct {
	// Kind is "update" (a record of /api/1/channel_update), "justice" (of
	// /api/1/justice) or "stats".
	Kind string `json:"kind"`
	// Record is the record's id; 0 for a claim of /api/1/stats.
	Record  int64  `json:"record,omitempty"`
	Channel string `json:"channel,omitempty"`
	TxHash  string `json:"tx_hash,omitempty"`
	// Claim names what is claimed ("outcome mined in block 12").
	Claim   string `json:"claim"`
	Verdict string `json:"verdict"`
	// Finding is what the chain shows (always set on a mismatch).
	Finding string `json:"finding,omitempty"`
}

// auditReport is the --json output.
type auditReport struct {
	API     string `json:"api"`
	Monitor string `json:"monitor_address"`
	Payout  string `json:"payout_address"`
	ChainID string `json:"chain_id"`
	Records int    `json:"records"`
	// JusticeRecords: the justice records audited (with --btc-rpc).
	JusticeRecords int          `json:"justice_records"`
	Claims         []auditClaim `json:"claims"`
	Verified       int          `json:"verified"`
	Bad            int          `json:"mismatches"`
	// Tally counts the records by what they mean for the monitor and its
	// clients, each counted only when all its claims hold.
	Tally auditTally `json:"tally"`
	// Unchecked names what this audit did not check.
	Unchecked []string `json:"unchecked,omitempty"`
	// Seconds is how long the audit took.
	Seconds float64 `json:"seconds"`
}

// auditTally sorts the records whose claims all hold: a win is a reward
// the chain paid; a missed window is a loss for the client, and a
// reverted update a race lost; neither is ever counted as a win.
type auditTally struct {
	Won        int `json:"updates_won"`
	Missed     int `json:"updates_missed"`
	Reverted   int `json:"updates_reverted"`
	StoodDown  int `json:"updates_stood_down"`
	Other      int `json:"updates_other"`
	Mismatched int `json:"updates_with_mismatch"`
	// Justice records: confirmed, lost (the client's money may be gone,
	// or another justice transaction protected it), other.
	JusticeConfirmed  int `json:"justice_confirmed"`
	JusticeLost       int `json:"justice_lost"`
	JusticeOther      int `json:"justice_other"`
	JusticeMismatched int `json:"justice_with_mismatch"`
}

// auditor holds what one audit needs.
type auditor struct {
	api     *apiClient
	eth     *ethclient.Client
	chainID *big.Int
	monitor common.Address
	payout  common.Address
	abi     *abi.ABI
	signer  types.Signer
	report  auditReport
	// logs caches each channel's RewardPaid and TransferUpdated logs.
	logs map[common.Address][]types.Log
	// btc is the Bitcoin node (nil without --btc-rpc).
	btc *btcRPC
}

func cmdAudit(args []string, stdout, stderr io.Writer) error {
	f := newFlags("audit", `Checks every claim a vigild's API makes against the chains: each update
record's transaction (sender, call, nonce, outcome, block, gas paid), the
reward it says it won (RewardPaid and TransferUpdated events), a
stand-down's competing transaction (another account's updateTransfer on the
channel with the same or a newer nonce, mined and successful), a missed
window (the channel's window over with an older nonce on chain: a loss,
never a win); with --btc-rpc each justice record (the breach, the justice
transaction, its bounty output, fee and confirmation; a lost record's
spender); and the totals of /api/1/stats against the sums of the verified
records. Prints a verdict per claim, a tally of wins and losses and a
summary (a table, or --json); progress and the summary line go to stderr.
Exit status 1 when any claim does not hold.`)
	api := addAPIFlag(f)
	rpcURL := f.String("eth-rpc", "", "Ethereum JSON-RPC `URL` to check against")
	btcURL := f.String("btc-rpc", "", "Bitcoin JSON-RPC `URL` (http://host:port) to check the justice records against; the node needs its transaction index")
	btcUser := f.String("btc-user", "", "Bitcoin RPC `USER`")
	btcPassFile := f.String("btc-pass-file", "", "`FILE` holding the Bitcoin RPC password")
	asJSON := f.Bool("json", false, "print the report as JSON")
	timeout := f.Duration("timeout", 10*time.Minute, "give up after `D`")
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if err := f.need("eth-rpc"); err != nil {
		return err
	}
	c, err := newAPIClient(f, *api)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	client, chainID, err := ethchain.Dial(ctx, *rpcURL, nil, dialTimeout)
	if err != nil {
		return err
	}
	defer client.Close()
	parsed, err := contracts.NettingChannelMetaData.GetAbi()
	if err != nil {
		return err
	}
	a := &auditor{api: c, eth: client, chainID: chainID, abi: parsed, signer: types.LatestSignerForChainID(chainID),
		logs: map[common.Address][]types.Log{}}
	a.report.API = c.base
	if *btcURL != "" {
		u, err := url.Parse(*btcURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return f.usagef("--btc-rpc %q is not an http:// or https:// URL", *btcURL)
		}
		a.btc = &btcRPC{url: *btcURL, user: *btcUser, http: &http.Client{Timeout: apiTimeout}}
		if *btcPassFile != "" {
			if a.btc.pass, err = readSecret(*btcPassFile, "--btc-pass-file"); err != nil {
				return err
			}
		}
	}
	start := time.Now()
	if err := a.run(ctx, stderr); err != nil {
		return err
	}
	a.report.Seconds = time.Since(start).Seconds()
	fmt.Fprintf(stderr, "audit: %s\n", a.report.summary())
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(a.report); err != nil {
			return err
		}
	} else {
		a.report.print(stdout, isTerminal(stdout))
	}
	if a.report.Bad > 0 {
		return fmt.Errorf("%d of %d claims do not hold", a.report.Bad, len(a.report.Claims))
	}
	return nil
}

// isTerminal reports whether w is a character device (colour only then).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (a *auditor) getJSON(path string, q url.Values, v any) error {
	_, raw, err := a.api.do(http.MethodGet, path, q, nil)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	return nil
}

// run reads the API and checks every claim.
func (a *auditor) run(ctx context.Context, stderr io.Writer) error {
	var st auditStats
	if err := a.getJSON("/api/1/stats", nil, &st); err != nil {
		return err
	}
	if !common.IsHexAddress(st.Ethereum.Monitor) {
		return fmt.Errorf("/api/1/stats names no ethereum.monitor_address (%q)", st.Ethereum.Monitor)
	}
	a.monitor = common.HexToAddress(st.Ethereum.Monitor)
	a.payout = a.monitor
	if common.IsHexAddress(st.Ethereum.Payout) {
		a.payout = common.HexToAddress(st.Ethereum.Payout)
	}
	a.report.Monitor, a.report.Payout, a.report.ChainID = a.monitor.Hex(), a.payout.Hex(), a.chainID.String()
	if st.Lightning.Enabled && a.btc == nil {
		a.report.Unchecked = append(a.report.Unchecked, fmt.Sprintf(
			"the watchtower's justice records (/api/1/justice; stats claim %d broadcast) and lightning totals: give --btc-rpc",
			st.Lightning.JusticeBroadcast))
	}
	a.add(auditClaim{Kind: "stats", Claim: "ethereum.chain_id " + st.Ethereum.ChainID},
		st.Ethereum.ChainID == a.chainID.String(), "the node's chain id is "+a.chainID.String())

	records, err := listAll[auditRecord](a.api, "/api/1/channel_update", url.Values{}, "channel_updates", byID)
	if err != nil {
		return err
	}
	a.report.Records = len(records)
	fmt.Fprintf(stderr, "audit: %d update records from %s, monitor %s, payout %s\n", len(records), a.api.base, a.monitor.Hex(), a.payout.Hex())

	sums := struct {
		submitted, won, missed, standdowns int64
		rewards, gas                       big.Int
	}{}
	prog := newProgress(stderr, "update records", len(records))
	for i, r := range records {
		prog.at(i)
		v, err := a.record(ctx, r)
		if err != nil {
			return err
		}
		if v.sent && r.Replacements != nil && *r.Replacements == 0 {
			sums.submitted++
		}
		if v.gasPaid != nil {
			sums.gas.Add(&sums.gas, v.gasPaid)
		}
		if v.won != nil && v.won.Sign() > 0 {
			sums.won++
			sums.rewards.Add(&sums.rewards, v.won)
		}
		if v.missed {
			sums.missed++
		}
		if v.stoodDown {
			sums.standdowns++
		}
		a.report.Tally.count(r, v)
	}
	prog.done()

	total := func(name string, claimed string, verified string) {
		a.add(auditClaim{Kind: "stats", Claim: fmt.Sprintf("stats %s = %s", name, claimed)}, claimed == verified,
			"the verified records sum to "+verified)
	}
	total("updates.submitted", strconv.FormatInt(st.Updates.Submitted, 10), strconv.FormatInt(sums.submitted, 10))
	total("updates.won", strconv.FormatInt(st.Updates.Won, 10), strconv.FormatInt(sums.won, 10))
	total("updates.rewards_earned_wei", st.Updates.RewardsEarned, sums.rewards.String())
	total("updates.gas_spent_wei", st.Updates.GasSpent, sums.gas.String())
	total("updates.net_earnings_wei", st.Updates.NetEarnings, new(big.Int).Sub(&sums.rewards, &sums.gas).String())
	total("updates.missed", strconv.FormatInt(st.Updates.Missed, 10), strconv.FormatInt(sums.missed, 10))
	total("updates.standdowns", strconv.FormatInt(st.Updates.Standdowns, 10), strconv.FormatInt(sums.standdowns, 10))
	if a.btc != nil {
		return a.justice(ctx, a.btc, st.Lightning.auditLightning, stderr)
	}
	return nil
}

// add records a claim's verdict; finding is kept on a mismatch only.
func (a *auditor) add(c auditClaim, holds bool, finding string) bool {
	if holds {
		c.Verdict = verdictOK
		a.report.Verified++
	} else {
		c.Verdict, c.Finding = verdictMismatch, finding
		a.report.Bad++
	}
	a.report.Claims = append(a.report.Claims, c)
	return holds
}

// recordVerdict is what one record contributes to the totals: each figure
// only when its own claims held.
type recordVerdict struct {
	ok bool // every claim of the record holds
	// sent: the transaction exists and the monitor sent it.
	sent    bool
	gasPaid *big.Int
	won     *big.Int
	// missed: a missed window, as the chain shows it (a loss).
	missed bool
	// stoodDown: a stand-down whose competitor carried the update.
	stoodDown bool
}

// count adds one update record to the tally.
func (t *auditTally) count(r auditRecord, v recordVerdict) {
	switch {
	case !v.ok:
		t.Mismatched++
	case v.won != nil && v.won.Sign() > 0:
		t.Won++
	case v.missed:
		t.Missed++
	case r.Outcome == "reverted":
		t.Reverted++
	case v.stoodDown:
		t.StoodDown++
	default:
		t.Other++
	}
}

// record checks the claims of one update record. An error is a failure to
// ask (the node or the API), not a claim that does not hold.
func (a *auditor) record(ctx context.Context, r auditRecord) (recordVerdict, error) {
	v := recordVerdict{ok: true}
	base := auditClaim{Kind: "update", Record: r.ID, Channel: r.Channel, TxHash: r.TxHash}
	check := func(claim string, holds bool, finding string, args ...any) bool {
		c := base
		c.Claim = claim
		if !a.add(c, holds, fmt.Sprintf(finding, args...)) {
			v.ok = false
		}
		return holds
	}
	if !common.IsHexAddress(r.Channel) {
		check("channel_address "+r.Channel, false, "not an address")
		return v, nil
	}
	channel := common.HexToAddress(r.Channel)
	if r.CompetitorTx != "" {
		held, err := a.competitor(ctx, r, channel, check)
		if err != nil {
			return v, err
		}
		v.stoodDown = held && r.Outcome == "skipped"
	}
	if r.Outcome == "missed" {
		held, err := a.missed(ctx, r, channel, check)
		if err != nil {
			return v, err
		}
		v.missed = held && v.ok
		return v, nil
	}
	if r.TxHash == "" {
		if r.RewardWonWei != "" {
			check("reward_won_wei "+r.RewardWonWei, false, "the record names no transaction of the monitor")
		}
		return v, nil
	}
	hash := common.HexToHash(r.TxHash)
	tx, receipt, err := a.txAndReceipt(ctx, hash)
	if err != nil {
		return v, err
	}
	if tx == nil {
		v.sent, err = a.forgottenTx(ctx, r, hash, check)
		return v, err
	}
	check("transaction exists", true, "")
	txNonce, nonceErr := strconv.ParseUint(r.TxNonce, 10, 64)
	from, err := types.Sender(a.signer, tx)
	v.sent = check("sent by the monitor "+a.monitor.Hex(), err == nil && from == a.monitor, "sent by %s (%v)", from.Hex(), err)
	check("tx_nonce "+r.TxNonce, nonceErr == nil && tx.Nonce() == txNonce, "the transaction's account nonce is %d", tx.Nonce())
	a.call(tx, r, channel, check)
	v.gasPaid = checkOutcome(r, receipt, check)
	if r.RewardWonWei != "" {
		won, err := a.reward(ctx, channel, hash, r, check)
		if err != nil {
			return v, err
		}
		v.won = won
	}
	return v, nil
}

// txAndReceipt reads a transaction and its receipt; each is nil when the
// node does not know it.
func (a *auditor) txAndReceipt(ctx context.Context, hash common.Hash) (*types.Transaction, *types.Receipt, error) {
	tx, _, err := a.eth.TransactionByHash(ctx, hash)
	if errors.Is(err, ethereum.NotFound) {
		tx = nil
	} else if err != nil {
		return nil, nil, fmt.Errorf("eth_getTransactionByHash %s: %w", hash.Hex(), err)
	}
	receipt, err := a.eth.TransactionReceipt(ctx, hash)
	if errors.Is(err, ethereum.NotFound) {
		receipt = nil
	} else if err != nil {
		return nil, nil, fmt.Errorf("eth_getTransactionReceipt %s: %w", hash.Hex(), err)
	}
	return tx, receipt, nil
}

// forgottenTx checks a record whose transaction the node does not know.
// It tells whether the record still counts as submitted.
func (a *auditor) forgottenTx(ctx context.Context, r auditRecord, hash common.Hash, check func(string, bool, string, ...any) bool) (sent bool, err error) {
	switch r.Outcome {
	case "dropped", "replaced":
		// A transaction that never made it into a block may be
		// forgotten by the node; the claim holds when the account
		// nonce it carried was used by another transaction.
		used, err := a.eth.NonceAt(ctx, a.monitor, nil)
		if err != nil {
			return false, fmt.Errorf("eth_getTransactionCount %s: %w", a.monitor.Hex(), err)
		}
		txNonce, nonceErr := strconv.ParseUint(r.TxNonce, 10, 64)
		// It still counts as submitted: the node may have forgotten an
		// original that a fee bump replaced.
		sent = check(fmt.Sprintf("outcome %s (tx nonce %s used by a sibling)", r.Outcome, r.TxNonce), nonceErr == nil && used > txNonce,
			"the node does not know the transaction and the monitor's account nonce is %d", used)
	default:
		check("transaction exists", false, "no transaction %s on the chain", hash.Hex())
	}
	if r.RewardWonWei != "" && r.RewardWonWei != "0" {
		check("reward_won_wei "+r.RewardWonWei, false, "the transaction is not on the chain")
	}
	return sent, nil
}

// checkOutcome checks the record's outcome against the receipt (nil: not
// mined) and returns the gas paid when the record's figure holds.
func checkOutcome(r auditRecord, receipt *types.Receipt, check func(string, bool, string, ...any) bool) (gasPaid *big.Int) {
	switch r.Outcome {
	case "mined", "reverted":
		wantStatus := types.ReceiptStatusSuccessful
		if r.Outcome == "reverted" {
			wantStatus = types.ReceiptStatusFailed
		}
		if receipt == nil {
			check("outcome "+r.Outcome, false, "the transaction is not mined")
			return nil
		}
		check(fmt.Sprintf("outcome %s in block %s", r.Outcome, r.Block),
			receipt.Status == wantStatus && receipt.BlockNumber != nil && receipt.BlockNumber.String() == r.Block,
			"receipt status %d in block %v", receipt.Status, receipt.BlockNumber)
		check("gas_used "+r.GasUsed, r.GasUsed == strconv.FormatUint(receipt.GasUsed, 10), "gasUsed is %d", receipt.GasUsed)
		paid := new(big.Int)
		if receipt.EffectiveGasPrice != nil {
			paid.Mul(new(big.Int).SetUint64(receipt.GasUsed), receipt.EffectiveGasPrice)
		}
		if check("gas_paid_wei "+r.GasPaidWei, r.GasPaidWei == paid.String(), "gasUsed × effective gas price is %s", paid) {
			return paid
		}
	case "pending", "replaced", "dropped":
		if receipt == nil {
			check("outcome "+r.Outcome+" (not mined)", true, "")
			return nil
		}
		check("outcome "+r.Outcome+" (not mined)", false, "mined in block %v with status %d", receipt.BlockNumber, receipt.Status)
	default:
		check("outcome "+r.Outcome+" with a transaction", false, "an outcome of %q sends no transaction", r.Outcome)
	}
	return nil
}

// call checks that tx calls updateTransfer on the record's channel with
// its nonce. The call names no payout: the channel pays the sender's
// registered one, which the reward check reads from the chain's events.
func (a *auditor) call(tx *types.Transaction, r auditRecord, channel common.Address, check func(string, bool, string, ...any) bool) {
	claim := fmt.Sprintf("updateTransfer on %s with nonce %s", r.Channel, r.Nonce)
	nonce, finding := a.updateNonce(tx, channel)
	if finding != "" {
		check(claim, false, "%s", finding)
		return
	}
	check(claim, strconv.FormatUint(nonce, 10) == r.Nonce, "updateTransfer carries nonce %d", nonce)
}

// updateNonce decodes tx as an updateTransfer call on channel and returns
// the balance-proof nonce it carries, or a finding saying why it is not one.
func (a *auditor) updateNonce(tx *types.Transaction, channel common.Address) (uint64, string) {
	if tx.To() == nil || *tx.To() != channel {
		return 0, fmt.Sprintf("the transaction is sent to %v", tx.To())
	}
	m := a.abi.Methods["updateTransfer"]
	data := tx.Data()
	if len(data) < 4 || string(data[:4]) != string(m.ID) {
		return 0, "the transaction does not call updateTransfer"
	}
	vals, err := m.Inputs.Unpack(data[4:])
	if err != nil || len(vals) != 7 {
		return 0, fmt.Sprintf("the updateTransfer arguments do not decode: %v", err)
	}
	nonce, _ := vals[0].(uint64)
	return nonce, ""
}

// channelLogs returns (and caches) a channel's RewardPaid and
// TransferUpdated logs.
func (a *auditor) channelLogs(ctx context.Context, channel common.Address) ([]types.Log, error) {
	if l, ok := a.logs[channel]; ok {
		return l, nil
	}
	l, err := a.eth.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: big.NewInt(0),
		Addresses: []common.Address{channel},
		Topics:    [][]common.Hash{{a.abi.Events["RewardPaid"].ID, a.abi.Events["TransferUpdated"].ID}},
	})
	if err != nil {
		return nil, fmt.Errorf("eth_getLogs of %s: %w", channel.Hex(), err)
	}
	a.logs[channel] = l
	return l, nil
}

// reward checks a record's reward_won_wei: when the channel's last
// TransferUpdated is the record's transaction naming the payout, the
// channel's RewardPaid events to the payout sum to it; otherwise it is 0.
// It returns the verified amount.
func (a *auditor) reward(ctx context.Context, channel common.Address, hash common.Hash, r auditRecord,
	check func(string, bool, string, ...any) bool) (*big.Int, error) {
	logs, err := a.channelLogs(ctx, channel)
	if err != nil {
		return nil, err
	}
	paid := new(big.Int)
	var last *types.Log
	for i := range logs {
		l := &logs[i]
		if l.Removed || len(l.Topics) < 2 {
			continue
		}
		switch l.Topics[0] {
		case a.abi.Events["RewardPaid"].ID:
			if common.BytesToAddress(l.Topics[1].Bytes()) == a.payout && len(l.Data) >= 32 {
				paid.Add(paid, new(big.Int).SetBytes(l.Data[:32]))
			}
		case a.abi.Events["TransferUpdated"].ID:
			last = l
		}
	}
	claim := "reward_won_wei " + r.RewardWonWei
	if last == nil || last.TxHash != hash || len(last.Topics) < 3 || common.BytesToAddress(last.Topics[2].Bytes()) != a.payout {
		finding := "the channel has no TransferUpdated"
		if last != nil && len(last.Topics) >= 3 {
			finding = fmt.Sprintf("the last TransferUpdated is transaction %s naming payout %s", last.TxHash.Hex(),
				common.BytesToAddress(last.Topics[2].Bytes()).Hex())
		}
		// Not the winning update: the only true claim is nothing won.
		check(claim, r.RewardWonWei == "0", "%s", finding)
		return nil, nil
	}
	if !check(claim, r.RewardWonWei == paid.String(), "RewardPaid to %s in the channel sums to %s wei", a.payout.Hex(), paid) {
		return nil, nil
	}
	return paid, nil
}

// competitor checks a stand-down's competing transaction: it exists, was
// sent by another account, calls updateTransfer on the record's channel
// with the record's nonce or a newer one, and was mined and succeeded (a
// competitor that never landed, or reverted, did not carry the update the
// monitor waited for; one still pending cannot be judged yet). It reports
// whether all of this holds.
func (a *auditor) competitor(ctx context.Context, r auditRecord, channel common.Address,
	check func(string, bool, string, ...any) bool) (bool, error) {
	hash := common.HexToHash(r.CompetitorTx)
	tx, receipt, err := a.txAndReceipt(ctx, hash)
	if err != nil {
		return false, err
	}
	name := "competitor_tx " + r.CompetitorTx
	if !check(name+" exists", tx != nil, "no such transaction on the chain") {
		return false, nil
	}
	from, err := types.Sender(a.signer, tx)
	ok := check(name+" sent by another account", err == nil && from != a.monitor, "sent by %s (%v)", from.Hex(), err)
	claim := fmt.Sprintf("%s calls updateTransfer on %s with nonce >= %s", name, r.Channel, r.Nonce)
	want, nonceErr := strconv.ParseUint(r.Nonce, 10, 64)
	if n, finding := a.updateNonce(tx, channel); finding != "" {
		ok = check(claim, false, "%s", finding) && ok
	} else {
		ok = check(claim, nonceErr == nil && n >= want, "it carries nonce %d", n) && ok
	}
	switch {
	case receipt == nil:
		ok = check(name+" mined and succeeded", false, "not mined: still pending (audit again once it is mined or dropped)") && ok
	default:
		ok = check(fmt.Sprintf("%s mined and succeeded (block %v)", name, receipt.BlockNumber), receipt.Status == types.ReceiptStatusSuccessful,
			"reverted in block %v: it recorded no update", receipt.BlockNumber) && ok
	}
	return ok, nil
}

// missed checks a missed window against the channel at the node's head:
// the channel was closed by the partner of the record's non-closing
// participant, its window is over, and the nonce the chain recorded for the
// closer is below the record's (the newer proof never made it). A missed
// window sent nothing and won nothing: it is the client's loss. It reports
// whether all of this holds.
func (a *auditor) missed(ctx context.Context, r auditRecord, channel common.Address,
	check func(string, bool, string, ...any) bool) (bool, error) {
	ok := check("outcome missed: no transaction, no reward", r.TxHash == "" && (r.RewardWonWei == "" || r.RewardWonWei == "0"),
		"the record names transaction %q and reward %q", r.TxHash, r.RewardWonWei)
	claim := "outcome missed (a loss for the client): the window closed before nonce " + r.Nonce + " reached the chain"
	head, err := a.eth.BlockNumber(ctx)
	if err != nil {
		return false, fmt.Errorf("eth_blockNumber: %w", err)
	}
	at := new(big.Int).SetUint64(head)
	code, err := a.eth.CodeAt(ctx, channel, at)
	if err != nil {
		return false, fmt.Errorf("eth_getCode %s: %w", channel.Hex(), err)
	}
	if len(code) == 0 {
		check(claim, false, "%s is not a contract", channel.Hex())
		return false, nil
	}
	st, err := readChannelEnd(ctx, a.eth, channel, at)
	if err != nil {
		// It has code, and the node just answered: it is not a channel.
		check(claim, false, "%s cannot be read as a channel: %v", channel.Hex(), err)
		return false, nil
	}
	if st.state == 0 {
		check(claim, false, "the channel is open")
		return false, nil
	}
	closedAt, timeout, closing, onChain := st.closedAt, st.timeout, st.closing, st.onChain
	want, nonceErr := strconv.ParseUint(r.Nonce, 10, 64)
	deadline := closedAt + timeout
	var finding string
	switch {
	case strings.EqualFold(closing.Hex(), r.NonClosing):
		finding = fmt.Sprintf("%s closed the channel itself", closing.Hex())
	case head <= deadline:
		finding = fmt.Sprintf("the window is open until block %d (head %d)", deadline, head)
	case nonceErr != nil || onChain >= want:
		finding = fmt.Sprintf("the chain recorded nonce %d, not older than %s: nothing was missed", onChain, r.Nonce)
	}
	ok = check(claim, finding == "", "%s", finding) && ok
	return ok, nil
}

// channelEnd is what a channel says of its end at one block.
type channelEnd struct {
	state             uint8
	closedAt, timeout uint64
	closing           common.Address
	onChain           uint64 // the nonce recorded for the closer
}

// readChannelEnd reads a NettingChannel's state, close block, window,
// closer and the closer's recorded nonce at block at.
func readChannelEnd(ctx context.Context, eth bind.ContractCaller, channel common.Address, at *big.Int) (channelEnd, error) {
	var e channelEnd
	c, err := contracts.NewNettingChannelCaller(channel, eth)
	if err != nil {
		return e, err
	}
	opts := &bind.CallOpts{Context: ctx, BlockNumber: at}
	if e.state, err = c.State(opts); err != nil {
		return e, fmt.Errorf("state: %w", err)
	}
	if e.closedAt, err = c.ClosedAt(opts); err != nil {
		return e, fmt.Errorf("closedAt: %w", err)
	}
	if e.timeout, err = c.SettleTimeout(opts); err != nil {
		return e, fmt.Errorf("settleTimeout: %w", err)
	}
	if e.closing, err = c.ClosingParticipant(opts); err != nil {
		return e, fmt.Errorf("closingParticipant: %w", err)
	}
	if e.onChain, err = c.Nonces(opts, e.closing); err != nil {
		return e, fmt.Errorf("nonces: %w", err)
	}
	return e, nil
}

// print writes the report as a table and a summary; colour marks the
// verdicts when the output is a terminal.
func (r *auditReport) print(w io.Writer, colour bool) {
	fmt.Fprintf(w, "audit of %s: monitor %s, payout %s, chain %s, %d update records, %d justice records\n\n",
		r.API, r.Monitor, r.Payout, r.ChainID, r.Records, r.JusticeRecords)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VERDICT\tRECORD\tTX\tCLAIM\tFINDING")
	for _, c := range r.Claims {
		verdict := c.Verdict
		if colour {
			code := "32;1"
			if c.Verdict != verdictOK {
				code = "31;1"
			}
			verdict = "\x1b[" + code + "m" + verdict + "\x1b[0m"
		}
		rec, tx := "stats", "-"
		if c.Kind != "stats" {
			rec = c.Kind + " " + strconv.FormatInt(c.Record, 10)
		}
		if c.TxHash != "" {
			tx = shortHash(c.TxHash)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", verdict, rec, tx, c.Claim, c.Finding)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d claims: %d hold, %d do not\n", len(r.Claims), r.Verified, r.Bad)
	fmt.Fprintln(w, r.Tally.String())
	for _, u := range r.Unchecked {
		fmt.Fprintf(w, "not checked: %s\n", u)
	}
}

// String says what the verified records amount to; losses are named as
// such.
func (t auditTally) String() string {
	return fmt.Sprintf("updates: won %d, missed windows %d (losses for the client), reverted %d (races lost), stood down %d, other %d, with a mismatch %d; "+
		"justice: confirmed %d, lost %d, other %d, with a mismatch %d",
		t.Won, t.Missed, t.Reverted, t.StoodDown, t.Other, t.Mismatched, t.JusticeConfirmed, t.JusticeLost, t.JusticeOther, t.JusticeMismatched)
}

// summary is the audit's one-line verdict.
func (r *auditReport) summary() string {
	verdict := "every claim holds"
	if r.Bad > 0 {
		verdict = fmt.Sprintf("%d do not hold", r.Bad)
	}
	return fmt.Sprintf("%d claims on %d update and %d justice records checked in %.1fs: %s", len(r.Claims), r.Records,
		r.JusticeRecords, r.Seconds, verdict)
}

// progressEvery is how often a long audit reports its progress.
const progressEvery = 2 * time.Second

// progress reports the advance of a long audit on stderr: a line every
// progressEvery (none for a shorter one), then one at the end.
type progress struct {
	w           io.Writer
	what        string
	total       int
	start, last time.Time
}

func newProgress(w io.Writer, what string, total int) *progress {
	now := time.Now()
	return &progress{w: w, what: what, total: total, start: now, last: now}
}

// at is called before checking record i (0-based).
func (p *progress) at(i int) {
	if time.Since(p.last) < progressEvery {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "audit: %d/%d %s checked (%.1fs)\n", i, p.total, p.what, time.Since(p.start).Seconds())
}

func (p *progress) done() {
	fmt.Fprintf(p.w, "audit: %d %s checked in %.1fs\n", p.total, p.what, time.Since(p.start).Seconds())
}

// shortHash abbreviates a 0x hash for the table.
func shortHash(h string) string {
	if len(h) <= 14 {
		return h
	}
	return h[:10] + "…" + h[len(h)-4:]
}
