package ocapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// credSpy sits under the client's transport and remembers every credential
// that crossed the wire (bearer tokens sent, tokens issued), so the suite
// can check that none of them ever shows up in a log line or an error.
type credSpy struct {
	base http.RoundTripper
	mu   sync.Mutex
	seen map[string]bool
}

func (s *credSpy) RoundTrip(r *http.Request) (*http.Response, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		_, v, _ := strings.Cut(h, " ")
		s.add(v)
	}
	resp, err := s.base.RoundTrip(r)
	if err != nil || !strings.HasSuffix(r.URL.Path, "/access_token") {
		return resp, err
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if json.Unmarshal(body, &tok) == nil {
		s.add(tok.AccessToken)
	}
	return resp, nil
}

func (s *credSpy) add(v string) {
	if v == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	s.seen[v] = true
}

func (s *credSpy) credentials() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for v := range s.seen {
		out = append(out, v)
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// simEnv is a simulator and a client configured against it, with every wait
// recorded instead of slept, a debug log captured, and every error the test
// sees collected for the leak check that runs at cleanup.
type simEnv struct {
	sim    *sfcctest.Server
	client *ocapi.Client
	spy    *credSpy
	logs   *syncBuffer
	secret string

	mu     sync.Mutex
	waits  []time.Duration
	errors []string
}

func newSimEnv(t *testing.T, simOpts []sfcctest.Option, edit ...func(*ocapi.Config)) *simEnv {
	t.Helper()
	sim := sfcctest.NewTestServer(t, simOpts...)
	env := &simEnv{sim: sim, logs: &syncBuffer{}, secret: sim.ClientSecret()}
	base := sim.HTTPClient()
	env.spy = &credSpy{base: base.Transport}
	hc := *base
	hc.Transport = env.spy
	cfg := ocapi.Config{
		Host:         sim.URL(),
		Site:         sim.Site(),
		ClientID:     sim.ClientID(),
		Secret:       sfcc.StaticSecret(sim.ClientSecret()),
		TokenURL:     sim.TokenURL(),
		HTTPClient:   &hc,
		Logger:       slog.New(slog.NewTextHandler(env.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		RetryWaitMin: 50 * time.Millisecond,
		RetryWaitMax: 5 * time.Second,
		Sleep: func(ctx context.Context, d time.Duration) error {
			env.mu.Lock()
			env.waits = append(env.waits, d)
			env.mu.Unlock()
			return ctx.Err()
		},
	}
	for _, e := range edit {
		e(&cfg)
	}
	if s, ok := cfg.Secret.(sfcc.StaticSecret); ok {
		env.secret, _ = s.Secret(context.Background())
	}
	c, err := ocapi.NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	env.client = c
	t.Cleanup(func() { env.checkNoLeaks(t) })
	return env
}

// seen records an error the test observed, for the leak check.
func (e *simEnv) seen(err error) error {
	if err != nil {
		e.mu.Lock()
		e.errors = append(e.errors, err.Error(), fmt.Sprintf("%+v", err))
		e.mu.Unlock()
	}
	return err
}

func (e *simEnv) recordedWaits() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]time.Duration(nil), e.waits...)
}

// checkNoLeaks fails when the captured log or any error seen contains the
// client secret (raw, form-encoded or inside Basic auth) or any token.
func (e *simEnv) checkNoLeaks(t *testing.T) {
	t.Helper()
	forbidden := append(e.spy.credentials(), e.secret, url.QueryEscape(e.secret))
	basic := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(e.sim.ClientID()) + ":" + url.QueryEscape(e.secret)))
	forbidden = append(forbidden, basic)
	e.mu.Lock()
	texts := append([]string{e.logs.String()}, e.errors...)
	e.mu.Unlock()
	for _, text := range texts {
		for _, f := range forbidden {
			if f != "" && strings.Contains(text, f) {
				t.Errorf("credential %.6s… leaked into: %.200s", f, text)
			}
		}
	}
}

var orderDay = time.Date(2026, 2, 14, 10, 30, 0, 0, time.UTC)

// simOrder is a small but realistic order: one line, shipping, a card payment.
func simOrder(no string, export sfcc.ExportStatus) sfcc.Order {
	d := decimal.MustParse
	return sfcc.Order{
		OrderNo:   no,
		OrderDate: orderDay,
		Currency:  "GBP",
		Taxation:  sfcc.TaxationGross,
		Customer: sfcc.Customer{
			CustomerNo: "C" + no, Name: "Jane Doe", Email: "jane.doe@example.com",
			BillingAddress: sfcc.Address{FirstName: "Jane", LastName: "Doe", Address1: "1 High St", City: "Leeds", PostalCode: "LS1 1AA", CountryCode: "GB"},
		},
		Status: sfcc.StatusSet{Order: sfcc.OrderStatusOpen, Export: export, Shipping: sfcc.ShippingStatusNotShipped,
			Payment: sfcc.PaymentStatusPaid, Confirmation: sfcc.ConfirmationStatusConfirmed},
		ProductLineItems: []sfcc.ProductLineItem{{
			LineAmounts: sfcc.LineAmounts{NetPrice: d("20.00"), Tax: d("4.00"), GrossPrice: d("24.00"), BasePrice: d("24.00"), TaxBasis: d("24.00")},
			Position:    1, ProductID: "SKU-TEE-M", ProductName: "Tee, medium", Quantity: sfcc.Quantity{Value: d("1"), Unit: "pcs"},
			TaxRate: d("0.2"), ShipmentID: "me",
		}},
		Shipments: []sfcc.Shipment{{ID: "me", ShippingStatus: sfcc.ShippingStatusNotShipped, ShippingMethod: "standard",
			ShippingAddress: sfcc.Address{FirstName: "Jane", LastName: "Doe", Address1: "1 High St", City: "Leeds", PostalCode: "LS1 1AA", CountryCode: "GB"}}},
		Totals: sfcc.OrderTotals{
			MerchandizeTotal: sfcc.Total{Amounts: sfcc.Amounts{Net: d("20.00"), Tax: d("4.00"), Gross: d("24.00")}},
			OrderTotal:       sfcc.Total{Amounts: sfcc.Amounts{Net: d("20.00"), Tax: d("4.00"), Gross: d("24.00")}},
		},
		Payments: []sfcc.Payment{{Kind: sfcc.PaymentKindCreditCard, MethodID: "CREDIT_CARD", Amount: d("24.00"), ProcessorID: "ADYEN_CREDIT", TransactionID: "psp-" + no}},
	}
}

// routeCount counts the simulator's logged requests of a route, by status.
func routeCount(sim *sfcctest.Server, route string) (total int, byStatus map[int]int) {
	byStatus = map[int]int{}
	for _, r := range sim.Requests() {
		if r.Route == route {
			total++
			byStatus[r.Status]++
		}
	}
	return total, byStatus
}
