package btctest_test

import (
	"github.com/btcsuite/btcd/address/v2"
	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/txscript/v2"

	"github.com/vigil-monitor/vigil/chains/bitcoin/btctest"
)

func lnP2WPKH(key *btcec.PrivateKey) []byte {
	a, _ := address.NewAddressWitnessPubKeyHash(address.Hash160(key.PubKey().SerializeCompressed()), btctest.Params)
	s, _ := txscript.PayToAddrScript(a)
	return s
}
