package reconcile

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/govalues/decimal"
)

// benchData builds n expected payments and the n settlement lines that
// settle them, in shuffled order: 98 % carry the PSP reference, 1 % only the
// order number, 1 % neither (left for the tolerance rule).
func benchData(n int) ([]Expected, []SettlementLine) {
	rng := rand.New(rand.NewPCG(uint64(n), 42))
	placed := day2026(time.November, 1)
	exps := make([]Expected, n)
	lines := make([]SettlementLine, n)
	for i := range n {
		amt := decimal.MustNew(int64(100+rng.IntN(100_000)), 2)
		orderNo := fmt.Sprintf("%09d", i)
		psp := fmt.Sprintf("PSP%012d", i)
		exps[i] = Expected{Kind: ExpectedPayment, OrderNo: orderNo, PSPReference: psp, Amount: amt, Currency: "EUR", Date: placed}
		l := SettlementLine{Provider: "adyen", Type: TypeCapture, PSPReference: psp, ModificationReference: "M" + psp,
			MerchantReference: orderNo, GrossCurrency: "EUR", Gross: amt, NetCurrency: "EUR", Net: amt,
			BookingDate: placed.AddDate(0, 0, 1), PayoutID: fmt.Sprintf("%d", i%100), Source: Position{File: "bench.csv", Line: i + 2}}
		switch i % 100 {
		case 0:
			l.PSPReference = ""
		case 1:
			// Unique amounts: a line without references is only matchable
			// when its amount singles the payment out.
			amt = decimal.MustNew(int64(10_000_000+i), 2)
			exps[i].Amount, l.Gross, l.Net = amt, amt, amt
			l.PSPReference, l.MerchantReference = "", ""
		}
		lines[i] = l
	}
	rng.Shuffle(n, func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	return exps, lines
}

// naiveMatch is the spreadsheet approach: for every line, scan every
// expected payment for the same reference and amount.
func naiveMatch(exps []Expected, lines []SettlementLine) int {
	used := make([]bool, len(exps))
	matched := 0
	for i := range lines {
		l := &lines[i]
		for j := range exps {
			e := &exps[j]
			if used[j] || e.Currency != l.GrossCurrency || e.Amount.Cmp(l.Gross) != 0 {
				continue
			}
			if (l.PSPReference != "" && e.PSPReference == l.PSPReference) || (l.MerchantReference != "" && e.OrderNo == l.MerchantReference) ||
				(l.PSPReference == "" && l.MerchantReference == "") {
				used[j] = true
				matched++
				break
			}
		}
	}
	return matched
}

// peakHeap samples the in-use heap and the live heap the last garbage
// collection marked (runtime/metrics) until stop is called, and returns the
// peak of each. The in-use heap includes garbage not yet collected; the
// live heap is what the run holds.
func peakHeap() (stop func() (inUse, live uint64)) {
	var (
		mu              sync.Mutex
		peakIn, peakLiv uint64
		done            = make(chan struct{})
		wg              sync.WaitGroup
	)
	samples := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		metrics.Read(samples)
		mu.Lock()
		peakIn = max(peakIn, ms.HeapInuse)
		peakLiv = max(peakLiv, samples[0].Value.Uint64())
		mu.Unlock()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				sample()
			}
		}
	}()
	return func() (uint64, uint64) {
		close(done)
		wg.Wait()
		sample()
		return peakIn, peakLiv
	}
}

// BenchmarkReconcile_1MExpectedAgainst1MLines runs the whole reconciliation
// (matching, report, journals-free state save) on a million payments and a
// million lines, and the naive nested loop on a 10,000 subset in the same
// run. Metrics: lines/s of each, their ratio, and the peak in-use heap.
func BenchmarkReconcile_1MExpectedAgainst1MLines(b *testing.B) {
	n, subset := 1_000_000, 10_000
	if testing.Short() {
		n = 100_000
	}
	exps, lines := benchData(n)
	subExps, subLines := benchData(subset)
	rules := []ToleranceRule{{Name: "cent", Absolute: decimal.MustNew(1, 2), DaysAfter: 3}}
	runtime.GC()
	b.ResetTimer()
	var total, cpu time.Duration
	var peak, live uint64
	for b.Loop() {
		r, err := New(Config{Rules: rules, Now: func() time.Time { return day2026(time.November, 3) }})
		if err != nil {
			b.Fatal(err)
		}
		stop := peakHeap()
		start, startCPU := time.Now(), processCPU()
		rep, err := r.Run(context.Background(), Input{Expected: exps, Lines: lines})
		total += time.Since(start)
		cpu += processCPU() - startCPU
		in, lv := stop()
		peak, live = max(peak, in), max(live, lv)
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Matched) != n {
			b.Fatalf("matched %d of %d (review %d, unexpected %d)", len(rep.Matched), n, len(rep.Review), len(rep.Unexpected))
		}
	}
	b.StopTimer()
	start, startCPU := time.Now(), processCPU()
	if got := naiveMatch(subExps, subLines); got != subset {
		b.Fatalf("naive matched %d of %d", got, subset)
	}
	naive, naiveCPU := time.Since(start), processCPU()-startCPU
	// The metrics are computed through time.Duration.Seconds: a count k
	// as (time.Duration(k) * time.Second).Seconds() is k itself.
	lineCount := (time.Duration(n*b.N) * time.Second).Seconds()
	subsetCount := (time.Duration(subset) * time.Second).Seconds()
	perSec := lineCount / total.Seconds()
	naivePerSec := subsetCount / naive.Seconds()
	b.ReportMetric(perSec, "lines/s")
	b.ReportMetric(naivePerSec, "naive-lines/s")
	b.ReportMetric(perSec/naivePerSec, "x-vs-naive")
	// The nested loop's cost per line grows with the number of payments;
	// at n it would be n/subset times slower per line than on the subset.
	b.ReportMetric(perSec/naivePerSec*(time.Duration(n)*time.Second).Seconds()/subsetCount, "x-vs-naive-extrapolated")
	// Peak heap in KiB, as a count, then in MiB.
	b.ReportMetric((time.Duration(peak>>10)*time.Second).Seconds()/(1<<10), "peak-heap-MiB")
	b.ReportMetric((time.Duration(live>>10)*time.Second).Seconds()/(1<<10), "peak-live-heap-MiB")
	// CPU time includes the garbage collector's; on a busy machine it is
	// the steadier measure of the work done.
	if cpu > 0 && naiveCPU > 0 {
		perCPU := lineCount / cpu.Seconds()
		b.ReportMetric(perCPU, "lines/cpu-s")
		b.ReportMetric(perCPU/(subsetCount/naiveCPU.Seconds()), "x-vs-naive-cpu")
	}
}

