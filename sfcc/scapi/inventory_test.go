package scapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/scapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

func skuUpdates(n int) []sfcc.InventoryUpdate {
	out := make([]sfcc.InventoryUpdate, n)
	for i := range out {
		q := decimal.MustNew(int64(i%50), 0)
		out[i] = sfcc.InventoryUpdate{ProductID: fmt.Sprintf("SKU-%05d", i), Allocation: &q}
	}
	return out
}

func checkApplied(t *testing.T, srv *sfcctest.Server, list string, updates []sfcc.InventoryUpdate, res []sfcc.InventoryResult) {
	t.Helper()
	if len(res) != len(updates) {
		t.Fatalf("%d results for %d updates", len(res), len(updates))
	}
	for i, u := range updates {
		if res[i].Err != nil || res[i].ProductID != u.ProductID {
			t.Fatalf("result %d: %+v", i, res[i])
		}
		rec, ok := srv.Inventory(list, u.ProductID)
		if !ok || !rec.Allocation.Equal(*u.Allocation) {
			t.Fatalf("%s: simulator has %+v (found %v), want allocation %s", u.ProductID, rec, ok, u.Allocation)
		}
	}
}

func TestUpdateInventory_250ChangesAreThreeBatchCalls(t *testing.T) {
	e := setup(t)
	updates := skuUpdates(250)
	res, err := e.client.UpdateInventory(context.Background(), "inv-uk", updates)
	if err != nil {
		t.Fatal(err)
	}
	checkApplied(t, e.srv, "inv-uk", updates, res)
	var parts []int
	for _, r := range e.srv.Requests() {
		if r.Route == sfcctest.RouteOCIBatch {
			parts = append(parts, r.BatchParts)
		}
	}
	if len(parts) != 3 || parts[0]+parts[1]+parts[2] != 250 || max(parts[0], parts[1], parts[2]) > scapi.MaxBatchRecords {
		t.Errorf("batch calls with %v records, want 3 calls of at most 100", parts)
	}
	if n := e.srv.RequestCount(sfcctest.RouteOCIImport); n != 0 {
		t.Errorf("%d imports for 250 changes", n)
	}
}

