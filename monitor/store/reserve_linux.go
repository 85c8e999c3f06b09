//go:build linux

package store

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// allocate makes path a file of size bytes whose blocks are all allocated
// (fallocate; zeros written where the file system does not support it) and
// fsynced.
func allocate(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	for {
		err = unix.Fallocate(int(f.Fd()), 0, 0, size)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.ENOSYS) {
		err = writeZeros(f, size)
	}
	if err == nil {
		err = f.Truncate(size) // a larger reserve left by an earlier setting
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// allocatedBytes is how many bytes of path's blocks are allocated (not its
// length, which a sparse file does not back), and whether it exists.
func allocatedBytes(path string) (int64, bool) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, false
	}
	return st.Blocks * 512, true
}

// freeBytes is the space an unprivileged process may still write on dir's
// file system.
func freeBytes(dir string) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * st.Bsize, nil
}
