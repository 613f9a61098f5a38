// Command o2cd is the long-running o2c service: the order-to-cash flows as
// River jobs on one database (a SQLite file on one machine, PostgreSQL for
// several), against SFCC, an ERP and a WMS over HTTP.
//
//	eval "$(go run ./examples/world -env)"; go run ./examples/world &
//	go run ./examples/o2cd                              # SQLite file o2c.db
//	go run ./examples/o2cd -db postgres://... -workers 8   # one of many workers
//	go run ./examples/o2cd -until-idle -json             # a day, then the figures
//	go run ./examples/o2cd -retry-export 00001234        # ask for a replay, exit
//	O2C_API_KEYS=... go run ./examples/o2cd -listen :8080  # with the API, console, metrics
//
// The jobs (see jobs.go for their retries and uniqueness): find_ready
// queues export_order per READY order; export_order runs erp.Exporter;
// pull_shipments moves WMS confirmations into apply_shipment jobs, which run
// wms.Sequencer; flush_stock pushes WMS stock levels with wms.Pusher;
// monitor raises shipped-but-not-in-SFCC orders as exceptions;
// retry_export replays one order on request; with -settlements,
// find_settlements queues reconcile_settlement per provider file, which
// settles the exported orders' payments (settle.go).
//
// With -listen ADDR it serves the connector API (/v1/..., /openapi.json,
// /postman.json), the operations console (/console/) and Prometheus metrics
// (/metrics) behind O2C_API_KEYS, O2C_BASIC_USERS or O2C_OAUTH_CLIENTS
// (http.go); -webhooks sends the flows' events (events.go); -settlements
// DIR reconciles the providers' settlement files dropped there.
//
// SFCC is named by SFCC_HOST, SFCC_SITE, SFCC_CLIENT_ID,
// SFCC_CLIENT_SECRET (and optional SFCC_TOKEN_URL, SFCC_API_VERSION); the
// ERP and WMS by -erp-url and -wms-url (default O2C_ERP_URL and
// O2C_WMS_URL). Logs are JSON lines on stderr with emails redacted.
// SIGINT or SIGTERM stops gracefully: running jobs get -shutdown to finish,
// then are cancelled and retried by whichever worker runs next.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/internal/apiauth"
	"github.com/o2ckit/o2c/internal/termsafe"
	"github.com/o2ckit/o2c/reconcile"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Flag defaults.
const (
	defaultDB       = "o2c.db"
	defaultShutdown = 30 * time.Second
)

