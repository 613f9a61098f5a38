package connector_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/o2ckit/o2c/internal/connector"
	"github.com/o2ckit/o2c/internal/httpapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// Every answer of the export route is what openapi.json documents, with
// the status, code, key and Retry-After a connector branches on.
func TestConnector_ExportAnswersMatchTheOpenAPIDocument(t *testing.T) {
	f := newService(t, nil)
	s, v := f.URL, openAPIValidator(t)
	type want struct {
		code, key, retryAfter string
		alreadyQueued         bool
	}
	seen := map[string]bool{}
	check := func(c call, w want) {
		t.Helper()
		resp, body := run(t, s, v, c)
		seen[strconv.Itoa(resp.StatusCode)] = true
		var got struct {
			Code          string `json:"code"`
			Key           string `json:"key"`
			Field         string `json:"field"`
			OrderNo       string `json:"order_no"`
			AlreadyQueued bool   `json:"already_queued"`
			JobID         int64  `json:"job_id"`
		}
		_ = json.Unmarshal(body, &got)
		if got.Code != w.code || got.Key != w.key || resp.Header.Get("Retry-After") != w.retryAfter {
			t.Errorf("%s: code %q key %q Retry-After %q, want %q %q %q: %s", c.name, got.Code, got.Key,
				resp.Header.Get("Retry-After"), w.code, w.key, w.retryAfter, body)
		}
		if c.status == 202 && (got.OrderNo != "00004711" || got.JobID != 1 || got.AlreadyQueued != w.alreadyQueued) {
			t.Errorf("%s: %s", c.name, body)
		}
		if c.status == 422 && got.Field != "orderNo" {
			t.Errorf("%s: field %q, want orderNo", c.name, got.Field)
		}
	}
	export := func(name, orderNo string, status int) call {
		return call{name: name, method: "POST", path: "/v1/orders/" + orderNo + "/export", auth: true, status: status}
	}
	check(export("export", "00004711", 202), want{})
	check(export("export again", "00004711", 202), want{alreadyQueued: true})
	withBody := export("export with a JSON body", "00004711", 202)
	withBody.ct, withBody.body = "application/json", "{}"
	check(withBody, want{alreadyQueued: true})
	check(export("export unknown order", "00009999", 404), want{code: "not_found", key: "00009999"})
	check(export("export cancelled order", cancelledOrder, 409), want{code: "conflict", key: cancelledOrder})
	check(export("export order number too long", strings.Repeat("1", 51), 422), want{code: "invalid_field"})
	check(export("export order number with a control character", "0000%074711", 422), want{code: "invalid_field"})
	check(call{name: "export without credentials", method: "POST", path: "/v1/orders/00004711/export", status: 401}, want{})
	check(call{name: "export with a wrong key", method: "POST", path: "/v1/orders/00004711/export",
		headers: map[string]string{"X-API-Key": "wrong-key-0123456789abcdef"}, status: 401}, want{})
	check(call{name: "export idempotency key too long", method: "POST", path: "/v1/orders/00004711/export", auth: true,
		headers: map[string]string{"Idempotency-Key": strings.Repeat("k", 256)}, status: 400}, want{code: "invalid_header"})

	// SFCC down (503 on every order read, after the client's own retries):
	// retry later.
	f.SFCC.InjectFault(sfcctest.Fault{Route: "order.get", Status: 503})
	check(export("export while SFCC is down", "00004711", 503), want{code: "unavailable", key: "00004711", retryAfter: "45"})
	f.SFCC.ClearFaults()
	// SFCC refusing the read for good: a failure of o2c's, no detail.
	f.SFCC.InjectFault(sfcctest.Fault{Route: "order.get", Status: 403})
	resp, body := run(t, s, v, export("export refused by SFCC", "00004711", 500))
	seen[strconv.Itoa(resp.StatusCode)] = true
	if strings.Contains(string(body), "403") || strings.Contains(string(body), "00004711") {
		t.Errorf("the 500 tells the cause: %s", body)
	}
	f.SFCC.ClearFaults()

	keyed := func(name, key, body string, status int) call {
		c := export(name, "00004711", status)
		c.ct, c.body, c.headers = "application/json", body, map[string]string{"Idempotency-Key": key}
		return c
	}
	check(keyed("export, body too large to keep for replay", "k-big", strings.Repeat(" ", httpapi.DefaultMaxBody+1), 413), want{code: "too_large"})
	check(keyed("export with a key", "k-1", "{}", 202), want{alreadyQueued: true})
	reused := keyed("export, key reused with another body", "k-1", `{"x":1}`, 422)
	resp, body = run(t, s, v, reused)
	seen[strconv.Itoa(resp.StatusCode)] = true
	if !strings.Contains(string(body), `"field":"Idempotency-Key"`) {
		t.Errorf("key reused: %s", body)
	}
	if n := f.Queue.inserted(); n != 1 {
		t.Errorf("%d export jobs inserted, want 1", n)
	}

	// Every status the document gives the route was answered above.
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(connector.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	for status := range doc.Paths["/v1/orders/{orderNo}/export"]["post"].Responses {
		if !seen[status] {
			t.Errorf("documented status %s of the export route is not exercised", status)
		}
	}
}

// The same Idempotency-Key is one effect and one answer; without it a
// repeat is still one job, answered already_queued.
func TestConnector_ExportRepeatIsOneJob(t *testing.T) {
	f := newService(t, nil)
	send := func(key string) (*http.Response, string) {
		r, _ := http.NewRequest("POST", f.URL.URL+"/v1/orders/00004711/export", nil)
		r.Header.Set("X-API-Key", apiKey)
		if key != "" {
			r.Header.Set("Idempotency-Key", key)
		}
		resp, err := f.URL.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	first, b1 := send("export-00004711-1")
	again, b2 := send("export-00004711-1")
	if first.StatusCode != 202 || again.StatusCode != 202 || b1 != b2 || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay: %d %s / %d %s %v", first.StatusCode, b1, again.StatusCode, b2, again.Header)
	}
	if !strings.Contains(b2, `"already_queued":false`) || !strings.Contains(b2, `"job_id":1`) {
		t.Errorf("the replay is not the first answer: %s", b2)
	}
	plain, b3 := send("")
	if plain.StatusCode != 202 || !strings.Contains(b3, `"already_queued":true`) || !strings.Contains(b3, `"job_id":1`) {
		t.Errorf("repeat without a key: %d %s", plain.StatusCode, b3)
	}
	if n := f.Queue.inserted(); n != 1 {
		t.Errorf("%d export jobs inserted, want 1", n)
	}
}

// /console/ and /metrics are behind the same credentials as /v1, served
// when configured, and an unauthenticated caller cannot tell whether they
// are.
func TestConnector_ConsoleAndMetricsNeedCredentials(t *testing.T) {
	console := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, "<h1>console "+r.URL.Path+"</h1>")
	})
	metrics := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		_, _ = io.WriteString(w, "o2c_orders_exported_total 3\n")
	})
	served := newService(t, func(c *connector.Config) { c.Console, c.Metrics = console, metrics }).URL
	bare := newService(t, func(c *connector.Config) { c.Export = nil }).URL
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(basicUser+":"+basicPassword))
	wrongBasic := "Basic " + base64.StdEncoding.EncodeToString([]byte(basicUser+":not-the-password"))
	type try struct {
		name, method, path string
		hdr                map[string]string
		served, bare       int
		body               string // in the served answer
	}
	for _, c := range []try{
		{"metrics, no credentials", "GET", "/metrics", nil, 401, 401, ""},
		{"metrics, wrong bearer", "GET", "/metrics", map[string]string{"Authorization": "Bearer " + apiKey + "x"}, 401, 401, ""},
		{"metrics, wrong basic", "GET", "/metrics", map[string]string{"Authorization": wrongBasic}, 401, 401, ""},
		{"metrics, bearer key", "GET", "/metrics", map[string]string{"Authorization": "Bearer " + apiKey}, 200, 404, "o2c_orders_exported_total 3"},
		{"metrics, basic", "GET", "/metrics", map[string]string{"Authorization": basic}, 200, 404, "o2c_orders_exported_total"},
		{"console, no credentials", "GET", "/console/", nil, 401, 401, ""},
		{"console page, no credentials", "GET", "/console/exceptions/x", nil, 401, 401, ""},
		{"console action, wrong key", "POST", "/console/exceptions/x/retry", map[string]string{"X-API-Key": "wrong-key-0123456789abcdef"}, 401, 401, ""},
		{"console page, basic", "GET", "/console/exceptions/x", map[string]string{"Authorization": basic}, 200, 404, "console /console/exceptions/x"},
		{"export, no credentials", "POST", "/v1/orders/00004711/export", nil, 401, 401, ""},
		{"export, key", "POST", "/v1/orders/00004711/export", map[string]string{"X-API-Key": apiKey}, 202, 404, `"order_no":"00004711"`},
		{"unknown v1 route, no credentials", "GET", "/v1/nothing", nil, 401, 401, ""},
		{"health stays open", "GET", "/healthz", nil, 200, 200, "ok"},
		{"readiness stays open", "GET", "/readyz", nil, 200, 200, "ready"},
	} {
		for _, srv := range []struct {
			name   string
			url    string
			client *http.Client
			want   int
		}{{"served", served.URL, served.Client(), c.served}, {"bare", bare.URL, bare.Client(), c.bare}} {
			r, _ := http.NewRequest(c.method, srv.url+c.path, nil)
			for k, v := range c.hdr {
				r.Header.Set(k, v)
			}
			resp, err := srv.client.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != srv.want {
				t.Errorf("%s (%s): %d %s, want %d", c.name, srv.name, resp.StatusCode, b, srv.want)
			}
			if srv.want == 401 && resp.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s (%s): 401 without a challenge", c.name, srv.name)
			}
			if srv.want == 404 && resp.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s (%s): 404 is not a problem: %s", c.name, srv.name, b)
			}
			if srv.name == "served" && c.body != "" && !strings.Contains(string(b), c.body) {
				t.Errorf("%s: %s, want %q in it", c.name, b, c.body)
			}
		}
	}
}

// The OpenAPI document is the connector's contract: the console and the
// metrics are not in it, nor in the Postman collection.
func TestOpenAPI_LeavesOutConsoleAndMetrics(t *testing.T) {
	doc := string(connector.OpenAPI())
	pm, err := connector.Postman(connector.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/console", "/metrics"} {
		if strings.Contains(doc, `"`+p) || strings.Contains(string(pm), p) {
			t.Errorf("%s is documented", p)
		}
	}
	if !strings.Contains(doc, `"/v1/orders/{orderNo}/export"`) {
		t.Error("the export route is not documented")
	}
}
