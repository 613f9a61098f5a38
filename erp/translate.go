package erp

import (
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/mapping"
	"github.com/o2ckit/o2c/sfcc"
)

// Account names Translate reads from the accounts table.
const (
	AccountMerchandiseRevenue       = "merchandise_revenue"
	AccountGiftCertificateLiability = "gift_certificate_liability"
	AccountRounding                 = "rounding"
	// AccountDiscountFallback is used only for a promotion whose row names a
	// discount item but no account, and only if finance added the row.
	AccountDiscountFallback = "discount_fallback"
)

// Translator turns SFCC orders into ERP sales orders through a set of
// mapping tables. It is pure and deterministic: the same order and tables
// always give the same document, byte for byte. It is safe for concurrent use.
type Translator struct {
	tables *mapping.Tables
	tol    decimal.Decimal
	scale  func(string) int
}

// Translate makes the ERP sales order for o.
//
// Rules, in finance's terms:
//   - Item lines carry the SFCC line amounts before line promotions; every
//     promotion becomes discount lines, one per tax code and rate it touched.
//     SFCC exports do not say which lines an order-level promotion
//     discounted, so it is spread over all product lines in proportion to
//     their discounted amounts (largest remainder), and its tax is split
//     across those lines' tax codes in proportion to the tax each share
//     carries, to the penny. Shipping promotions follow their shipping lines.
//   - Under gross taxation the SFCC gross amounts are kept and net = gross −
//     tax; under net taxation the net amounts are kept and gross = net + tax.
//   - When SFCC gives tax only on the order total, it is allocated over every
//     taxable line by largest remainder in proportion to each line's tax at
//     its rate.
//   - Gift certificates sold credit the liability account; gift certificates
//     redeemed are payments against it. Each payment maps on its own.
//   - The document total must equal the SFCC order total exactly. A residual
//     within TranslatorConfig.RoundingTolerance is a rounding line on the rounding
//     account; a larger one is a *TotalMismatchError. The payments must add
//     up to the order total exactly.
//   - Custom attributes with a row in the attributes table become custom
//     fields; longer values are truncated or rejected as the row says. A
//     shipment or product row for giftMessage (GiftMessageAttribute) carries
//     SFCC's standard gift message of that shipment or line.
//   - Options are item lines of their own; bundled products carry no
//     amounts (the bundle's line does). Every shipment's method must be
//     mapped, even one shipped free with no shipping line.
//
// Errors: a *TranslationError naming the order and carrying every problem
// found — each *mapping.MissingError the order runs into (so
// mapping.MissingErrors lists them all), *TotalMismatchError,
// *FieldTooLongError, *MappingRowError, *OrderError; errors.As finds each of
// them through it. On error the returned document is the zero value:
// nothing half-translated.
func (tr *Translator) Translate(o sfcc.Order) (SalesOrder, error) {
	if o.OrderNo == "" {
		return SalesOrder{}, &OrderError{Reason: "no order number: it is the ERP document's external reference"}
	}
	t := translation{tr: tr, o: &o, on: o.OrderDate, scale: tr.scale(o.Currency)}
	switch o.Taxation {
	case sfcc.TaxationGross:
		t.gross = true
	case sfcc.TaxationNet:
	default:
		return SalesOrder{}, &OrderError{OrderNo: o.OrderNo, Reason: fmt.Sprintf("unknown taxation %q", o.Taxation)}
	}
	so, err := t.run()
	if err != nil {
		return SalesOrder{}, err
	}
	return so, nil
}

// Check translates o through tables (with tr's options) and returns the
// order number and the error: the check mapping.Audit runs to find every
// mapping an order needs.
func (tr *Translator) Check(tables *mapping.Tables, o sfcc.Order) (string, error) {
	with := *tr
	if tables != nil {
		with.tables = tables
	}
	_, err := with.Translate(o)
	return o.OrderNo, err
}

type pieceKind int

const (
	pieceItem pieceKind = iota
	pieceDiscount
	pieceShipping
)

// piece is one taxable amount of the document before its lines are built.
type piece struct {
	kind   pieceKind
	line   int             // index into Items or Shipping
	base   decimal.Decimal // gross under gross taxation, net under net
	tax    decimal.Decimal
	rate   decimal.Decimal
	taxRow mapping.TaxRow
	// discounts only
	level   DiscountLevel
	adj     *sfcc.PriceAdjustment
	account string
	item    string
}

type translation struct {
	tr     *Translator
	o      *sfcc.Order
	on     time.Time
	scale  int
	gross  bool
	c      calc
	errs   []error
	so     SalesOrder
	pieces []piece
	// productPos is the item line position of each SFCC product line
	// (options take positions of their own).
	productPos []int
}

