package main

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// apiCall is one request against o2cd's HTTP surface.
func apiCall(t *testing.T, method, url string, hdr map[string]string, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The connector API, the console and the probes of a running o2cd, against
// the world: credentials are required except on the probes, an export asked
// for twice is one job, an unknown order is a 404 naming it.
func TestO2cd_ServesTheConnectorAPIAndTheConsole(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the world and o2cd")
	}
	const key = "o2cd-test-api-key-0123456789"
	t.Setenv("O2C_API_KEYS", key)
	t.Setenv("O2C_BASIC_USERS", "alice:correct-horse-battery")
	w := startWorld(t, "-n", "10", "-ship-every", "100ms")
	p := startO2cd(t, w, "sqlite:"+filepath.Join(t.TempDir(), "o2c.db"), "-listen", "127.0.0.1:0")
	base := p.baseURL(t)
	var orderNo string
	select {
	case orderNo = <-p.exported:
	case <-time.After(60 * time.Second):
		t.Fatalf("no order exported\n%s", tail(p.log.String(), 3000))
	}
	bearer := map[string]string{"Authorization": "Bearer " + key}

	if code, _ := apiCall(t, "GET", base+"/healthz", nil, ""); code != http.StatusOK {
		t.Errorf("/healthz without credentials: %d", code)
	}
	if code, _ := apiCall(t, "GET", base+"/readyz", nil, ""); code != http.StatusOK {
		t.Errorf("/readyz: %d", code)
	}
	for _, hdr := range []map[string]string{nil, {"Authorization": "Bearer wrong-key-0123456789"}, {"X-API-Key": "nope"}} {
		if code, body := apiCall(t, "GET", base+"/v1/exceptions", hdr, ""); code != http.StatusUnauthorized || strings.Contains(body, key) {
			t.Errorf("/v1/exceptions with %v: %d %s", hdr, code, body)
		}
	}
	if code, body := apiCall(t, "GET", base+"/v1/exceptions?state=open", bearer, ""); code != http.StatusOK {
		t.Errorf("/v1/exceptions: %d %s", code, body)
	}

	// An export asked for twice is one job while it is queued; an
	// exported order replays without a second ERP document.
	var first, again struct {
		OrderNo       string `json:"order_no"`
		JobID         int64  `json:"job_id"`
		AlreadyQueued bool   `json:"already_queued"`
	}
	code, body := apiCall(t, "POST", base+"/v1/orders/"+orderNo+"/export", map[string]string{"X-API-Key": key, "Idempotency-Key": "replay-1"}, "")
	if code != http.StatusAccepted || json.Unmarshal([]byte(body), &first) != nil || first.OrderNo != orderNo || first.JobID == 0 {
		t.Fatalf("export %s: %d %s", orderNo, code, body)
	}
	code, body = apiCall(t, "POST", base+"/v1/orders/"+orderNo+"/export", map[string]string{"X-API-Key": key, "Idempotency-Key": "replay-1"}, "")
	if code != http.StatusAccepted || json.Unmarshal([]byte(body), &again) != nil || again.JobID != first.JobID {
		t.Errorf("the same Idempotency-Key again: %d %s; want the first answer (job %d)", code, body, first.JobID)
	}
	code, body = apiCall(t, "POST", base+"/v1/orders/NO-SUCH-ORDER/export", bearer, "")
	if code != http.StatusNotFound || !strings.Contains(body, "NO-SUCH-ORDER") {
		t.Errorf("export of an unknown order: %d %s", code, body)
	}

	// The console, for a person with Basic credentials.
	code, body = apiCall(t, "GET", base+"/console/", map[string]string{"Authorization": basic("alice", "correct-horse-battery")}, "")
	if code != http.StatusOK || !strings.Contains(body, "export") {
		t.Errorf("/console/: %d %s", code, tail(body, 500))
	}
	if code, _ := apiCall(t, "GET", base+"/console/", nil, ""); code != http.StatusUnauthorized {
		t.Errorf("/console/ without credentials: %d", code)
	}
	if code, body := apiCall(t, "GET", base+"/openapi.json", nil, ""); code != http.StatusOK || !strings.Contains(body, "/v1/orders/{orderNo}/export") {
		t.Errorf("/openapi.json: %d", code)
	}

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	p.wait(t, 30*time.Second)
	if strings.Contains(p.log.String(), key) || strings.Contains(p.log.String(), "correct-horse") {
		t.Error("the log holds a credential")
	}
	// Stopped mid-day: an order may be in the ERP and not yet EXPORTED in
	// SFCC (a restart finishes it), but nothing is there twice.
	if s := w.summary(t); s.Duplicates != 0 {
		t.Errorf("after the replay: %d duplicates", s.Duplicates)
	}
}

func basic(user, pass string) string {
	req, _ := http.NewRequest("GET", "/", nil)
	req.SetBasicAuth(user, pass)
	return req.Header.Get("Authorization")
}

