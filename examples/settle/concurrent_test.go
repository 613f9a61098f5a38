package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/o2ckit/o2c/internal/sqlstore/sqlstoretest"
	"github.com/o2ckit/o2c/reconcile"
)

// closedBy lists the keys of the items a report closed (settled in full or
// as a mismatch).
func closedBy(t *testing.T, stdout string) []string {
	t.Helper()
	// A run that reconciled again printed one report per attempt: the last
	// is the one committed.
	dec := json.NewDecoder(strings.NewReader(stdout))
	var last *reconcile.Report
	for {
		var rep reconcile.Report
		if err := dec.Decode(&rep); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("report: %v", err)
		}
		last = &rep
	}
	if last == nil {
		t.Fatal("no report printed")
	}
	var keys []string
	for _, m := range slices.Concat(last.Matched, last.Mismatches) {
		if m.Status == reconcile.StatusPartial {
			continue
		}
		for _, e := range m.Expected {
			keys = append(keys, e.Key())
		}
	}
	return keys
}

// TestSettle_ThreeProcessesOnOneDatabaseLoseNoUpdate starts three runs of
// the program on one database with the same orders and overlapping
// settlement files, holds all three after they read the state and releases
// them together: two of them must find the state changed when they save and
// reconcile again. Every item ends closed by exactly one of the runs, every
// file is recorded seen, and the state is the one the same runs make one
// after the other.
func TestSettle_ThreeProcessesOnOneDatabaseLoseNoUpdate(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the program on a shared database")
	}
	bin := settleBinary(t)
	files := [][]string{
		{"adyen:testdata/settlement_detail_report_batch_101.csv", "adyen:testdata/settlement_detail_report_batch_102.csv", "stripe:testdata/payout_reconciliation_itemized_po_1.csv"},
		{"adyen:testdata/settlement_detail_report_batch_102.csv", "stripe:testdata/payout_reconciliation_itemized_po_1.csv", "paypal:testdata/STL-20261102.01.009.CSV"},
		{"paypal:testdata/STL-20261102.01.009.CSV", "adyen:testdata/settlement_detail_report_batch_101.csv"},
	}
	args := func(dsn string, i int) []string {
		a := dayArgs(dsn, []string{"-now", "2026-11-06T08:00:00Z"})
		for _, f := range files[i] {
			a = append(a, "-settlement", f)
		}
		return a
	}
	sqlstoretest.Each(t, func(t *testing.T, b sqlstoretest.Backend) {
		ref := b.DSN(t)
		for i := range files {
			runToEnd(t, bin, args(ref, i))
		}
		want := dumpState(t, ref)

		dsn := b.DSN(t)
		type proc struct {
			cmd            *exec.Cmd
			stdin          io.WriteCloser
			stdout, stderr bytes.Buffer
			read           chan struct{} // closed once stderr is read to its end
		}
		var procs []*proc
		for i := range files {
			p := &proc{cmd: exec.Command(bin, args(dsn, i)...), read: make(chan struct{})}
			p.cmd.Env = append(os.Environ(), envSteps+"=1", envPause+"=prepared")
			p.cmd.Stdout = &p.stdout
			stderr, err := p.cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if p.stdin, err = p.cmd.StdinPipe(); err != nil {
				t.Fatal(err)
			}
			if err := p.cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait until it has read the state and holds.
			buf := make([]byte, 1)
			var line []byte
			for !bytes.HasSuffix(line, []byte("settle-step prepared 1\n")) {
				if _, err := stderr.Read(buf); err != nil {
					t.Fatalf("run %d ended before it prepared: %v\n%s", i, err, line)
				}
				line = append(line, buf[0])
			}
			p.stderr.Write(line)
			go func() {
				io.Copy(&p.stderr, stderr)
				close(p.read)
			}()
			procs = append(procs, p)
		}
		for _, p := range procs {
			p.stdin.Write([]byte("\n"))
		}
		closedTimes := map[string]int{}
		retries := 0
		for i, p := range procs {
			<-p.read
			err := p.cmd.Wait()
			p.stdin.Close()
			if err != nil {
				t.Fatalf("run %d: %v\n%s", i, err, p.stderr.String())
			}
			retries += strings.Count(p.stderr.String(), "reconciling again from the new state")
			for _, k := range closedBy(t, p.stdout.String()) {
				closedTimes[k]++
			}
		}
		if retries < 2 {
			t.Errorf("%d runs reconciled again; all three read the same state, so at least two must have found it changed", retries)
		}
		got := dumpState(t, dsn)
		var closedKeys []string
		for _, c := range got.Closed {
			k, _, _ := strings.Cut(c, " at ")
			closedKeys = append(closedKeys, k)
			if closedTimes[k] != 1 {
				t.Errorf("item %s closed by %d runs; want exactly one", k, closedTimes[k])
			}
		}
		for k := range closedTimes {
			if !slices.Contains(closedKeys, k) {
				t.Errorf("item %s closed by a committed run is not closed in the state (lost update)", k)
			}
		}
		if len(got.Files) != 4 {
			t.Errorf("seen files %q; want the 4 distinct files", got.Files)
		}
		// The runs went one after the other in some order; with these
		// files the order does not change what is closed or open.
		if !slices.Equal(keysOf(got.Closed), keysOf(want.Closed)) || !slices.Equal(keysOf(got.Open), keysOf(want.Open)) {
			t.Errorf("state after concurrent runs\nclosed %q\nopen %q\nwant as one after the other\nclosed %q\nopen %q",
				keysOf(got.Closed), keysOf(got.Open), keysOf(want.Closed), keysOf(want.Open))
		}
		t.Logf("%s: %d closed items, %d files, %d runs reconciled again", b.Name, len(got.Closed), len(got.Files), retries)
	})
}

func keysOf(rows []string) []string {
	var out []string
	for _, r := range rows {
		k, _, _ := strings.Cut(r, " ")
		out = append(out, k)
	}
	return out
}
