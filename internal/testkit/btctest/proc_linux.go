//go:build linux

package btctest

import "syscall"

// sysProcAttr kills btcd if the test process dies without cleaning up.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
