package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// maxInputFile bounds the JSON files the CLI reads.
const maxInputFile = 1 << 16

// proofJSON is a signed balance proof as sign-proof prints it and close and
// sign-request read it.
type proofJSON struct {
	Nonce             string `json:"nonce"`
	TransferredAmount string `json:"transferred_amount"`
	Locksroot         string `json:"locksroot"`
	ExtraHash         string `json:"extra_hash"`
	Signature         string `json:"signature"`
}

// cmdSignProof signs a balance proof of the signer's own transfers.
func cmdSignProof(args []string, stdout, stderr io.Writer) error {
	f := newFlags("sign-proof", `Signs, with your key, the EIP-712 BalanceProof of your transfers to your
partner in a channel: --nonce counts your payments, --transferred is the
total you have sent. You hand the output to your partner, who can close with
it (eth close --proof) or ask monitors to submit it (sign-request). Offline:
no node is needed.`)
	ks := f.String("keystore", "", "your keystore `FILE` (required)")
	pwFile := f.String("password-file", "", "`FILE` holding the keystore password (required)")
	chainS := f.String("chain-id", "", "chain id `N` of the channel's chain (required)")
	channelS := f.String("channel", "", "`ADDR` of the channel (required)")
	nonceS := f.String("nonce", "", "balance proof nonce `N`, at least 1 (required)")
	transferredS := f.String("transferred", "", "total transferred to the partner, in `WEI` (required)")
	locksS := f.String("locksroot", "", "locksroot, 0x-prefixed 32 `BYTES` (default zero)")
	extraS := f.String("extra-hash", "", "extra hash, 0x-prefixed 32 `BYTES` (default zero)")
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if err := f.need("keystore", "password-file", "chain-id", "channel", "nonce", "transferred"); err != nil {
		return err
	}
	chainID, err := f.chainID("chain-id", *chainS)
	if err != nil {
		return err
	}
	channel, err := f.address("channel", *channelS)
	if err != nil {
		return err
	}
	nonce, err := f.uint("nonce", *nonceS)
	if err != nil {
		return err
	}
	if nonce == 0 {
		return f.usagef("--nonce must be at least 1 (nonce 0 means no transfers and needs no proof)")
	}
	transferred, err := f.amount("transferred", *transferredS)
	if err != nil {
		return err
	}
	locksroot, err := f.bytes32("locksroot", *locksS)
	if err != nil {
		return err
	}
	extra, err := f.bytes32("extra-hash", *extraS)
	if err != nil {
		return err
	}
	key, err := loadKey(*ks, *pwFile)
	if err != nil {
		return err
	}
	bp := eip712.BalanceProof{Nonce: nonce, TransferredAmount: transferred, Locksroot: locksroot, ExtraHash: extra}
	sig, err := eip712.Sign(eip712.Domain{ChainID: chainID, Channel: channel}.BalanceProofDigest(bp), key)
	if err != nil {
		return err
	}
	return printJSON(stdout, encodeProof(bp, sig))
}

func encodeProof(bp eip712.BalanceProof, sig []byte) proofJSON {
	return proofJSON{
		Nonce: strconv.FormatUint(bp.Nonce, 10), TransferredAmount: bp.TransferredAmount.String(),
		Locksroot: hex0x(bp.Locksroot[:]), ExtraHash: hex0x(bp.ExtraHash[:]), Signature: hex0x(sig),
	}
}

// readProofFile reads and checks a sign-proof output.
func readProofFile(path string) (*signedProof, error) {
	data, err := readInput(path)
	if err != nil {
		return nil, err
	}
	var j proofJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return nil, fmt.Errorf("proof file %s is not a sign-proof output: %v", path, err)
	}
	fields := map[string]string{"nonce": j.Nonce, "transferred_amount": j.TransferredAmount,
		"locksroot": j.Locksroot, "extra_hash": j.ExtraHash, "signature": j.Signature}
	for _, k := range []string{"nonce", "transferred_amount", "locksroot", "extra_hash", "signature"} {
		if fields[k] == "" {
			return nil, fmt.Errorf("proof file %s: field %q is missing", path, k)
		}
	}
	p := &signedProof{}
	bad := func(err error) error { return fmt.Errorf("proof file %s: %s", path, message(err)) }
	if p.bp.Nonce, err = monitor.ParseUint64("nonce", j.Nonce); err != nil {
		return nil, bad(err)
	}
	if p.bp.Nonce == 0 {
		return nil, fmt.Errorf("proof file %s: nonce 0 is not a balance proof", path)
	}
	if p.bp.TransferredAmount, err = monitor.ParseUint256("transferred_amount", j.TransferredAmount); err != nil {
		return nil, bad(err)
	}
	if p.bp.Locksroot, err = parseBytes32(j.Locksroot); err != nil {
		return nil, fmt.Errorf("proof file %s: locksroot %v", path, err)
	}
	if p.bp.ExtraHash, err = parseBytes32(j.ExtraHash); err != nil {
		return nil, fmt.Errorf("proof file %s: extra_hash %v", path, err)
	}
	if p.sig, err = parseSignature(j.Signature); err != nil {
		return nil, fmt.Errorf("proof file %s: signature %v", path, err)
	}
	return p, nil
}

