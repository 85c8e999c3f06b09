//go:build unix

package proc

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"
)

func terminate(p *os.Process) error { return p.Signal(syscall.SIGTERM) }

func continueProcess(p *os.Process) { _ = p.Signal(syscall.SIGCONT) }

// terminateGroup sends SIGTERM to the process group led by pid.
func terminateGroup(pid int) error { return syscall.Kill(-pid, syscall.SIGTERM) }

// Freeze stops pid with SIGSTOP (it keeps its sockets open and answers
// nothing) and waits, up to timeout, until every thread of it shows
// stopped: SIGSTOP is delivered asynchronously, and a request sent at once
// could still be answered. resume sends SIGCONT; it may be called any
// number of times (only the first sends) and must be called even when Freeze
// fails, since the process may be stopped anyway.
func Freeze(pid int, timeout time.Duration) (resume func() error, err error) {
	var once sync.Once
	var resumeErr error
	resume = func() error {
		once.Do(func() {
			if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
				resumeErr = fmt.Errorf("SIGCONT %d: %w", pid, err)
			}
		})
		return resumeErr
	}
	if pid <= 0 {
		return resume, fmt.Errorf("freeze: no process (pid %d)", pid)
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		return resume, fmt.Errorf("SIGSTOP %d: %w", pid, err)
	}
	deadline := time.Now().Add(timeout)
	for !AllThreadsStopped(pid) {
		if time.Now().After(deadline) {
			return resume, fmt.Errorf("pid %d not shown stopped after %s (needs /proc)", pid, timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return resume, nil
}

// AllThreadsStopped tells whether every thread of pid is stopped ("T" in
// /proc/<pid>/task/<tid>/stat, after the ")" that ends the command name).
// Without /proc (not Linux) it is always false.
func AllThreadsStopped(pid int) bool {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil || len(tasks) == 0 {
		return false
	}
	for _, task := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/stat", pid, task.Name()))
		if err != nil {
			return false
		}
		i := bytes.LastIndexByte(b, ')')
		if i < 0 || i+2 >= len(b) || b[i+2] != 'T' {
			return false
		}
	}
	return true
}
