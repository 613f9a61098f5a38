package wmshttp

import (
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

	"github.com/o2ckit/o2c/internal/logging"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/wms"
)

// Handler defaults.
const (
	// MaxBatch is the largest max a fetch accepts.
	MaxBatch = 1000
	// DefaultRetryAfter is the Retry-After sent with a 503.
	DefaultRetryAfter = time.Second
	// DefaultMaxBody caps a request body; a larger one answers 413.
	DefaultMaxBody = 4 << 20
)

// HandlerConfig configures NewHandler. At least one source is required; a
// route whose source is nil answers 404.
type HandlerConfig struct {
	Confirmations wms.ConfirmationSource
	Levels        wms.LevelSource
	// Token, when set, is the bearer token every request must carry.
	Token sfcc.SecretSource
	// RetryAfter is sent with every 503; default DefaultRetryAfter.
	RetryAfter time.Duration
	// MaxBody caps request bodies; default DefaultMaxBody.
	MaxBody int64
	// Logger gets a warning per failed fetch or ack; nil discards.
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
	if c.Confirmations == nil && c.Levels == nil {
		return &ConfigError{Field: "Confirmations", Reason: "a confirmation or level source is required"}
	}
	return nil
}

// NewHandler returns an http.Handler serving the sources as the API in the
// package documentation.
func NewHandler(cfg HandlerConfig) (http.Handler, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	h := &handler{cfg: cfg, mux: http.NewServeMux()}
	if cfg.Confirmations != nil {
		h.mux.HandleFunc("GET /v1/confirmations", h.fetchConfirmations)
		h.mux.HandleFunc("POST /v1/confirmations/ack", h.ackConfirmations)
	}
	if cfg.Levels != nil {
		h.mux.HandleFunc("GET /v1/levels", h.fetchLevels)
		h.mux.HandleFunc("POST /v1/levels/ack", h.ackLevels)
	}
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
	if _, pattern := h.mux.Handler(r); pattern == "" {
		status, code := http.StatusNotFound, CodeNotFound
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, p := h.mux.Handler(probe); p != "" {
				status, code = http.StatusMethodNotAllowed, CodeMethodNotAllowed
			}
		}
		h.fail(w, r, status, errorDetail{Code: code, Message: r.Method + " " + r.URL.Path + " is not part of the API"})
		return
	}
	h.mux.ServeHTTP(w, r)
}

func (h *handler) authorized(r *http.Request) bool {
	want, err := h.cfg.Token.Secret(r.Context())
	if err != nil || want == "" {
		return false
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// max reads the max parameter, answering 422 itself when it is unusable.
func (h *handler) max(w http.ResponseWriter, r *http.Request) (int, bool) {
	v := r.URL.Query().Get("max")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > MaxBatch {
		h.fail(w, r, http.StatusUnprocessableEntity, errorDetail{Code: CodeInvalid, Field: "max",
			Message: fmt.Sprintf("max %q must be a whole number from 1 to %d", v, MaxBatch)})
		return 0, false
	}
	return n, true
}

func (h *handler) fetchConfirmations(w http.ResponseWriter, r *http.Request) {
	n, ok := h.max(w, r)
	if !ok {
		return
	}
	cs, err := h.cfg.Confirmations.Confirmations(r.Context(), n)
	if err != nil {
		h.sourceError(w, r, "fetching confirmations", err)
		return
	}
	out := confirmationList{Confirmations: make([]confirmationJSON, 0, len(cs))}
	for _, c := range cs {
		out.Confirmations = append(out.Confirmations, confirmationToWire(c))
	}
	h.write(w, http.StatusOK, out)
}

func (h *handler) ackConfirmations(w http.ResponseWriter, r *http.Request) {
	var in confirmationList
	if !h.decode(w, r, &in) {
		return
	}
	cs := make([]wms.ShipmentConfirmation, 0, len(in.Confirmations))
	for i, c := range in.Confirmations {
		if c.OrderNo == "" || c.EventID == "" {
			h.fail(w, r, http.StatusUnprocessableEntity, errorDetail{Code: CodeInvalid, Field: fmt.Sprintf("confirmations[%d]", i),
				Key: c.OrderNo, Message: "an acknowledgement needs order_no and event_id"})
			return
		}
		cs = append(cs, confirmationFromWire(c))
	}
	if err := h.cfg.Confirmations.AckConfirmations(r.Context(), cs...); err != nil {
		h.sourceError(w, r, "acknowledging confirmations", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *handler) fetchLevels(w http.ResponseWriter, r *http.Request) {
	n, ok := h.max(w, r)
	if !ok {
		return
	}
	ls, err := h.cfg.Levels.Levels(r.Context(), n)
	if err != nil {
		h.sourceError(w, r, "fetching levels", err)
		return
	}
	out := levelList{Levels: make([]levelJSON, 0, len(ls))}
	for _, l := range ls {
		out.Levels = append(out.Levels, levelToWire(l))
	}
	h.write(w, http.StatusOK, out)
}

func (h *handler) ackLevels(w http.ResponseWriter, r *http.Request) {
	var in levelList
	if !h.decode(w, r, &in) {
		return
	}
	ls := make([]wms.StockLevel, 0, len(in.Levels))
	for i, l := range in.Levels {
		if l.SKU == "" {
			h.fail(w, r, http.StatusUnprocessableEntity, errorDetail{Code: CodeInvalid, Field: fmt.Sprintf("levels[%d].sku", i),
				Message: "an acknowledgement needs the level's sku"})
			return
		}
		ls = append(ls, levelFromWire(l))
	}
	if err := h.cfg.Levels.AckLevels(r.Context(), ls...); err != nil {
		h.sourceError(w, r, "acknowledging levels", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

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
		h.fail(w, r, http.StatusBadRequest, errorDetail{Code: CodeBadRequest, Message: "the body is not valid JSON for this resource: " + err.Error()})
		return false
	}
	return true
}

// sourceError answers a source's failure as transient: a feed has no
// other kind, and a retry is always safe.
func (h *handler) sourceError(w http.ResponseWriter, r *http.Request, what string, err error) {
	h.fail(w, r, http.StatusServiceUnavailable, errorDetail{Code: CodeUnavailable, Message: what + ": " + err.Error()})
}

func (h *handler) fail(w http.ResponseWriter, r *http.Request, status int, d errorDetail) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((h.cfg.RetryAfter+time.Second-1)/time.Second), 10))
	}
	level := slog.LevelDebug
	if status >= 500 {
		level = slog.LevelWarn
	}
	h.cfg.Logger.Log(r.Context(), level, "wms api error", slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.Int("status", status), slog.String("code", d.Code), slog.String("message", d.Message))
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
