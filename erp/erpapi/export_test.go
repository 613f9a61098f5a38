package erpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o2ckit/o2c/erp/erpapi"
	"github.com/o2ckit/o2c/sfcc"
)

// memoryQueue is an ExportQueue that keeps one active job per order, as a
// job engine with per-order unique jobs does; fail, when set, answers
// instead.
type memoryQueue struct {
	mu     sync.Mutex
	next   int64
	active map[string]int64
	calls  []string
	fail   func(orderNo string) error
}

var _ erpapi.ExportQueue = (*memoryQueue)(nil)

func (q *memoryQueue) EnqueueExport(_ context.Context, orderNo string) (erpapi.ExportTicket, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.calls = append(q.calls, orderNo)
	if q.fail != nil {
		if err := q.fail(orderNo); err != nil {
			return erpapi.ExportTicket{}, err
		}
	}
	if q.active == nil {
		q.active = map[string]int64{}
	}
	if id, ok := q.active[orderNo]; ok {
		return erpapi.ExportTicket{JobID: id, Duplicate: true, State: "available"}, nil
	}
	q.next++
	q.active[orderNo] = q.next
	return erpapi.ExportTicket{JobID: q.next, State: "available"}, nil
}

// finish ends the order's job, so the next request queues a replay.
func (q *memoryQueue) finish(orderNo string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.active, orderNo)
}

func exportMux(t *testing.T, cfg erpapi.ExportConfig) http.Handler {
	t.Helper()
	h, err := erpapi.NewExportHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(erpapi.ExportPattern, h)
	return mux
}

type problemBody struct {
	Status    int    `json:"status"`
	Code      string `json:"code"`
	Detail    string `json:"detail"`
	Field     string `json:"field"`
	Key       string `json:"key"`
	Retryable bool   `json:"retryable"`
}

func exportCall(h http.Handler, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, nil))
	return rec
}

func TestExport_QueuesOnceAndARepeatIsTheSameJob(t *testing.T) {
	q := &memoryQueue{}
	h := exportMux(t, erpapi.ExportConfig{Queue: q, StatusURL: func(no string, tk erpapi.ExportTicket) string {
		return fmt.Sprintf("/console/jobs/%d", tk.JobID)
	}})
	var answers []erpapi.ExportResponse
	for range 2 {
		rec := exportCall(h, "/v1/orders/00001001/export")
		if rec.Code != http.StatusAccepted || rec.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
		if loc := rec.Header().Get("Location"); loc != "/console/jobs/1" {
			t.Errorf("Location %q", loc)
		}
		var resp erpapi.ExportResponse
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatal(err)
		}
		answers = append(answers, resp)
	}
	want := []erpapi.ExportResponse{
		{OrderNo: "00001001", JobID: 1, AlreadyQueued: false, State: "available"},
		{OrderNo: "00001001", JobID: 1, AlreadyQueued: true, State: "available"},
	}
	if fmt.Sprint(answers) != fmt.Sprint(want) {
		t.Errorf("answers %+v, want %+v", answers, want)
	}
	// Once the job is done, the same request replays the export.
	q.finish("00001001")
	var again erpapi.ExportResponse
	_ = json.Unmarshal(exportCall(h, "/v1/orders/00001001/export").Body.Bytes(), &again)
	if again.JobID != 2 || again.AlreadyQueued {
		t.Errorf("replay after the job ended: %+v", again)
	}
}

func TestExport_TheQueueGetsTheOrderNumberUnescaped(t *testing.T) {
	q := &memoryQueue{}
	h := exportMux(t, erpapi.ExportConfig{Queue: q})
	rec := exportCall(h, "/v1/orders/UK%2F1001%20B/export")
	if rec.Code != http.StatusAccepted || len(q.calls) != 1 || q.calls[0] != "UK/1001 B" {
		t.Errorf("%d %s, queue got %q", rec.Code, rec.Body.String(), q.calls)
	}
	if rec.Header().Get("Location") != "" {
		t.Errorf("Location without StatusURL: %q", rec.Header().Get("Location"))
	}
}

func TestExport_AnOrderNumberSFCCCannotHaveIs422NamingOrderNo(t *testing.T) {
	q := &memoryQueue{}
	h := exportMux(t, erpapi.ExportConfig{Queue: q})
	for _, tc := range []struct{ name, seg string }{
		{"too long", strings.Repeat("9", erpapi.MaxOrderNo+1)},
		{"control character", "0001%07"},
		{"newline", "0001%0A"},
		{"leading space", "%200001"},
		{"trailing tab", "0001%09"},
		{"not utf-8", "0001%FF"},
		{"bidi override", "0001%E2%80%AE"},
	} {
		rec := exportCall(h, "/v1/orders/"+tc.seg+"/export")
		var p problemBody
		_ = json.Unmarshal(rec.Body.Bytes(), &p)
		if rec.Code != 422 || p.Code != "invalid_field" || p.Field != "orderNo" || p.Detail == "" ||
			rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s", tc.name, rec.Code, rec.Body.String())
		}
	}
	// The longest order number order.xsd allows, in characters.
	if rec := exportCall(h, "/v1/orders/"+strings.Repeat("é", erpapi.MaxOrderNo)+"/export"); rec.Code != 202 {
		t.Errorf("50 characters: %d %s", rec.Code, rec.Body.String())
	}
	// Without a path value (a handler mounted without {orderNo}) the
	// number is empty.
	eh, _ := erpapi.NewExportHandler(erpapi.ExportConfig{Queue: q})
	rec := exportCall(eh, "/v1/orders/x/export")
	if !strings.Contains(rec.Body.String(), `"field":"orderNo"`) || rec.Code != 422 {
		t.Errorf("no path value: %d %s", rec.Code, rec.Body.String())
	}
	if len(q.calls) != 1 {
		t.Errorf("the queue was called for invalid numbers: %q", q.calls)
	}
}

