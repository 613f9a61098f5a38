package ocapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/internal/wire"
)

func addFixtures(f *testing.F, pattern string) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures %s: %v", pattern, err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzCheckResponse: any error body becomes an *Error with the status kept,
// never a panic, and nothing token-like survives in its text.
func FuzzCheckResponse(f *testing.F) {
	addFixtures(f, "fault-*.json")
	f.Add([]byte(`{"fault":{"type":"X","message":"Bearer abc.def"}}`))
	f.Add([]byte(`{"fault":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		err := CheckResponse(response(418, string(body)))
		var e *sfcc.Error
		if !errors.As(err, &e) || e.StatusCode != 418 {
			t.Fatalf("err = %v", err)
		}
		if strings.Contains(strings.ToLower(e.Error()), "bearer abc") {
			t.Errorf("bearer credential kept: %s", e)
		}
	})
}

// FuzzReadBatchResponse: whatever SFCC (or a proxy) answers to a batch,
// every sub-request ends with a status or an error, never both missing.
func FuzzReadBatchResponse(f *testing.F) {
	addFixtures(f, "batch-response.multipart")
	f.Add([]byte("--b0undary--\r\n"))
	c := &Client{dataPath: "/s/-/dw/data/v25_6", log: slog.New(slog.DiscardHandler)}
	f.Fuzz(func(t *testing.T, body []byte) {
		chunk := []batchItem{{index: 0, method: "PATCH", path: "inventory_lists/l/product_inventory_records/SKU-1"},
			{index: 1, method: "GET", path: "inventory_lists/l/product_inventory_records/SKU-2"}}
		results := []BatchResult{{ID: "r1"}, {ID: "r2"}}
		byID := map[string]batchItem{"r1": chunk[0], "r2": chunk[1]}
		if err := c.readBatchResponse(context.Background(), "multipart/mixed; boundary=b0undary", bytes.NewReader(body), chunk, byID, results); err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			if r.Err == nil && (r.Status < 100 || r.Status >= 400) {
				t.Errorf("%s: status %d without error", r.ID, r.Status)
			}
			var e *sfcc.Error
			if r.Status >= 400 && r.Status <= 599 && !errors.As(r.Err, &e) {
				t.Errorf("%s: status %d, err %v: want *sfcc.Error", r.ID, r.Status, r.Err)
			}
		}
	})
}

// FuzzParseRetryAfter: a Retry-After value is either understood as a
// non-negative wait or ignored.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"7", "0", "-1", "Sun, 01 Mar 2026 09:00:42 GMT", "soon", "99999999999999999999", "9227000000"} {
		f.Add(s)
	}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		if d, ok := wire.ParseRetryAfter(v, now); ok && (d < 0 || d > wire.MaxRetryAfter) {
			t.Errorf("%q -> %v", v, d)
		}
	})
}

func TestReadBatchResponse_FixtureMapsByContentID(t *testing.T) {
	data, err := os.ReadFile("testdata/batch-response.multipart")
	if err != nil {
		t.Fatal(err)
	}
	c := &Client{dataPath: "/s/-/dw/data/v25_6", log: slog.New(slog.DiscardHandler)}
	chunk := []batchItem{{index: 0, method: "GET", path: "inventory_lists/l/product_inventory_records/SKU-2"},
		{index: 1, method: "PATCH", path: "inventory_lists/l/product_inventory_records/SKU-1"}}
	results := []BatchResult{{ID: "r2"}, {ID: "r1"}}
	byID := map[string]batchItem{"r2": chunk[0], "r1": chunk[1]}
	if err := c.readBatchResponse(context.Background(), "multipart/mixed; boundary=b0undary", io.NopCloser(bytes.NewReader(data)), chunk, byID, results); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(results[0].Err, sfcc.ErrNotFound) || results[0].Status != http.StatusNotFound {
		t.Errorf("r2: %+v", results[0])
	}
	if results[1].Err != nil || results[1].Status != 200 || !strings.Contains(string(results[1].Body), "SKU-1") {
		t.Errorf("r1: %+v", results[1])
	}
}