func (t *translation) fail(err error) { t.errs = append(t.errs, err) }

func (t *translation) orderErr(format string, args ...any) {
	t.fail(&OrderError{OrderNo: t.o.OrderNo, Reason: fmt.Sprintf(format, args...)})
}

func (t *translation) base(a sfcc.LineAmounts) decimal.Decimal {
	if t.gross {
		return a.GrossPrice
	}
	return a.NetPrice
}

func (t *translation) account(name string) string {
	row, err := t.tr.tables.Account(name, t.on)
	if err != nil {
		t.fail(err)
	}
	return row.Account
}

func (t *translation) taxRow(country string, rate decimal.Decimal, class string) mapping.TaxRow {
	row, err := t.tr.tables.Tax(country, rate, class, t.on)
	if err != nil {
		t.fail(err)
	}
	return row
}

func (t *translation) shipment(id string) *sfcc.Shipment {
	for i := range t.o.Shipments {
		if t.o.Shipments[i].ID == id {
			return &t.o.Shipments[i]
		}
	}
	if len(t.o.Shipments) == 1 && id == "" {
		return &t.o.Shipments[0]
	}
	return nil
}

// country is where tax is due for a shipment: the shipping address, else
// the billing address.
func (t *translation) country(shipmentID string) string {
	if s := t.shipment(shipmentID); s != nil && s.ShippingAddress.CountryCode != "" {
		return s.ShippingAddress.CountryCode
	}
	return t.o.Customer.BillingAddress.CountryCode
}

// taxOnTotalsOnly reports whether SFCC gave tax only on the order total.
func taxOnTotalsOnly(o *sfcc.Order) bool {
	if o.Totals.OrderTotal.Tax.IsZero() {
		return false
	}
	adjsTaxed := func(pas []sfcc.PriceAdjustment) bool {
		for _, pa := range pas {
			if !pa.Tax.IsZero() {
				return true
			}
		}
		return false
	}
	for _, p := range o.ProductLineItems {
		if !p.Tax.IsZero() || adjsTaxed(p.PriceAdjustments) {
			return false
		}
		for _, op := range p.Options {
			if !op.Tax.IsZero() || adjsTaxed(op.PriceAdjustments) {
				return false
			}
		}
		if s := p.ShippingLineItem; s != nil && (!s.Tax.IsZero() || adjsTaxed(s.PriceAdjustments)) {
			return false
		}
	}
	for _, s := range o.ShippingLineItems {
		if !s.Tax.IsZero() || adjsTaxed(s.PriceAdjustments) {
			return false
		}
	}
	return !adjsTaxed(o.Totals.MerchandizeTotal.PriceAdjustments) && !adjsTaxed(o.Totals.ShippingTotal.PriceAdjustments)
}

// theoreticalTax is the tax a piece would carry at its rate, unrounded: the
// weight for allocating tax given on totals or on a whole promotion.
func (t *translation) theoreticalTax(base, rate decimal.Decimal) decimal.Decimal {
	if rate.IsZero() {
		return decimal.Zero
	}
	tax := t.c.mul(base, rate)
	if t.gross {
		tax = t.c.keep(tax.Quo(t.c.add(decimal.One, rate)))
	}
	return tax.Round(t.scale + 6)
}

func (t *translation) run() (SalesOrder, error) {
	o := t.o
	t.so = SalesOrder{
		ExternalRef: o.OrderNo,
		OrderDate:   o.OrderDate,
		Currency:    o.Currency,
		Taxation:    o.Taxation,
		Customer:    CustomerRef{CustomerNo: o.Customer.CustomerNo, Guest: o.Customer.Guest},
	}
	totalsOnly := taxOnTotalsOnly(o)
	itemWeights := t.items()
	t.spread(DiscountOrder, o.Totals.MerchandizeTotal.PriceAdjustments, pieceItem, itemWeights, totalsOnly)
	shipWeights := t.shipping()
	t.spread(DiscountShipping, o.Totals.ShippingTotal.PriceAdjustments, pieceShipping, shipWeights, totalsOnly)
	t.giftCertificates()
	if totalsOnly {
		t.allocateTotalTax()
	}
	t.buildLines()
	t.payments()
	t.customFields()
	if len(t.errs) == 0 && t.c.err == nil {
		t.totals()
	}
	if t.c.err != nil {
		t.orderErr("amount out of range: %v", t.c.err)
	}
	if len(t.errs) > 0 {
		return SalesOrder{}, &TranslationError{OrderNo: o.OrderNo, Errs: t.errs}
	}
	return t.so, nil
}

