package sfcctest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/o2ckit/o2c/sfcc"
)

// Order search limits, as the Shop API sets them.
const (
	maxSearchCount     = 200
	defaultSearchCount = 25
)

type searchRequest struct {
	Query  *searchQuery `json:"query"`
	Select string       `json:"select,omitempty"`
	Sorts  []searchSort `json:"sorts,omitempty"`
	Start  *int         `json:"start,omitempty"`
	Count  *int         `json:"count,omitempty"`
	Expand []string     `json:"expand,omitempty"`
}

type searchQuery struct {
	Term     *termQuery      `json:"term_query,omitempty"`
	Bool     *boolQuery      `json:"bool_query,omitempty"`
	MatchAll *struct{}       `json:"match_all_query,omitempty"`
	Filtered json.RawMessage `json:"filtered_query,omitempty"`
	Text     json.RawMessage `json:"text_query,omitempty"`
}

type termQuery struct {
	Fields   []string `json:"fields"`
	Operator string   `json:"operator"`
	Values   []string `json:"values"`
}

type boolQuery struct {
	Must    []searchQuery `json:"must,omitempty"`
	MustNot []searchQuery `json:"must_not,omitempty"`
	Should  []searchQuery `json:"should,omitempty"`
}

type searchSort struct {
	Field     string `json:"field"`
	SortOrder string `json:"sort_order,omitempty"`
}

type searchHit struct {
	Type      string          `json:"_type"`
	Data      json.RawMessage `json:"data"`
	Relevance int             `json:"relevance"`
}

type resultPage struct {
	Type  string `json:"_type"`
	Start int    `json:"start"`
	Count int    `json:"count"`
}

type searchResult struct {
	V      string       `json:"_v"`
	Type   string       `json:"_type"`
	Count  int          `json:"count"`
	Start  int          `json:"start"`
	Total  int          `json:"total"`
	Hits   []searchHit  `json:"hits"`
	Next   *resultPage  `json:"next,omitempty"`
	Query  *searchQuery `json:"query,omitempty"`
	Select string       `json:"select,omitempty"`
	Sorts  []searchSort `json:"sorts,omitempty"`
}

// searchFields are the order fields the simulator's term queries match.
var searchFields = map[string]func(o *sfcc.Order) string{
	"export_status":       func(o *sfcc.Order) string { return string(o.Status.Export) },
	"status":              func(o *sfcc.Order) string { return string(o.Status.Order) },
	"shipping_status":     func(o *sfcc.Order) string { return string(o.Status.Shipping) },
	"payment_status":      func(o *sfcc.Order) string { return string(o.Status.Payment) },
	"confirmation_status": func(o *sfcc.Order) string { return string(o.Status.Confirmation) },
	"order_no":            func(o *sfcc.Order) string { return o.OrderNo },
	"customer_email":      func(o *sfcc.Order) string { return o.Customer.Email },
}

// queryError is a query the simulator rejects with 400.
type queryError struct{ msg, property string }

// compile turns a query into a predicate, or reports why it cannot.
func (q *searchQuery) compile() (func(o *sfcc.Order) bool, *queryError) {
	if q == nil {
		return nil, &queryError{"property 'query' is required", "query"}
	}
	switch {
	case q.MatchAll != nil:
		return func(*sfcc.Order) bool { return true }, nil
	case q.Term != nil:
		t := q.Term
		if len(t.Fields) == 0 || len(t.Values) == 0 {
			return nil, &queryError{"term_query needs fields and values", "term_query"}
		}
		for _, f := range t.Fields {
			if searchFields[f] == nil {
				return nil, &queryError{fmt.Sprintf("field '%s' is not searchable", f), "fields"}
			}
		}
		switch t.Operator {
		case "is":
			if len(t.Values) != 1 {
				return nil, &queryError{"operator 'is' takes exactly one value", "values"}
			}
		case "one_of":
		default:
			return nil, &queryError{fmt.Sprintf("operator '%s' is not supported", t.Operator), "operator"}
		}
		fields, values := t.Fields, t.Values
		return func(o *sfcc.Order) bool {
			for _, f := range fields {
				got := searchFields[f](o)
				for _, v := range values {
					// Statuses are upper case in the model and lower case on
					// the wire; emails compare without case too.
					if strings.EqualFold(got, v) && (f != "order_no" || got == v) {
						return true
					}
				}
			}
			return false
		}, nil
	case q.Bool != nil:
		compileAll := func(qs []searchQuery) ([]func(*sfcc.Order) bool, *queryError) {
			var out []func(*sfcc.Order) bool
			for i := range qs {
				p, err := qs[i].compile()
				if err != nil {
					return nil, err
				}
				out = append(out, p)
			}
			return out, nil
		}
		must, err := compileAll(q.Bool.Must)
		if err != nil {
			return nil, err
		}
		mustNot, err := compileAll(q.Bool.MustNot)
		if err != nil {
			return nil, err
		}
		should, err := compileAll(q.Bool.Should)
		if err != nil {
			return nil, err
		}
		return func(o *sfcc.Order) bool {
			for _, p := range must {
				if !p(o) {
					return false
				}
			}
			for _, p := range mustNot {
				if p(o) {
					return false
				}
			}
			if len(should) == 0 {
				return true
			}
			for _, p := range should {
				if p(o) {
					return true
				}
			}
			return false
		}, nil
	}
	return nil, &queryError{"the simulator supports term_query, bool_query and match_all_query", "query"}
}

