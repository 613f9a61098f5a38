package ordergen

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

// The generator builds a realistic trading day of SFCC orders: a UK site with
// gross taxation (VAT included in prices, 20 %, 5 % and 0 % rates) and a US
// site with net taxation (sales tax added on top). Every order it makes is
// internally consistent the way SFCC computes it, so the ERP translation must
// reproduce its total to the penny:
//
//   - product line net/tax/gross are before adjustments; line promotions are
//     price adjustments on the line;
//   - merchandize total = Σ lines; adjusted merchandize total = merchandize
//     total + line adjustments + order-level adjustments;
//   - shipping likewise; order total = adjusted merchandize + adjusted
//     shipping + gift certificates bought;
//   - payments add up to the order total.

// Product is a catalog entry of a site.
type Product struct {
	SKU      string
	Name     string
	Category string
	Price    decimal.Decimal // gross on the UK site, net on the US site
	Rate     decimal.Decimal // tax rate as a fraction
}

// Site is a storefront the generator places orders on: its currency,
// taxation, catalog and shipping methods. The mapping tables of
// examples/o2c/tables cover every method, product and promotion it uses.
type Site struct {
	ID         string
	Currency   string
	Taxation   sfcc.Taxation
	Country    string
	Locale     string
	Catalog    []Product
	Shipping   map[string]decimal.Decimal // method → price (gross UK, net US)
	ShipRate   decimal.Decimal
	Prefix     string
	FreeShipAt decimal.Decimal
}

var (
	d0 = decimal.MustParse("0")
	d1 = decimal.MustParse("1")
)

func dec(s string) decimal.Decimal { return decimal.MustParse(s) }

// UKSite is the UK storefront: GBP, gross taxation (VAT in prices).
func UKSite() Site {
	return Site{
		ID: "UK", Currency: "GBP", Taxation: sfcc.TaxationGross, Country: "GB", Locale: "en_GB", Prefix: "UK",
		Catalog: []Product{
			{"JKT-WAX-M", "Waxed Field Jacket", "outerwear", dec("189.00"), dec("0.2")},
			{"TEE-ORG-S", "Organic Cotton Tee", "tops", dec("24.00"), dec("0.2")},
			{"KNT-MER-L", "Merino Crew Knit", "knitwear", dec("79.50"), dec("0.2")},
			{"BOOK-GARD", "The Kitchen Garden (book)", "books", dec("16.99"), dec("0")},
			{"KID-COAT-4", "Children's Rain Coat age 4", "kids", dec("34.00"), dec("0")},
			{"CAR-SEAT-1", "Child Car Seat Group 1", "kids", dec("149.00"), dec("0.05")},
			{"SCARF-LAM", "Lambswool Scarf", "accessories", dec("29.95"), dec("0.2")},
			{"SOCK-3PK", "Walking Socks 3-pack", "accessories", dec("14.00"), dec("0.2")},
		},
		Shipping:   map[string]decimal.Decimal{"UK-STANDARD": dec("4.99"), "UK-EXPRESS": dec("9.99")},
		ShipRate:   dec("0.2"),
		FreeShipAt: dec("150.00"),
	}
}

// USSite is the US storefront: USD, net taxation (sales tax on top).
func USSite() Site {
	return Site{
		ID: "US", Currency: "USD", Taxation: sfcc.TaxationNet, Country: "US", Locale: "en_US", Prefix: "US",
		Catalog: []Product{
			{"JKT-WAX-M", "Waxed Field Jacket", "outerwear", dec("229.00"), dec("0.0625")},
			{"TEE-ORG-S", "Organic Cotton Tee", "tops", dec("28.00"), dec("0.0625")},
			{"KNT-MER-L", "Merino Crew Knit", "knitwear", dec("95.00"), dec("0.0625")},
			{"BOOK-GARD", "The Kitchen Garden (book)", "books", dec("19.99"), dec("0.0625")},
			{"SCARF-LAM", "Lambswool Scarf", "accessories", dec("34.95"), dec("0.0625")},
			{"SOCK-3PK", "Walking Socks 3-pack", "accessories", dec("16.00"), dec("0.0625")},
		},
		Shipping:   map[string]decimal.Decimal{"US-GROUND": dec("7.95"), "US-2DAY": dec("14.95")},
		ShipRate:   dec("0"),
		FreeShipAt: dec("175.00"),
	}
}

type shopper struct {
	Email      string
	First      string
	Last       string
	CustomerNo string // registered customers only
	City       string
	Postal     string
	State      string
}

