package sfcctest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/o2ckit/o2c/sfcc"
)

// maxBody caps request bodies the simulator reads.
const maxBody = 8 << 20

// AddOrders seeds orders, replacing any with the same order number. The
// server keeps deep copies: changing an order after AddOrders does not
// change the server's state.
func (s *Server) AddOrders(orders ...sfcc.Order) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range orders {
		s.orders[o.OrderNo] = cloneOrder(o)
	}
}

// Order returns a deep copy of the order's current state.
func (s *Server) Order(orderNo string) (sfcc.Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[orderNo]
	if !ok {
		return sfcc.Order{}, false
	}
	return cloneOrder(o), true
}

// Orders returns deep copies of every order, sorted by order number.
func (s *Server) Orders() []sfcc.Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]sfcc.Order, 0, len(s.orders))
	for _, o := range s.orders {
		out = append(out, cloneOrder(o))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OrderNo < out[j].OrderNo })
	return out
}

func orderNotFound(w http.ResponseWriter, no string) {
	writeFault(w, http.StatusNotFound, "OrderNotFoundException", fmt.Sprintf("No order with number '%s' was found.", no),
		map[string]string{"orderNo": no})
}

// handleOrderGet is the Shop API's GET /orders/{no}.
func (s *Server) handleOrderGet(w http.ResponseWriter, _ *http.Request, p params) {
	o, ok := s.snapshotOrder(p.orderNo)
	if !ok {
		orderNotFound(w, p.orderNo)
		return
	}
	body, err := s.encodeOrder(o)
	if err != nil {
		writeFault(w, http.StatusInternalServerError, "InternalServerError", "order "+p.orderNo+" cannot be encoded", map[string]string{"orderNo": p.orderNo})
		return
	}
	writeRaw(w, http.StatusOK, body)
}

// snapshotOrder copies an order out of the state under the lock, deep, so
// that it can be encoded after the lock is released while other requests
// change the stored order: encoding under the lock serialised every
// request behind it.
func (s *Server) snapshotOrder(no string) (sfcc.Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[no]
	if !ok {
		return sfcc.Order{}, false
	}
	return o.Clone(), true
}

// encodeOrder writes an order as Shop JSON. It must be called without the
// lock held, on a snapshot.
func (s *Server) encodeOrder(o sfcc.Order) ([]byte, error) {
	if s.beforeEncode != nil {
		s.beforeEncode()
	}
	return sfcc.MarshalShopOrder(o)
}

// statusValues are the values each status route accepts, lower case as on the
// wire, mapped to the model's upper-case value.
var statusValues = map[string]map[string]string{
	"status": {"created": "CREATED", "new": "NEW", "open": "OPEN", "completed": "COMPLETED",
		"cancelled": "CANCELLED", "failed": "FAILED", "failed_with_reopen": "FAILED"},
	"export_status":       {"not_exported": "NOT_EXPORTED", "exported": "EXPORTED", "ready": "READY", "failed": "FAILED"},
	"shipping_status":     {"not_shipped": "NOT_SHIPPED", "part_shipped": "PART_SHIPPED", "shipped": "SHIPPED"},
	"payment_status":      {"not_paid": "NOT_PAID", "part_paid": "PART_PAID", "paid": "PAID"},
	"confirmation_status": {"not_confirmed": "NOT_CONFIRMED", "confirmed": "CONFIRMED"},
}

// TransitionAllowed reports whether SFCC lets a status of the given kind
// (the route name: status, shipping_status, ...) change from one model value
// to another: a CANCELLED or FAILED order cannot become NEW, OPEN or
// COMPLETED; a COMPLETED order cannot be cancelled; a SHIPPED order cannot
// go back to NOT_SHIPPED. Setting the current value again is always allowed.
func TransitionAllowed(kind, from, to string) bool {
	if from == to {
		return true
	}
	switch kind {
	case "status":
		switch sfcc.OrderStatus(from) {
		case sfcc.OrderStatusCancelled, sfcc.OrderStatusFailed:
			return to != string(sfcc.OrderStatusNew) && to != string(sfcc.OrderStatusOpen) && to != string(sfcc.OrderStatusCompleted)
		case sfcc.OrderStatusCompleted:
			return to != string(sfcc.OrderStatusCancelled)
		}
	case "shipping_status":
		return !(from == string(sfcc.ShippingStatusShipped) && to == string(sfcc.ShippingStatusNotShipped))
	}
	return true
}

