package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
)

// auditResult is what `vigil audit --json` reported on the demo's stack
// (the fields the demo narrates and the test checks).
type auditResult struct {
	Records        int          `json:"records"`
	JusticeRecords int          `json:"justice_records"`
	Claims         []auditClaim `json:"claims"`
	Verified       int          `json:"verified"`
	Mismatches     int          `json:"mismatches"`
	Unchecked      []string     `json:"unchecked"`
	Seconds        float64      `json:"seconds"`
	Tally          struct {
		Won              int `json:"updates_won"`
		Missed           int `json:"updates_missed"`
		JusticeConfirmed int `json:"justice_confirmed"`
		JusticeLost      int `json:"justice_lost"`
	} `json:"tally"`
	// Exit is the command's exit ("0" when every claim held).
	Exit string `json:"-"`
}

type auditClaim struct {
	Kind    string `json:"kind"`
	Record  int64  `json:"record"`
	TxHash  string `json:"tx_hash"`
	Claim   string `json:"claim"`
	Verdict string `json:"verdict"`
	Finding string `json:"finding"`
}

// audit runs `vigil audit` against the stack, as an auditor would: every
// claim of the API (the update, the justice transaction, the totals)
// re-derived from geth and btcd. A claim that does not hold fails the demo.
func (d *demo) audit(ctx context.Context) error {
	d.n.section("an auditor checks every claim against the chains: vigil audit")
	btcPw := filepath.Join(d.work, "keys", "btcd-rpc.password")
	args := []string{"audit", "--api", d.api, "--eth-rpc", d.ethURL, "--btc-rpc", "http://" + d.btcAddr,
		"--btc-user", d.btcUser, "--btc-pass-file", btcPw}
	d.n.step("vigil %s --json", strings.Join(args, " "))
	out, err := d.vigil(ctx, append(args, "--json")...)
	var rep auditResult
	if jerr := json.Unmarshal(out, &rep); jerr != nil {
		if err != nil {
			return err
		}
		return fmt.Errorf("vigil audit: unexpected output %q: %w", out, jerr)
	}
	rep.Exit = exitText(err)
	d.res.Audit = &rep
	d.n.say("%d claims on %d update record(s) and %d justice record(s), checked in %.1fs: %d hold, %d do not",
		len(rep.Claims), rep.Records, rep.JusticeRecords, rep.Seconds, rep.Verified, rep.Mismatches)
	for _, c := range rep.Claims {
		if c.Kind != "stats" && strings.HasPrefix(c.Claim, "outcome ") {
			d.n.say("  %s %d: %s: %s", c.Kind, c.Record, c.Claim, c.Verdict)
		}
	}
	d.n.say("verified: updates won %d, missed windows %d; justice confirmed %d, lost %d; and every total of /api/1/stats",
		rep.Tally.Won, rep.Tally.Missed, rep.Tally.JusticeConfirmed, rep.Tally.JusticeLost)
	for _, u := range rep.Unchecked {
		d.n.say("not checked: %s", u)
	}
	if err != nil || rep.Mismatches > 0 {
		for _, c := range rep.Claims {
			if c.Verdict != "ok" {
				d.n.say("MISMATCH %s %d %s: %s (%s)", c.Kind, c.Record, c.TxHash, c.Claim, c.Finding)
			}
		}
		return fmt.Errorf("vigil audit: %d of %d claims do not hold (exit %s)", rep.Mismatches, len(rep.Claims), rep.Exit)
	}
	d.n.say("the whole table: vigil %s (in <workdir>/commands.log)", strings.Join(args, " "))
	return nil
}
