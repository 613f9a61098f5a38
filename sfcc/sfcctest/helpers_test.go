package sfcctest_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

const (
	dataBase = "/s/-/dw/data/v25_6"
	shopBase = "/s/RefArch/dw/shop/v25_6"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// basic is the Account Manager Basic header: id and secret each form-encoded.
func basic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) fault() (typ string, args map[string]string) {
	var doc struct {
		Fault struct {
			Type      string            `json:"type"`
			Arguments map[string]string `json:"arguments"`
		} `json:"fault"`
	}
	_ = json.Unmarshal(r.Body, &doc)
	return doc.Fault.Type, doc.Fault.Arguments
}

// call sends one request with plain net/http.
func call(t testing.TB, srv *sfcctest.Server, method, path, auth string, body any) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, srv.URL()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// fetchToken runs the client-credentials flow and returns "Bearer <token>".
func fetchToken(t testing.TB, srv *sfcctest.Server) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.TokenURL(), strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", basic(srv.ClientID(), srv.ClientSecret()))
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("token status %d", resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		t.Fatal(err)
	}
	return "Bearer " + tok.AccessToken
}

func dec(s string) decimal.Decimal { return decimal.MustParse(s) }

// seedOrder is a small order in the given export status.
func seedOrder(no string, export sfcc.ExportStatus) sfcc.Order {
	return sfcc.Order{
		OrderNo: no, Currency: "GBP", Taxation: sfcc.TaxationGross, SiteID: "RefArch",
		OrderDate: time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC),
		Customer:  sfcc.Customer{CustomerNo: "C1", Name: "Ada", Email: "ada@example.com"},
		Status: sfcc.StatusSet{Order: sfcc.OrderStatusNew, Export: export, Shipping: sfcc.ShippingStatusNotShipped,
			Payment: sfcc.PaymentStatusPaid, Confirmation: sfcc.ConfirmationStatusConfirmed},
		ProductLineItems: []sfcc.ProductLineItem{{ProductID: "SKU-1", Quantity: sfcc.Quantity{Value: dec("1")},
			LineAmounts: sfcc.LineAmounts{NetPrice: dec("10.00"), Tax: dec("2.00"), GrossPrice: dec("12.00")}}},
		Totals: sfcc.OrderTotals{OrderTotal: sfcc.Total{Amounts: sfcc.Amounts{Net: dec("10.00"), Tax: dec("2.00"), Gross: dec("12.00")}}},
	}
}
