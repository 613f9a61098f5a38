// Package erpapi serves the ERP side of o2c's connector API over HTTP, for
// a host such as examples/o2cd or a Patchworks custom connector:
//
//	POST /v1/orders/translate
//	POST /v1/orders/{orderNo}/export
//
// The first takes SFCC orders — an Order XML export (application/xml), one
// Shop API order or an array of them (application/json), or SCAPI Admin
// Orders JSON (application/vnd.sfcc.scapi+json) — and answers, per order,
// the ERP sales order and its journal, or the missing mappings and other
// problems that stop it. Translation has no effect anywhere, so a repeat is harmless.
//
// The second queues an export (or a replay) of one order on the host's job
// engine through an ExportQueue and answers 202 with the job; a repeat
// while that job is queued or running queues nothing new.
//
// Errors are problem documents (see internal/httpapi and
// docs/api-errors.md).
package erpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/internal/httpapi"
	"github.com/o2ckit/o2c/mapping"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/orderxml"
)

// Defaults of TranslateConfig.
const (
	// DefaultMaxBody bounds a request body.
	DefaultMaxBody = 32 << 20
	// DefaultMaxOrders bounds the orders of one request.
	DefaultMaxOrders = 1000
)

// Media types the translate endpoint takes.
const (
	MediaOrderXML  = "application/xml"
	MediaShopJSON  = "application/json"
	MediaSCAPIJSON = "application/vnd.sfcc.scapi+json"
)

// TranslateConfig configures the translate handler.
type TranslateConfig struct {
	// Translator turns orders into ERP documents; required.
	Translator *erp.Translator
	// MaxBody bounds the request body; default DefaultMaxBody.
	MaxBody int64
	// MaxOrders bounds the orders per request; default DefaultMaxOrders.
	MaxOrders int
	// Logger receives unexpected failures; nil discards.
	Logger *slog.Logger
}

// ConfigError names a TranslateConfig field that is unusable.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and why it was rejected.
func (e *ConfigError) Error() string { return "erpapi: invalid config: " + e.Field + ": " + e.Reason }

func (c *TranslateConfig) setDefaults() {
	if c.MaxBody == 0 {
		c.MaxBody = DefaultMaxBody
	}
	if c.MaxOrders == 0 {
		c.MaxOrders = DefaultMaxOrders
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Validate reports the first unusable field.
func (c TranslateConfig) Validate() error {
	switch {
	case c.Translator == nil:
		return &ConfigError{Field: "Translator", Reason: "required"}
	case c.MaxBody < 0:
		return &ConfigError{Field: "MaxBody", Reason: "negative"}
	case c.MaxOrders < 0:
		return &ConfigError{Field: "MaxOrders", Reason: "negative"}
	}
	return nil
}

// TranslateResponse is the answer of POST /v1/orders/translate.
type TranslateResponse struct {
	// Orders are the results in the order of the request.
	Orders []OrderResult `json:"orders"`
	// Translated and Failed count them.
	Translated int `json:"translated"`
	Failed     int `json:"failed"`
}

// OrderResult is one order's translation.
type OrderResult struct {
	// OrderNo is the SFCC order number ("" for an order without one).
	OrderNo string `json:"order_no"`
	// OK is true when SalesOrder and Journal are set.
	OK         bool              `json:"ok"`
	SalesOrder *erp.SalesOrder   `json:"sales_order,omitempty"`
	Journal    *erp.JournalEntry `json:"journal,omitempty"`
	// MissingMappings are the table rows the order needs that are not
	// there; each is a mapping-missing exception for finance.
	MissingMappings []MissingMapping `json:"missing_mappings,omitempty"`
	// Problems are the other reasons the order cannot be translated.
	Problems []string `json:"problems,omitempty"`
}

// MissingMapping is a mapping table row an order needs.
type MissingMapping struct {
	Table string `json:"table"`
	Key   string `json:"key"`
}

// NewTranslateHandler returns the handler of POST /v1/orders/translate.
func NewTranslateHandler(cfg TranslateConfig) (http.Handler, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &translateHandler{cfg: cfg}, nil
}

type translateHandler struct{ cfg TranslateConfig }

func (h *translateHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		httpapi.WriteError(w, r, h.cfg.Logger, &httpapi.Problem{Type: httpapi.ProblemType + "method_not_allowed",
			Title: http.StatusText(http.StatusMethodNotAllowed), Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Detail: "use POST"})
		return
	}
	orders, perOrder, err := h.read(w, r)
	if err != nil {
		httpapi.WriteError(w, r, h.cfg.Logger, err)
		return
	}
	resp := TranslateResponse{Orders: make([]OrderResult, 0, len(orders)+len(perOrder))}
	resp.Orders = append(resp.Orders, perOrder...)
	for _, o := range orders {
		resp.Orders = append(resp.Orders, h.translate(o))
	}
	for _, o := range resp.Orders {
		if o.OK {
			resp.Translated++
		} else {
			resp.Failed++
		}
	}
	httpapi.WriteJSON(w, http.StatusOK, resp)
}

// read decodes the body into orders; orders the Order XML reader rejects
// one by one come back as failed results.
func (h *translateHandler) read(w http.ResponseWriter, r *http.Request) ([]sfcc.Order, []OrderResult, error) {
	mt := httpapi.MediaType(r)
	body := http.MaxBytesReader(w, r.Body, h.cfg.MaxBody)
	switch {
	case mt == MediaOrderXML || mt == "text/xml":
		return h.readXML(r, body)
	case mt == MediaShopJSON || mt == MediaSCAPIJSON:
		data, err := io.ReadAll(body)
		if err != nil {
			return nil, nil, tooLarge(err)
		}
		orders, err := h.readJSON(data, mt == MediaSCAPIJSON)
		return orders, nil, err
	}
	return nil, nil, &httpapi.Problem{Type: httpapi.ProblemType + "unsupported_media_type", Title: http.StatusText(http.StatusUnsupportedMediaType),
		Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
		Detail: "send Order XML (" + MediaOrderXML + "), Shop API JSON (" + MediaShopJSON + ") or SCAPI JSON (" + MediaSCAPIJSON + ")"}
}

func tooLarge(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &httpapi.Problem{Type: httpapi.ProblemType + "too_large", Title: http.StatusText(http.StatusRequestEntityTooLarge),
			Status: http.StatusRequestEntityTooLarge, Code: "too_large", Detail: fmt.Sprintf("the body is larger than %d bytes", mbe.Limit)}
	}
	return httpapi.BadRequest("invalid_body", "", "the body could not be read")
}

