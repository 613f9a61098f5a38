// Package wmsapi serves the warehouse side of o2c's connector API over
// HTTP:
//
//	POST /v1/shipments   one WMS shipment confirmation, applied to the SFCC
//	                     order in sequence (wms.Sequencer)
//	POST /v1/inventory   stock levels, coalesced and pushed to SFCC
//	                     (wms.Pusher)
//
// Both are safe to repeat: a confirmation is identified by its order and
// event id, so sending it twice applies it once and notifies the customer
// once; a level that is not newer than the one held is ignored as stale.
// The bodies are wms.ShipmentConfirmation and wms.StockLevel as JSON.
package wmsapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/o2ckit/o2c/internal/httpapi"
	"github.com/o2ckit/o2c/wms"
)

// Defaults of Config.
const (
	// DefaultMaxBody bounds a request body.
	DefaultMaxBody = 4 << 20
	// DefaultMaxLevels bounds the levels of one inventory request.
	DefaultMaxLevels = 10000
)

// Applier applies shipment confirmations; *wms.Sequencer is one, and a
// job engine that enqueues them can be another.
type Applier interface {
	Apply(ctx context.Context, c wms.ShipmentConfirmation) (wms.Result, error)
}

// Offerer takes stock levels; *wms.Pusher is one.
type Offerer interface {
	OfferContext(ctx context.Context, levels ...wms.StockLevel) (wms.OfferStats, error)
}

// Config configures the handlers. A handler is only built for what is set.
type Config struct {
	// Shipments applies confirmations (POST /v1/shipments).
	Shipments Applier
	// Inventory takes levels (POST /v1/inventory).
	Inventory Offerer
	// MaxBody bounds a request body; default DefaultMaxBody.
	MaxBody int64
	// MaxLevels bounds the levels per request; default DefaultMaxLevels.
	MaxLevels int
	// Logger receives unexpected failures; nil discards.
	Logger *slog.Logger
}

// ConfigError names a Config field that is unusable.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and why it was rejected.
func (e *ConfigError) Error() string { return "wmsapi: invalid config: " + e.Field + ": " + e.Reason }

