package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
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
	JusticeBroadcast int64 `json:"justice_broadcast"`
	JusticeConfirmed int64 `json:"justice_confirmed"`
	BountyEarnedSat  int64 `json:"bounty_earned_sat"`
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
	for _, r := range records {
		base := auditClaim{Record: r.ID, TxHash: r.TxID, Kind: "justice"}
		check := func(claim string, holds bool, finding string, args ...any) bool {
			c := base
			c.Claim = claim
			return a.add(c, holds, fmt.Sprintf(finding, args...))
		}
		breach, err := btc.tx(ctx, r.BreachTxID)
		if err != nil {
			return err
		}
		if breach == nil || breach.BlockHash == "" {
			check("breach "+r.BreachTxID+" mined", false, "the node has no mined transaction %s", r.BreachTxID)
		} else if h, _, err := btc.blockOf(ctx, breach.BlockHash); err != nil {
			return err
		} else {
			check("breach "+r.BreachTxID+" in block "+r.BreachBlock, strconv.FormatInt(h, 10) == r.BreachBlock, "mined in block %d", h)
		}
		if r.TxID == "" {
			continue
		}
		tx, err := btc.tx(ctx, r.TxID)
		if err != nil {
			return err
		}
		if !check("transaction exists", tx != nil, "no transaction %s on the node", r.TxID) {
			continue
		}
		spends := false
		for _, in := range tx.Vin {
			spends = spends || in.TxID == r.BreachTxID
		}
		check("spends the breach "+r.BreachTxID, spends, "no input spends the breach")
		bountyOK := true
		if b, _ := strconv.ParseInt(r.BountySat, 10, 64); b > 0 {
			found := false
			for _, o := range tx.Vout {
				found = found || int64(math.Round(o.Value*1e8)) == b
			}
			bountyOK = check("bounty output of "+r.BountySat+" sat", found, "no output of %d sat", b)
		}
		if r.Replacement != nil && *r.Replacement == 0 {
			broadcast++
		}
		switch r.Outcome {
		case "confirmed":
			if tx.BlockHash == "" {
				check("outcome confirmed in block "+r.Block, false, "the transaction is not mined")
				break
			}
			h, depth, err := btc.blockOf(ctx, tx.BlockHash)
			if err != nil {
				return err
			}
			ok := check(fmt.Sprintf("outcome confirmed in block %s", r.Block),
				depth > 0 && strconv.FormatInt(h, 10) == r.Block && (r.BlockHash == "" || strings.EqualFold(r.BlockHash, tx.BlockHash)),
				"in block %d (%s), %d confirmations", h, tx.BlockHash, depth)
			if ok {
				confirmed++
				if bountyOK {
					b, _ := strconv.ParseInt(r.BountySat, 10, 64)
					bounty += b
				}
			}
		case "replaced":
			check("outcome replaced (not mined)", tx.BlockHash == "", "mined in block %s", tx.BlockHash)
		}
	}
	total := func(name string, claimed, verified int64) {
		a.add(auditClaim{Claim: fmt.Sprintf("stats %s = %d", name, claimed), Kind: "stats"}, claimed == verified,
			fmt.Sprintf("the verified records sum to %d", verified))
	}
	total("lightning.justice_broadcast", st.JusticeBroadcast, broadcast)
	total("lightning.justice_confirmed", st.JusticeConfirmed, confirmed)
	total("lightning.bounty_earned_sat", st.BountyEarnedSat, bounty)
	return nil
}
