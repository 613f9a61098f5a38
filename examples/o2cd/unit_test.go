package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/o2ckit/o2c/internal/httpapi"
	"github.com/o2ckit/o2c/internal/webhook"
	"github.com/o2ckit/o2c/reconcile"
)

func TestBackoff_DoublesUpToTheCap(t *testing.T) {
	base := 10 * time.Second
	var got []time.Duration
	for attempt := 1; attempt <= 5; attempt++ {
		got = append(got, backoff(base, 6, attempt))
	}
	want := []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, 60 * time.Second, 60 * time.Second}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("backoff (-want +got):\n%s", diff)
	}
}

func TestPolicies_EveryKindHasARowAndAnException(t *testing.T) {
	for _, k := range append(append([]string{}, periodicKinds...), workKinds...) {
		p, ok := policies[k]
		if !ok || p.attempts < 2 || p.capMul < 1 || p.exception == "" {
			t.Errorf("%s: policy %+v", k, p)
		}
	}
}

func TestBusinessKey_NamesTheOrderAndEvent(t *testing.T) {
	for _, tc := range []struct{ args, kind, want string }{
		{`{"order_no":"UK1"}`, kindExportOrder, "UK1"},
		{`{"order_no":"UK1","event_id":"E2","confirmation":{}}`, kindApplyShipment, "UK1/E2"},
		{`{}`, kindFlushStock, kindFlushStock},
	} {
		if got := businessKey(&rivertype.JobRow{Kind: tc.kind, EncodedArgs: []byte(tc.args)}); got != tc.want {
			t.Errorf("businessKey(%s) = %q, want %q", tc.args, got, tc.want)
		}
	}
}

func TestParseLists(t *testing.T) {
	got, err := parseLists("LEEDS-DC=inventory_uk, RENO-DC=inventory_us")
	if err != nil || got["LEEDS-DC"] != "inventory_uk" || got["RENO-DC"] != "inventory_us" {
		t.Errorf("parseLists = %v, %v", got, err)
	}
	if _, err := parseLists("LEEDS-DC"); err == nil || !strings.Contains(err.Error(), "LEEDS-DC") {
		t.Errorf("parseLists(LEEDS-DC) = %v, want an error naming it", err)
	}
}

func TestRun_BadArguments(t *testing.T) {
	env := func(k string) string {
		return map[string]string{"O2C_ERP_URL": "http://127.0.0.1:1/erp", "O2C_WMS_URL": "http://127.0.0.1:1/wms"}[k]
	}
	for _, args := range [][]string{
		{"extra"},
		{"-workers", "0"},
		{"-export-every", "0s"},
		{"-job-timeout", "1m", "-rescue-after", "30s"},
		{"-inventory-lists", "nonsense"},
		{"-job-timeout", "1m", "-customer-claim-ttl", "30s"},
		{"-erp-url", ""},
	} {
		var stderr bytes.Buffer
		if code := run(t.Context(), args, env, io.Discard, &stderr); code != 2 {
			t.Errorf("run(%q) = %d, want 2 (%s)", args, code, stderr.String())
		}
	}
}

func TestRun_WithoutSFCCHostFailsToStartNamingTheVariable(t *testing.T) {
	env := func(k string) string {
		return map[string]string{"O2C_ERP_URL": "http://127.0.0.1:1/erp", "O2C_WMS_URL": "http://127.0.0.1:1/wms"}[k]
	}
	var stderr bytes.Buffer
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "o2c.db")
	if code := run(t.Context(), []string{"-db", dsn}, env, io.Discard, &stderr); code != 1 || !strings.Contains(stderr.String(), "SFCC_HOST") {
		t.Errorf("run = %d, %s; want 1 naming SFCC_HOST", code, stderr.String())
	}
}

func TestLogger_RedactsEmails(t *testing.T) {
	var buf bytes.Buffer
	log := newLogger(&buf, slog.LevelInfo)
	log.Info("customer jane.doe@example.com resolved", slog.String("email", "jane.doe@example.com"),
		slog.Any("err", errors.New("lookup of Jane.Doe@Example.com failed")))
	out := buf.String()
	if strings.Contains(strings.ToLower(out), "jane.doe@") {
		t.Errorf("email in the log: %s", out)
	}
	if !strings.Contains(out, "j***@example.com") || !strings.Contains(out, "J***@Example.com") {
		t.Errorf("redacted emails missing: %s", out)
	}
}