func TestUpdateInventory_5000ChangesAreOneNDJSONImport(t *testing.T) {
	e := setup(t)
	updates := skuUpdates(5000)
	res, err := e.client.UpdateInventory(context.Background(), "inv-uk", updates)
	if err != nil {
		t.Fatal(err)
	}
	checkApplied(t, e.srv, "inv-uk", updates, res)
	if n := e.srv.RequestCount(sfcctest.RouteOCIBatch); n != 0 {
		t.Errorf("%d batch calls for 5000 changes", n)
	}
	imps := e.srv.OCIImports()
	if len(imps) != 1 || e.srv.RequestCount(sfcctest.RouteOCIUpload) != 1 {
		t.Fatalf("imports %d, uploads %d; want one of each", len(imps), e.srv.RequestCount(sfcctest.RouteOCIUpload))
	}
	imp := imps[0]
	if imp.Status != "COMPLETED" || len(imp.RecordIDs) != 5000 || len(imp.Modes) != 1 || imp.Modes[0] != "UPDATE" || imp.Locations[0] != "inv-uk" {
		t.Errorf("import %s: status %s, %d records, modes %v, locations %v", imp.ID, imp.Status, len(imp.RecordIDs), imp.Modes, imp.Locations)
	}
	seen := map[string]bool{}
	for _, id := range imp.RecordIDs {
		if id == "" || seen[id] {
			t.Fatalf("recordId %q empty or repeated", id)
		}
		seen[id] = true
	}
	// The status was polled until COMPLETED, waiting through the injected sleep.
	if n := e.srv.RequestCount(sfcctest.RouteOCIImportStatus); n < 2 {
		t.Errorf("%d status polls", n)
	}
	polls := 0
	for _, d := range e.sleeps.all() {
		if d == time.Millisecond { // SCAPIClientConfig's ImportPollInterval
			polls++
		}
	}
	if polls < 1 {
		t.Errorf("no poll wait went through Config.Sleep: %v", e.sleeps.all())
	}
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// wrapTransport puts wrap around the client's transport (the recorder).
func wrapTransport(wrap func(base http.RoundTripper) http.RoundTripper) func(*scapi.Config) {
	return func(c *scapi.Config) {
		hc := *c.HTTPClient
		hc.Transport = wrap(hc.Transport)
		c.HTTPClient = &hc
	}
}

// batchBodies are the bodies of the batch-update calls the client sent.
func batchBodies(e *env) []string {
	var out []string
	for _, r := range e.rec.requests() {
		if strings.HasSuffix(r.Path, "/availability-records/actions/batch-update") {
			out = append(out, string(r.Body))
		}
	}
	return out
}

// One batch answered 503 waits for its retry while the other batches go
// through: the retry's wait only ends once both others have succeeded, so
// a client that sent batches one after another would never get there. The
// retry carries the same actionRequestIds, so OCI can tell it from a new
// change, and every SKU ends applied.
func TestUpdateInventory_AFailedBatchIsRetriedWithoutBlockingTheOthers(t *testing.T) {
	othersDone := make(chan struct{})
	var succeeded atomic.Int32
	e := setup(t, wrapTransport(func(base http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := base.RoundTrip(r)
			if err == nil && resp.StatusCode == http.StatusOK && strings.HasSuffix(r.URL.Path, "/batch-update") && succeeded.Add(1) == 2 {
				close(othersDone)
			}
			return resp, err
		})
	}), func(c *scapi.Config) {
		c.Sleep = func(ctx context.Context, _ time.Duration) error {
			select {
			case <-othersDone:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(10 * time.Second):
				t.Error("the other batches did not go through while one waited to be retried")
				return nil
			}
		}
	})
	e.srv.InjectFault(sfcctest.Fault{Route: sfcctest.RouteOCIBatch, Status: http.StatusServiceUnavailable, Every: 2, Times: 1})
	updates := skuUpdates(250)
	res, err := e.client.UpdateInventory(context.Background(), "inv-uk", updates)
	if err != nil {
		t.Fatal(err)
	}
	checkApplied(t, e.srv, "inv-uk", updates, res)
	if n, fired := e.srv.RequestCount(sfcctest.RouteOCIBatch), e.srv.FaultsFired(); n != 4 || fired != 1 {
		t.Errorf("%d batch calls with %d faults, want 3 + 1 retry", n, fired)
	}
	bodies := batchBodies(e)
	distinct := map[string]int{}
	for _, b := range bodies {
		distinct[b]++
	}
	if len(bodies) != 4 || len(distinct) != 3 {
		t.Errorf("%d batch bodies, %d distinct; want the retry to resend its batch unchanged", len(bodies), len(distinct))
	}
}

// A batch whose answer is lost after OCI applied it is sent again with the
// same actionRequestIds, which OCI de-duplicates, and counts as applied.
func TestUpdateInventory_ABatchWhoseAnswerIsLostIsResentWithTheSameIDs(t *testing.T) {
	var lost atomic.Bool
	e := setup(t, wrapTransport(func(base http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := base.RoundTrip(r)
			if err == nil && strings.HasSuffix(r.URL.Path, "/batch-update") && lost.CompareAndSwap(false, true) {
				resp.Body.Close()
				return nil, io.ErrUnexpectedEOF
			}
			return resp, err
		})
	}))
	updates := skuUpdates(40)
	res, err := e.client.UpdateInventory(context.Background(), "inv-uk", updates)
	if err != nil {
		t.Fatal(err)
	}
	checkApplied(t, e.srv, "inv-uk", updates, res)
	bodies := batchBodies(e)
	if len(bodies) != 2 || bodies[0] != bodies[1] {
		t.Fatalf("%d batch calls; want the lost one resent unchanged", len(bodies))
	}
	var doc struct {
		Records []struct {
			ActionRequestID string `json:"actionRequestId"`
		} `json:"records"`
	}
	if err := json.Unmarshal([]byte(bodies[0]), &doc); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range doc.Records {
		ids[r.ActionRequestID] = true
	}
	if len(doc.Records) != 40 || len(ids) != 40 || ids[""] {
		t.Errorf("%d records with %d distinct actionRequestIds; want one per record", len(doc.Records), len(ids))
	}
}

