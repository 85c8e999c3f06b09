package daemon_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/cmd/vigild/daemon"
	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/matrixtest"
	"github.com/vigil-monitor/vigil/matrixbus"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// roomClient is a client (or spammer) posting to the public room with the
// project's own Matrix session code.
type roomClient struct {
	t    *testing.T
	s    *matrixbus.Session
	room string
}

func newRoomClient(t *testing.T, hs *matrixtest.Server, name, alias string) *roomClient {
	t.Helper()
	user, _ := hs.Register(t, name, "password-"+name)
	ctx := context.Background()
	s, err := matrixbus.Connect(ctx, matrixbus.SessionConfig{HomeserverURL: hs.URL, UserID: user, Password: "password-" + name})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	room, err := s.JoinAlias(ctx, alias, true)
	if err != nil {
		t.Fatal(err)
	}
	return &roomClient{t: t, s: s, room: room}
}

func (c *roomClient) post(eventType string, content any) string {
	c.t.Helper()
	id, err := c.s.Send(context.Background(), c.room, eventType, content, "")
	if err != nil {
		c.t.Fatalf("post %s: %v", eventType, err)
	}
	return id
}

func (c *roomClient) postProof(bp proofs.BalanceProof) string {
	return c.post(matrixbus.TypeBalanceProof, proofs.EncodeBalanceProof(bp))
}

// waitReceipt follows the room until a receipt answers forID.
func (c *roomClient) waitReceipt(forID string, timeout time.Duration) map[string]any {
	c.t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(timeout)
	since := ""
	for time.Now().Before(deadline) {
		resp, err := c.s.Sync(ctx, since, "", 500*time.Millisecond)
		if err != nil {
			c.t.Fatal(err)
		}
		since = resp.NextBatch
		for _, ev := range resp.Rooms.Join[c.room].Timeline.Events {
			if ev.Type != matrixbus.TypeReceipt {
				continue
			}
			var m map[string]any
			if json.Unmarshal(ev.Content, &m) == nil && m["for_event_id"] == forID {
				return m
			}
		}
	}
	c.t.Fatalf("no receipt for %s within %s", forID, timeout)
	return nil
}

// roomVigil starts a vigild with the room intake on hs.
func roomVigil(t *testing.T, chain *ethtest.Chain, hs *matrixtest.Server, alias string, o vigilOpts) *vigil {
	t.Helper()
	if o.matrix == nil {
		user, _ := hs.Register(t, fmt.Sprintf("vigil%d", time.Now().UnixNano()%1e9), "monitor-pw")
		o.matrix = &daemon.MatrixConfig{HomeserverURL: hs.URL, UserID: user, Password: "monitor-pw", RoomAlias: alias,
			CreateRoom: true, PostReceipts: true, CatchupLimit: 1000, MaxEventBytes: 16 << 10, SyncWait: time.Second}
	}
	return startVigil(t, chain, o)
}

func (v *vigil) storedNonce(channel, participant common.Address) (uint64, bool) {
	code, body := v.do(http.MethodGet, "/api/1/balance_proofs?channel="+channel.Hex()+"&participant="+participant.Hex(), nil)
	if code != 200 {
		v.t.Fatalf("list: %d %v", code, body)
	}
	for _, p := range body["balance_proofs"].([]any) {
		m := p.(map[string]any)
		if m["non_closing_participant"] == participant.Hex() {
			var n uint64
			fmt.Sscan(m["nonce"].(string), &n)
			return n, true
		}
	}
	return 0, false
}

