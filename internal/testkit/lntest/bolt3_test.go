package lntest

// Test vectors from BOLT 3 (lightning/bolts, 03-transactions.md,
// appendices C, D and E).

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func priv(t *testing.T, s string) *btcec.PrivateKey {
	t.Helper()
	b := unhex(t, s)
	if len(b) == 33 && b[32] == 1 { // BOLT 3 appends 01 ("compressed")
		b = b[:32]
	}
	k, _ := btcec.PrivKeyFromBytes(b)
	return k
}

func pubHex(k *btcec.PublicKey) string { return hex.EncodeToString(k.SerializeCompressed()) }

func privHex(k *btcec.PrivateKey) string { return hex.EncodeToString(k.Serialize()) }

func TestPerCommitmentSecretVectors(t *testing.T) {
	seed := func(b byte) (s [32]byte) {
		for i := range s {
			s[i] = b
		}
		return s
	}
	for _, v := range []struct {
		name  string
		seed  [32]byte
		index uint64
		want  string
	}{
		{"generate_from_seed 0 final node", seed(0), 281474976710655, "02a40c85b6f28da08dfdbe0926c53fab2de6d28c10301f8f7c4073d5e42e3148"},
		{"generate_from_seed FF final node", seed(0xff), 281474976710655, "7cc854b54e3e0dcdb010d7a3fee464a9687be6e8db3be6854c475621e007a5dc"},
		{"generate_from_seed FF alternate bits 1", seed(0xff), 0xaaaaaaaaaaa, "56f4008fb007ca9acf0e15b054d5c9fd12ee06cea347914ddbaed70d1c13a528"},
		{"generate_from_seed FF alternate bits 2", seed(0xff), 0x555555555555, "9015daaeb06dba4ccc05b91b2f73bd54405f2be9f217fbacd3c5ac2e62327d31"},
		{"generate_from_seed 01 last nontrivial node", seed(0x01), 1, "915c75942a26bb3a433a8ce2cb0427c29ec6c1775cfc78328b57f6ba7bfeaa9c"},
	} {
		got := PerCommitmentSecret(v.seed, v.index)
		if hex.EncodeToString(got[:]) != v.want {
			t.Errorf("%s: %x, want %s", v.name, got, v.want)
		}
	}
}

