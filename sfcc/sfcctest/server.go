package sfcctest

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o2ckit/o2c/internal/ctxwait"
	"github.com/o2ckit/o2c/internal/logging"
	"github.com/o2ckit/o2c/sfcc"
)

// Defaults used when no option overrides them.
const (
	DefaultClientID     = "o2c-sim-client"
	DefaultClientSecret = "sim+secret%&value" // deliberately contains + % &
	DefaultSite         = "RefArch"
)

// DefaultTokenLifetime is how long an access token lives unless
// WithTokenLifetime says otherwise; Account Manager answers expires_in 1799.
const DefaultTokenLifetime = 1799 * time.Second

// apiVersion is the OCAPI version written as _v in fault documents.
const apiVersion = "25.6"

// Server is an SFCC instance simulated over real HTTP: an Account Manager
// token endpoint, the OCAPI Data API order and inventory routes, the Shop API
// order routes and the batch endpoint, with in-memory state, a request log
// and fault injection. It is safe for concurrent use.
type Server struct {
	srv       *httptest.Server
	cfg       config
	closeOnce sync.Once

	mu        sync.Mutex
	orders    map[string]sfcc.Order
	inventory map[string]map[string]sfcc.InventoryRecord
	tokens    map[string]time.Time // token -> expiry
	tokenReqs int
	faults    []*faultState
	fired     int
	bucket    bucket
	log       []Request

	// beforeEncode, when set by a test, runs before each order is encoded.
	beforeEncode func()
	scapi        scapiState // SCAPI and OCI routes (scapi.go, oci.go)
}

type config struct {
	clientID, secret string
	site             string
	tokenLifetime    time.Duration
	now              func() time.Time
	ratePerSecond    int
	rateBurst        int
	logger           *slog.Logger
	latency          time.Duration
	sleep            func(ctx context.Context, d time.Duration) error
}

// Option configures a Server.
type Option func(*config)

// WithCredentials sets the API client id and secret the token endpoint accepts.
func WithCredentials(clientID, secret string) Option {
	return func(c *config) { c.clientID, c.secret = clientID, secret }
}

// WithSite sets the site id the Shop and Data API routes serve.
func WithSite(site string) Option { return func(c *config) { c.site = site } }

// WithTokenLifetime sets how long issued access tokens live (default 1799 s).
func WithTokenLifetime(d time.Duration) Option { return func(c *config) { c.tokenLifetime = d } }

// WithClock sets the clock for token expiry, the server-side rate limit and
// the modification times the server stamps (default time.Now).
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithRateLimit limits API requests (every route but the token endpoint) to
// perSecond with bursts of burst, as a token bucket on the injected clock.
// Requests over the limit are answered 429 QuotaExceededException with
// Retry-After. With a clock that does not move, the bucket never refills.
func WithRateLimit(perSecond int, burst int) Option {
	return func(c *config) { c.ratePerSecond, c.rateBurst = perSecond, burst }
}

// WithLatency makes every API request (every route but the token endpoint)
// take at least d before it is handled, as the network and an SFCC instance
// do (an OCAPI call commonly takes 100–300 ms). The wait uses the sleeper
// set with WithSleep, a real timer by default; a request whose client gives
// up while waiting is dropped unanswered and unlogged.
func WithLatency(d time.Duration) Option { return func(c *config) { c.latency = d } }

// WithSleep sets how WithLatency waits: sleep(ctx, d) returns after d or
// with ctx's error when the request's context ends first. Tests inject one
// that records or advances a fake clock instead of sleeping.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *config) { c.sleep = sleep }
}

