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
	"text/tabwriter"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
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
		RewardsEarned string `json:"rewards_earned_wei"`
		GasSpent      string `json:"gas_spent_wei"`
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
	// Unchecked names what this audit did not check.
	Unchecked []string `json:"unchecked,omitempty"`
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
reward it says it won (RewardPaid and TransferUpdated events), a stand-down's
competing transaction; with --btc-rpc each justice record (the breach,
the justice transaction, its bounty output and confirmation); and the
totals of /api/1/stats against the sums of the verified records. Prints a verdict per claim and a summary (a table, or
--json); progress goes to stderr. Exit status 1 when any claim does not hold.`)
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
	if err := a.run(ctx, stderr); err != nil {
		return err
	}
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
		submitted, won int64
		rewards, gas   big.Int
	}{}
	for i, r := range records {
		if i > 0 && i%50 == 0 {
			fmt.Fprintf(stderr, "audit: %d/%d records checked\n", i, len(records))
		}
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
	}
	fmt.Fprintf(stderr, "audit: %d records checked\n", len(records))

	total := func(name string, claimed string, verified string) {
		a.add(auditClaim{Kind: "stats", Claim: fmt.Sprintf("stats %s = %s", name, claimed)}, claimed == verified,
			"the verified records sum to "+verified)
	}
	total("updates.submitted", strconv.FormatInt(st.Updates.Submitted, 10), strconv.FormatInt(sums.submitted, 10))
	total("updates.won", strconv.FormatInt(st.Updates.Won, 10), strconv.FormatInt(sums.won, 10))
	total("updates.rewards_earned_wei", st.Updates.RewardsEarned, sums.rewards.String())
	total("updates.gas_spent_wei", st.Updates.GasSpent, sums.gas.String())
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
		if err := a.competitor(ctx, r, check); err != nil {
			return v, err
		}
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
	if tx.To() == nil || *tx.To() != channel {
		check(claim, false, "the transaction is sent to %v", tx.To())
		return
	}
	m := a.abi.Methods["updateTransfer"]
	data := tx.Data()
	if len(data) < 4 || string(data[:4]) != string(m.ID) {
		check(claim, false, "the transaction does not call updateTransfer")
		return
	}
	vals, err := m.Inputs.Unpack(data[4:])
	if err != nil || len(vals) != 7 {
		check(claim, false, "the updateTransfer arguments do not decode: %v", err)
		return
	}
	nonce, _ := vals[0].(uint64)
	check(claim, strconv.FormatUint(nonce, 10) == r.Nonce, "updateTransfer carries nonce %d", nonce)
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

// competitor checks a stand-down's competing transaction exists and says
// whether it was mined.
func (a *auditor) competitor(ctx context.Context, r auditRecord, check func(string, bool, string, ...any) bool) error {
	hash := common.HexToHash(r.CompetitorTx)
	_, pending, err := a.eth.TransactionByHash(ctx, hash)
	if errors.Is(err, ethereum.NotFound) {
		check("competitor_tx "+r.CompetitorTx+" exists", false, "no such transaction on the chain")
		return nil
	}
	if err != nil {
		return fmt.Errorf("eth_getTransactionByHash %s: %w", hash.Hex(), err)
	}
	state := "pending"
	if !pending {
		state = "mined"
		if rc, err := a.eth.TransactionReceipt(ctx, hash); err == nil && rc.Status == types.ReceiptStatusFailed {
			state = "mined, reverted"
		}
	}
	check(fmt.Sprintf("competitor_tx %s exists (%s)", r.CompetitorTx, state), true, "")
	return nil
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
	for _, u := range r.Unchecked {
		fmt.Fprintf(w, "not checked: %s\n", u)
	}
}

// shortHash abbreviates a 0x hash for the table.
func shortHash(h string) string {
	if len(h) <= 14 {
		return h
	}
	return h[:10] + "…" + h[len(h)-4:]
}
