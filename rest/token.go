package rest

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// minTokenLen is the shortest admin token LoadOrCreateToken accepts from an
// existing file.
const minTokenLen = 16

// LoadOrCreateToken returns the admin token kept in the file at path, in the
// manner of a cookie file. If the file does not exist it is created
// exclusively (O_EXCL, mode 0600, its directory 0700 if missing) holding 32
// random bytes as 64 hex characters. If it exists, it is read; a file that
// is not a regular file, is accessible by group or others, or holds fewer
// than 16 characters is refused.
func LoadOrCreateToken(path string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("rest: admin token directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		return writeNewToken(f, path)
	case errors.Is(err, fs.ErrExist):
		return readToken(path)
	default:
		return "", fmt.Errorf("rest: create admin token file: %w", err)
	}
}

func writeNewToken(f *os.File, path string) (string, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		f.Close()
		os.Remove(path)
		return "", fmt.Errorf("rest: admin token: %w", err)
	}
	token := hex.EncodeToString(raw[:])
	_, err := f.WriteString(token)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", fmt.Errorf("rest: write admin token file %s: %w", path, err)
	}
	return token, nil
}

func readToken(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("rest: open admin token file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("rest: admin token file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("rest: admin token file %s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); runtime.GOOS != "windows" && perm&0o077 != 0 {
		return "", fmt.Errorf("rest: admin token file %s is accessible by group or others (mode %04o); "+
			"run chmod 600 %s, or delete it to have a new token made", path, perm, path)
	}
	b, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return "", fmt.Errorf("rest: read admin token file: %w", err)
	}
	token := strings.TrimSpace(string(b))
	if len(token) < minTokenLen || strings.ContainsAny(token, " \t\r\n") {
		return "", fmt.Errorf("rest: admin token file %s must hold one token of at least %d characters", path, minTokenLen)
	}
	return token, nil
}
