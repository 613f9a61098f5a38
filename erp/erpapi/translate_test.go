package erpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erpapi"
	"github.com/o2ckit/o2c/erp/erptest"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/orderxml"
)

func handler(t testing.TB, maxOrders int) http.Handler {
	t.Helper()
	tr, err := erp.NewTranslator(erp.TranslatorConfig{Tables: erptest.SampleTables()})
	if err != nil {
		t.Fatal(err)
	}
	h, err := erpapi.NewTranslateHandler(erpapi.TranslateConfig{Translator: tr, MaxOrders: maxOrders})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func post(h http.Handler, ct string, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/v1/orders/translate", bytes.NewReader(body))
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func orderXML(t testing.TB, orders ...sfcc.Order) []byte {
	var b bytes.Buffer
	enc := orderxml.NewEncoder(&b)
	for _, o := range orders {
		if err := enc.Encode(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func decode(t *testing.T, rec *httptest.ResponseRecorder) erpapi.TranslateResponse {
	t.Helper()
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	var resp erpapi.TranslateResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatal(err)
	}
	return resp
}

// Each order comes back as the library translates it — the same sales
// order and journal, or what stops it — whatever the input format.
func TestTranslate_EveryFormatGivesTheLibrarysDocuments(t *testing.T) {
	h := handler(t, 0)
	orders := erptest.SampleOrders()
	tr, _ := erp.NewTranslator(erp.TranslatorConfig{Tables: erptest.SampleTables()})

	type format struct {
		name, ct string
		body     []byte
		decoded  []sfcc.Order // what the library reads from body
	}
	xmlBody := orderXML(t, orders...)
	xmlFmt := format{name: "order xml", ct: "application/xml", body: xmlBody}
	for o, err := range orderxml.NewDecoder(bytes.NewReader(xmlBody)).All(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		xmlFmt.decoded = append(xmlFmt.decoded, o)
	}
	formats := []format{xmlFmt}
	for _, j := range []struct {
		name, ct  string
		marshal   func(sfcc.Order) ([]byte, error)
		unmarshal func([]byte) (sfcc.Order, error)
	}{
		{"shop json", "application/json", sfcc.MarshalShopOrder, sfcc.UnmarshalShopOrder},
		{"scapi json", "application/vnd.sfcc.scapi+json; charset=utf-8", sfcc.MarshalSCAPIOrder, sfcc.UnmarshalSCAPIOrder},
	} {
		f := format{name: j.name, ct: j.ct}
		var raws []json.RawMessage
		for _, o := range orders {
			b, err := j.marshal(o)
			if err != nil {
				t.Fatal(err)
			}
			raws = append(raws, b)
			d, err := j.unmarshal(b)
			if err != nil {
				t.Fatal(err)
			}
			f.decoded = append(f.decoded, d)
		}
		f.body, _ = json.Marshal(raws)
		formats = append(formats, f)
	}
	for _, f := range formats {
		resp := decode(t, post(h, f.ct, f.body))
		if len(resp.Orders) != len(orders) || resp.Translated+resp.Failed != len(orders) {
			t.Fatalf("%s: %d results, %d translated, %d failed", f.name, len(resp.Orders), resp.Translated, resp.Failed)
		}
		for i, res := range resp.Orders {
			if res.OrderNo != orders[i].OrderNo {
				t.Errorf("%s: result %d is order %s, want %s", f.name, i, res.OrderNo, orders[i].OrderNo)
			}
			want, err := tr.Translate(f.decoded[i])
			if err != nil {
				if res.OK || len(res.MissingMappings)+len(res.Problems) == 0 {
					t.Errorf("%s: order %s: Translate fails (%v) but the handler says %+v", f.name, res.OrderNo, err, res)
				}
				continue
			}
			if !res.OK || res.SalesOrder == nil || !erp.SameSalesOrder(*res.SalesOrder, want) {
				t.Errorf("%s: order %s: the served document differs from Translate's", f.name, res.OrderNo)
			}
			if res.Journal == nil || res.Journal.Reference != "order:"+res.OrderNo {
				t.Errorf("%s: order %s: journal %+v", f.name, res.OrderNo, res.Journal)
			}
		}
	}
	// The Order XML path: all but the deliberately unmapped order translate,
	// and that one names the payments row it needs.
	resp := decode(t, post(h, "application/xml", xmlBody))
	if resp.Translated != len(orders)-1 || resp.Failed != 1 {
		t.Errorf("order xml: %d translated, %d failed", resp.Translated, resp.Failed)
	}
	for _, res := range resp.Orders {
		if res.OrderNo == erptest.SampleFailingOrderNo && (len(res.MissingMappings) == 0 || res.MissingMappings[0].Table != "payments") {
			t.Errorf("failing order: %+v, want the missing payments row", res)
		}
	}
}

func TestTranslate_ASingleShopOrderObject(t *testing.T) {
	o := erptest.SampleOrders()[0]
	b, _ := sfcc.MarshalShopOrder(o)
	resp := decode(t, post(handler(t, 0), "application/json", b))
	if len(resp.Orders) != 1 || !resp.Orders[0].OK {
		t.Errorf("%+v", resp)
	}
}

func TestTranslate_AnUnreadableOrderFailsAloneInXML(t *testing.T) {
	orders := erptest.SampleOrders()
	body := orderXML(t, orders[:2]...)
	// Break a price of the second order: it is reported, the first goes
	// through.
	second := bytes.Index(body, []byte(`order-no="`+orders[1].OrderNo+`"`))
	at := second + bytes.Index(body[second:], []byte("<net-price>")) + len("<net-price>")
	bad := append(append(append([]byte{}, body[:at]...), 'x'), body[at:]...)
	resp := decode(t, post(handler(t, 0), "application/xml", bad))
	if resp.Translated != 1 || resp.Failed != 1 {
		t.Fatalf("%d translated, %d failed: %+v", resp.Translated, resp.Failed, resp)
	}
	var failed erpapi.OrderResult
	for _, r := range resp.Orders {
		if !r.OK {
			failed = r
		}
	}
	if failed.OrderNo != orders[1].OrderNo || len(failed.Problems) == 0 || !strings.Contains(failed.Problems[0], "net-price") {
		t.Errorf("failed result %+v, want order %s naming the net-price", failed, orders[1].OrderNo)
	}
}

func TestTranslate_BadRequestsAreProblems(t *testing.T) {
	h := handler(t, 2)
	three, _ := json.Marshal([]json.RawMessage{[]byte(`{}`), []byte(`{}`), []byte(`{}`)})
	for _, tc := range []struct {
		name, ct string
		body     string
		status   int
		code     string
	}{
		{"media type", "text/csv", "a,b", 415, "unsupported_media_type"},
		{"not json", "application/json", "{", 400, "invalid_json"},
		{"empty", "application/json", "  ", 400, "invalid_json"},
		{"empty array", "application/json", "[]", 422, "invalid_field"},
		{"too many", "application/json", string(three), 413, "too_large"},
		{"not xml", "application/xml", "<orders><order", 400, "invalid_xml"},
		{"no orders", "application/xml", `<orders xmlns="http://www.demandware.com/xml/impex/order/2006-10-31"/>`, 422, "invalid_field"},
		{"doctype", "application/xml", `<!DOCTYPE x [<!ENTITY a "b">]><orders/>`, 400, "invalid_xml"},
	} {
		rec := post(h, tc.ct, []byte(tc.body))
		var p struct {
			Status int    `json:"status"`
			Code   string `json:"code"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &p)
		if rec.Code != tc.status || p.Code != tc.code || rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s, want %d %s", tc.name, rec.Code, rec.Body.String(), tc.status, tc.code)
		}
	}
	r := httptest.NewRequest(http.MethodGet, "/v1/orders/translate", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != 405 || rec.Header().Get("Allow") != "POST" {
		t.Errorf("GET: %d %v", rec.Code, rec.Header())
	}
}

func TestNewTranslateHandler_NeedsATranslator(t *testing.T) {
	_, err := erpapi.NewTranslateHandler(erpapi.TranslateConfig{})
	var ce *erpapi.ConfigError
	if !errors.As(err, &ce) || ce.Field != "Translator" {
		t.Errorf("%v", err)
	}
}

func ExampleNewTranslateHandler() {
	tr, _ := erp.NewTranslator(erp.TranslatorConfig{Tables: erptest.SampleTables()})
	h, _ := erpapi.NewTranslateHandler(erpapi.TranslateConfig{Translator: tr})
	body, _ := sfcc.MarshalShopOrder(erptest.SampleOrders()[0])
	r := httptest.NewRequest(http.MethodPost, "/v1/orders/translate", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	var resp erpapi.TranslateResponse
	_ = json.Unmarshal(rec.Body.Bytes(), &resp)
	o := resp.Orders[0]
	fmt.Println(rec.Code, o.OrderNo, o.OK, o.SalesOrder.Totals.Gross, o.Journal.Reference)
	// Output: 200 00001001 true 112.99 order:00001001
}
