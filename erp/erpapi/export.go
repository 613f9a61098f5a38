package erpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/o2ckit/o2c/internal/httpapi"
	"github.com/o2ckit/o2c/sfcc"
)

// ExportPattern is the route of the export handler, with the {orderNo}
// wildcard the handler reads (http.Request.PathValue).
const ExportPattern = "POST /v1/orders/{orderNo}/export"

// MaxOrderNo is the longest order number taken, in characters: order.xsd's
// order-no is a NonEmptyString.50.
const MaxOrderNo = 50

// ExportQueue puts one order's export on the job engine. A host implements
// it over its job engine (o2cd: a River export job unique per order
// number). It must be safe for concurrent use.
type ExportQueue interface {
	// EnqueueExport queues an export of orderNo — or a replay of an order
	// exported or failed before — and returns its job. When an export of
	// the order is already queued or running it queues no second one and
	// returns that job with Duplicate true, so a repeat is one effect.
	//
	// Errors: one matching ErrOrderNotFound or sfcc.ErrNotFound when the
	// queue checks the order in SFCC and SFCC does not have it; one
	// matching ErrExportConflict when the order's state rules an export
	// out; an *UnavailableError when the job engine (or SFCC) cannot take
	// the request now; the context's error. Any other error is a failure
	// answered 500 without its text.
	EnqueueExport(ctx context.Context, orderNo string) (ExportTicket, error)
}

// ExportTicket is a queued export job.
type ExportTicket struct {
	// JobID is the job engine's id of the export job.
	JobID int64
	// Duplicate is true when an export of this order was already queued
	// or running and this request queued nothing new.
	Duplicate bool
	// State is the job's state in the job engine (River's: available,
	// scheduled, running, retryable, …); "" when the engine did not say.
	State string
}

// Errors an ExportQueue returns (wrapped or as they are).
var (
	// ErrOrderNotFound: SFCC has no order with the number.
	ErrOrderNotFound = errors.New("erpapi: no such order")
	// ErrExportConflict: the order's state rules an export out (e.g.
	// cancelled).
	ErrExportConflict = errors.New("erpapi: the order cannot be exported in its present state")
)

// UnavailableError is an ExportQueue error meaning the job engine or a
// system behind it cannot take the export now; the same request later
// will work. It is answered 503 with Retry-After.
type UnavailableError struct {
	// RetryAfter is when to send the request again; 0 means
	// httpapi.DefaultRetryAfter.
	RetryAfter time.Duration
	// Err is the cause; it is logged, never sent to the caller.
	Err error
}

// Error says the queue is unavailable, with the cause.
func (e *UnavailableError) Error() string {
	if e.Err == nil {
		return "erpapi: the export queue is unavailable"
	}
	return "erpapi: the export queue is unavailable: " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *UnavailableError) Unwrap() error { return e.Err }

// ExportConfig configures the export handler.
type ExportConfig struct {
	// Queue takes the export; required.
	Queue ExportQueue
	// StatusURL, when set, gives the URL of a page or resource showing the
	// job's progress (e.g. the operations console's job page); a non-empty
	// answer is sent as the Location header of the 202.
	StatusURL func(orderNo string, t ExportTicket) string
	// Logger receives unexpected failures; nil discards.
	Logger *slog.Logger
}

func (c *ExportConfig) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Validate reports the first unusable field.
func (c ExportConfig) Validate() error {
	if c.Queue == nil {
		return &ConfigError{Field: "Queue", Reason: "required"}
	}
	return nil
}

// ExportResponse is the answer (202 Accepted) of
// POST /v1/orders/{orderNo}/export.
type ExportResponse struct {
	// OrderNo is the SFCC order number.
	OrderNo string `json:"order_no"`
	// JobID is the export job's id in the job engine.
	JobID int64 `json:"job_id"`
	// AlreadyQueued is true when an export of the order was already
	// queued or running: nothing new was queued.
	AlreadyQueued bool `json:"already_queued"`
	// State is the job's state in the job engine.
	State string `json:"state"`
}

