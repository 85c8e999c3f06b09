package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
)

// auditJustice is one record of /api/1/justice (docs/protocol.md §8).
type auditJustice struct {
	ID          int64  `json:"id"`
	BreachTxID  string `json:"breach_txid"`
	BreachBlock string `json:"breach_block"`
	TxID        string `json:"txid"`
	Outcome     string `json:"outcome"`
	Reason      string `json:"reason"`
	FeeSat      string `json:"fee_sat"`
	BountySat   string `json:"bounty_sat"`
	Block       string `json:"block"`
	BlockHash   string `json:"block_hash"`
	Replacement *int   `json:"replacement"`
	SpentBy     string `json:"spent_by_txid"`
}

// btcRPC is a Bitcoin JSON-RPC client over HTTP POST with basic auth (the
// node needs its transaction index for confirmed transactions).
type btcRPC struct {
	url, user, pass string
	http            *http.Client
	id              atomic.Int64
}

// btcRPCError is an error answer of the node.
type btcRPCError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *btcRPCError) Error() string {
	return fmt.Sprintf("bitcoin RPC error %d: %s", e.Code, e.Message)
}

// errNoTx: the node knows no such transaction (RPC code -5).
var errNoTx = errors.New("no such transaction")

func (c *btcRPC) call(ctx context.Context, method string, out any, params ...any) error {
	body, err := json.Marshal(map[string]any{"jsonrpc": "1.0", "id": c.id.Add(1), "method": method, "params": params})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(c.user, c.pass)
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("bitcoin %s: %w", method, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("bitcoin %s: %w", method, err)
	}
	var r struct {
		Result json.RawMessage `json:"result"`
		Error  *btcRPCError    `json:"error"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("bitcoin %s: HTTP %d: %s", method, resp.StatusCode, snippet(raw))
	}
	if r.Error != nil {
		if r.Error.Code == -5 {
			return errNoTx
		}
		return fmt.Errorf("bitcoin %s: %w", method, r.Error)
	}
	return json.Unmarshal(r.Result, out)
}

// btcTx is the part of getrawtransaction's verbose answer the audit reads.
type btcTx struct {
	Vin []struct {
		TxID string `json:"txid"`
		Vout uint32 `json:"vout"`
	} `json:"vin"`
	Vout []struct {
		Value float64 `json:"value"`
	} `json:"vout"`
	BlockHash string `json:"blockhash"`
}

// tx returns txid's verbose form, nil when the node does not know it.
func (c *btcRPC) tx(ctx context.Context, txid string) (*btcTx, error) {
	var t btcTx
	err := c.call(ctx, "getrawtransaction", &t, txid, 1)
	if errors.Is(err, errNoTx) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// blockOf returns the height and depth of a block (depth < 1: not on the
// best chain).
func (c *btcRPC) blockOf(ctx context.Context, hash string) (height, confirmations int64, err error) {
	var h struct {
		Height        int64 `json:"height"`
		Confirmations int64 `json:"confirmations"`
	}
	if err := c.call(ctx, "getblockheader", &h, hash, true); err != nil {
		return 0, 0, err
	}
	return h.Height, h.Confirmations, nil
}

// auditLightning is the part of /api/1/stats the Bitcoin audit checks.
type auditLightning struct {
	JusticeBroadcast int64            `json:"justice_broadcast"`
	JusticeConfirmed int64            `json:"justice_confirmed"`
	BountyEarnedSat  int64            `json:"bounty_earned_sat"`
	JusticeLost      map[string]int64 `json:"justice_lost"`
}

// sat converts a verbose transaction's BTC amount to satoshis.
func sat(btc float64) int64 { return int64(math.Round(btc * 1e8)) }

// fee is what tx pays its miner: its inputs' values, read from the
// transactions they spend, less its outputs'.
func (c *btcRPC) fee(ctx context.Context, tx *btcTx) (int64, error) {
	var in, out int64
	prev := map[string]*btcTx{}
	for _, i := range tx.Vin {
		p, ok := prev[i.TxID]
		if !ok {
			var err error
			if p, err = c.tx(ctx, i.TxID); err != nil {
				return 0, err
			}
			if p == nil {
				return 0, fmt.Errorf("the node has no transaction %s, spent by the justice transaction", i.TxID)
			}
			prev[i.TxID] = p
		}
		if int(i.Vout) >= len(p.Vout) {
			return 0, fmt.Errorf("transaction %s has no output %d", i.TxID, i.Vout)
		}
		in += sat(p.Vout[i.Vout].Value)
	}
	for _, o := range tx.Vout {
		out += sat(o.Value)
	}
	return in - out, nil
}

// justice checks every record of /api/1/justice against the Bitcoin node
// and the Lightning totals of stats against the verified records.
func (a *auditor) justice(ctx context.Context, btc *btcRPC, st auditLightning, stderr io.Writer) error {
	records, err := listAll[auditJustice](a.api, "/api/1/justice", url.Values{}, "justice", byID)
	if err != nil {
		return err
	}
	a.report.JusticeRecords = len(records)
	fmt.Fprintf(stderr, "audit: %d justice records\n", len(records))
	var broadcast, confirmed, bounty int64
	lost := map[string]int64{}
	prog := newProgress(stderr, "justice records", len(records))
	for i, r := range records {
		prog.at(i)
		base := auditClaim{Record: r.ID, TxHash: r.TxID, Kind: "justice"}
		recordOK := true
		check := func(claim string, holds bool, finding string, args ...any) bool {
			c := base
			c.Claim = claim
			if !a.add(c, holds, fmt.Sprintf(finding, args...)) {
				recordOK = false
			}
			return holds
		}
		v, err := a.justiceRecord(ctx, btc, r, check)
		if err != nil {
			return err
		}
		// Each total sums the records whose claims of that figure hold.
		switch v.kind {
		case "confirmed":
			confirmed++
			if v.bountyOK {
				b, _ := strconv.ParseInt(r.BountySat, 10, 64)
				bounty += b
			}
		case "lost":
			if recordOK {
				lost[r.Reason]++
			}
		}
		if v.sent && r.Replacement != nil && *r.Replacement == 0 {
			broadcast++
		}
		t := &a.report.Tally
		switch {
		case !recordOK:
			t.JusticeMismatched++
		case v.kind == "confirmed":
			t.JusticeConfirmed++
		case v.kind == "lost":
			t.JusticeLost++
		default:
			t.JusticeOther++
		}
	}
	prog.done()
	total := func(name string, claimed, verified int64) {
		a.add(auditClaim{Claim: fmt.Sprintf("stats %s = %d", name, claimed), Kind: "stats"}, claimed == verified,
			fmt.Sprintf("the verified records sum to %d", verified))
	}
	total("lightning.justice_broadcast", st.JusticeBroadcast, broadcast)
	total("lightning.justice_confirmed", st.JusticeConfirmed, confirmed)
	total("lightning.bounty_earned_sat", st.BountyEarnedSat, bounty)
	reasons := map[string]bool{}
	for k := range st.JusticeLost {
		reasons[k] = true
	}
	for k := range lost {
		reasons[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(reasons)) {
		total("lightning.justice_lost."+k, st.JusticeLost[k], lost[k])
	}
	return nil
}

// justiceVerdict is what one justice record's claims showed: kind is
// "confirmed" (its transaction is mined as claimed), "lost" or "";
// sent: its transaction exists; bountyOK: its bounty output is there.
type justiceVerdict struct {
	kind     string
	sent     bool
	bountyOK bool
}

// justiceRecord checks the claims of one justice record.
func (a *auditor) justiceRecord(ctx context.Context, btc *btcRPC, r auditJustice,
	check func(string, bool, string, ...any) bool) (v justiceVerdict, err error) {
	breach, err := btc.tx(ctx, r.BreachTxID)
	if err != nil {
		return v, err
	}
	if breach == nil || breach.BlockHash == "" {
		check("breach "+r.BreachTxID+" mined", false, "the node has no mined transaction %s", r.BreachTxID)
	} else if h, _, err := btc.blockOf(ctx, breach.BlockHash); err != nil {
		return v, err
	} else {
		check("breach "+r.BreachTxID+" in block "+r.BreachBlock, strconv.FormatInt(h, 10) == r.BreachBlock, "mined in block %d", h)
	}
	if r.TxID == "" {
		if r.Outcome == "lost" {
			v.kind = "lost"
			return v, a.lostJustice(ctx, btc, r, check)
		}
		return v, nil
	}
	tx, err := btc.tx(ctx, r.TxID)
	if err != nil {
		return v, err
	}
	if !check("transaction exists", tx != nil, "no transaction %s on the node", r.TxID) {
		return v, nil
	}
	v.sent = true
	spends := false
	for _, in := range tx.Vin {
		spends = spends || in.TxID == r.BreachTxID
	}
	check("spends the breach "+r.BreachTxID, spends, "no input spends the breach")
	v.bountyOK = true
	if b, _ := strconv.ParseInt(r.BountySat, 10, 64); b > 0 {
		found := false
		for _, o := range tx.Vout {
			found = found || sat(o.Value) == b
		}
		v.bountyOK = check("bounty output of "+r.BountySat+" sat", found, "no output of %d sat", b)
	}
	if r.FeeSat != "" {
		fee, err := btc.fee(ctx, tx)
		if err != nil {
			return v, err
		}
		check("fee_sat "+r.FeeSat, r.FeeSat == strconv.FormatInt(fee, 10), "its inputs less its outputs are %d sat", fee)
	}
	switch r.Outcome {
	case "confirmed":
		if tx.BlockHash == "" {
			check("outcome confirmed in block "+r.Block, false, "the transaction is not mined")
			break
		}
		h, depth, err := btc.blockOf(ctx, tx.BlockHash)
		if err != nil {
			return v, err
		}
		if check(fmt.Sprintf("outcome confirmed in block %s", r.Block),
			depth > 0 && strconv.FormatInt(h, 10) == r.Block && (r.BlockHash == "" || strings.EqualFold(r.BlockHash, tx.BlockHash)),
			"in block %d (%s), %d confirmations", h, tx.BlockHash, depth) {
			v.kind = "confirmed"
		}
	case "replaced":
		check("outcome replaced (not mined)", tx.BlockHash == "", "mined in block %s", tx.BlockHash)
	case "lost":
		if err := a.lostJustice(ctx, btc, r, check); err != nil {
			return v, err
		}
		v.kind = "lost"
	}
	return v, nil
}

// lostJustice checks a lost record's spender: the transaction named as
// having spent the breach's outputs exists, is mined, spends the breach and
// is not the tower's own justice transaction. The record is the client's
// loss (or another tower's win), never counted as confirmed.
func (a *auditor) lostJustice(ctx context.Context, btc *btcRPC, r auditJustice, check func(string, bool, string, ...any) bool) error {
	if r.SpentBy == "" {
		return nil // deadline_passed: nothing spent the breach; the window's end is the node's tip
	}
	sp, err := btc.tx(ctx, r.SpentBy)
	if err != nil {
		return err
	}
	claim := "outcome lost (" + r.Reason + "): breach spent by " + r.SpentBy
	if sp == nil || sp.BlockHash == "" {
		check(claim, false, "the node has no mined transaction %s", r.SpentBy)
		return nil
	}
	spends := false
	for _, in := range sp.Vin {
		spends = spends || in.TxID == r.BreachTxID
	}
	check(claim, spends && r.SpentBy != r.TxID, "it does not spend the breach, or it is the tower's own transaction")
	return nil
}
