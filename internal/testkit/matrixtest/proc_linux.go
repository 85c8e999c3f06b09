package matrixtest

import "syscall"

// sysProcAttr makes the kernel kill Dendrite if the test process dies
// without running its cleanups (a panic in another goroutine, a timeout's
// os.Exit, SIGKILL), so no server outlives its test.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
