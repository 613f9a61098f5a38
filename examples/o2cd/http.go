package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/o2ckit/o2c/dedupe/dedupeapi"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erpapi"
	"github.com/o2ckit/o2c/internal/apiauth"
	"github.com/o2ckit/o2c/internal/connector"
	"github.com/o2ckit/o2c/internal/console"
	"github.com/o2ckit/o2c/internal/httpapi"
	"github.com/o2ckit/o2c/reconcile/reconcileapi"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmsapi"
)

// The HTTP surface of o2cd (-listen ADDR): the connector API a Patchworks
// custom connector calls (internal/connector: /v1/..., /openapi.json,
// /postman.json, the OAuth2 token endpoint, /healthz, /readyz), the
// operations console at /console/ and Prometheus metrics at /metrics, all
// but the probes behind the same credentials:
//
//	O2C_API_KEYS       comma-separated API keys (Authorization: Bearer KEY
//	                   or X-API-Key: KEY); -api-keys-file adds one per line
//	O2C_BASIC_USERS    user:password,... for HTTP Basic (the console in a
//	                   browser)
//	O2C_OAUTH_CLIENTS  id:secret,... that may get a bearer token at
//	                   POST /oauth/token (client credentials)
//
// o2cd refuses to listen with none of them set. Keys and passwords are
// compared in constant time and never logged.

// authConfig reads the credentials from the environment.
func authConfig(env func(string) string, keysFile string, log *slog.Logger) (apiauth.Config, error) {
	keys, err := apiauth.KeysFromEnv(env, "O2C_API_KEYS", keysFile)
	if err != nil {
		return apiauth.Config{}, err
	}
	cfg := apiauth.Config{APIKeys: keys, Logger: log}
	users, err := pairs(env("O2C_BASIC_USERS"), "O2C_BASIC_USERS")
	if err != nil {
		return cfg, err
	}
	if len(users) > 0 {
		cfg.BasicUsers = map[string]string{}
		for _, u := range users {
			cfg.BasicUsers[u[0]] = u[1]
		}
	}
	clients, err := pairs(env("O2C_OAUTH_CLIENTS"), "O2C_OAUTH_CLIENTS")
	if err != nil {
		return cfg, err
	}
	for _, c := range clients {
		cfg.Clients = append(cfg.Clients, apiauth.Client{ID: c[0], Secret: c[1]})
	}
	if len(cfg.APIKeys) == 0 && len(cfg.BasicUsers) == 0 && len(cfg.Clients) == 0 {
		return cfg, errors.New("-listen needs credentials: set O2C_API_KEYS (or -api-keys-file), O2C_BASIC_USERS or O2C_OAUTH_CLIENTS")
	}
	return cfg, nil
}

// pairs splits "a:b,c:d". Errors name the variable and the position, never
// a secret.
func pairs(s, name string) ([][2]string, error) {
	var out [][2]string
	for i, kv := range parseURLs(s) {
		a, b, ok := strings.Cut(kv, ":")
		if !ok || a == "" || b == "" {
			return nil, fmt.Errorf("%s: entry %d is not NAME:SECRET", name, i+1)
		}
		out = append(out, [2]string{a, b})
	}
	return out, nil
}

// principalName names who made a request, for "resolved by".
func principalName(r *http.Request) string {
	if p, ok := apiauth.PrincipalFrom(r.Context()); ok {
		return p.Scheme + ":" + p.Name
	}
	return "api"
}

// apiShipments applies a confirmation sent to POST /v1/shipments at once,
// under the same cross-process order claim as the apply_shipment job, and
// records it as the job does.
type apiShipments struct{ s *service }

func (a apiShipments) Apply(ctx context.Context, c wms.ShipmentConfirmation) (wms.Result, error) {
	s := a.s
	ctx, release, held, err := s.claimOrder(ctx, c.OrderNo, s.owner+"/api")
	if err != nil {
		return wms.Result{}, httpapi.Unavailable(c.OrderNo, "the order's shipment claim could not be taken; send the same request again", 0)
	}
	if !held {
		return wms.Result{}, httpapi.Unavailable(c.OrderNo, "another shipment of this order is being applied; send the same request again", 2*time.Second)
	}
	defer release()
	res, err := s.seq.Apply(ctx, c)
	if rerr := s.recordShipment(ctx, res); rerr != nil {
		return res, httpapi.Unavailable(c.OrderNo, "the outcome could not be stored; send the same request again", 0)
	}
	return res, err
}

// apiInventory pushes levels sent to POST /v1/inventory through the
// Pusher on the durable level store, at once.
type apiInventory struct{ s *service }

func (a apiInventory) OfferContext(ctx context.Context, levels ...wms.StockLevel) (wms.OfferStats, error) {
	return a.s.pushLevelsStats(ctx, levels)
}

