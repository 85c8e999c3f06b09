package browser

import (
	"context"
	"testing"
	"time"
)

// TestCloseLeavesNoChromium: the browser's Chromium runs under its own
// profile while the session is open, and no process of it is left after
// Close.
func TestCloseLeavesNoChromium(t *testing.T) {
	chromium, driver, err := Binaries()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := Start(ctx, Config{Chromium: chromium, Chromedriver: driver, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	profile := b.profile
	if len(processesOf(profile)) == 0 {
		_ = b.Close()
		t.Fatal("no Chromium process found for the session's profile")
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if pids := processesOf(profile); len(pids) != 0 {
		t.Fatalf("Chromium processes left: %v", pids)
	}
}