// WithLogger sets a logger for one debug line per request (method, route,
// path, status; never a header value). Default: discard.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// NewServer starts a simulator on a local port. Call Close when done.
func NewServer(opts ...Option) *Server {
	cfg := config{
		clientID: DefaultClientID, secret: DefaultClientSecret, site: DefaultSite,
		tokenLifetime: DefaultTokenLifetime, now: time.Now,
	}
	for _, o := range opts {
		o(&cfg)
	}
	cfg.logger = logging.OrDiscard(cfg.logger)
	if cfg.rateBurst < 1 {
		cfg.rateBurst = 1
	}
	if cfg.sleep == nil {
		cfg.sleep = ctxwait.Sleep
	}
	s := &Server{
		cfg:       cfg,
		orders:    map[string]sfcc.Order{},
		inventory: map[string]map[string]sfcc.InventoryRecord{},
		tokens:    map[string]time.Time{},
	}
	if cfg.ratePerSecond > 0 {
		s.bucket = newBucket(cfg.ratePerSecond, cfg.rateBurst, cfg.now())
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// NewTestServer starts a simulator whose Close is registered with tb.Cleanup.
func NewTestServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := NewServer(opts...)
	tb.Cleanup(s.Close)
	return s
}

// URL is the instance host, "http://127.0.0.1:PORT": use it as the client's Host.
func (s *Server) URL() string { return s.srv.URL }

// TokenURL is the Account Manager token endpoint of the simulator.
func (s *Server) TokenURL() string { return s.srv.URL + tokenPath }

// ClientID is the client id the token endpoint accepts.
func (s *Server) ClientID() string { return s.cfg.clientID }

// ClientSecret is the client secret the token endpoint accepts.
func (s *Server) ClientSecret() string { return s.cfg.secret }

// Site is the site id the routes serve.
func (s *Server) Site() string { return s.cfg.site }

// HTTPClient is an *http.Client for the simulator's listener.
func (s *Server) HTTPClient() *http.Client { return s.srv.Client() }

// Close shuts the server down, waiting for requests in flight. It is safe to
// call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

func (s *Server) now() time.Time { return s.cfg.now() }

// Request is one request as the server saw it.
type Request struct {
	Method string
	// Path is the URL path, e.g. /s/-/dw/data/v25_6/sites/RefArch/orders/00001/export_status.
	Path string
	// Route is the route name (see Fault), or "" for an unknown path.
	Route string
	// Status is the status answered; 0 for a dropped connection.
	Status int
	// BatchParts is the number of sub-requests of a batch, else 0.
	BatchParts int
	// Header holds the request headers with Authorization redacted.
	Header http.Header
}

// Requests returns the request log in arrival order (a copy).
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.log))
	for i, r := range s.log {
		r.Header = r.Header.Clone()
		out[i] = r
	}
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

// RequestCount is the number of logged requests for route ("" counts all).
func (s *Server) RequestCount(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.log {
		if route == "" || r.Route == route {
			n++
		}
	}
	return n
}

// redactedHeader copies h with credentials masked.
func redactedHeader(h http.Header) http.Header {
	out := h.Clone()
	for _, k := range []string{"Authorization", "Cookie", "X-Dw-Client-Id"} {
		if out.Get(k) != "" {
			out.Set(k, "[redacted]")
		}
	}
	return out
}

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (s *Server) serveHTTP(rw http.ResponseWriter, r *http.Request) {
	if s.cfg.latency > 0 && r.URL.Path != tokenPath {
		if s.cfg.sleep(r.Context(), s.cfg.latency) != nil {
			return
		}
	}
	if s.serveSCAPI(rw, r) {
		return
	}
	rt := match(r)
	w := &statusWriter{ResponseWriter: rw}
	entry := Request{Method: r.Method, Path: r.URL.Path, Route: rt.name, Header: redactedHeader(r.Header)}
	var once sync.Once
	record := func(status int) {
		once.Do(func() {
			entry.Status = status
			s.mu.Lock()
			s.log = append(s.log, entry)
			s.mu.Unlock()
			s.cfg.logger.Debug("sfcctest request", slog.String("method", entry.Method), slog.String("route", entry.Route),
				slog.String("path", entry.Path), slog.Int("status", entry.Status))
		})
	}
	// The entry is logged before the response completes (the handler
	// returns before net/http finishes the response), so a caller that has
	// its answer always finds its request in Requests.
	defer func() { record(w.status) }()
	if rt.name == "token" {
		s.mu.Lock()
		s.tokenReqs++
		s.mu.Unlock()
	}

	if f, ok := s.takeFault(rt.name); ok {
		if !s.applyFault(w, r, f, func() { record(0) }) {
			return
		}
	}
	if rt.status != 0 {
		writeFault(w, rt.status, rt.fault, rt.message, rt.args)
		return
	}
	if rt.name == "token" {
		s.handleToken(w, r)
		return
	}
	if retry, ok := s.allow(); !ok {
		w.Header().Set("Retry-After", retry)
		writeFault(w, http.StatusTooManyRequests, "QuotaExceededException", "request rate limit exceeded", nil)
		return
	}
	if !s.authorized(w, r) {
		return
	}
	if rt.name == "batch" {
		entry.BatchParts = s.handleBatch(w, r)
		return
	}
	if rt.site != "" && rt.site != s.cfg.site {
		writeFault(w, http.StatusNotFound, "SiteNotFoundException", "no site '"+rt.site+"'", map[string]string{"siteId": rt.site})
		return
	}
	rt.handler(s, w, r, rt.params)
}

