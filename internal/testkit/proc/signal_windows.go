package proc

import (
	"errors"
	"os"
	"syscall"
)

// The demo runs bash (tools/build.sh) and the servers are meant for Linux
// and macOS; these keep the package compiling on Windows, where a process
// is killed rather than asked to stop.

func sysProcAttr() *syscall.SysProcAttr { return nil }

func setDeathSignal(*syscall.SysProcAttr, syscall.Signal) {}

func terminate(p *os.Process) error { return errors.New("no SIGTERM on Windows") }

func continueProcess(*os.Process) {}

func terminateGroup(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}
