// Command bench generates a reconciliation data set as two CSV files and
// reconciles it with package reconcile, for the side-by-side comparison
// with a pandas merge in pandas_compare.sh.
//
//	go run ./reconcile/bench gen -n 1000000 -dir /tmp/recon-data
//	go run ./reconcile/bench run -dir /tmp/recon-data
//
// gen writes expected.csv (the payments SFCC expects) and settlement.csv
// (the provider's lines, in shuffled order). Of every two hundred payments
// 193 settle on their PSP reference, two on the order number alone, two
// have a line without any reference (unexpected, the payment stays open),
// two settle for a different amount (a mismatch) and one is never settled;
// one line in two hundred belongs to no payment.
//
// run reads both files, reconciles them (exact matching, no tolerance
// rules) and prints one line of key=value figures: matched pairs,
// unmatched lines and expected payments, the seconds and CPU seconds, the
// peak heap (runtime/metrics, sampled: all heap objects, and the live heap
// the garbage collector marked) and the maximum RSS.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/internal/csvin"
	"github.com/o2ckit/o2c/reconcile"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: bench gen|run [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		fs := flag.NewFlagSet("gen", flag.ExitOnError)
		n := fs.Int("n", 1_000_000, "expected payments")
		dir := fs.String("dir", ".", "output directory")
		fs.Parse(os.Args[2:])
		err = generate(*n, *dir)
	case "run":
		fs := flag.NewFlagSet("run", flag.ExitOnError)
		dir := fs.String("dir", ".", "directory of expected.csv and settlement.csv")
		profile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
		memProfile := fs.String("memprofile", "", "write a heap profile, taken when the run ends, to this file")
		fs.Parse(os.Args[2:])
		heapProfile = *memProfile
		if *profile != "" {
			f, perr := os.Create(*profile)
			if perr != nil {
				err = perr
				break
			}
			pprof.StartCPUProfile(f)
			defer f.Close()
			defer pprof.StopCPUProfile()
		}
		err = run(*dir)
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// Mapping reads settlement.csv.
var Mapping = reconcile.ColumnMapping{
	Provider: "psp", Types: map[string]reconcile.LineType{"capture": reconcile.TypeCapture},
	Type: "type", PSPReference: "psp_reference", ModificationReference: "modification_reference",
	MerchantReference: "merchant_reference", Currency: "currency", Gross: "gross", BookingDate: "booking_date", PayoutID: "payout_id",
}

func cents(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }

func generate(n int, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(uint64(n), 2026))
	ef, err := os.Create(filepath.Join(dir, "expected.csv"))
	if err != nil {
		return err
	}
	defer ef.Close()
	ew := bufio.NewWriterSize(ef, 1<<20)
	ew.WriteString("order_no,psp_reference,amount,currency,date\n")
	var rows []string
	for i := range n {
		amount := int64(100 + rng.IntN(100_000))
		order, psp := fmt.Sprintf("%09d", i), fmt.Sprintf("PSP%012d", i)
		if i%100 == 1 {
			amount = int64(10_000_000 + i) // unique: a line without references names no one else
		}
		fmt.Fprintf(ew, "%s,%s,%s,EUR,2026-11-01\n", order, psp, cents(amount))
		line := func(psp, merchant string, amount int64) string {
			return fmt.Sprintf("capture,%s,M%s,%s,EUR,%s,2026-11-02,%d\n", psp, order, merchant, cents(amount), i%100)
		}
		switch {
		case i%100 == 0:
			rows = append(rows, line("", order, amount))
		case i%100 == 1:
			rows = append(rows, line("", "", amount))
		case i%100 == 2 && i%200 == 2:
			// never settled
		case i%100 == 3:
			rows = append(rows, line(psp, order, amount+100))
		default:
			rows = append(rows, line(psp, order, amount))
		}
		if i%200 == 7 {
			rows = append(rows, fmt.Sprintf("capture,PSPX%011d,MX%d,X%d,EUR,%s,2026-11-02,0\n", i, i, i, cents(amount)))
		}
	}
	if err := ew.Flush(); err != nil {
		return err
	}
	rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	sf, err := os.Create(filepath.Join(dir, "settlement.csv"))
	if err != nil {
		return err
	}
	defer sf.Close()
	sw := bufio.NewWriterSize(sf, 1<<20)
	sw.WriteString("type,psp_reference,modification_reference,merchant_reference,currency,gross,booking_date,payout_id\n")
	for _, r := range rows {
		sw.WriteString(r)
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return errors.Join(ef.Close(), sf.Close())
}

// expectedCSV streams the payments of expected.csv into a run
// (reconcile.Input.ExpectedSeq), the way a host reading a million payments
// from a file or a database cursor would: no slice of them is built, and
// the run reads them on another core while it reads the settlement file.
// The strings kept (order number and reference) are copied into blocks of
// 64 KiB rather than allocated one by one; *n counts the payments yielded.
func expectedCSV(path string, n *int) iter.Seq2[reconcile.Expected, error] {
	return func(yield func(reconcile.Expected, error) bool) {
		f, err := os.Open(path)
		if err != nil {
			yield(reconcile.Expected{}, err)
			return
		}
		defer f.Close()
		r := csvin.NewReader(bufio.NewReaderSize(f, 1<<20), csvin.Config{})
		r.ExpectFields(5)
		if _, _, err := r.Read(); err != nil {
			yield(reconcile.Expected{}, fmt.Errorf("%s: header: %w", path, err))
			return
		}
		currencies := map[string]string{}
		var (
			lastDay string
			parsed  bool
			date    time.Time
			rec     []string
			line    int
			block   []byte // where the kept strings are copied
		)
		keep := func(a, b string) (string, string) {
			n := len(a) + len(b)
			if n == 0 {
				return "", ""
			}
			if cap(block)-len(block) < n {
				block = make([]byte, 0, max(n, 64<<10))
			}
			at := len(block)
			block = append(append(block, a...), b...)
			both := unsafe.String(&block[at], n) // block's bytes are never written again
			return both[:len(a)], both[len(a):]
		}
		fail := func(err error) { yield(reconcile.Expected{}, err) }
		for {
			rec, line, err = r.ReadJoined(rec)
			if err == io.EOF {
				return
			}
			if err != nil {
				fail(fmt.Errorf("%s: %w", path, err))
				return
			}
			if len(rec) != 5 {
				fail(fmt.Errorf("%s line %d: %d fields, want 5", path, line, len(rec)))
				return
			}
			amount, err := decimal.Parse(rec[2])
			if err != nil {
				fail(fmt.Errorf("%s line %d: order %s: amount %q: %w", path, line, rec[0], rec[2], err))
				return
			}
			if !parsed || rec[4] != lastDay {
				if date, err = time.Parse("2006-01-02", rec[4]); err != nil {
					fail(fmt.Errorf("%s line %d: order %s: date %q: %w", path, line, rec[0], rec[4], err))
					return
				}
				lastDay, parsed = strings.Clone(rec[4]), true
			}
			cur, ok := currencies[rec[3]]
			if !ok {
				cur = strings.Clone(rec[3])
				currencies[cur] = cur
			}
			e := reconcile.Expected{Kind: reconcile.ExpectedPayment, Amount: amount, Currency: cur, Date: date}
			e.OrderNo, e.PSPReference = keep(rec[0], rec[1])
			*n++
			if !yield(e, nil) {
				return
			}
		}
	}
}

// heapPeak samples, until stop is called, the bytes of heap objects (live
// and not yet swept: what the process holds) and the live heap as the last
// garbage collection marked it, and returns the peak of each.
func heapPeak() (stop func() (objects, live uint64)) {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	var (
		peakObjects, peakLive uint64
		done                  = make(chan struct{})
		wg                    sync.WaitGroup
	)
	read := func() {
		metrics.Read(samples)
		peakObjects = max(peakObjects, samples[0].Value.Uint64())
		peakLive = max(peakLive, samples[1].Value.Uint64())
	}
	wg.Go(func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	})
	return func() (uint64, uint64) {
		close(done)
		wg.Wait()
		read()
		return peakObjects, peakLive
	}
}