func TestKeyDerivationVectors(t *testing.T) {
	base := priv(t, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
	perCommit := priv(t, "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100")
	if got := pubHex(base.PubKey()); got != "036d6caac248af96f6afa7f904f550253a0f3ef3f5aa2fe6838a95b216691468e2" {
		t.Fatalf("base_point %s", got)
	}
	if got := pubHex(perCommit.PubKey()); got != "025f7117a78150fe2ef97db7cfc83bd57b2e2c0d0dd25eaf467a4a1c2a45ce1486" {
		t.Fatalf("per_commitment_point %s", got)
	}
	local := DerivePrivKey(base, perCommit.PubKey())
	if got := privHex(local); got != "cbced912d3b21bf196a766651e436aff192362621ce317704ea2f75d87e7be0f" {
		t.Errorf("localprivkey %s", got)
	}
	if got := pubHex(local.PubKey()); got != "0235f2dbfaa89b57ec7b055afe29849ef7ddfeb1cefdb9ebdc43f5494984db29e5" {
		t.Errorf("localpubkey %s", got)
	}
	rev := DeriveRevocationPrivKey(base, perCommit)
	if got := privHex(rev); got != "d09ffff62ddb2297ab000cc85bcb4283fdeb6aa052affbc9dddcf33b61078110" {
		t.Errorf("revocationprivkey %s", got)
	}
	if got := pubHex(rev.PubKey()); got != "02916e326636d19c33f13e8c0c3a03dd157f332f3e99c317c141dd865eb01f8ff0" {
		t.Errorf("revocationpubkey %s", got)
	}
}

// TestCommitmentVectors rebuilds the BOLT 3 appendix C commitment
// transactions without HTLCs, signatures included (RFC 6979).
func TestCommitmentVectors(t *testing.T) {
	localFunding := priv(t, "30ff4956bbdd3222d44cc5e8a1261dab1e07957bdac5ae88fe3261ef321f374901")
	remoteFunding := priv(t, "1552dfba4f6cf29a62a0af13c8d6981d36d0ef8d61ba10fb0fe90da7634d7e1301")
	localPaymentBase := priv(t, "111111111111111111111111111111111111111111111111111111111111111101")
	remoteRevocationBase := priv(t, "222222222222222222222222222222222222222222222222222222222222222201")
	localDelayedBase := priv(t, "333333333333333333333333333333333333333333333333333333333333333301")
	remotePaymentBase := priv(t, "444444444444444444444444444444444444444444444444444444444444444401")
	perCommit := priv(t, "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a0908070605040302010001")
	point := perCommit.PubKey()

	for name, got := range map[string]string{
		"local_funding_pubkey":    pubHex(localFunding.PubKey()),
		"remote_funding_pubkey":   pubHex(remoteFunding.PubKey()),
		"local_payment_basepoint": pubHex(localPaymentBase.PubKey()),
		"remote_payment_basepont": pubHex(remotePaymentBase.PubKey()),
		"local_delayedpubkey":     pubHex(DerivePrivKey(localDelayedBase, point).PubKey()),
		"local_delayed_privkey":   privHex(DerivePrivKey(localDelayedBase, point)),
		"remote_privkey":          privHex(DerivePrivKey(remotePaymentBase, point)),
		"local_revocation_pubkey": pubHex(DeriveRevocationPrivKey(remoteRevocationBase, perCommit).PubKey()),
	} {
		want := map[string]string{
			"local_funding_pubkey":    "023da092f6980e58d2c037173180e9a465476026ee50f96695963e8efe436f54eb",
			"remote_funding_pubkey":   "030e9f7b623d2ccc7c9bd44d66d5ce21ce504c0acf6385a132cec6d3c39fa711c1",
			"local_payment_basepoint": "034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa",
			"remote_payment_basepont": "032c0b7cf95324a07d05398b240174dc0c2be444d96b159aa6c7f7b1e668680991",
			"local_delayedpubkey":     "03fd5960528dc152014952efdb702a88f71e3c1653b2314431701ec77e57fde83c",
			"local_delayed_privkey":   "adf3464ce9c2f230fd2582fda4c6965e4993ca5524e8c9580e3df0cf226981ad",
			"remote_privkey":          "8deba327a7cc6d638ab0eb025770400a6184afcba6713c210d8d10e199ff2fda",
			"local_revocation_pubkey": "0212a140cd0c6539d07cd08dfe09984dec3251ea808b892efeac3ede9402bf2b19",
		}[name]
		if got != want {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
	obscuring := ObscuringFactor(localPaymentBase.PubKey(), remotePaymentBase.PubKey())
	if obscuring != 0x2bb038521914 {
		t.Fatalf("obscuring factor %x", obscuring)
	}
	fundingScript := FundingScript(remoteFunding.PubKey(), localFunding.PubKey()) // order must not matter
	if hex.EncodeToString(fundingScript) != "5221023da092f6980e58d2c037173180e9a465476026ee50f96695963e8efe436f54eb21030e9f7b623d2ccc7c9bd44d66d5ce21ce504c0acf6385a132cec6d3c39fa711c152ae" {
		t.Fatalf("funding wscript %x", fundingScript)
	}
	revPub := DeriveRevocationPrivKey(remoteRevocationBase, perCommit).PubKey()
	delayedPub := DerivePrivKey(localDelayedBase, point).PubKey()
	if got := hex.EncodeToString(ToLocalScript(revPub, delayedPub, 144)); got != "63210212a140cd0c6539d07cd08dfe09984dec3251ea808b892efeac3ede9402bf2b1967029000b2752103fd5960528dc152014952efdb702a88f71e3c1653b2314431701ec77e57fde83c68ac" {
		t.Fatalf("to_local wscript %s", got)
	}

	fundingID, err := chainhash.NewHashFromStr("8984484a580b825b9972d7adb15050b3ab624ccd731946b3eeddb92f4e7ef6be")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		name              string
		toLocal, toRemote int64
		localIdx          int
		want              string
	}{
		{"simple commitment tx with no HTLCs", 6989140, 3000000, 1,
			"02000000000101bef67e4e2fb9ddeeb3461973cd4c62abb35050b1add772995b820b584a488489000000000038b02b8002c0c62d0000000000160014ccf1af2f2aabee14bb40fa3851ab2301de84311054a56a00000000002200204adb4e2f00643db396dd120d4e7dc17625f5f2c11a40d857accc862d6b7dd80e0400473044022051b75c73198c6deee1a875871c3961832909acd297c6b908d59e3319e5185a46022055c419379c5051a78d00dbbce11b5b664a0c22815fbcc6fcef6b1937c383693901483045022100f51d2e566a70ba740fc5d8c0f07b9b93d2ed741c3c0860c613173de7d39e7968022041376d520e9c0e1ad52248ddf4b22e12be8763007df977253ef45a4ca3bdb7c001475221023da092f6980e58d2c037173180e9a465476026ee50f96695963e8efe436f54eb21030e9f7b623d2ccc7c9bd44d66d5ce21ce504c0acf6385a132cec6d3c39fa711c152ae3e195220"},
		{"commitment tx with two outputs untrimmed (minimum feerate)", 6984442, 3000000, 1,
			"02000000000101bef67e4e2fb9ddeeb3461973cd4c62abb35050b1add772995b820b584a488489000000000038b02b8002c0c62d0000000000160014ccf1af2f2aabee14bb40fa3851ab2301de843110fa926a00000000002200204adb4e2f00643db396dd120d4e7dc17625f5f2c11a40d857accc862d6b7dd80e0400483045022100a012691ba6cea2f73fa8bac37750477e66363c6d28813b0bb6da77c8eb3fb0270220365e99c51304b0b1a6ab9ea1c8500db186693e39ec1ad5743ee231b0138384b90147304402200769ba89c7330dfa4feba447b6e322305f12ac7dac70ec6ba997ed7c1b598d0802204fe8d337e7fee781f9b7b1a06e580b22f4f79d740059560191d7db53f876555201475221023da092f6980e58d2c037173180e9a465476026ee50f96695963e8efe436f54eb21030e9f7b623d2ccc7c9bd44d66d5ce21ce504c0acf6385a132cec6d3c39fa711c152ae3e195220"},
		{"commitment tx with two outputs untrimmed (maximum feerate)", 546, 3000000, 0,
			"02000000000101bef67e4e2fb9ddeeb3461973cd4c62abb35050b1add772995b820b584a488489000000000038b02b800222020000000000002200204adb4e2f00643db396dd120d4e7dc17625f5f2c11a40d857accc862d6b7dd80ec0c62d0000000000160014ccf1af2f2aabee14bb40fa3851ab2301de84311004004730440220514f977bf7edc442de8ce43ace9686e5ebdc0f893033f13e40fb46c8b8c6e1f90220188006227d175f5c35da0b092c57bea82537aed89f7778204dc5bacf4f29f2b901473044022037f83ff00c8e5fb18ae1f918ffc24e54581775a20ff1ae719297ef066c71caa9022039c529cccd89ff6c5ed1db799614533844bd6d101da503761c45c713996e3bbd01475221023da092f6980e58d2c037173180e9a465476026ee50f96695963e8efe436f54eb21030e9f7b623d2ccc7c9bd44d66d5ce21ce504c0acf6385a132cec6d3c39fa711c152ae3e195220"},
		{"commitment tx with one output untrimmed (minimum feerate)", 545, 3000000, -1,
			"02000000000101bef67e4e2fb9ddeeb3461973cd4c62abb35050b1add772995b820b584a488489000000000038b02b8001c0c62d0000000000160014ccf1af2f2aabee14bb40fa3851ab2301de8431100400473044022031a82b51bd014915fe68928d1abf4b9885353fb896cac10c3fdd88d7f9c7f2e00220716bda819641d2c63e65d3549b6120112e1aeaf1742eed94a471488e79e206b101473044022064901950be922e62cbe3f2ab93de2b99f37cff9fc473e73e394b27f88ef0731d02206d1dfa227527b4df44a07599289e207d6fd9cca60c0365682dcd3deaf739567e01475221023da092f6980e58d2c037173180e9a465476026ee50f96695963e8efe436f54eb21030e9f7b623d2ccc7c9bd44d66d5ce21ce504c0acf6385a132cec6d3c39fa711c152ae3e195220"},
	} {
		p := commitParams{
			funding:       wire.OutPoint{Hash: *fundingID, Index: 0},
			capacity:      10_000_000,
			localFunding:  localFunding,
			remoteFunding: remoteFunding,
			obscuring:     obscuring,
			number:        42,
			toSelfDelay:   144,
			revocationPub: revPub,
			delayedPub:    delayedPub,
			// Appendix C predates option_static_remotekey: its remotepubkey
			// is derived from the payment basepoint.
			toRemotePub: DerivePrivKey(remotePaymentBase, point).PubKey(),
			toLocal:     v.toLocal,
			toRemote:    v.toRemote,
			dustLimit:   546,
		}
		var st State
		tx, err := buildCommitment(&p, &st)
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		var buf bytes.Buffer
		if err := tx.Serialize(&buf); err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(buf.Bytes()); got != v.want {
			t.Errorf("%s:\n got %s\nwant %s", v.name, got, v.want)
		}
		if st.ToLocalIndex != v.localIdx {
			t.Errorf("%s: to_local at %d, want %d", v.name, st.ToLocalIndex, v.localIdx)
		}
	}
}