// exportQueue queues the exports asked for over the API and the console:
// a retry_export job, unique while one is queued or running. The order is
// read from SFCC first, so an unknown order is a 404 rather than a job that
// fails its attempts.
type exportQueue struct{ s *service }

func (q exportQueue) EnqueueExport(ctx context.Context, orderNo string) (erpapi.ExportTicket, error) {
	if _, err := q.s.sfcc.GetOrder(ctx, orderNo); err != nil {
		if erp.Transient(err) {
			return erpapi.ExportTicket{}, &erpapi.UnavailableError{Err: err}
		}
		return erpapi.ExportTicket{}, err
	}
	res, err := q.s.river.Insert(ctx, retryExportArgs{OrderNo: orderNo}, nil)
	if err != nil {
		return erpapi.ExportTicket{}, &erpapi.UnavailableError{Err: err}
	}
	return erpapi.ExportTicket{JobID: res.Job.ID, Duplicate: res.UniqueSkippedAsDuplicate, State: string(res.Job.State)}, nil
}

// listen starts the HTTP server on addr and returns its graceful stop.
func (s *service) listen(addr string, h http.Handler) (func(context.Context) error, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{
		Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: 2 * time.Minute,
		IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("o2cd: HTTP server", slog.String("err", err.Error()))
		}
	}()
	s.log.Info("o2cd listening", slog.String("addr", ln.Addr().String()))
	return srv.Shutdown, nil
}

// handler assembles the HTTP surface.
func (s *service) handler(auth apiauth.Config) (http.Handler, error) {
	guard, err := apiauth.New(auth)
	if err != nil {
		return nil, err
	}
	translate, err := erpapi.NewTranslateHandler(erpapi.TranslateConfig{Translator: s.tr, Logger: s.log})
	if err != nil {
		return nil, err
	}
	resolve, err := dedupeapi.NewHandler(dedupeapi.Config{Resolver: s.resolver, Transient: erp.Transient, Logger: s.log})
	if err != nil {
		return nil, err
	}
	wh, err := wmsapi.New(wmsapi.Config{Shipments: apiShipments{s}, Inventory: apiInventory{s}, Logger: s.log})
	if err != nil {
		return nil, err
	}
	ex, err := reconcileapi.New(reconcileapi.Config{Store: announcingExceptions{s.stores.exceptions, s}, By: principalName, Logger: s.log})
	if err != nil {
		return nil, err
	}
	export, err := erpapi.NewExportHandler(erpapi.ExportConfig{Queue: exportQueue{s}, Logger: s.log})
	if err != nil {
		return nil, err
	}
	con, err := s.console()
	if err != nil {
		return nil, err
	}
	return connector.New(connector.Config{
		Auth: guard, Translate: translate, Resolve: resolve, Shipments: wh.Shipments, Inventory: wh.Inventory,
		Exceptions: ex.List, ResolveException: ex.Resolve, Export: export, Console: con, Metrics: s.metricsHandler,
		Idempotency: &sqlIdempotency{db: s.db, ttl: httpapi.DefaultIdempotencyTTL, now: time.Now},
		Ready:       func(ctx context.Context) error { return s.db.SQL().PingContext(ctx) },
		Logger:      s.log,
	})
}

// console builds the operations console on the service's stores.
func (s *service) console() (http.Handler, error) {
	secret := []byte(s.cfg.Env("O2C_CONSOLE_SECRET"))
	if len(secret) == 0 {
		// Forms then work on this process only: behind a load balancer,
		// give every worker the same O2C_CONSOLE_SECRET.
		secret = make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return nil, err
		}
		s.log.Info("O2C_CONSOLE_SECRET is not set: the console's forms work on this process only")
	}
	q := exportQueue{s}
	return console.New(console.Config{
		Store: announcingExceptions{s.stores.exceptions, s},
		Flows: func(ctx context.Context) ([]console.FlowState, error) {
			fs, err := s.flowStates(ctx, time.Now())
			if err != nil {
				return nil, err
			}
			out := make([]console.FlowState, len(fs))
			for i, f := range fs {
				done := activity{found: f.LastWork, empty: f.LastEmpty}.lastDone()
				out[i] = console.FlowState{Name: f.Name, LastRun: done, Backlog: int(f.Backlog + f.Running), Lag: f.Lag, Failures: int(f.Failures)}
			}
			return out, nil
		},
		RetryExport: func(ctx context.Context, orderNo string) error {
			_, err := q.EnqueueExport(ctx, orderNo)
			return err
		},
		LatestReport: func(ctx context.Context) ([]byte, time.Time, bool, error) {
			r, ok, err := s.stores.reports.latest(ctx)
			return r.HTML, r.RunAt, ok, err
		},
		Secret: secret,
		Logger: s.log,
	})
}
