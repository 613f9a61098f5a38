package wms

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

// ShipmentConfirmation is one WMS shipment event: a package (parcel) of an
// SFCC order left the warehouse.
type ShipmentConfirmation struct {
	// OrderNo is the SFCC order number.
	OrderNo string `json:"order_no"`
	// EventID is the WMS event id. Together with OrderNo it identifies the
	// event: a re-delivery carries the same id and is a no-op.
	EventID string `json:"event_id"`
	// ShipmentID is the WMS package (shipment) id; one notification is sent
	// per package.
	ShipmentID string `json:"shipment_id"`
	// Sequence is an optional per-order sequence number assigned by the WMS,
	// starting at 1. When it is set, an event is held until every lower
	// number of its order has been handled. Zero means unsequenced.
	Sequence int64 `json:"sequence,omitempty"`
	// Lines are the SKUs and quantities in the package.
	Lines []ShippedLine `json:"lines"`
	// Carrier and Service name the carrier and its service level.
	Carrier string `json:"carrier,omitempty"`
	Service string `json:"service,omitempty"`
	// TrackingNumber and TrackingURL let the customer follow the package.
	TrackingNumber string `json:"tracking_number,omitempty"`
	TrackingURL    string `json:"tracking_url,omitempty"`
	// ShippedAt is when the package left the warehouse, UTC.
	ShippedAt time.Time `json:"shipped_at"`
}

// ShippedLine is one SKU and quantity in a package. Lines are matched to the
// order's product line items by SKU; when an order has the same SKU on
// several lines, their quantities are added up.
type ShippedLine struct {
	SKU      string          `json:"sku"`
	Quantity decimal.Decimal `json:"quantity"`
}

// validate reports what is missing, or "".
func (c ShipmentConfirmation) validate() string {
	switch {
	case strings.TrimSpace(c.OrderNo) == "":
		return "order number is empty"
	case strings.TrimSpace(c.EventID) == "":
		return "event id is empty"
	case strings.TrimSpace(c.ShipmentID) == "":
		return "package (shipment) id is empty"
	case c.ShippedAt.IsZero():
		return "shipped-at is missing"
	case c.Sequence < 0:
		return "sequence number is negative"
	case len(c.Lines) == 0:
		return "no lines"
	}
	for _, l := range c.Lines {
		if strings.TrimSpace(l.SKU) == "" {
			return "a line has no SKU"
		}
		if !l.Quantity.IsPos() {
			return "line " + l.SKU + " has a quantity that is not positive"
		}
	}
	return ""
}

// sameContent reports whether two confirmations with the same key carry the
// same facts (a genuine re-delivery rather than a re-used id).
func sameContent(a, b ShipmentConfirmation) bool {
	if a.OrderNo != b.OrderNo || a.EventID != b.EventID || a.ShipmentID != b.ShipmentID ||
		a.Sequence != b.Sequence || a.Carrier != b.Carrier || a.Service != b.Service ||
		a.TrackingNumber != b.TrackingNumber || a.TrackingURL != b.TrackingURL ||
		!a.ShippedAt.Equal(b.ShippedAt) || len(a.Lines) != len(b.Lines) {
		return false
	}
	for i := range a.Lines {
		if a.Lines[i].SKU != b.Lines[i].SKU || a.Lines[i].Quantity.Cmp(b.Lines[i].Quantity) != 0 {
			return false
		}
	}
	return true
}

// compareEvents is the sequencing order of one order's events: by Sequence
// (unsequenced events count as 0), then by ShippedAt, then by EventID.
func compareEvents(a, b ShipmentConfirmation) int {
	if c := cmp.Compare(a.Sequence, b.Sequence); c != 0 {
		return c
	}
	if c := a.ShippedAt.Compare(b.ShippedAt); c != 0 {
		return c
	}
	return strings.Compare(a.EventID, b.EventID)
}

// orderedQuantities sums the order's product line quantities per SKU.
func orderedQuantities(o sfcc.Order) (map[string]decimal.Decimal, error) {
	out := make(map[string]decimal.Decimal, len(o.ProductLineItems))
	for _, li := range o.ProductLineItems {
		sum, err := out[li.ProductID].Add(li.Quantity.Value)
		if err != nil {
			return nil, err
		}
		out[li.ProductID] = sum
	}
	return out, nil
}

// shippedQuantities sums shipped quantities per SKU over events.
func shippedQuantities(events []ShipmentConfirmation) (map[string]decimal.Decimal, error) {
	out := map[string]decimal.Decimal{}
	for _, e := range events {
		for _, l := range e.Lines {
			sum, err := out[l.SKU].Add(l.Quantity)
			if err != nil {
				return nil, err
			}
			out[l.SKU] = sum
		}
	}
	return out, nil
}

// checkQuantities verifies that c, on top of the already accepted events,
// ships only SKUs of the order and no more than ordered.
func checkQuantities(ordered map[string]decimal.Decimal, accepted []ShipmentConfirmation, c ShipmentConfirmation) error {
	shipped, err := shippedQuantities(append(slices.Clip(accepted), c))
	if err != nil {
		return err
	}
	for _, l := range c.Lines {
		o, ok := ordered[l.SKU]
		if !ok || o.IsZero() {
			return &QuantityError{OrderNo: c.OrderNo, EventID: c.EventID, ShipmentID: c.ShipmentID,
				SKU: l.SKU, Shipped: shipped[l.SKU], Kind: ErrUnknownLine}
		}
		if shipped[l.SKU].Cmp(o) > 0 {
			return &QuantityError{OrderNo: c.OrderNo, EventID: c.EventID, ShipmentID: c.ShipmentID,
				SKU: l.SKU, Ordered: o, Shipped: shipped[l.SKU], Kind: ErrOverShipped}
		}
	}
	return nil
}

