//go:build !linux

package store

import (
	"errors"
	"os"
)

// allocate makes path a file of size bytes written with zeros, fsynced.
func allocate(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	err = writeZeros(f, size)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// allocatedBytes is path's length (written with zeros by allocate), and
// whether it exists.
func allocatedBytes(path string) (int64, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, false
	}
	return fi.Size(), true
}

// freeBytes is not known on this platform: the reserve is still created
// and released, but Open cannot say how much is free and a spent reserve
// is re-created by trying.
func freeBytes(string) (int64, error) { return 0, errors.ErrUnsupported }