func (h *translateHandler) readXML(r *http.Request, body io.Reader) ([]sfcc.Order, []OrderResult, error) {
	var orders []sfcc.Order
	var failed []OrderResult
	dec := orderxml.NewDecoder(body, orderxml.SkipInvalid())
	for o, err := range dec.All(r.Context()) {
		if err != nil {
			var de *orderxml.DecodeError
			if orderxml.IsSkippable(err) && errors.As(err, &de) {
				failed = append(failed, OrderResult{OrderNo: de.OrderNo, Problems: []string{err.Error()}})
				continue
			}
			if errors.As(err, new(*http.MaxBytesError)) {
				return nil, nil, tooLarge(err)
			}
			return nil, nil, httpapi.BadRequest("invalid_xml", "", "the Order XML cannot be read: "+err.Error())
		}
		orders = append(orders, o)
		if len(orders)+len(failed) > h.cfg.MaxOrders {
			return nil, nil, tooMany(h.cfg.MaxOrders)
		}
	}
	if len(orders)+len(failed) == 0 {
		return nil, nil, httpapi.Invalid("", "", "the Order XML holds no order")
	}
	return orders, failed, nil
}

func tooMany(n int) error {
	return &httpapi.Problem{Type: httpapi.ProblemType + "too_large", Title: http.StatusText(http.StatusRequestEntityTooLarge),
		Status: http.StatusRequestEntityTooLarge, Code: "too_large", Detail: fmt.Sprintf("more than %d orders in one request", n)}
}

func (h *translateHandler) readJSON(data []byte, scapi bool) ([]sfcc.Order, error) {
	unmarshal := sfcc.UnmarshalShopOrder
	if scapi {
		unmarshal = sfcc.UnmarshalSCAPIOrder
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, httpapi.BadRequest("invalid_json", "", "the body is empty")
	}
	var raws []json.RawMessage
	if trimmed[0] == '[' {
		if err := json.Unmarshal(trimmed, &raws); err != nil {
			return nil, httpapi.BadRequest("invalid_json", "", "the body is not a JSON array of orders")
		}
	} else {
		raws = []json.RawMessage{trimmed}
	}
	if len(raws) > h.cfg.MaxOrders {
		return nil, tooMany(h.cfg.MaxOrders)
	}
	if len(raws) == 0 {
		return nil, httpapi.Invalid("", "", "the array holds no order")
	}
	orders := make([]sfcc.Order, 0, len(raws))
	for i, raw := range raws {
		o, err := unmarshal(raw)
		if err != nil {
			field := ""
			if len(raws) > 1 || trimmed[0] == '[' {
				field = fmt.Sprintf("[%d]", i)
			}
			return nil, httpapi.BadRequest("invalid_json", field, err.Error())
		}
		orders = append(orders, o)
	}
	return orders, nil
}

func (h *translateHandler) translate(o sfcc.Order) OrderResult {
	res := OrderResult{OrderNo: o.OrderNo}
	so, err := h.cfg.Translator.Translate(o)
	if err == nil {
		j, jerr := erp.OrderJournal(so)
		if jerr == nil {
			res.OK, res.SalesOrder, res.Journal = true, &so, &j
			return res
		}
		err = jerr
	}
	for _, m := range mapping.MissingErrors(err) {
		res.MissingMappings = append(res.MissingMappings, MissingMapping{Table: m.Table, Key: m.Key})
	}
	res.Problems = append(res.Problems, problems(err)...)
	return res
}

// problems lists the leaves of err's tree that are not missing mappings.
func problems(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if _, ok := e.(*mapping.MissingError); ok {
			return
		}
		if u, ok := e.(interface{ Unwrap() []error }); ok {
			for _, c := range u.Unwrap() {
				walk(c)
			}
			return
		}
		out = append(out, strings.TrimPrefix(e.Error(), "erp: "))
	}
	walk(err)
	return out
}
