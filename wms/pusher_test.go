package wms

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

// fakeInventory is an in-memory InventoryWriter and InventoryCreator.
type fakeInventory struct {
	mu       sync.Mutex
	records  map[invKey]decimal.Decimal
	resets   map[invKey]time.Time
	calls    int // UpdateInventory calls
	puts     int
	maxBatch int
	sent     int
	// failSKU, when set, decides a per-item failure.
	failSKU func(sku string) error
	// strict makes PATCH of a missing record answer not found.
	strict bool
	called chan int
}

func newFakeInventory() *fakeInventory {
	return &fakeInventory{records: map[invKey]decimal.Decimal{}, resets: map[invKey]time.Time{}}
}

type notFound struct{}

func (notFound) Error() string        { return "sfcc: 404 ProductInventoryRecordNotFoundException" }
func (notFound) Is(target error) bool { return target == sfcc.ErrNotFound }
func (notFound) Temporary() bool      { return false }

func (f *fakeInventory) UpdateInventory(ctx context.Context, list string, ups []sfcc.InventoryUpdate) ([]sfcc.InventoryResult, error) {
	f.mu.Lock()
	f.calls++
	f.sent += len(ups)
	f.maxBatch = max(f.maxBatch, len(ups))
	out := make([]sfcc.InventoryResult, len(ups))
	for i, u := range ups {
		out[i].ProductID = u.ProductID
		if f.failSKU != nil {
			if err := f.failSKU(u.ProductID); err != nil {
				out[i].Err = err
				continue
			}
		}
		k := invKey{list, u.ProductID}
		if _, ok := f.records[k]; !ok && f.strict {
			out[i].Err = notFound{}
			continue
		}
		f.records[k] = *u.Allocation
		f.resets[k] = u.AllocationResetDate
	}
	n := f.calls
	f.mu.Unlock()
	if f.called != nil {
		f.called <- n
	}
	return out, nil
}

func (f *fakeInventory) PutInventory(ctx context.Context, list string, rec sfcc.InventoryRecord) (sfcc.InventoryRecord, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.puts++
	f.records[invKey{list, rec.ProductID}] = rec.Allocation
	return rec, nil
}

func (f *fakeInventory) get(list, sku string) (decimal.Decimal, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.records[invKey{list, sku}]
	return d, ok
}

// manualClock is a settable clock.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *manualClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTestPusher(t testing.TB, w InventoryWriter, mod func(*PusherConfig)) (*Pusher, *manualClock) {
	t.Helper()
	clk := &manualClock{t: t0}
	cfg := PusherConfig{Writer: w, List: "inv-main", Now: clk.Now, Retry: Backoff{Initial: time.Second, Max: time.Minute, Attempts: 3}}
	if mod != nil {
		mod(&cfg)
	}
	p, err := NewPusher(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p, clk
}

func lvl(sku, avail string, seq int64) StockLevel {
	return StockLevel{SKU: sku, Available: qty(avail), Sequence: seq, At: t0.Add(time.Duration(seq) * time.Second)}
}

func TestPusher_LatestLevelWinsAndStaleNeverOverwrites(t *testing.T) {
	inv := newFakeInventory()
	p, _ := newTestPusher(t, inv, nil)
	st, err := p.Offer(lvl("A", "5", 1), lvl("A", "9", 3), lvl("A", "7", 2), lvl("A", "9", 3))
	if err != nil || st.Accepted != 2 || st.Stale != 2 {
		t.Fatalf("Offer = %+v, %v; want 2 accepted, 2 stale", st, err)
	}
	if _, err := p.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A stale level arriving after the push changes nothing either.
	p.Offer(lvl("A", "1", 2))
	rep, _ := p.Flush(context.Background())
	if got, _ := inv.get("inv-main", "A"); got.String() != "9" || rep.Sent != 0 {
		t.Fatalf("SFCC has %s (second flush sent %d); want 9 and nothing re-sent", got, rep.Sent)
	}
	// Without sequence numbers the timestamp decides.
	p.Offer(StockLevel{SKU: "B", Available: qty("4"), At: t0.Add(time.Hour)}, StockLevel{SKU: "B", Available: qty("8"), At: t0})
	p.Flush(context.Background())
	if got, _ := inv.get("inv-main", "B"); got.String() != "4" {
		t.Fatalf("B = %s, want 4 (the later timestamp)", got)
	}
}