// statusFor is the order shipping status implied by shipped quantities:
// SHIPPED when every ordered SKU is fully shipped, PART_SHIPPED when
// anything is shipped, NOT_SHIPPED otherwise.
func statusFor(ordered, shipped map[string]decimal.Decimal) sfcc.ShippingStatus {
	any, all := false, true
	for sku, o := range ordered {
		s := shipped[sku]
		if s.IsPos() {
			any = true
		}
		if s.Cmp(o) < 0 {
			all = false
		}
	}
	switch {
	case any && all:
		return sfcc.ShippingStatusShipped
	case any:
		return sfcc.ShippingStatusPartShipped
	}
	return sfcc.ShippingStatusNotShipped
}

// statusRank orders shipping statuses so the sequencer never moves one back.
func statusRank(s sfcc.ShippingStatus) int {
	switch s {
	case sfcc.ShippingStatusShipped:
		return 2
	case sfcc.ShippingStatusPartShipped:
		return 1
	}
	return 0
}

// Attributes names the order custom attributes the sequencer writes, as
// attribute ids without the "c_" prefix. See the package documentation for
// the scheme. Empty fields take the defaults; ShipmentPrefix is off unless set.
type Attributes struct {
	// TrackingNumbers is a multi-value attribute of every tracking number.
	TrackingNumbers string
	// Packages is a text attribute holding the packages as a JSON array.
	Packages string
	// ShipmentPrefix, when set, turns on one multi-value attribute per SFCC
	// shipment: ShipmentPrefix + sanitised SFCC shipment id.
	ShipmentPrefix string
}

// Default attribute ids.
const (
	DefaultTrackingNumbersAttr = "trackingNumbers"
	DefaultPackagesAttr        = "wmsPackages"
)

func (a Attributes) withDefaults() Attributes {
	if a.TrackingNumbers == "" {
		a.TrackingNumbers = DefaultTrackingNumbersAttr
	}
	if a.Packages == "" {
		a.Packages = DefaultPackagesAttr
	}
	return a
}

// PackageJSON is the JSON form of one package inside the Packages attribute.
type PackageJSON struct {
	ID             string            `json:"id"`
	EventID        string            `json:"event_id"`
	Carrier        string            `json:"carrier,omitempty"`
	Service        string            `json:"service,omitempty"`
	TrackingNumber string            `json:"tracking_number,omitempty"`
	TrackingURL    string            `json:"tracking_url,omitempty"`
	ShippedAt      string            `json:"shipped_at"`
	Lines          []PackageLineJSON `json:"lines"`
}

// PackageLineJSON is one line of a package in the Packages attribute; the
// quantity is an exact JSON number.
type PackageLineJSON struct {
	SKU      string      `json:"sku"`
	Quantity json.Number `json:"quantity"`
}

// ShipmentAttr is the per-shipment attribute id for an SFCC shipment id
// under prefix: characters outside [A-Za-z0-9_] become "_".
func ShipmentAttr(prefix, shipmentID string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, r := range shipmentID {
		if r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// render builds the custom attributes for the order from its accepted
// events, which must be in sequencing order. The result depends only on the
// set of events, so re-writing it after a crash or a re-delivery is harmless.
func (a Attributes) render(o sfcc.Order, events []ShipmentConfirmation) (map[string]any, error) {
	tracking := []string{}
	pkgs := make([]PackageJSON, 0, len(events))
	perShipment := map[string][]string{}
	shipmentOf := map[string][]string{}
	for _, li := range o.ProductLineItems {
		if li.ShipmentID != "" && !slices.Contains(shipmentOf[li.ProductID], li.ShipmentID) {
			shipmentOf[li.ProductID] = append(shipmentOf[li.ProductID], li.ShipmentID)
		}
	}
	for _, e := range events {
		if e.TrackingNumber != "" {
			tracking = append(tracking, e.TrackingNumber)
		}
		p := PackageJSON{ID: e.ShipmentID, EventID: e.EventID, Carrier: e.Carrier, Service: e.Service,
			TrackingNumber: e.TrackingNumber, TrackingURL: e.TrackingURL,
			ShippedAt: e.ShippedAt.UTC().Format(time.RFC3339)}
		touched := []string{}
		for _, l := range e.Lines {
			p.Lines = append(p.Lines, PackageLineJSON{SKU: l.SKU, Quantity: json.Number(l.Quantity.String())})
			for _, sid := range shipmentOf[l.SKU] {
				if !slices.Contains(touched, sid) {
					touched = append(touched, sid)
				}
			}
		}
		pkgs = append(pkgs, p)
		if e.TrackingNumber != "" {
			for _, sid := range touched {
				perShipment[sid] = append(perShipment[sid], e.TrackingNumber)
			}
		}
	}
	js, err := json.Marshal(pkgs)
	if err != nil {
		return nil, err
	}
	attrs := map[string]any{
		a.TrackingNumbers: tracking,
		a.Packages:        string(js),
	}
	if a.ShipmentPrefix != "" {
		for sid, nums := range perShipment {
			attrs[ShipmentAttr(a.ShipmentPrefix, sid)] = nums
		}
	}
	return attrs, nil
}
