package orderxml

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

// genOrder builds a realistic order deterministically from rng: 1-6 product
// lines (some with options, promotions and custom attributes), one or two
// shipments, shipping lines, totals, one or two payments.
func genOrder(rng *rand.Rand, n int) sfcc.Order {
	money := func(cents int64) decimal.Decimal { return decimal.MustNew(cents, 2) }
	rate := decimal.MustNew(2, 1)
	split := func(gross int64) sfcc.LineAmounts {
		net := gross * 5 / 6
		return sfcc.LineAmounts{NetPrice: money(net), Tax: money(gross - net), GrossPrice: money(gross), BasePrice: money(gross), TaxBasis: money(gross)}
	}
	addr := sfcc.Address{FirstName: "Zoë", LastName: fmt.Sprintf("Customer%d", n%977), Address1: fmt.Sprintf("%d Market Street", 1+n%200),
		City: []string{"Leeds", "London", "Bristol", "York"}[n%4], PostalCode: fmt.Sprintf("LS%d 4AB", n%30), CountryCode: "GB", Phone: "+44 113 496 0000"}
	o := sfcc.Order{
		OrderNo:        fmt.Sprintf("%08d", 10000000+n),
		OrderDate:      time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * 37 * time.Second),
		CreatedBy:      "storefront",
		Currency:       "GBP",
		CustomerLocale: "en_GB",
		Taxation:       sfcc.TaxationGross,
		InvoiceNo:      fmt.Sprintf("INV-%08d", n),
		Customer: sfcc.Customer{Guest: n%3 == 0, CustomerNo: fmt.Sprintf("C%07d", n%50000), Name: addr.FirstName + " " + addr.LastName,
			Email: fmt.Sprintf("customer%d@example.com", n%50000), BillingAddress: addr},
		Status: sfcc.StatusSet{Order: sfcc.OrderStatusNew, Shipping: sfcc.ShippingStatusNotShipped, Confirmation: sfcc.ConfirmationStatusConfirmed,
			Payment: sfcc.PaymentStatusPaid, Export: sfcc.ExportStatusReady},
		ChannelType: "Storefront",
		RemoteHost:  fmt.Sprintf("198.51.100.%d", n%250),
		Custom:      sfcc.CustomAttributes{{ID: "sscSyncStatus", Values: []string{"pending"}}, {ID: "tags", Values: []string{"web", "uk"}, Multi: true}},
	}
	shipments := 1 + rng.IntN(2)
	var merch, ship int64
	for s := range shipments {
		id := fmt.Sprintf("s%d", s+1)
		o.Shipments = append(o.Shipments, sfcc.Shipment{ID: id, ShippingStatus: sfcc.ShippingStatusNotShipped, ShippingMethod: "UK-STANDARD", ShippingAddress: addr})
		o.ShippingLineItems = append(o.ShippingLineItems, sfcc.ShippingLineItem{LineAmounts: split(499), ItemID: "STANDARD_SHIPPING", ShipmentID: id, TaxRate: rate})
		ship += 499
	}
	for i := range 1 + rng.IntN(6) {
		qty := int64(1 + rng.IntN(3))
		unit := int64(500 + rng.IntN(20000))
		li := sfcc.ProductLineItem{
			LineAmounts: split(unit * qty), Position: i + 1,
			ProductID: fmt.Sprintf("SKU-%05d", rng.IntN(40000)), ProductName: fmt.Sprintf("Product %d — colour %d", rng.IntN(5000), rng.IntN(12)),
			Quantity: sfcc.Quantity{Value: decimal.MustNew(qty, 0), Unit: "Each"}, TaxRate: rate, ShipmentID: fmt.Sprintf("s%d", 1+i%shipments),
			Custom: sfcc.CustomAttributes{{ID: "colour", Values: []string{"blue"}}, {ID: "size", Values: []string{"M"}}},
		}
		li.BasePrice = money(unit)
		li.Text = li.ProductName
		merch += unit * qty
		if rng.IntN(4) == 0 {
			li.Options = []sfcc.OptionLineItem{{LineAmounts: split(500), OptionID: "giftwrap", ValueID: "yes", ProductID: "GIFTWRAP"}}
			merch += 500
		}
		if rng.IntN(3) == 0 {
			off := unit * qty / 10
			a := split(-off)
			a.Text = "10% off"
			li.PriceAdjustments = []sfcc.PriceAdjustment{{LineAmounts: a, PromotionID: "SPRING10", CampaignID: "spring", CouponID: fmt.Sprintf("CPN-%d", rng.IntN(999))}}
			merch -= off
		}
		o.ProductLineItems = append(o.ProductLineItems, li)
	}
	total := func(cents int64) sfcc.Total {
		la := split(cents)
		return sfcc.Total{Amounts: sfcc.Amounts{Net: la.NetPrice, Tax: la.Tax, Gross: la.GrossPrice}}
	}
	o.Totals = sfcc.OrderTotals{MerchandizeTotal: total(merch), AdjustedMerchandizeTotal: total(merch), ShippingTotal: total(ship),
		AdjustedShippingTotal: total(ship), OrderTotal: total(merch + ship)}
	card := sfcc.Payment{Kind: sfcc.PaymentKindCreditCard, Card: &sfcc.CreditCard{Type: "VISA", MaskedNumber: "XXXX-XXXX-XXXX-1111", Holder: addr.FirstName,
		ExpirationMonth: 1 + rng.IntN(12), ExpirationYear: 2027 + rng.IntN(5)}, Amount: money(merch + ship), ProcessorID: "ADYEN_CREDIT",
		TransactionID: fmt.Sprintf("%016d", rng.Int64N(1e15)), TransactionType: "AUTH"}
	o.Payments = []sfcc.Payment{card}
	return o
}

