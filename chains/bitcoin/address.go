package bitcoin

import (
	"fmt"

	"github.com/btcsuite/btcd/address/v2"
	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/txscript/v2"
)

// Params returns the chain parameters of a network name.
func Params(network string) (*chaincfg.Params, error) {
	switch normalizeNet(network) {
	case "mainnet":
		return &chaincfg.MainNetParams, nil
	case "testnet":
		return &chaincfg.TestNet3Params, nil
	case "signet":
		return &chaincfg.SigNetParams, nil
	case "regtest":
		return &chaincfg.RegressionNetParams, nil
	}
	return nil, fmt.Errorf("unknown bitcoin network %q", network)
}

// PayoutScript decodes a payout address of the given network into its
// output script.
func PayoutScript(addr, network string) ([]byte, error) {
	p, err := Params(network)
	if err != nil {
		return nil, err
	}
	a, err := address.DecodeAddress(addr, p)
	if err != nil {
		return nil, fmt.Errorf("bitcoin.payout_address %q: %w", addr, err)
	}
	if !a.IsForNet(p) {
		return nil, fmt.Errorf("bitcoin.payout_address %q is not a %s address", addr, network)
	}
	return txscript.PayToAddrScript(a)
}
