package main

import (
	"context"
	"encoding/json"
	"io"
	"time"
)

// summary is what -json prints: the keys of examples/o2c's -json that apply
// to a service, counted from the shared database, so any worker of a group
// prints the group's figures.
type summary struct {
	OrdersExported      int             `json:"orders_exported"`
	OrdersFailed        int             `json:"orders_failed"`
	ShipmentsApplied    int             `json:"shipments_applied"`
	ShipmentsRejected   int             `json:"shipments_rejected"`
	NotificationsSent   int             `json:"notifications_sent"`
	InventorySKUsPushed int             `json:"inventory_skus_pushed"`
	SettlementMatched   int             `json:"settlement_matched"`
	SettlementOpen      int             `json:"settlement_open"`
	Exceptions          []exceptionJSON `json:"exceptions"`
}

// exceptionJSON is one open exception in the summary, as examples/o2c
// prints them.
type exceptionJSON struct {
	Kind      string    `json:"kind"`
	Owner     string    `json:"owner"`
	Key       string    `json:"key"`
	Detail    string    `json:"detail"`
	FirstSeen time.Time `json:"first_seen"`
}

func (s *service) summary(ctx context.Context) (summary, error) {
	var sum summary
	for _, c := range []struct {
		dst           *int
		kind, outcome string
	}{
		{&sum.OrdersExported, outcomeOrder, "exported"},
		{&sum.OrdersFailed, outcomeOrder, "failed"},
		{&sum.ShipmentsApplied, outcomeShipment, "applied"},
		{&sum.ShipmentsRejected, outcomeShipment, "rejected"},
		{&sum.NotificationsSent, outcomeNotification, "sent"},
		{&sum.InventorySKUsPushed, outcomeSKU, "pushed"},
	} {
		n, err := s.stores.outcomes.count(ctx, c.kind, c.outcome)
		if err != nil {
			return summary{}, err
		}
		*c.dst = n
	}
	var err error
	if sum.SettlementMatched, err = s.stores.reports.matched(ctx); err != nil {
		return summary{}, err
	}
	open, err := s.stores.settlement.OpenItems(ctx)
	if err != nil {
		return summary{}, err
	}
	sum.SettlementOpen = len(open)
	ex, err := s.openExceptions(ctx)
	if err != nil {
		return summary{}, err
	}
	sum.Exceptions = make([]exceptionJSON, len(ex))
	for i, r := range ex {
		sum.Exceptions[i] = exceptionJSON{Kind: string(r.Kind), Owner: string(r.Owner), Key: r.Key, Detail: r.Detail, FirstSeen: r.FirstSeen}
	}
	return sum, nil
}

func (sum summary) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sum)
}
