package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/o2ckit/o2c/internal/webhook"
)

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// binaries builds examples/world and examples/o2cd once per test run and
// returns their paths.
func binaries(t testing.TB) (world, o2cd string) {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "o2cd-bin-")
		if buildErr != nil {
			return
		}
		for _, b := range []struct{ name, pkg string }{{"world", "../world"}, {"o2cd", "."}} {
			args := []string{"build", "-o", filepath.Join(binDir, b.name)}
			if raceEnabled {
				args = append(args, "-race")
			}
			if out, err := exec.Command("go", append(args, b.pkg)...).CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("go build %s: %v\n%s", b.pkg, err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(binDir, "world"), filepath.Join(binDir, "o2cd")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// logLines reads JSON log lines from r and sends each decoded line.
func logLines(r io.Reader, keep io.Writer) <-chan map[string]any {
	ch := make(chan map[string]any, 1024)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if keep != nil {
				fmt.Fprintln(keep, sc.Text())
			}
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				ch <- m
			}
		}
	}()
	return ch
}

// worldProc is a running examples/world.
type worldProc struct {
	addr string
	env  []string
}

// startWorld runs the world binary on a free port and returns its address
// and the environment `world -env` prints for it.
func startWorld(t testing.TB, args ...string) worldProc {
	t.Helper()
	bin, _ := binaries(t)
	cmd := exec.Command(bin, append([]string{"-listen", "127.0.0.1:0"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	lines := logLines(stderr, nil)
	var addr string
	timeout := time.After(30 * time.Second)
	for addr == "" {
		select {
		case m, ok := <-lines:
			if !ok {
				t.Fatal("world ended before listening")
			}
			if m["msg"] == "world listening" {
				addr, _ = m["addr"].(string)
			}
		case <-timeout:
			t.Fatal("world did not listen within 30s")
		}
	}
	go func() {
		for range lines {
		}
	}()
	out, err := exec.Command(bin, append([]string{"-env", "-listen", addr}, args...)...).Output()
	if err != nil {
		t.Fatalf("world -env: %v", err)
	}
	return worldProc{addr: addr, env: parseExports(t, string(out))}
}

// parseExports turns `export K='V'` lines into K=V.
func parseExports(t testing.TB, s string) []string {
	t.Helper()
	var env []string
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		kv, ok := strings.CutPrefix(line, "export ")
		k, v, ok2 := strings.Cut(kv, "=")
		if !ok || !ok2 || len(v) < 2 || v[0] != '\'' || v[len(v)-1] != '\'' {
			t.Fatalf("world -env printed %q", line)
		}
		env = append(env, k+"="+strings.ReplaceAll(v[1:len(v)-1], `'\''`, "'"))
	}
	return env
}

// worldSummary is the part of the world's GET /summary the tests compare.
type worldSummary struct {
	Orders               int `json:"orders"`
	OrdersReady          int `json:"orders_ready"`
	OrdersExported       int `json:"orders_exported"`
	OrdersFailed         int `json:"orders_failed"`
	ERPOrders            int `json:"erp_orders"`
	ERPCustomers         int `json:"erp_customers"`
	ERPJournals          int `json:"erp_journals"`
	PackagesShipped      int `json:"packages_shipped"`
	ShipmentsApplied     int `json:"shipments_applied"`
	OrdersShipped        int `json:"orders_shipped"`
	NotificationsSent    int `json:"notifications_sent"`
	Duplicates           int `json:"duplicates"`
	PendingConfirmations int `json:"pending_confirmations"`
	PendingLevels        int `json:"pending_levels"`
	StockLevels          int `json:"stock_levels"`
	InventoryRecords     int `json:"inventory_records"`
	PaymentsSettled      int `json:"payments_settled"`
	Totals               []struct {
		Currency  string `json:"currency"`
		SFCCTotal string `json:"sfcc_total"`
		ERPTotal  string `json:"erp_total"`
		Equal     bool   `json:"equal"`
	} `json:"totals"`
	Faults struct {
		SFCC       int `json:"sfcc"`
		ERPOutages int `json:"erp_outages"`
		ERPLost    int `json:"erp_lost_answers"`
		WMSOutages int `json:"wms_outages"`
	} `json:"faults"`
}

func (w worldProc) summary(t testing.TB) worldSummary {
	t.Helper()
	resp, err := http.Get("http://" + w.addr + "/summary")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /summary: %s", resp.Status)
	}
	var s worldSummary
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// fastFlags are schedules for a test day: every periodic job runs often,
// retries come quickly, and a dead worker's jobs and claims are taken over
// within seconds.
var fastFlags = []string{
	"-export-every", "200ms", "-pull-every", "200ms", "-flush-every", "200ms", "-monitor-every", "300ms", "-settle-every", "300ms",
	"-poll", "100ms", "-retry-base", "200ms", "-idle-quiet", "2s", "-snooze", "100ms", "-claim-ttl", "3s", "-customer-claim-ttl", "10s",
	"-job-timeout", "8s", "-rescue-after", "9s", "-shutdown", "5s",
}

// o2cdProc is a running o2cd.
type o2cdProc struct {
	cmd    *exec.Cmd
	stdout bytes.Buffer
	log    *syncBuffer
	// applied receives a value per "shipment applied" line; addr the
	// HTTP address of the "o2cd listening" line.
	applied chan struct{}
	addr    chan string
	// exported receives the order number of each "order exported" line.
	exported chan string
	done     chan error
}

// startO2cd runs the o2cd binary against w with the database dsn.
func startO2cd(t testing.TB, w worldProc, dsn string, args ...string) *o2cdProc {
	t.Helper()
	_, bin := binaries(t)
	all := append([]string{"-db", dsn}, fastFlags...)
	p := &o2cdProc{cmd: exec.Command(bin, append(all, args...)...), log: &syncBuffer{}, applied: make(chan struct{}, 100000), addr: make(chan string, 1), exported: make(chan string, 100000), done: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), w.env...)
	p.cmd.Stdout = &p.stdout
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := logLines(stderr, p.log)
	read := make(chan struct{})
	go func() {
		defer close(read)
		for m := range lines {
			if m["msg"] == "o2cd listening" {
				a, _ := m["addr"].(string)
				p.addr <- a
			}
			if m["msg"] == "order exported" {
				no, _ := m["order_no"].(string)
				select {
				case p.exported <- no:
				default:
				}
			}
			if m["msg"] == "shipment applied" {
				select {
				case p.applied <- struct{}{}:
				default:
				}
			}
		}
	}()
	go func() {
		// The log is read to its end before Wait, as exec asks.
		<-read
		p.done <- p.cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		p.done <- <-p.done
	})
	return p
}

