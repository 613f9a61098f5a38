package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/govalues/decimal"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"go.opentelemetry.io/otel/metric"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erphttp"
	"github.com/o2ckit/o2c/internal/ctxwait"
	"github.com/o2ckit/o2c/internal/opsmetrics"
	"github.com/o2ckit/o2c/internal/sqlstore"
	_ "github.com/o2ckit/o2c/internal/sqlstore/drivers" // SQLite and PostgreSQL
	"github.com/o2ckit/o2c/internal/webhook"
	"github.com/o2ckit/o2c/mapping"
	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmshttp"
)

//go:embed tables/*.csv
var shippedTables embed.FS

// config is the service's settings, from flags and the environment.
type config struct {
	DB             string
	ERPURL, WMSURL string
	TablesDir      string
	Env            func(string) string

	ExportEvery, PullEvery, FlushEvery, MonitorEvery time.Duration
	MonitorAfter                                     time.Duration

	Workers     int
	Batch       int
	RetryBase   time.Duration
	JobTimeout  time.Duration
	RescueAfter time.Duration
	Poll        time.Duration
	Snooze      time.Duration
	ClaimTTL    time.Duration
	// CustomerClaimTTL is dedupe's claim on an email while a customer is
	// looked up or created; a dead worker's claim blocks that email so long.
	CustomerClaimTTL time.Duration
	SFCCRate         int

	InventoryList  string
	InventoryLists map[string]string

	// SettlementsDir holds the providers' settlement files, one folder
	// per provider; empty runs no settlement jobs.
	SettlementsDir string
	SettleEvery    time.Duration
	SettleSLA      time.Duration

	// WebhookURLs receive the flows' events, signed with WebhookSecret.
	WebhookURLs   []string
	WebhookSecret string

	// Listen is the HTTP address (empty: none); APIKeysFile adds keys.
	Listen      string
	APIKeysFile string

	UntilIdle bool
	IdleQuiet time.Duration
}

// service is one o2cd process: the clients of the three systems, the flows
// of the library packages, the stores and the River client that runs them.
type service struct {
	cfg    config
	log    *slog.Logger
	db     *sqlstore.DB
	stores stores
	river  *river.Client[*sql.Tx]
	// owner names this process in cross-process claims.
	owner string
	// startedAt is when serve started River (see idle.go).
	startedAt time.Time

	sfcc     *ocapi.Client
	erp      *erphttp.Client
	wms      *wmshttp.Client
	exporter *erp.Exporter
	seq      *wms.Sequencer
	tables   *mapping.Tables
	tr       *erp.Translator
	resolver *dedupe.Resolver

	classifier reconcile.Classifier
	events     *events
	// metrics is the service's MeterProvider and /metrics.
	metrics        *opsmetrics.Metrics
	metricsHandler http.Handler
}

// openDB opens the store database and River's tables in it. On SQLite the
// pool holds one connection, as River's SQLite driver asks: every write of
// the process then queues on it instead of meeting SQLITE_BUSY.
func openDB(ctx context.Context, dsn string, log *slog.Logger) (*sqlstore.DB, riverdriver.Driver[*sql.Tx], error) {
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	var driver riverdriver.Driver[*sql.Tx]
	switch db.Dialect() {
	case sqlstore.SQLite:
		db.SQL().SetMaxOpenConns(1)
		driver = riversqlite.New(db.SQL())
	default:
		driver = riverdatabasesql.New(db.SQL())
	}
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: log})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	// Several processes may start at once: a migration that lost a race
	// is tried again and then finds the tables there.
	for attempt := 1; ; attempt++ {
		_, err = migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
		if err == nil || attempt == 5 || ctx.Err() != nil {
			break
		}
		if ctxwait.Sleep(ctx, time.Duration(attempt)*200*time.Millisecond) != nil {
			break
		}
	}
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("river migrations: %w", err)
	}
	return db, driver, nil
}