// shoppers is the customer pool; guests reuse these emails with other case
// and padding, as they do at real checkouts.
func shoppers(country string) []shopper {
	if country == "GB" {
		return []shopper{
			{"amelia.hughes@example.co.uk", "Amelia", "Hughes", "C0001001", "Leeds", "LS1 4AP", ""},
			{"oliver.patel@example.com", "Oliver", "Patel", "", "Manchester", "M1 2AB", ""},
			{"sophie.oconnor@example.ie", "Sophie", "O'Connor", "C0001002", "Bristol", "BS1 5TR", ""},
			{"harry.evans@example.net", "Harry", "Evans", "", "Cardiff", "CF10 1EP", ""},
			{"zoë.brontë@example.co.uk", "Zoë", "Brontë", "", "York", "YO1 7HH", ""},
			{"george.smith@example.com", "George", "Smith", "C0001003", "London", "EC1A 1BB", ""},
			{"isla.campbell@example.scot", "Isla", "Campbell", "", "Edinburgh", "EH1 1YZ", ""},
		}
	}
	return []shopper{
		{"emma.johnson@example.com", "Emma", "Johnson", "C0002001", "Boston", "02108", "MA"},
		{"liam.garcia@example.org", "Liam", "Garcia", "", "Cambridge", "02139", "MA"},
		{"ava.nguyen@example.com", "Ava", "Nguyen", "", "Worcester", "01608", "MA"},
		{"noah.williams@example.net", "Noah", "Williams", "C0002002", "Springfield", "01103", "MA"},
		{"mia.rossi@example.com", "Mia", "Rossi", "", "Salem", "01970", "MA"},
	}
}

// Generator makes orders deterministically from a seed: the same seed and
// day give the same orders. It is not safe for concurrent use.
type Generator struct {
	rng   *rand.Rand
	sites []Site
	day   time.Time
	seq   int
	// known are the shoppers seen so far per country; 60 % of orders come
	// from them (repeat customers), the rest from new shoppers.
	known map[string][]shopper
	fresh int
}

var firstNames = []string{"Olivia", "Jack", "Emily", "Thomas", "Grace", "James", "Chloe", "William", "Lily", "Daniel", "Ella", "Samuel"}
var lastNames = []string{"Taylor", "Brown", "Wilson", "Roberts", "Walker", "Wright", "Thompson", "White", "Hall", "Green", "Wood", "Clarke"}

// shopper picks who places the next order: a repeat customer or a new one.
func (g *Generator) shopper(s Site) shopper {
	if g.known == nil {
		g.known = map[string][]shopper{}
	}
	if _, ok := g.known[s.Country]; !ok {
		g.known[s.Country] = shoppers(s.Country)
	}
	pool := g.known[s.Country]
	if g.rng.IntN(10) < 6 {
		return pool[g.rng.IntN(len(pool))]
	}
	g.fresh++
	first, last := firstNames[g.rng.IntN(len(firstNames))], lastNames[g.rng.IntN(len(lastNames))]
	base := pool[g.rng.IntN(len(pool))]
	who := shopper{
		Email: fmt.Sprintf("%s.%s%d@example.%s", strings.ToLower(first), strings.ToLower(last), g.fresh, map[string]string{"GB": "co.uk", "US": "com"}[s.Country]),
		First: first, Last: last, City: base.City, Postal: base.Postal, State: base.State,
	}
	if g.rng.IntN(10) < 3 {
		who.CustomerNo = fmt.Sprintf("C%07d", 3000000+g.fresh)
	}
	g.known[s.Country] = append(pool, who)
	return who
}

// New returns a generator of the orders of day (placed from 08:00 UTC),
// two in three on the UK site, the rest on the US site.
func New(seed uint64, day time.Time) *Generator {
	return &Generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), sites: []Site{UKSite(), USSite()}, day: day}
}

// messyEmail is how guests really type their address: other case, stray spaces.
func (g *Generator) messyEmail(email string) string {
	switch g.rng.IntN(4) {
	case 0:
		return strings.ToUpper(email[:1]) + email[1:]
	case 1:
		return "  " + email + " "
	case 2:
		return strings.ToUpper(email)
	}
	return email
}

func mul(a, b decimal.Decimal) decimal.Decimal {
	r, err := a.Mul(b)
	if err != nil {
		panic(fmt.Sprintf("generator arithmetic overflow: %v", err))
	}
	return r
}