func TestPusher_UnchangedAllocationIsNotSentAgain(t *testing.T) {
	inv := newFakeInventory()
	p, _ := newTestPusher(t, inv, func(c *PusherConfig) {
		c.Safety = &SafetyStock{Normal: Profile{Global: Rule{Units: qty("5")}}}
	})
	p.Offer(lvl("A", "3", 1))
	p.Flush(context.Background())
	// 3 and 4 available both allocate 0 after a buffer of 5: nothing to send.
	p.Offer(lvl("A", "4", 2))
	rep, _ := p.Flush(context.Background())
	if rep.Sent != 0 || inv.calls != 1 {
		t.Fatalf("unchanged allocation re-sent: %+v, calls %d", rep, inv.calls)
	}
	// Primed from SFCC's own records, a matching level sends nothing.
	p.Prime("inv-main", sfcc.InventoryRecord{ProductID: "P", Allocation: qty("7")})
	p.Offer(lvl("P", "12", 1))
	if rep, _ := p.Flush(context.Background()); rep.Sent != 0 {
		t.Fatalf("primed SKU re-sent: %+v", rep)
	}
}

func TestPusher_100kChangesOver10kSKUsPushFinalLevelsWithinBatchBudget(t *testing.T) {
	const skus, changes = 10_000, 100_000
	inv := newFakeInventory()
	p, _ := newTestPusher(t, inv, nil)
	rng := rand.New(rand.NewPCG(42, 6))
	final := make([]int64, skus)
	seq := make([]int64, skus)
	stream := make([]StockLevel, 0, changes)
	for range changes {
		i := rng.IntN(skus)
		seq[i]++
		final[i] = int64(rng.IntN(500))
		stream = append(stream, StockLevel{SKU: fmt.Sprintf("SKU-%05d", i), Available: decimal.MustNew(final[i], 0), Sequence: seq[i]})
	}
	// Every SKU changes at least once.
	for i := range skus {
		if seq[i] == 0 {
			seq[i] = 1
			final[i] = 3
			stream = append(stream, StockLevel{SKU: fmt.Sprintf("SKU-%05d", i), Available: decimal.MustNew(3, 0), Sequence: 1})
		}
	}
	// Late deliveries: a copy of 5 % of the stream, re-sent after the newest.
	for range changes / 20 {
		stream = append(stream, stream[rng.IntN(changes)])
	}
	budget := (skus + MaxBatchSize - 1) / MaxBatchSize
	flushes := 0
	for lo := 0; lo < len(stream); lo += 25_000 {
		p.Offer(stream[lo:min(lo+25_000, len(stream))]...)
		before := inv.calls
		if _, err := p.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		flushes++
		if n := inv.calls - before; n > budget {
			t.Fatalf("flush %d used %d batch requests, budget %d", flushes, n, budget)
		}
	}
	if inv.maxBatch > MaxBatchSize {
		t.Fatalf("a batch carried %d records", inv.maxBatch)
	}
	for i := range skus {
		sku := fmt.Sprintf("SKU-%05d", i)
		got, ok := inv.get("inv-main", sku)
		if !ok || got.Cmp(decimal.MustNew(final[i], 0)) != 0 {
			t.Fatalf("%s: SFCC has %s (present %v), final level %d", sku, got, ok, final[i])
		}
	}
	if p.Waiting() != 0 {
		t.Fatalf("%d SKUs still waiting", p.Waiting())
	}
}