func verifyReceipt(t *testing.T, chain *ethtest.Chain, r map[string]any, monitorAddr common.Address) {
	t.Helper()
	sig, err := hex.DecodeString(strings.TrimPrefix(r["signature"].(string), "0x"))
	if err != nil {
		t.Fatal(err)
	}
	var nonce uint64
	fmt.Sscan(r["nonce"].(string), &nonce)
	reward, _ := new(big.Int).SetString(r["reward_amount"].(string), 10)
	dom := eip712.Domain{ChainID: chain.ChainID, Channel: common.HexToAddress(r["channel_address"].(string))}
	signer, err := eip712.Recover(dom.MonitorReceiptDigest(nonce, reward, monitorAddr), sig)
	if err != nil || signer != monitorAddr || r["monitor"] != monitorAddr.Hex() {
		t.Fatalf("receipt does not verify to the monitor %s: signer %s, err %v, receipt %v", monitorAddr.Hex(), signer.Hex(), err, r)
	}
}

// TestRoomProofEndToEnd: a client broadcasts its proof to the room and goes
// offline. vigild stores it (visible over REST), posts a receipt signed by
// its Ethereum key, corrects the partner's stale close and is paid.
func TestRoomProofEndToEnd(t *testing.T) {
	chain := ethtest.New(t, 3)
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 30, reward)
	payout := newPayout(t)
	v := roomVigil(t, chain, hs, alias, vigilOpts{key: operator, payout: payout, conf: 1})
	client := newRoomClient(t, hs, "alice", alias)

	id := client.postProof(s.proof(t, 5, big.NewInt(5000), reward))
	ethtest.Eventually(t, defaultWait, "the proof from the room to be stored", func() bool {
		n, ok := v.storedNonce(s.channel, ethtest.Address(alice))
		return ok && n == 5
	})
	verifyReceipt(t, chain, client.waitReceipt(id, defaultWait), ethtest.Address(operator))

	closed := s.bobClosesStale(t, 1, big.NewInt(10))
	mineUntil(t, chain, int(s.timeout), "vigil's update", func() bool {
		return onChainNonce(t, chain, s.channel, ethtest.Address(bob)) == 5
	})
	for chain.Head(t) <= closed+s.timeout {
		chain.Mine(1)
	}
	if _, err := chain.Ops(bob).Settle(context.Background(), s.channel); err != nil {
		t.Fatal(err)
	}
	if got := chain.Balance(t, payout); got.Cmp(reward) != 0 {
		t.Fatalf("payout got %s, want %s", got, reward)
	}
	st := v.stats()
	if st.Matrix.Accepted != 1 || st.Matrix.ReceiptsPosted != 1 || st.Matrix.RoomID != client.room {
		t.Fatalf("room stats: %+v", st.Matrix)
	}
}

// TestRoomCatchUp: a proof posted before the monitor first joined is read
// from the room's history.
func TestRoomCatchUp(t *testing.T) {
	chain := ethtest.New(t, 3)
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, chain.Keys[0], chain.Keys[1], 30, reward)
	client := newRoomClient(t, hs, "alice", alias)
	client.postProof(s.proof(t, 3, big.NewInt(3000), reward))
	for i := 0; i < 30; i++ { // chatter after it, so it is not in the first sync's page alone
		client.post("m.room.message", map[string]any{"msgtype": "m.text", "body": fmt.Sprintf("hello %d", i)})
	}
	v := roomVigil(t, chain, hs, alias, vigilOpts{key: chain.Keys[2], conf: 1})
	ethtest.Eventually(t, defaultWait, "the earlier proof to be caught up", func() bool {
		n, ok := v.storedNonce(s.channel, ethtest.Address(chain.Keys[0]))
		return ok && n == 3
	})
}

