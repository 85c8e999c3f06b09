//go:build unix && !linux

package proc

import "syscall"

// sysProcAttr puts a child in its own process group, so that a Ctrl-C in
// the terminal reaches this process only and it stops its children itself.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// setDeathSignal does nothing: only Linux signals a child when its parent
// dies.
func setDeathSignal(*syscall.SysProcAttr, syscall.Signal) {}
