package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/scapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

func noEnv(string) string { return "" }

func TestRun_ExportsReadyOrdersOnceAgainstTheSimulator(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), nil, noEnv, &out, &errOut); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, errOut.String())
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

// Through SCAPI the run reads the same orders and prints the same lines as
// through OCAPI, and it marks them through the SCAPI routes.
func TestRun_SCAPIExportsTheSameOrdersAsOCAPI(t *testing.T) {
	var oc, sc, errOut bytes.Buffer
	if code := run(context.Background(), []string{"-api", "ocapi"}, noEnv, &oc, &errOut); code != 0 {
		t.Fatalf("ocapi: exit %d\n%s", code, errOut.String())
	}
	if code := run(context.Background(), []string{"-api", "scapi"}, noEnv, &sc, &errOut); code != 0 {
		t.Fatalf("scapi: exit %d\n%s", code, errOut.String())
	}
	if oc.String() != sc.String() {
		t.Errorf("outputs differ\nocapi:\n%s\nscapi:\n%s", oc.String(), sc.String())
	}
	client, closeSim, err := connect("scapi", noEnv, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer closeSim()
	if _, ok := client.(*scapi.Client); !ok {
		t.Errorf("-api scapi connects a %T", client)
	}
}

func TestRun_UnknownAPIIsAUsageErrorNamingTheValue(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"-api", "graphql"}, noEnv, &out, &errOut); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if !strings.Contains(errOut.String(), `"graphql"`) {
		t.Errorf("stderr does not name the value:\n%s", errOut.String())
	}
	if out.Len() != 0 {
		t.Errorf("a usage error exported orders:\n%s", out.String())
	}
}

// simClient is a client of api against sim.
func simClient(t *testing.T, api string, sim *sfcctest.Server) orderClient {
	t.Helper()
	if api == "scapi" {
		c, err := scapi.NewClient(sim.SCAPIClientConfig())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c, err := ocapi.NewClient(ocapi.Config{Host: sim.URL(), Site: sim.Site(), ClientID: sim.ClientID(),
		Secret: sfcc.StaticSecret(sim.ClientSecret()), TokenURL: sim.TokenURL()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestExportPass_FailedOrderStaysReadyAndOthersGoThrough(t *testing.T) {
	for api, route := range map[string]string{"ocapi": "order.status", "scapi": sfcctest.RouteSCAPIOrderStatus} {
		t.Run(api, func(t *testing.T) { testFailedOrderStaysReady(t, api, route) })
	}
}

func testFailedOrderStaysReady(t *testing.T, api, route string) {
	sim := sfcctest.NewTestServer(t)
	sim.AddOrders(seedOrders()...)
	// The second status update (00012002) is refused with a 409, which is
	// not worth a retry.
	sim.InjectFault(sfcctest.Fault{Route: route, Status: 409, Every: 2, Times: 1})
	client := simClient(t, api, sim)
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

func TestSCAPIConfig_RealInstanceNamesEveryMissingVariable(t *testing.T) {
	env := map[string]string{"SFCC_HOST": "https://abcd-001.dx.commercecloud.salesforce.com"}
	get := func(k string) string { return env[k] }
	if _, _, err := scapiConfig(get); err == nil || !strings.Contains(err.Error(), "SFCC_SHORT_CODE and SFCC_ORG_ID") {
		t.Fatalf("SFCC_HOST with -api scapi: err = %v", err)
	}
	env["SFCC_ORG_ID"] = "f_ecom_zzxy_prd"
	_, _, err := scapiConfig(get)
	if err == nil || !strings.Contains(err.Error(), "SFCC_SHORT_CODE, SFCC_SITE, SFCC_CLIENT_ID, SFCC_CLIENT_SECRET are not set") {
		t.Fatalf("err = %v", err)
	}
	env["SFCC_SHORT_CODE"], env["SFCC_SITE"], env["SFCC_CLIENT_ID"] = "kv7kzm78", "RefArch", "id"
	if _, _, err := scapiConfig(get); err == nil || !strings.Contains(err.Error(), "SFCC_CLIENT_SECRET is not set") {
		t.Fatalf("err = %v", err)
	}
	env["SFCC_CLIENT_SECRET"] = "never-printed"
	cfg, _, err := scapiConfig(get)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ShortCode != "kv7kzm78" || cfg.OrganizationID != "f_ecom_zzxy_prd" || cfg.SiteID != "RefArch" {
		t.Errorf("config = %+v", cfg)
	}
	if _, err := scapi.NewClient(cfg); err != nil {
		t.Errorf("NewClient: %v", err)
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
