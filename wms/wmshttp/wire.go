package wmshttp

import (
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/wms"
)

type confirmationJSON struct {
	OrderNo        string     `json:"order_no"`
	EventID        string     `json:"event_id"`
	ShipmentID     string     `json:"shipment_id,omitempty"`
	Sequence       int64      `json:"sequence,omitempty"`
	Lines          []lineJSON `json:"lines,omitempty"`
	Carrier        string     `json:"carrier,omitempty"`
	Service        string     `json:"service,omitempty"`
	TrackingNumber string     `json:"tracking_number,omitempty"`
	TrackingURL    string     `json:"tracking_url,omitempty"`
	ShippedAt      time.Time  `json:"shipped_at,omitzero"`
}

type lineJSON struct {
	SKU      string          `json:"sku"`
	Quantity decimal.Decimal `json:"quantity"`
}

type levelJSON struct {
	SKU       string          `json:"sku"`
	Location  string          `json:"location,omitempty"`
	Available decimal.Decimal `json:"available"`
	Sequence  int64           `json:"sequence,omitempty"`
	At        time.Time       `json:"at,omitzero"`
}

type confirmationList struct {
	Confirmations []confirmationJSON `json:"confirmations"`
}

type levelList struct {
	Levels []levelJSON `json:"levels"`
}

func confirmationToWire(c wms.ShipmentConfirmation) confirmationJSON {
	w := confirmationJSON{OrderNo: c.OrderNo, EventID: c.EventID, ShipmentID: c.ShipmentID, Sequence: c.Sequence,
		Carrier: c.Carrier, Service: c.Service, TrackingNumber: c.TrackingNumber, TrackingURL: c.TrackingURL, ShippedAt: c.ShippedAt.UTC()}
	if c.ShippedAt.IsZero() {
		w.ShippedAt = time.Time{}
	}
	for _, l := range c.Lines {
		w.Lines = append(w.Lines, lineJSON(l))
	}
	return w
}

func confirmationFromWire(w confirmationJSON) wms.ShipmentConfirmation {
	c := wms.ShipmentConfirmation{OrderNo: w.OrderNo, EventID: w.EventID, ShipmentID: w.ShipmentID, Sequence: w.Sequence,
		Carrier: w.Carrier, Service: w.Service, TrackingNumber: w.TrackingNumber, TrackingURL: w.TrackingURL}
	if !w.ShippedAt.IsZero() {
		c.ShippedAt = w.ShippedAt.UTC()
	}
	for _, l := range w.Lines {
		c.Lines = append(c.Lines, wms.ShippedLine(l))
	}
	return c
}

func levelToWire(l wms.StockLevel) levelJSON {
	w := levelJSON{SKU: l.SKU, Location: l.Location, Available: l.Available, Sequence: l.Sequence}
	if !l.At.IsZero() {
		w.At = l.At.UTC()
	}
	return w
}

func levelFromWire(w levelJSON) wms.StockLevel {
	l := wms.StockLevel{SKU: w.SKU, Location: w.Location, Available: w.Available, Sequence: w.Sequence}
	if !w.At.IsZero() {
		l.At = w.At.UTC()
	}
	return l
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Key     string `json:"key,omitempty"`
	Field   string `json:"field,omitempty"`
}

// Error codes of the API.
const (
	CodeInvalid          = "invalid"
	CodeBadRequest       = "bad_request"
	CodeTooLarge         = "too_large"
	CodeUnauthorized     = "unauthorized"
	CodeNotFound         = "not_found"
	CodeMethodNotAllowed = "method_not_allowed"
	CodeUnavailable      = "unavailable"
	CodeInternal         = "internal"
)
