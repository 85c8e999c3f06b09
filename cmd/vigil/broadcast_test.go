package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/cmd/vigild/daemon"
	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/matrixtest"
	"github.com/vigil-monitor/vigil/matrixbus"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// lines parses stdout as JSON lines.
func (r result) lines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(r.out), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("vigil %s: stdout line %q is not a JSON object: %v", strings.Join(r.args, " "), l, err)
		}
		out = append(out, m)
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// background is a CLI invocation running in a goroutine, so a test can
// act on its first output line (the posted event id) while it waits.
type background struct {
	args     []string
	out, err syncBuffer
	done     chan int
}

func cliBackground(args ...string) *background {
	b := &background{args: args, done: make(chan int, 1)}
	go func() { b.done <- run(args, &b.out, &b.err) }()
	return b
}

// posted waits for the first stdout line and returns its event and room.
func (b *background) posted(t *testing.T) (eventID, roomID string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if first, _, ok := strings.Cut(b.out.String(), "\n"); ok {
			var p posted
			if err := json.Unmarshal([]byte(first), &p); err != nil || p.EventID == "" {
				t.Fatalf("first line %q is not {event_id, room_id}: %v", first, err)
			}
			return p.EventID, p.RoomID
		}
		select {
		case code := <-b.done:
			b.done <- code
			t.Fatalf("vigil %s exited %d before posting\nstderr: %s", strings.Join(b.args, " "), code, b.err.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("vigil %s printed no event id within 60s", strings.Join(b.args, " "))
	return "", ""
}

func (b *background) wait(t *testing.T) result {
	t.Helper()
	select {
	case code := <-b.done:
		return result{args: b.args, out: b.out.String(), err: b.err.String(), code: code}
	case <-time.After(90 * time.Second):
		t.Fatalf("vigil %s did not return within 90s", strings.Join(b.args, " "))
		return result{}
	}
}

// matrixUser is a registered account with its password and token files.
type matrixUser struct {
	id, pwFile, tokenFile, token string
}

func newMatrixUser(t *testing.T, hs *matrixtest.Server, dir, name string) matrixUser {
	t.Helper()
	pw := "password-" + name
	id, token := hs.Register(t, name, pw)
	return matrixUser{id: id, token: token, pwFile: writeFile(t, dir, name+".mxpw", pw+"\n"),
		tokenFile: writeFile(t, dir, name+".mxtoken", token+"\n")}
}

// session logs u in with its token.
func (u matrixUser) session(t *testing.T, hs *matrixtest.Server) *matrixbus.Session {
	t.Helper()
	s, err := matrixbus.Connect(context.Background(), matrixbus.SessionConfig{HomeserverURL: hs.URL, AccessToken: u.token})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// roomTimeline returns the room's last events as u sees them.
func roomTimeline(t *testing.T, hs *matrixtest.Server, u matrixUser, roomID string) []matrixbus.Event {
	t.Helper()
	f, _ := json.Marshal(map[string]any{"room": map[string]any{"rooms": []string{roomID}, "timeline": map[string]any{"limit": 200}}})
	resp, err := u.session(t, hs).Sync(context.Background(), "", string(f), 0)
	if err != nil {
		t.Fatal(err)
	}
	return resp.Rooms.Join[roomID].Timeline.Events
}

// ofTypeFrom keeps the events of one type sent by sender.
func ofTypeFrom(evs []matrixbus.Event, typ, sender string) []matrixbus.Event {
	var out []matrixbus.Event
	for _, ev := range evs {
		if ev.Type == typ && ev.Sender == sender {
			out = append(out, ev)
		}
	}
	return out
}

// roomVigild starts a vigild with the room intake (it creates the room)
// and waits until it has joined.
func roomVigild(t *testing.T, chain *ethtest.Chain, key *ecdsa.PrivateKey, hs *matrixtest.Server, alias string) *vigild {
	t.Helper()
	user, _ := hs.Register(t, "vigil", "monitor-password")
	v := startVigildWith(t, chain, key, &daemon.MatrixConfig{HomeserverURL: hs.URL, UserID: user, Password: "monitor-password",
		RoomAlias: alias, CreateRoom: true, PostReceipts: true, CatchupLimit: 1000, MaxEventBytes: 16 << 10, SyncWait: time.Second})
	ethtest.Eventually(t, 30*time.Second, "vigild to join the room", func() bool {
		return vigildStats(t, v).Matrix.RoomID != ""
	})
	return v
}

func vigildStats(t *testing.T, v *vigild) monitor.StatsSnapshot {
	t.Helper()
	var st monitor.StatsSnapshot
	cli("stats", "--api", v.url).ok(t).decode(t, &st)
	return st
}

// TestBroadcastToVigild: a client signs a request with the CLI, broadcasts
// it to the room a real vigild follows and gets exactly one verified
// receipt; vigild's REST API lists the request as coming from the room.
// Again in the plain message form, logged in with an access token. An
// appointment is posted too and counted as not_supported.
func TestBroadcastToVigild(t *testing.T) {
	chain := ethtest.New(t, 3)
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	dir := t.TempDir()
	pw := writeFile(t, dir, "password", "secret\n")
	alice := newAccount(t, filepath.Join(dir, "ks"), pw)
	bob := newAccount(t, filepath.Join(dir, "ks"), pw)
	fund(t, chain, chain.Keys[0], alice.addr, new(big.Int).Mul(big.NewInt(10), ethtest.Ether))
	fund(t, chain, chain.Keys[1], bob.addr, new(big.Int).Mul(big.NewInt(10), ethtest.Ether))
	aliceKey, err := loadKey(alice.file, pw)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ch, _, err := chain.Ops(aliceKey).OpenChannel(ctx, chain.Registry, bob.addr, 30)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chain.Ops(aliceKey).Deposit(ctx, ch, milliEther(5000)); err != nil {
		t.Fatal(err)
	}
	if _, err := chain.Ops(aliceKey).DepositReward(ctx, ch, milliEther(10)); err != nil {
		t.Fatal(err)
	}
	channel := ch.Hex()
	reward := milliEther(2).String()

	v := roomVigild(t, chain, chain.Keys[2], hs, alias)
	client := newMatrixUser(t, hs, dir, "alice")

	// request: bob's proof of his transfers to alice, alice's request.
	request := func(nonce int64) string {
		t.Helper()
		p := cli("sign-proof", "--keystore", bob.file, "--password-file", pw, "--chain-id", "1337", "--channel", channel,
			"--nonce", fmt.Sprint(nonce), "--transferred", milliEther(100*nonce).String()).ok(t)
		proof := writeFile(t, dir, fmt.Sprintf("proof%d.json", nonce), p.out)
		r := cli("sign-request", "--keystore", alice.file, "--password-file", pw, "--chain-id", "1337", "--channel", channel,
			"--proof", proof, "--reward", reward).ok(t)
		return writeFile(t, dir, fmt.Sprintf("request%d.json", nonce), r.out)
	}
	stored := func() map[string]any {
		t.Helper()
		var page struct {
			BalanceProofs []map[string]any `json:"balance_proofs"`
		}
		cli("proofs", "--api", v.url, "--channel", channel).ok(t).decode(t, &page)
		if len(page.BalanceProofs) != 1 {
			t.Fatalf("vigild stores %d requests for the channel, want 1: %v", len(page.BalanceProofs), page.BalanceProofs)
		}
		return page.BalanceProofs[0]
	}
	// broadcast posts a request and checks the one verified receipt.
	broadcast := func(nonce int64, auth []string, extra ...string) (eventID, roomID string) {
		t.Helper()
		args := append([]string{"broadcast", "balance-proof", "--homeserver", hs.URL, "--room", alias,
			"--file", request(nonce), "--wait-receipts", "1", "--trust", v.monitor.Hex(), "--timeout", "60s", "--chain-id", "1337"}, auth...)
		r := cli(append(args, extra...)...).ok(t)
		lines := r.lines(t)
		if len(lines) != 2 {
			t.Fatalf("want the posted event and one receipt, got %d lines:\n%s", len(lines), r.out)
		}
		eventID, _ = lines[0]["event_id"].(string)
		roomID, _ = lines[0]["room_id"].(string)
		if !strings.HasPrefix(eventID, "$") || !strings.HasPrefix(roomID, "!") || len(lines[0]) != 2 {
			t.Fatalf("posted line: %v", lines[0])
		}
		rc := lines[1]
		if rc["verified"] != true || rc["trusted"] != true || rc["monitor"] != v.monitor.Hex() || rc["for_event_id"] != eventID || rc["kind"] != "balance_proof" ||
			rc["nonce"] != fmt.Sprint(nonce) || rc["reward_amount"] != reward || rc["channel_address"] != channel ||
			!strings.HasPrefix(rc["sender"].(string), "@vigil:") || rc["problem"] != nil {
			t.Fatalf("receipt line: %v", rc)
		}
		if !strings.Contains(r.err, "waiting for receipts from 1 trusted monitor") {
			t.Errorf("stderr: %q", r.err)
		}
		// The receipt line is a room receipt verify-receipt accepts too.
		raw, _ := json.Marshal(rc)
		cli("verify-receipt", "--file", writeFile(t, dir, "receipt.json", string(raw)), "--monitor", v.monitor.Hex()).ok(t)
		if got := stored(); got["nonce"] != fmt.Sprint(nonce) || got["source"] != "matrix" || got["non_closing_participant"] != alice.addr.Hex() {
			t.Fatalf("stored request after broadcasting nonce %d: %v", nonce, got)
		}
		return eventID, roomID
	}

	id3, roomID := broadcast(3, []string{"--user", client.id, "--password-file", client.pwFile})
	id5, _ := broadcast(5, []string{"--access-token-file", client.tokenFile}, "--plain")

	evs := roomTimeline(t, hs, client, roomID)
	custom := ofTypeFrom(evs, matrixbus.TypeBalanceProof, client.id)
	if len(custom) != 1 || custom[0].EventID != id3 {
		t.Fatalf("org.vigil.balance_proof events from the client: %+v", custom)
	}
	if _, err := proofs.DecodeBalanceProof(custom[0].Content); err != nil {
		t.Fatalf("posted content is not the message: %v", err)
	}
	plain := ofTypeFrom(evs, "m.room.message", client.id)
	if len(plain) != 1 || plain[0].EventID != id5 {
		t.Fatalf("m.room.message events from the client: %+v", plain)
	}
	var msg struct {
		MsgType string `json:"msgtype"`
		Body    string `json:"body"`
	}
	if err := json.Unmarshal(plain[0].Content, &msg); err != nil || msg.MsgType != "m.text" || !strings.HasPrefix(msg.Body, `{"type":"balance_proof","chain_id":"1337",`) {
		t.Fatalf("plain message: %s", plain[0].Content)
	}
	if bp, err := proofs.DecodeBalanceProof([]byte(msg.Body), "type"); err != nil || bp.Nonce != 5 {
		t.Fatalf("plain body: %v %v", bp, err)
	}

	// An appointment: posted, and this vigild (no Lightning half) counts
	// it as not_supported.
	appt, signed, _ := offlineAppointment(t, dir, "appointment")
	r := cli("broadcast", "appointment", "--homeserver", hs.URL, "--user", client.id, "--password-file", client.pwFile,
		"--room", alias, "--file", appt).ok(t)
	lines := r.lines(t)
	if len(lines) != 1 || lines[0]["room_id"] != roomID {
		t.Fatalf("appointment broadcast printed %v", lines)
	}
	ethtest.Eventually(t, 20*time.Second, "vigild to count the appointment", func() bool {
		return vigildStats(t, v).Matrix.RejectedBy["not_supported"] == 1
	})
	appts := ofTypeFrom(roomTimeline(t, hs, client, roomID), matrixbus.TypeAppointment, client.id)
	if len(appts) != 1 || appts[0].EventID != lines[0]["event_id"] {
		t.Fatalf("org.vigil.ln_appointment events from the client: %+v", appts)
	}
	var content map[string]string
	if err := json.Unmarshal(appts[0].Content, &content); err != nil || content["locator"] != hex.EncodeToString(signed.Locator[:]) ||
		content["seq"] == "" || len(content) != len(tower.AppointmentFields())+1 {
		t.Fatalf("posted appointment: %s (%v)", appts[0].Content, err)
	}
	st := vigildStats(t, v)
	if st.Matrix.Accepted != 2 || st.Matrix.ReceiptsPosted != 2 || st.BalanceProofs.Stored != 1 {
		t.Fatalf("vigild's room stats: %+v", st.Matrix)
	}
}

// offlineRequest is a well-signed request for a channel that needs no
// chain: the CLI checks signatures, not the channel.
func offlineRequest(t *testing.T, nonce uint64) proofs.BalanceProof {
	t.Helper()
	partner, _ := crypto.GenerateKey()
	own, _ := crypto.GenerateKey()
	bp := eip712.BalanceProof{Nonce: nonce, TransferredAmount: big.NewInt(1000), Locksroot: crypto.Keccak256Hash([]byte("l"))}
	req, err := ethereum.SignRequest(big.NewInt(1337), common.HexToAddress(goodAddr), bp, partner, own, big.NewInt(7))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func encodeRequest(t *testing.T, bp proofs.BalanceProof, mut func(m map[string]any)) string {
	t.Helper()
	raw, _ := json.Marshal(proofs.EncodeBalanceProof(bp))
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	if mut != nil {
		mut(m)
	}
	out, _ := json.MarshalIndent(m, "", "  ")
	return string(out)
}

// signedReceipt is a balance-proof receipt by key for eventID, claiming
// to be from claimed.
func signedReceipt(t *testing.T, eventID string, bp proofs.BalanceProof, key *ecdsa.PrivateKey, claimed common.Address, nonce uint64) map[string]any {
	t.Helper()
	dom := eip712.Domain{ChainID: bp.ChainID, Channel: bp.Channel}
	sig, err := eip712.Sign(dom.MonitorReceiptDigest(nonce, bp.Reward, claimed), key)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]any{"for_event_id": eventID, "kind": "balance_proof", "monitor": claimed.Hex(), "chain_id": "1337",
		"channel_address": bp.Channel.Hex(), "nonce": fmt.Sprint(nonce), "reward_amount": bp.Reward.String(), "signature": hex0x(sig)}
}

// TestBroadcastRoom exercises broadcast against a real homeserver with
// no vigild: a timeout when no monitor answers, bad inputs, and receipts
// from stand-in monitors that do or do not verify.
func TestBroadcastRoom(t *testing.T) {
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	dir := t.TempDir()
	owner := newMatrixUser(t, hs, dir, "owner")
	roomID, err := owner.session(t, hs).JoinAlias(context.Background(), alias, true)
	if err != nil {
		t.Fatal(err)
	}
	client := newMatrixUser(t, hs, dir, "alice")
	login := []string{"--homeserver", hs.URL, "--user", client.id, "--password-file", client.pwFile, "--room", alias}
	bcastBP := func(file string, more ...string) result {
		return cli(append(append([]string{"broadcast", "balance-proof"}, login...), append([]string{"--file", file}, more...)...)...)
	}
	postedProofs := func() int {
		return len(ofTypeFrom(roomTimeline(t, hs, client, roomID), matrixbus.TypeBalanceProof, client.id)) +
			len(ofTypeFrom(roomTimeline(t, hs, client, roomID), "m.room.message", client.id))
	}

	t.Run("no monitor", func(t *testing.T) {
		file := writeFile(t, dir, "lonely.json", encodeRequest(t, offlineRequest(t, 1), nil))
		start := time.Now()
		r := bcastBP(file, "--wait-receipts", "1", "--trust", goodAddr, "--timeout", "3s")
		r.fails(t, exitFailure, "timed out after 3s: 0 of 1 verified receipts from distinct trusted monitors arrived for event $")
		if !strings.Contains(r.err, "the request was posted") {
			t.Errorf("stderr: %q", r.err)
		}
		if el := time.Since(start); el > 15*time.Second {
			t.Errorf("a 3s timeout took %s", el)
		}
		if lines := r.lines(t); len(lines) != 1 || lines[0]["room_id"] != roomID {
			t.Fatalf("stdout: %v", lines)
		}
	})
	before := postedProofs()

	t.Run("bad inputs", func(t *testing.T) {
		good := offlineRequest(t, 2)
		bad := []struct {
			name, content, want string
		}{
			{"missing nonce", encodeRequest(t, good, func(m map[string]any) { delete(m, "nonce") }), `missing_field: field "nonce" is required`},
			{"number", encodeRequest(t, good, func(m map[string]any) { m["nonce"] = 2 }), `bad_type: field "nonce" must be a JSON string`},
			{"unknown field", encodeRequest(t, good, func(m map[string]any) { m["type"] = "balance_proof" }), `unknown_field: unknown field "type"`},
			{"checksum", encodeRequest(t, good, func(m map[string]any) { m["channel_address"] = badSum }), "bad_checksum"},
			{"raised reward", encodeRequest(t, good, func(m map[string]any) { m["reward_amount"] = "8" }), "wrong_signer: non_closing_signature was made by"},
			{"swapped signatures", encodeRequest(t, good, func(m map[string]any) {
				m["signature"], m["non_closing_signature"] = m["non_closing_signature"], m["signature"]
			}), "wrong_signer"},
			{"zero nonce", encodeRequest(t, good, func(m map[string]any) { m["nonce"] = "0" }), "zero_nonce"},
			{"not json", "nonce=2", "is not a JSON object; nothing was posted"},
			{"array", "[1]", "is not a JSON object; nothing was posted"},
		}
		for i, c := range bad {
			file := writeFile(t, dir, fmt.Sprintf("bad%d.json", i), c.content)
			r := bcastBP(file, "--wait-receipts", "1", "--trust", goodAddr)
			r.fails(t, exitFailure, c.want)
			if c.name != "not json" && c.name != "array" && !strings.Contains(r.err, "is not a valid balance-proof message") {
				t.Errorf("%s: %q", c.name, r.err)
			}
			if !strings.Contains(r.err, "nothing was posted") || r.out != "" {
				t.Errorf("%s: stdout %q stderr %q", c.name, r.out, r.err)
			}
		}
		file := writeFile(t, dir, "good.json", encodeRequest(t, good, nil))
		bcastBP(file, "--chain-id", "1").fails(t, exitFailure, "is a request on chain 1337, not --chain-id 1; nothing was posted")
		bcastBP(filepath.Join(dir, "missing.json")).fails(t, exitFailure, "no such file")
		if after := postedProofs(); after != before {
			t.Fatalf("bad inputs posted %d events", after-before)
		}

		// Bad appointments are refused the same way.
		_, _, appt := offlineAppointment(t, dir, "to-break")
		for _, c := range []struct{ content, want string }{
			{editJSON(t, appt, func(m map[string]any) { delete(m, "locator") }), `missing_field: field "locator" is required`},
			{editJSON(t, appt, func(m map[string]any) { m["start_block"] = 812000 }), `bad_type: field "start_block" must be a JSON string`},
			{editJSON(t, appt, func(m map[string]any) { m["cipher"] = "" }), `unknown_cipher: field "cipher" must be`},
			{editJSON(t, appt, func(m map[string]any) { m["type"] = "ln_appointment" }), `unknown_field: unknown field "type"`},
			{editJSON(t, appt, func(m map[string]any) { m["locator"] = strings.Repeat("ab", 16) }), "wrong_signer: user_signature was made by"},
			{editJSON(t, appt, func(m map[string]any) { m["reward_sat"] = "5001" }), "wrong_signer"},
			{editJSON(t, appt, func(m map[string]any) { m["user_signature"] = "rbwewwyr3gc3ftbsmcqt" }), "bad_signature"},
			{editJSON(t, appt, func(m map[string]any) { m["user_pubkey"] = "02" + strings.Repeat("11", 32) }), "bad_pubkey"},
			{`"locator"`, "is not a JSON object"},
		} {
			file := writeFile(t, dir, "bad-appointment.json", c.content)
			r := cli(append(append([]string{"broadcast", "appointment"}, login...), "--file", file)...)
			r.fails(t, exitFailure, c.want)
			if !strings.Contains(r.err, "nothing was posted") || r.out != "" {
				t.Errorf("stdout %q stderr %q", r.out, r.err)
			}
		}
		if n := len(ofTypeFrom(roomTimeline(t, hs, client, roomID), matrixbus.TypeAppointment, client.id)); n != 0 {
			t.Fatalf("bad appointments posted %d events", n)
		}

		// Matrix failures: a clear message, exit 1.
		cli("broadcast", "balance-proof", "--homeserver", hs.URL, "--user", client.id, "--password-file", client.pwFile,
			"--room", "#nope:"+hs.ServerName, "--file", file).fails(t, exitFailure,
			"room #nope:"+hs.ServerName+" does not exist on "+hs.URL+" (check --room")
		wrong := writeFile(t, dir, "wrong.mxpw", "not-the-password\n")
		r := cli("broadcast", "balance-proof", "--homeserver", hs.URL, "--user", client.id, "--password-file", wrong,
			"--room", alias, "--file", file)
		r.fails(t, exitFailure, "matrix login as "+client.id+" at "+hs.URL+": HTTP 403 M_FORBIDDEN")
		if strings.Contains(r.err, "contents=[") {
			t.Errorf("raw gomatrix error: %q", r.err)
		}
		badToken := writeFile(t, dir, "bad.mxtoken", "syt_nope\n")
		cli("broadcast", "balance-proof", "--homeserver", hs.URL, "--access-token-file", badToken,
			"--room", alias, "--file", file).fails(t, exitFailure, "matrix access token rejected by "+hs.URL+": HTTP 401 M_UNKNOWN_TOKEN")
		cli("broadcast", "balance-proof", "--homeserver", hs.URL, "--access-token-file", client.tokenFile, "--user", "@bob:"+hs.ServerName,
			"--room", alias, "--file", file).fails(t, exitFailure, "belongs to "+client.id+", not to --user @bob:")
		cli("broadcast", "balance-proof", "--homeserver", "http://"+closedPort(t), "--user", client.id, "--password-file", client.pwFile,
			"--room", alias, "--file", file).fails(t, exitFailure, "connection refused")
		if after := postedProofs(); after != before {
			t.Fatalf("failed broadcasts posted %d events", after-before)
		}
	})

	t.Run("receipts", func(t *testing.T) {
		bp := offlineRequest(t, 4)
		file := writeFile(t, dir, "wait.json", encodeRequest(t, bp, nil))
		m1Key, _ := crypto.GenerateKey()
		m2Key, _ := crypto.GenerateKey()
		fakeKey, _ := crypto.GenerateKey() // a cheater's fresh key
		m1, m2, fake := ethtest.Address(m1Key), ethtest.Address(m2Key), ethtest.Address(fakeKey)
		trustFile := writeFile(t, dir, "trusted.txt", "# monitors I pay\n\n"+strings.ToLower(m2.Hex())+"  # the second one\n")
		mon := newMatrixUser(t, hs, dir, "standin")
		ms := mon.session(t, hs)
		if _, err := ms.JoinAlias(context.Background(), alias, false); err != nil {
			t.Fatal(err)
		}
		post := func(content map[string]any) {
			t.Helper()
			if _, err := ms.Send(context.Background(), roomID, matrixbus.TypeReceipt, content, ""); err != nil {
				t.Fatal(err)
			}
		}

		b := cliBackground(append(append([]string{"broadcast", "balance-proof"}, login...),
			"--file", file, "--plain", "--wait-receipts", "2", "--trust", m1.Hex(), "--trust-file", trustFile, "--timeout", "60s")...)
		eventID, _ := b.posted(t)
		post(signedReceipt(t, eventID, bp, fakeKey, fake, 4))                             // valid, but from a monitor nobody trusts
		post(signedReceipt(t, eventID, bp, m2Key, m1, 4))                                 // forged: m2 signs as m1
		post(signedReceipt(t, eventID, bp, m1Key, m1, 3))                                 // a receipt for another nonce
		post(signedReceipt(t, "$another-event", bp, m1Key, m1, 4))                        // another event's: not shown
		post(map[string]any{"for_event_id": eventID, "kind": "ln_appointment", "x": "y"}) // wrong kind
		post(signedReceipt(t, eventID, bp, m1Key, m1, 4))                                 // valid
		post(signedReceipt(t, eventID, bp, m1Key, m1, 4))                                 // valid again, same monitor
		post(signedReceipt(t, eventID, bp, m2Key, m2, 4))                                 // a second monitor
		r := b.wait(t)
		if r.code != 0 {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.code, r.out, r.err)
		}
		lines := r.lines(t)[1:]
		want := []struct {
			verified, trusted any
			problem           string
			monitor           string
		}{
			{true, false, "", fake.Hex()},
			{false, false, "the signature recovers to " + m2.Hex() + ", not to the monitor " + m1.Hex(), m1.Hex()},
			{false, false, "nonce 3 is not the request's 4", m1.Hex()},
			{false, false, `kind is "ln_appointment", not balance_proof`, ""},
			{true, true, "", m1.Hex()},
			{true, true, "", m1.Hex()},
			{true, true, "", m2.Hex()},
		}
		if len(lines) != len(want) {
			t.Fatalf("got %d receipt lines, want %d:\n%s", len(lines), len(want), r.out)
		}
		for i, w := range want {
			l := lines[i]
			p, _ := l["problem"].(string)
			m, _ := l["monitor"].(string)
			if l["verified"] != w.verified || l["trusted"] != w.trusted || p != w.problem || m != w.monitor || l["sender"] != mon.id ||
				l["for_event_id"] != eventID || !strings.HasPrefix(l["receipt_event_id"].(string), "$") {
				t.Errorf("receipt line %d: %v; want verified %v trusted %v problem %q monitor %s", i, l, w.verified, w.trusted, w.problem, w.monitor)
			}
		}

		// The same monitor twice is one monitor: waiting for two times out.
		b = cliBackground(append(append([]string{"broadcast", "balance-proof"}, login...),
			"--file", file, "--wait-receipts", "2", "--trust", m1.Hex(), "--trust", m2.Hex(), "--timeout", "5s")...)
		eventID, _ = b.posted(t)
		post(signedReceipt(t, eventID, bp, m1Key, m1, 4))
		post(signedReceipt(t, eventID, bp, m1Key, m1, 4))
		r = b.wait(t)
		r.fails(t, exitFailure, "timed out after 5s: 1 of 2 verified receipts from distinct trusted monitors")
		if n := len(r.lines(t)); n != 3 {
			t.Fatalf("want the posted line and 2 receipts, got %d:\n%s", n, r.out)
		}

		// A cheater answering with a valid receipt under a fresh key does
		// not satisfy the wait: shown as untrusted, not counted.
		b = cliBackground(append(append([]string{"broadcast", "balance-proof"}, login...),
			"--file", file, "--wait-receipts", "1", "--trust", m1.Hex(), "--timeout", "5s")...)
		eventID, _ = b.posted(t)
		post(signedReceipt(t, eventID, bp, fakeKey, fake, 4))
		r = b.wait(t)
		r.fails(t, exitFailure, "timed out after 5s: 0 of 1 verified receipts from distinct trusted monitors")
		if !strings.Contains(r.err, "verified receipts from 1 monitor(s) not in the trust list were shown, not counted") {
			t.Errorf("stderr: %q", r.err)
		}
		if lines := r.lines(t); len(lines) != 2 || lines[1]["verified"] != true || lines[1]["trusted"] != false || lines[1]["monitor"] != fake.Hex() {
			t.Fatalf("stdout: %s", r.out)
		}

		// Without a trust list there is nothing to count: refused before posting.
		r = cli(append(append([]string{"broadcast", "balance-proof"}, login...), "--file", file, "--wait-receipts", "1")...)
		r.fails(t, exitUsage, "--wait-receipts counts only receipts from monitors you trust")
		bad := writeFile(t, dir, "bad-trust.txt", m1.Hex()+"\nnot-an-address\n")
		cli(append(append([]string{"broadcast", "balance-proof"}, login...), "--file", file, "--wait-receipts", "1", "--trust-file", bad)...).
			fails(t, exitFailure, `bad-trust.txt line 2: "not-an-address" is not a monitor to trust`)
	})

	t.Run("appointment receipts", func(t *testing.T) {
		mon := newMatrixUser(t, hs, dir, "tower")
		ms := mon.session(t, hs)
		if _, err := ms.JoinAlias(context.Background(), alias, false); err != nil {
			t.Fatal(err)
		}
		post := func(content map[string]any) {
			t.Helper()
			if _, err := ms.Send(context.Background(), roomID, matrixbus.TypeReceipt, content, ""); err != nil {
				t.Fatal(err)
			}
		}
		file, a, _ := offlineAppointment(t, dir, "waiting")
		locator := hex.EncodeToString(a.Locator[:])
		k1, _ := btcec.NewPrivateKey()
		k2, _ := btcec.NewPrivateKey()
		k3, _ := btcec.NewPrivateKey() // a cheater's fresh key
		p1, p2, p3 := pubHex(k1), pubHex(k2), pubHex(k3)
		k2Addr := crypto.PubkeyToAddress(*k2.PubKey().ToECDSA()).Hex() // trusted by its Ethereum address
		b := cliBackground(append(append([]string{"broadcast", "appointment"}, login...),
			"--file", file, "--plain", "--wait-receipts", "2", "--trust", p1, "--trust", k2Addr, "--timeout", "60s")...)
		eventID, _ := b.posted(t)
		post(signedApptReceipt(t, eventID, a, k3, p3, 812000))     // valid, from a monitor nobody trusts
		forged := signedApptReceipt(t, eventID, a, k2, p1, 812000) // k2 signs as p1
		post(forged)
		moved := signedApptReceipt(t, eventID, a, k1, p1, 812000) // start_block changed after signing
		moved["start_block"] = "812001"
		post(moved)
		elsewhere := signedApptReceipt(t, eventID, a, k1, p1, 812000) // another locator
		elsewhere["locator"] = strings.Repeat("00", 16)
		post(elsewhere)
		post(map[string]any{"for_event_id": eventID, "kind": "balance_proof", "monitor_pubkey": p1}) // wrong kind
		post(signedApptReceipt(t, "$another-event", a, k1, p1, 812000))                              // another event's: not shown
		post(signedApptReceipt(t, eventID, a, k1, p1, 812000))                                       // valid
		post(signedApptReceipt(t, eventID, a, k1, p1, 812003))                                       // valid again, same monitor
		post(signedApptReceipt(t, eventID, a, k2, p2, 811999))                                       // a second monitor
		r := b.wait(t)
		if r.code != 0 {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.code, r.out, r.err)
		}
		lines := r.lines(t)[1:]
		want := []struct {
			verified any
			problem  string
			pub      string
		}{
			{true, "", p3},
			{false, "the signature recovers to " + p2 + ", not to monitor_pubkey " + p1, p1},
			{false, "the signature recovers to ", p1},
			{false, `locator "` + strings.Repeat("00", 16) + `" is not the appointment's ` + locator, p1},
			{false, `kind is "balance_proof", not ln_appointment`, p1},
			{true, "", p1},
			{true, "", p1},
			{true, "", p2},
		}
		if len(lines) != len(want) {
			t.Fatalf("got %d receipt lines, want %d:\n%s", len(lines), len(want), r.out)
		}
		for i, w := range want {
			l := lines[i]
			p, _ := l["problem"].(string)
			if l["verified"] != w.verified || !strings.HasPrefix(p, w.problem) || (w.problem == "") != (p == "") ||
				l["trusted"] != (w.verified == true && w.pub != p3) ||
				l["monitor_pubkey"] != w.pub || l["sender"] != mon.id || l["for_event_id"] != eventID {
				t.Errorf("receipt line %d: %v; want verified %v problem %q monitor %s", i, l, w.verified, w.problem, w.pub)
			}
		}
		plain := ofTypeFrom(roomTimeline(t, hs, client, roomID), "m.room.message", client.id)
		var msg struct {
			Body string `json:"body"`
		}
		if len(plain) == 0 || json.Unmarshal(plain[len(plain)-1].Content, &msg) != nil ||
			!strings.HasPrefix(msg.Body, `{"type":"ln_appointment",`) || !strings.Contains(msg.Body, `"locator":"`+locator+`"`) {
			t.Fatalf("plain appointment: %+v", plain)
		}
		if got, err := tower.DecodeAppointment([]byte(msg.Body), "type"); err != nil || got.UserSignature != a.UserSignature {
			t.Fatalf("posted body: %v", err)
		}

		// Receipts that do not verify do not count: waiting for one times out.
		file2, a2, _ := offlineAppointment(t, dir, "unanswered")
		b = cliBackground(append(append([]string{"broadcast", "appointment"}, login...),
			"--file", file2, "--wait-receipts", "1", "--trust", p1, "--timeout", "5s")...)
		eventID, _ = b.posted(t)
		post(signedApptReceipt(t, eventID, a2, k2, p1, 812000))
		post(signedApptReceipt(t, eventID, a2, k3, p3, 812000)) // valid, untrusted
		r = b.wait(t)
		r.fails(t, exitFailure, "timed out after 5s: 0 of 1 verified receipts from distinct trusted monitors")
		if lines := r.lines(t); len(lines) != 3 || lines[1]["verified"] != false || lines[2]["verified"] != true || lines[2]["trusted"] != false {
			t.Fatalf("stdout: %s", r.out)
		}
	})
}

// TestBroadcastCountsRegisteredMonitors: with --eth-rpc, broadcast counts
// the receipts of monitors registered and active in the channel's monitor
// registry. A real vigild (registered) answers in the room and is counted
// without being named; a valid receipt signed with a fresh, unregistered
// key is shown and ignored with the reason, and so is one from a
// registered monitor naming another monitor registry; a named stand-in is
// counted by the trust list.
func TestBroadcastCountsRegisteredMonitors(t *testing.T) {
	chain := ethtest.New(t, 4)
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	dir := t.TempDir()
	alice, bob := chain.Keys[0], chain.Keys[1]
	ctx := context.Background()
	ch, _, err := chain.Ops(alice).OpenChannel(ctx, chain.Registry, ethtest.Address(bob), 30)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chain.Ops(alice).Deposit(ctx, ch, milliEther(5000)); err != nil {
		t.Fatal(err)
	}
	if _, err := chain.Ops(alice).DepositReward(ctx, ch, milliEther(10)); err != nil {
		t.Fatal(err)
	}
	proof := eip712.BalanceProof{Nonce: 3, TransferredAmount: milliEther(300), Locksroot: crypto.Keccak256Hash([]byte("l"))}
	bp, err := ethereum.SignRequest(chain.ChainID, ch, proof, bob, alice, milliEther(2))
	if err != nil {
		t.Fatal(err)
	}
	file := writeFile(t, dir, "request.json", encodeRequest(t, bp, nil))

	v := roomVigild(t, chain, chain.Keys[2], hs, alias)
	client := newMatrixUser(t, hs, dir, "alice")
	login := []string{"--homeserver", hs.URL, "--user", client.id, "--password-file", client.pwFile, "--room", alias}
	registeredKey := chain.Keys[3] // registered, but it names another registry
	chain.RegisterMonitor(t, registeredKey, common.Address{})
	freshKey, _ := crypto.GenerateKey()
	namedKey, _ := crypto.GenerateKey()
	fresh, named, registered := ethtest.Address(freshKey), ethtest.Address(namedKey), ethtest.Address(registeredKey)

	// Refused before posting: another registry required, another chain.
	cli(append(append([]string{"broadcast", "balance-proof"}, login...), "--file", file, "--wait-receipts", "1",
		"--eth-rpc", chain.URL, "--monitor-registry", chain.Registry.Hex())...).
		fails(t, exitFailure, "the monitor registry of channel "+ch.Hex()+" is "+chain.MonitorRegistry.Hex()+", not --monitor-registry")
	cli(append(append([]string{"broadcast", "balance-proof"}, login...), "--file", file, "--monitor-registry", chain.Registry.Hex())...).
		fails(t, exitUsage, "--monitor-registry needs --eth-rpc")

	stand := newMatrixUser(t, hs, dir, "standin")
	ms := stand.session(t, hs)
	roomID, err := ms.JoinAlias(ctx, alias, false)
	if err != nil {
		t.Fatal(err)
	}
	post := func(content map[string]any) {
		t.Helper()
		if _, err := ms.Send(ctx, roomID, matrixbus.TypeReceipt, content, ""); err != nil {
			t.Fatal(err)
		}
	}
	b := cliBackground(append(append([]string{"broadcast", "balance-proof"}, login...), "--file", file,
		"--wait-receipts", "2", "--eth-rpc", chain.URL, "--trust", named.Hex(), "--timeout", "60s")...)
	eventID, _ := b.posted(t)
	post(signedReceipt(t, eventID, bp, freshKey, fresh, 3)) // valid, no deposit behind it
	elsewhere := signedReceipt(t, eventID, bp, registeredKey, registered, 3)
	elsewhere["monitor_registry"] = chain.Registry.Hex()
	post(elsewhere)
	post(signedReceipt(t, eventID, bp, namedKey, named, 3)) // named with --trust
	r := b.wait(t)
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.code, r.out, r.err)
	}
	if !strings.Contains(r.err, "waiting for receipts from 2 monitor(s) registered and active in the monitor registry "+chain.MonitorRegistry.Hex()) {
		t.Errorf("stderr: %q", r.err)
	}
	byMonitor := map[string]map[string]any{}
	for _, l := range r.lines(t)[1:] {
		m, _ := l["monitor"].(string)
		if _, dup := byMonitor[m]; dup {
			t.Fatalf("two receipts from %s:\n%s", m, r.out)
		}
		byMonitor[m] = l
	}
	if l := byMonitor[v.monitor.Hex()]; l == nil || l["verified"] != true || l["registered"] != true || l["counted"] != true ||
		l["trusted"] != false || l["monitor_registry"] != chain.MonitorRegistry.Hex() || l["ignored"] != nil {
		t.Fatalf("vigild's receipt: %v\n%s", l, r.out)
	}
	if l := byMonitor[fresh.Hex()]; l == nil || l["verified"] != true || l["registered"] != false || l["counted"] != false ||
		l["ignored"] != "its monitor "+fresh.Hex()+" is not registered in the channel's monitor registry "+chain.MonitorRegistry.Hex()+": no deposit backs its receipt" {
		t.Fatalf("the fresh key's receipt: %v\n%s", l, r.out)
	}
	if l := byMonitor[registered.Hex()]; l == nil || l["verified"] != true || l["counted"] != false ||
		l["ignored"] != "it names the monitor registry "+chain.Registry.Hex()+", not the channel's "+chain.MonitorRegistry.Hex() {
		t.Fatalf("the other registry's receipt: %v\n%s", l, r.out)
	}
	if l := byMonitor[named.Hex()]; l == nil || l["trusted"] != true || l["registered"] != false || l["counted"] != true {
		t.Fatalf("the named monitor's receipt: %v\n%s", l, r.out)
	}
	if len(byMonitor) != 4 {
		t.Fatalf("want 4 receipts:\n%s", r.out)
	}

	// verify-receipt --eth-rpc checks the same against the chain.
	save := func(name string, l map[string]any) string {
		raw, _ := json.Marshal(l)
		return writeFile(t, dir, name, string(raw))
	}
	ok := cli("verify-receipt", "--file", save("vigild.json", byMonitor[v.monitor.Hex()]), "--eth-rpc", chain.URL).ok(t)
	if !strings.Contains(ok.out, "registered and active in the channel's monitor registry "+chain.MonitorRegistry.Hex()) {
		t.Errorf("verify-receipt: %q", ok.out)
	}
	cli("verify-receipt", "--file", save("fresh.json", byMonitor[fresh.Hex()])).ok(t) // signed: valid without --eth-rpc
	cli("verify-receipt", "--file", save("fresh.json", byMonitor[fresh.Hex()]), "--eth-rpc", chain.URL).
		fails(t, exitFailure, "receipt signed, but no deposit backs it: its monitor "+fresh.Hex()+" is not registered")
	cli("verify-receipt", "--file", save("elsewhere.json", byMonitor[registered.Hex()]), "--eth-rpc", chain.URL).
		fails(t, exitFailure, "it names the monitor registry "+chain.Registry.Hex())
}