// TestRoomBadEvents: every kind of bad room event is rejected with its
// reason and counted; the loop keeps going and a good proof after them is
// taken.
func TestRoomBadEvents(t *testing.T) {
	chain := ethtest.New(t, 3)
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, chain.Keys[0], chain.Keys[1], 30, reward)
	v := roomVigil(t, chain, hs, alias, vigilOpts{key: chain.Keys[2], conf: 1})
	client := newRoomClient(t, hs, "alice", alias)
	other := newRoomClient(t, hs, "bob", "#elsewhere:"+hs.ServerName)

	good := proofs.EncodeBalanceProof(s.proof(t, 7, big.NewInt(7000), reward))
	asMap := func(mut func(m map[string]any)) map[string]any {
		raw, _ := json.Marshal(good)
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		mut(m)
		return m
	}
	plain := func(m map[string]any) map[string]any {
		m["type"] = "balance_proof"
		body, _ := json.Marshal(m)
		return map[string]any{"msgtype": "m.text", "body": string(body)}
	}
	want := map[string]int{}
	send := func(reason, typ string, content any) {
		client.post(typ, content)
		want[reason]++
	}
	send("missing_field", matrixbus.TypeBalanceProof, asMap(func(m map[string]any) { delete(m, "nonce") }))
	send("bad_type", matrixbus.TypeBalanceProof, asMap(func(m map[string]any) { m["nonce"] = 7 }))
	// Homeservers refuse floats in event content (canonical JSON), so a
	// float can only arrive inside the plain form's body text.
	send("bad_type", "m.room.message", plain(asMap(func(m map[string]any) { m["reward_amount"] = 1.5 })))
	send("unknown_field", matrixbus.TypeBalanceProof, asMap(func(m map[string]any) { m["extra"] = "x" }))
	send("bad_hex", matrixbus.TypeBalanceProof, asMap(func(m map[string]any) { m["locksroot"] = "0xzz" }))
	send("wrong_signer", matrixbus.TypeBalanceProof, asMap(func(m map[string]any) {
		m["signature"], m["non_closing_signature"] = m["non_closing_signature"], m["signature"]
	}))
	send("not_a_request", "m.room.message", map[string]any{"msgtype": "m.text", "body": "gm everyone"})
	send("malformed_json", "m.room.message", map[string]any{"msgtype": "m.text", "body": "{not json"})
	send("missing_field", "m.room.message", plain(asMap(func(m map[string]any) { delete(m, "chain_id") })))
	send("not_a_request", "m.room.message", map[string]any{"msgtype": "m.text", "body": `{"type":"weather"}`})
	send("edit_ignored", "m.room.message", map[string]any{"msgtype": "m.text", "body": "* x",
		"m.relates_to": map[string]any{"rel_type": "m.replace", "event_id": "$x"}})
	send("not_supported", matrixbus.TypeAppointment, map[string]any{"locator": "00"})
	redacted := client.post("m.room.message", map[string]any{"msgtype": "m.text", "body": "oops"})
	want["not_a_request"]++
	if err := client.s.Redact(context.Background(), client.room, redacted, "test"); err != nil {
		t.Fatal(err)
	}
	want["redaction_ignored"]++
	other.postProof(s.proof(t, 9, big.NewInt(9000), reward)) // another room: never reaches the monitor
	// A good proof in the plain message form, last.
	client.post("m.room.message", plain(asMap(func(m map[string]any) {})))

	ethtest.Eventually(t, defaultWait, "the good proof after the bad ones", func() bool {
		n, ok := v.storedNonce(s.channel, ethtest.Address(chain.Keys[0]))
		return ok && n == 7
	})
	st := v.stats()
	for reason, n := range want {
		if got := st.Matrix.RejectedBy[reason]; got != int64(n) {
			t.Errorf("reason %s counted %d times, want %d (all: %v)", reason, got, n, st.Matrix.RejectedBy)
		}
	}
	if st.BalanceProofs.Stored != 1 {
		t.Fatalf("stored %d proofs, want 1", st.BalanceProofs.Stored)
	}
}

