// Package connector assembles o2c's connector API — the HTTP surface a
// Patchworks custom connector (or any integration platform) calls — from
// the handlers the library packages serve (erp/erpapi, dedupe/dedupeapi,
// wms/wmsapi): one mux with authentication (internal/apiauth) in front of
// every /v1 route, Idempotency-Key replay on every POST, open health and
// readiness probes, the OAuth2 token endpoint, and the OpenAPI 3.1
// document of exactly these routes at /openapi.json (and a Postman
// collection generated from it at /postman.json, which Patchworks'
// connector builder imports).
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
// not served (404), so a host serves only what it runs.
type Config struct {
	// Auth guards every /v1 route and serves the token endpoint; required.
	Auth *apiauth.Guard
	// Translate serves POST /v1/orders/translate (erpapi).
	Translate http.Handler
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
	post("/v1/customers/resolve", cfg.Resolve)
	post("/v1/shipments", cfg.Shipments)
	post("/v1/inventory", cfg.Inventory)
	post("/v1/exceptions/{id}/resolve", cfg.ResolveException)
	if cfg.Exceptions != nil {
		api.Handle("GET /v1/exceptions", cfg.Exceptions)
	}
	api.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		httpapi.WriteError(w, r, cfg.Logger, httpapi.NotFound("", "no such route: "+r.Method+" "+r.URL.Path))
	})

	mux := http.NewServeMux()
	mux.Handle("/v1/", cfg.Auth.Middleware(api))
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
