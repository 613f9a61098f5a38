package erphttp

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/internal/logging"
	"github.com/o2ckit/o2c/internal/redact"
	"github.com/o2ckit/o2c/sfcc"
)

// Handler defaults.
const (
	// DefaultRetryAfter is the Retry-After sent with a 503.
	DefaultRetryAfter = time.Second
	// DefaultMaxBody caps a request body; a larger one answers 413.
	DefaultMaxBody = 4 << 20
)

// ERP is what a Handler serves: the three ERP interfaces.
type ERP interface {
	erp.Customers
	erp.SalesOrders
	erp.Ledger
}

// HandlerConfig configures NewHandler.
type HandlerConfig struct {
	// ERP is the system served. Required.
	ERP ERP
	// Token, when set, is the bearer token every request must carry.
	Token sfcc.SecretSource
	// RetryAfter is sent with every 503; default DefaultRetryAfter.
	RetryAfter time.Duration
	// MaxBody caps request bodies; default DefaultMaxBody.
	MaxBody int64
	// Logger gets one debug line per request and a warning per 5xx; nil
	// discards. Emails are redacted, tokens never logged.
	Logger *slog.Logger
}

func (c *HandlerConfig) setDefaults() {
	if c.RetryAfter <= 0 {
		c.RetryAfter = DefaultRetryAfter
	}
	if c.MaxBody <= 0 {
		c.MaxBody = DefaultMaxBody
	}
	c.Logger = logging.OrDiscard(c.Logger)
}

// Validate reports the first unusable field.
func (c HandlerConfig) Validate() error {
	if c.ERP == nil {
		return &ConfigError{Field: "ERP", Reason: "is required"}
	}
	return nil
}

// NewHandler returns an http.Handler serving cfg.ERP as the API described in
// the package documentation, at paths relative to where it is mounted (use
// http.StripPrefix to mount it under a prefix).
func NewHandler(cfg HandlerConfig) (http.Handler, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	h := &handler{cfg: cfg, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /v1/customers", h.findCustomers)
	h.mux.HandleFunc("POST /v1/customers", h.createCustomer)
	h.mux.HandleFunc("GET /v1/customers/{id}", h.getCustomer)
	h.mux.HandleFunc("PUT /v1/sales_orders/{ref}", h.putSalesOrder)
	h.mux.HandleFunc("GET /v1/sales_orders/{ref}", h.getSalesOrder)
	h.mux.HandleFunc("PUT /v1/journals/{ref}", h.putJournal)
	h.mux.HandleFunc("GET /v1/journals/{ref}", h.getJournal)
	return h, nil
}

type handler struct {
	cfg HandlerConfig
	mux *http.ServeMux
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.cfg.Token != nil && !h.authorized(r) {
		h.fail(w, r, http.StatusUnauthorized, errorDetail{Code: CodeUnauthorized, Message: "missing or wrong bearer token"})
		return
	}
	// The mux answers unknown paths and methods in plain text; answer them
	// with the API's error body instead.
	if _, pattern := h.mux.Handler(r); pattern == "" {
		status, code := http.StatusNotFound, CodeNotFound
		if h.pathKnown(r) {
			status, code = http.StatusMethodNotAllowed, CodeMethodNotAllowed
		}
		h.fail(w, r, status, errorDetail{Code: code, Message: r.Method + " " + r.URL.Path + " is not part of the API"})
		return
	}
	h.mux.ServeHTTP(w, r)
}

// pathKnown reports whether some method serves the path.
func (h *handler) pathKnown(r *http.Request) bool {
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, p := h.mux.Handler(probe); p != "" {
			return true
		}
	}
	return false
}

