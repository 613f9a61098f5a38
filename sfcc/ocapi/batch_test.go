package ocapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o2ckit/o2c/sfcc"

	"github.com/google/go-cmp/cmp"
	"github.com/govalues/decimal"
)

type subRequest struct {
	id, method, path string
	body             []byte
}

// batchServer answers OCAPI batches: it parses the parts, records them, and
// answers each through answer, in reverse order (the client must map by id).
type batchServer struct {
	t       *testing.T
	mu      sync.Mutex
	batches [][]subRequest
	answer  func(subRequest) (int, string)
	skip    map[string]bool // ids left unanswered
}

func (b *batchServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	testMethod(b.t, r, http.MethodPost)
	if got := r.Header.Get("x-dw-resource-path"); got != "/s/-/dw/data/v25_6/" {
		b.t.Errorf("x-dw-resource-path = %q", got)
	}
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		b.t.Fatalf("content type: %v", err)
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	var subs []subRequest
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.t.Fatalf("part: %v", err)
		}
		body, _ := io.ReadAll(p)
		subs = append(subs, subRequest{p.Header.Get("x-dw-content-id"), p.Header.Get("x-dw-http-method"), p.Header.Get("x-dw-resource-path-extension"), body})
	}
	b.mu.Lock()
	b.batches = append(b.batches, subs)
	b.mu.Unlock()
	if len(subs) > MaxBatchSize {
		fault(w, http.StatusBadRequest, "BatchSizeExceededException", "too many", nil)
		return
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, s := range slices.Backward(subs) {
		if b.skip[s.id] {
			continue
		}
		status, body := b.answer(s)
		h := textproto.MIMEHeader{}
		h.Set("x-dw-content-id", s.id)
		h.Set("x-dw-status-code", fmt.Sprint(status))
		h.Set("Content-Type", "application/json")
		pw, _ := mw.CreatePart(h)
		_, _ = io.WriteString(pw, body)
	}
	_ = mw.Close()
	w.Header().Set("Content-Type", "multipart/mixed; boundary="+mw.Boundary())
	_, _ = w.Write(buf.Bytes())
}

func inventoryAnswer(s subRequest) (int, string) {
	sku := s.path[strings.LastIndex(s.path, "/")+1:]
	if strings.HasPrefix(sku, "GONE") {
		return 404, `{"fault":{"type":"ProductInventoryRecordNotFoundException","message":"no record","arguments":{"productId":"` + sku + `"}}}`
	}
	var doc struct {
		Allocation struct {
			Amount json.Number `json:"amount"`
		} `json:"allocation"`
	}
	_ = json.Unmarshal(s.body, &doc)
	return 200, `{"product_id":"` + sku + `","inventory_list_id":"inv-uk","allocation":{"amount":` + doc.Allocation.Amount.String() + `}}`
}

func TestClient_UpdateInventorySplitsIntoBatchesOfFiftyAndReportsEachItem(t *testing.T) {
	f := setup(t)
	bs := &batchServer{t: t, answer: inventoryAnswer}
	f.mux.Handle("POST /s/-/dw/batch", bs)
	var updates []sfcc.InventoryUpdate
	for i := range 120 {
		sku := fmt.Sprintf("SKU-%03d", i)
		if i == 7 || i == 77 {
			sku = fmt.Sprintf("GONE-%03d", i)
		}
		a := decimal.MustNew(int64(i), 0)
		updates = append(updates, sfcc.InventoryUpdate{ProductID: sku, Allocation: &a})
	}
	updates = append(updates, sfcc.InventoryUpdate{ProductID: "SKU-NOOP"}) // changes nothing: refused locally
	res, err := f.client.UpdateInventory(context.Background(), "inv-uk", updates)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, b := range bs.batches {
		sizes = append(sizes, len(b))
	}
	if diff := cmp.Diff([]int{50, 50, 20}, sizes); diff != "" {
		t.Errorf("batch sizes (-want +got):\n%s", diff)
	}
	if len(res) != len(updates) {
		t.Fatalf("results = %d, want %d", len(res), len(updates))
	}
	for i, r := range res {
		if r.ProductID != updates[i].ProductID {
			t.Errorf("result %d is for %s, want %s", i, r.ProductID, updates[i].ProductID)
		}
		switch {
		case i == 7 || i == 77:
			var e *sfcc.Error
			if !errors.As(r.Err, &e) || !errors.Is(r.Err, sfcc.ErrNotFound) || e.Arguments["productId"] != r.ProductID ||
				!strings.Contains(e.Path, r.ProductID) || e.Method != http.MethodPatch {
				t.Errorf("%s: err = %v, want a 404 naming the SKU", r.ProductID, r.Err)
			}
		case i == 120:
			if !errors.Is(r.Err, sfcc.ErrInvalidArgument) {
				t.Errorf("no-op update: err = %v", r.Err)
			}
		default:
			if r.Err != nil || r.Record.ProductID != r.ProductID || r.Record.Allocation.Cmp(*updates[i].Allocation) != 0 {
				t.Errorf("%s: %+v", r.ProductID, r)
			}
		}
	}
	first := bs.batches[0][3]
	if first.method != http.MethodPatch || first.path != "inventory_lists/inv-uk/product_inventory_records/SKU-003" ||
		string(first.body) != `{"allocation":{"amount":3}}` {
		t.Errorf("sub-request = %+v (%s)", first, first.body)
	}
}