func add(a, b decimal.Decimal) decimal.Decimal {
	r, err := a.Add(b)
	if err != nil {
		panic(fmt.Sprintf("generator arithmetic overflow: %v", err))
	}
	return r
}

func sub(a, b decimal.Decimal) decimal.Decimal {
	r, err := a.Sub(b)
	if err != nil {
		panic(fmt.Sprintf("generator arithmetic overflow: %v", err))
	}
	return r
}

func quo(a, b decimal.Decimal) decimal.Decimal {
	r, err := a.Quo(b)
	if err != nil {
		panic(fmt.Sprintf("generator arithmetic: %v", err))
	}
	return r
}

// amounts returns net, tax, gross of a price under the site's taxation,
// rounded to the penny the way a tax engine rounds a line.
func amounts(s Site, price, rate decimal.Decimal) (net, tax, gross decimal.Decimal) {
	if s.Taxation == sfcc.TaxationGross {
		gross = price.Round(2)
		tax = quo(mul(gross, rate), add(d1, rate)).Round(2)
		return sub(gross, tax).Round(2), tax, gross
	}
	net = price.Round(2)
	tax = mul(net, rate).Round(2)
	return net, tax, add(net, tax).Round(2)
}

func lineAmounts(net, tax, gross, base decimal.Decimal, text string) sfcc.LineAmounts {
	basis := gross
	if !tax.IsZero() || net.Cmp(gross) != 0 {
		basis = net
	}
	return sfcc.LineAmounts{NetPrice: net, Tax: tax, GrossPrice: gross, BasePrice: base, Text: text, TaxBasis: basis}
}

func sumTotal(parts ...sfcc.Amounts) sfcc.Amounts {
	t := sfcc.Amounts{Net: dec("0.00"), Tax: dec("0.00"), Gross: dec("0.00")}
	for _, p := range parts {
		t.Net, t.Tax, t.Gross = add(t.Net, p.Net), add(t.Tax, p.Tax), add(t.Gross, p.Gross)
	}
	return t
}

func adjAmounts(a sfcc.PriceAdjustment) sfcc.Amounts {
	return sfcc.Amounts{Net: a.NetPrice, Tax: a.Tax, Gross: a.GrossPrice}
}