// run parses args and runs the service until ctx ends (or, with
// -until-idle, until every due job is done). It returns the exit code: 0
// after a clean stop, 1 when the service could not run, 2 on bad arguments.
func run(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("o2cd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := config{Env: env}
	fs.StringVar(&cfg.DB, "db", defaultDB, "`DSN` of the database: a SQLite file path (sqlite:PATH) or a postgres:// URL")
	fs.StringVar(&cfg.ERPURL, "erp-url", env("O2C_ERP_URL"), "base `URL` of the ERP API (default $O2C_ERP_URL)")
	fs.StringVar(&cfg.WMSURL, "wms-url", env("O2C_WMS_URL"), "base `URL` of the WMS API (default $O2C_WMS_URL)")
	fs.StringVar(&cfg.TablesDir, "tables", "", "`DIR` of mapping tables (CSV or JSON); default the tables shipped with o2cd")
	fs.DurationVar(&cfg.ExportEvery, "export-every", time.Minute, "how often find_ready searches SFCC for READY orders")
	fs.DurationVar(&cfg.PullEvery, "pull-every", 10*time.Second, "how often pull_shipments fetches WMS confirmations")
	fs.DurationVar(&cfg.FlushEvery, "flush-every", 30*time.Second, "how often flush_stock pushes WMS stock levels")
	fs.DurationVar(&cfg.MonitorEvery, "monitor-every", 5*time.Minute, "how often monitor looks for shipped orders SFCC does not show shipped")
	fs.DurationVar(&cfg.MonitorAfter, "monitor-after", 4*time.Hour, "how long SFCC may lag a WMS shipment before it is an exception")
	fs.IntVar(&cfg.Workers, "workers", 8, "jobs this process works at once")
	fs.IntVar(&cfg.Batch, "batch", 200, "orders, confirmations or levels handled per batch")
	fs.DurationVar(&cfg.RetryBase, "retry-base", 10*time.Second, "first retry delay of a failed job; doubles per attempt (see jobs.go)")
	fs.DurationVar(&cfg.JobTimeout, "job-timeout", 2*time.Minute, "how long one job may run")
	fs.DurationVar(&cfg.RescueAfter, "rescue-after", 10*time.Minute, "when a job left running by a dead worker is retried (more than -job-timeout)")
	fs.DurationVar(&cfg.Poll, "poll", 500*time.Millisecond, "how often a worker asks the database for jobs")
	fs.DurationVar(&cfg.Snooze, "snooze", 250*time.Millisecond, "how long apply_shipment waits when another worker holds its order")
	fs.DurationVar(&cfg.ClaimTTL, "claim-ttl", 30*time.Second, "how long a dead worker's order claim blocks the order")
	fs.DurationVar(&cfg.CustomerClaimTTL, "customer-claim-ttl", dedupe.DefaultClaimTTL, "how long a dead worker's claim on a customer email blocks that email (must outlast one customer lookup and create)")
	fs.IntVar(&cfg.SFCCRate, "sfcc-rps", 0, "SFCC requests per second of this process at most; 0 is unlimited")
	fs.StringVar(&cfg.InventoryList, "inventory-list", "inventory_uk", "SFCC inventory `LIST` for locations -inventory-lists does not name")
	lists := fs.String("inventory-lists", "LEEDS-DC=inventory_uk,RENO-DC=inventory_us", "WMS location to SFCC inventory list, `LOC=LIST,...`")
	fs.StringVar(&cfg.SettlementsDir, "settlements", env("O2C_SETTLEMENTS_DIR"), "`DIR` with one folder per payment provider (adyen, stripe, paypal) of settlement files to reconcile (default $O2C_SETTLEMENTS_DIR; empty: no settlement jobs)")
	fs.DurationVar(&cfg.SettleEvery, "settle-every", 15*time.Minute, "how often find_settlements looks for new settlement files")
	fs.DurationVar(&cfg.SettleSLA, "settle-sla", reconcile.DefaultSLA, "how long an exported payment may stay unsettled before it is reported missing")
	webhooks := fs.String("webhooks", env("O2C_WEBHOOK_URLS"), "comma-separated `URLs` that receive the flows' events (default $O2C_WEBHOOK_URLS); signed with $O2C_WEBHOOK_SECRET when set")
	fs.StringVar(&cfg.Listen, "listen", env("O2C_LISTEN"), "serve the connector API, the console and /metrics on `ADDR` (default $O2C_LISTEN; empty: no HTTP)")
	fs.StringVar(&cfg.APIKeysFile, "api-keys-file", "", "`FILE` of API keys, one per line, besides $O2C_API_KEYS")
	fs.BoolVar(&cfg.UntilIdle, "until-idle", false, "exit once every due job is done (see idle.go for the rule)")
	fs.DurationVar(&cfg.IdleQuiet, "idle-quiet", 5*time.Second, "with -until-idle: how long no work may arrive before o2cd is idle")
	shutdown := fs.Duration("shutdown", defaultShutdown, "on SIGTERM, how long running jobs may finish before they are cancelled")
	jsonOut := fs.Bool("json", false, "on exit, write the figures as one JSON object on stdout")
	retryExport := fs.String("retry-export", "", "enqueue retry_export for order `NO` and exit")
	verbose := fs.Bool("v", false, "log debug lines")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		termsafe.Fprintf(stderr, "o2cd: unexpected arguments %q\n", fs.Args())
		return 2
	}
	var err error
	if cfg.InventoryLists, err = parseLists(*lists); err != nil {
		termsafe.Fprintf(stderr, "o2cd: -inventory-lists: %v\n", err)
		return 2
	}
	cfg.WebhookURLs, cfg.WebhookSecret = parseURLs(*webhooks), env("O2C_WEBHOOK_SECRET")
	if msg := cfg.check(); msg != "" {
		termsafe.Fprintf(stderr, "o2cd: %s\n", msg)
		return 2
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := newLogger(stderr, level)

	if *retryExport != "" {
		return enqueueRetry(ctx, cfg, log, *retryExport, stdout)
	}
	var auth apiauth.Config
	if cfg.Listen != "" {
		if auth, err = authConfig(env, cfg.APIKeysFile, log); err != nil {
			termsafe.Fprintf(stderr, "o2cd: %v\n", err)
			return 2
		}
	}
	s, err := newService(ctx, cfg, log)
	if err != nil {
		log.Error("o2cd cannot start", slog.String("err", err.Error()))
		return 1
	}
	defer s.Close()
	if cfg.Listen != "" {
		h, err := s.handler(auth)
		if err != nil {
			log.Error("o2cd: HTTP handlers", slog.String("err", err.Error()))
			return 1
		}
		stopHTTP, err := s.listen(cfg.Listen, h)
		if err != nil {
			log.Error("o2cd cannot listen", slog.String("addr", cfg.Listen), slog.String("err", err.Error()))
			return 1
		}
		// The API answers until River has stopped, then finishes what it
		// is answering.
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = stopHTTP(sctx)
		}()
	}
	return s.serve(ctx, *shutdown, *jsonOut, stdout)
}

