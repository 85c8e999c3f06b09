package lncrypto_test

import (
	"encoding/hex"
	"fmt"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// The locator is a prefix of the txid's internal bytes, not of its display
// hex (which is byte-reversed).
func ExampleLocator() {
	txid, _ := chainhash.NewHashFromStr("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b")
	loc := lncrypto.Locator(*txid)
	fmt.Println(hex.EncodeToString(loc[:]))
	// Output: 3ba3edfd7a7b12b27ac72c3e67768f61
}