// Order makes the next order of the day: READY for export, paid, not
// shipped, with numbers UK00000001, US00000002, ... in sequence.
func (g *Generator) Order() sfcc.Order {
	g.seq++
	s := g.sites[0]
	if g.rng.IntN(3) == 0 {
		s = g.sites[1]
	}
	who := g.shopper(s)
	registered := who.CustomerNo != "" && g.rng.IntN(3) > 0
	email := who.Email
	if !registered {
		email = g.messyEmail(who.Email)
	}
	placed := g.day.Add(time.Duration(8*3600+g.seq*137%36000) * time.Second).UTC()
	o := sfcc.Order{
		OrderNo:        fmt.Sprintf("%s%08d", s.Prefix, g.seq),
		OrderDate:      placed,
		PlaceDate:      placed,
		CreatedBy:      "Customer",
		Currency:       s.Currency,
		CustomerLocale: s.Locale,
		Taxation:       s.Taxation,
		SiteID:         s.ID,
		ChannelType:    "Storefront",
		BusinessType:   "B2C",
		Status: sfcc.StatusSet{
			Order: sfcc.OrderStatusNew, Shipping: sfcc.ShippingStatusNotShipped,
			Confirmation: sfcc.ConfirmationStatusConfirmed, Payment: sfcc.PaymentStatusPaid,
			Export: sfcc.ExportStatusReady,
		},
	}
	addr := sfcc.Address{
		FirstName: who.First, LastName: who.Last, Address1: fmt.Sprintf("%d High Street", 1+g.rng.IntN(120)),
		City: who.City, PostalCode: who.Postal, StateCode: who.State, CountryCode: s.Country, Phone: "+44 113 496 0000",
	}
	if s.Country == "US" {
		addr.Phone = "+1 617 555 0100"
	}
	o.Customer = sfcc.Customer{Guest: !registered, Name: who.First + " " + who.Last, Email: email, BillingAddress: addr}
	if registered {
		o.Customer.CustomerNo = who.CustomerNo
	}

	// Shipments: most orders have one; some send part to a second address.
	nShip := 1
	if g.rng.IntN(5) == 0 {
		nShip = 2
	}
	methods := []string{}
	for m := range s.Shipping {
		methods = append(methods, m)
	}
	sortStrings(methods)
	for i := 0; i < nShip; i++ {
		sh := sfcc.Shipment{
			ID: fmt.Sprintf("S%d", i+1), ShippingStatus: sfcc.ShippingStatusNotShipped,
			ShippingMethod: methods[g.rng.IntN(len(methods))], ShippingAddress: addr,
		}
		if i == 1 {
			sh.ShippingAddress.FirstName, sh.ShippingAddress.Address1 = "Alex", "7 Mill Lane"
			sh.Gift = true
		}
		if g.rng.IntN(6) == 0 || sh.Gift {
			sh.Gift = true
			sh.GiftMessage = "Happy birthday — with love from " + who.First + " ✿"
		}
		o.Shipments = append(o.Shipments, sh)
	}

	// Product lines, some with a line promotion and coupon.
	nLines := 1 + g.rng.IntN(4)
	used := map[int]bool{}
	var lines []sfcc.Amounts
	var lineAdjs []sfcc.Amounts
	for i := 0; i < nLines; i++ {
		pi := g.rng.IntN(len(s.Catalog))
		if used[pi] {
			continue
		}
		used[pi] = true
		p := s.Catalog[pi]
		qty := 1 + g.rng.IntN(3)
		q := decimal.MustNew(int64(qty), 0)
		net, tax, gross := amounts(s, mul(p.Price, q), p.Rate)
		pli := sfcc.ProductLineItem{
			LineAmounts: lineAmounts(net, tax, gross, p.Price, p.Name),
			Position:    len(o.ProductLineItems) + 1,
			ProductID:   p.SKU, ProductName: p.Name,
			Quantity:   sfcc.Quantity{Value: decimal.MustNew(int64(qty)*10, 1), Unit: ""}, // "2.0", as exports write it
			TaxRate:    p.Rate,
			ShipmentID: o.Shipments[(len(o.ProductLineItems))%nShip].ID,
		}
		pli.Custom.Set("category", p.Category)
		lines = append(lines, sfcc.Amounts{Net: net, Tax: tax, Gross: gross})
		if g.rng.IntN(10) < 3 {
			pct := dec("0.10")
			base := gross
			if s.Taxation == sfcc.TaxationNet {
				base = net
			}
			off := mul(base, pct).Round(2).Neg()
			an, at, ag := amounts(s, off, p.Rate)
			adj := sfcc.PriceAdjustment{
				LineAmounts: lineAmounts(an, at, ag, off, "10% off "+p.Category),
				PromotionID: "PROMO-10-" + strings.ToUpper(p.Category), CampaignID: "AUTUMN", CouponID: "AUTUMN10",
			}
			pli.PriceAdjustments = append(pli.PriceAdjustments, adj)
			lineAdjs = append(lineAdjs, adjAmounts(adj))
		}
		if pli.ShipmentID == "S1" && o.Shipments[0].Gift && pli.GiftMessage == "" && g.rng.IntN(2) == 0 {
			pli.Gift, pli.GiftMessage = true, "Gift wrapped, please"
		}
		o.ProductLineItems = append(o.ProductLineItems, pli)
	}
	merch := sumTotal(lines...)
	afterLine := sumTotal(append([]sfcc.Amounts{merch}, lineAdjs...)...)

	// Order-level promotion: a fixed amount off over a threshold, with a coupon.
	var orderAdjs []sfcc.Amounts
	threshold := dec("80.00")
	if afterLine.Gross.Cmp(threshold) > 0 && g.rng.IntN(10) < 3 {
		off := dec("-10.00")
		adj := g.orderAdjustment(s, o.ProductLineItems, off)
		o.Totals.MerchandizeTotal.PriceAdjustments = append(o.Totals.MerchandizeTotal.PriceAdjustments, adj)
		orderAdjs = append(orderAdjs, adjAmounts(adj))
	}
	o.Totals.MerchandizeTotal.Amounts = merch
	o.Totals.AdjustedMerchandizeTotal.Amounts = sumTotal(append(append([]sfcc.Amounts{merch}, lineAdjs...), orderAdjs...)...)

	// Shipping per shipment; free standard shipping over a threshold.
	var ships, shipAdjs []sfcc.Amounts
	for _, sh := range o.Shipments {
		price := s.Shipping[sh.ShippingMethod]
		net, tax, gross := amounts(s, price, s.ShipRate)
		sli := sfcc.ShippingLineItem{
			LineAmounts: lineAmounts(net, tax, gross, price, sh.ShippingMethod),
			ItemID:      "STANDARD_SHIPPING", ShipmentID: sh.ID, TaxRate: s.ShipRate,
		}
		ships = append(ships, sfcc.Amounts{Net: net, Tax: tax, Gross: gross})
		if sh.ID == "S1" && o.Totals.AdjustedMerchandizeTotal.Gross.Cmp(s.FreeShipAt) >= 0 {
			adj := sfcc.PriceAdjustment{
				LineAmounts: lineAmounts(net.Neg(), tax.Neg(), gross.Neg(), price.Neg(), "Free shipping"),
				PromotionID: "FREE-SHIPPING", CampaignID: "ALWAYS-ON",
			}
			sli.PriceAdjustments = append(sli.PriceAdjustments, adj)
			shipAdjs = append(shipAdjs, adjAmounts(adj))
		}
		o.ShippingLineItems = append(o.ShippingLineItems, sli)
	}
	o.Totals.ShippingTotal.Amounts = sumTotal(ships...)
	o.Totals.AdjustedShippingTotal.Amounts = sumTotal(append(append([]sfcc.Amounts{}, ships...), shipAdjs...)...)

	// A gift certificate bought now and then: a liability, outside the scope of tax.
	var gcs []sfcc.Amounts
	if g.rng.IntN(20) == 0 {
		v := dec("50.00")
		o.GiftCertificateLineItems = append(o.GiftCertificateLineItems, sfcc.GiftCertificateLineItem{
			LineAmounts:    lineAmounts(v, dec("0.00"), v, v, "Gift Certificate"),
			RecipientEmail: "friend@example.com", RecipientName: "A Friend", SenderName: who.First,
			Message: "Enjoy!", ShipmentID: "S1",
		})
		gcs = append(gcs, sfcc.Amounts{Net: v, Tax: dec("0.00"), Gross: v})
	}
	o.Totals.OrderTotal.Amounts = sumTotal(append([]sfcc.Amounts{o.Totals.AdjustedMerchandizeTotal.Amounts, o.Totals.AdjustedShippingTotal.Amounts}, gcs...)...)

	// Shipment totals.
	for i := range o.Shipments {
		var m, ma, sp, spa []sfcc.Amounts
		for _, l := range o.ProductLineItems {
			if l.ShipmentID != o.Shipments[i].ID {
				continue
			}
			la := sfcc.Amounts{Net: l.NetPrice, Tax: l.Tax, Gross: l.GrossPrice}
			m = append(m, la)
			ma = append(ma, la)
			for _, a := range l.PriceAdjustments {
				ma = append(ma, adjAmounts(a))
			}
		}
		for _, l := range o.ShippingLineItems {
			if l.ShipmentID != o.Shipments[i].ID {
				continue
			}
			la := sfcc.Amounts{Net: l.NetPrice, Tax: l.Tax, Gross: l.GrossPrice}
			sp = append(sp, la)
			spa = append(spa, la)
			for _, a := range l.PriceAdjustments {
				spa = append(spa, adjAmounts(a))
			}
		}
		t := &o.Shipments[i].Totals
		t.MerchandizeTotal.Amounts = sumTotal(m...)
		t.AdjustedMerchandizeTotal.Amounts = sumTotal(ma...)
		t.ShippingTotal.Amounts = sumTotal(sp...)
		t.AdjustedShippingTotal.Amounts = sumTotal(spa...)
		t.ShipmentTotal.Amounts = sumTotal(t.AdjustedMerchandizeTotal.Amounts, t.AdjustedShippingTotal.Amounts)
	}

	g.payments(s, &o)
	return o
}