// cmdSignRequest turns the partner's proof into a monitoring request.
func cmdSignRequest(args []string, stdout, stderr io.Writer) error {
	f := newFlags("sign-request", `Makes a monitoring request: you sign, with your own key, the EIP-712
MonitorRequest over your partner's balance proof (--proof, the partner's
sign-proof output: its transfers to you) and the --reward you grant the
monitor that submits it if the partner closes with older state. Prints the
complete balance-proof message, ready for "vigil submit" or the room.
The reward must not exceed your reward deposit (eth deposit-reward).`)
	ks := f.String("keystore", "", "your own keystore `FILE` (required)")
	pwFile := f.String("password-file", "", "`FILE` holding the keystore password (required)")
	chainS := f.String("chain-id", "", "chain id `N` of the channel's chain (required)")
	channelS := f.String("channel", "", "`ADDR` of the channel (required)")
	proofFile := f.String("proof", "", "`FILE` holding the partner's sign-proof output (required)")
	rewardS := f.String("reward", "", "reward for the monitor, in `WEI` (required; 0 is allowed)")
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if err := f.need("keystore", "password-file", "chain-id", "channel", "proof", "reward"); err != nil {
		return err
	}
	chainID, err := f.chainID("chain-id", *chainS)
	if err != nil {
		return err
	}
	channel, err := f.address("channel", *channelS)
	if err != nil {
		return err
	}
	reward, err := f.amount("reward", *rewardS)
	if err != nil {
		return err
	}
	proof, err := readProofFile(*proofFile)
	if err != nil {
		return err
	}
	key, err := loadKey(*ks, *pwFile)
	if err != nil {
		return err
	}
	own := crypto.PubkeyToAddress(key.PublicKey)
	partner, err := proof.signer(chainID, channel)
	if err != nil {
		return fmt.Errorf("--proof %s: %w", *proofFile, err)
	}
	if partner == own {
		return fmt.Errorf("--proof %s is signed by your own key %s: a monitoring request carries your partner's proof of its transfers to you "+
			"(or the proof was made for another channel or chain, and recovers to a random address)", *proofFile, own.Hex())
	}
	dom := eip712.Domain{ChainID: chainID, Channel: channel}
	mr, err := eip712.Sign(dom.MonitorRequestDigest(proof.bp, proof.sig, reward), key)
	if err != nil {
		return err
	}
	msg := proofs.BalanceProof{
		ChainID: chainID, Channel: channel, Nonce: proof.bp.Nonce, TransferredAmount: proof.bp.TransferredAmount,
		Locksroot: proof.bp.Locksroot, ExtraHash: proof.bp.ExtraHash, Signature: proof.sig,
		NonClosing: own, NonClosingSignature: mr, Reward: reward,
	}
	fmt.Fprintf(stderr, "request of %s: if %s closes with older state, submit its proof nonce %d (transferred %s wei) for a reward of %s wei\n",
		own.Hex(), partner.Hex(), proof.bp.Nonce, proof.bp.TransferredAmount, reward)
	return printJSON(stdout, proofs.EncodeBalanceProof(msg))
}

// receiptDoc is a monitor's balance-proof receipt: a PUT response or a room
// receipt (the same object, proofs.BalanceProofReceipt), or a PUT response
// of an older monitor (receipt_signature, no chain_id). Other fields are
// ignored.
type receiptDoc struct {
	ChainID          string `json:"chain_id"`
	Channel          string `json:"channel_address"`
	Nonce            string `json:"nonce"`
	Reward           string `json:"reward_amount"`
	Monitor          string `json:"monitor"`
	ReceiptSignature string `json:"receipt_signature"`
	Signature        string `json:"signature"`
}

