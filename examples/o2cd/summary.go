package main

import (
	"context"
	"encoding/json"
	"io"
)

// summary is what -json prints: the keys of examples/o2c's -json that apply
// to a service, counted from the shared database, so any worker of a group
// prints the group's figures.
type summary struct {
	OrdersExported      int         `json:"orders_exported"`
	OrdersFailed        int         `json:"orders_failed"`
	ShipmentsApplied    int         `json:"shipments_applied"`
	ShipmentsRejected   int         `json:"shipments_rejected"`
	NotificationsSent   int         `json:"notifications_sent"`
	InventorySKUsPushed int         `json:"inventory_skus_pushed"`
	Exceptions          []Exception `json:"exceptions"`
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
	ex, err := s.stores.exceptions.Exceptions(ctx)
	if err != nil {
		return summary{}, err
	}
	sum.Exceptions = ex
	if sum.Exceptions == nil {
		sum.Exceptions = []Exception{}
	}
	return sum, nil
}

func (sum summary) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sum)
}
