package main

import (
	"os"
	"syscall"
)

// The demo runs bash (tools/build.sh) and is meant for Linux and macOS;
// these keep the package compiling on Windows.

func sysProcAttr() *syscall.SysProcAttr { return nil }

func termGroup(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}
