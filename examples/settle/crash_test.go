package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/internal/sqlstore/sqlstoretest"
	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/reconcile/reconcilesql"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// settleBinary builds the program once per test process, into a directory
// removed when the tests end.
func settleBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "o2c-settle-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "settle")
		if out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtBin != "" {
		os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}

// crashDays are three days of the shipped data: each run reconciles some
// files (one again) and carries the rest of the payments over; on the third
// day a batch captures 20.00 of order 00001009's 45.00, so a capture counted
// twice would show in the settled sum and the item's version.
func crashDays(t *testing.T) [][]string {
	t.Helper()
	partial := filepath.Join(t.TempDir(), "settlement_detail_report_batch_105.csv")
	body := adyenHeader +
		"ShopCo,ShopCoEU,8815000000000009,00001009,visa,2026-11-07 10:00:00,CET,Settled,8815000000000905,EUR,,20.00,1,EUR,,19.80,0.20,,,,visacredit,,105\n" +
		"ShopCo,ShopCoEU,,,,2026-11-08 06:00:00,CET,MerchantPayout,,EUR,19.80,,,EUR,19.80,,,,,,,,105\n"
	if err := os.WriteFile(partial, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return [][]string{
		{"-now", "2026-11-04T08:00:00Z", "-settlement", "adyen:testdata/settlement_detail_report_batch_101.csv",
			"-settlement", "stripe:testdata/payout_reconciliation_itemized_po_1.csv"},
		{"-now", "2026-11-06T08:00:00Z", "-settlement", "adyen:testdata/settlement_detail_report_batch_102.csv",
			"-settlement", "paypal:testdata/STL-20261102.01.009.CSV", "-settlement", "adyen:testdata/settlement_detail_report_batch_101.csv"},
		{"-now", "2026-11-09T08:00:00Z", "-settlement", "adyen:" + partial},
	}
}

const adyenHeader = "Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,Creation Date,TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),Exchange Rate,Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Markup (NC),Scheme Fees (NC),Interchange (NC),Payment Method Variant,Modification Merchant Reference,Batch Number\n"

func dayArgs(dsn string, day []string) []string {
	return append([]string{"-orders", "testdata/orders.xml", "-refunds", "testdata/refunds.csv", "-accounts", "testdata/accounts.csv",
		"-state", dsn, "-json"}, day...)
}

// runToEnd runs the program until it exits and expects success.
func runToEnd(t *testing.T, bin string, args []string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("settle %q: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}

// killPoint is where a run is killed: at a step it pauses at, or a number
// of microseconds after a step it passes (or after the start).
type killPoint struct {
	step  string // "" for the start
	pause bool
	after time.Duration
}

func (k killPoint) String() string {
	if k.pause {
		return "paused at " + k.step
	}
	return fmt.Sprintf("%s after %q", k.after, k.step)
}

func (k killPoint) stepName() string {
	if k.step == "" {
		return "start"
	}
	return k.step
}

func randomKillPoint(rng *rand.Rand) killPoint {
	switch rng.IntN(6) {
	case 0:
		return killPoint{after: time.Duration(rng.IntN(150_000)) * time.Microsecond}
	case 1:
		return killPoint{step: "prepared", pause: true}
	case 2:
		return killPoint{step: "written", pause: true}
	case 3:
		return killPoint{step: "committed", pause: true}
	default:
		// Inside the commit: the write transaction itself.
		return killPoint{step: "committing", after: time.Duration(rng.IntN(3000)) * time.Microsecond}
	}
}

// killAt starts a run and SIGKILLs it at k; it reports whether the process
// was killed (a run may finish first).
func killAt(t *testing.T, bin string, args []string, k killPoint) bool {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), envSteps+"=1")
	if k.pause {
		cmd.Env = append(cmd.Env, envPause+"="+k.step)
	}
	stdin, err := cmd.StdinPipe() // held open: a paused run waits on it
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	kill := func() { cmd.Process.Signal(syscall.SIGKILL) }
	if k.step == "" {
		timer := time.AfterFunc(k.after, kill)
		defer timer.Stop()
	}
	sc := bufio.NewScanner(stderr)
	var log []string
	for sc.Scan() {
		line := sc.Text()
		log = append(log, line)
		if k.step != "" && line == "settle-step "+k.step+" 1" {
			if k.pause {
				kill()
			} else {
				timer := time.AfterFunc(k.after, kill)
				defer timer.Stop()
			}
		}
	}
	io.Copy(io.Discard, stderr)
	err = cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return true
		}
		t.Fatalf("settle killed %s: %v\n%s", k, err, strings.Join(log, "\n"))
	}
	if err != nil {
		t.Fatal(err)
	}
	return false
}

