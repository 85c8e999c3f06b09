package main

import "syscall"

// sysProcAttr puts a child in its own process group, so a Ctrl-C in the
// terminal reaches the demo only and the demo stops its children itself,
// in order; and it makes the kernel kill the child if the demo dies
// without cleaning up (SIGKILL, a crash), so no server outlives it.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// termGroup sends SIGTERM to the process group led by pid (a build and
// the compilers it runs).
func termGroup(pid int) error { return syscall.Kill(-pid, syscall.SIGTERM) }
