package main

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vigil-monitor/vigil/chains/ethereum"
)

type accountJSON struct {
	Address      string `json:"address"`
	KeystoreFile string `json:"keystore_file,omitempty"`
}

// cmdAccountNew creates an encrypted go-ethereum keystore key.
func cmdAccountNew(args []string, stdout, stderr io.Writer) error {
	f := newFlags("account new", `Creates a new key in a go-ethereum keystore directory (the same format geth
and vigild's ethereum.keystore_file use), encrypted with the password in
--password-file, and prints its address and file path.`)
	dir := f.String("keystore-dir", "", "`DIR` to create the key file in, made 0700 if missing (required)")
	pwFile := f.String("password-file", "", "`FILE` holding the password; a trailing newline is ignored (required)")
	light := f.Bool("light", false, "use light scrypt parameters (fast, weak: for development and tests only)")
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if err := f.need("keystore-dir", "password-file"); err != nil {
		return err
	}
	pw, err := readSecret(*pwFile, "--password-file")
	if err != nil {
		return err
	}
	if pw == "" {
		return fmt.Errorf("password file %s is empty: a keystore key needs a password", *pwFile)
	}
	n, p := keystore.StandardScryptN, keystore.StandardScryptP
	if *light {
		n, p = keystore.LightScryptN, keystore.LightScryptP
		fmt.Fprintln(stderr, "using light scrypt parameters: the key file is weakly protected (development only)")
	}
	acc, err := keystore.StoreKey(*dir, pw, n, p)
	if err != nil {
		return fmt.Errorf("create key in %s: %w", *dir, err)
	}
	return printJSON(stdout, accountJSON{Address: acc.Address.Hex(), KeystoreFile: acc.URL.Path})
}

// cmdAccountAddress decrypts a keystore file and prints its address.
func cmdAccountAddress(args []string, stdout, stderr io.Writer) error {
	f := newFlags("account address", `Decrypts a keystore file with the password in --password-file (so a wrong
password is caught) and prints the key's address.`)
	ks := f.String("keystore", "", "keystore `FILE` to decrypt (required)")
	pwFile := f.String("password-file", "", "`FILE` holding the password (required)")
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if err := f.need("keystore", "password-file"); err != nil {
		return err
	}
	key, err := loadKey(*ks, *pwFile)
	if err != nil {
		return err
	}
	return printJSON(stdout, accountJSON{Address: crypto.PubkeyToAddress(key.PublicKey).Hex(), KeystoreFile: *ks})
}

// loadKey wraps ethereum.LoadKey with a clearer message for a missing file.
func loadKey(keystoreFile, passwordFile string) (*ecdsa.PrivateKey, error) {
	if _, err := os.Stat(keystoreFile); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("keystore file %s does not exist", keystoreFile)
	}
	if _, err := os.Stat(passwordFile); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("password file %s does not exist", passwordFile)
	}
	k, err := ethereum.LoadKey(keystoreFile, passwordFile)
	if err != nil {
		return nil, err
	}
	return k, nil
}
