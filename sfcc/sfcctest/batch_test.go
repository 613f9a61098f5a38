package sfcctest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"testing"
	"time"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

type subRequest struct {
	id, method, ext, body string
}

type subResponse struct {
	status int
	body   []byte
}

// postBatch sends an OCAPI batch and returns the sub-responses by content id.
func postBatch(t *testing.T, srv *sfcctest.Server, auth string, subs []subRequest) (response, map[string]subResponse, []string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, s := range subs {
		h := textproto.MIMEHeader{}
		h.Set("x-dw-content-id", s.id)
		h.Set("x-dw-http-method", s.method)
		h.Set("x-dw-resource-path-extension", s.ext)
		h.Set("Content-Type", "application/json")
		pw, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = pw.Write([]byte(s.body))
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/s/-/dw/batch", &buf)
	req.Header.Set("Content-Type", "multipart/mixed; boundary="+mw.Boundary())
	req.Header.Set("x-dw-resource-path", dataBase+"/")
	req.Header.Set("Authorization", auth)
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := response{Status: resp.StatusCode, Header: resp.Header}
	parts := map[string]subResponse{}
	var order []string
	mt, mp, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt != "multipart/mixed" {
		out.Body, _ = io.ReadAll(resp.Body)
		return out, nil, nil
	}
	mr := multipart.NewReader(resp.Body, mp["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p)
		status, _ := strconv.Atoi(p.Header.Get("x-dw-status-code"))
		id := p.Header.Get("x-dw-content-id")
		parts[id] = subResponse{status: status, body: body}
		order = append(order, id)
	}
	return out, parts, order
}

func faultType(body []byte) string {
	var doc struct {
		Fault struct {
			Type string `json:"type"`
		} `json:"fault"`
	}
	_ = json.Unmarshal(body, &doc)
	return doc.Fault.Type
}

func TestBatch_EachSubRequestHasItsOwnOutcome(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	srv.PutInventory("uk", sfcc.InventoryRecord{ProductID: "SKU-1", Allocation: dec("1")})
	o := seedOrder("00001", sfcc.ExportStatusReady)
	o.Status.Order = sfcc.OrderStatusCancelled
	srv.AddOrders(o)
	auth := fetchToken(t, srv)

	subs := []subRequest{
		{"a", "PATCH", "inventory_lists/uk/product_inventory_records/SKU-1", `{"allocation":{"amount":7}}`},
		{"b", "PATCH", "inventory_lists/uk/product_inventory_records/MISSING", `{"allocation":{"amount":7}}`},
		{"c", "PUT", "inventory_lists/uk/product_inventory_records/SKU-2", `{"allocation":{"amount":-3}}`},
		{"d", "PUT", "inventory_lists/uk/product_inventory_records/SKU-3", `{"allocation":{"amount":3}}`},
		{"e", "PUT", "sites/RefArch/orders/00001/export_status", `{"status":"exported"}`},
		{"f", "PUT", "sites/RefArch/orders/00001/status", `{"status":"open"}`},
		{"g", "GET", "inventory_lists/uk/product_inventory_records/SKU-1", ``},
		{"h", "DELETE", "inventory_lists/uk/product_inventory_records/SKU-3", ``},
		{"i", "GET", "no/such/route", ``},
	}
	resp, parts, order := postBatch(t, srv, auth, subs)
	if resp.Status != http.StatusOK {
		t.Fatalf("batch status %d: %s", resp.Status, resp.Body)
	}
	want := map[string]struct {
		status int
		fault  string
	}{
		"a": {200, ""}, "b": {404, "ProductInventoryRecordNotFoundException"}, "c": {400, "InvalidDocumentException"},
		"d": {201, ""}, "e": {204, ""}, "f": {409, "OrderStatusTransitionException"}, "g": {200, ""}, "h": {204, ""},
		"i": {404, "ResourcePathNotFoundException"},
	}
	for id, w := range want {
		got := parts[id]
		if got.status != w.status || faultType(got.body) != w.fault {
			t.Errorf("part %s: %d %s, want %d %s", id, got.status, faultType(got.body), w.status, w.fault)
		}
	}
	if fmt.Sprint(order) != "[a b c d e f g h i]" {
		t.Errorf("parts answered in order %v", order)
	}
	if rec := parts["g"]; !bytes.Contains(rec.body, []byte(`"amount":7`)) {
		t.Errorf("GET after PATCH in the same batch sees %s", rec.body)
	}
	if o, _ := srv.Order("00001"); o.Status.Export != sfcc.ExportStatusExported || o.Status.Order != sfcc.OrderStatusCancelled {
		t.Errorf("order after batch: %+v", o.Status)
	}
	if _, ok := srv.Inventory("uk", "SKU-3"); ok {
		t.Error("SKU-3 was deleted in the batch but is still there")
	}
	reqs := srv.Requests()
	if last := reqs[len(reqs)-1]; last.Route != "batch" || last.BatchParts != len(subs) || last.Status != 200 {
		t.Errorf("log entry = %+v", last)
	}
}

func TestBatch_MoreThan50PartsIsRejectedWhole(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	srv.AddInventoryList("uk")
	auth := fetchToken(t, srv)
	var subs []subRequest
	for i := 0; i < 51; i++ {
		subs = append(subs, subRequest{strconv.Itoa(i), "PUT", fmt.Sprintf("inventory_lists/uk/product_inventory_records/S%02d", i), `{"allocation":{"amount":1}}`})
	}
	resp, _, _ := postBatch(t, srv, auth, subs)
	if typ, _ := resp.fault(); resp.Status != http.StatusBadRequest || typ != "InvalidDocumentException" {
		t.Errorf("51 parts: %d %s", resp.Status, typ)
	}
	if n := len(srv.InventoryRecords("uk")); n != 0 {
		t.Errorf("a rejected batch wrote %d records", n)
	}
	resp, parts, _ := postBatch(t, srv, auth, subs[:50])
	if resp.Status != http.StatusOK || len(parts) != 50 || len(srv.InventoryRecords("uk")) != 50 {
		t.Errorf("50 parts: status %d, %d parts, %d records", resp.Status, len(parts), len(srv.InventoryRecords("uk")))
	}
}

func TestBatch_MalformedBatches(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	auth := fetchToken(t, srv)
	if got := call(t, srv, http.MethodPost, "/s/-/dw/batch", auth, `{"not":"multipart"}`); got.Status != http.StatusBadRequest {
		t.Errorf("JSON body: %d", got.Status)
	}
	resp, _, _ := postBatch(t, srv, auth, []subRequest{{"x", "GET", "a", ""}, {"x", "GET", "b", ""}})
	if resp.Status != http.StatusBadRequest {
		t.Errorf("duplicate content ids: %d", resp.Status)
	}
	_, parts, _ := postBatch(t, srv, auth, []subRequest{{"m", "", "inventory_lists/uk/product_inventory_records/A", ""}})
	if parts["m"].status != http.StatusBadRequest {
		t.Errorf("part without method: %d", parts["m"].status)
	}
	if got := call(t, srv, http.MethodPost, "/s/-/dw/batch", "", nil); got.Status != http.StatusUnauthorized {
		t.Errorf("batch without token: %d", got.Status)
	}
}

func TestBatch_RouteFaultsHitSubRequests(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	for _, sku := range []string{"A", "B", "C", "D"} {
		srv.PutInventory("uk", sfcc.InventoryRecord{ProductID: sku})
	}
	srv.InjectFault(sfcctest.Fault{Route: "inventory.patch", Status: http.StatusConflict, Every: 2})
	var subs []subRequest
	for _, sku := range []string{"A", "B", "C", "D"} {
		subs = append(subs, subRequest{sku, "PATCH", "inventory_lists/uk/product_inventory_records/" + sku, `{"allocation":{"amount":5}}`})
	}
	resp, parts, _ := postBatch(t, srv, fetchToken(t, srv), subs)
	if resp.Status != http.StatusOK {
		t.Fatalf("batch: %d", resp.Status)
	}
	for sku, want := range map[string]int{"A": 200, "B": 409, "C": 200, "D": 409} {
		if parts[sku].status != want {
			t.Errorf("%s: %d, want %d", sku, parts[sku].status, want)
		}
		rec, _ := srv.Inventory("uk", sku)
		if applied := rec.Allocation.String() == "5"; applied != (want == 200) {
			t.Errorf("%s: allocation %s after status %d", sku, rec.Allocation, parts[sku].status)
		}
	}
}

func TestBatch_DropAndLatencyFaultsOnSubRequests(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	srv.PutInventory("uk", sfcc.InventoryRecord{ProductID: "A"}, sfcc.InventoryRecord{ProductID: "B"})
	srv.InjectFault(sfcctest.Fault{Route: "inventory.get", Drop: true, Times: 1})
	srv.InjectFault(sfcctest.Fault{Route: "inventory.get", Latency: time.Millisecond, Times: 1})
	resp, parts, _ := postBatch(t, srv, fetchToken(t, srv), []subRequest{
		{"a", "GET", "inventory_lists/uk/product_inventory_records/A", ""},
		{"b", "GET", "inventory_lists/uk/product_inventory_records/B", ""},
	})
	if resp.Status != http.StatusOK {
		t.Fatalf("batch: %d", resp.Status)
	}
	if parts["a"].status != http.StatusInternalServerError || parts["b"].status != http.StatusOK {
		t.Errorf("a dropped → %d (want 500), b delayed → %d (want 200)", parts["a"].status, parts["b"].status)
	}
	if srv.FaultsFired() != 2 {
		t.Errorf("FaultsFired = %d", srv.FaultsFired())
	}
}
