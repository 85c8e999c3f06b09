// Package smallfs is test support for storage faults: it mounts a small
// tmpfs that a test can fill to the last byte and free again, so the real
// store, on a real file system, meets a real ENOSPC. Mounting needs root
// (CI runs as root); elsewhere Mount skips the test and says why. It is
// never imported by the product.
package smallfs

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// FS is a mounted tmpfs of a fixed size.
type FS struct {
	t   testing.TB
	Dir string
}

// Mount mounts a tmpfs of size bytes on a fresh directory and unmounts it
// when the test ends. It skips the test when not root or when mount fails.
func Mount(t testing.TB, size int64) *FS {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("smallfs: needs root to mount a small tmpfs (CI runs as root); skipped")
	}
	if _, err := exec.LookPath("mount"); err != nil {
		t.Skipf("smallfs: no mount command: %v", err)
	}
	dir, err := os.MkdirTemp("", "vigil-smallfs-")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d,mode=0700", size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		_ = os.Remove(dir)
		t.Skipf("smallfs: cannot mount a tmpfs (%v: %s); skipped", err, out)
	}
	t.Cleanup(func() {
		// Lazy, so a file still open by a failed test does not keep it mounted.
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			t.Errorf("smallfs: umount %s: %v: %s", dir, err, out)
		}
		_ = os.Remove(dir)
	})
	return &FS{t: t, Dir: dir}
}

// fillName is the file that takes the free space.
const fillName = "fill"

// Fill writes a file into the file system until no byte is left, and
// returns how many bytes it took.
func (f *FS) Fill() int64 {
	f.t.Helper()
	file, err := os.OpenFile(filepath.Join(f.Dir, fillName), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		f.t.Fatal(err)
	}
	defer file.Close()
	buf := make([]byte, 64<<10)
	var n int64
	for len(buf) > 0 {
		w, err := file.Write(buf)
		n += int64(w)
		if errors.Is(err, syscall.ENOSPC) {
			buf = buf[:len(buf)/2] // take the last pages too
			continue
		}
		if err != nil {
			f.t.Fatal(err)
		}
	}
	return n
}

// Free removes what Fill wrote.
func (f *FS) Free() {
	f.t.Helper()
	if err := os.Remove(filepath.Join(f.Dir, fillName)); err != nil {
		f.t.Fatal(err)
	}
}

// Available is the free space in bytes.
func (f *FS) Available() int64 {
	f.t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(f.Dir, &st); err != nil {
		f.t.Fatal(err)
	}
	return int64(st.Bavail) * st.Bsize
}