// handleOrderStatus is the Data API's PUT /sites/{site}/orders/{no}/{kind}
// with body {"status":"..."}: 204 on success, 404 for an unknown order, 400
// for an unknown value, 409 OrderStatusTransitionException for a change SFCC
// forbids.
func (s *Server) handleOrderStatus(w http.ResponseWriter, r *http.Request, p params) {
	var body struct {
		Status *string `json:"status"`
	}
	if err := decodeBody(r, &body); err != nil {
		writeFault(w, http.StatusBadRequest, "MalformedDocumentException", "the request body is not a status document: "+err.Error(), nil)
		return
	}
	if body.Status == nil {
		writeFault(w, http.StatusBadRequest, "InvalidDocumentException", "property 'status' is required", map[string]string{"property": "status"})
		return
	}
	value := *body.Status
	var model string
	if p.kind == "external_status" {
		if value == "" || len(value) > 256 {
			writeFault(w, http.StatusBadRequest, "InvalidDocumentException", "external status must be 1 to 256 characters", map[string]string{"property": "status"})
			return
		}
		model = value
	} else {
		v, ok := statusValues[p.kind][value]
		if !ok {
			writeFault(w, http.StatusBadRequest, "InvalidDocumentException",
				fmt.Sprintf("'%s' is not a valid value of %s", value, p.kind), map[string]string{"property": "status", "value": value})
			return
		}
		model = v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[p.orderNo]
	if !ok {
		orderNotFound(w, p.orderNo)
		return
	}
	field := statusField(&o, p.kind)
	if !TransitionAllowed(p.kind, *field, model) {
		writeFault(w, http.StatusConflict, "OrderStatusTransitionException",
			fmt.Sprintf("order %s: %s cannot change from %s to %s", p.orderNo, p.kind, *field, model),
			map[string]string{"orderNo": p.orderNo, "from": strings.ToLower(*field), "to": value})
		return
	}
	*field = model
	o.LastModified = s.now().UTC()
	s.orders[p.orderNo] = o
	w.WriteHeader(http.StatusNoContent)
}

// statusField points at the order's field a status route sets, as a string.
func statusField(o *sfcc.Order, kind string) *string {
	switch kind {
	case "status":
		return (*string)(&o.Status.Order)
	case "export_status":
		return (*string)(&o.Status.Export)
	case "shipping_status":
		return (*string)(&o.Status.Shipping)
	case "payment_status":
		return (*string)(&o.Status.Payment)
	case "confirmation_status":
		return (*string)(&o.Status.Confirmation)
	default:
		return &o.ExternalOrderStatus
	}
}

// handleOrderPatch is the Data API's PATCH /sites/{site}/orders/{no}: only c_
// fields; strings, numbers, booleans and arrays of them are stored as
// custom attributes (numbers and booleans as their JSON text, arrays as
// multi-value attributes); null removes the attribute. The whole document is
// checked before anything changes. Answers 204 with no body, as the Data
// API v25.6 does (patchSitesByIDOrdersByID; SCAPI's updateOrder too): a
// caller that needs the order afterwards reads it or, better, knows what it
// wrote.
func (s *Server) handleOrderPatch(w http.ResponseWriter, r *http.Request, p params) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		writeFault(w, http.StatusBadRequest, "MalformedDocumentException", "the request body cannot be read", nil)
		return
	}
	attrs, removes, fault := parseCustomPatch(raw)
	if fault != nil {
		writeFault(w, http.StatusBadRequest, fault.Type, fault.Message, fault.Arguments)
		return
	}
	s.mu.Lock()
	o, ok := s.orders[p.orderNo]
	if !ok {
		s.mu.Unlock()
		orderNotFound(w, p.orderNo)
		return
	}
	o.Custom = applyCustom(o.Custom, attrs, removes)
	o.LastModified = s.now().UTC()
	s.orders[p.orderNo] = o
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// parseCustomPatch reads a PATCH document of c_ fields, in document order.
func parseCustomPatch(raw []byte) (sfcc.CustomAttributes, []string, *faultBody) {
	malformed := &faultBody{Type: "MalformedDocumentException", Message: "the request body is not a JSON object"}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, malformed
	}
	var attrs sfcc.CustomAttributes
	var removes []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, malformed
		}
		key, _ := tok.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, nil, malformed
		}
		if key == "_v" || key == "_type" || key == "_resource_state" {
			continue
		}
		id, ok := strings.CutPrefix(key, "c_")
		if !ok || id == "" {
			return nil, nil, &faultBody{Type: "InvalidDocumentException",
				Message: fmt.Sprintf("property '%s' cannot be changed: only custom attributes (c_) can", key), Arguments: map[string]string{"property": key}}
		}
		if v == nil {
			removes = append(removes, id)
			continue
		}
		a := sfcc.CustomAttribute{ID: id}
		if list, isList := v.([]any); isList {
			a.Multi, a.Values = true, make([]string, 0, len(list))
			for _, item := range list {
				text, ok := scalarText(item)
				if !ok {
					return nil, nil, invalidValue(key)
				}
				a.Values = append(a.Values, text)
			}
		} else {
			text, ok := scalarText(v)
			if !ok {
				return nil, nil, invalidValue(key)
			}
			a.Values = []string{text}
		}
		attrs = append(attrs, a)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, malformed
	}
	return attrs, removes, nil
}

func invalidValue(key string) *faultBody {
	return &faultBody{Type: "InvalidDocumentException", Message: fmt.Sprintf("property '%s' must be a string, number, boolean or an array of them", key),
		Arguments: map[string]string{"property": key}}
}

func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		if x {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

// applyCustom sets attrs (replacing unlocalised attributes with the same id
// in place) and removes the ids in removes, on a copy of cs.
func applyCustom(cs sfcc.CustomAttributes, attrs sfcc.CustomAttributes, removes []string) sfcc.CustomAttributes {
	out := append(sfcc.CustomAttributes(nil), cs...)
	for _, a := range attrs {
		replaced := false
		for i := range out {
			if out[i].ID == a.ID && out[i].Lang == "" {
				out[i], replaced = a, true
				break
			}
		}
		if !replaced {
			out = append(out, a)
		}
	}
	for _, id := range removes {
		kept := out[:0]
		for _, a := range out {
			if a.ID != id {
				kept = append(kept, a)
			}
		}
		out = kept
	}
	return out
}

// decodeBody reads a JSON request body (capped) into v.
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	dec.UseNumber()
	return dec.Decode(v)
}
