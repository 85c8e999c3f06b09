package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// TestSignOffline: sign-proof and sign-request need no node; the request
// is a valid wire message whose signatures recover to the right parties,
// and the inputs are checked.
func TestSignOffline(t *testing.T) {
	dir := t.TempDir()
	pw := writeFile(t, dir, "pw", "pw\n")
	alice := newAccount(t, filepath.Join(dir, "ks"), pw)
	bob := newAccount(t, filepath.Join(dir, "ks"), pw)
	channel := common.HexToAddress(goodAddr)
	signArgs := func(who account, more ...string) []string {
		return append([]string{"--keystore", who.file, "--password-file", pw, "--chain-id", "1337", "--channel", strings.ToLower(goodAddr)}, more...)
	}

	p := cli(append([]string{"sign-proof"}, signArgs(bob, "--nonce", "9", "--transferred", "123456789012345678901234567890",
		"--extra-hash", "0x"+strings.Repeat("AB", 32))...)...).ok(t)
	var pj proofJSON
	p.decode(t, &pj)
	if pj.ExtraHash != "0x"+strings.Repeat("ab", 32) || pj.TransferredAmount != "123456789012345678901234567890" {
		t.Fatalf("sign-proof: %+v", pj)
	}
	proof := writeFile(t, dir, "proof.json", p.out)

	r := cli(append([]string{"sign-request"}, signArgs(alice, "--proof", proof, "--reward", "0")...)...).ok(t)
	req, err := proofs.DecodeBalanceProof([]byte(r.out))
	if err != nil {
		t.Fatalf("sign-request output: %v\n%s", err, r.out)
	}
	checkRequest(t, req, channel, alice.addr, bob.addr, 9, req.Reward)
	if req.Reward.Sign() != 0 || !strings.Contains(r.err, "request of "+alice.addr.Hex()) {
		t.Fatalf("reward %s, stderr %q", req.Reward, r.err)
	}
	var wire proofs.BalanceProofJSON
	r.decode(t, &wire) // exactly the wire fields
	if wire.ChannelAddress != goodAddr || wire.Signature != pj.Signature {
		t.Fatalf("wire message: %+v", wire)
	}

	// Bob cannot make a request from his own proof.
	cli(append([]string{"sign-request"}, signArgs(bob, "--proof", proof, "--reward", "1")...)...).
		fails(t, exitFailure, "signed by your own key")
	// Proof files are checked strictly.
	for name, content := range map[string]string{
		"unknown field": strings.Replace(p.out, `"nonce"`, `"chain_id": "1", "nonce"`, 1),
		"missing field": strings.Replace(p.out, `"locksroot"`, `"locksroot_"`, 1),
		"short sig":     strings.Replace(p.out, pj.Signature, pj.Signature[:100], 1),
		"zero nonce":    strings.Replace(p.out, `"nonce": "9"`, `"nonce": "0"`, 1),
		"not json":      "nonce=9",
	} {
		f := writeFile(t, dir, "bad.json", content)
		r := cli(append([]string{"sign-request"}, signArgs(alice, "--proof", f, "--reward", "1")...)...)
		if r.code != exitFailure || !strings.Contains(r.err, "bad.json") {
			t.Errorf("%s: exit %d %q", name, r.code, r.err)
		}
	}
}
