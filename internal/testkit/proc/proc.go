// Package proc is the one process helper of the test support and of
// scripts/demo. It finds the server binaries tools/build.sh builds into
// <repo>/.cache/bin (building one when it is missing or older than the pins
// in tools/go.mod), starts a server in its own process group with its
// output appended to a log file, waits until the server answers, with a
// deadline and watching for an early exit, and stops it by pid: SIGTERM,
// then SIGKILL after a grace period. For the stall tests it freezes and
// continues a process (SIGSTOP, SIGCONT) and tells when every thread of it
// has stopped.
//
// Nothing here takes a testing.TB: the harnesses (btctest, gethtest,
// matrixtest) turn its errors into test failures, and the demo, a program,
// uses it the same way. Test and demo support only: product code must not
// import it. Servers started with it should listen on 127.0.0.1 (FreeAddr).
package proc

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ModulePath identifies the repository root when walking up from a test
// or from the demo.
const ModulePath = "github.com/vigil-monitor/vigil"

// Spec says how to start one server.
type Spec struct {
	// Name is what messages and the log call the server, e.g. "btcd".
	Name string
	// Bin is the executable, Args its arguments.
	Bin  string
	Args []string
	// Dir is the working directory.
	Dir string
	// Env is added to this process's environment.
	Env []string
	// Log receives the server's stdout and stderr, appended, after a line
	// naming the command and the time it started.
	Log string
	// User, when set, is the system user the server runs as (Unix, and
	// only when this process may switch users: root). Servers that refuse
	// to run as root, such as PostgreSQL, need it.
	User string
	// DeathSignal is the signal the kernel sends the server if this
	// process dies without stopping it (Linux); SIGKILL when zero. A server
	// whose own children must stop with it needs one it can pass on:
	// PostgreSQL's postmaster answers SIGQUIT by stopping every backend,
	// while after a SIGKILL a backend runs its current statement to the end.
	DeathSignal syscall.Signal
}

// Process is one started server. Its methods are safe for concurrent use.
type Process struct {
	name string
	log  string
	cmd  *exec.Cmd
	done chan struct{} // closed once the process has been reaped
}

// ErrKilled is wrapped by Stop's error when the process ignored SIGTERM
// for the whole grace period and was killed.
var ErrKilled = errors.New("ignored SIGTERM: killed")

// Start starts the server of s in its own process group (on Linux it is
// also killed when this process dies without stopping it) and returns at
// once; use WaitReady to wait until it answers.
func Start(s Spec) (*Process, error) {
	logf, err := os.OpenFile(s.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", s.Name, err)
	}
	fmt.Fprintf(logf, "=== %s: %s %s at %s\n", s.Name, s.Bin, strings.Join(s.Args, " "), time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(s.Bin, s.Args...)
	cmd.Dir = s.Dir
	if len(s.Env) > 0 {
		cmd.Env = append(os.Environ(), s.Env...)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = sysProcAttr()
	setDeathSignal(cmd.SysProcAttr, s.DeathSignal)
	if s.User != "" {
		if err := runAs(cmd.SysProcAttr, s.User); err != nil {
			logf.Close()
			return nil, fmt.Errorf("start %s: %w", s.Name, err)
		}
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", s.Name, err)
	}
	p := &Process{name: s.Name, log: s.Log, cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(p.done)
	}()
	return p, nil
}

// Name is the server's name from its Spec.
func (p *Process) Name() string { return p.name }

// PID is the process id.
func (p *Process) PID() int { return p.cmd.Process.Pid }

// LogPath is the log file from its Spec.
func (p *Process) LogPath() string { return p.log }

// Done is closed once the process has exited and been reaped.
func (p *Process) Done() <-chan struct{} { return p.done }

// Exited tells whether the process has exited and been reaped.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// ExitState describes how the process ended ("exit status 1", "signal:
// killed"), or is empty while it runs.
func (p *Process) ExitState() string {
	if !p.Exited() {
		return ""
	}
	return p.cmd.ProcessState.String()
}

// WaitReady calls ready every interval until it returns nil, and fails
// when the process exits first, when timeout passes (saying what ready
// last answered) or when ctx ends.
func (p *Process) WaitReady(ctx context.Context, timeout, interval time.Duration, ready func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := ready()
		if err == nil {
			return nil
		}
		if p.Exited() {
			return fmt.Errorf("%s exited before it was ready: %s", p.name, p.ExitState())
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %s: %v", p.name, timeout, err)
		}
		select {
		case <-p.done:
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", p.name, context.Cause(ctx))
		case <-time.After(interval):
		}
	}
}

// Stop ends the process by its pid: SIGTERM (after SIGCONT, since a frozen
// process does not act on SIGTERM until continued), then SIGKILL when it
// has not exited within grace. It returns once the process has been
// reaped; the error wraps ErrKilled when it had to be killed. Stopping a
// process that has already exited does nothing.
func (p *Process) Stop(grace time.Duration) error {
	if p.Exited() {
		return nil
	}
	continueProcess(p.cmd.Process)
	if err := terminate(p.cmd.Process); err != nil && !errors.Is(err, os.ErrProcessDone) {
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("%s (pid %d): SIGTERM: %v; killed", p.name, p.PID(), err)
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(grace):
	}
	_ = p.cmd.Process.Kill()
	<-p.done
	return fmt.Errorf("%s (pid %d) %w after %s", p.name, p.PID(), ErrKilled, grace)
}

// Signal sends sig to the process.
func (p *Process) Signal(sig os.Signal) error {
	if err := p.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("%s (pid %d): signal %v: %w", p.name, p.PID(), sig, err)
	}
	return nil
}