// NewExportHandler returns the handler of POST /v1/orders/{orderNo}/export:
// it queues an export (or a replay) of the order and answers 202 with the
// job. Mount it with ExportPattern (or another pattern with an {orderNo}
// wildcard). The request body is not read. Errors: 422 (field orderNo)
// for an order number SFCC cannot have, 404 for an order SFCC does not
// have, 409 when the order's state rules an export out, 503 with
// Retry-After when the queue is unavailable, 500 otherwise.
func NewExportHandler(cfg ExportConfig) (http.Handler, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &exportHandler{cfg: cfg}, nil
}

type exportHandler struct{ cfg ExportConfig }

func (h *exportHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		httpapi.WriteError(w, r, h.cfg.Logger, &httpapi.Problem{Type: httpapi.ProblemType + "method_not_allowed",
			Title: http.StatusText(http.StatusMethodNotAllowed), Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Detail: "use POST"})
		return
	}
	orderNo := r.PathValue("orderNo")
	if err := checkOrderNo(orderNo); err != nil {
		httpapi.WriteError(w, r, h.cfg.Logger, err)
		return
	}
	t, err := h.cfg.Queue.EnqueueExport(r.Context(), orderNo)
	if err != nil {
		httpapi.WriteError(w, r, h.cfg.Logger, h.problem(r.Context(), orderNo, err))
		return
	}
	if h.cfg.StatusURL != nil {
		if u := h.cfg.StatusURL(orderNo, t); u != "" {
			w.Header().Set("Location", u)
		}
	}
	httpapi.WriteJSON(w, http.StatusAccepted, ExportResponse{OrderNo: orderNo, JobID: t.JobID, AlreadyQueued: t.Duplicate, State: t.State})
}

// checkOrderNo takes what order.xsd's order-no takes: 1 to 50 characters,
// no surrounding white space; and, since it arrives in a URL and goes
// into logs, only printable characters.
func checkOrderNo(no string) error {
	const field = "orderNo"
	switch {
	case no == "":
		return httpapi.Invalid(field, "", "the order number is empty")
	case !utf8.ValidString(no):
		return httpapi.Invalid(field, "", "the order number is not valid UTF-8")
	case utf8.RuneCountInString(no) > MaxOrderNo:
		return httpapi.Invalid(field, "", fmt.Sprintf("the order number is longer than %d characters", MaxOrderNo))
	case strings.IndexFunc(no, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0:
		return httpapi.Invalid(field, "", "the order number holds a control or non-printable character")
	case strings.TrimSpace(no) != no:
		return httpapi.Invalid(field, "", "the order number starts or ends with white space")
	}
	return nil
}

// problem maps an ExportQueue error. Only the order number, which the
// caller sent, goes into the answer; causes go to the log.
func (h *exportHandler) problem(ctx context.Context, orderNo string, err error) error {
	var ue *UnavailableError
	switch {
	case errors.As(err, &ue):
		h.cfg.Logger.WarnContext(ctx, "erpapi: export queue unavailable", "order_no", orderNo, "err", err)
		return httpapi.Unavailable(orderNo, "the export of order "+orderNo+" cannot be queued now; send the same request again", ue.RetryAfter)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return httpapi.Unavailable(orderNo, "the request ended before the export of order "+orderNo+" was queued; send it again", 0)
	case errors.Is(err, ErrOrderNotFound), errors.Is(err, sfcc.ErrNotFound):
		return httpapi.NotFound(orderNo, "SFCC has no order "+orderNo)
	case errors.Is(err, ErrExportConflict):
		return httpapi.Conflict(orderNo, "order "+orderNo+" cannot be exported in its present state")
	}
	return fmt.Errorf("erpapi: queueing the export of order %s: %w", orderNo, err)
}