// handleOrderSearch is the Shop API's POST /order_search.
func (s *Server) handleOrderSearch(w http.ResponseWriter, r *http.Request, _ params) {
	var req searchRequest
	if err := decodeBody(r, &req); err != nil {
		writeFault(w, http.StatusBadRequest, "MalformedDocumentException", "the request body is not a search document: "+err.Error(), nil)
		return
	}
	bad := func(msg, property string) {
		writeFault(w, http.StatusBadRequest, "InvalidDocumentException", msg, map[string]string{"property": property})
	}
	start, count := 0, defaultSearchCount
	if req.Start != nil {
		start = *req.Start
	}
	if req.Count != nil {
		count = *req.Count
	}
	if start < 0 {
		bad(fmt.Sprintf("start %d must not be negative", start), "start")
		return
	}
	if count < 1 || count > maxSearchCount {
		bad(fmt.Sprintf("count %d is not in 1..%d", count, maxSearchCount), "count")
		return
	}
	pred, qerr := req.Query.compile()
	if qerr != nil {
		bad(qerr.msg, qerr.property)
		return
	}
	less, serr := sorter(req.Sorts)
	if serr != nil {
		bad(serr.msg, serr.property)
		return
	}

	s.mu.Lock()
	matched := make([]*sfcc.Order, 0, len(s.orders))
	for no := range s.orders {
		o := s.orders[no]
		if pred(&o) {
			matched = append(matched, &o)
		}
	}
	sort.Slice(matched, func(i, j int) bool { return less(matched[i], matched[j]) })
	// The page is copied under the lock and encoded after it.
	var page []sfcc.Order
	for i := start; i < len(matched) && i < start+count; i++ {
		page = append(page, matched[i].Clone())
	}
	s.mu.Unlock()
	res := searchResult{V: apiVersion, Type: "order_search_result", Start: start, Total: len(matched),
		Hits: []searchHit{}, Query: req.Query, Select: req.Select, Sorts: req.Sorts}
	for _, o := range page {
		b, err := s.encodeOrder(o)
		if err != nil {
			writeFault(w, http.StatusInternalServerError, "InternalServerError", "order "+o.OrderNo+" cannot be encoded",
				map[string]string{"orderNo": o.OrderNo})
			return
		}
		res.Hits = append(res.Hits, searchHit{Type: "order_search_hit", Data: b, Relevance: 1})
	}
	res.Count = len(res.Hits)
	if start+res.Count < res.Total {
		res.Next = &resultPage{Type: "result_page", Start: start + res.Count, Count: count}
	}
	writeJSON(w, http.StatusOK, res)
}

// sorter builds the ordering of the sort clauses, ties broken by order
// number so paging is stable.
func sorter(sorts []searchSort) (func(a, b *sfcc.Order) bool, *queryError) {
	type clause struct {
		field string
		desc  bool
	}
	var cs []clause
	for _, s := range sorts {
		if s.Field != "order_no" && s.Field != "creation_date" {
			return nil, &queryError{fmt.Sprintf("cannot sort by '%s'", s.Field), "sorts"}
		}
		switch strings.ToLower(s.SortOrder) {
		case "", "asc":
			cs = append(cs, clause{field: s.Field})
		case "desc":
			cs = append(cs, clause{field: s.Field, desc: true})
		default:
			return nil, &queryError{fmt.Sprintf("sort order '%s' is not asc or desc", s.SortOrder), "sorts"}
		}
	}
	cs = append(cs, clause{field: "order_no"})
	return func(a, b *sfcc.Order) bool {
		for _, c := range cs {
			var cmp int
			if c.field == "creation_date" {
				cmp = a.OrderDate.Compare(b.OrderDate)
			} else {
				cmp = strings.Compare(a.OrderNo, b.OrderNo)
			}
			if c.desc {
				cmp = -cmp
			}
			if cmp != 0 {
				return cmp < 0
			}
		}
		return false
	}, nil
}
