package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

func noEnv(string) string { return "" }

func TestRun_ExportsReadyOrdersOnceAgainstTheSimulator(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), noEnv, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	got := out.String()
	for _, want := range []string{
		"pass 1: 3 order(s) READY for export",
		"order 00012001: marked EXPORTED",
		"order 00012002: marked EXPORTED",
		"order 00012003: marked EXPORTED",
		"USD 130.35",
		"pass 2: no orders READY for export",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	for _, never := range []string{"00011999", "00012004", "amelia.hughes@", "1111", "GCXXXXXXXX1234"} {
		if strings.Contains(got, never) {
			t.Errorf("output shows %q:\n%s", never, got)
		}
	}
}

func TestExportPass_FailedOrderStaysReadyAndOthersGoThrough(t *testing.T) {
	sim := sfcctest.NewTestServer(t)
	sim.AddOrders(seedOrders()...)
	// The second status update (00012002) is refused with a 409, which is
	// not worth a retry.
	sim.InjectFault(sfcctest.Fault{Route: "order.status", Status: 409, Every: 2, Times: 1})
	client, err := ocapi.NewClient(ocapi.Config{Host: sim.URL(), Site: sim.Site(), ClientID: sim.ClientID(),
		Secret: sfcc.StaticSecret(sim.ClientSecret()), TokenURL: sim.TokenURL()})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	failed, err := exportPass(context.Background(), client, &out, 1)
	if err != nil || failed != 1 {
		t.Fatalf("failed = %d, err = %v\n%s", failed, err, out.String())
	}
	if !strings.Contains(out.String(), "order 00012002: NOT marked EXPORTED") {
		t.Errorf("output:\n%s", out.String())
	}
	for no, want := range map[string]sfcc.ExportStatus{"00012001": sfcc.ExportStatusExported, "00012002": sfcc.ExportStatusReady, "00012003": sfcc.ExportStatusExported} {
		if o, _ := sim.Order(no); o.Status.Export != want {
			t.Errorf("%s export status = %s, want %s", no, o.Status.Export, want)
		}
	}
	out.Reset()
	if failed, err := exportPass(context.Background(), client, &out, 2); err != nil || failed != 0 || !strings.Contains(out.String(), "pass 2: 1 order(s) READY") {
		t.Errorf("second pass: failed = %d, err = %v\n%s", failed, err, out.String())
	}
}

func TestConfig_RealInstanceNeedsItsVariables(t *testing.T) {
	env := map[string]string{"SFCC_HOST": "https://abcd-001.dx.commercecloud.salesforce.com", "SFCC_SITE": "RefArch"}
	_, _, err := config(func(k string) string { return env[k] })
	if err == nil || !strings.Contains(err.Error(), "SFCC_CLIENT_ID, SFCC_CLIENT_SECRET") {
		t.Fatalf("err = %v", err)
	}
	env["SFCC_CLIENT_ID"], env["SFCC_CLIENT_SECRET"], env["SFCC_API_VERSION"] = "id", "never-printed", "24.5"
	cfg, _, err := config(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != env["SFCC_HOST"] || cfg.APIVersion != "24.5" || cfg.ClientID != "id" {
		t.Errorf("config = %+v", cfg)
	}
	if _, err := ocapi.NewClient(cfg); err != nil {
		t.Errorf("NewClient: %v", err)
	}
}