// orderAdjustment spreads an order-level discount over the lines by value
// (largest remainder, so the parts sum to the discount exactly) and computes
// its tax per line rate, as a tax engine does.
func (g *Generator) orderAdjustment(s Site, lines []sfcc.ProductLineItem, off decimal.Decimal) sfcc.PriceAdjustment {
	weights := make([]decimal.Decimal, len(lines))
	for i, l := range lines {
		w := l.GrossPrice
		if s.Taxation == sfcc.TaxationNet {
			w = l.NetPrice
		}
		for _, a := range l.PriceAdjustments {
			if s.Taxation == sfcc.TaxationNet {
				w = add(w, a.NetPrice)
			} else {
				w = add(w, a.GrossPrice)
			}
		}
		weights[i] = w
	}
	shares := allocate(off, weights)
	net, tax, gross := dec("0.00"), dec("0.00"), dec("0.00")
	for i, sh := range shares {
		n, t, gr := amounts(s, sh, lines[i].TaxRate)
		net, tax, gross = add(net, n), add(tax, t), add(gross, gr)
	}
	return sfcc.PriceAdjustment{
		LineAmounts: lineAmounts(net, tax, gross, off, "10 off orders over 80"),
		PromotionID: "ORDER-10-OFF", CampaignID: "AUTUMN", CouponID: "TENOFF",
	}
}

