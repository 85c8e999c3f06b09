//go:build !linux

package matrixtest

import "syscall"

func sysProcAttr() *syscall.SysProcAttr { return nil }