// benchMapping reads the generated settlement CSV of benchCSV.
var benchMapping = ColumnMapping{
	Provider: "psp", Types: map[string]LineType{"capture": TypeCapture},
	Type: "type", PSPReference: "psp_reference", ModificationReference: "modification_reference",
	MerchantReference: "merchant_reference", Currency: "currency", Gross: "gross", BookingDate: "booking_date", PayoutID: "payout_id",
}

// benchCents is the amount of the i-th generated payment, in cents.
func benchCents(i int) int64 {
	x := uint64(i)*0x9e3779b97f4a7c15 + 0x632be59bd9b4e019
	x ^= x >> 31
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 29
	return 100 + int64(x%100_000)
}

// benchStream builds n expected payments and, as a reader, the CSV of the
// n settlement lines that settle them, written row by row while the
// reconciler reads it: the file never sits in memory. Rows come in a
// shuffled order; 98 % carry the PSP reference, 1 % only the order number,
// 1 % neither (those have unique amounts).
func benchStream(n int) ([]Expected, func() io.Reader) {
	placed := day2026(time.November, 1)
	exps := make([]Expected, n)
	for i := range n {
		amt := decimal.MustNew(benchCents(i), 2)
		if i%100 == 1 {
			amt = decimal.MustNew(int64(10_000_000+i), 2)
		}
		exps[i] = Expected{Kind: ExpectedPayment, OrderNo: fmt.Sprintf("%09d", i), PSPReference: fmt.Sprintf("PSP%012d", i),
			Amount: amt, Currency: "EUR", Date: placed}
	}
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	rand.New(rand.NewPCG(uint64(n), 43)).Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
	open := func() io.Reader {
		pr, pw := io.Pipe()
		go func() {
			w := bufio.NewWriterSize(pw, 64<<10)
			w.WriteString("type,psp_reference,modification_reference,merchant_reference,currency,gross,booking_date,payout_id\n")
			for _, i := range order {
				psp, merchant, cents := fmt.Sprintf("PSP%012d", i), fmt.Sprintf("%09d", i), benchCents(int(i))
				switch i % 100 {
				case 0:
					psp = ""
				case 1:
					psp, merchant, cents = "", "", int64(10_000_000+i)
				}
				fmt.Fprintf(w, "capture,%s,MPSP%012d,%s,EUR,%d.%02d,2026-11-02,%d\n", psp, i, merchant, cents/100, cents%100, i%100)
			}
			pw.CloseWithError(w.Flush())
		}()
		return pr
	}
	return exps, open
}

// BenchmarkReconcile_1MExpectedAgainstStreamedFile reconciles a million
// payments against a settlement file of a million rows that is read as it
// is written: the way a host reconciles a provider's file. It reports
// lines/s (reading and matching), the peak in-use heap of the whole
// process, and the speed against the in-memory benchmark's naive nested
// loop measured in the same run.
func BenchmarkReconcile_1MExpectedAgainstStreamedFile(b *testing.B) {
	n, subset := 1_000_000, 10_000
	if testing.Short() {
		n = 100_000
	}
	exps, open := benchStream(n)
	subExps, subLines := benchData(subset)
	rules := []ToleranceRule{{Name: "cent", Absolute: decimal.MustNew(1, 2), DaysAfter: 3}}
	runtime.GC()
	b.ResetTimer()
	var total, cpu time.Duration
	var peak, live uint64
	for b.Loop() {
		r, err := New(Config{Rules: rules, Now: func() time.Time { return day2026(time.November, 3) }})
		if err != nil {
			b.Fatal(err)
		}
		stop := peakHeap()
		start, startCPU := time.Now(), processCPU()
		rep, err := r.Run(context.Background(), Input{Expected: exps,
			Files: []SettlementFile{{Name: "settlement.csv", Format: Generic{Mapping: benchMapping}, Body: open()}}})
		total += time.Since(start)
		cpu += processCPU() - startCPU
		in, lv := stop()
		peak, live = max(peak, in), max(live, lv)
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Matched) != n || len(rep.ReadErrors) != 0 {
			b.Fatalf("matched %d of %d (review %d, unexpected %d, read errors %d)", len(rep.Matched), n, len(rep.Review), len(rep.Unexpected), len(rep.ReadErrors))
		}
	}
	b.StopTimer()
	start := time.Now()
	if got := naiveMatch(subExps, subLines); got != subset {
		b.Fatalf("naive matched %d of %d", got, subset)
	}
	naivePerSec := float64(subset) / time.Since(start).Seconds()
	perSec := float64(n*b.N) / total.Seconds()
	b.ReportMetric(perSec, "lines/s")
	b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "lines/cpu-s")
	b.ReportMetric(perSec/naivePerSec, "x-vs-naive")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(live)/(1<<20), "peak-live-heap-MiB")
}