// cmdVerifyReceipt checks a monitor's MonitorReceipt signature.
func cmdVerifyReceipt(args []string, stdout, stderr io.Writer) error {
	f := newFlags("verify-receipt", `Checks that a balance-proof receipt, the answer to PUT /api/1/balance_proofs
(the output of "vigil submit") or an org.vigil.receipt from the room (the
same object), carries the EIP-712 MonitorReceipt of its channel, nonce and
reward on its chain_id signed by its monitor address. The receipt_signature
of an older monitor's PUT answer (without chain_id: give --chain-id) is
accepted too. A valid receipt proves only that its monitor's key signed: with
--monitor, also require that monitor; with --eth-rpc, also require that a
deposit backs it: its monitor registered and active in the channel's
monitor registry (read from the channel on chain; a receipt naming another
monitor_registry fails). Exit status 1 when it does not verify.`)
	file := f.String("file", "", "the response or receipt JSON `FILE` (required)")
	chainS := f.String("chain-id", "", "chain id `N` (required unless the file carries chain_id)")
	monitorS := f.String("monitor", "", "also require the monitor to be `ADDR`")
	ethRPC := f.String("eth-rpc", "", "Ethereum JSON-RPC `URL`: also require the monitor to be registered and active in the channel's monitor registry")
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if err := f.need("file"); err != nil {
		return err
	}
	var chainID *big.Int
	var err error
	if *chainS != "" {
		if chainID, err = f.chainID("chain-id", *chainS); err != nil {
			return err
		}
	}
	var want common.Address
	if *monitorS != "" {
		if want, err = f.address("monitor", *monitorS); err != nil {
			return err
		}
	}
	data, err := readInput(*file)
	if err != nil {
		return err
	}
	var d receiptDoc
	if err := json.Unmarshal(data, &d); err != nil {
		return fmt.Errorf("%s is not a JSON object: %v", *file, err)
	}
	sigS := d.Signature
	if sigS == "" {
		sigS = d.ReceiptSignature
	}
	if d.Monitor == "" || sigS == "" {
		return fmt.Errorf("%s carries no receipt (no monitor and signature): the monitor signs no receipts, or this is not a receipt", *file)
	}
	if d.ChainID != "" {
		docChain, err := monitor.ParseUint256("chain_id", d.ChainID)
		if err != nil {
			return fmt.Errorf("%s: %s", *file, message(err))
		}
		if chainID != nil && chainID.Cmp(docChain) != 0 {
			return fmt.Errorf("%s is a receipt on chain %s, not --chain-id %s", *file, docChain, chainID)
		}
		chainID = docChain
	}
	if chainID == nil {
		return f.usagef("missing required flag --chain-id (the file does not carry chain_id)")
	}
	bad := func(err error) error { return fmt.Errorf("%s: %s", *file, message(err)) }
	channel, err := proofs.ParseAddress("channel_address", d.Channel)
	if err != nil {
		return bad(err)
	}
	nonce, err := monitor.ParseUint64("nonce", d.Nonce)
	if err != nil {
		return bad(err)
	}
	reward, err := monitor.ParseUint256("reward_amount", d.Reward)
	if err != nil {
		return bad(err)
	}
	mon, err := proofs.ParseAddress("monitor", d.Monitor)
	if err != nil {
		return bad(err)
	}
	sig, err := parseSignature(sigS)
	if err != nil {
		return fmt.Errorf("%s: receipt signature %v", *file, err)
	}
	if want != (common.Address{}) && mon != want {
		return fmt.Errorf("receipt is from monitor %s, not --monitor %s", mon.Hex(), want.Hex())
	}
	digest := eip712.Domain{ChainID: chainID, Channel: channel}.MonitorReceiptDigest(nonce, reward, mon)
	signer, err := eip712.Recover(digest, sig)
	if err != nil {
		return fmt.Errorf("invalid receipt: %w", err)
	}
	if signer != mon {
		return fmt.Errorf("invalid receipt: the signature recovers to %s, not to the monitor %s "+
			"(a field was altered, or the chain id is wrong)", signer.Hex(), mon.Hex())
	}
	registered := ""
	if *ethRPC != "" {
		ctx, cancel := context.WithTimeout(context.Background(), dialTimeout)
		defer cancel()
		reg, err := dialRegistry(ctx, *ethRPC, chainID, channel, common.Address{})
		if err != nil {
			return err
		}
		defer reg.close()
		if ok, why := reg.judge(ctx, mon.Hex(), data); !ok {
			return fmt.Errorf("receipt signed, but no deposit backs it: %s", why)
		}
		registered = fmt.Sprintf("; registered and active in the channel's monitor registry %s", reg.monitors.Hex())
	}
	fmt.Fprintf(stdout, "valid receipt: monitor %s accepted channel %s nonce %d reward %s wei on chain %s%s\n",
		mon.Hex(), channel.Hex(), nonce, reward, chainID, registered)
	return nil
}

// readInput reads a small input file.
func readInput(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxInputFile+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > maxInputFile {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, maxInputFile)
	}
	return data, nil
}

func parseSignature(s string) ([]byte, error) {
	if !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") {
		return nil, errors.New("must be 0x-prefixed hex")
	}
	b, err := hex.DecodeString(s[2:])
	if err != nil {
		return nil, errors.New("is not valid hex")
	}
	if len(b) != eip712.SignatureLength {
		return nil, fmt.Errorf("must be %d bytes, got %d", eip712.SignatureLength, len(b))
	}
	return b, nil
}

// message is the client-facing text of a monitor parse error.
func message(err error) string {
	var me *monitor.Error
	if errors.As(err, &me) {
		return me.Message
	}
	return err.Error()
}

func hex0x(b []byte) string { return "0x" + hex.EncodeToString(b) }
