package main

import (
	"context"
	"time"

	"github.com/o2ckit/o2c/wms"
)

// monitor is step 4: orders the WMS shipped that SFCC does not show as
// shipped after the agreed time are surfaced as exceptions for operations;
// after a good fulfilment run there are none.
func (d *day) monitor(ctx context.Context) error {
	if d.shipments == nil {
		return nil
	}
	mon, err := wms.NewMonitor(wms.MonitorConfig{
		Orders: d.client, Store: d.shipments, After: 4 * time.Hour,
		Now: func() time.Time { return d.shippedAt.Add(24 * time.Hour) },
	})
	if err != nil {
		return err
	}
	lagging, err := mon.Lagging(ctx)
	if err != nil {
		return err
	}
	for _, l := range lagging {
		d.exceptions = append(d.exceptions, notedException{d.classifier.ClassifyFinding(l), l.OrderNo, ""})
	}
	d.progress("      %d orders shipped in the WMS but not in SFCC after 4h", len(lagging))
	return nil
}
