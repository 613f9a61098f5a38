package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/o2ckit/o2c/reconcile"
)

func TestSettle_RefundsWithBOMBrokenQuoteAndShortRowReportEachAndCountTheRest(t *testing.T) {
	refunds := filepath.Join(t.TempDir(), "refunds.csv")
	body := "\ufeff\"order_no\",\"psp_reference\",\"refund_id\",\"amount\",\"currency\",\"date\"\n" +
		"00001003,\"8815000000000003,RMA-1003,20.00,EUR,2026-11-02\n" +
		"00002003,pi_003,RMA-2003,25.00\n" +
		"00003003,1AB00003,RMA-3003,15.00,USD,2026-11-02\n"
	if err := os.WriteFile(refunds, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runSettle(t, shippedArgs("-refunds", refunds, "-strict")...)
	if code != exitUnsettled {
		t.Fatalf("exit %d, want 1 under -strict with skipped rows; stderr %s", code, errOut)
	}
	for _, want := range []string{"refunds.csv line 2", "refunds.csv line 3: 4 fields, the header has 6"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr does not say %q:\n%s", want, errOut)
		}
	}
	// The refund on line 4 still counts: its settlement is matched.
	if !strings.Contains(out, "matched 17 · mismatched 1 · review 0 · unexpected 3") {
		t.Errorf("summary:\n%s", out)
	}
}

func TestSettle_EmptySettlementFileFailsStrict(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.csv")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runSettle(t, shippedArgs("-settlement", "stripe:"+empty, "-strict")...)
	if code != exitUnsettled || !strings.Contains(out, "unreadable 1") {
		t.Fatalf("exit %d, want 1: an empty settlement file is unreadable under -strict\n%s%s", code, out, errOut)
	}
}

func TestSettle_ControlCharactersInSettlementFieldsCannotForgeSummaryLines(t *testing.T) {
	fixture, err := os.ReadFile("testdata/payout_reconciliation_itemized_po_1.csv")
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(string(fixture), "\n")
	evil := filepath.Join(t.TempDir(), "po_evil.csv")
	row := "\"po_\x1b[2J\",2026-11-05 00:00:00,txn_evil,2026-11-02 10:00:00,2026-11-04 00:00:00,usd,10.00,0,10.00,charge,ch_e,pi_e,ch_e,x,10.00,usd,visa,US,credit,card," +
		"\"0000X\n  [finance] all settled\u202e\",y,z\n"
	if err := os.WriteFile(evil, []byte(header+"\n"+row), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, errOut := runSettle(t, shippedArgs("-settlement", "stripe:"+evil)...)
	if strings.ContainsAny(out+errOut, "\x1b\u202e") {
		t.Errorf("a terminal escape reached the output:\n%q", out)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "[finance] all settled") {
			t.Errorf("a settlement field forged the line %q", l)
		}
	}
	if !strings.Contains(out, `0000X\n  [finance] all settled\u202e`) {
		t.Errorf("the order number is not shown escaped:\n%s", out)
	}
}

func TestSettle_FailedReportWriteLeavesTheStateUnchanged(t *testing.T) {
	state := t.TempDir()
	bad := filepath.Join(t.TempDir(), "no-such-dir", "report.csv")
	if code, _, errOut := runSettle(t, shippedArgs("-state", state, "-csv", bad)...); code != exitUsage {
		t.Fatalf("exit %d, want 2 when the CSV report cannot be written; stderr %s", code, errOut)
	}
	code, out, errOut := runSettle(t, shippedArgs("-state", state)...)
	if code != exitOK || !strings.Contains(out, "matched 19") || !strings.Contains(out, "duplicate files 0") {
		t.Fatalf("the run after a failed write: exit %d, want the day's matches again (nothing stored):\n%s%s", code, out, errOut)
	}
}

// TestSettle_ConcurrentRunsOnOneStateLoseNothing runs three settle
// processes at once on one -state directory, each with its own settlement
// file: every run either stores its file or stops with "state is locked".
func TestSettle_ConcurrentRunsOnOneStateLoseNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	bin := filepath.Join(t.TempDir(), "settle")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	state := t.TempDir()
	files := []string{"adyen:testdata/settlement_detail_report_batch_101.csv", "adyen:testdata/settlement_detail_report_batch_102.csv",
		"stripe:testdata/payout_reconciliation_itemized_po_1.csv"}
	type result struct {
		file string
		code int
		out  string
	}
	results := make(chan result, len(files))
	for _, f := range files {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "-now", "2026-11-06T08:00:00Z", "-orders", "testdata/orders.xml", "-settlement", f, "-state", state)
			out, err := cmd.CombinedOutput()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				code = -1
			}
			results <- result{f, code, string(out)}
		}()
	}
	var stored []string
	for range files {
		r := <-results
		switch {
		case r.code == 0:
			_, path, _ := strings.Cut(r.file, ":")
			stored = append(stored, filepath.Base(path))
		case r.code == exitUsage && strings.Contains(r.out, "state is locked"):
		default:
			t.Errorf("run with %s: exit %d, want 0 or a clear \"state is locked\":\n%s", r.file, r.code, r.out)
		}
	}
	if len(stored) == 0 {
		t.Fatal("no run stored anything")
	}
	b, err := os.ReadFile(filepath.Join(state, "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	var st reconcile.State
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, f := range st.Files {
		seen = append(seen, f.Name)
	}
	for _, name := range stored {
		if !slices.Contains(seen, name) {
			t.Errorf("the run with %s succeeded but its file is not in the state (lost update); state has %v", name, seen)
		}
	}
}
