package sfcctest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

// Inventory lists: a list exists once it has been seeded (PutInventory,
// AddInventoryList) or once a PUT has created a record in it. GET, PATCH,
// DELETE and listing on an unknown list answer 404 InventoryListNotFoundException.

// PutInventory seeds records into a list (creating the list), replacing
// records with the same product id. Records are stored as given, except that
// ProductID is required and InventoryListID is set to list.
func (s *Server) PutInventory(list string, recs ...sfcc.InventoryRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.list(list, true)
	for _, r := range recs {
		r.InventoryListID = list
		l[r.ProductID] = r
	}
}

// AddInventoryList creates an empty inventory list (no-op if it exists).
func (s *Server) AddInventoryList(list string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.list(list, true)
}

// Inventory returns the record of sku in list.
func (s *Server) Inventory(list, sku string) (sfcc.InventoryRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.inventory[list][sku]
	return r, ok
}

// InventoryRecords returns the records of list sorted by product id.
func (s *Server) InventoryRecords(list string) []sfcc.InventoryRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedRecords(s.inventory[list])
}

func sortedRecords(l map[string]sfcc.InventoryRecord) []sfcc.InventoryRecord {
	out := make([]sfcc.InventoryRecord, 0, len(l))
	for _, r := range l {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ProductID < out[j].ProductID })
	return out
}

// list returns the records of a list, creating it when create is set; nil
// when it does not exist. Callers hold s.mu.
func (s *Server) list(name string, create bool) map[string]sfcc.InventoryRecord {
	l, ok := s.inventory[name]
	if !ok && create {
		l = map[string]sfcc.InventoryRecord{}
		s.inventory[name] = l
	}
	return l
}

func listNotFound(w http.ResponseWriter, list string) {
	writeFault(w, http.StatusNotFound, "InventoryListNotFoundException", fmt.Sprintf("No inventory list with ID '%s' was found.", list),
		map[string]string{"inventoryListId": list})
}

func recordNotFound(w http.ResponseWriter, list, sku string) {
	writeFault(w, http.StatusNotFound, "ProductInventoryRecordNotFoundException",
		fmt.Sprintf("No inventory record for product '%s' in list '%s' was found.", sku, list),
		map[string]string{"productId": sku, "inventoryListId": list})
}

func (s *Server) handleInventoryGet(w http.ResponseWriter, _ *http.Request, p params) {
	s.mu.Lock()
	l := s.list(p.list, false)
	rec, ok := l[p.sku]
	s.mu.Unlock()
	switch {
	case l == nil:
		listNotFound(w, p.list)
	case !ok:
		recordNotFound(w, p.list, p.sku)
	default:
		writeJSON(w, http.StatusOK, rec)
	}
}

func (s *Server) handleInventoryDelete(w http.ResponseWriter, _ *http.Request, p params) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.list(p.list, false)
	if l == nil {
		listNotFound(w, p.list)
		return
	}
	if _, ok := l[p.sku]; !ok {
		recordNotFound(w, p.list, p.sku)
		return
	}
	delete(l, p.sku)
	w.WriteHeader(http.StatusNoContent)
}

// inventoryFields are the writable fields of a record document; the
// computed ones are accepted and ignored.
var inventoryFields = map[string]bool{
	"allocation": true, "perpetual_flag": true, "pre_order_back_order_handling": true,
	"pre_order_back_order_allocation": true, "in_stock_date": true,
	"product_id": false, "inventory_list_id": false, "ats": false, "stock_level": false,
	"inventory_turnover": false, "turnover": false, "quantity_on_order": false, "on_order": false,
	"creation_date": false, "last_modified": false,
}

// readRecord reads a record document and which writable fields it has.
func readRecord(r *http.Request, p params) (sfcc.InventoryRecord, map[string]json.RawMessage, *faultBody) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	var fields map[string]json.RawMessage
	if err == nil {
		err = json.Unmarshal(raw, &fields)
	}
	if err != nil || fields == nil {
		return sfcc.InventoryRecord{}, nil, &faultBody{Type: "MalformedDocumentException", Message: "the request body is not a JSON object"}
	}
	for k := range fields {
		if _, known := inventoryFields[k]; !known && !strings.HasPrefix(k, "_") && !strings.HasPrefix(k, "c_") {
			return sfcc.InventoryRecord{}, nil, &faultBody{Type: "InvalidDocumentException",
				Message: fmt.Sprintf("property '%s' is not a property of product_inventory_record", k), Arguments: map[string]string{"property": k, "productId": p.sku}}
		}
	}
	var rec sfcc.InventoryRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return sfcc.InventoryRecord{}, nil, &faultBody{Type: "InvalidDocumentException", Message: err.Error(), Arguments: map[string]string{"productId": p.sku}}
	}
	if id := rec.ProductID; id != "" && id != p.sku {
		return sfcc.InventoryRecord{}, nil, &faultBody{Type: "InvalidDocumentException",
			Message: fmt.Sprintf("product_id '%s' does not match the path's '%s'", id, p.sku), Arguments: map[string]string{"productId": p.sku}}
	}
	if h := rec.PreOrderBackOrderHandling; h != "" && h != sfcc.HandlingNone && h != sfcc.HandlingPreorder && h != sfcc.HandlingBackorder {
		return sfcc.InventoryRecord{}, nil, &faultBody{Type: "InvalidDocumentException",
			Message: fmt.Sprintf("'%s' is not a pre_order_back_order_handling value", h), Arguments: map[string]string{"property": "pre_order_back_order_handling", "productId": p.sku}}
	}
	for name, d := range map[string]decimal.Decimal{"allocation": rec.Allocation, "pre_order_back_order_allocation": rec.PreOrderBackOrderAllocation} {
		if d.IsNeg() {
			return sfcc.InventoryRecord{}, nil, &faultBody{Type: "InvalidDocumentException",
				Message: fmt.Sprintf("%s %s must not be negative", name, d), Arguments: map[string]string{"property": name, "productId": p.sku}}
		}
	}
	return rec, fields, nil
}