// TestRoomSpamLimited: a sender flooding the room with invalid and oversized
// events is limited and counted; a well-behaved sender's proof posted in
// the middle of the flood is taken within one sync round.
func TestRoomSpamLimited(t *testing.T) {
	chain := ethtest.New(t, 3)
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, chain.Keys[0], chain.Keys[1], 30, reward)
	user, _ := hs.Register(t, "vigil", "monitor-pw")
	v := roomVigil(t, chain, hs, alias, vigilOpts{key: chain.Keys[2], conf: 1, matrix: &daemon.MatrixConfig{
		HomeserverURL: hs.URL, UserID: user, Password: "monitor-pw", RoomAlias: alias, CreateRoom: true,
		PostReceipts: true, MaxEventBytes: 4096, RatePerSender: 2, RateBurst: 5, SyncWait: time.Second}})
	spammer := newRoomClient(t, hs, "spammer", alias)
	client := newRoomClient(t, hs, "alice", alias)

	const flood = 200
	junk := strings.Repeat("A", 8000)
	for i := 0; i < flood; i++ {
		if i == flood/2 {
			client.postProof(s.proof(t, 4, big.NewInt(4000), reward))
		}
		if i%2 == 0 {
			spammer.post(matrixbus.TypeBalanceProof, map[string]any{"junk": junk})
		} else {
			spammer.post(matrixbus.TypeBalanceProof, map[string]any{"nonce": fmt.Sprint(i)})
		}
	}
	ethtest.Eventually(t, defaultWait, "the good proof amid the flood", func() bool {
		n, ok := v.storedNonce(s.channel, ethtest.Address(chain.Keys[0]))
		return ok && n == 4
	})
	ethtest.Eventually(t, defaultWait, "the whole flood to be counted", func() bool {
		return v.stats().Matrix.EventsSeen >= flood+1
	})
	st := v.stats()
	limited, oversize := st.Matrix.RejectedBy["rate_limited"], st.Matrix.RejectedBy["body_too_large"]
	if limited+oversize+st.Matrix.RejectedBy["missing_field"] != flood || limited < flood/2 {
		t.Fatalf("flood not limited and counted: %v", st.Matrix.RejectedBy)
	}
	if st.Matrix.Accepted != 1 {
		t.Fatalf("accepted %d from the room, want 1", st.Matrix.Accepted)
	}
}

// TestRoomHomeserverRestart: the homeserver restarts under a running
// vigild; intake resumes by itself and nothing posted is lost.
func TestRoomHomeserverRestart(t *testing.T) {
	chain := ethtest.New(t, 3)
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, chain.Keys[0], chain.Keys[1], 30, reward)
	v := roomVigil(t, chain, hs, alias, vigilOpts{key: chain.Keys[2], conf: 1})
	client := newRoomClient(t, hs, "alice", alias)
	client.postProof(s.proof(t, 2, big.NewInt(2000), reward))
	ethtest.Eventually(t, defaultWait, "the first proof", func() bool {
		n, ok := v.storedNonce(s.channel, ethtest.Address(chain.Keys[0]))
		return ok && n == 2
	})
	hs.Restart(t)
	// The client reconnects (same token) and posts a newer proof.
	client.postProof(s.proof(t, 3, big.NewInt(3000), reward))
	ethtest.Eventually(t, 60*time.Second, "the proof posted after the restart", func() bool {
		n, ok := v.storedNonce(s.channel, ethtest.Address(chain.Keys[0]))
		return ok && n == 3
	})
}