// A batch that keeps failing fails its own SKUs only.
func TestUpdateInventory_ABatchThatKeepsFailingFailsOnlyItsSKUs(t *testing.T) {
	e := setup(t, func(c *scapi.Config) { c.MaxRetries = -1 })
	// Without retries, the first batch to arrive fails for good.
	e.srv.InjectFault(sfcctest.Fault{Route: sfcctest.RouteOCIBatch, Status: http.StatusInternalServerError, Times: 1})
	updates := skuUpdates(250)
	res, err := e.client.UpdateInventory(context.Background(), "inv-uk", updates)
	if err == nil || !strings.Contains(err.Error(), "batches failed") {
		t.Errorf("err = %v, want a batch failure", err)
	}
	failed, ok := 0, 0
	for i, r := range res {
		if r.Err != nil {
			failed++
			if _, found := e.srv.Inventory("inv-uk", updates[i].ProductID); found {
				t.Errorf("%s failed yet applied", r.ProductID)
			}
			continue
		}
		ok++
	}
	// The batches are 100, 100 and 50 records; whichever ran first failed.
	if (failed != 100 && failed != 50) || ok+failed != 250 {
		t.Errorf("failed %d, ok %d", failed, ok)
	}
}

func TestUpdateInventory_UnsupportedFieldsFailAloneNamingTheSKU(t *testing.T) {
	e := setup(t)
	yes := true
	q := decimal.MustNew(5, 0)
	neg := decimal.MustNew(-1, 0)
	when := day.Add(72 * time.Hour)
	updates := []sfcc.InventoryUpdate{
		{ProductID: "OK-1", Allocation: &q, PreOrderBackOrderAllocation: &q, InStockDate: &when},
		{ProductID: "PERP", Allocation: &q, Perpetual: &yes},
		{ProductID: "NEG", Allocation: &neg},
		{ProductID: "BAD/SKU", Allocation: &q},
		{ProductID: "NOQ"},
	}
	res, err := e.client.UpdateInventory(context.Background(), "inv-uk", updates)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil {
		t.Fatalf("OK-1: %v", res[0].Err)
	}
	rec, _ := e.srv.Inventory("inv-uk", "OK-1")
	if !rec.PreOrderBackOrderAllocation.Equal(q) || !rec.InStockDate.Equal(when) {
		t.Errorf("future stock not applied: %+v", rec)
	}
	for _, r := range res[1:] {
		var ie *sfcc.InventoryError
		if !errors.As(r.Err, &ie) || ie.SKU != r.ProductID || !errors.Is(r.Err, sfcc.ErrInvalidArgument) {
			t.Errorf("%s: %v", r.ProductID, r.Err)
		}
	}
	if n := e.srv.RequestCount(sfcctest.RouteOCIBatch); n != 1 {
		t.Errorf("%d batch calls", n)
	}
}

func TestUpdateInventory_WithoutAnInventoryGroupIsAConfigError(t *testing.T) {
	e := setup(t, func(c *scapi.Config) { c.InventoryGroupID = "" })
	_, err := e.client.UpdateInventory(context.Background(), "inv-uk", skuUpdates(1))
	var ce *scapi.ConfigError
	if !errors.As(err, &ce) || ce.Field != "InventoryGroupID" {
		t.Errorf("err = %v", err)
	}
}

// An import whose upload link points at another host is not followed: the
// access token never leaves the API host, and the import's SKUs fail with
// the reason.
func TestUpdateInventory_AnUploadLinkToAnotherHostIsRefused(t *testing.T) {
	var foreign atomic.Int32
	e := setup(t, wrapTransport(func(base http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.URL.Host == "uploads.example.net" {
				foreign.Add(1)
				return nil, errors.New("no such host in this test")
			}
			resp, err := base.RoundTrip(r)
			if err == nil && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/availability-records/imports") {
				resp.Body.Close()
				body := `{"importId":"imp-1","uploadLink":"https://uploads.example.net/imp-1","importStatusLink":"https://uploads.example.net/imp-1/status"}`
				resp.Body = io.NopCloser(strings.NewReader(body))
				resp.ContentLength = int64(len(body))
				resp.Header.Del("Content-Length")
			}
			return resp, err
		})
	}), func(c *scapi.Config) { c.ImportThreshold = 10 })
	updates := skuUpdates(11)
	res, err := e.client.UpdateInventory(context.Background(), "inv-uk", updates)
	if err == nil || !strings.Contains(err.Error(), "another host") {
		t.Errorf("err = %v, want a refused link", err)
	}
	for _, r := range res {
		if r.Err == nil {
			t.Errorf("%s counted as applied", r.ProductID)
		}
	}
	if n := foreign.Load(); n != 0 {
		t.Errorf("%d requests went to the other host", n)
	}
	if n := e.srv.RequestCount(sfcctest.RouteOCIUpload); n != 0 {
		t.Errorf("%d uploads", n)
	}
}