// scrapeSum adds up the samples of metric in a Prometheus text scrape whose
// labels hold every one of want (`name="value"` pairs).
func scrapeSum(scrape, metric string, want ...string) float64 {
	var sum float64
	for _, line := range strings.Split(scrape, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		name, rest, _ := strings.Cut(line, " ")
		labels := ""
		if i := strings.IndexByte(name, '{'); i >= 0 {
			name, labels = name[:i], name[i:]
			j := strings.LastIndexByte(line, '}')
			rest = strings.TrimSpace(line[j+1:])
		}
		if name != metric {
			continue
		}
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(labels, w)
		}
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.Fields(rest)[0], 64)
		if err == nil {
			sum += v
		}
	}
	return sum
}

// After a day, /metrics holds the figures the day's -json summary prints.
func TestO2cd_MetricsAfterADayMatchTheSummary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the world and o2cd")
	}
	const key = "o2cd-metrics-test-key-0123456789"
	t.Setenv("O2C_API_KEYS", key)
	w := startWorld(t, "-n", "20", "-ship-every", "100ms")
	p := startO2cd(t, w, "sqlite:"+filepath.Join(t.TempDir(), "o2c.db"), "-listen", "127.0.0.1:0", "-json")
	base := p.baseURL(t)
	// The day is done when every order left READY and every package
	// shipped is applied in SFCC, with the WMS feeds empty.
	deadline := time.Now().Add(90 * time.Second)
	for {
		s := w.summary(t)
		if s.OrdersReady == 0 && s.PackagesShipped > 0 && s.ShipmentsApplied == s.PackagesShipped &&
			s.NotificationsSent == s.PackagesShipped && s.OrdersShipped == s.OrdersExported && s.PendingConfirmations == 0 && s.PendingLevels == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the day did not finish: %+v", s)
		}
		select {
		case <-p.done:
			t.Fatal("o2cd ended")
		case <-time.After(200 * time.Millisecond):
		}
	}
	// A gauge whose database query outlasts the scrape's callback timeout
	// is left out of that scrape (on SQLite every query waits for the one
	// connection River also uses, and a loaded machine can take seconds):
	// scrape until the gauges are there, a few times at most.
	gauges := []string{"o2c_jobs", "o2c_flow_last_success_age_seconds", "o2c_export_oldest_ready_age_seconds"}
	var scrape string
	for attempt := 1; ; attempt++ {
		var code int
		code, scrape = apiCall(t, "GET", base+"/metrics", map[string]string{"Authorization": "Bearer " + key}, "")
		if code != http.StatusOK {
			t.Fatalf("/metrics: %d %s", code, scrape)
		}
		missing := slices.ContainsFunc(gauges, func(m string) bool { return !strings.Contains(scrape, m) })
		if !missing || attempt == 5 {
			break
		}
		select {
		case <-p.done:
			t.Fatal("o2cd ended")
		case <-time.After(time.Second):
		}
	}
	if code, _ := apiCall(t, "GET", base+"/metrics", nil, ""); code != http.StatusUnauthorized {
		t.Errorf("/metrics without credentials: %d", code)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	p.wait(t, 30*time.Second)
	var sum summary
	if err := json.Unmarshal(p.stdout.Bytes(), &sum); err != nil {
		t.Fatalf("-json printed %q: %v", p.stdout.String(), err)
	}
	for _, c := range []struct {
		name string
		got  float64
		want int
	}{
		{"orders exported", scrapeSum(scrape, "o2c_export_orders_total", `outcome="exported"`), sum.OrdersExported},
		{"orders failed", scrapeSum(scrape, "o2c_export_orders_total", `outcome="failed"`), sum.OrdersFailed},
		{"shipments applied", scrapeSum(scrape, "o2c_shipments_total", `outcome="applied"`), sum.ShipmentsApplied},
		{"notifications sent", scrapeSum(scrape, "o2c_notifications_total"), sum.NotificationsSent},
		{"exceptions open", scrapeSum(scrape, "o2c_exceptions_open"), len(sum.Exceptions)},
	} {
		if c.got != float64(c.want) {
			t.Errorf("%s: /metrics says %v, -json says %d", c.name, c.got, c.want)
		}
	}
	if sum.OrdersExported == 0 || sum.NotificationsSent == 0 {
		t.Errorf("an empty day: %+v", sum)
	}
	// The SKUs pushed: every one in the summary was pushed at least once.
	if got := scrapeSum(scrape, "o2c_inventory_pushes_total", `result="pushed"`); got < float64(sum.InventorySKUsPushed) || got == 0 {
		t.Errorf("inventory: %v pushes in /metrics for %d SKUs pushed", got, sum.InventorySKUsPushed)
	}
	// SFCC requests by route and status; the queue and the flows are there.
	if scrapeSum(scrape, "o2c_sfcc_requests_total", `http_response_status_code="200"`) == 0 {
		t.Error("no SFCC request counted")
	}
	for _, m := range gauges {
		if !strings.Contains(scrape, m) {
			t.Errorf("/metrics lacks %s after 5 scrapes", m)
		}
	}
}