func (h *handler) authorized(r *http.Request) bool {
	want, err := h.cfg.Token.Secret(r.Context())
	if err != nil || want == "" {
		return false
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (h *handler) findCustomers(w http.ResponseWriter, r *http.Request) {
	email := r.URL.Query().Get("email")
	if strings.TrimSpace(email) == "" {
		h.fail(w, r, http.StatusUnprocessableEntity, errorDetail{Code: CodeInvalid, Message: "the email query parameter is required", Field: "email"})
		return
	}
	found, err := h.cfg.ERP.FindCustomersByEmail(r.Context(), email)
	if err != nil {
		h.erpError(w, r, err, redact.Email(email), "")
		return
	}
	out := customerList{Customers: make([]customerJSON, 0, len(found))}
	for _, c := range found {
		out.Customers = append(out.Customers, toWire(c))
	}
	h.write(w, http.StatusOK, out)
}

func (h *handler) createCustomer(w http.ResponseWriter, r *http.Request) {
	var in customerJSON
	if !h.decode(w, r, &in) {
		return
	}
	key := redact.Email(in.Email)
	if strings.TrimSpace(in.Email) == "" {
		h.fail(w, r, http.StatusUnprocessableEntity, errorDetail{Code: CodeInvalid, Message: "a customer needs an email", Field: "email"})
		return
	}
	c, err := h.cfg.ERP.CreateCustomer(r.Context(), fromWire(in))
	if err != nil {
		h.erpError(w, r, err, key, "email")
		return
	}
	h.write(w, http.StatusCreated, toWire(c))
}

func (h *handler) getCustomer(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	c, err := h.cfg.ERP.GetCustomer(r.Context(), id)
	if err != nil {
		h.erpError(w, r, err, id, "")
		return
	}
	h.write(w, http.StatusOK, toWire(c))
}

func (h *handler) putSalesOrder(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("ref")
	var so erp.SalesOrder
	if !h.decode(w, r, &so) {
		return
	}
	if so.ExternalRef != ref {
		h.fail(w, r, http.StatusUnprocessableEntity, errorDetail{Code: CodeInvalid, Key: ref, Field: "external_ref",
			Message: fmt.Sprintf("external_ref %q differs from the path's %q", so.ExternalRef, ref)})
		return
	}
	created, err := h.cfg.ERP.CreateSalesOrder(r.Context(), so)
	if err != nil {
		h.erpError(w, r, err, ref, salesOrderField(so))
		return
	}
	h.write(w, http.StatusOK, created)
}

func (h *handler) getSalesOrder(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("ref")
	so, err := h.cfg.ERP.GetSalesOrder(r.Context(), ref)
	if err != nil {
		h.erpError(w, r, err, ref, "")
		return
	}
	h.write(w, http.StatusOK, so)
}

func (h *handler) putJournal(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("ref")
	var j erp.JournalEntry
	if !h.decode(w, r, &j) {
		return
	}
	if j.Reference != ref {
		h.fail(w, r, http.StatusUnprocessableEntity, errorDetail{Code: CodeInvalid, Key: ref, Field: "reference",
			Message: fmt.Sprintf("reference %q differs from the path's %q", j.Reference, ref)})
		return
	}
	posted, err := h.cfg.ERP.PostJournal(r.Context(), j)
	if err != nil {
		h.erpError(w, r, err, ref, journalField(j))
		return
	}
	h.write(w, http.StatusOK, posted)
}

func (h *handler) getJournal(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("ref")
	j, err := h.cfg.ERP.GetJournal(r.Context(), ref)
	if err != nil {
		h.erpError(w, r, err, ref, "")
		return
	}
	h.write(w, http.StatusOK, j)
}

// decode reads a JSON body into v, answering 400, 413 or 422 itself.
func (h *handler) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.cfg.MaxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			h.fail(w, r, http.StatusRequestEntityTooLarge, errorDetail{Code: CodeTooLarge, Message: fmt.Sprintf("the body exceeds %d bytes", h.cfg.MaxBody)})
			return false
		}
		h.fail(w, r, http.StatusBadRequest, errorDetail{Code: CodeBadRequest, Message: "reading the body failed"})
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			h.fail(w, r, http.StatusUnprocessableEntity, errorDetail{Code: CodeInvalid, Field: typeErr.Field,
				Message: fmt.Sprintf("field %s: a JSON %s cannot be a %s", typeErr.Field, typeErr.Value, typeErr.Type)})
			return false
		}
		// A decimal that does not parse is reported by its own
		// UnmarshalJSON, which json does not attribute to a field.
		h.fail(w, r, http.StatusBadRequest, errorDetail{Code: CodeBadRequest, Message: "the body is not valid JSON for this resource: " + err.Error()})
		return false
	}
	return true
}

// erpError answers the error an erp call returned.
func (h *handler) erpError(w http.ResponseWriter, r *http.Request, err error, key, field string) {
	d := errorDetail{Message: err.Error(), Key: key}
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, erp.ErrUnavailable), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		status, d.Code = http.StatusServiceUnavailable, CodeUnavailable
	case errors.Is(err, erp.ErrNotFound):
		status, d.Code = http.StatusNotFound, CodeNotFound
	case errors.Is(err, erp.ErrDuplicateCustomer):
		status, d.Code = http.StatusConflict, CodeDuplicateCustomer
	case errors.Is(err, erp.ErrConflict):
		status, d.Code = http.StatusConflict, CodeConflict
	case errors.Is(err, erp.ErrUnbalanced):
		status, d.Code, d.Field = http.StatusUnprocessableEntity, CodeUnbalanced, "lines"
	case errors.Is(err, erp.ErrInvalid):
		status, d.Code, d.Field = http.StatusUnprocessableEntity, CodeInvalid, field
	default:
		d.Code = CodeInternal
	}
	h.fail(w, r, status, d)
}

func (h *handler) fail(w http.ResponseWriter, r *http.Request, status int, d errorDetail) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((h.cfg.RetryAfter+time.Second-1)/time.Second), 10))
	}
	level := slog.LevelDebug
	if status >= 500 {
		level = slog.LevelWarn
	}
	h.cfg.Logger.Log(r.Context(), level, "erp api error", slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.Int("status", status), slog.String("code", d.Code), slog.String("key", d.Key), slog.String("message", d.Message))
	h.write(w, status, errorBody{Error: d})
}

func (h *handler) write(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"encoding the answer failed"}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// salesOrderField names the JSON field that makes so invalid, following
// the checks of erp.SalesOrder.Validate.
func salesOrderField(so erp.SalesOrder) string {
	if so.ExternalRef == "" {
		return "external_ref"
	}
	bad := func(a erp.Amounts) bool {
		sum, err := a.Net.Add(a.Tax)
		return err != nil || sum.Cmp(a.Gross) != 0
	}
	for _, l := range so.Items {
		if bad(l.Amounts) {
			return "items"
		}
	}
	for _, l := range so.Discounts {
		if bad(l.Amounts) {
			return "discounts"
		}
	}
	for _, l := range so.Shipping {
		if bad(l.Amounts) {
			return "shipping"
		}
	}
	for _, l := range so.GiftCertificates {
		if bad(l.Amounts) {
			return "gift_certificates"
		}
	}
	// Lines add up; what is left is the totals against the lines, or the
	// payments against the totals. Validate checks the totals first.
	probe := so
	probe.Payments = []erp.PaymentLine{{Amount: so.Totals.Gross}}
	if probe.Validate() != nil {
		return "totals"
	}
	return "payments"
}

// journalField names the JSON field that makes j invalid.
func journalField(j erp.JournalEntry) string {
	if j.Reference == "" {
		return "reference"
	}
	return "lines"
}
