// Package reconcileapi serves the exception list of o2c over HTTP, for the
// connector API and the operations console:
//
//	GET  /v1/exceptions                 a page of exceptions, filtered by
//	                                    owner, kind and state
//	POST /v1/exceptions/{id}/resolve    resolve one with a note
//
// An exception's id is "kind:key" (e.g. "mapping-missing:tax: country=NL
// rate_percent=21 tax_class="), path-escaped in the URL. Who resolved it
// comes from the request (Config.By, e.g. the authenticated principal),
// never from the body.
package reconcileapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/o2ckit/o2c/internal/httpapi"
	"github.com/o2ckit/o2c/reconcile"
)

// DefaultMaxBody bounds a resolve request.
const DefaultMaxBody = 16 << 10

// MaxNote bounds a resolution note, in bytes.
const MaxNote = 4000

// Config configures the handlers.
type Config struct {
	// Store keeps the exceptions; required.
	Store reconcile.ExceptionStore
	// By names who makes a request, for ResolvedBy; default "api".
	By func(*http.Request) string
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger receives unexpected failures; nil discards.
	Logger *slog.Logger
}

// ConfigError names a Config field that is unusable.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and why it was rejected.
func (e *ConfigError) Error() string {
	return "reconcileapi: invalid config: " + e.Field + ": " + e.Reason
}

func (c *Config) setDefaults() {
	if c.By == nil {
		c.By = func(*http.Request) string { return "api" }
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Validate reports the first unusable field.
func (c Config) Validate() error {
	if c.Store == nil {
		return &ConfigError{Field: "Store", Reason: "required"}
	}
	return nil
}

// Handlers are the two endpoints.
type Handlers struct {
	// List serves GET /v1/exceptions.
	List http.Handler
	// Resolve serves POST /v1/exceptions/{id}/resolve; it reads {id} with
	// r.PathValue("id").
	Resolve http.Handler
}

// New returns the handlers.
func New(cfg Config) (Handlers, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return Handlers{}, err
	}
	h := &handlers{cfg: cfg}
	return Handlers{List: http.HandlerFunc(h.list), Resolve: http.HandlerFunc(h.resolve)}, nil
}

type handlers struct{ cfg Config }

// ExceptionJSON is one exception as the API shows it.
type ExceptionJSON struct {
	// ID is "kind:key", the path segment of its resolve URL (escaped).
	ID     string `json:"id"`
	Kind   string `json:"kind"`
	Owner  string `json:"owner"`
	Key    string `json:"key"`
	Detail string `json:"detail"`
	// State is "open" or "resolved".
	State      string    `json:"state"`
	FirstSeen  time.Time `json:"first_seen"`
	LastSeen   time.Time `json:"last_seen"`
	ResolvedBy string    `json:"resolved_by,omitempty"`
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
	Note       string    `json:"note,omitempty"`
}

// ListResponse is a page of exceptions.
type ListResponse struct {
	Exceptions []ExceptionJSON `json:"exceptions"`
	// Next is the "after" of the next page; "" on the last.
	Next string `json:"next,omitempty"`
}

// ResolveRequest is the body of a resolve.
type ResolveRequest struct {
	// Note says what was done; required.
	Note string `json:"note"`
}

// ID renders an exception's id as the API spells it.
func ID(id reconcile.ExceptionID) string { return string(id.Kind) + ":" + id.Key }

// ParseID reads an id the API spelled.
func ParseID(s string) (reconcile.ExceptionID, error) {
	kind, key, ok := strings.Cut(s, ":")
	if !ok || kind == "" || key == "" {
		return reconcile.ExceptionID{}, fmt.Errorf("exception id %q is not kind:key", s)
	}
	return reconcile.ExceptionID{Kind: reconcile.Kind(kind), Key: key}, nil
}

// ToJSON converts a stored exception.
func ToJSON(r reconcile.ExceptionRecord) ExceptionJSON {
	state := "open"
	if !r.Open() {
		state = "resolved"
	}
	return ExceptionJSON{ID: ID(r.ID()), Kind: string(r.Kind), Owner: string(r.Owner), Key: r.Key, Detail: r.Detail, State: state,
		FirstSeen: r.FirstSeen.UTC(), LastSeen: r.LastSeen.UTC(), ResolvedBy: r.ResolvedBy, ResolvedAt: r.ResolvedAt.UTC(), Note: r.Note}
}

func (h *handlers) list(w http.ResponseWriter, r *http.Request) {
	qs := r.URL.Query()
	for k := range qs {
		switch k {
		case "owner", "kind", "state", "after", "limit":
		default:
			httpapi.WriteError(w, r, h.cfg.Logger, httpapi.BadRequest("unknown_field", k, fmt.Sprintf("unknown query parameter %q", k)))
			return
		}
	}
	q := reconcile.ExceptionQuery{Owner: reconcile.Owner(qs.Get("owner")), Kind: reconcile.Kind(qs.Get("kind"))}
	switch st := qs.Get("state"); st {
	case "", "any":
	case "open":
		q.Status = reconcile.StatusOpen
	case "resolved":
		q.Status = reconcile.StatusResolved
	default:
		httpapi.WriteError(w, r, h.cfg.Logger, httpapi.Invalid("state", "", fmt.Sprintf("state %q: want open, resolved or any", st)))
		return
	}
	if q.Owner != "" && !knownOwner(q.Owner) {
		httpapi.WriteError(w, r, h.cfg.Logger, httpapi.Invalid("owner", "", fmt.Sprintf("owner %q: want finance, operations or ecommerce", q.Owner)))
		return
	}
	if a := qs.Get("after"); a != "" {
		id, err := ParseID(a)
		if err != nil {
			httpapi.WriteError(w, r, h.cfg.Logger, httpapi.Invalid("after", "", err.Error()))
			return
		}
		q.After = id
	}
	if l := qs.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > reconcile.MaxExceptionPage {
			httpapi.WriteError(w, r, h.cfg.Logger, httpapi.Invalid("limit", "", fmt.Sprintf("limit %q: want 1 to %d", l, reconcile.MaxExceptionPage)))
			return
		}
		q.Limit = n
	}
	page, err := h.cfg.Store.List(r.Context(), q)
	if err != nil {
		httpapi.WriteError(w, r, h.cfg.Logger, fmt.Errorf("listing exceptions: %w", err))
		return
	}
	resp := ListResponse{Exceptions: make([]ExceptionJSON, 0, len(page.Records))}
	for _, rec := range page.Records {
		resp.Exceptions = append(resp.Exceptions, ToJSON(rec))
	}
	if page.More() {
		resp.Next = ID(page.Next)
	}
	httpapi.WriteJSON(w, http.StatusOK, resp)
}