func (c *Config) setDefaults() {
	if c.MaxBody == 0 {
		c.MaxBody = DefaultMaxBody
	}
	if c.MaxLevels == 0 {
		c.MaxLevels = DefaultMaxLevels
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Validate reports the first unusable field.
func (c Config) Validate() error {
	switch {
	case c.Shipments == nil && c.Inventory == nil:
		return &ConfigError{Field: "Shipments", Reason: "neither Shipments nor Inventory is set"}
	case c.MaxBody < 0:
		return &ConfigError{Field: "MaxBody", Reason: "negative"}
	case c.MaxLevels < 0:
		return &ConfigError{Field: "MaxLevels", Reason: "negative"}
	}
	return nil
}

// Handlers are the endpoints; each is nil when its Config field is.
type Handlers struct {
	// Shipments serves POST /v1/shipments.
	Shipments http.Handler
	// Inventory serves POST /v1/inventory.
	Inventory http.Handler
}

// New returns the handlers for cfg.
func New(cfg Config) (Handlers, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return Handlers{}, err
	}
	var hs Handlers
	if cfg.Shipments != nil {
		hs.Shipments = postOnly(cfg.Logger, &shipments{cfg: cfg})
	}
	if cfg.Inventory != nil {
		hs.Inventory = postOnly(cfg.Logger, &inventory{cfg: cfg})
	}
	return hs, nil
}

func postOnly(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			httpapi.WriteError(w, r, log, &httpapi.Problem{Type: httpapi.ProblemType + "method_not_allowed",
				Title: http.StatusText(http.StatusMethodNotAllowed), Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Detail: "use POST"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ShipmentResult is the answer of POST /v1/shipments.
type ShipmentResult struct {
	OrderNo    string `json:"order_no"`
	EventID    string `json:"event_id"`
	ShipmentID string `json:"shipment_id"`
	// Outcome is "applied", "duplicate" (applied before: no second
	// effect) or "waiting" (held until the order's earlier events arrive;
	// answered 202).
	Outcome string `json:"outcome"`
	// ShippingStatus is the SFCC order's shipping status after an applied
	// event.
	ShippingStatus string `json:"shipping_status,omitempty"`
	// Notified is true when this call sent the customer's notification.
	Notified bool `json:"notified"`
	// Released are held events of the order this one unblocked and
	// applied.
	Released []ShipmentResult `json:"released,omitempty"`
}

func toResult(r wms.Result) ShipmentResult {
	out := ShipmentResult{OrderNo: r.OrderNo, EventID: r.EventID, ShipmentID: r.ShipmentID, Outcome: string(r.Outcome),
		ShippingStatus: string(r.ShippingStatus), Notified: r.Notified}
	for _, rel := range r.Released {
		out.Released = append(out.Released, toResult(rel))
	}
	return out
}

type shipments struct{ cfg Config }

func (h *shipments) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var c wms.ShipmentConfirmation
	if err := httpapi.DecodeJSON(w, r, &c, h.cfg.MaxBody); err != nil {
		httpapi.WriteError(w, r, h.cfg.Logger, err)
		return
	}
	res, err := h.cfg.Shipments.Apply(r.Context(), c)
	if err != nil {
		httpapi.WriteError(w, r, h.cfg.Logger, shipmentProblem(c, err))
		return
	}
	status := http.StatusOK
	if res.Outcome == wms.OutcomeWaiting {
		status = http.StatusAccepted
	}
	httpapi.WriteJSON(w, status, toResult(res))
}

// shipmentProblem maps a failed apply: a confirmation that can never apply
// (missing fields, more shipped than ordered, an unknown SKU) is 422 for
// the WMS to correct; SFCC unavailable is 503 (the event is recorded, the
// same request later completes it); SFCC refusing the update is 409.
func shipmentProblem(c wms.ShipmentConfirmation, err error) error {
	var (
		ce *wms.ConfirmationError
		qe *wms.QuantityError
		ae *wms.ApplyError
	)
	switch {
	case errors.As(err, &ce):
		p := httpapi.Invalid(confirmationField(ce.Reason), c.OrderNo, ce.Error())
		p.Code = "shipment_rejected"
		return p
	case errors.As(err, &qe):
		p := httpapi.Invalid("lines", c.OrderNo, qe.Error())
		p.Code = "shipment_rejected"
		return p
	case errors.As(err, &ae) && (ae.Temporary || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)):
		return httpapi.Unavailable(c.OrderNo, fmt.Sprintf("SFCC could not be updated for order %s at step %s; the event is recorded and the same request later completes it", c.OrderNo, ae.Step), 0)
	case errors.As(err, &ae):
		return httpapi.Conflict(c.OrderNo, ae.Error())
	}
	return err
}

// confirmationField names the JSON field a confirmation's validation
// reason is about.
func confirmationField(reason string) string {
	for _, f := range []struct{ word, field string }{
		{"order number", "order_no"}, {"event id", "event_id"}, {"package", "shipment_id"},
		{"shipped-at", "shipped_at"}, {"sequence", "sequence"}, {"line", "lines"}, {"quantit", "lines"},
		{"tracking", "tracking_number"},
	} {
		if strings.Contains(reason, f.word) {
			return f.field
		}
	}
	return ""
}

// InventoryRequest is the body of POST /v1/inventory.
type InventoryRequest struct {
	Levels []wms.StockLevel `json:"levels"`
}

// InventoryResponse is its answer (202: the levels are pushed to SFCC by
// the pusher's next flush, coalesced with others).
type InventoryResponse struct {
	// Accepted levels became the latest for their SKU and location.
	Accepted int `json:"accepted"`
	// Stale levels were not newer than the one held and were ignored (a
	// repeat of the same request is all stale).
	Stale int `json:"stale"`
	// Invalid levels were refused; Errors says why, each naming its SKU.
	Invalid int          `json:"invalid"`
	Errors  []LevelError `json:"errors"`
}

// LevelError is one refused level.
type LevelError struct {
	SKU      string `json:"sku"`
	Location string `json:"location,omitempty"`
	Reason   string `json:"reason"`
}

type inventory struct{ cfg Config }

func (h *inventory) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req InventoryRequest
	if err := httpapi.DecodeJSON(w, r, &req, h.cfg.MaxBody); err != nil {
		httpapi.WriteError(w, r, h.cfg.Logger, err)
		return
	}
	if len(req.Levels) == 0 {
		httpapi.WriteError(w, r, h.cfg.Logger, httpapi.Invalid("levels", "", "no levels"))
		return
	}
	if len(req.Levels) > h.cfg.MaxLevels {
		httpapi.WriteError(w, r, h.cfg.Logger, &httpapi.Problem{Type: httpapi.ProblemType + "too_large", Title: http.StatusText(http.StatusRequestEntityTooLarge),
			Status: http.StatusRequestEntityTooLarge, Code: "too_large", Detail: fmt.Sprintf("more than %d levels in one request", h.cfg.MaxLevels)})
		return
	}
	stats, err := h.cfg.Inventory.OfferContext(r.Context(), req.Levels...)
	resp := InventoryResponse{Accepted: stats.Accepted, Stale: stats.Stale, Invalid: stats.Invalid, Errors: []LevelError{}}
	storeDown := false
	for _, e := range leaves(err) {
		var le *wms.LevelError
		if errors.As(e, &le) {
			resp.Errors = append(resp.Errors, LevelError{SKU: le.SKU, Location: le.Location, Reason: le.Reason})
			if strings.HasPrefix(le.Reason, "level store:") {
				storeDown = true
			}
			continue
		}
		// A recompute failure after the level was accepted: the level is
		// held, the push will carry it; log it.
		h.cfg.Logger.WarnContext(r.Context(), "wmsapi: level accepted with a warning", "err", e)
	}
	if storeDown {
		// Nothing is lost by sending the whole request again: levels
		// already taken come back stale.
		httpapi.WriteError(w, r, h.cfg.Logger, httpapi.Unavailable("", "the level store is unavailable; send the same request again", 0))
		return
	}
	httpapi.WriteJSON(w, http.StatusAccepted, resp)
}

// leaves flattens errors.Join trees.
func leaves(err error) []error {
	if err == nil {
		return nil
	}
	if u, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range u.Unwrap() {
			out = append(out, leaves(e)...)
		}
		return out
	}
	return []error{err}
}
