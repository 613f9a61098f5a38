package wms

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/o2ckit/o2c/sfcc"
)

// ParsePackages reads the Packages attribute written by the Sequencer (a
// JSON array of PackageJSON). An empty value is no packages.
func ParsePackages(value string) ([]PackageJSON, error) {
	if value == "" {
		return nil, nil
	}
	var out []PackageJSON
	if err := json.Unmarshal([]byte(value), &out); err != nil {
		return nil, fmt.Errorf("wms: packages attribute: %w", err)
	}
	for i, p := range out {
		if p.ID == "" || p.EventID == "" {
			return nil, fmt.Errorf("wms: packages attribute: package %d has no id or event id", i)
		}
	}
	return out, nil
}

// MonitorConfig configures a Monitor. Orders, Store and After are required.
type MonitorConfig struct {
	// Orders reads the SFCC orders.
	Orders OrderReader
	// Store is the Sequencer's event store: what the WMS shipped.
	Store EventStore
	// After is the agreed time: a package shipped in the WMS longer ago
	// than this must show in SFCC.
	After time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Attributes must match the Sequencer's.
	Attributes Attributes
}

// Monitor lists orders the WMS shipped that SFCC does not show as shipped
// after the agreed time. Safe for concurrent use.
type Monitor struct {
	cfg MonitorConfig
}

// NewMonitor validates cfg and returns a Monitor.
func NewMonitor(cfg MonitorConfig) (*Monitor, error) {
	switch {
	case cfg.Orders == nil:
		return nil, errors.New("wms: MonitorConfig.Orders is required")
	case cfg.Store == nil:
		return nil, errors.New("wms: MonitorConfig.Store is required")
	case cfg.After <= 0:
		return nil, errors.New("wms: MonitorConfig.After must be positive")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Attributes = cfg.Attributes.withDefaults()
	return &Monitor{cfg: cfg}, nil
}

// Lagging is an order whose SFCC state is behind what the WMS shipped.
type Lagging struct {
	OrderNo string
	// WMSStatus is the shipping status the WMS events imply; SFCCStatus is
	// what the order shows.
	WMSStatus  sfcc.ShippingStatus
	SFCCStatus sfcc.ShippingStatus
	// Packages are the WMS package ids SFCC does not reflect (missing from
	// the tracking attributes, or not covered by the shipping status).
	Packages []string
	// Since is the shipped-at time of the earliest such package; Age is how
	// long ago that was.
	Since time.Time
	Age   time.Duration
}

// MonitorError reports an order the monitor could not check; the others are
// still listed.
type MonitorError struct {
	OrderNo string
	Err     error
}

// Error describes the failure with its business key.
func (e *MonitorError) Error() string {
	return fmt.Sprintf("wms: monitor: order %s: %v", e.OrderNo, e.Err)
}

// Unwrap returns the cause.
func (e *MonitorError) Unwrap() error { return e.Err }

// Lagging lists, oldest first, the orders with a package shipped in the WMS
// more than After ago that SFCC does not reflect. A package counts as
// reflected when the order's Packages attribute lists its event and the
// order's shipping status is at least the status the WMS events up to and
// including it imply. Held (waiting) events count as shipped: the WMS did
// ship them. Orders that could not be read are reported as *MonitorError in
// the joined error.
func (m *Monitor) Lagging(ctx context.Context) ([]Lagging, error) {
	now := m.cfg.Now()
	cutoff := now.Add(-m.cfg.After)
	nos, err := m.cfg.Store.OrdersShippedBefore(ctx, cutoff)
	if err != nil {
		return nil, err
	}
	var out []Lagging
	var errs []error
	for _, no := range nos {
		lag, ok, err := m.check(ctx, no, now)
		if err != nil {
			if ctx.Err() != nil {
				return out, ctx.Err()
			}
			errs = append(errs, &MonitorError{OrderNo: no, Err: err})
			continue
		}
		if ok && !lag.Since.After(cutoff) {
			out = append(out, lag)
		}
	}
	slices.SortFunc(out, func(a, b Lagging) int {
		return cmp.Or(a.Since.Compare(b.Since), cmp.Compare(a.OrderNo, b.OrderNo))
	})
	return out, errors.Join(errs...)
}

func (m *Monitor) check(ctx context.Context, orderNo string, now time.Time) (Lagging, bool, error) {
	recs, err := m.cfg.Store.Events(ctx, orderNo)
	if err != nil {
		return Lagging{}, false, err
	}
	o, err := m.cfg.Orders.GetOrder(ctx, orderNo)
	if err != nil {
		return Lagging{}, false, err
	}
	ordered, err := orderedQuantities(o)
	if err != nil {
		return Lagging{}, false, err
	}
	reflected := map[string]bool{}
	if a, ok := o.Custom.Get(m.cfg.Attributes.Packages); ok {
		pkgs, err := ParsePackages(a.Value())
		if err != nil {
			return Lagging{}, false, err
		}
		for _, p := range pkgs {
			reflected[p.EventID] = true
		}
	}
	lag := Lagging{OrderNo: orderNo, SFCCStatus: o.Status.Shipping}
	var shipped []ShipmentConfirmation
	for _, r := range recs {
		if r.State == EventRejected {
			continue
		}
		c := r.Confirmation
		shipped = append(shipped, c)
		sq, err := shippedQuantities(shipped)
		if err != nil {
			return Lagging{}, false, err
		}
		implied := statusFor(ordered, sq)
		lag.WMSStatus = implied
		if !reflected[c.EventID] || statusRank(o.Status.Shipping) < statusRank(implied) {
			lag.Packages = append(lag.Packages, c.ShipmentID)
			if lag.Since.IsZero() || c.ShippedAt.Before(lag.Since) {
				lag.Since = c.ShippedAt
			}
		}
	}
	if len(lag.Packages) == 0 {
		return Lagging{}, false, nil
	}
	lag.Age = now.Sub(lag.Since)
	return lag, true, nil
}