// generateExport writes orders until the export holds at least size bytes.
func generateExport(w io.Writer, size int64) (int, error) {
	cw := &countingWriter{w: w}
	e := NewEncoder(cw)
	rng := rand.New(rand.NewPCG(2026, 3))
	n := 0
	for ; cw.n < size; n++ {
		if err := e.Encode(context.Background(), genOrder(rng, n)); err != nil {
			return n, err
		}
	}
	return n, e.Close()
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

var benchData = sync.OnceValues(func() ([]byte, error) {
	var buf bytes.Buffer
	_, err := generateExport(&buf, 50<<20)
	return buf.Bytes(), err
})

// tokenScan is the baseline: a bare encoding/xml token scan of the same
// bytes, doing nothing with the tokens.
func tokenScan(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		if _, err := d.Token(); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

func decodeCount(d *Decoder) (int, error) {
	n := 0
	for {
		_, err := d.Next(context.Background())
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// measure runs f once after a collection (so garbage of the previous
// phase is not charged to it) and returns its seconds and allocations.
func measure(f func() error) (seconds float64, mallocs uint64, err error) {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	t0 := time.Now()
	err = f()
	seconds = time.Since(t0).Seconds()
	runtime.ReadMemStats(&m1)
	return seconds, m1.Mallocs - m0.Mallocs, err
}

// BenchmarkDecode decodes a generated ≥ 50 MB export of realistic orders
// into sfcc.Order values with the default (fast) decoder and, in the same
// run, scans the same bytes with a bare encoding/xml Token loop and decodes
// them with the encoding/xml reference decoder. It reports the throughputs,
// decode/scan (fast typed decode over bare Token scan) and allocations per
// order.
func BenchmarkDecode(b *testing.B) {
	data, err := benchData()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	var scan, dec, ref float64
	var mallocs, scanMallocs, refMallocs uint64
	orders := 0
	for b.Loop() {
		s, m, err := measure(func() error { return tokenScan(data) })
		if err != nil {
			b.Fatal(err)
		}
		scan, scanMallocs = scan+s, scanMallocs+m
		var n int
		s, m, err = measure(func() (err error) {
			n, err = decodeCount(NewDecoder(bytes.NewReader(data)))
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		dec, mallocs, orders = dec+s, mallocs+m, orders+n
		s, m, err = measure(func() error {
			_, err := decodeCount(newReferenceDecoder(bytes.NewReader(data)))
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		ref, refMallocs = ref+s, refMallocs+m
	}
	megabytes := float64(len(data)) * float64(b.N) / 1e6
	b.ReportMetric(megabytes/dec, "decode-MB/s")
	b.ReportMetric(megabytes/scan, "scan-MB/s")
	b.ReportMetric(megabytes/ref, "reference-MB/s")
	b.ReportMetric(scan/dec, "decode/scan")
	b.ReportMetric(float64(mallocs)/float64(orders), "allocs/order")
	b.ReportMetric(float64(refMallocs)/float64(orders), "reference-allocs/order")
	b.ReportMetric(float64(scanMallocs)/float64(orders), "scan-allocs/order")
	b.ReportMetric(float64(orders)/float64(b.N), "orders/op")
}

// BenchmarkDecodeFastOnly is BenchmarkDecode's fast decode alone, for
// profiling.
func BenchmarkDecodeFastOnly(b *testing.B) {
	data, err := benchData()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := decodeCount(NewDecoder(bytes.NewReader(data))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodePeakMemory streams generated exports of 10 MB and 200 MB
// through the decoder (the generator writes into a pipe, so neither side
// holds the file) and reports the peak heap in use, sampled every 25
// orders, above what was in use before the run (so data other benchmarks
// keep does not count). Streaming means the two peaks should be about the
// same.
func BenchmarkDecodePeakMemory(b *testing.B) {
	for _, size := range []int64{10 << 20, 200 << 20} {
		b.Run(fmt.Sprintf("%dMB", size>>20), func(b *testing.B) {
			var peak uint64
			for b.Loop() {
				var ms runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&ms)
				base := ms.HeapInuse
				pr, pw := io.Pipe()
				done := make(chan error, 1)
				go func() {
					_, err := generateExport(pw, size)
					pw.CloseWithError(err)
					done <- err
				}()
				d := NewDecoder(pr)
				for n := 0; ; n++ {
					_, err := d.Next(context.Background())
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					if n%25 == 0 {
						runtime.ReadMemStats(&ms)
						peak = max(peak, ms.HeapInuse-min(base, ms.HeapInuse))
					}
				}
				if err := <-done; err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}