func TestPusher_FailedItemsRetryLaterWithoutBlockingTheRest(t *testing.T) {
	inv := newFakeInventory()
	failures := map[string]int{"FLAKY": 2}
	inv.failSKU = func(sku string) error {
		switch {
		case sku == "BAD":
			return &sfccLikeError{status: 400}
		case failures[sku] > 0:
			failures[sku]--
			return &sfccLikeError{status: 503}
		}
		return nil
	}
	var outcomes []SKUOutcome
	p, clk := newTestPusher(t, inv, func(c *PusherConfig) { c.OnOutcome = func(o SKUOutcome) { outcomes = append(outcomes, o) } })
	p.Offer(lvl("OK1", "1", 1), lvl("FLAKY", "2", 1), lvl("BAD", "3", 1), lvl("OK2", "4", 1))
	rep, _ := p.Flush(context.Background())
	if rep.Pushed != 2 || rep.Failed != 2 || rep.Requests != 1 {
		t.Fatalf("first flush %+v; want 2 pushed, 2 failed in 1 request", rep)
	}
	if len(outcomes) != 4 {
		t.Fatalf("outcomes %v", outcomes)
	}
	s, _ := p.Status("inv-main", "FLAKY")
	var pe *PushError
	if s.State != PushRetrying || !s.NextAttempt.Equal(t0.Add(time.Second)) || !errors.As(s.Err, &pe) || pe.SKU != "FLAKY" {
		t.Fatalf("FLAKY status %+v", s)
	}
	if s, _ := p.Status("inv-main", "BAD"); s.State != PushFailed {
		t.Fatalf("BAD status %+v; want failed (permanent)", s)
	}
	if rep, _ := p.Flush(context.Background()); rep.Sent != 0 {
		t.Fatalf("retry sent before it was due: %+v", rep)
	}
	clk.Advance(time.Second)
	p.Flush(context.Background()) // second failure, next try in 2s
	clk.Advance(2 * time.Second)
	rep, _ = p.Flush(context.Background())
	if rep.Pushed != 1 {
		t.Fatalf("third flush %+v; want FLAKY pushed", rep)
	}
	if s, _ := p.Status("inv-main", "FLAKY"); s.State != PushDone || s.Pushed.String() != "2" {
		t.Fatalf("FLAKY %+v", s)
	}
	// A new level for a failed SKU gets a fresh chance.
	inv.failSKU = nil
	p.Offer(lvl("BAD", "5", 2))
	if rep, _ := p.Flush(context.Background()); rep.Pushed != 1 {
		t.Fatalf("BAD not retried after a new level: %+v", rep)
	}
}

type sfccLikeError struct{ status int }

func (e *sfccLikeError) Error() string   { return fmt.Sprintf("sfcc: HTTP %d", e.status) }
func (e *sfccLikeError) Temporary() bool { return e.status == 429 || e.status >= 500 }

func TestPusher_CreatesRecordsSFCCDoesNotHaveYet(t *testing.T) {
	inv := newFakeInventory()
	inv.strict = true
	inv.records[invKey{"inv-main", "OLD"}] = qty("1")
	p, _ := newTestPusher(t, inv, nil)
	p.Offer(lvl("OLD", "2", 1), lvl("NEW", "6", 1))
	rep, _ := p.Flush(context.Background())
	if rep.Pushed != 2 || inv.puts != 1 || rep.Requests != 2 {
		t.Fatalf("%+v, puts %d; want both pushed with one PUT", rep, inv.puts)
	}
	if got, _ := inv.get("inv-main", "NEW"); got.String() != "6" {
		t.Fatalf("NEW = %s", got)
	}
}

func TestPusher_HighVelocityProfileRepushesChangedAllocations(t *testing.T) {
	inv := newFakeInventory()
	p, _ := newTestPusher(t, inv, func(c *PusherConfig) {
		c.Safety = &SafetyStock{
			Normal:       Profile{Global: Rule{Units: qty("1")}},
			HighVelocity: Profile{Global: Rule{Units: qty("1")}, SKUs: map[string]Rule{"HOT": {Percent: qty("50")}}},
		}
	})
	p.Offer(lvl("HOT", "10", 1), lvl("COLD", "10", 1))
	p.Flush(context.Background())
	if err := p.SetHighVelocity(true); err != nil {
		t.Fatal(err)
	}
	rep, _ := p.Flush(context.Background())
	if rep.Sent != 1 {
		t.Fatalf("switch sent %d, want only HOT", rep.Sent)
	}
	if got, _ := inv.get("inv-main", "HOT"); got.String() != "5" {
		t.Fatalf("HOT = %s, want 5", got)
	}
	p.SetHighVelocity(false)
	p.Flush(context.Background())
	if got, _ := inv.get("inv-main", "HOT"); got.String() != "9" {
		t.Fatalf("HOT = %s, want 9 after switching back", got)
	}
}