// dump is everything a database state holds for reconciliation.
type dump struct {
	Open   []string
	Closed []string
	Files  []string
}

func dumpState(t *testing.T, dsn string) dump {
	t.Helper()
	db := sqlstoretest.Open(t, dsn)
	ctx := context.Background()
	var d dump
	for _, q := range []struct {
		into  *[]string
		query string
	}{
		{&d.Open, `SELECT item_key || ' settled ' || settled || ' v' || CAST(version AS TEXT) || ' first ' || CAST(first_seen_ns AS TEXT) FROM reconcile_open`},
		{&d.Closed, `SELECT item_key || ' at ' || CAST(closed_ns AS TEXT) FROM reconcile_closed`},
		{&d.Files, `SELECT f.name || ' ' || f.digest || ' ' || CAST(f.first_seen_ns AS TEXT) || ' ' || COALESCE(b.batch, '-') FROM reconcile_files f LEFT JOIN reconcile_batches b ON b.digest = f.digest`},
	} {
		rows, err := db.Query(ctx, q.query)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			*q.into = append(*q.into, s)
		}
		rows.Close()
		slices.Sort(*q.into)
	}
	return d
}

func exceptionIDs(t *testing.T, dsn string) []string {
	t.Helper()
	s := reconcilesql.NewExceptionStore(sqlstoretest.Open(t, dsn))
	var ids []string
	q := reconcile.ExceptionQuery{Limit: reconcile.MaxExceptionPage}
	for {
		p, err := s.List(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Records {
			ids = append(ids, string(r.Kind)+" "+r.Key)
		}
		if !p.More() {
			return ids
		}
		q.After = p.Next
	}
}

// TestSettle_KilledAtRandomPointsEndsAsAnUninterruptedRun runs three days
// of settlement on a database, killing the program with SIGKILL at random
// points (seeded) before letting each day finish, and compares the state
// with the same days run without interruption: nothing lost (every open
// item, closed key and seen file there) and nothing applied twice (the same
// settled sums and item versions).
func TestSettle_KilledAtRandomPointsEndsAsAnUninterruptedRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills the program dozens of times")
	}
	bin := settleBinary(t)
	const minKills = 60
	sqlstoretest.Each(t, func(t *testing.T, b sqlstoretest.Backend) {
		days := crashDays(t)
		ref := b.DSN(t)
		for _, day := range days {
			runToEnd(t, bin, dayArgs(ref, day))
		}
		want := dumpState(t, ref)
		if !slices.ContainsFunc(want.Open, func(s string) bool {
			return strings.Contains(s, "|00001009|") && strings.Contains(s, "settled 20.00 v2")
		}) ||
			len(want.Closed) == 0 || len(want.Files) != 5 {
			t.Fatalf("the uninterrupted run did not store what the days hold (00001009 settled 20.00 at version 2, closed items, 5 files): %+v", want)
		}

		seed := uint64(20261204)
		if v := os.Getenv("O2C_CRASH_SEED"); v != "" { // to try other kill points
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				t.Fatalf("O2C_CRASH_SEED=%q is not a number", v)
			}
			seed = n
		}
		rng := rand.New(rand.NewPCG(seed, uint64(len(b.Name))))
		dsn := b.DSN(t)
		start := time.Now()
		kills, attempts := 0, 0
		perPoint := map[string]int{}
		for i, day := range days {
			args := dayArgs(dsn, day)
			target := minKills * (i + 1) / len(days)
			for kills < target {
				k := randomKillPoint(rng)
				attempts++
				if killAt(t, bin, args, k) {
					kills++
					if k.pause {
						perPoint[k.String()]++
					} else {
						perPoint["after "+k.stepName()]++
					}
				}
				if attempts > 10*minKills {
					t.Fatalf("only %d of %d runs were killed before they ended", kills, attempts)
				}
			}
			runToEnd(t, bin, args)
		}
		got := dumpState(t, dsn)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("state after %d kills differs from the uninterrupted run (-want +got):\n%s", kills, diff)
		}
		have := exceptionIDs(t, dsn)
		for _, id := range exceptionIDs(t, ref) {
			if !slices.Contains(have, id) {
				t.Errorf("exception %s of the uninterrupted run is not recorded after the kills", id)
			}
		}
		t.Logf("%s: %d kills in %d runs (seed %d) in %s: %v", b.Name, kills, attempts, seed, time.Since(start).Round(time.Millisecond), perPoint)
	})
}