// heapProfile, if set, is where run writes a heap profile of what the
// finished run holds (the report, the store, the input).
var heapProfile string

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	return errors.Join(pprof.WriteHeapProfile(f), f.Close())
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// result is what run prints.
type result struct {
	lines, expected, matched int
	elapsed, cpu             time.Duration
	peakHeap, peakLive       uint64
}

// reconcileDir reads the data set in dir and reconciles it.
func reconcileDir(dir string) (result, error) {
	var res result
	stop := heapPeak()
	start, startCPU := time.Now(), cpuTime()
	f, err := os.Open(filepath.Join(dir, "settlement.csv"))
	if err != nil {
		return res, err
	}
	defer f.Close()
	// The payments are streamed into the run (expectedCSV), which copies
	// what it keeps: the host holds no slice of them.
	r, err := reconcile.New(reconcile.Config{Now: func() time.Time { return time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		return res, err
	}
	rep, err := r.Run(context.Background(), reconcile.Input{ExpectedSeq: expectedCSV(filepath.Join(dir, "expected.csv"), &res.expected), Files: []reconcile.SettlementFile{
		{Name: "settlement.csv", Format: reconcile.Generic{Mapping: Mapping}, Body: bufio.NewReaderSize(f, 1<<20)}}})
	if err != nil {
		return res, err
	}
	res.elapsed, res.cpu = time.Since(start), cpuTime()-startCPU
	res.peakHeap, res.peakLive = stop()
	if heapProfile != "" {
		if err := writeHeapProfile(heapProfile); err != nil {
			return res, err
		}
		runtime.KeepAlive(rep)
	}
	if len(rep.ReadErrors) > 0 {
		return res, fmt.Errorf("%d read errors, the first: %s", len(rep.ReadErrors), rep.ReadErrors[0].Message)
	}
	for _, p := range rep.Payouts {
		res.lines += p.Lines
	}
	// A pair is a line that settled an expected payment to the cent.
	for _, m := range rep.Matched {
		if m.Status == reconcile.StatusMatched && len(m.Expected) == 1 && len(m.Lines) == 1 {
			res.matched++
		}
	}
	return res, nil
}

func run(dir string) error {
	res, err := reconcileDir(dir)
	if err != nil {
		return err
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("engine=go lines=%d expected=%d matched=%d unmatched_lines=%d unmatched_expected=%d seconds=%.3f cpu_seconds=%.3f peak_heap_mib=%.0f peak_live_heap_mib=%.0f max_rss_mib=%.0f\n",
		res.lines, res.expected, res.matched, res.lines-res.matched, res.expected-res.matched, res.elapsed.Seconds(), res.cpu.Seconds(),
		float64(res.peakHeap)/(1<<20), float64(res.peakLive)/(1<<20), float64(ru.Maxrss)/1024)
	return nil
}
