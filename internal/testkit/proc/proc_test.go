//go:build unix

package proc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The tests run this test binary itself as the server: with
// PROC_TEST_HELPER set, TestMain plays the part it names instead of
// running the tests.
func TestMain(m *testing.M) {
	switch os.Getenv("PROC_TEST_HELPER") {
	case "":
		os.Exit(m.Run())
	case "serve": // answer HTTP on the address in argv until SIGTERM
		l, err := net.Listen("tcp", os.Args[len(os.Args)-1])
		if err != nil {
			fmt.Println(err) // "bind: address already in use" for a taken port
			os.Exit(1)
		}
		fmt.Println("serving on", l.Addr())
		go http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") }))
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM)
		<-sig
		os.Exit(0)
	case "exit": // fail at once
		fmt.Println("cannot start")
		os.Exit(3)
	case "ignore-term": // never act on SIGTERM
		signal.Ignore(syscall.SIGTERM)
		fmt.Println("ignoring SIGTERM")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
}

func helper(t *testing.T, part, addr string) Spec {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	return Spec{Name: part, Bin: self, Args: []string{"-test.run=^$", addr}, Dir: dir,
		Env: []string{"PROC_TEST_HELPER=" + part}, Log: filepath.Join(dir, part+".log")}
}

var testTiming = Timing{Ready: 20 * time.Second, Poll: 20 * time.Millisecond, Grace: 5 * time.Second}

func get(addr string, timeout time.Duration) error {
	c := &http.Client{Timeout: timeout}
	resp, err := c.Get("http://" + addr + "/")
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return errors.New(resp.Status)
	}
	return nil
}

// TestLaunchRetriesATakenPort: a port taken between FreeAddr and the
// server's bind makes the server exit with "address already in use";
// Launch then starts it on another port, and the server answers there
// until Stop ends it with SIGTERM. The log holds both attempts.
func TestLaunchRetriesATakenPort(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	var spec Spec
	attempts := 0
	p, addr, err := Launch(context.Background(), testTiming, func(addr string) (Spec, error) {
		attempts++
		if attempts == 1 {
			addr = taken.Addr().String()
		}
		s := helper(t, "serve", addr)
		if spec.Log != "" {
			s.Log = spec.Log // one log across attempts, as a server's is
		}
		spec = s
		return s, nil
	}, func(addr string) error { return get(addr, time.Second) })
	if err != nil {
		t.Fatalf("launch: %v\n%s", err, Tail(spec.Log, 4096))
	}
	if attempts != 2 || addr == taken.Addr().String() {
		t.Fatalf("%d attempts, serving on %s (taken: %s)", attempts, addr, taken.Addr())
	}
	if err := get(addr, time.Second); err != nil {
		t.Fatal(err)
	}
	if err := p.Stop(testTiming.Grace); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if !p.Exited() || p.ExitState() != "exit status 0" {
		t.Fatalf("after Stop: exited %v, state %q", p.Exited(), p.ExitState())
	}
	if err := p.Stop(testTiming.Grace); err != nil {
		t.Fatalf("second stop: %v", err)
	}
	log := Tail(p.LogPath(), 1<<20)
	if strings.Count(log, "=== serve: ") != 2 || !strings.Contains(log, "address already in use") || !strings.Contains(log, "serving on "+addr) {
		t.Fatalf("log:\n%s", log)
	}
}

// TestWaitReadyNoticesAnEarlyExit: a server that exits before it answers
// fails the wait at once with its exit status, not at the deadline.
func TestWaitReadyNoticesAnEarlyExit(t *testing.T) {
	s := helper(t, "exit", "")
	_, err := StartReady(context.Background(), s, Timing{Ready: 10 * time.Minute, Poll: 20 * time.Millisecond, Grace: time.Second},
		func() error { return errors.New("not yet") })
	if err == nil || !strings.Contains(err.Error(), "exited before it was ready: exit status 3") {
		t.Fatalf("err = %v", err)
	}
}

// TestWaitReadyEndsAtTheDeadline: a server that never answers fails the
// wait with what ready last said, and is stopped.
func TestWaitReadyEndsAtTheDeadline(t *testing.T) {
	addr, err := FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	s := helper(t, "serve", addr)
	_, err = StartReady(context.Background(), s, Timing{Ready: 300 * time.Millisecond, Poll: 20 * time.Millisecond, Grace: 5 * time.Second},
		func() error { return errors.New("wrong answer") })
	if err == nil || !strings.Contains(err.Error(), "not ready after 300ms: wrong answer") {
		t.Fatalf("err = %v", err)
	}
	if get(addr, 200*time.Millisecond) == nil {
		t.Fatal("the server still answers after a failed start")
	}
}

// TestStopKillsWhatIgnoresSIGTERM: a process that ignores SIGTERM is
// killed after the grace period, and Stop says so.
func TestStopKillsWhatIgnoresSIGTERM(t *testing.T) {
	s := helper(t, "ignore-term", "")
	p, err := StartReady(context.Background(), s, testTiming, func() error {
		if !strings.Contains(Tail(s.Log, 4096), "ignoring SIGTERM") {
			return errors.New("no signal handler yet")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = p.Stop(200 * time.Millisecond)
	if !errors.Is(err, ErrKilled) {
		t.Fatalf("stop: %v, want ErrKilled", err)
	}
	if !p.Exited() || p.ExitState() != "signal: killed" {
		t.Fatalf("state %q", p.ExitState())
	}
}

// TestFreezeAndContinue: a frozen server keeps its socket and answers
// nothing; continued, it answers again; Stop ends a frozen server too.
func TestFreezeAndContinue(t *testing.T) {
	p, addr, err := Launch(context.Background(), testTiming, func(addr string) (Spec, error) {
		return helper(t, "serve", addr), nil
	}, func(addr string) error { return get(addr, time.Second) })
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop(testTiming.Grace)

	resume, err := Freeze(p.PID(), 20*time.Second)
	if err != nil {
		resume()
		t.Fatal(err)
	}
	if !AllThreadsStopped(p.PID()) {
		t.Fatal("Freeze returned before every thread stopped")
	}
	if err := get(addr, 300*time.Millisecond); err == nil {
		t.Fatal("a frozen server answered")
	}
	if err := resume(); err != nil {
		t.Fatal(err)
	}
	if err := resume(); err != nil {
		t.Fatalf("second resume: %v", err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for get(addr, time.Second) != nil {
		if time.Now().After(deadline) {
			t.Fatal("no answer after SIGCONT")
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Frozen again, it is still stopped by Stop (SIGCONT, then SIGTERM).
	if _, err := Freeze(p.PID(), 20*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := p.Stop(testTiming.Grace); err != nil {
		t.Fatalf("stop a frozen server: %v", err)
	}
}

// TestUnknownUser: a server to run as a user the system does not have is
// refused before anything starts, naming the user.
func TestUnknownUser(t *testing.T) {
	s := helper(t, "serve", "127.0.0.1:0")
	s.User = "no-such-user-vigil"
	p, err := Start(s)
	if err == nil {
		_ = p.Stop(testTiming.Grace)
		t.Fatal("started as a user that does not exist")
	}
	if !strings.Contains(err.Error(), `system user "no-such-user-vigil"`) {
		t.Errorf("error %q does not name the user", err)
	}
}
