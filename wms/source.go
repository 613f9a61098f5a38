package wms

import (
	"context"
)

// ConfirmationSource is the host's adapter to its WMS shipment feed. It
// delivers at least once: a confirmation is returned by every call until it
// is acknowledged. Implementations must be safe for concurrent use; package
// wms/wmstest has a fake and a conformance suite (RunConfirmationSource).
type ConfirmationSource interface {
	// Confirmations returns up to max unacknowledged confirmations (max ≥ 1),
	// none being an empty slice. It returns ctx.Err() if ctx has ended.
	Confirmations(ctx context.Context, max int) ([]ShipmentConfirmation, error)
	// AckConfirmations acknowledges confirmations by (OrderNo, EventID); an
	// acknowledged confirmation is never returned again. Acknowledging one
	// twice, or one the source does not know, is not an error.
	AckConfirmations(ctx context.Context, cs ...ShipmentConfirmation) error
}

// LevelSource is the host's adapter to its stock-level feed, with the same
// at-least-once contract as ConfirmationSource. Levels are identified by
// (SKU, Location, Sequence, At).
type LevelSource interface {
	// Levels returns up to max unacknowledged levels (max ≥ 1).
	Levels(ctx context.Context, max int) ([]StockLevel, error)
	// AckLevels acknowledges levels; repeated or unknown acks are fine.
	AckLevels(ctx context.Context, ls ...StockLevel) error
}

// PumpConfirmations fetches up to max confirmations from src, applies them
// with s (each order's events in sequencing order, orders in parallel) and
// acknowledges every event that is finished: applied, duplicate, waiting
// (the store holds it) or rejected (a business exception the host must
// route; it is in the results). Failed events are left unacknowledged so the
// source delivers them again. It returns the results.
func PumpConfirmations(ctx context.Context, src ConfirmationSource, s *Sequencer, max int) ([]Result, error) {
	cs, err := src.Confirmations(ctx, max)
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	results := s.ApplyAll(ctx, cs)
	var done []ShipmentConfirmation
	for i, r := range results {
		if r.Outcome != OutcomeFailed {
			done = append(done, cs[i])
		}
	}
	if len(done) > 0 {
		if err := src.AckConfirmations(ctx, done...); err != nil {
			return results, err
		}
	}
	return results, nil
}

// PumpLevels fetches up to max levels from src, offers them to p, flushes,
// and acknowledges the levels (stale and invalid ones too: they can never
// apply). A level is acknowledged only after the flush, so a crash before
// it leads to re-delivery rather than loss. A level that failed to push is
// acknowledged too and stays in the Pusher for its retries, so a failing
// SKU never holds back the feed; if the process ends before those retries
// succeed, SFCC gets the SKU's next level or the next Resync.
func PumpLevels(ctx context.Context, src LevelSource, p *Pusher, max int) (OfferStats, FlushReport, error) {
	ls, err := src.Levels(ctx, max)
	if err != nil || len(ls) == 0 {
		return OfferStats{}, FlushReport{}, err
	}
	stats, offerErr := p.Offer(ls...)
	rep, err := p.Flush(ctx)
	if err != nil {
		return stats, rep, err
	}
	if err := src.AckLevels(ctx, ls...); err != nil {
		return stats, rep, err
	}
	// Invalid levels are reported (as *LevelError) but acknowledged: they
	// can never apply.
	return stats, rep, offerErr
}
