package scapi_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/scapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// sentRequest is a request as the client put it on the wire.
type sentRequest struct {
	Method string
	Path   string
	Query  map[string][]string
	Header http.Header
	Body   []byte
}

// recorder is a RoundTripper that keeps every API request it forwards.
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	reqs []sentRequest
}

func (rc *recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		_ = r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	rc.mu.Lock()
	rc.reqs = append(rc.reqs, sentRequest{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(), Header: r.Header.Clone(), Body: body})
	rc.mu.Unlock()
	return rc.base.RoundTrip(r)
}

func (rc *recorder) requests() []sentRequest {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]sentRequest(nil), rc.reqs...)
}

// sleeps records the waits the client asks for, without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

type env struct {
	srv    *sfcctest.Server
	client *scapi.Client
	rec    *recorder
	sleeps *sleeps
}

func setup(t *testing.T, edit ...func(*scapi.Config)) *env {
	t.Helper()
	srv := sfcctest.NewTestServer(t)
	cfg := srv.SCAPIClientConfig()
	rec := &recorder{base: cfg.HTTPClient.Transport}
	hc := *cfg.HTTPClient
	hc.Transport = rec
	cfg.HTTPClient = &hc
	sl := &sleeps{}
	cfg.Sleep = sl.sleep
	for _, e := range edit {
		e(&cfg)
	}
	c, err := scapi.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &env{srv: srv, client: c, rec: rec, sleeps: sl}
}

var day = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// order is a small, consistent net-taxed order created minutes after day.
func order(no string, minute int, export sfcc.ExportStatus) sfcc.Order {
	d := decimal.MustParse
	return sfcc.Order{
		OrderNo: no, OrderDate: day.Add(time.Duration(minute) * time.Minute), SiteID: sfcctest.DefaultSite,
		Currency: "GBP", Taxation: sfcc.TaxationNet,
		Status: sfcc.StatusSet{Order: sfcc.OrderStatusNew, Export: export, Shipping: sfcc.ShippingStatusNotShipped,
			Payment: sfcc.PaymentStatusPaid, Confirmation: sfcc.ConfirmationStatusConfirmed},
		Customer: sfcc.Customer{CustomerNo: "C1", Email: "ann@example.com", Name: "Ann"},
		ProductLineItems: []sfcc.ProductLineItem{{ItemID: no + "-1", ProductID: "SKU-1", Quantity: sfcc.Quantity{Value: d("2")},
			LineAmounts: sfcc.LineAmounts{NetPrice: d("20.00"), Tax: d("4.00"), GrossPrice: d("24.00"), BasePrice: d("10.00")},
			TaxRate:     d("0.2"), ShipmentID: "me"}},
		Shipments: []sfcc.Shipment{{ID: "me", ShippingMethod: "Standard"}},
		Totals: sfcc.OrderTotals{
			MerchandizeTotal:         sfcc.Total{Amounts: sfcc.Amounts{Net: d("20.00"), Tax: d("4.00"), Gross: d("24.00")}},
			AdjustedMerchandizeTotal: sfcc.Total{Amounts: sfcc.Amounts{Net: d("20.00"), Tax: d("4.00"), Gross: d("24.00")}},
			OrderTotal:               sfcc.Total{Amounts: sfcc.Amounts{Net: d("20.00"), Tax: d("4.00"), Gross: d("24.00")}},
		},
		Payments: []sfcc.Payment{{Kind: sfcc.PaymentKindCreditCard, Amount: d("24.00"), TransactionID: "psp-" + no,
			Card: &sfcc.CreditCard{Type: "Visa", MaskedNumber: "************1111"}}},
	}
}