// wait waits for the process to exit and fails t if it did not exit 0
// within limit.
func (p *o2cdProc) wait(t testing.TB, limit time.Duration) {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err
		if err != nil {
			t.Fatalf("o2cd: %v\n%s", err, tail(p.log.String(), 4000))
		}
	case <-time.After(limit):
		t.Fatalf("o2cd did not finish within %s; last idle check: %s\n%s", limit, lastLine(p.log.String(), `"msg":"not idle"`), tail(p.log.String(), 4000))
	}
}

// lastLine returns the last line of log holding sub.
func lastLine(log, sub string) string {
	lines := strings.Split(log, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], sub) {
			return lines[i]
		}
	}
	return "(none)"
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// settle asks the world's payment provider to write its settlement reports
// and returns how many payments they settle.
func (w worldProc) settle(t testing.TB) int {
	t.Helper()
	resp, err := http.Post("http://"+w.addr+"/psp/settle", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res struct {
		Files    []string `json:"files"`
		Payments int      `json:"payments"`
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /psp/settle: %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatal(err)
	}
	return res.Payments
}

// hookReceiver is a webhook endpoint that verifies each delivery's
// signature and counts the events by type and id.
type hookReceiver struct {
	url, secret string
	mu          sync.Mutex
	ids         map[string]map[string]bool
	invalid     int
	all         strings.Builder
}

func newHookReceiver(t testing.TB, secret string) *hookReceiver {
	h := &hookReceiver{secret: secret, ids: map[string]map[string]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			rw.WriteHeader(http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if err := webhook.Verify(h.secret, r.Header, body, time.Now()); err != nil {
			h.invalid++
			rw.WriteHeader(http.StatusUnauthorized)
			return
		}
		var ev struct {
			Type string `json:"type"`
		}
		_ = json.Unmarshal(body, &ev)
		if h.ids[ev.Type] == nil {
			h.ids[ev.Type] = map[string]bool{}
		}
		h.ids[ev.Type][r.Header.Get("webhook-id")] = true
		h.all.Write(body)
		rw.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	h.url = srv.URL + "/hooks"
	return h
}

func (h *hookReceiver) distinct(typ string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.ids[typ])
}

func (h *hookReceiver) bad() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.invalid
}

func (h *hookReceiver) bodies() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.all.String()
}

// baseURL waits for the "o2cd listening" line and returns the HTTP base
// URL; t fails after 60 s without one.
func (p *o2cdProc) baseURL(t testing.TB) string {
	t.Helper()
	select {
	case a := <-p.addr:
		return "http://" + a
	case <-time.After(60 * time.Second):
		t.Fatalf("o2cd did not listen\n%s", tail(p.log.String(), 3000))
	}
	return ""
}
