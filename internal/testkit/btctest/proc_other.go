//go:build !linux

package btctest

import "syscall"

func sysProcAttr() *syscall.SysProcAttr { return nil }