// items adds the item lines and their line promotions, and returns each
// item line's discounted amount (the weight for order-level promotions).
func (t *translation) items() []decimal.Decimal {
	var weights []decimal.Decimal
	revenue := t.account(AccountMerchandiseRevenue)
	addLine := func(p *sfcc.ProductLineItem, sku, name string, qty decimal.Decimal, a sfcc.LineAmounts, adjs []sfcc.PriceAdjustment) {
		rate := p.TaxRate
		row := t.taxRow(t.country(p.ShipmentID), rate, p.TaxClassID)
		idx := len(t.so.Items)
		t.so.Items = append(t.so.Items, ItemLine{
			Position: idx + 1, SKU: sku, Description: name, Quantity: qty, UnitPrice: a.BasePrice,
			TaxRate: rate, TaxCode: row.TaxCode, TaxAccount: row.TaxAccount, RevenueAccount: revenue, ShipmentID: p.ShipmentID,
		})
		base := t.base(a)
		t.pieces = append(t.pieces, piece{kind: pieceItem, line: idx, base: base, tax: a.Tax, rate: rate, taxRow: row})
		weight := base
		for i := range adjs {
			b := t.base(adjs[i].LineAmounts)
			weight = t.c.add(weight, b)
			t.discountPiece(DiscountProduct, &adjs[i], b, adjs[i].Tax, rate, row)
		}
		weights = append(weights, weight)
	}
	for i := range t.o.ProductLineItems {
		p := &t.o.ProductLineItems[i]
		t.productPos = append(t.productPos, len(t.so.Items)+1)
		addLine(p, p.ProductID, p.ProductName, p.Quantity.Value, p.LineAmounts, p.PriceAdjustments)
		for _, op := range p.Options {
			sku := op.ProductID
			if sku == "" {
				sku = op.OptionID + "/" + op.ValueID
			}
			addLine(p, sku, op.Text, p.Quantity.Value, op.LineAmounts, op.PriceAdjustments)
		}
	}
	return weights
}

func (t *translation) discountPiece(level DiscountLevel, pa *sfcc.PriceAdjustment, base, tax, rate decimal.Decimal, row mapping.TaxRow) {
	promo, err := t.tr.tables.Promotion(pa.PromotionID, pa.CampaignID, pa.CouponID, t.on)
	if err != nil {
		t.fail(err)
	}
	account := promo.DiscountAccount
	if err == nil && account == "" {
		account = t.account(AccountDiscountFallback)
	}
	t.pieces = append(t.pieces, piece{kind: pieceDiscount, base: base, tax: tax, rate: rate, taxRow: row,
		level: level, adj: pa, account: account, item: promo.DiscountItem})
}

// spread turns order-level adjustments into discount pieces over the lines
// of kind (items or shipping), in proportion to weights.
func (t *translation) spread(level DiscountLevel, adjs []sfcc.PriceAdjustment, kind pieceKind, weights []decimal.Decimal, totalsOnly bool) {
	if len(adjs) == 0 {
		return
	}
	var lines []*piece
	for i := range t.pieces {
		if t.pieces[i].kind == kind {
			lines = append(lines, &t.pieces[i])
		}
	}
	// Copy what is needed: appending discount pieces below moves t.pieces.
	type target struct {
		rate decimal.Decimal
		row  mapping.TaxRow
	}
	targets := make([]target, len(lines))
	for i, l := range lines {
		targets[i] = target{l.rate, l.taxRow}
	}
	for i := range adjs {
		pa := &adjs[i]
		shares, err := allocateLargestRemainder(t.base(pa.LineAmounts), weights, t.scale)
		if err != nil {
			t.orderErr("%s promotion %q: %v", level, pa.PromotionID, err)
			continue
		}
		taxes := make([]decimal.Decimal, len(shares))
		if !totalsOnly {
			w := make([]decimal.Decimal, len(shares))
			for j, s := range shares {
				w[j] = t.theoreticalTax(s, targets[j].rate)
			}
			if taxes, err = allocateLargestRemainder(pa.Tax, w, t.scale); err != nil {
				t.orderErr("%s promotion %q: tax %s on lines taxed at zero: %v", level, pa.PromotionID, pa.Tax, err)
				continue
			}
		}
		for j, s := range shares {
			if s.IsZero() && (taxes[j].IsZero()) {
				continue
			}
			t.discountPiece(level, pa, s, taxes[j], targets[j].rate, targets[j].row)
		}
	}
}