func knownOwner(o reconcile.Owner) bool {
	return o == reconcile.OwnerFinance || o == reconcile.OwnerOperations || o == reconcile.OwnerEcommerce
}

func (h *handlers) resolve(w http.ResponseWriter, r *http.Request) {
	raw := r.PathValue("id") // unescaped by the mux
	id, err := ParseID(raw)
	if err != nil {
		httpapi.WriteError(w, r, h.cfg.Logger, httpapi.Invalid("id", raw, err.Error()))
		return
	}
	var req ResolveRequest
	if err := httpapi.DecodeJSON(w, r, &req, DefaultMaxBody); err != nil {
		httpapi.WriteError(w, r, h.cfg.Logger, err)
		return
	}
	switch note := strings.TrimSpace(req.Note); {
	case note == "":
		httpapi.WriteError(w, r, h.cfg.Logger, httpapi.Invalid("note", ID(id), "note is required: say what was done"))
		return
	case len(note) > MaxNote:
		httpapi.WriteError(w, r, h.cfg.Logger, httpapi.Invalid("note", ID(id), fmt.Sprintf("note is longer than %d bytes", MaxNote)))
		return
	}
	by := h.cfg.By(r)
	if err := h.cfg.Store.Resolve(r.Context(), id, by, strings.TrimSpace(req.Note), h.cfg.Now()); err != nil {
		if errors.Is(err, reconcile.ErrExceptionNotFound) {
			httpapi.WriteError(w, r, h.cfg.Logger, httpapi.NotFound(ID(id), "no such exception"))
			return
		}
		httpapi.WriteError(w, r, h.cfg.Logger, fmt.Errorf("resolving exception: %w", err))
		return
	}
	rec, err := h.cfg.Store.Get(r.Context(), id)
	if err != nil {
		httpapi.WriteError(w, r, h.cfg.Logger, fmt.Errorf("reading the resolved exception: %w", err))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, ToJSON(rec))
}
