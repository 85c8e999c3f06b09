package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// dbFileMode is the mode of the database file and of SQLite's -wal and -shm
// files: they hold every client's signed proofs and the monitor's state, so
// only the daemon's user may read or change them. SQLite creates -wal and
// -shm with the mode of the database file, so creating that file 0600
// before SQLite opens it is enough for all three.
const dbFileMode fs.FileMode = 0o600

// restrictFiles creates the database file with dbFileMode when it is
// missing (an empty file is an empty SQLite database) and takes group and
// other permissions away from the database, -wal and -shm files that exist
// with a wider mode (a database created by an older binary or copied in).
func restrictFiles(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, dbFileMode)
	if err != nil {
		return fmt.Errorf("store: create %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store: create %s: %w", path, err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if fi.Mode().Perm()&^dbFileMode != 0 {
			if err := os.Chmod(p, fi.Mode().Perm()&dbFileMode); err != nil {
				return fmt.Errorf("store: restrict the mode of %s: %w", p, err)
			}
		}
	}
	return nil
}