// newService connects the systems and builds the River client (not started).
func newService(ctx context.Context, cfg config, log *slog.Logger) (*service, error) {
	db, driver, err := openDB(ctx, cfg.DB, log)
	if err != nil {
		return nil, err
	}
	s := &service{cfg: cfg, log: log, db: db, owner: newOwner()}
	if err := s.build(ctx, driver); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *service) build(ctx context.Context, driver riverdriver.Driver[*sql.Tx]) error {
	cfg := s.cfg
	var err error
	if s.stores, err = openStores(ctx, s.db); err != nil {
		return err
	}
	if s.metrics, err = s.newMetrics(); err != nil {
		return err
	}
	s.metricsHandler = s.metrics.Handler()
	if s.sfcc, err = connectSFCC(cfg, s.log, s.metrics.MeterProvider()); err != nil {
		return err
	}
	if s.erp, err = erphttp.NewClient(erphttp.Config{BaseURL: cfg.ERPURL, Logger: s.log}); err != nil {
		return fmt.Errorf("-erp-url: %w", err)
	}
	if s.wms, err = wmshttp.NewClient(wmshttp.Config{BaseURL: cfg.WMSURL, Logger: s.log}); err != nil {
		return fmt.Errorf("-wms-url: %w", err)
	}
	tables, err := loadTables(cfg.TablesDir)
	if err != nil {
		return err
	}
	s.tables = tables
	insert := func(ctx context.Context, params []river.InsertManyParams) error {
		_, err := s.river.InsertMany(ctx, params)
		return err
	}
	if s.events, err = newEvents(cfg.WebhookURLs, cfg.WebhookSecret, s.log, insert); err != nil {
		return err
	}
	tr, err := erp.NewTranslator(erp.TranslatorConfig{Tables: tables, RoundingTolerance: decimal.MustParse("0.02")})
	if err != nil {
		return err
	}
	s.tr = tr
	resolver, err := dedupe.NewResolver(dedupe.Config{Directory: s.erp, Claims: s.stores.claims, ClaimTTL: cfg.CustomerClaimTTL, Logger: s.log})
	if err != nil {
		return err
	}
	s.resolver = resolver
	s.exporter, err = erp.NewExporter(erp.ExporterConfig{
		Orders: capturingOrders{s.sfcc}, Translator: tr, Resolver: resolver, SalesOrders: s.erp, Ledger: s.erp,
		Records: s.stores.ledger, Workers: 1, Logger: s.log, MeterProvider: s.metrics.MeterProvider(),
	})
	if err != nil {
		return err
	}
	s.seq, err = wms.NewSequencer(wms.SequencerConfig{Orders: s.sfcc, Store: s.stores.events, Logger: s.log, MeterProvider: s.metrics.MeterProvider()})
	if err != nil {
		return err
	}
	s.river, err = river.NewClient(driver, s.riverConfig())
	return err
}