// TestRoomDuplicateFields: a request read differently by a monitor that
// keeps the first of two equal keys and one that keeps the last is refused
// as duplicate_field, in the plain form's body (a nonce twice, once
// escaped; the type twice) and in the typed form's content as the
// homeserver hands it on; the same proof without the repetition is then
// taken.
func TestRoomDuplicateFields(t *testing.T) {
	chain := ethtest.New(t, 3)
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, chain.Keys[0], chain.Keys[1], 30, reward)
	v := roomVigil(t, chain, hs, alias, vigilOpts{key: chain.Keys[2], conf: 1})
	client := newRoomClient(t, hs, "alice", alias)

	raw, _ := json.Marshal(proofs.EncodeBalanceProof(s.proof(t, 7, big.NewInt(7000), reward)))
	body := func(prefix string) map[string]any {
		return map[string]any{"msgtype": "m.text", "body": `{` + prefix + `"type":"balance_proof",` + string(raw[1:])}
	}
	client.post("m.room.message", body(`"nonce":"8",`))
	client.post("m.room.message", body(`"non\u0063e":"8",`))
	client.post("m.room.message", body(`"type":"ln_appointment",`))
	// Typed content with the key twice, sent as written: the homeserver
	// either refuses it, passes it on (then vigild refuses it) or keeps one
	// of the two (then it is an ordinary proof with nonce 7 or 8).
	typed := json.RawMessage(`{"nonce":"8",` + string(raw[1:]))
	_, typedErr := client.s.Send(context.Background(), client.room, matrixbus.TypeBalanceProof, typed, "")
	client.post("m.room.message", body(""))

	ethtest.Eventually(t, defaultWait, "the proof without repeated keys", func() bool {
		n, ok := v.storedNonce(s.channel, ethtest.Address(chain.Keys[0]))
		return ok && n == 7
	})
	st := v.stats()
	if got := st.Matrix.RejectedBy["duplicate_field"]; got < 3 {
		t.Fatalf("duplicate_field counted %d times, want at least 3 (all: %v)", got, st.Matrix.RejectedBy)
	}
	t.Logf("typed content with a repeated key: send error %v, duplicate_field count %d", typedErr, st.Matrix.RejectedBy["duplicate_field"])
	if n, _ := v.storedNonce(s.channel, ethtest.Address(chain.Keys[0])); n != 7 {
		t.Fatalf("stored nonce %d, want 7", n)
	}
}

// TestRoomAndRESTReceiptsSameShape: the receipt a monitor posts in the room
// and the answer to PUT /api/1/balance_proofs carry the same receipt
// object: the same keys (the room adds only for_event_id; REST adds only
// its submitter fields and the deprecated receipt_signature) with the same
// values for the same request, and both verify.
func TestRoomAndRESTReceiptsSameShape(t *testing.T) {
	chain := ethtest.New(t, 3)
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, chain.Keys[0], chain.Keys[1], 30, reward)
	operator := ethtest.Address(chain.Keys[2])
	v := roomVigil(t, chain, hs, alias, vigilOpts{key: chain.Keys[2], conf: 1})
	client := newRoomClient(t, hs, "alice", alias)

	bp := s.proof(t, 4, big.NewInt(4000), reward)
	id := client.postProof(bp)
	room := client.waitReceipt(id, defaultWait)
	code, rest := v.put(bp) // the same request again: an idempotent duplicate
	if code != http.StatusOK || rest["duplicate"] != true {
		t.Fatalf("PUT of the room's request: %d %v", code, rest)
	}
	verifyReceipt(t, chain, room, operator)
	verifyReceipt(t, chain, rest, operator)

	restOnly := map[string]bool{"non_closing_participant": true, "closing_participant": true, "duplicate": true, "replaced": true, "receipt_signature": true}
	for k, rv := range room {
		if k == "for_event_id" {
			continue
		}
		if got, ok := rest[k]; !ok || got != rv {
			t.Errorf("receipt field %q: room %v, REST %v (present %v)", k, rv, got, ok)
		}
	}
	for k := range rest {
		if _, ok := room[k]; !ok && !restOnly[k] {
			t.Errorf("REST answer has %q, the room receipt does not", k)
		}
	}
	for _, k := range []string{"kind", "monitor", "chain_id", "channel_address", "nonce", "reward_amount", "signature"} {
		if _, ok := room[k]; !ok {
			t.Errorf("the receipt lacks %q: %v", k, room)
		}
	}
	if room["kind"] != "balance_proof" || room["chain_id"] != chain.ChainID.String() || rest["receipt_signature"] != rest["signature"] {
		t.Fatalf("room %v\nREST %v", room, rest)
	}
}