func TestExport_QueueErrorsAreProblems(t *testing.T) {
	secret := "dial tcp 10.0.0.5:5432: password authentication failed for user river"
	for _, tc := range []struct {
		name       string
		err        error
		status     int
		code       string
		retryAfter string
	}{
		{"unavailable", &erpapi.UnavailableError{RetryAfter: 90 * time.Second, Err: errors.New(secret)}, 503, "unavailable", "90"},
		{"unavailable wrapped, default wait", fmt.Errorf("insert: %w", &erpapi.UnavailableError{Err: errors.New(secret)}), 503, "unavailable", "30"},
		{"context ended", context.DeadlineExceeded, 503, "unavailable", "30"},
		{"unknown order", fmt.Errorf("looking up: %w", erpapi.ErrOrderNotFound), 404, "not_found", ""},
		{"unknown in SFCC", &sfcc.Error{StatusCode: 404, FaultType: "OrderNotFoundException", Method: "GET", Path: "/orders/00001001"}, 404, "not_found", ""},
		{"state rules it out", fmt.Errorf("order is cancelled: %w", erpapi.ErrExportConflict), 409, "conflict", ""},
		{"anything else", errors.New(secret), 500, "internal", ""},
	} {
		var logs bytes.Buffer
		q := &memoryQueue{fail: func(string) error { return tc.err }}
		h := exportMux(t, erpapi.ExportConfig{Queue: q, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		rec := exportCall(h, "/v1/orders/00001001/export")
		var p problemBody
		_ = json.Unmarshal(rec.Body.Bytes(), &p)
		if rec.Code != tc.status || p.Status != tc.status || p.Code != tc.code || rec.Header().Get("Retry-After") != tc.retryAfter {
			t.Errorf("%s: %d %v %s, want %d %s Retry-After %q", tc.name, rec.Code, rec.Header(), rec.Body.String(), tc.status, tc.code, tc.retryAfter)
		}
		if p.Retryable != (tc.status == 503) {
			t.Errorf("%s: retryable %v", tc.name, p.Retryable)
		}
		if tc.status != 500 && p.Key != "00001001" {
			t.Errorf("%s: key %q, want the order number", tc.name, p.Key)
		}
		if strings.Contains(rec.Body.String(), "10.0.0.5") || strings.Contains(rec.Body.String(), "password") {
			t.Errorf("%s: the cause leaks into the answer: %s", tc.name, rec.Body.String())
		}
		if (tc.status == 500 || tc.retryAfter == "90") && !strings.Contains(logs.String(), "00001001") {
			t.Errorf("%s: the failure is not logged with its order: %q", tc.name, logs.String())
		}
	}
}

func TestExport_OnlyPOST(t *testing.T) {
	h, _ := erpapi.NewExportHandler(erpapi.ExportConfig{Queue: &memoryQueue{}})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/orders/1/export", nil))
	if rec.Code != 405 || rec.Header().Get("Allow") != "POST" {
		t.Errorf("GET: %d %v", rec.Code, rec.Header())
	}
}

func TestNewExportHandler_NeedsAQueue(t *testing.T) {
	_, err := erpapi.NewExportHandler(erpapi.ExportConfig{})
	var ce *erpapi.ConfigError
	if !errors.As(err, &ce) || ce.Field != "Queue" {
		t.Errorf("%v", err)
	}
}

// queueFunc adapts a function to ExportQueue.
type queueFunc func(context.Context, string) (erpapi.ExportTicket, error)

func (f queueFunc) EnqueueExport(ctx context.Context, orderNo string) (erpapi.ExportTicket, error) {
	return f(ctx, orderNo)
}

func ExampleNewExportHandler() {
	queue := queueFunc(func(ctx context.Context, orderNo string) (erpapi.ExportTicket, error) {
		// A host inserts a job unique per order number here.
		return erpapi.ExportTicket{JobID: 42, State: "available"}, nil
	})
	h, _ := erpapi.NewExportHandler(erpapi.ExportConfig{Queue: queue})
	mux := http.NewServeMux()
	mux.Handle(erpapi.ExportPattern, h)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/orders/00001001/export", nil))
	fmt.Println(rec.Code, strings.TrimSpace(rec.Body.String()))
	// Output: 202 {"order_no":"00001001","job_id":42,"already_queued":false,"state":"available"}
}
