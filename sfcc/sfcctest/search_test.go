package sfcctest_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

type searchPage struct {
	Count int `json:"count"`
	Start int `json:"start"`
	Total int `json:"total"`
	Hits  []struct {
		Data json.RawMessage `json:"data"`
	} `json:"hits"`
	Next *struct {
		Start int `json:"start"`
		Count int `json:"count"`
	} `json:"next"`
}

func search(t *testing.T, srv *sfcctest.Server, auth string, body any) (response, searchPage, []string) {
	t.Helper()
	resp := call(t, srv, http.MethodPost, shopBase+"/order_search", auth, body)
	var page searchPage
	var nos []string
	if resp.Status == http.StatusOK {
		if err := json.Unmarshal(resp.Body, &page); err != nil {
			t.Fatal(err)
		}
		for _, h := range page.Hits {
			o, err := sfcc.UnmarshalShopOrder(h.Data)
			if err != nil {
				t.Fatal(err)
			}
			nos = append(nos, o.OrderNo)
		}
	}
	return resp, page, nos
}

func term(field string, op string, values ...string) map[string]any {
	return map[string]any{"term_query": map[string]any{"fields": []string{field}, "operator": op, "values": values}}
}

func TestOrderSearch_QueriesAndSorts(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, st := range []sfcc.ExportStatus{"READY", "EXPORTED", "READY", "FAILED", "READY"} {
		o := seedOrder(orderNo(i+1), st)
		o.OrderDate = base.Add(time.Duration(10-i) * time.Hour) // later numbers are older
		if i == 2 {
			o.Status.Order = sfcc.OrderStatusCancelled
			o.Customer.Email = "Grace@Example.com"
		}
		srv.AddOrders(o)
	}
	auth := fetchToken(t, srv)
	byNo := []map[string]string{{"field": "order_no", "sort_order": "asc"}}
	tests := []struct {
		name string
		body map[string]any
		want []string
	}{
		{"export status ready", map[string]any{"query": term("export_status", "is", "ready"), "sorts": byNo, "count": 200},
			[]string{"00000001", "00000003", "00000005"}},
		{"one_of", map[string]any{"query": term("export_status", "one_of", "exported", "failed"), "sorts": byNo},
			[]string{"00000002", "00000004"}},
		{"bool must", map[string]any{"query": map[string]any{"bool_query": map[string]any{"must": []any{
			term("export_status", "is", "ready"), term("status", "is", "new")}}}, "sorts": byNo},
			[]string{"00000001", "00000005"}},
		{"customer email ignores case", map[string]any{"query": term("customer_email", "is", "grace@example.com")},
			[]string{"00000003"}},
		{"match all by creation date", map[string]any{"query": map[string]any{"match_all_query": map[string]any{}},
			"sorts": []map[string]string{{"field": "creation_date", "sort_order": "asc"}}},
			[]string{"00000005", "00000004", "00000003", "00000002", "00000001"}},
		{"order number descending", map[string]any{"query": term("export_status", "is", "ready"),
			"sorts": []map[string]string{{"field": "order_no", "sort_order": "desc"}}},
			[]string{"00000005", "00000003", "00000001"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, page, nos := search(t, srv, auth, tt.body)
			if resp.Status != http.StatusOK {
				t.Fatalf("status %d: %s", resp.Status, resp.Body)
			}
			if diff := cmp.Diff(tt.want, nos); diff != "" {
				t.Errorf("hits (-want +got):\n%s", diff)
			}
			if page.Total != len(tt.want) || page.Count != len(tt.want) || page.Next != nil {
				t.Errorf("count %d total %d next %v", page.Count, page.Total, page.Next)
			}
		})
	}
}

func TestOrderSearch_PagesThroughAThousandOrdersEachOnce(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	var seed []sfcc.Order
	for i := 1000; i >= 1; i-- { // seeded out of order on purpose
		seed = append(seed, seedOrder(orderNo(i), sfcc.ExportStatusReady))
	}
	seed = append(seed, seedOrder("x-exported", sfcc.ExportStatusExported))
	srv.AddOrders(seed...)
	auth := fetchToken(t, srv)

	seen := map[string]int{}
	var order []string
	start, pages := 0, 0
	for {
		resp, page, nos := search(t, srv, auth, map[string]any{"query": term("export_status", "is", "ready"),
			"sorts": []map[string]string{{"field": "order_no", "sort_order": "asc"}}, "start": start, "count": 200})
		if resp.Status != http.StatusOK {
			t.Fatalf("page at %d: status %d", start, resp.Status)
		}
		pages++
		if page.Total != 1000 || page.Start != start {
			t.Fatalf("page at %d: start %d total %d", start, page.Start, page.Total)
		}
		for _, no := range nos {
			seen[no]++
			order = append(order, no)
		}
		if page.Next == nil {
			break
		}
		start = page.Next.Start
	}
	if pages != 5 || len(seen) != 1000 {
		t.Fatalf("%d pages, %d distinct orders; want 5 and 1000", pages, len(seen))
	}
	for no, n := range seen {
		if n != 1 {
			t.Errorf("order %s seen %d times", no, n)
		}
	}
	for i := 1; i < len(order); i++ {
		if order[i-1] >= order[i] {
			t.Fatalf("not sorted at %d: %s then %s", i, order[i-1], order[i])
		}
	}
}

func TestOrderSearch_RejectsBadRequests(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	auth := fetchToken(t, srv)
	ready := term("export_status", "is", "ready")
	tests := []struct {
		name  string
		body  any
		fault string
	}{
		{"count over 200", map[string]any{"query": ready, "count": 201}, "InvalidDocumentException"},
		{"count zero", map[string]any{"query": ready, "count": 0}, "InvalidDocumentException"},
		{"negative start", map[string]any{"query": ready, "start": -1}, "InvalidDocumentException"},
		{"no query", map[string]any{"count": 10}, "InvalidDocumentException"},
		{"unsupported field", map[string]any{"query": term("total", "is", "1")}, "InvalidDocumentException"},
		{"unsupported operator", map[string]any{"query": term("status", "greater", "new")}, "InvalidDocumentException"},
		{"is with two values", map[string]any{"query": term("status", "is", "new", "open")}, "InvalidDocumentException"},
		{"unsupported sort", map[string]any{"query": ready, "sorts": []map[string]string{{"field": "order_total"}}}, "InvalidDocumentException"},
		{"not JSON", "query=all", "MalformedDocumentException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _, _ := search(t, srv, auth, tt.body)
			if typ, _ := resp.fault(); resp.Status != http.StatusBadRequest || typ != tt.fault {
				t.Errorf("got %d %s, want 400 %s", resp.Status, typ, tt.fault)
			}
		})
	}
}

func TestOrderSearch_DefaultCountIs25(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	for i := 1; i <= 30; i++ {
		srv.AddOrders(seedOrder(orderNo(i), sfcc.ExportStatusReady))
	}
	_, page, _ := search(t, srv, fetchToken(t, srv), map[string]any{"query": map[string]any{"match_all_query": map[string]any{}}})
	if page.Count != 25 || page.Total != 30 || page.Next == nil || page.Next.Start != 25 {
		t.Errorf("count %d total %d next %+v", page.Count, page.Total, page.Next)
	}
}
