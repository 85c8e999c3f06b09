//go:build unix && !linux

package main

import "syscall"

// sysProcAttr puts a child in its own process group, so a Ctrl-C in the
// terminal reaches the demo only and the demo stops its children itself.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// termGroup sends SIGTERM to the process group led by pid.
func termGroup(pid int) error { return syscall.Kill(-pid, syscall.SIGTERM) }
