// Command orderexport finds the SFCC orders whose export status is READY,
// prints them, and marks each EXPORTED — the hand-over every order-to-cash
// integration starts with. It then runs a second pass to show that nothing
// is left to export:
//
//	go run ./examples/orderexport              # through OCAPI (Shop and Data API)
//	go run ./examples/orderexport -api scapi   # through the SCAPI Admin Orders API
//
// By default it runs against the embedded SFCC simulator (sfcc/sfcctest),
// seeded with a few orders, and needs no network; the simulator serves both
// APIs. With -api ocapi (the default) and SFCC_HOST set it talks to a real
// instance instead, configured by SFCC_HOST, SFCC_SITE, SFCC_CLIENT_ID and
// SFCC_CLIENT_SECRET (and optionally SFCC_TOKEN_URL and SFCC_API_VERSION).
// With -api scapi and SFCC_SHORT_CODE or SFCC_ORG_ID set it talks to a real
// instance's SCAPI, configured by SFCC_SHORT_CODE, SFCC_ORG_ID (f_ecom_...),
// SFCC_SITE, SFCC_CLIENT_ID and SFCC_CLIENT_SECRET (and optionally
// SFCC_TOKEN_URL). A missing variable is named. The secret is read from the
// environment when a token is fetched and never printed. Against a real
// instance the orders really are marked EXPORTED, which takes them out of
// every other integration's READY search and finalises their on-order
// inventory: use a sandbox.
//
// An order that cannot be marked is reported and left READY for the next
// run; the others still go through. The exit status is 1 when any order
// failed or the run could not start, 2 on bad arguments.
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

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/internal/redact"
	"github.com/o2ckit/o2c/internal/termsafe"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/scapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses args and runs the export; it returns the exit code: 0 when
// every order was marked, 1 when one was not or the run failed, 2 on bad
// arguments.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("orderexport", flag.ContinueOnError)
	fs.SetOutput(stderr)
	api := "ocapi"
	fs.Func("api", "SFCC `API` to read and mark orders through: ocapi (Shop/Data API) or scapi (SCAPI Admin Orders) (default ocapi)",
		func(v string) error {
			switch v {
			case "ocapi", "scapi":
				api = v
				return nil
			}
			return fmt.Errorf("unknown SFCC API %q (want ocapi or scapi)", v)
		})
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "orderexport: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if err := export(ctx, api, getenv, stdout, stderr); err != nil {
		termsafe.Fprintf(stderr, "orderexport: %v\n", err)
		return 1
	}
	return 0
}

// orderClient is what the export needs from SFCC; *ocapi.Client and
// *scapi.Client both satisfy it.
type orderClient interface {
	sfcc.OrderSearcher
	sfcc.OrderStatusWriter
}

// export connects to the simulator or to the instance getenv describes and
// runs two export passes.
func export(ctx context.Context, api string, getenv func(string) string, stdout, stderr io.Writer) error {
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	client, closeSim, err := connect(api, getenv, logger)
	if err != nil {
		return err
	}
	defer closeSim()
	var failed int
	for pass := 1; pass <= 2; pass++ {
		n, err := exportPass(ctx, client, stdout, pass)
		failed += n
		if err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d order(s) could not be marked EXPORTED; they stay READY for the next run", failed)
	}
	return nil
}

// connect builds the client for api, against the simulator or the real
// instance getenv describes.
func connect(api string, getenv func(string) string, logger *slog.Logger) (orderClient, func(), error) {
	if api == "scapi" {
		cfg, closeSim, err := scapiConfig(getenv)
		if err != nil {
			return nil, nil, err
		}
		cfg.Logger = logger
		c, err := scapi.NewClient(cfg)
		if err != nil {
			closeSim()
			return nil, nil, err
		}
		return c, closeSim, nil
	}
	cfg, closeSim, err := config(getenv)
	if err != nil {
		return nil, nil, err
	}
	cfg.Logger = logger
	c, err := ocapi.NewClient(cfg)
	if err != nil {
		closeSim()
		return nil, nil, err
	}
	return c, closeSim, nil
}

