package reconcile

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govalues/decimal"
)

func seqOf(exps []Expected) iter.Seq2[Expected, error] {
	return func(yield func(Expected, error) bool) {
		for _, e := range exps {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// reportJSON is everything a report holds, for comparing two runs.
func reportJSON(t *testing.T, rep *Report) string {
	t.Helper()
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRun_ExpectedSeqGivesTheSameReportAsASlice reconciles the fixture
// day with its expected payments given as a slice, as a sequence (in order
// and shuffled), and half and half: the reports are identical, and so are
// the changes each run stores.
func TestRun_ExpectedSeqGivesTheSameReportAsASlice(t *testing.T) {
	exps := fixtureExpected()
	shuffled := slices.Clone(exps)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	runWith := func(in Input) (string, Changes) {
		c := &clock{t: time.Date(2026, 11, 6, 8, 0, 0, 0, time.UTC)}
		r, err := New(Config{Now: c.Now, Rules: fixtureRules, Accounts: fixtureAccounts(t)})
		if err != nil {
			t.Fatal(err)
		}
		in.Files = files(t, allFixtureFiles...)
		p, err := r.Prepare(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Discard()
		return reportJSON(t, p.Report), p.Changes()
	}
	want, wantChanges := runWith(Input{Expected: exps})
	for name, in := range map[string]Input{
		"sequence":       {ExpectedSeq: seqOf(exps)},
		"shuffled":       {ExpectedSeq: seqOf(shuffled)},
		"slice and more": {Expected: exps[:len(exps)/2], ExpectedSeq: seqOf(exps[len(exps)/2:])},
	} {
		got, changes := runWith(in)
		if got != want {
			t.Errorf("%s: report differs from the slice's", name)
		}
		if !slices.EqualFunc(changes.Close, wantChanges.Close, func(a, b Closure) bool { return a.Key == b.Key }) || len(changes.Add) != len(wantChanges.Add) {
			t.Errorf("%s: %d closes, %d adds; the slice's run %d and %d", name, len(changes.Close), len(changes.Add), len(wantChanges.Close), len(wantChanges.Add))
		}
	}
	if len(wantChanges.Close) == 0 {
		t.Fatal("the fixture day closed nothing: the comparison proves little")
	}
}

// TestRun_ExpectedSeqErrorEndsTheRunAndStoresNothing: a sequence that
// fails half way (a database cursor that breaks) ends the run with its
// error, and the store is as it was.
func TestRun_ExpectedSeqErrorEndsTheRunAndStoresNothing(t *testing.T) {
	store := &MemoryStore{}
	r, err := New(Config{Store: store, Now: func() time.Time { return day2026(time.November, 6) }})
	if err != nil {
		t.Fatal(err)
	}
	broken := errors.New("cursor lost")
	exps := fixtureExpected()
	seq := func(yield func(Expected, error) bool) {
		for i, e := range exps {
			if i == 3 {
				yield(Expected{}, broken)
				return
			}
			if !yield(e, nil) {
				return
			}
		}
	}
	_, err = r.Run(context.Background(), Input{ExpectedSeq: seq, Files: files(t, allFixtureFiles...)})
	if !errors.Is(err, broken) || !strings.Contains(err.Error(), "expected items") {
		t.Fatalf("Run = %v, want the sequence's error", err)
	}
	st, err := store.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Open)+len(st.Closed)+len(st.Files) != 0 {
		t.Fatalf("a failed run stored %d open, %d closed, %d files", len(st.Open), len(st.Closed), len(st.Files))
	}
	// The same store then takes the whole day.
	if _, err := r.Run(context.Background(), Input{ExpectedSeq: seqOf(exps), Files: files(t, allFixtureFiles...)}); err != nil {
		t.Fatal(err)
	}
}

// TestRun_ExpectedSeqReportsAmountsNoSettlementCarries: an item of a
// sequence beyond the amount bound is a read error naming its order; the
// others go through.
func TestRun_ExpectedSeqReportsAmountsNoSettlementCarries(t *testing.T) {
	r, err := New(Config{Now: func() time.Time { return time.Date(2026, 11, 6, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)
	rep, err := r.Run(context.Background(), Input{ExpectedSeq: seqOf([]Expected{
		{Kind: ExpectedPayment, OrderNo: "OK1", PSPReference: "P3", Amount: decimal.MustParse("10.00"), Currency: "EUR", Date: day},
		{Kind: ExpectedPayment, OrderNo: "BIG1", PSPReference: "P1", Amount: decimal.MustParse("9000000000000000000"), Currency: "EUR", Date: day},
	})})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.ReadErrors) != 1 || !strings.Contains(rep.ReadErrors[0].Message, "BIG1") {
		t.Fatalf("read errors = %+v, want one naming BIG1", rep.ReadErrors)
	}
	if len(rep.Open) != 1 || rep.Open[0].Expected.OrderNo != "OK1" {
		t.Fatalf("open = %+v, want OK1 only", rep.Open)
	}
}

// TestRun_ExpectedSeqStopsWhenTheContextEnds: a sequence that never ends
// stops being read when the run's context is cancelled, and Run returns.
func TestRun_ExpectedSeqStopsWhenTheContextEnds(t *testing.T) {
	r, err := New(Config{Now: func() time.Time { return day2026(time.November, 6) }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	endless := func(yield func(Expected, error) bool) {
		for {
			n++
			if n == 10_000 {
				cancel()
			}
			e := Expected{Kind: ExpectedPayment, OrderNo: "O", PSPReference: "P", Amount: decimal.MustParse("1.00"), Currency: "EUR", Seq: n}
			if !yield(e, nil) {
				return
			}
		}
	}
	if _, err := r.Run(ctx, Input{ExpectedSeq: endless}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	if n > 10_000+8192 {
		t.Errorf("the sequence was read %d times after the cancel", n-10_000)
	}
}