// allocate splits total (2 decimals) over weights by largest remainder.
func allocate(total decimal.Decimal, weights []decimal.Decimal) []decimal.Decimal {
	sum := d0
	for _, w := range weights {
		sum = add(sum, w)
	}
	out := make([]decimal.Decimal, len(weights))
	if sum.IsZero() {
		out[0] = total
		for i := 1; i < len(out); i++ {
			out[i] = dec("0.00")
		}
		return out
	}
	type rem struct {
		i int
		r decimal.Decimal
	}
	rems := make([]rem, len(weights))
	given := d0
	for i, w := range weights {
		exact := quo(mul(total, w), sum)
		out[i] = exact.Trunc(2)
		given = add(given, out[i])
		rems[i] = rem{i, sub(exact, out[i]).Abs()}
	}
	left := sub(total, given)
	step := dec("0.01")
	if left.IsNeg() {
		step = step.Neg()
	}
	for left.Sign() != 0 {
		best := -1
		for j, r := range rems {
			if best < 0 || r.r.Cmp(rems[best].r) > 0 {
				best = j
			}
		}
		out[rems[best].i] = add(out[rems[best].i], step)
		rems[best].r = dec("-1") // taken: never chosen again
		left = sub(left, step)
	}
	return out
}

func sortStrings(s []string) { sort.Strings(s) }

// payments settles the order total: mostly one card or PayPal payment,
// sometimes a gift certificate redeemed first with the rest on a card.
func (g *Generator) payments(s Site, o *sfcc.Order) {
	total := o.Totals.OrderTotal.Gross
	left := total
	if g.rng.IntN(8) == 0 && total.Cmp(dec("30.00")) > 0 {
		gc := dec("25.00")
		o.Payments = append(o.Payments, sfcc.Payment{
			Kind: sfcc.PaymentKindGiftCertificate, MethodID: "GIFT_CERTIFICATE",
			GiftCertificate: &sfcc.GiftCertificatePayment{ID: fmt.Sprintf("GC%012d", g.rng.Int64N(1e12))},
			Amount:          gc, ProcessorID: "GIFT_CERTIFICATE", TransactionID: fmt.Sprintf("GCR-%s", o.OrderNo),
			TransactionType: "CAPTURE",
		})
		left = sub(left, gc)
	}
	p := sfcc.Payment{Amount: left, TransactionType: "CAPTURE"}
	switch n := g.rng.IntN(10); {
	case n < 6:
		brands := []string{"Visa", "Mastercard", "Amex"}
		brand := brands[g.rng.IntN(len(brands))]
		p.Kind, p.MethodID, p.ProcessorID = sfcc.PaymentKindCreditCard, "CREDIT_CARD", "ADYEN_CREDIT"
		p.Card = &sfcc.CreditCard{
			Type: brand, MaskedNumber: fmt.Sprintf("************%04d", g.rng.IntN(10000)),
			Holder: o.Customer.Name, ExpirationMonth: 1 + g.rng.IntN(12), ExpirationYear: 2027 + g.rng.IntN(4),
		}
		p.TransactionID = fmt.Sprintf("88%014d", g.rng.Int64N(1e14))
	case n < 8:
		p.Kind, p.MethodID, p.ProcessorID = sfcc.PaymentKindCustomMethod, "PayPal", "PAYPAL"
		p.CustomMethod = &sfcc.CustomMethod{Name: "PayPal"}
		p.TransactionID = fmt.Sprintf("PAY-%010d", g.rng.Int64N(1e10))
	default:
		p.Kind, p.MethodID, p.ProcessorID = sfcc.PaymentKindApplePay, "DW_APPLE_PAY", "ADYEN_CREDIT"
		p.Wallet = &sfcc.WalletPayment{CardType: "Visa", CardNumber: fmt.Sprintf("************%04d", g.rng.IntN(10000))}
		p.TransactionID = fmt.Sprintf("88%014d", g.rng.Int64N(1e14))
	}
	if left.Sign() > 0 {
		o.Payments = append(o.Payments, p)
	}
}
