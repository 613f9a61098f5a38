package wms

import (
	"fmt"

	"github.com/govalues/decimal"
)

// Rule is a safety-stock buffer held back from what SFCC may sell. The
// buffer is the largest of Units, Percent of the available quantity
// (rounded up to a whole unit, so the buffer always covers at least the
// percentage), and MinUnits, and never below zero: a negative value
// (a typing error in the rules) holds nothing back rather than pushing
// more than is available. The zero Rule holds nothing back.
type Rule struct {
	// Units is a fixed buffer.
	Units decimal.Decimal
	// Percent is a buffer as a percentage of available stock: 10 means 10 %.
	Percent decimal.Decimal
	// MinUnits is a floor for the buffer, typically with Percent ("10 %,
	// but at least 2").
	MinUnits decimal.Decimal
}

// Buffer returns the quantity held back from available. A negative
// available quantity (the WMS is oversold) buffers by Units and MinUnits
// only.
func (r Rule) Buffer(available decimal.Decimal) (decimal.Decimal, error) {
	buf := r.Units.Max(r.MinUnits).Max(decimal.Zero)
	if r.Percent.IsPos() && available.IsPos() {
		p, err := available.Mul(r.Percent)
		if err != nil {
			return decimal.Decimal{}, err
		}
		p, err = p.Quo(decimal.Hundred)
		if err != nil {
			return decimal.Decimal{}, err
		}
		// Round up: 10 % of 15 units holds back 2, never 1.
		buf = buf.Max(p.Ceil(0))
	}
	return buf, nil
}

// Profile is one complete set of rules. The most specific rule applies: a
// SKU rule, else the SKU's category rule, else Global.
type Profile struct {
	Global     Rule
	Categories map[string]Rule
	SKUs       map[string]Rule
}

func (p Profile) rule(sku, category string) Rule {
	if r, ok := p.SKUs[sku]; ok {
		return r
	}
	if category != "" {
		if r, ok := p.Categories[category]; ok {
			return r
		}
	}
	return p.Global
}

// SafetyStock computes the allocation pushed to SFCC: available − buffer,
// never below zero. It has a Normal profile and a HighVelocity profile for
// flash sales (usually larger buffers on the hot SKUs); the Pusher switches
// between them. A SafetyStock must not be modified while a Pusher uses it.
type SafetyStock struct {
	Normal       Profile
	HighVelocity Profile
	// CategoryOf returns a SKU's category for category rules; nil means no
	// categories. The Pusher calls it while holding its lock: it must be
	// fast (a map lookup) and must not call the Pusher.
	CategoryOf func(sku string) string
}

// Allocation is available minus the buffer of the applicable rule, floored
// at zero. A nil SafetyStock holds nothing back (but still floors at zero).
func (s *SafetyStock) Allocation(sku string, available decimal.Decimal, highVelocity bool) (decimal.Decimal, error) {
	var buf decimal.Decimal
	if s != nil {
		p := s.Normal
		if highVelocity {
			p = s.HighVelocity
		}
		var cat string
		if s.CategoryOf != nil {
			cat = s.CategoryOf(sku)
		}
		var err error
		if buf, err = p.rule(sku, cat).Buffer(available); err != nil {
			return decimal.Decimal{}, fmt.Errorf("wms: safety stock for SKU %s: %w", sku, err)
		}
	}
	a, err := available.Sub(buf)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("wms: safety stock for SKU %s: %w", sku, err)
	}
	if a.IsNeg() {
		return decimal.Zero, nil
	}
	return a, nil
}