// shipping adds shipping lines (per shipment, then product surcharges) and
// their promotions, and returns each line's discounted amount.
func (t *translation) shipping() []decimal.Decimal {
	var weights []decimal.Decimal
	add := func(shipmentID string, a sfcc.LineAmounts, rate decimal.Decimal, adjs []sfcc.PriceAdjustment, what string) {
		s := t.shipment(shipmentID)
		if s == nil {
			t.orderErr("%s points at shipment %q, which the order does not have", what, shipmentID)
			return
		}
		method, err := t.tr.tables.Shipping(s.ShippingMethod, t.on)
		if err != nil {
			t.fail(err)
		}
		row := t.taxRow(t.country(s.ID), rate, "")
		idx := len(t.so.Shipping)
		t.so.Shipping = append(t.so.Shipping, ShippingLine{
			ShipmentID: s.ID, Method: s.ShippingMethod, CarrierService: method.CarrierService, Item: method.ShippingItem,
			RevenueAccount: method.RevenueAccount, TaxRate: rate, TaxCode: row.TaxCode, TaxAccount: row.TaxAccount,
		})
		base := t.base(a)
		t.pieces = append(t.pieces, piece{kind: pieceShipping, line: idx, base: base, tax: a.Tax, rate: rate, taxRow: row})
		weight := base
		for i := range adjs {
			b := t.base(adjs[i].LineAmounts)
			weight = t.c.add(weight, b)
			t.discountPiece(DiscountShipping, &adjs[i], b, adjs[i].Tax, rate, row)
		}
		weights = append(weights, weight)
	}
	for i := range t.o.ShippingLineItems {
		s := &t.o.ShippingLineItems[i]
		add(s.ShipmentID, s.LineAmounts, s.TaxRate, s.PriceAdjustments, "shipping line "+s.ItemID)
	}
	for i := range t.o.ProductLineItems {
		p := &t.o.ProductLineItems[i]
		if s := p.ShippingLineItem; s != nil {
			add(p.ShipmentID, s.LineAmounts, s.TaxRate, s.PriceAdjustments, "shipping surcharge of "+p.ProductID)
		}
	}
	// A shipment shipped free has no shipping line but still needs a
	// carrier service: its method must be mapped too.
	for _, s := range t.o.Shipments {
		if s.ShippingMethod == "" || slices.ContainsFunc(t.so.Shipping, func(l ShippingLine) bool { return l.Method == s.ShippingMethod }) {
			continue
		}
		if _, err := t.tr.tables.Shipping(s.ShippingMethod, t.on); err != nil {
			t.fail(err)
		}
	}
	return weights
}

func (t *translation) giftCertificates() {
	if len(t.o.GiftCertificateLineItems) == 0 {
		return
	}
	liability := t.account(AccountGiftCertificateLiability)
	for _, g := range t.o.GiftCertificateLineItems {
		if !g.Tax.IsZero() {
			t.orderErr("gift certificate line %s carries tax %s; a gift certificate sold is not a taxable supply", g.ItemID, g.Tax)
			continue
		}
		amount := t.base(g.LineAmounts)
		t.so.GiftCertificates = append(t.so.GiftCertificates, GiftCertificateLine{
			ItemID: g.ItemID, LiabilityAccount: liability, Amounts: Amounts{Net: amount, Tax: decimal.Zero.Pad(t.scale), Gross: amount},
		})
	}
}

// allocateTotalTax spreads the order total's tax over every piece.
func (t *translation) allocateTotalTax() {
	w := make([]decimal.Decimal, len(t.pieces))
	for i, p := range t.pieces {
		w[i] = t.theoreticalTax(p.base, p.rate)
	}
	taxes, err := allocateLargestRemainder(t.o.Totals.OrderTotal.Tax, w, t.scale)
	if err != nil {
		t.orderErr("order tax %s given on the total only: %v", t.o.Totals.OrderTotal.Tax, err)
		return
	}
	for i := range t.pieces {
		t.pieces[i].tax = taxes[i]
	}
}

func (t *translation) amounts(base, tax decimal.Decimal) Amounts {
	if t.gross {
		return Amounts{Net: t.c.sub(base, tax), Tax: tax, Gross: base}
	}
	return Amounts{Net: base, Tax: tax, Gross: t.c.add(base, tax)}
}

// Audit translates every order and reports every missing mapping once, with
// the number of orders that need it and example order numbers, plus the
// orders that failed for other reasons: the go-live gap report.
func (tr *Translator) Audit(orders iter.Seq[sfcc.Order]) mapping.AuditReport {
	return mapping.Audit(tr.tables, orders, tr.Check)
}
