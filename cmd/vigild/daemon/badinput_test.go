package daemon_test

import (
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// TestBadInputTable sends every kind of bad balance proof to a running
// vigild: each gets its reason code and HTTP status, nothing is stored, the
// rejection is counted by reason, and the daemon keeps serving.
func TestBadInputTable(t *testing.T) {
	chain := ethtest.New(t, 4)
	alice, bob, operator, mallory := chain.Keys[0], chain.Keys[1], chain.Keys[2], chain.Keys[3]
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 20, reward)
	closedCh := newScenario(t, chain, alice, bob, 20, reward)
	settledCh := newScenario(t, chain, alice, bob, 5, reward)
	ctx := context.Background()
	if _, err := chain.Ops(bob).Close(ctx, closedCh.channel, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := chain.Ops(bob).Close(ctx, settledCh.channel, nil, nil); err != nil {
		t.Fatal(err)
	}
	chain.Mine(6)
	settled, err := chain.Ops(bob).Settle(ctx, settledCh.channel)
	if err != nil {
		t.Fatal(err)
	}
	v := startVigil(t, chain, vigilOpts{key: operator, conf: 1, minRew: big.NewInt(1000)})
	mineUntil(t, chain, 10, "the watcher to see the settled channel", func() bool {
		return v.stats().Ethereum.LastProcessed >= settled.BlockNumber.Uint64()
	})

	good := s.proof(t, 5, big.NewInt(1000), reward)
	code, body := v.put(good)
	if code != http.StatusCreated {
		t.Fatalf("good proof: %d %v", code, body)
	}
	wire := func(mut func(m map[string]any)) []byte {
		bp := s.proof(t, 9, big.NewInt(2000), reward)
		var m map[string]any
		raw, _ := json.Marshal(proofs.EncodeBalanceProof(bp))
		_ = json.Unmarshal(raw, &m)
		mut(m)
		out, _ := json.Marshal(m)
		return out
	}
	enc := func(bp proofs.BalanceProof) []byte {
		out, _ := json.Marshal(proofs.EncodeBalanceProof(bp))
		return out
	}
	highS := func(sig []byte) []byte {
		out := append([]byte(nil), sig...)
		n := crypto.S256().Params().N
		sv := new(big.Int).SetBytes(out[32:64])
		sv.Sub(n, sv)
		copy(out[32:64], common.LeftPadBytes(sv.Bytes(), 32))
		out[64] ^= 1 // 27 <-> 28 keeps the same signer
		return out
	}
	mixedBad := func(a common.Address) string {
		h := a.Hex()
		b := []byte(h)
		for i := 2; i < len(b); i++ { // flip the case of the first letter
			if b[i] >= 'a' && b[i] <= 'f' {
				b[i] -= 32
				break
			} else if b[i] >= 'A' && b[i] <= 'F' {
				b[i] += 32
				break
			}
		}
		return string(b)
	}
	bp9 := s.proof(t, 9, big.NewInt(2000), reward)

	cases := []struct {
		name   string
		body   []byte
		status int
		reason string
	}{
		{"malformed json", []byte(`{"chain_id":`), 400, "malformed_json"},
		{"not an object", []byte(`[1,2]`), 400, "malformed_json"},
		{"empty body", nil, 400, "malformed_json"},
		{"trailing data", []byte(`{} {}`), 400, "malformed_json"},
		{"missing field", wire(func(m map[string]any) { delete(m, "reward_amount") }), 400, "missing_field"},
		{"unknown field", wire(func(m map[string]any) { m["fee"] = "1" }), 400, "unknown_field"},
		{"number as JSON number", wire(func(m map[string]any) { m["nonce"] = 9 }), 400, "bad_type"},
		{"number as JSON float", wire(func(m map[string]any) { m["reward_amount"] = 1.5e15 }), 400, "bad_type"},
		{"negative nonce", wire(func(m map[string]any) { m["nonce"] = "-1" }), 400, "bad_number"},
		{"hex nonce", wire(func(m map[string]any) { m["nonce"] = "0x10" }), 400, "bad_number"},
		{"fraction", wire(func(m map[string]any) { m["reward_amount"] = "1.5" }), 400, "bad_number"},
		{"nonce over 2^64", wire(func(m map[string]any) { m["nonce"] = "18446744073709551616" }), 400, "number_overflow"},
		{"amount over 2^256", wire(func(m map[string]any) {
			m["transferred_amount"] = new(big.Int).Lsh(big.NewInt(1), 256).String()
		}), 400, "number_overflow"},
		{"bad hex", wire(func(m map[string]any) { m["locksroot"] = "0x" + strings.Repeat("zz", 32) }), 400, "bad_hex"},
		{"short locksroot", wire(func(m map[string]any) { m["locksroot"] = "0x1234" }), 400, "bad_hex"},
		{"short signature", wire(func(m map[string]any) { m["signature"] = "0x" + strings.Repeat("ab", 64) }), 400, "bad_signature"},
		{"bad address", wire(func(m map[string]any) { m["channel_address"] = "0x1234" }), 400, "bad_address"},
		{"bad checksum", wire(func(m map[string]any) { m["non_closing_participant"] = mixedBad(ethtest.Address(alice)) }), 400, "bad_checksum"},
		{"wrong chain", wire(func(m map[string]any) { m["chain_id"] = "1" }), 400, "wrong_chain"},
		{"zero nonce", enc(s.proof(t, 0, big.NewInt(0), reward)), 400, "zero_nonce"},
		{"high-s signature", wire(func(m map[string]any) {
			m["signature"] = "0x" + hex.EncodeToString(highS(bp9.Signature))
		}), 400, "bad_signature"},
		{"v out of range", wire(func(m map[string]any) {
			sig := append([]byte(nil), bp9.Signature...)
			sig[64] = 29
			m["signature"] = "0x" + hex.EncodeToString(sig)
		}), 400, "bad_signature"},
		{"swapped signatures", wire(func(m map[string]any) {
			m["signature"], m["non_closing_signature"] = m["non_closing_signature"], m["signature"]
		}), 400, "wrong_signer"},
		{"proof signed by a stranger", enc(signedBy(t, chain, s.channel, mallory, alice, 9, reward)), 400, "wrong_signer"},
		{"request signed by a stranger", wire(func(m map[string]any) {
			m["non_closing_signature"] = "0x" + hex.EncodeToString(signedBy(t, chain, s.channel, bob, mallory, 9, reward).NonClosingSignature)
		}), 400, "wrong_signer"},
		{"unknown channel", enc(signedOn(t, chain, common.HexToAddress("0x00000000000000000000000000000000deadbeef"), bob, alice, 9, reward)), 400, "unknown_channel"},
		{"not a participant", enc(signedBy(t, chain, s.channel, bob, mallory, 9, reward)), 400, "not_participant"},
		{"stale nonce", enc(s.proof(t, 4, big.NewInt(900), reward)), 409, "stale_nonce"},
		{"same nonce, other content", enc(s.proof(t, 5, big.NewInt(999), reward)), 409, "nonce_conflict"},
		{"closed channel", enc(closedCh.proof(t, 3, big.NewInt(10), reward)), 409, "channel_closed"},
		{"settled channel", enc(settledCh.proof(t, 3, big.NewInt(10), reward)), 409, "channel_settled"},
		{"reward above deposit", enc(s.proof(t, 9, big.NewInt(2000), new(big.Int).Mul(reward, big.NewInt(2)))), 422, "reward_above_deposit"},
		{"reward below minimum", enc(s.proof(t, 9, big.NewInt(2000), big.NewInt(999))), 422, "reward_below_minimum"},
		{"reward below gas cost", enc(s.proof(t, 9, big.NewInt(2000), big.NewInt(1000))), 422, "reward_below_gas_cost"},
		{"oversized body", []byte(`{"x":"` + strings.Repeat("a", 70_000) + `"}`), 413, "body_too_large"},
	}
	before := v.stats()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body := v.do(http.MethodPut, "/api/1/balance_proofs", c.body)
			if code != c.status || body["error"] != c.reason {
				t.Fatalf("got %d %v, want %d %s", code, body, c.status, c.reason)
			}
			if msg, _ := body["message"].(string); msg == "" {
				t.Fatalf("no message: %v", body)
			}
		})
	}
	after := v.stats()
	if after.BalanceProofs.Stored != 1 {
		t.Fatalf("stored %d proofs, want only the good one", after.BalanceProofs.Stored)
	}
	code, list := v.do(http.MethodGet, "/api/1/balance_proofs", nil)
	if code != 200 || len(list["balance_proofs"].([]any)) != 1 {
		t.Fatalf("list: %d %v", code, list)
	}
	stored := list["balance_proofs"].([]any)[0].(map[string]any)
	if stored["nonce"] != "5" {
		t.Fatalf("stored proof changed: %v", stored)
	}
	for _, c := range cases {
		if c.reason == "body_too_large" {
			continue // refused before intake
		}
		if after.BalanceProofs.RejectedByReason[c.reason] <= before.BalanceProofs.RejectedByReason[c.reason] {
			t.Errorf("rejection %s not counted in stats", c.reason)
		}
	}
	if code, body := v.do(http.MethodGet, "/healthz", nil); code != 200 {
		t.Fatalf("daemon unhealthy after bad input: %d %v", code, body)
	}
}

// signedBy makes a request on the scenario's channel where partner signs the
// balance proof and own the monitoring request.
func signedBy(t *testing.T, chain *ethtest.Chain, channel common.Address, partner, own *ecdsa.PrivateKey, nonce uint64, reward *big.Int) proofs.BalanceProof {
	return signedOn(t, chain, channel, partner, own, nonce, reward)
}

func signedOn(t *testing.T, chain *ethtest.Chain, channel common.Address, partner, own *ecdsa.PrivateKey, nonce uint64, reward *big.Int) proofs.BalanceProof {
	t.Helper()
	bp, err := ethereum.SignRequest(chain.ChainID, channel, eip712.BalanceProof{Nonce: nonce, TransferredAmount: big.NewInt(2000)}, partner, own, reward)
	if err != nil {
		t.Fatal(err)
	}
	return bp
}