func TestPusher_LocationsFeedingOneListAreAdded(t *testing.T) {
	inv := newFakeInventory()
	p, _ := newTestPusher(t, inv, func(c *PusherConfig) {
		c.Lists = map[string]string{"W1": "uk", "W2": "uk", "W3": "de"}
	})
	p.Offer(StockLevel{SKU: "A", Location: "W1", Available: qty("3"), Sequence: 1, At: t0.Add(time.Hour)},
		StockLevel{SKU: "A", Location: "W2", Available: qty("4"), Sequence: 1, At: t0},
		StockLevel{SKU: "A", Location: "W3", Available: qty("2"), Sequence: 1, At: t0})
	p.Flush(context.Background())
	uk, _ := inv.get("uk", "A")
	de, _ := inv.get("de", "A")
	if uk.String() != "7" || de.String() != "2" {
		t.Fatalf("uk=%s de=%s; want 7 and 2", uk, de)
	}
	inv.mu.Lock()
	reset := inv.resets[invKey{"uk", "A"}]
	inv.mu.Unlock()
	if !reset.Equal(t0) {
		t.Errorf("reset date %v; want the oldest snapshot %v", reset, t0)
	}
}

func TestPusher_InvalidLevelIsRefusedOthersGoThrough(t *testing.T) {
	p, _ := newTestPusher(t, newFakeInventory(), nil)
	st, err := p.Offer(StockLevel{SKU: "", Available: qty("1")}, lvl("A", "1", 1))
	var le *LevelError
	if !errors.As(err, &le) || !errors.Is(err, ErrInvalidLevel) || st.Accepted != 1 || st.Invalid != 1 {
		t.Fatalf("Offer = %+v, %v", st, err)
	}
}

// manualTicker is a Ticker driven by the test.
type manualTicker struct{ c chan time.Time }

func (m *manualTicker) C() <-chan time.Time { return m.c }
func (m *manualTicker) Stop()               {}

func TestPusher_RunFlushesOnTickAndOnKick(t *testing.T) {
	inv := newFakeInventory()
	inv.called = make(chan int, 4)
	tk := &manualTicker{c: make(chan time.Time)}
	p, _ := newTestPusher(t, inv, func(c *PusherConfig) {
		c.NewTicker = func(time.Duration) Ticker { return tk }
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()
	p.Offer(lvl("A", "1", 1))
	tk.c <- t0
	if n := <-inv.called; n != 1 {
		t.Fatalf("call %d", n)
	}
	p.Offer(lvl("A", "2", 2))
	p.Kick()
	if n := <-inv.called; n != 2 {
		t.Fatalf("call %d", n)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v", err)
	}
	if got, _ := inv.get("inv-main", "A"); got.String() != "2" {
		t.Fatalf("A = %s", got)
	}
}

func TestPusher_ErrorClassificationDecidesRetryOrFailure(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want PushState
	}{
		{"429 retried", &sfccLikeError{status: 429}, PushRetrying},
		{"500 retried", &sfccLikeError{status: 500}, PushRetrying},
		{"400 fails", &sfccLikeError{status: 400}, PushFailed},
		{"client-side invalid argument fails", fmt.Errorf("bad sku: %w", sfcc.ErrInvalidArgument), PushFailed},
		{"unclassified retried", errors.New("connection reset"), PushRetrying},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inv := newFakeInventory()
			inv.failSKU = func(string) error { return tc.err }
			p, _ := newTestPusher(t, inv, nil)
			p.Offer(lvl("A", "1", 1))
			p.Flush(context.Background())
			if s, _ := p.Status("inv-main", "A"); s.State != tc.want || !errors.Is(s.Err, tc.err) {
				t.Fatalf("state %s err %v; want %s", s.State, s.Err, tc.want)
			}
		})
	}
}