// riverConfig registers the workers and the periodic jobs.
func (s *service) riverConfig() *river.Config {
	cfg := s.cfg
	workers := river.NewWorkers()
	river.AddWorker(workers, &findReadyWorker{policy[findReadyArgs]{s: s}})
	river.AddWorker(workers, &exportOrderWorker{policy[exportOrderArgs]{s: s}})
	river.AddWorker(workers, &retryExportWorker{policy[retryExportArgs]{s: s}})
	river.AddWorker(workers, &pullShipmentsWorker{policy[pullShipmentsArgs]{s: s}})
	river.AddWorker(workers, &applyShipmentWorker{policy[applyShipmentArgs]{s: s}})
	river.AddWorker(workers, &flushStockWorker{policy[flushStockArgs]{s: s}})
	river.AddWorker(workers, &monitorWorker{policy[monitorArgs]{s: s}})
	river.AddWorker(workers, &deliverEventWorker{policy: policy[deliverEventArgs]{s: s}, client: &http.Client{Timeout: webhook.DefaultTimeout}})
	periodic := func(every time.Duration, args river.JobArgs) *river.PeriodicJob {
		return river.NewPeriodicJob(river.PeriodicInterval(every),
			func() (river.JobArgs, *river.InsertOpts) { return args, nil },
			&river.PeriodicJobOpts{RunOnStart: true, ID: args.Kind()})
	}
	jobs := []*river.PeriodicJob{
		periodic(cfg.ExportEvery, findReadyArgs{}),
		periodic(cfg.PullEvery, pullShipmentsArgs{}),
		periodic(cfg.FlushEvery, flushStockArgs{}),
		periodic(cfg.MonitorEvery, monitorArgs{}),
	}
	// The settlement workers are registered even without a folder, so a
	// job another worker queued is still worked here.
	river.AddWorker(workers, &findSettlementsWorker{policy[findSettlementsArgs]{s: s}})
	river.AddWorker(workers, &reconcileSettlementWorker{policy[reconcileSettlementArgs]{s: s}})
	if cfg.SettlementsDir != "" {
		jobs = append(jobs, periodic(cfg.SettleEvery, findSettlementsArgs{}))
	}
	return &river.Config{
		ID:                   s.owner,
		Logger:               s.log.With(slog.String("component", "river")),
		ErrorHandler:         errorHandler{s: s},
		Workers:              workers,
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		PeriodicJobs:         jobs,
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
		FetchPollInterval:    cfg.Poll,
		// A worker fetches at most once per cooldown: with few workers it
		// caps the jobs per second, so it follows -poll.
		FetchCooldown: max(min(cfg.Poll/10, 100*time.Millisecond), time.Millisecond),
	}
}

// connectSFCC builds the SFCC client from the SFCC_* variables, as
// examples/o2c does (and as `world -env` prints them).
func connectSFCC(cfg config, log *slog.Logger, mp metric.MeterProvider) (*ocapi.Client, error) {
	env := cfg.Env
	host := env("SFCC_HOST")
	if host == "" {
		return nil, errors.New("SFCC_HOST is not set: point o2cd at an SFCC instance with SFCC_HOST, SFCC_SITE, SFCC_CLIENT_ID and SFCC_CLIENT_SECRET (eval \"$(world -env)\" for the simulated one)")
	}
	c, err := ocapi.NewClient(ocapi.Config{
		Host: host, Site: env("SFCC_SITE"), ClientID: env("SFCC_CLIENT_ID"),
		Secret:   sfcc.EnvSecret("SFCC_CLIENT_SECRET"),
		TokenURL: env("SFCC_TOKEN_URL"), APIVersion: env("SFCC_API_VERSION"),
		Logger: log, RequestsPerSecond: cfg.SFCCRate, MeterProvider: mp,
		RetryWaitMin: 50 * time.Millisecond, RetryWaitMax: 2 * time.Second, MaxRetries: 6,
	})
	if err != nil {
		return nil, fmt.Errorf("SFCC: %w", err)
	}
	return c, nil
}

func loadTables(dir string) (*mapping.Tables, error) {
	var tfs fs.FS
	if dir != "" {
		tfs = os.DirFS(dir)
	} else {
		sub, err := fs.Sub(shippedTables, "tables")
		if err != nil {
			return nil, err
		}
		tfs = sub
	}
	t, err := mapping.Load(tfs)
	if err != nil {
		return nil, fmt.Errorf("mapping tables: %w", err)
	}
	return t, nil
}

func newOwner() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// Close stops the metrics and closes the database.
func (s *service) Close() error {
	if s.metrics != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.metrics.Shutdown(ctx)
	}
	return s.db.Close()
}

// newInsertClient is a River client that only inserts jobs.
func newInsertClient(driver riverdriver.Driver[*sql.Tx], log *slog.Logger) (*river.Client[*sql.Tx], error) {
	return river.NewClient(driver, &river.Config{Logger: log.With(slog.String("component", "river"))})
}
