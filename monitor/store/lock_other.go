//go:build !unix

package store

import (
	"errors"
	"os"
)

func lockFile(path string) (*os.File, error) {
	return nil, errors.New("store: exclusive database lock is only implemented on unix systems")
}

func unlockFile(f *os.File) error { return f.Close() }
