package connector_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/dedupe/dedupeapi"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erpapi"
	"github.com/o2ckit/o2c/erp/erptest"
	"github.com/o2ckit/o2c/internal/apiauth"
	"github.com/o2ckit/o2c/internal/connector"
	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/reconcile/reconcileapi"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmsapi"
)

const apiKey = "test-key-0123456789abcdef"

var at = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// service is the connector API over the simulator, the fake ERP and the
// in-memory stores, as o2cd wires it.
func service(t *testing.T) *httptest.Server {
	t.Helper()
	return newService(t, nil).URL
}

// fixture is a running connector API and what stands behind it.
type fixture struct {
	URL   *httptest.Server
	SFCC  *sfcctest.Server
	Queue *exportQueue
}

// newService starts the connector API; configure, when set, changes the
// Config before New.
func newService(t *testing.T, configure func(*connector.Config)) fixture {
	t.Helper()
	srv := sfcctest.NewTestServer(t)
	client, err := ocapi.NewClient(srv.ClientConfig())
	if err != nil {
		t.Fatal(err)
	}
	one := sfcc.Quantity{Value: decimal.MustNew(1, 0)}
	srv.AddOrders(sfcc.Order{OrderNo: "00004711", Currency: "GBP", Status: sfcc.StatusSet{Shipping: sfcc.ShippingStatusNotShipped},
		ProductLineItems: []sfcc.ProductLineItem{{Position: 1, ProductID: "TEE-1", Quantity: one}, {Position: 2, ProductID: "CAP-1", Quantity: one}}},
		sfcc.Order{OrderNo: cancelledOrder, Currency: "GBP", Status: sfcc.StatusSet{Order: sfcc.OrderStatusCancelled},
			ProductLineItems: []sfcc.ProductLineItem{{Position: 1, ProductID: "TEE-1", Quantity: one}}})
	queue := &exportQueue{orders: client}
	xh, err := erpapi.NewExportHandler(erpapi.ExportConfig{Queue: queue})
	if err != nil {
		t.Fatal(err)
	}
	seq, err := wms.NewSequencer(wms.SequencerConfig{Orders: client})
	if err != nil {
		t.Fatal(err)
	}
	pusher, err := wms.NewPusher(wms.PusherConfig{Writer: client, List: "inventory_uk", Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	wh, err := wmsapi.New(wmsapi.Config{Shipments: seq, Inventory: pusher})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := erp.NewTranslator(erp.TranslatorConfig{Tables: erptest.SampleTables()})
	if err != nil {
		t.Fatal(err)
	}
	th, err := erpapi.NewTranslateHandler(erpapi.TranslateConfig{Translator: tr})
	if err != nil {
		t.Fatal(err)
	}
	res, err := dedupe.NewResolver(dedupe.Config{Directory: erptest.New()})
	if err != nil {
		t.Fatal(err)
	}
	rh, err := dedupeapi.NewHandler(dedupeapi.Config{Resolver: res, Transient: erp.Transient})
	if err != nil {
		t.Fatal(err)
	}
	store := &reconcile.MemoryExceptionStore{}
	if err := store.Record(context.Background(), at, reconcile.Exception{Kind: reconcile.KindShipmentStuck,
		Owner: reconcile.OwnerOperations, Key: "00001007", Detail: "shipped 30h ago"}); err != nil {
		t.Fatal(err)
	}
	eh, err := reconcileapi.New(reconcileapi.Config{Store: store, By: func(r *http.Request) string {
		p, _ := apiauth.PrincipalFrom(r.Context())
		return p.Scheme + ":" + p.Name
	}})
	if err != nil {
		t.Fatal(err)
	}
	guard, err := apiauth.New(apiauth.Config{APIKeys: []string{apiKey},
		BasicUsers: map[string]string{basicUser: basicPassword},
		Clients:    []apiauth.Client{{ID: "patchworks", Secret: "client-secret-0123456789"}}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := connector.Config{Auth: guard, Translate: th, Export: xh, Resolve: rh, Shipments: wh.Shipments,
		Inventory: wh.Inventory, Exceptions: eh.List, ResolveException: eh.Resolve}
	if configure != nil {
		configure(&cfg)
	}
	h, err := connector.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return fixture{URL: s, SFCC: srv, Queue: queue}
}

const (
	cancelledOrder = "00004712"
	basicUser      = "prometheus"
	basicPassword  = "scrape-password-0123"
)

// exportQueue is an ExportQueue as a host builds one: it checks the order
// in SFCC (the simulator, over HTTP), refuses a cancelled order, and keeps
// one job per order until the job ends, as a job engine with unique jobs
// does.
type exportQueue struct {
	orders *ocapi.Client
	mu     sync.Mutex
	jobs   int64            // jobs inserted
	active map[string]int64 // order number → queued or running job
}

func (q *exportQueue) EnqueueExport(ctx context.Context, orderNo string) (erpapi.ExportTicket, error) {
	o, err := q.orders.GetOrder(ctx, orderNo)
	switch {
	case err == nil:
	case erp.Transient(err):
		return erpapi.ExportTicket{}, &erpapi.UnavailableError{RetryAfter: 45 * time.Second, Err: err}
	default:
		return erpapi.ExportTicket{}, err
	}
	if o.Status.Order == sfcc.OrderStatusCancelled {
		return erpapi.ExportTicket{}, fmt.Errorf("order %s is cancelled: %w", orderNo, erpapi.ErrExportConflict)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if id, ok := q.active[orderNo]; ok {
		return erpapi.ExportTicket{JobID: id, Duplicate: true, State: "available"}, nil
	}
	if q.active == nil {
		q.active = map[string]int64{}
	}
	q.jobs++
	q.active[orderNo] = q.jobs
	return erpapi.ExportTicket{JobID: q.jobs, State: "available"}, nil
}

func (q *exportQueue) inserted() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.jobs
}

func openAPIValidator(t *testing.T) validator.Validator {
	t.Helper()
	doc, err := libopenapi.NewDocument(connector.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("openapi.json: %s: %s", e.Message, e.Reason)
		}
		t.FailNow()
	}
	return v
}

type call struct {
	name, method, path, ct, body string
	headers                      map[string]string
	auth                         bool // send the API key
	status                       int
}

// run sends c and checks the status and that request and response are
// what the OpenAPI document says.
func run(t *testing.T, s *httptest.Server, v validator.Validator, c call) (*http.Response, []byte) {
	t.Helper()
	build := func() *http.Request {
		r, err := http.NewRequest(c.method, s.URL+c.path, strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		if c.ct != "" {
			r.Header.Set("Content-Type", c.ct)
		}
		if c.auth {
			r.Header.Set("X-API-Key", apiKey)
		}
		for k, val := range c.headers {
			r.Header.Set(k, val)
		}
		return r
	}
	resp, err := s.Client().Do(build())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != c.status {
		t.Errorf("%s: %d %s, want %d", c.name, resp.StatusCode, body, c.status)
	}
	// Validate against the document, with the path as the document's
	// server sees it.
	req := build()
	req.URL, _ = url.Parse(c.path)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if ok, errs := v.ValidateHttpResponse(req, resp); !ok {
		for _, e := range errs {
			t.Errorf("%s: response does not match openapi.json: %s: %s", c.name, e.Message, e.Reason)
		}
	}
	if c.status < 400 || c.status == 401 {
		req = build()
		req.URL, _ = url.Parse(c.path)
		if ok, errs := v.ValidateHttpRequest(req); !ok && c.auth {
			for _, e := range errs {
				t.Errorf("%s: request does not match openapi.json: %s: %s", c.name, e.Message, e.Reason)
			}
		}
	}
	return resp, body
}

func shipment(n int, sku string, seq int) string {
	return fmt.Sprintf(`{"order_no":"00004711","event_id":"ev-%d","shipment_id":"pkg-%d","sequence":%d,"lines":[{"sku":%q,"quantity":"1"}],"carrier":"DHL","tracking_number":"TRK%d","shipped_at":"2026-11-20T1%d:00:00Z"}`,
		n, n, seq, sku, n, n)
}

// Every endpoint answers what openapi.json documents, for success and for
// the errors a connector meets.
func TestConnector_EveryAnswerMatchesTheOpenAPIDocument(t *testing.T) {
	s := service(t)
	v := openAPIValidator(t)
	order := erptest.SampleOrders()[0]
	shop, _ := sfcc.MarshalShopOrder(order)
	calls := []call{
		{name: "health", method: "GET", path: "/healthz", status: 200},
		{name: "ready", method: "GET", path: "/readyz", status: 200},
		{name: "translate", method: "POST", path: "/v1/orders/translate", ct: "application/json", body: string(shop), auth: true, status: 200},
		{name: "translate bad json", method: "POST", path: "/v1/orders/translate", ct: "application/json", body: "{", auth: true, status: 400},
		{name: "translate wrong type", method: "POST", path: "/v1/orders/translate", ct: "text/csv", body: "a", auth: true, status: 415},
		{name: "resolve", method: "POST", path: "/v1/customers/resolve", ct: "application/json", body: `{"order_no":"1","email":"sam@example.com","guest":true}`, auth: true, status: 200},
		{name: "resolve bad email", method: "POST", path: "/v1/customers/resolve", ct: "application/json", body: `{"order_no":"1","email":"sam at example"}`, auth: true, status: 422},
		{name: "shipment held", method: "POST", path: "/v1/shipments", ct: "application/json", body: shipment(2, "CAP-1", 2), auth: true, status: 202},
		{name: "shipment applied", method: "POST", path: "/v1/shipments", ct: "application/json", body: shipment(1, "TEE-1", 1), auth: true, status: 200},
		{name: "shipment duplicate", method: "POST", path: "/v1/shipments", ct: "application/json", body: shipment(1, "TEE-1", 1), auth: true, status: 200},
		{name: "inventory", method: "POST", path: "/v1/inventory", ct: "application/json", body: `{"levels":[{"sku":"TEE-1","location":"LEEDS","available":"7","sequence":1}]}`, auth: true, status: 202},
		{name: "exceptions", method: "GET", path: "/v1/exceptions?owner=operations&state=open", auth: true, status: 200},
		{name: "exceptions bad state", method: "GET", path: "/v1/exceptions?state=closed", auth: true, status: 422},
		{name: "resolve exception", method: "POST", path: "/v1/exceptions/shipment-stuck:00001007/resolve", ct: "application/json", body: `{"note":"late scan"}`, auth: true, status: 200},
		{name: "resolve unknown exception", method: "POST", path: "/v1/exceptions/shipment-stuck:1/resolve", ct: "application/json", body: `{"note":"x"}`, auth: true, status: 404},
		{name: "no credentials", method: "POST", path: "/v1/shipments", ct: "application/json", body: shipment(3, "TEE-1", 0), status: 401},
		{name: "token", method: "POST", path: "/oauth/token", ct: "application/x-www-form-urlencoded",
			body: "grant_type=client_credentials&client_id=patchworks&client_secret=client-secret-0123456789", status: 200},
		{name: "token wrong secret", method: "POST", path: "/oauth/token", ct: "application/x-www-form-urlencoded",
			body: "grant_type=client_credentials&client_id=patchworks&client_secret=nope", status: 401},
	}
	for _, c := range calls {
		run(t, s, v, c)
	}
}

func TestConnector_NeedsCredentialsOnEveryV1Route(t *testing.T) {
	s := service(t)
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(connector.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	for p, ops := range doc.Paths {
		if !strings.HasPrefix(p, "/v1/") {
			continue
		}
		for m := range ops {
			path := strings.NewReplacer("{id}", "shipment-stuck:00001007", "{orderNo}", "00004711").Replace(p)
			for _, hdr := range []map[string]string{nil, {"X-API-Key": "wrong-key-0123456789abcdef"}, {"Authorization": "Bearer " + apiKey + "x"}} {
				r, _ := http.NewRequest(strings.ToUpper(m), s.URL+path, strings.NewReader("{}"))
				r.Header.Set("Content-Type", "application/json")
				for k, v := range hdr {
					r.Header.Set(k, v)
				}
				resp, err := s.Client().Do(r)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != 401 {
					t.Errorf("%s %s with %v: %d, want 401", m, p, hdr, resp.StatusCode)
				}
			}
		}
	}
}

func TestConnector_IdempotencyKeyMakesARepeatOneEffect(t *testing.T) {
	s := service(t)
	send := func(key, body string) (*http.Response, string) {
		r, _ := http.NewRequest("POST", s.URL+"/v1/inventory", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-API-Key", apiKey)
		r.Header.Set("Idempotency-Key", key)
		resp, err := s.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	body := `{"levels":[{"sku":"TEE-1","location":"LEEDS","available":"7","sequence":1}]}`
	first, b1 := send("k-1", body)
	again, b2 := send("k-1", body)
	if first.StatusCode != 202 || again.StatusCode != 202 || b1 != b2 || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("repeat: %d %s / %d %s %v", first.StatusCode, b1, again.StatusCode, b2, again.Header)
	}
	if !strings.Contains(b2, `"accepted":1`) {
		t.Errorf("the replay is not the first answer: %s", b2)
	}
	if r, _ := send("k-1", strings.Replace(body, `"7"`, `"8"`, 1)); r.StatusCode != 422 {
		t.Errorf("same key, other body: %d", r.StatusCode)
	}
}

func TestConnector_ServesEveryDocumentedRouteAndNothingElse(t *testing.T) {
	s := service(t)
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	_ = json.Unmarshal(connector.OpenAPI(), &doc)
	for p, ops := range doc.Paths {
		for m := range ops {
			path := strings.NewReplacer("{id}", "shipment-stuck:00001007", "{orderNo}", "00004711").Replace(p)
			r, _ := http.NewRequest(strings.ToUpper(m), s.URL+path, strings.NewReader("{}"))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("X-API-Key", apiKey)
			resp, err := s.Client().Do(r)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == 404 && !strings.Contains(p, "{id}") || resp.StatusCode == 405 {
				t.Errorf("documented %s %s is not served: %d", m, p, resp.StatusCode)
			}
		}
	}
	r, _ := http.NewRequest("POST", s.URL+"/v1/orders/00001001/cancel", nil)
	r.Header.Set("X-API-Key", apiKey)
	resp, _ := s.Client().Do(r)
	if resp.StatusCode != 404 {
		t.Errorf("undocumented route: %d, want 404", resp.StatusCode)
	}
}

// The Postman collection Patchworks imports has exactly the document's
// operations.
func TestPostman_HasTheSameRoutesAsTheOpenAPIDocument(t *testing.T) {
	s := service(t)
	resp, err := s.Client().Get(s.URL + "/postman.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var col struct {
		Info struct{ Schema string } `json:"info"`
		Item []struct {
			Request struct {
				Method string `json:"method"`
				URL    struct {
					Path []string `json:"path"`
				} `json:"url"`
			} `json:"request"`
		} `json:"item"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&col); err != nil {
		t.Fatal(err)
	}
	if col.Info.Schema != connector.PostmanSchema {
		t.Errorf("schema %q", col.Info.Schema)
	}
	var got []string
	for _, it := range col.Item {
		p := "/" + strings.Join(it.Request.URL.Path, "/")
		for _, seg := range it.Request.URL.Path {
			if strings.HasPrefix(seg, ":") {
				p = strings.Replace(p, seg, "{"+seg[1:]+"}", 1)
			}
		}
		got = append(got, it.Request.Method+" "+p)
	}
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	_ = json.Unmarshal(connector.OpenAPI(), &doc)
	var want []string
	for p, ops := range doc.Paths {
		for m := range ops {
			want = append(want, strings.ToUpper(m)+" "+p)
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("postman routes\n%s\nopenapi routes\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
