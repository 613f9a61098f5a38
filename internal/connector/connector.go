// Package connector assembles o2c's connector API — the HTTP surface a
// Patchworks custom connector (or any integration platform) calls — from
// the handlers the library packages serve (erp/erpapi, dedupe/dedupeapi,
// wms/wmsapi, reconcile/reconcileapi): one mux with authentication
// (internal/apiauth) in front of every /v1 route, Idempotency-Key replay on
// every POST, open health and readiness probes, the OAuth2 token endpoint,
// and the OpenAPI 3.1 document of exactly these routes at /openapi.json
// (and a Postman collection generated from it at /postman.json, which
// Patchworks' connector builder imports).
//
// The same mux can serve the operations console at /console/ and
// Prometheus metrics at /metrics, behind the same authentication as /v1.
// They are for people and for Prometheus, not for a connector, so they are
// not in the OpenAPI document or the Postman collection. Prometheus
// scrapes with an API key as a bearer token (authorization: {credentials:
// KEY} in the scrape config) or with basic_auth for a Basic user.
package connector

import (
	"context"
	_ "embed"
	"log/slog"
	"net/http"

	"github.com/o2ckit/o2c/internal/apiauth"
	"github.com/o2ckit/o2c/internal/httpapi"
)

//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the OpenAPI 3.1 document of the connector API.
func OpenAPI() []byte { return append([]byte(nil), openAPI...) }

// Config configures the connector API. A route whose handler is nil is
// not served, so a host serves only what it runs; the authentication in
// front of /v1/, /console/ and /metrics does not depend on what is
// served: a request without valid credentials is 401 there whether or not
// the route exists, and only an authenticated one learns 404.
type Config struct {
	// Auth guards every /v1 route, /console/ and /metrics and serves the
	// token endpoint; required.
	Auth *apiauth.Guard
	// Translate serves POST /v1/orders/translate (erpapi).
	Translate http.Handler
	// Export serves POST /v1/orders/{orderNo}/export (erpapi's
	// NewExportHandler, which reads the orderNo path value).
	Export http.Handler
	// Resolve serves POST /v1/customers/resolve (dedupeapi).
	Resolve http.Handler
	// Shipments serves POST /v1/shipments (wmsapi).
	Shipments http.Handler
	// Inventory serves POST /v1/inventory (wmsapi).
	Inventory http.Handler
	// Exceptions serves GET /v1/exceptions and ResolveException POST
	// /v1/exceptions/{id}/resolve (reconcileapi).
	Exceptions       http.Handler
	ResolveException http.Handler
	// Console serves the operations console: every method on /console/
	// and below, with the full path (the console's base path is
	// /console/). Not in the OpenAPI document.
	Console http.Handler
	// Metrics serves GET /metrics (a Prometheus handler). Not in the
	// OpenAPI document.
	Metrics http.Handler
	// Idempotency keeps POST answers for replay; default an in-memory
	// store (one process; give a shared one to several).
	Idempotency httpapi.IdempotencyStore
	// Ready reports whether the service can take work (its database, the
	// systems behind it); nil is always ready.
	Ready func(context.Context) error
	// Logger receives refused and failed requests; nil discards.
	Logger *slog.Logger
}

// ConfigError names a Config field that is unusable.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and why it was rejected.
func (e *ConfigError) Error() string {
	return "connector: invalid config: " + e.Field + ": " + e.Reason
}

func (c *Config) setDefaults() {
	if c.Idempotency == nil {
		c.Idempotency = &httpapi.MemoryIdempotencyStore{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Validate reports the first unusable field.
func (c Config) Validate() error {
	if c.Auth == nil {
		return &ConfigError{Field: "Auth", Reason: "required: the API is never served without authentication"}
	}
	return nil
}

// New returns the connector API's handler.
func New(cfg Config) (http.Handler, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	api := http.NewServeMux()
	scope := func(r *http.Request) string {
		p, _ := apiauth.PrincipalFrom(r.Context())
		return p.Scheme + ":" + p.Name
	}
	post := func(pattern string, h http.Handler) {
		if h != nil {
			api.Handle("POST "+pattern, httpapi.Idempotent(cfg.Idempotency, scope, cfg.Logger, h))
		}
	}
	post("/v1/orders/translate", cfg.Translate)
	post("/v1/orders/{orderNo}/export", cfg.Export)
	post("/v1/customers/resolve", cfg.Resolve)
	post("/v1/shipments", cfg.Shipments)
	post("/v1/inventory", cfg.Inventory)
	post("/v1/exceptions/{id}/resolve", cfg.ResolveException)
	if cfg.Exceptions != nil {
		api.Handle("GET /v1/exceptions", cfg.Exceptions)
	}
	if cfg.Console != nil {
		api.Handle("/console/", cfg.Console)
	}
	if cfg.Metrics != nil {
		api.Handle("GET /metrics", cfg.Metrics)
	}
	api.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		httpapi.WriteError(w, r, cfg.Logger, httpapi.NotFound("", "no such route: "+r.Method+" "+r.URL.Path))
	})

	// /console/ and /metrics go through the guard whether or not they are
	// served, so an unauthenticated caller cannot tell which are.
	guarded := cfg.Auth.Middleware(api)
	mux := http.NewServeMux()
	mux.Handle("/v1/", guarded)
	mux.Handle("/console/", guarded)
	mux.Handle("/metrics", guarded)
	mux.Handle("POST /oauth/token", cfg.Auth.TokenHandler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if cfg.Ready != nil {
			if err := cfg.Ready(r.Context()); err != nil {
				cfg.Logger.WarnContext(r.Context(), "connector: not ready", "err", err)
				httpapi.WriteError(w, r, cfg.Logger, httpapi.Unavailable("", "not ready", 0))
				return
			}
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(openAPI)
	})
	postman, err := Postman(openAPI)
	if err != nil {
		return nil, err
	}
	mux.HandleFunc("GET /postman.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(postman)
	})
	return mux, nil
}
