package proc

import (
	"errors"
	"syscall"
)

// runAs is not supported on Windows.
func runAs(*syscall.SysProcAttr, string) error {
	return errors.New("running a server as another user is not supported on Windows")
}