// scapiConfig reads a real instance's SCAPI settings, or starts a seeded
// simulator when neither SFCC_SHORT_CODE nor SFCC_ORG_ID is set.
func scapiConfig(getenv func(string) string) (scapi.Config, func(), error) {
	if getenv("SFCC_SHORT_CODE") == "" && getenv("SFCC_ORG_ID") == "" {
		if getenv("SFCC_HOST") != "" {
			return scapi.Config{}, nil, errors.New("SFCC_HOST configures -api ocapi; -api scapi needs SFCC_SHORT_CODE and SFCC_ORG_ID")
		}
		sim := sfcctest.NewServer()
		sim.AddOrders(seedOrders()...)
		return sim.SCAPIClientConfig(), sim.Close, nil
	}
	if err := missing(getenv, "SFCC_SHORT_CODE", "SFCC_ORG_ID", "SFCC_SITE", "SFCC_CLIENT_ID", "SFCC_CLIENT_SECRET"); err != nil {
		return scapi.Config{}, nil, fmt.Errorf("-api scapi against a real instance: %w", err)
	}
	return scapi.Config{
		ShortCode:      getenv("SFCC_SHORT_CODE"),
		OrganizationID: getenv("SFCC_ORG_ID"),
		SiteID:         getenv("SFCC_SITE"),
		ClientID:       getenv("SFCC_CLIENT_ID"),
		Secret:         sfcc.EnvSecret("SFCC_CLIENT_SECRET"),
		TokenURL:       getenv("SFCC_TOKEN_URL"),
	}, func() {}, nil
}

// missing names every variable of names that is not set.
func missing(getenv func(string) string, names ...string) error {
	var unset []string
	for _, name := range names {
		if getenv(name) == "" {
			unset = append(unset, name)
		}
	}
	switch len(unset) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%s is not set", unset[0])
	}
	return fmt.Errorf("%s are not set", strings.Join(unset, ", "))
}

// config reads a real instance's settings, or starts a seeded simulator
// when SFCC_HOST is not set.
func config(getenv func(string) string) (ocapi.Config, func(), error) {
	if getenv("SFCC_HOST") == "" {
		sim := sfcctest.NewServer()
		sim.AddOrders(seedOrders()...)
		return ocapi.Config{
			Host:     sim.URL(),
			Site:     sim.Site(),
			ClientID: sim.ClientID(),
			Secret:   sfcc.StaticSecret(sim.ClientSecret()),
			TokenURL: sim.TokenURL(),
		}, sim.Close, nil
	}
	if err := missing(getenv, "SFCC_SITE", "SFCC_CLIENT_ID", "SFCC_CLIENT_SECRET"); err != nil {
		return ocapi.Config{}, nil, fmt.Errorf("SFCC_HOST is set but %w", err)
	}
	return ocapi.Config{
		Host:       getenv("SFCC_HOST"),
		Site:       getenv("SFCC_SITE"),
		ClientID:   getenv("SFCC_CLIENT_ID"),
		Secret:     sfcc.EnvSecret("SFCC_CLIENT_SECRET"),
		TokenURL:   getenv("SFCC_TOKEN_URL"),
		APIVersion: getenv("SFCC_API_VERSION"),
	}, func() {}, nil
}

// exportPass prints every READY order and marks it EXPORTED. It returns how
// many orders could not be marked; the error is for the pass as a whole (the
// search failed, the context ended).
func exportPass(ctx context.Context, client orderClient, out io.Writer, pass int) (int, error) {
	// Collect first: marking orders while paging through a READY search
	// would shift its later pages.
	var ready []sfcc.Order
	for o, err := range client.SearchOrders(ctx, sfcc.OrderQuery{ExportStatus: sfcc.ExportStatusReady}) {
		if err != nil {
			return 0, fmt.Errorf("pass %d: search READY orders: %w", pass, err)
		}
		ready = append(ready, o)
	}
	if len(ready) == 0 {
		fmt.Fprintf(out, "pass %d: no orders READY for export\n", pass)
		return 0, nil
	}
	fmt.Fprintf(out, "pass %d: %d order(s) READY for export\n", pass, len(ready))
	failed := 0
	for _, o := range ready {
		termsafe.Fprintf(out, "  %s\n", describe(o))
		err := client.SetExportStatus(ctx, o.OrderNo, sfcc.ExportStatusExported)
		switch {
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			return failed, err
		case err != nil:
			failed++
			termsafe.Fprintf(out, "    order %s: NOT marked EXPORTED: %v\n", o.OrderNo, err)
		default:
			termsafe.Fprintf(out, "    order %s: marked EXPORTED\n", o.OrderNo)
		}
	}
	return failed, nil
}

// describe is one line about an order, without personal data beyond a
// redacted email.
func describe(o sfcc.Order) string {
	items := decimal.Zero
	for _, li := range o.ProductLineItems {
		if sum, err := items.Add(li.Quantity.Value); err == nil {
			items = sum
		}
	}
	var payments []string
	for _, p := range o.Payments {
		payments = append(payments, p.MethodName())
	}
	return fmt.Sprintf("%s  %s  %s %s  %s item(s) in %d line(s)  paid by %s  customer %s",
		o.OrderNo, o.OrderDate.Format("2006-01-02 15:04"), o.Currency, o.Totals.OrderTotal.Gross,
		items, len(o.ProductLineItems), strings.Join(payments, "+"), redact.Email(o.Customer.Email))
}