// routeMatch is the outcome of matching a request to a route.
type routeMatch struct {
	name    string
	site    string
	params  params
	handler handlerFunc
	// status, fault, message and args answer a request with no handler.
	status  int
	fault   string
	message string
	args    map[string]string
}

type params struct{ orderNo, kind, list, sku string }

type handlerFunc func(s *Server, w http.ResponseWriter, r *http.Request, p params)

const (
	tokenPath = "/dwsso/oauth2/access_token"
	batchPath = "/s/-/dw/batch"
)

// statusKinds are the six order status routes of the Data API.
var statusKinds = []string{"status", "export_status", "shipping_status", "payment_status", "confirmation_status", "external_status"}

// match finds the route of a request by method and path. The API version
// segment may be any vNN_N.
func match(r *http.Request) routeMatch {
	path := r.URL.Path
	switch path {
	case tokenPath:
		return byMethod(r, "token", map[string]handlerFunc{http.MethodPost: nil})
	case batchPath:
		return byMethod(r, "batch", map[string]handlerFunc{http.MethodPost: nil})
	}
	seg := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	for i := range seg {
		if u, err := url.PathUnescape(seg[i]); err == nil {
			seg[i] = u
		}
	}
	notFound := routeMatch{status: http.StatusNotFound, fault: "ResourcePathNotFoundException",
		message: "no resource at '" + path + "'", args: map[string]string{"resourcePath": path}}
	if len(seg) < 5 || seg[0] != "s" || seg[2] != "dw" || !isVersion(seg[4]) {
		return notFound
	}
	rest := seg[5:]
	switch {
	case seg[1] == "-" && seg[3] == "data":
		switch {
		case len(rest) == 4 && rest[0] == "sites" && rest[2] == "orders":
			m := byMethod(r, "order.patch", map[string]handlerFunc{http.MethodPatch: (*Server).handleOrderPatch})
			m.site, m.params.orderNo = rest[1], rest[3]
			return m
		case len(rest) == 5 && rest[0] == "sites" && rest[2] == "orders" && contains(statusKinds, rest[4]):
			m := byMethod(r, "order.status", map[string]handlerFunc{http.MethodPut: (*Server).handleOrderStatus})
			m.site, m.params.orderNo, m.params.kind = rest[1], rest[3], rest[4]
			return m
		case len(rest) == 3 && rest[0] == "inventory_lists" && rest[2] == "product_inventory_records":
			m := byMethod(r, "inventory.list", map[string]handlerFunc{http.MethodGet: (*Server).handleInventoryList})
			m.params.list = rest[1]
			return m
		case len(rest) == 4 && rest[0] == "inventory_lists" && rest[2] == "product_inventory_records":
			m := byMethod(r, "inventory."+strings.ToLower(r.Method), map[string]handlerFunc{
				http.MethodGet: (*Server).handleInventoryGet, http.MethodPut: (*Server).handleInventoryPut,
				http.MethodPatch: (*Server).handleInventoryPatch, http.MethodDelete: (*Server).handleInventoryDelete,
			})
			m.params.list, m.params.sku = rest[1], rest[3]
			return m
		}
	case seg[1] != "-" && seg[3] == "shop":
		switch {
		case len(rest) == 2 && rest[0] == "orders":
			m := byMethod(r, "order.get", map[string]handlerFunc{http.MethodGet: (*Server).handleOrderGet})
			m.site, m.params.orderNo = seg[1], rest[1]
			return m
		case len(rest) == 1 && rest[0] == "order_search":
			m := byMethod(r, "order.search", map[string]handlerFunc{http.MethodPost: (*Server).handleOrderSearch})
			m.site = seg[1]
			return m
		}
	}
	return notFound
}

// byMethod names the route and picks the handler for the request method; a
// method the route does not serve gets 405 (and the route name "" for an
// inventory method that does not exist).
func byMethod(r *http.Request, name string, hs map[string]handlerFunc) routeMatch {
	h, ok := hs[r.Method]
	if !ok {
		if strings.HasPrefix(name, "inventory.") && name != "inventory.list" {
			name = ""
		}
		return routeMatch{name: name, status: http.StatusMethodNotAllowed, fault: "MethodNotAllowedException",
			message: "method " + r.Method + " not allowed", args: map[string]string{"method": r.Method}}
	}
	return routeMatch{name: name, handler: h}
}

func isVersion(s string) bool {
	v, ok := strings.CutPrefix(s, "v")
	if !ok {
		return false
	}
	major, minor, ok := strings.Cut(v, "_")
	return ok && isDigits(major) && isDigits(minor)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Unwrap gives access to the underlying writer (for hijacking a connection).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
