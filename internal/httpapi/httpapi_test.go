package httpapi_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/internal/httpapi"
)

type level struct {
	SKU       string          `json:"sku"`
	Available decimal.Decimal `json:"available"`
}

type body struct {
	Levels []level `json:"levels"`
}

func decode(t *testing.T, ct, payload string) error {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/v1/inventory", strings.NewReader(payload))
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	var b body
	return httpapi.DecodeJSON(httptest.NewRecorder(), r, &b, 1024)
}

func TestDecodeJSON_NamesWhatIsWrong(t *testing.T) {
	for _, tc := range []struct {
		name, ct, payload string
		status            int
		code, field       string
	}{
		{"ok", "application/json; charset=utf-8", `{"levels":[{"sku":"A","available":"3"}]}`, 0, "", ""},
		{"wrong media type", "text/plain", `{}`, 415, "unsupported_media_type", ""},
		{"no media type", "", `{}`, 415, "unsupported_media_type", ""},
		{"syntax", "application/json", `{"levels":[}`, 400, "invalid_json", ""},
		{"empty", "application/json", ``, 400, "invalid_json", ""},
		{"truncated", "application/json", `{"levels":[`, 400, "invalid_json", ""},
		{"unknown field", "application/json", `{"levels":[],"levles":[]}`, 400, "unknown_field", "levles"},
		{"wrong type", "application/json", `{"levels":[{"sku":7}]}`, 400, "invalid_json", "levels.sku"},
		{"two values", "application/json", `{"levels":[]} {}`, 400, "invalid_json", ""},
		{"too large", "application/json", `{"levels":[` + strings.Repeat(`{"sku":"A"},`, 200) + `{}]}`, 413, "too_large", ""},
		{"bad decimal", "application/json", `{"levels":[{"sku":"A","available":"1e999999"}]}`, 400, "invalid_json", ""},
	} {
		err := decode(t, tc.ct, tc.payload)
		if tc.status == 0 {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		var p *httpapi.Problem
		if !errors.As(err, &p) || p.Status != tc.status || p.Code != tc.code || p.Field != tc.field {
			t.Errorf("%s: %#v, want %d %s field %q", tc.name, err, tc.status, tc.code, tc.field)
		}
	}
}

func TestWriteError_ProblemDetailsAndRetryAfter(t *testing.T) {
	rec := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/v1/orders/00012/export", nil)
	httpapi.WriteError(rec, r, nil, fmt.Errorf("export: %w", httpapi.Unavailable("00012", "the ERP is unavailable", 1500*time.Millisecond)))
	if rec.Code != 503 || rec.Header().Get("Retry-After") != "2" || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%d %v", rec.Code, rec.Header())
	}
	var got map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got["code"] != "unavailable" || got["key"] != "00012" || got["retryable"] != true || got["status"] != float64(503) ||
		!strings.HasSuffix(got["type"].(string), "#unavailable") || got["title"] != "Service Unavailable" {
		t.Errorf("body %v", got)
	}

	rec = httptest.NewRecorder()
	httpapi.WriteError(rec, r, nil, errors.New("pq: password authentication failed for user o2c"))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "password") {
		t.Errorf("an unexpected error leaked its text: %d %s", rec.Code, rec.Body.String())
	}
}

func TestIdempotent_SameKeyIsOneEffect(t *testing.T) {
	var effects atomic.Int32
	h := httpapi.Idempotent(&httpapi.MemoryIdempotencyStore{}, func(r *http.Request) string { return r.Header.Get("X-Caller") }, nil,
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			n := effects.Add(1)
			httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"effect": n, "echo": string(b)})
		}))
	send := func(key, caller, payload string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/v1/customers/resolve", strings.NewReader(payload))
		if key != "" {
			r.Header.Set(httpapi.IdempotencyHeader, key)
		}
		r.Header.Set("X-Caller", caller)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	first := send("k-1", "pw", `{"a":1}`)
	again := send("k-1", "pw", `{"a":1}`)
	if first.Code != 201 || again.Code != 201 || first.Body.String() != again.Body.String() || again.Header().Get("Idempotent-Replayed") != "true" {
		t.Errorf("repeat: %d %q / %d %q", first.Code, first.Body.String(), again.Code, again.Body.String())
	}
	if effects.Load() != 1 {
		t.Errorf("%d effects for one key", effects.Load())
	}
	if rec := send("k-1", "pw", `{"a":2}`); rec.Code != 422 {
		t.Errorf("same key, other body: %d, want 422", rec.Code)
	}
	send("k-1", "other-caller", `{"a":1}`) // another caller's key space
	send("", "pw", `{"a":1}`)              // no key: every request has its effect
	if effects.Load() != 3 {
		t.Errorf("%d effects, want 3", effects.Load())
	}
}

func TestIdempotent_FailuresAreNotKeptAndInProgressIsAConflict(t *testing.T) {
	store := &httpapi.MemoryIdempotencyStore{}
	fail := true
	h := httpapi.Idempotent(store, nil, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail {
			httpapi.WriteError(w, r, nil, httpapi.Unavailable("", "down", 0))
			return
		}
		httpapi.WriteJSON(w, 200, "done")
	}))
	send := func() int {
		r := httptest.NewRequest(http.MethodPost, "/v1/shipments", strings.NewReader(`{}`))
		r.Header.Set(httpapi.IdempotencyHeader, "k")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec.Code
	}
	if c := send(); c != 503 {
		t.Fatalf("first: %d", c)
	}
	fail = false
	if c := send(); c != 200 {
		t.Errorf("a retry after a 503 was not let through: %d", c)
	}
	if _, err := store.Begin(t.Context(), "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Begin(t.Context(), "x"); !errors.Is(err, httpapi.ErrInProgress) {
		t.Errorf("second Begin while the first runs: %v", err)
	}
}
