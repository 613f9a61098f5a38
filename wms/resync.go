package wms

import (
	"context"
	"errors"
	"io"
	"slices"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/orderxml"
)

// Snapshot returns, per inventory list, a record of every SKU the Pusher
// has a level for: the current allocation (after safety stock) and, as the
// allocation timestamp, the oldest source time of its levels. Records are
// sorted by SKU.
func (p *Pusher) Snapshot() map[string][]sfcc.InventoryRecord {
	p.mu.Lock()
	out := map[string][]sfcc.InventoryRecord{}
	for k, st := range p.skus {
		if len(st.levels) == 0 {
			continue
		}
		out[k.list] = append(out[k.list], sfcc.InventoryRecord{ProductID: k.sku, InventoryListID: k.list,
			Allocation: st.want, AllocationResetDate: st.resetAt})
	}
	p.mu.Unlock()
	for _, recs := range out {
		slices.SortFunc(recs, func(a, b sfcc.InventoryRecord) int { return compareStrings(a.ProductID, b.ProductID) })
	}
	return out
}

// Resync writes an inventory import file (inventory.xsd, through
// sfcc/orderxml's InventoryWriter) with every SKU of every list the Pusher
// knows (see Snapshot), for the ImportInventoryLists job step — the full
// reconciliation to run nightly or after an outage, next to the incremental
// pushes. It does not change what the Pusher believes SFCC holds: the job
// runs later and may fail. A record the schema cannot carry is left out and
// reported (an *orderxml.EncodeError naming list and SKU, joined into the
// returned error); the others are still written.
func (p *Pusher) Resync(ctx context.Context, w io.Writer) error {
	snap := p.Snapshot()
	lists := make([]string, 0, len(snap))
	for l := range snap {
		lists = append(lists, l)
	}
	slices.Sort(lists)
	iw := orderxml.NewInventoryWriter(w)
	var refused []error
	for _, l := range lists {
		if err := iw.WriteHeader(ctx, orderxml.InventoryHeader{ListID: l}); err != nil {
			return err
		}
		for _, rec := range snap[l] {
			if err := iw.WriteRecord(ctx, rec); err != nil {
				var ee *orderxml.EncodeError
				if !errors.As(err, &ee) {
					return err
				}
				refused = append(refused, err)
			}
		}
	}
	if err := iw.Close(); err != nil {
		return err
	}
	return errors.Join(refused...)
}
