package ocapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/o2ckit/o2c/sfcc"
)

// The API is served under basePath so that a method building a URL without
// the configured host prefix fails loudly.
const (
	basePath   = "/proxy/sfcc"
	testSecret = "s3+cr%t&v=1"
	testID     = "client-id"
)

// fixture is a Client wired to an httptest mux standing in for SFCC.
type fixture struct {
	client *Client
	mux    *http.ServeMux
	server *httptest.Server
	// tokens counts token requests; tokenSeq numbers the tokens issued.
	tokens   atomic.Int64
	lifetime atomic.Int64 // expires_in seconds of tokens issued
	waits    *waitLog
	clock    *fakeClock
	// valid reports whether a bearer token is accepted; default: any token
	// the fixture issued.
	mu     sync.Mutex
	issued map[string]bool
}

type waitLog struct {
	mu    sync.Mutex
	waits []time.Duration
	hook  func(ctx context.Context) error
}

func (w *waitLog) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.waits = append(w.waits, d)
	hook := w.hook
	w.mu.Unlock()
	if hook != nil {
		return hook(ctx)
	}
	return ctx.Err()
}

func (w *waitLog) get() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.waits...)
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func setup(t *testing.T, edit ...func(*Config)) *fixture {
	t.Helper()
	f := &fixture{
		mux:    http.NewServeMux(),
		waits:  &waitLog{},
		clock:  &fakeClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)},
		issued: map[string]bool{},
	}
	f.lifetime.Store(1799)
	outer := http.NewServeMux()
	outer.Handle(basePath+"/", http.StripPrefix(basePath, f.mux))
	outer.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside the base path: %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	})
	f.mux.HandleFunc("POST /dwsso/oauth2/access_token", f.tokenHandler)
	f.server = httptest.NewServer(outer)
	t.Cleanup(f.server.Close)
	cfg := Config{
		Host:         f.server.URL + basePath,
		Site:         "RefArch",
		ClientID:     testID,
		Secret:       sfcc.StaticSecret(testSecret),
		TokenURL:     f.server.URL + basePath + "/dwsso/oauth2/access_token",
		HTTPClient:   f.server.Client(),
		Sleep:        f.waits.sleep,
		Now:          f.clock.Now,
		RetryWaitMin: 100 * time.Millisecond,
		RetryWaitMax: 10 * time.Second,
	}
	for _, e := range edit {
		e(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	f.client = c
	return f
}

func (f *fixture) tokenHandler(w http.ResponseWriter, r *http.Request) {
	n := f.tokens.Add(1)
	id, secret, ok := r.BasicAuth()
	id, _ = url.QueryUnescape(id)
	secret, _ = url.QueryUnescape(secret)
	_ = r.ParseForm()
	if !ok || id != testID || secret != testSecret || r.PostForm.Get("grant_type") != "client_credentials" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error":"invalid_client","error_description":"Client authentication failed"}`)
		return
	}
	tok := fmt.Sprintf("eyJhbGciOiJSUzI1NiJ9.tok%d.sig", n)
	f.mu.Lock()
	f.issued[tok] = true
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": f.lifetime.Load()})
}

// authorized checks the bearer token and answers 401 when it is bad.
func (f *fixture) authorized(w http.ResponseWriter, r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	good := ok && f.issued[tok]
	f.mu.Unlock()
	if !good {
		fault(w, http.StatusUnauthorized, "InvalidAccessTokenException", "token invalid", nil)
	}
	return good
}

// revokeAll makes every token issued so far invalid.
func (f *fixture) revokeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.issued)
}

func fault(w http.ResponseWriter, status int, typ, msg string, args map[string]string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	doc := map[string]any{"_v": "25.6", "fault": map[string]any{"type": typ, "message": msg, "arguments": args}}
	_ = json.NewEncoder(w).Encode(doc)
}

func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if r.Method != want {
		t.Errorf("method = %s, want %s", r.Method, want)
	}
}

func readBody(t *testing.T, r *http.Request) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Errorf("request body: %v", err)
	}
	return m
}

// counter counts requests to a handler.
type counter struct{ n atomic.Int64 }

func (c *counter) wrap(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c.n.Add(1)
		h(w, r)
	}
}