// recompute sets the computed fields as SFCC does: ATS is the allocation
// plus the pre-order/back-order allocation minus the turnover; the stock
// level is the allocation minus the turnover.
func recompute(rec *sfcc.InventoryRecord) {
	if ats, err := rec.Allocation.Add(rec.PreOrderBackOrderAllocation); err == nil {
		if ats, err = ats.Sub(rec.Turnover); err == nil {
			rec.ATS = ats
		}
	}
	if lvl, err := rec.Allocation.Sub(rec.Turnover); err == nil {
		rec.StockLevel = lvl
	}
}

// handleInventoryPut creates (201) or replaces (200) a record; the list is
// created if needed. An allocation without a reset date is stamped now.
func (s *Server) handleInventoryPut(w http.ResponseWriter, r *http.Request, p params) {
	rec, fields, fault := readRecord(r, p)
	if fault != nil {
		writeFault(w, http.StatusBadRequest, fault.Type, fault.Message, fault.Arguments)
		return
	}
	s.mu.Lock()
	l := s.list(p.list, true)
	old, existed := l[p.sku]
	rec.ProductID, rec.InventoryListID = p.sku, p.list
	rec.Turnover, rec.OnOrder = old.Turnover, old.OnOrder
	if _, ok := fields["allocation"]; ok && rec.AllocationResetDate.IsZero() {
		rec.AllocationResetDate = s.now().UTC().Truncate(time.Millisecond)
	}
	recompute(&rec)
	l[p.sku] = rec
	s.mu.Unlock()
	status := http.StatusOK
	if !existed {
		status = http.StatusCreated
	}
	writeJSON(w, status, rec)
}

// handleInventoryPatch changes the fields the document has on an existing record.
func (s *Server) handleInventoryPatch(w http.ResponseWriter, r *http.Request, p params) {
	upd, fields, fault := readRecord(r, p)
	if fault != nil {
		writeFault(w, http.StatusBadRequest, fault.Type, fault.Message, fault.Arguments)
		return
	}
	s.mu.Lock()
	l := s.list(p.list, false)
	if l == nil {
		s.mu.Unlock()
		listNotFound(w, p.list)
		return
	}
	rec, ok := l[p.sku]
	if !ok {
		s.mu.Unlock()
		recordNotFound(w, p.list, p.sku)
		return
	}
	if _, ok := fields["allocation"]; ok {
		rec.Allocation = upd.Allocation
		rec.AllocationResetDate = upd.AllocationResetDate
		if rec.AllocationResetDate.IsZero() {
			rec.AllocationResetDate = s.now().UTC().Truncate(time.Millisecond)
		}
	}
	if _, ok := fields["perpetual_flag"]; ok {
		rec.Perpetual = upd.Perpetual
	}
	if _, ok := fields["pre_order_back_order_handling"]; ok {
		rec.PreOrderBackOrderHandling = upd.PreOrderBackOrderHandling
	}
	if _, ok := fields["pre_order_back_order_allocation"]; ok {
		rec.PreOrderBackOrderAllocation = upd.PreOrderBackOrderAllocation
	}
	if _, ok := fields["in_stock_date"]; ok {
		rec.InStockDate = upd.InStockDate
	}
	recompute(&rec)
	l[p.sku] = rec
	s.mu.Unlock() // rec is a value: encode it outside the lock
	writeJSON(w, http.StatusOK, rec)
}

type recordList struct {
	V     string                 `json:"_v"`
	Type  string                 `json:"_type"`
	Count int                    `json:"count"`
	Start int                    `json:"start"`
	Total int                    `json:"total"`
	Data  []sfcc.InventoryRecord `json:"data"`
	Next  string                 `json:"next,omitempty"`
}

// handleInventoryList pages through a list's records by product id
// (start, count ≤ 200, default 25).
func (s *Server) handleInventoryList(w http.ResponseWriter, r *http.Request, p params) {
	q := r.URL.Query()
	start, count := 0, defaultSearchCount
	for name, dst := range map[string]*int{"start": &start, "count": &count} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				writeFault(w, http.StatusBadRequest, "InvalidParameterException", fmt.Sprintf("%s '%s' is not a number", name, v), map[string]string{"parameter": name})
				return
			}
			*dst = n
		}
	}
	if start < 0 || count < 1 || count > maxSearchCount {
		writeFault(w, http.StatusBadRequest, "InvalidParameterException",
			fmt.Sprintf("start %d must be ≥ 0 and count %d in 1..%d", start, count, maxSearchCount), map[string]string{"parameter": "count"})
		return
	}
	s.mu.Lock()
	l := s.list(p.list, false)
	all := sortedRecords(l)
	s.mu.Unlock()
	if l == nil {
		listNotFound(w, p.list)
		return
	}
	res := recordList{V: apiVersion, Type: "product_inventory_records", Start: start, Total: len(all), Data: []sfcc.InventoryRecord{}}
	if start < len(all) {
		res.Data = all[start:min(len(all), start+count)]
	}
	res.Count = len(res.Data)
	if start+res.Count < res.Total {
		next := *r.URL
		nq := next.Query()
		nq.Set("start", strconv.Itoa(start+res.Count))
		nq.Set("count", strconv.Itoa(count))
		next.RawQuery = nq.Encode()
		res.Next = (&url.URL{Path: next.Path, RawQuery: next.RawQuery}).String()
	}
	writeJSON(w, http.StatusOK, res)
}
