package console_test

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o2ckit/o2c/internal/apiauth"
	"github.com/o2ckit/o2c/internal/console"
	"github.com/o2ckit/o2c/reconcile"
)

// now is the console's clock in every test.
var now = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

// users are the Basic users of the guard in front of the console.
var users = map[string]string{"alice": "wonderland-42", "bob": "builder-4711"}

var secret = []byte("0123456789abcdef0123456789abcdef")

// fixture is what the tests seed: one exception per interesting case.
var fixture = []reconcile.Exception{
	// finance, 6 days old: overdue under the 5-day finance SLA.
	{Kind: reconcile.KindERPRejected, Owner: reconcile.OwnerFinance, Key: "00001001", Detail: "totals differ by 0.07 EUR", FirstSeen: now.Add(-6 * 24 * time.Hour)},
	// finance, a journal reference: same kind, but no order to retry.
	{Kind: reconcile.KindERPRejected, Owner: reconcile.OwnerFinance, Key: "settlement:adyen/4101", Detail: "journal does not balance", FirstSeen: now.Add(-2 * time.Hour)},
	{Kind: reconcile.KindMappingMissing, Owner: reconcile.OwnerFinance, Key: "tax: country=NL rate_percent=21 tax_class=", Detail: "no tax row", FirstSeen: now.Add(-26 * time.Hour)},
	// operations, 30 hours old: overdue under the 24-hour SLA.
	{Kind: reconcile.KindShipmentStuck, Owner: reconcile.OwnerOperations, Key: "SHP-77", Detail: "shipped in WMS 30h ago, unfulfilled in SFCC", FirstSeen: now.Add(-30 * time.Hour)},
	{Kind: reconcile.KindSystemUnavailable, Owner: reconcile.OwnerOperations, Key: "00001002", Detail: "ERP answered 503 for every call", FirstSeen: now.Add(-90 * time.Minute)},
	{Kind: reconcile.KindSFCCSyncFailure, Owner: reconcile.OwnerEcommerce, Key: "00001009", Detail: "SFCC answered 400", FirstSeen: now.Add(-3 * time.Hour)},
}

// host is what a host wires into the console, recording what the console
// asked of it.
type host struct {
	store    *reconcile.MemoryExceptionStore
	mu       sync.Mutex
	retried  []string
	retryErr error
}

func (h *host) retry(_ context.Context, orderNo string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.retried = append(h.retried, orderNo)
	return h.retryErr
}

func (h *host) retries() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.retried...)
}

// newHost seeds a store, builds a console over it with cfg's other fields
// and puts it behind a Basic guard for alice and bob.
func newHost(t testing.TB, cfg console.Config) (*host, http.Handler) {
	t.Helper()
	h := &host{store: &reconcile.MemoryExceptionStore{}}
	if err := h.store.Record(context.Background(), now.Add(-time.Minute), fixture...); err != nil {
		t.Fatal(err)
	}
	cfg.Store = h.store
	cfg.Secret = secret
	cfg.Now = func() time.Time { return now }
	if cfg.RetryExport == nil {
		cfg.RetryExport = h.retry
	}
	c, err := console.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	g, err := apiauth.New(apiauth.Config{BasicUsers: users})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(console.DefaultBasePath, g.Middleware(c))
	return h, mux
}

// get fetches a page as alice.
func get(t testing.TB, h http.Handler, path string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.SetBasicAuth("alice", users["alice"])
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

var tokenRE = regexp.MustCompile(`name="token" value="([^"]+)"`)

// tokenOf is the form token on a page.
func tokenOf(t testing.TB, page string) string {
	t.Helper()
	m := tokenRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no form token on the page:\n%s", page)
	}
	return html.UnescapeString(m[1])
}

// post sends an action form as user (password from the guard's table)
// from the console's own origin, as a browser does.
func post(t testing.TB, h http.Handler, user, path string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", "http://example.com") // httptest's Host
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.SetBasicAuth(user, users[user])
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// exceptionPath is the console path of an exception.
func exceptionPath(kind reconcile.Kind, key string) string {
	return "/console/exceptions/" + url.PathEscape(string(kind)+":"+key)
}

func mustGet(t testing.TB, s reconcile.ExceptionStore, kind reconcile.Kind, key string) reconcile.ExceptionRecord {
	t.Helper()
	rec, err := s.Get(context.Background(), reconcile.ExceptionID{Kind: kind, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// failingStore fails every call with an error that must never reach a page.
type failingStore struct{}

var errInternal = errors.New("pq: password authentication failed for user o2c at 10.0.0.7:5432")

func (failingStore) Record(context.Context, time.Time, ...reconcile.Exception) error {
	return errInternal
}
func (failingStore) Resolve(context.Context, reconcile.ExceptionID, string, string, time.Time) error {
	return errInternal
}
func (failingStore) Get(context.Context, reconcile.ExceptionID) (reconcile.ExceptionRecord, error) {
	return reconcile.ExceptionRecord{}, errInternal
}
func (failingStore) List(context.Context, reconcile.ExceptionQuery) (reconcile.ExceptionPage, error) {
	return reconcile.ExceptionPage{}, errInternal
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

// newRequest is a request with no credentials; a body makes it a form post.
func newRequest(method, path, form string) *http.Request {
	r := httptest.NewRequest(method, path, strings.NewReader(form))
	if form != "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return r
}