// Tail returns the last maxBytes of the file at path (a log), or a note
// saying why there is none.
func Tail(path string, maxBytes int64) string {
	f, err := os.Open(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > maxBytes {
		_, _ = f.Seek(st.Size()-maxBytes, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	return string(b)
}

// FreeAddr returns a 127.0.0.1 address whose port was free a moment ago.
// Another process can take it before the server binds it: Launch retries.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// Timing says how long a starting server may take to answer, how often
// to ask it, and how long it gets to stop after SIGTERM.
type Timing struct {
	Ready, Poll, Grace time.Duration
}

// StartReady starts the server of s and waits until ready answers (see
// WaitReady). On failure the process is stopped and the error says why;
// its log keeps the details.
func StartReady(ctx context.Context, s Spec, tm Timing, ready func() error) (*Process, error) {
	p, err := Start(s)
	if err != nil {
		return nil, err
	}
	if err := p.WaitReady(ctx, tm.Ready, tm.Poll, ready); err != nil {
		_ = p.Stop(tm.Grace)
		return nil, err
	}
	return p, nil
}

// LaunchAttempts is how many free ports Launch tries.
const LaunchAttempts = 3

// Launch starts a server on a free 127.0.0.1 address and waits until ready
// answers for that address; spec builds the Spec for an address. When the
// port was taken between FreeAddr and the server's bind ("address already
// in use" in its log) it tries another port, LaunchAttempts times in all.
// On failure no process is left running.
func Launch(ctx context.Context, tm Timing, spec func(addr string) (Spec, error), ready func(addr string) error) (*Process, string, error) {
	var lastErr error
	for range LaunchAttempts {
		addr, err := FreeAddr()
		if err != nil {
			return nil, "", err
		}
		s, err := spec(addr)
		if err != nil {
			return nil, "", err
		}
		p, err := StartReady(ctx, s, tm, func() error { return ready(addr) })
		if err == nil {
			return p, addr, nil
		}
		lastErr = err
		if ctx.Err() != nil || !strings.Contains(Tail(s.Log, 4096), "address already in use") {
			break
		}
	}
	return nil, "", lastErr
}

// InGroup makes cmd, a short-lived command such as a build, start in its
// own process group (on Linux it also dies with this process), and makes
// the cancellation of its context send SIGTERM to the whole group (the
// build and the compilers it runs), with SIGKILL after grace.
func InGroup(cmd *exec.Cmd, grace time.Duration) {
	cmd.SysProcAttr = sysProcAttr()
	cmd.Cancel = func() error { return terminateGroup(cmd.Process.Pid) }
	cmd.WaitDelay = grace
}

// builds remembers each tool's build in this process.
var builds sync.Map // name -> *toolBuild

type toolBuild struct {
	once sync.Once
	out  []byte
	err  error
}

// Binary returns the path of a tool built by tools/build.sh, e.g.
// Binary("dendrite") or Binary("btcd"). When the binary is missing or
// older than tools/go.mod or tools/go.sum it runs tools/build.sh for that
// tool, once per tool and process (a cold Dendrite or geth build takes
// minutes).
func Binary(name string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	path := filepath.Join(root, ".cache", "bin", name)
	if fresh(path, root) {
		return path, nil
	}
	v, _ := builds.LoadOrStore(name, &toolBuild{})
	b := v.(*toolBuild)
	b.once.Do(func() {
		cmd := exec.Command(filepath.Join(root, "tools", "build.sh"), name)
		cmd.Dir = root
		b.out, b.err = cmd.CombinedOutput()
	})
	if b.err != nil {
		return "", fmt.Errorf("%s is missing and tools/build.sh failed (%v); run `make tools` to see why:\n%s", path, b.err, b.out)
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("tools/build.sh ran but %s is still missing: is %q a tool in tools/go.mod?\n%s", path, name, b.out)
	}
	return path, nil
}

// fresh tells whether bin exists and is newer than the tool pins.
func fresh(bin, root string) bool {
	st, err := os.Stat(bin)
	if err != nil {
		return false
	}
	for _, pin := range []string{"go.mod", "go.sum"} {
		if p, err := os.Stat(filepath.Join(root, "tools", pin)); err == nil && p.ModTime().After(st.ModTime()) {
			return false
		}
	}
	return true
}

var (
	rootOnce sync.Once
	rootDir  string
	rootErr  error
)

// RepoRoot finds the directory of the go.mod declaring ModulePath, walking
// up from the working directory (a test's package directory) and, failing
// that, from this source file.
func RepoRoot() (string, error) {
	rootOnce.Do(func() {
		var starts []string
		if wd, err := os.Getwd(); err == nil {
			starts = append(starts, wd)
		}
		if _, file, _, ok := runtime.Caller(0); ok {
			starts = append(starts, filepath.Dir(file))
		}
		for _, dir := range starts {
			for {
				if isVigilModule(filepath.Join(dir, "go.mod")) {
					rootDir = dir
					return
				}
				parent := filepath.Dir(dir)
				if parent == dir {
					break
				}
				dir = parent
			}
		}
		rootErr = fmt.Errorf("no go.mod for module %s above %v", ModulePath, starts)
	})
	return rootDir, rootErr
}

func isVigilModule(gomod string) bool {
	f, err := os.Open(gomod)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`) == ModulePath
		}
	}
	return false
}

// Slot holds the one running process of a server that a harness stops and
// starts again (a restart on the same address and data directory). It is
// empty while the server is stopped; its methods are safe for concurrent
// use.
type Slot struct {
	mu sync.Mutex
	p  *Process
}

// Launch is proc.Launch into the empty slot.
func (s *Slot) Launch(ctx context.Context, tm Timing, spec func(addr string) (Spec, error), ready func(addr string) error) (addr string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p != nil {
		return "", errors.New("already running")
	}
	s.p, addr, err = Launch(ctx, tm, spec, ready)
	return addr, err
}

// Start is StartReady into the empty slot.
func (s *Slot) Start(ctx context.Context, spec Spec, tm Timing, ready func() error) (err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p != nil {
		return errors.New("already running")
	}
	s.p, err = StartReady(ctx, spec, tm, ready)
	return err
}

// Stop stops the process in the slot (see Process.Stop) and empties it.
// Stopping an empty slot does nothing.
func (s *Slot) Stop(grace time.Duration) error {
	s.mu.Lock()
	p := s.p
	s.p = nil
	s.mu.Unlock()
	if p == nil {
		return nil
	}
	return p.Stop(grace)
}

// PID is the process id in the slot, 0 when it is empty.
func (s *Slot) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p == nil {
		return 0
	}
	return s.p.PID()
}

// Signal sends sig to the process in the slot.
func (s *Slot) Signal(sig os.Signal) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p == nil {
		return errors.New("not running")
	}
	return s.p.Signal(sig)
}
