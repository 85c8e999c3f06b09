package proc

import "syscall"

// sysProcAttr puts a child in its own process group, so that a Ctrl-C in
// the terminal reaches this process only and it stops its children itself,
// and makes the kernel kill the child if this process dies without
// stopping it (a panic, a test timeout's exit, SIGKILL): no server
// outlives the test or the demo that started it.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// setDeathSignal replaces SIGKILL as the signal sent on this process's
// death (see Spec.DeathSignal).
func setDeathSignal(a *syscall.SysProcAttr, sig syscall.Signal) {
	if sig != 0 {
		a.Pdeathsig = sig
	}
}