func TestClient_BatchReportsUnansweredInvalidAndDuplicateRequests(t *testing.T) {
	f := setup(t)
	bs := &batchServer{t: t, skip: map[string]bool{"b": true}, answer: func(s subRequest) (int, string) { return 204, "" }}
	f.mux.Handle("POST /s/-/dw/batch", bs)
	res, err := f.client.Batch(context.Background(), []BatchRequest{
		{ID: "a", Method: "DELETE", Path: "inventory_lists/l/product_inventory_records/A"},
		{ID: "b", Method: "DELETE", Path: "inventory_lists/l/product_inventory_records/B"},
		{ID: "a", Method: "DELETE", Path: "inventory_lists/l/product_inventory_records/C"},
		{Method: "POST", Path: "inventory_lists/l/product_inventory_records/D"},
		{Method: "get", Path: "/inventory_lists/l/product_inventory_records/E"},
		{Method: "GET", Path: "../../shop"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(bs.batches) != 1 || len(bs.batches[0]) != 3 {
		t.Fatalf("sent %v, want one batch of the three valid requests", bs.batches)
	}
	if res[0].Err != nil || res[0].Status != 204 || res[0].ID != "a" {
		t.Errorf("a: %+v", res[0])
	}
	if !errors.Is(res[1].Err, ErrNoSubResponse) {
		t.Errorf("b: %v", res[1].Err)
	}
	for _, i := range []int{2, 3, 5} {
		if !errors.Is(res[i].Err, sfcc.ErrInvalidArgument) {
			t.Errorf("%d: %v", i, res[i].Err)
		}
	}
	if res[4].Err != nil || res[4].ID == "" || bs.batches[0][2].path != "inventory_lists/l/product_inventory_records/E" || bs.batches[0][2].method != "GET" {
		t.Errorf("e: %+v, sent %+v", res[4], bs.batches[0][2])
	}
	seen := map[string]bool{}
	for _, r := range res {
		if r.ID == "" || (seen[r.ID] && r.ID != "a") {
			t.Errorf("ids not unique: %+v", res)
		}
		seen[r.ID] = true
	}
}

func TestClient_BatchFailureMarksItsItemsAndOtherBatchesStillRun(t *testing.T) {
	f := setup(t, func(c *Config) { c.MaxRetries = -1 })
	bs := &batchServer{t: t, answer: inventoryAnswer}
	var calls counter
	f.mux.HandleFunc("POST /s/-/dw/batch", calls.wrap(func(w http.ResponseWriter, r *http.Request) {
		if calls.n.Load() == 1 {
			fault(w, http.StatusServiceUnavailable, "ServiceUnavailableException", "busy", nil)
			return
		}
		bs.ServeHTTP(w, r)
	}))
	var reqs []BatchRequest
	for i := range 60 {
		reqs = append(reqs, BatchRequest{Method: "GET", Path: fmt.Sprintf("inventory_lists/inv-uk/product_inventory_records/S%d", i)})
	}
	res, err := f.client.Batch(context.Background(), reqs)
	if err == nil {
		t.Fatal("want the failed batch's error")
	}
	var e *sfcc.Error
	if !errors.As(err, &e) || e.StatusCode != 503 {
		t.Errorf("err = %v", err)
	}
	for i, r := range res {
		if (i < 50) != (r.Err != nil) {
			t.Errorf("%d: err = %v", i, r.Err)
		}
	}
}

func TestClient_BatchIsRetriedAsAWhole(t *testing.T) {
	f := setup(t)
	bs := &batchServer{t: t, answer: inventoryAnswer}
	var calls counter
	f.mux.HandleFunc("POST /s/-/dw/batch", calls.wrap(func(w http.ResponseWriter, r *http.Request) {
		if calls.n.Load() == 1 {
			w.Header().Set("Retry-After", "2")
			fault(w, http.StatusTooManyRequests, "QuotaExceededException", "slow", nil)
			return
		}
		bs.ServeHTTP(w, r)
	}))
	a := decimal.MustNew(5, 0)
	res, err := f.client.UpdateInventory(context.Background(), "inv-uk", []sfcc.InventoryUpdate{{ProductID: "S1", Allocation: &a}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("err = %v / %v", err, res[0].Err)
	}
	if diff := cmp.Diff([]time.Duration{2 * time.Second}, f.waits.get()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}

func TestInventoryUpdate_PatchDocumentSendsOnlySetFields(t *testing.T) {
	alloc := decimal.MustParse("10.0")
	pre := decimal.MustParse("2")
	yes := true
	reset := time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC)
	instock := time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC)
	var zero time.Time
	for _, tc := range []struct {
		name string
		u    sfcc.InventoryUpdate
		want string
	}{
		{"allocation", sfcc.InventoryUpdate{Allocation: &alloc}, `{"allocation":{"amount":10.0}}`},
		{"allocation with reset", sfcc.InventoryUpdate{Allocation: &alloc, AllocationResetDate: reset}, `{"allocation":{"amount":10.0,"reset_date":"2026-03-01T08:30:00.000Z"}}`},
		{"flags", sfcc.InventoryUpdate{Perpetual: &yes, PreOrderBackOrderHandling: sfcc.HandlingBackorder, PreOrderBackOrderAllocation: &pre},
			`{"perpetual_flag":true,"pre_order_back_order_allocation":2,"pre_order_back_order_handling":"backorder"}`},
		{"in-stock date", sfcc.InventoryUpdate{InStockDate: &instock}, `{"in_stock_date":"2026-04-02T00:00:00.000Z"}`},
		{"clear in-stock date", sfcc.InventoryUpdate{InStockDate: &zero}, `{"in_stock_date":null}`},
	} {
		got, err := tc.u.PatchDocument()
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: %s, %v; want %s", tc.name, got, err, tc.want)
		}
	}
	if _, err := (sfcc.InventoryUpdate{ProductID: "X"}).PatchDocument(); !errors.Is(err, sfcc.ErrInvalidArgument) {
		t.Errorf("empty update: %v", err)
	}
}
