package wmstest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/wms"
)

// RunEventStore checks that a wms.EventStore honours its contract, so a
// durable store (SQL, key-value) can replace wms.MemoryEventStore behind a
// Sequencer. newStore must return an empty store.
func RunEventStore(t *testing.T, newStore func(t *testing.T) wms.EventStore) {
	ctx := context.Background()
	at := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	sample := SampleConfirmations(6) // orders CONF00000 (E0..E2) and CONF00001 (E3..E5)

	t.Run("RecordKeepsTheFirstVersion", func(t *testing.T) {
		st := newStore(t)
		r, created, err := st.Record(ctx, sample[0], wms.EventRecorded, at)
		if err != nil || !created || r.State != wms.EventRecorded || !r.RecordedAt.Equal(at) {
			t.Fatalf("first Record = %+v, %v, %v", r, created, err)
		}
		changed := sample[0]
		changed.TrackingNumber = "OTHER"
		r, created, err = st.Record(ctx, changed, wms.EventWaiting, at.Add(time.Hour))
		if err != nil || created || r.State != wms.EventRecorded || r.Confirmation.TrackingNumber != sample[0].TrackingNumber {
			t.Fatalf("second Record = %+v, %v, %v; want the stored record unchanged", r, created, err)
		}
	})
	t.Run("SetStateIsRemembered", func(t *testing.T) {
		st := newStore(t)
		st.Record(ctx, sample[0], wms.EventRecorded, at)
		if err := st.SetState(ctx, sample[0].OrderNo, sample[0].EventID, wms.EventRejected, "over-shipped", at.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		evs, err := st.Events(ctx, sample[0].OrderNo)
		if err != nil || len(evs) != 1 || evs[0].State != wms.EventRejected || evs[0].Reason != "over-shipped" || !evs[0].UpdatedAt.Equal(at.Add(time.Minute)) {
			t.Fatalf("Events = %+v, %v", evs, err)
		}
		if err := st.SetState(ctx, "NOPE", "nope", wms.EventDone, "", at); err == nil {
			t.Fatal("SetState of an unknown event: want an error")
		}
	})
	t.Run("EventsInSequencingOrder", func(t *testing.T) {
		st := newStore(t)
		evs := []wms.ShipmentConfirmation{sample[2], sample[0], sample[1]}
		evs[0].Sequence, evs[1].Sequence, evs[2].Sequence = 3, 1, 2
		for _, c := range evs {
			st.Record(ctx, c, wms.EventRecorded, at)
		}
		got, err := st.Events(ctx, sample[0].OrderNo)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range got {
			ids = append(ids, r.Confirmation.EventID)
		}
		if diff := cmp.Diff([]string{"E0", "E1", "E2"}, ids); diff != "" {
			t.Fatalf("order (-want +got):\n%s", diff)
		}
		if none, err := st.Events(ctx, "UNKNOWN"); err != nil || len(none) != 0 {
			t.Fatalf("Events(unknown) = %v, %v", none, err)
		}
	})
	t.Run("UnfinishedAndShippedBefore", func(t *testing.T) {
		st := newStore(t)
		for i, c := range sample {
			st.Record(ctx, c, wms.EventRecorded, at)
			switch i % 3 {
			case 0:
				st.SetState(ctx, c.OrderNo, c.EventID, wms.EventDone, "", at)
			case 1:
				st.SetState(ctx, c.OrderNo, c.EventID, wms.EventRejected, "x", at)
			}
		}
		un, err := st.Unfinished(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range un {
			ids = append(ids, r.Confirmation.EventID)
		}
		if diff := cmp.Diff([]string{"E2", "E5"}, ids); diff != "" {
			t.Fatalf("Unfinished (-want +got):\n%s", diff)
		}
		// sample[i] shipped at 08:00 + i minutes; E3 of CONF00001 is done,
		// E4 rejected (ignored), so a cutoff at 08:04 finds both orders and
		// one at 08:03 (exclusive) only the first.
		got, err := st.OrdersShippedBefore(ctx, sample[4].ShippedAt)
		if err != nil || !slices.Equal(got, []string{"CONF00000", "CONF00001"}) {
			t.Fatalf("OrdersShippedBefore(08:04) = %v, %v", got, err)
		}
		got, _ = st.OrdersShippedBefore(ctx, sample[3].ShippedAt)
		if !slices.Equal(got, []string{"CONF00000"}) {
			t.Fatalf("OrdersShippedBefore(08:03) = %v", got)
		}
	})
	t.Run("ConcurrentRecordsCreateOnce", func(t *testing.T) {
		st := newStore(t)
		var mu sync.Mutex
		created := 0
		var wg sync.WaitGroup
		for i := range 16 {
			wg.Go(func() {
				c := sample[i%2]
				if _, ok, err := st.Record(ctx, c, wms.EventRecorded, at); err != nil {
					t.Error(err)
				} else if ok {
					mu.Lock()
					created++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if created != 2 {
			t.Fatalf("%d creations for 2 events", created)
		}
	})
	t.Run("EndedContextIsAnError", func(t *testing.T) {
		c, cancel := context.WithCancel(ctx)
		cancel()
		if _, _, err := newStore(t).Record(c, sample[0], wms.EventRecorded, at); err == nil {
			t.Fatal("Record with an ended context: want an error")
		}
	})
}