// newTestService opens a service on a fresh SQLite database with River's
// tables, with no systems connected: for the parts that only need the
// database.
func newTestService(t *testing.T, cfg config) *service {
	t.Helper()
	ctx := t.Context()
	log := slog.New(slog.DiscardHandler)
	db, driver, err := openDB(ctx, "sqlite:"+filepath.Join(t.TempDir(), "o2c.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st, err := openStores(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	c, err := newInsertClient(driver, log)
	if err != nil {
		t.Fatal(err)
	}
	return &service{cfg: cfg, log: log, db: db, stores: st, river: c, owner: "test"}
}

func TestIdle_TheRule(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t, config{IdleQuiet: time.Second})
	t0 := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	check := func(now time.Time, want bool, wantReason string) {
		t.Helper()
		rep, err := s.idle(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Idle != want || !strings.Contains(rep.Reason, wantReason) {
			t.Errorf("idle = %+v, want %v %q", rep, want, wantReason)
		}
	}
	// Nothing ran yet: not idle, whatever the time.
	check(t0, false, "find_ready has not run empty")

	if err := s.stores.activity.found(ctx, workRow, t0); err != nil {
		t.Fatal(err)
	}
	for _, k := range periodicKinds {
		if err := s.stores.activity.empty(ctx, k, t0.Add(100*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
	check(t0.Add(500*time.Millisecond), false, "quiet period")
	check(t0.Add(time.Second), true, "")

	// A queued export is work to do.
	res, err := s.river.Insert(ctx, exportOrderArgs{OrderNo: "UK1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	check(t0.Add(time.Minute), false, "work jobs to do")
	if _, err := s.river.JobDelete(ctx, res.Job.ID); err != nil {
		t.Fatal(err)
	}
	check(t0.Add(time.Minute), true, "")

	// New work found by one periodic job: every other one must run empty
	// after it.
	if err := s.stores.activity.found(ctx, kindPullShipments, t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	check(t0.Add(time.Minute), false, "has not run empty since the last work")
	for _, k := range periodicKinds {
		if err := s.stores.activity.empty(ctx, k, t0.Add(2*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	check(t0.Add(time.Minute), true, "")
	// A run in progress may find work.
	run := t0.Add(3 * time.Second)
	if err := s.stores.activity.started(ctx, kindFlushStock, run); err != nil {
		t.Fatal(err)
	}
	check(t0.Add(time.Minute), false, "flush_stock is running")
	if err := s.stores.activity.empty(ctx, kindFlushStock, run); err != nil {
		t.Fatal(err)
	}
	check(t0.Add(time.Minute), true, "")
	// An older empty run never moves the record back.
	if err := s.stores.activity.empty(ctx, kindMonitor, t0); err != nil {
		t.Fatal(err)
	}
	check(t0.Add(time.Minute), true, "")
}

func TestErrorHandler_LastAttemptIsAnExceptionWithAnOwner(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t, config{})
	h := errorHandler{s: s}
	job := &rivertype.JobRow{Kind: kindExportOrder, EncodedArgs: []byte(`{"order_no":"UK00000007"}`), Attempt: 3, MaxAttempts: 12}
	h.HandleError(ctx, job, errors.New("erp unavailable"))
	if ex, err := s.openExceptions(ctx); err != nil || len(ex) != 0 {
		t.Fatalf("after attempt 3 of 12: exceptions %v, %v; want none", ex, err)
	}
	job.Attempt = 12
	h.HandleError(ctx, job, errors.New("erp unavailable for jane@example.com"))
	ex, err := s.openExceptions(ctx)
	if err != nil || len(ex) != 1 {
		t.Fatalf("exceptions %v, %v; want one", ex, err)
	}
	e := ex[0]
	if e.Kind != reconcile.KindSystemUnavailable || e.Key != "UK00000007" || e.Owner != reconcile.OwnerOperations ||
		!strings.Contains(e.Detail, "12 attempts") || strings.Contains(e.Detail, "jane@") {
		t.Errorf("exception %+v", e)
	}
	// The order went through later: its exception is resolved, by o2cd.
	if err := s.settleExceptions(ctx, e.Key, "the order was exported", orderKinds...); err != nil {
		t.Fatal(err)
	}
	if ex, err := s.openExceptions(ctx); err != nil || len(ex) != 0 {
		t.Errorf("after the export: open %v, %v", ex, err)
	}
	rec, err := s.stores.exceptions.Get(ctx, e.ID())
	if err != nil || rec.ResolvedBy != resolvedBySystem || rec.Note != "the order was exported" {
		t.Errorf("resolved record %+v, %v", rec, err)
	}
}

func TestSQLIdempotency_OneAnswerPerKeyAcrossWorkersUntilItExpires(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t, config{})
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	a := &sqlIdempotency{db: s.db, ttl: time.Hour, now: func() time.Time { return now }}
	// A second worker on the same database sees what the first stored.
	b := &sqlIdempotency{db: s.db, ttl: time.Hour, now: func() time.Time { return now }}
	if saved, err := a.Begin(ctx, "k1"); saved != nil || err != nil {
		t.Fatalf("first Begin = %v, %v; want the claim", saved, err)
	}
	if _, err := b.Begin(ctx, "k1"); !errors.Is(err, httpapi.ErrInProgress) {
		t.Fatalf("Begin while in progress = %v, want ErrInProgress", err)
	}
	want := httpapi.Saved{Status: 202, ContentType: "application/json", Body: []byte(`{"job_id":7}`), Fingerprint: [32]byte{1, 2, 3}}
	if err := a.Finish(ctx, "k1", want); err != nil {
		t.Fatal(err)
	}
	got, err := b.Begin(ctx, "k1")
	if err != nil || got == nil || got.Status != want.Status || string(got.Body) != string(want.Body) || got.Fingerprint != want.Fingerprint || got.ContentType != want.ContentType {
		t.Fatalf("Begin after Finish = %+v, %v; want %+v", got, err, want)
	}
	// Abandon releases a claim but never drops an answer.
	if saved, err := a.Begin(ctx, "k2"); saved != nil || err != nil {
		t.Fatal(saved, err)
	}
	if err := a.Abandon(ctx, "k2"); err != nil {
		t.Fatal(err)
	}
	if saved, err := b.Begin(ctx, "k2"); saved != nil || err != nil {
		t.Fatalf("Begin after Abandon = %v, %v; want a new claim", saved, err)
	}
	if err := a.Abandon(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Begin(ctx, "k1"); got == nil {
		t.Fatal("Abandon dropped a stored answer")
	}
	// After the TTL the key is free again, and purge drops it.
	now = now.Add(2 * time.Hour)
	if saved, err := b.Begin(ctx, "k1"); saved != nil || err != nil {
		t.Fatalf("Begin after expiry = %v, %v; want a new claim", saved, err)
	}
	now = now.Add(2 * time.Hour)
	if err := a.purge(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM o2cd_idempotency`).Scan(&n); err != nil || n != 0 {
		t.Errorf("after purge: %d rows, %v", n, err)
	}
}

// Exceptions raised by the flows, and resolved by o2cd or by a person
// through the API or the console, are announced once each: one
// deliver_event job per event and endpoint, which delivers it signed.
func TestEvents_ExceptionsRaisedAndResolvedAreAnnounced(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t, config{})
	hooks := newHookReceiver(t, "plain-text-secret-for-the-test")
	ev, err := newEvents([]string{hooks.url}, hooks.secret, s.log, func(ctx context.Context, p []river.InsertManyParams) error {
		_, err := s.river.InsertMany(ctx, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s.events = ev
	x := reconcile.Exception{Kind: reconcile.KindERPRejected, Key: "UK00000009", Detail: "totals differ for jane@example.com"}
	if err := s.raise(ctx, x); err != nil {
		t.Fatal(err)
	}
	// Seen again: not a new event.
	if err := s.raise(ctx, x); err != nil {
		t.Fatal(err)
	}
	store := announcingExceptions{s.stores.exceptions, s}
	if err := store.Resolve(ctx, x.ID(), "basic:alice", "entered by hand", time.Now()); err != nil {
		t.Fatal(err)
	}
	y := reconcile.Exception{Kind: reconcile.KindSystemUnavailable, Key: "UK00000010", Detail: "erp down"}
	if err := s.raise(ctx, y); err != nil {
		t.Fatal(err)
	}
	if err := s.settleExceptions(ctx, y.Key, "the order was exported", orderKinds...); err != nil {
		t.Fatal(err)
	}
	// Work the queued jobs as a worker would.
	w := &deliverEventWorker{policy: policy[deliverEventArgs]{s: s}, client: http.DefaultClient}
	rows, err := s.db.Query(ctx, `SELECT json(args) FROM river_job WHERE kind = ?` /* SQLite keeps JSONB */, kindDeliverEvent)
	if err != nil {
		t.Fatal(err)
	}
	var jobs []deliverEventArgs
	for rows.Next() {
		var raw []byte
		var a deliverEventArgs
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			t.Fatalf("args %q: %v", raw, err)
		}
		jobs = append(jobs, a)
	}
	rows.Close()
	if len(jobs) != 4 {
		t.Fatalf("%d deliver_event jobs, want 4 (two raised, two resolved)", len(jobs))
	}
	for _, a := range jobs {
		if strings.Contains(string(a.Data), hooks.url) || a.Endpoint == hooks.url {
			t.Error("a job holds the endpoint's URL")
		}
		if err := w.Work(ctx, &river.Job[deliverEventArgs]{Args: a}); err != nil {
			t.Fatalf("deliver %s: %v", a.EventID, err)
		}
	}
	if got := hooks.distinct("exception.raised"); got != 2 {
		t.Errorf("%d exception.raised events, want 2 (a repeat sighting is none)", got)
	}
	if got := hooks.distinct("exception.resolved"); got != 2 {
		t.Errorf("%d exception.resolved events, want 2 (by a person, by o2cd)", got)
	}
	if hooks.bad() != 0 {
		t.Errorf("%d unsigned or badly signed deliveries", hooks.bad())
	}
	if strings.Contains(hooks.bodies(), "jane@example.com") {
		t.Error("an event carries the customer's email")
	}

	// A receiver that refuses for good: the job is cancelled and the
	// refusal is an exception for operations, keyed by the host.
	refusing := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) { rw.WriteHeader(http.StatusGone) }))
	defer refusing.Close()
	s.events.endpoints = append(s.events.endpoints, webhook.Endpoint{URL: refusing.URL + "/trigger?token=abc"})
	a := jobs[0]
	a.Endpoint, a.EndpointHost = endpointID(refusing.URL+"/trigger?token=abc"), endpointHost(refusing.URL)
	if err := w.Work(ctx, &river.Job[deliverEventArgs]{Args: a}); err == nil || !strings.Contains(err.Error(), "410") {
		t.Errorf("a refused delivery: %v, want the job cancelled with the refusal", err)
	}
	open, _ := s.openExceptions(ctx)
	if len(open) != 1 || open[0].Key != "webhook:"+endpointHost(refusing.URL) || strings.Contains(open[0].Detail, "token=abc") {
		t.Errorf("open exceptions %+v, want one for the refusing host, without its token", open)
	}
}

func TestAuthConfig_ReadsTheCredentialsAndNeverQuotesThem(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cfg, err := authConfig(env(map[string]string{
		"O2C_API_KEYS": "key-one-0123456789, key-two-0123456789", "O2C_BASIC_USERS": "alice:s3cret-pass,bob:other:colon",
		"O2C_OAUTH_CLIENTS": "patchworks:client-secret-xyz",
	}), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.APIKeys) != 2 || cfg.BasicUsers["alice"] != "s3cret-pass" || cfg.BasicUsers["bob"] != "other:colon" ||
		len(cfg.Clients) != 1 || cfg.Clients[0].ID != "patchworks" || cfg.Clients[0].Secret != "client-secret-xyz" {
		t.Errorf("config %+v", cfg)
	}
	if _, err := authConfig(env(nil), "", nil); err == nil {
		t.Error("no credentials at all: want an error (o2cd must not listen open)")
	}
	_, err = authConfig(env(map[string]string{"O2C_BASIC_USERS": "alice-without-a-password-s3cret"}), "", nil)
	if err == nil || !strings.Contains(err.Error(), "O2C_BASIC_USERS") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("a malformed entry: %v; want an error naming the variable, not the value", err)
	}
}
