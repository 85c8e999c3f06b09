// Package eip712 computes and signs the EIP-712 typed-data digests of the
// Vigil channel protocol (docs/protocol.md §1): BalanceProof, MonitorRequest
// and MonitorReceipt under the domain
//
//	EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)
//
// with name "VigilChannel", version "1" and the NettingChannel as the
// verifying contract. It matches NettingChannel.sol byte for byte; the
// contract tests check a signature made here against the EVM.
//
// Signatures are 65 bytes r || s || v with v in {27, 28} and a low s.
// Recover is strict about that form, as the contract is, so a signature the
// daemon accepts is one the chain accepts.
//
// The package only hashes, signs and recovers. It does not know channels,
// nonces or deposits, does no I/O and holds no keys.
package eip712

import (
	"crypto/ecdsa"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Domain name and version fixed by the protocol.
const (
	Name    = "VigilChannel"
	Version = "1"
)

// SignatureLength is the length of a signature: r (32) || s (32) || v (1).
const SignatureLength = 65

// Type hashes and the constant parts of the domain, computed once.
var (
	domainTypeHash         = crypto.Keccak256Hash([]byte("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"))
	balanceProofTypeHash   = crypto.Keccak256Hash([]byte("BalanceProof(uint64 nonce,uint256 transferredAmount,bytes32 locksroot,bytes32 extraHash)"))
	monitorRequestTypeHash = crypto.Keccak256Hash([]byte("MonitorRequest(uint64 nonce,uint256 transferredAmount,bytes32 locksroot,bytes32 extraHash,bytes balanceProofSignature,uint256 rewardAmount)"))
	monitorReceiptTypeHash = crypto.Keccak256Hash([]byte("MonitorReceipt(address channel,uint64 nonce,uint256 rewardAmount,address monitor)"))
	nameHash               = crypto.Keccak256Hash([]byte(Name))
	versionHash            = crypto.Keccak256Hash([]byte(Version))

	secp256k1N     = crypto.S256().Params().N
	secp256k1HalfN = new(big.Int).Rsh(secp256k1N, 1)
	maxUint256     = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
)

// Errors returned by Recover. Each is a reason the contract rejects the
// signature too.
var (
	ErrSignatureLength  = errors.New("eip712: signature is not 65 bytes")
	ErrSignatureV       = errors.New("eip712: signature v is not 27 or 28")
	ErrSignatureHighS   = errors.New("eip712: signature s is above secp256k1n/2")
	ErrSignatureInvalid = errors.New("eip712: signature is invalid")
)

// Domain is the EIP-712 domain of one channel on one chain.
type Domain struct {
	ChainID *big.Int
	Channel common.Address // the NettingChannel, the verifying contract
}

// BalanceProof counts one participant's transfers to its partner; the
// participant whose transfers it counts signs it.
type BalanceProof struct {
	Nonce             uint64
	TransferredAmount *big.Int
	Locksroot         [32]byte
	ExtraHash         [32]byte
}

// ValidUint256 reports whether x fits a uint256 (0 <= x < 2^256). The digest
// functions require every amount and the chain id to satisfy it; nil counts
// as zero.
func ValidUint256(x *big.Int) bool {
	return x == nil || (x.Sign() >= 0 && x.Cmp(maxUint256) <= 0)
}

// Separator returns the domain separator, equal to the channel's
// domainSeparator().
func (d Domain) Separator() [32]byte {
	return keccak(
		domainTypeHash[:],
		nameHash[:],
		versionHash[:],
		uintWord(d.ChainID),
		addressWord(d.Channel),
	)
}

// BalanceProofDigest returns the digest the participant whose transfers bp
// counts signs. It panics if bp.TransferredAmount or the chain id is not a
// uint256 (see ValidUint256).
func (d Domain) BalanceProofDigest(bp BalanceProof) [32]byte {
	return d.digest(keccak(
		balanceProofTypeHash[:],
		uint64Word(bp.Nonce),
		uintWord(bp.TransferredAmount),
		bp.Locksroot[:],
		bp.ExtraHash[:],
	))
}

// MonitorRequestDigest returns the digest the participant protected by bp
// (the receiver of the counted transfers) signs to ask monitors to submit bp
// with balanceProofSig, the partner's signature of bp, for the given reward.
// It panics if an amount or the chain id is not a uint256 (see ValidUint256).
func (d Domain) MonitorRequestDigest(bp BalanceProof, balanceProofSig []byte, reward *big.Int) [32]byte {
	sigHash := crypto.Keccak256(balanceProofSig)
	return d.digest(keccak(
		monitorRequestTypeHash[:],
		uint64Word(bp.Nonce),
		uintWord(bp.TransferredAmount),
		bp.Locksroot[:],
		bp.ExtraHash[:],
		sigHash,
		uintWord(reward),
	))
}

// MonitorReceiptDigest returns the digest a monitor signs when it accepts a
// request: MonitorReceipt(address channel,uint64 nonce,uint256
// rewardAmount,address monitor) with channel = d.Channel. It panics if reward
// or the chain id is not a uint256 (see ValidUint256).
func (d Domain) MonitorReceiptDigest(nonce uint64, reward *big.Int, monitor common.Address) [32]byte {
	return d.digest(keccak(
		monitorReceiptTypeHash[:],
		addressWord(d.Channel),
		uint64Word(nonce),
		uintWord(reward),
		addressWord(monitor),
	))
}

// digest returns keccak256("\x19\x01" || separator || structHash).
func (d Domain) digest(structHash [32]byte) [32]byte {
	sep := d.Separator()
	return keccak([]byte{0x19, 0x01}, sep[:], structHash[:])
}

// Sign signs digest with key and returns r || s || v with v in {27, 28} and
// a low s.
func Sign(digest [32]byte, key *ecdsa.PrivateKey) ([]byte, error) {
	sig, err := crypto.Sign(digest[:], key)
	if err != nil {
		return nil, fmt.Errorf("eip712: sign: %w", err)
	}
	// libsecp256k1 always produces a low s; check rather than trust.
	if new(big.Int).SetBytes(sig[32:64]).Cmp(secp256k1HalfN) > 0 {
		return nil, ErrSignatureHighS
	}
	sig[64] += 27
	return sig, nil
}

// Recover returns the address that signed digest. It accepts exactly the
// signatures the contract accepts: 65 bytes, v in {27, 28}, 0 < r < n and
// 0 < s <= n/2.
func Recover(digest [32]byte, sig []byte) (common.Address, error) {
	if len(sig) != SignatureLength {
		return common.Address{}, ErrSignatureLength
	}
	v := sig[64]
	if v != 27 && v != 28 {
		return common.Address{}, ErrSignatureV
	}
	r := new(big.Int).SetBytes(sig[:32])
	s := new(big.Int).SetBytes(sig[32:64])
	if r.Sign() == 0 || s.Sign() == 0 || r.Cmp(secp256k1N) >= 0 {
		return common.Address{}, ErrSignatureInvalid
	}
	if s.Cmp(secp256k1HalfN) > 0 {
		return common.Address{}, ErrSignatureHighS
	}
	var rsv [SignatureLength]byte
	copy(rsv[:], sig)
	rsv[64] = v - 27
	pub, err := crypto.Ecrecover(digest[:], rsv[:])
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %v", ErrSignatureInvalid, err)
	}
	return common.BytesToAddress(crypto.Keccak256(pub[1:])[12:]), nil
}

func keccak(parts ...[]byte) [32]byte {
	return crypto.Keccak256Hash(parts...)
}

// uintWord ABI-encodes x as a uint256 word; nil is zero.
func uintWord(x *big.Int) []byte {
	word := make([]byte, 32)
	if x == nil {
		return word
	}
	if !ValidUint256(x) {
		panic(fmt.Sprintf("eip712: %s is not a uint256", x))
	}
	return x.FillBytes(word)
}

func uint64Word(x uint64) []byte {
	word := make([]byte, 32)
	binary.BigEndian.PutUint64(word[24:], x)
	return word
}

func addressWord(a common.Address) []byte {
	word := make([]byte, 32)
	copy(word[12:], a[:])
	return word
}