func (c config) check() string {
	switch {
	case c.ERPURL == "":
		return "-erp-url (or O2C_ERP_URL) is required"
	case c.WMSURL == "":
		return "-wms-url (or O2C_WMS_URL) is required"
	case c.Workers < 1 || c.Batch < 1:
		return "-workers and -batch must be at least 1"
	case c.ExportEvery <= 0 || c.PullEvery <= 0 || c.FlushEvery <= 0 || c.MonitorEvery <= 0 || c.SettleEvery <= 0:
		return "the schedules (-export-every, -pull-every, -flush-every, -monitor-every, -settle-every) must be positive"
	case c.SettleSLA <= 0:
		return "-settle-sla must be positive"
	case c.RetryBase <= 0 || c.JobTimeout <= 0 || c.Poll <= 0 || c.Snooze <= 0 || c.ClaimTTL <= 0 || c.CustomerClaimTTL <= 0 || c.IdleQuiet <= 0:
		return "-retry-base, -job-timeout, -poll, -snooze, -claim-ttl, -customer-claim-ttl and -idle-quiet must be positive"
	case c.RescueAfter <= c.JobTimeout:
		return "-rescue-after must be longer than -job-timeout, or a running job would be retried while it still runs"
	case c.CustomerClaimTTL < c.JobTimeout:
		// A resolve runs inside one job: a claim that outlasts the job
		// outlasts the resolve, so no other worker takes it over mid-way.
		return "-customer-claim-ttl must be at least -job-timeout"
	case c.ClaimTTL < 3*c.Poll:
		return "-claim-ttl must be at least three times -poll"
	}
	return ""
}

func parseLists(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		loc, list, ok := strings.Cut(kv, "=")
		if !ok || loc == "" || list == "" {
			return nil, fmt.Errorf("%q is not LOC=LIST", kv)
		}
		out[loc] = list
	}
	return out, nil
}

// serve starts River and runs until ctx ends or, with -until-idle, until
// the service is idle; then it stops River gracefully.
func (s *service) serve(ctx context.Context, shutdown time.Duration, jsonOut bool, stdout io.Writer) int {
	s.startedAt = time.Now()
	if err := s.river.Start(ctx); err != nil {
		s.log.Error("o2cd: River did not start", slog.String("err", err.Error()))
		return 1
	}
	s.log.Info("o2cd started", slog.String("owner", s.owner), slog.String("db", s.db.Dialect().String()),
		slog.Int("workers", s.cfg.Workers), slog.Bool("until_idle", s.cfg.UntilIdle))
	code := 0
	if s.cfg.UntilIdle {
		if err := s.waitIdle(ctx); err == nil {
			s.log.Info("o2cd idle: every due job is done")
		}
	} else {
		<-ctx.Done()
	}
	if ctx.Err() != nil {
		s.log.Info("o2cd stopping: running jobs may finish", slog.Duration("within", shutdown))
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdown)
	defer cancel()
	if err := s.river.Stop(sctx); err != nil {
		s.log.Warn("o2cd: jobs did not finish in time; cancelling them (they are retried)", slog.String("err", err.Error()))
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := s.river.StopAndCancel(cctx); err != nil {
			s.log.Error("o2cd: River did not stop", slog.String("err", err.Error()))
			code = 1
		}
		ccancel()
	}
	sum, err := s.summary(context.Background())
	if err != nil {
		s.log.Error("o2cd: summary", slog.String("err", err.Error()))
		return 1
	}
	s.log.Info("o2cd stopped", slog.Int("orders_exported", sum.OrdersExported), slog.Int("orders_failed", sum.OrdersFailed),
		slog.Int("shipments_applied", sum.ShipmentsApplied), slog.Int("notifications_sent", sum.NotificationsSent),
		slog.Int("inventory_skus_pushed", sum.InventorySKUsPushed), slog.Int("exceptions", len(sum.Exceptions)))
	if jsonOut {
		if err := sum.writeJSON(stdout); err != nil {
			s.log.Error("o2cd: write summary", slog.String("err", err.Error()))
			return 1
		}
	}
	return code
}

// enqueueRetry inserts one retry_export job and exits.
func enqueueRetry(ctx context.Context, cfg config, log *slog.Logger, orderNo string, stdout io.Writer) int {
	db, driver, err := openDB(ctx, cfg.DB, log)
	if err != nil {
		log.Error("o2cd cannot open the database", slog.String("err", err.Error()))
		return 1
	}
	defer db.Close()
	// An insert-only client: it works no jobs.
	c, err := newInsertClient(driver, log)
	if err != nil {
		log.Error("o2cd: River client", slog.String("err", err.Error()))
		return 1
	}
	res, err := c.Insert(ctx, retryExportArgs{OrderNo: orderNo}, nil)
	if err != nil {
		log.Error("o2cd: enqueue retry_export", slog.String("order_no", orderNo), slog.String("err", err.Error()))
		return 1
	}
	if res.UniqueSkippedAsDuplicate {
		termsafe.Fprintf(stdout, "retry_export for order %s is already queued (job %d)\n", orderNo, res.Job.ID)
		return 0
	}
	termsafe.Fprintf(stdout, "retry_export for order %s queued (job %d)\n", orderNo, res.Job.ID)
	return 0
}
