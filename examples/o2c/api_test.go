package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/sfcc/scapi"
)

// apiNeutral is a day's summary without the figures that count requests,
// which differ between the APIs by design (OCI needs no record creates, a
// SCAPI search page is one request), and without the wall-clock times.
func apiNeutral(t *testing.T, s daySummary) map[string]any {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k := range m {
		if strings.Contains(k, "request") || strings.Contains(k, "seconds") || k == "elapsed" {
			delete(m, k)
		}
	}
	return m
}

// routesOf counts the simulator routes a day called, by API family.
func routesOf(d *day) map[string]int {
	out := map[string]int{}
	for _, r := range d.srv.Requests() {
		family, _, _ := strings.Cut(r.Route, ".")
		out[family]++
	}
	return out
}

func compareDays(t *testing.T, oc, sc finalState) {
	t.Helper()
	if diff := cmp.Diff(apiNeutral(t, oc.Summary), apiNeutral(t, sc.Summary)); diff != "" {
		t.Errorf("summary differs between ocapi and scapi (-ocapi +scapi):\n%s", diff)
	}
	for name, pair := range map[string][2]any{
		"export statuses":  {oc.Export, sc.Export},
		"shipping":         {oc.Shipping, sc.Shipping},
		"tracking numbers": {oc.Tracking, sc.Tracking},
		"allocations":      {oc.Allocations, sc.Allocations},
		"ERP totals":       {oc.ERPTotals, sc.ERPTotals},
		"ERP counts":       {[3]int{oc.Customers, oc.ERPOrders, oc.Journals}, [3]int{sc.Customers, sc.ERPOrders, sc.Journals}},
	} {
		if diff := cmp.Diff(pair[0], pair[1]); diff != "" {
			t.Errorf("%s differ (-ocapi +scapi):\n%s", name, diff)
		}
	}
}

// The same seed gives the same day through SCAPI Admin Orders and OCI as
// through OCAPI: every figure of the summary but the request counts, and
// the same end state in SFCC and the ERP.
func TestDay_SCAPIGivesTheSameFiguresAsOCAPI(t *testing.T) {
	_, oc := runTestDay(t, dayConfig{Orders: 80, Seed: 11, Workers: 4})
	d, sc := runTestDay(t, dayConfig{Orders: 80, Seed: 11, Workers: 4, API: apiSCAPI})
	checkDay(t, d, sc)
	if sc.Summary.OrdersExported == 0 || sc.Summary.PackagesShipped == 0 || sc.Summary.InventorySKUsPushed == 0 {
		t.Fatalf("the SCAPI day did nothing: %+v", sc.Summary)
	}
	compareDays(t, oc, sc)
	// The day really went through SCAPI and OCI: no OCAPI order or
	// inventory route was called.
	routes := routesOf(d)
	if routes["scapi"] == 0 || routes["oci"] == 0 {
		t.Errorf("SCAPI day called routes %v; want scapi.* and oci.*", routes)
	}
	for family, n := range routes {
		if family != "scapi" && family != "oci" && family != "token" {
			t.Errorf("SCAPI day called %d %s.* routes", n, family)
		}
	}
}

// A bad day's faults (429, 503 with sfdc_load headers, 500, an expired
// token) on the SCAPI and OCI routes end in the same figures as a clean
// OCAPI day.
func TestDay_SCAPIFaultsEndInTheSameStateAsACleanOCAPIDay(t *testing.T) {
	_, oc := runTestDay(t, dayConfig{Orders: 80, Seed: 11, Workers: 4})
	d, sc := runTestDay(t, dayConfig{Orders: 80, Seed: 11, Workers: 4, API: apiSCAPI, Faults: true})
	checkDay(t, d, sc)
	compareDays(t, oc, sc)
	faults := map[string]int{}
	for _, r := range d.srv.Requests() {
		if r.Status >= 429 {
			faults[r.Route]++
		}
	}
	for _, route := range []string{"scapi.order.status", "scapi.order.patch", "scapi.order.get", "scapi.order.search", "oci.batch"} {
		if faults[route] == 0 {
			t.Errorf("no fault answered on %s: faults were not moved to the SCAPI routes (%v)", route, faults)
		}
	}
}

func TestRun_UnknownAPIIsAUsageErrorNamingTheValue(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"-api", "soap"}, &out, &errb); code != 2 {
		t.Errorf("-api soap: exit %d, want 2", code)
	}
	if !strings.Contains(errb.String(), `"soap"`) {
		t.Errorf("stderr does not name the value:\n%s", errb.String())
	}
	for args, want := range map[string]sfccAPI{"": apiOCAPI, "-api ocapi": apiOCAPI, "-api scapi": apiSCAPI, "-api SCAPI": apiSCAPI} {
		fs := flag.NewFlagSet("o2c", flag.ContinueOnError)
		var cfg dayConfig
		apiFlag(fs, &cfg)
		if err := fs.Parse(strings.Fields(args)); err != nil || cfg.API != want {
			t.Errorf("%q: API %q, err %v; want %q", args, cfg.API, err, want)
		}
	}
}

func TestSCAPIEnvConfig_NamesEveryMissingVariable(t *testing.T) {
	env := map[string]string{}
	get := func(k string) string { return env[k] }
	if _, real, err := scapiEnvConfig(get, false); real || err != nil {
		t.Fatalf("no variables: real = %v, err = %v; want the simulator", real, err)
	}
	env["SFCC_HOST"] = "https://abcd-001.dx.commercecloud.salesforce.com"
	if _, _, err := scapiEnvConfig(get, false); err == nil || !strings.Contains(err.Error(), "SFCC_SHORT_CODE") {
		t.Errorf("SFCC_HOST alone with -api scapi: err = %v; want one naming SFCC_SHORT_CODE", err)
	}
	env["SFCC_SHORT_CODE"] = "kv7kzm78"
	_, real, err := scapiEnvConfig(get, true)
	if !real || err == nil {
		t.Fatalf("real = %v, err = %v", real, err)
	}
	for _, name := range []string{"SFCC_ORG_ID", "SFCC_SITE", "SFCC_CLIENT_ID", "SFCC_CLIENT_SECRET", "SFCC_INVENTORY_GROUP"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
	env["SFCC_ORG_ID"], env["SFCC_SITE"], env["SFCC_CLIENT_ID"] = "f_ecom_zzxy_prd", "RefArch", "id"
	env["SFCC_CLIENT_SECRET"], env["SFCC_INVENTORY_GROUP"] = "never-printed", "zzxy-group"
	cfg, _, err := scapiEnvConfig(get, true)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ShortCode != "kv7kzm78" || cfg.OrganizationID != "f_ecom_zzxy_prd" || cfg.InventoryGroupID != "zzxy-group" {
		t.Errorf("config = %+v", cfg)
	}
	if _, err := scapi.NewClient(cfg); err != nil {
		t.Errorf("NewClient: %v", err)
	}
}

// The command line: -api scapi -json prints the same figures as the
// default API.
func TestRun_APIScapiPrintsTheSameJSONFigures(t *testing.T) {
	figures := func(args ...string) map[string]any {
		var out, errb bytes.Buffer
		if code := run(context.Background(), append([]string{"-n", "30", "-seed", "5", "-json"}, args...), &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
		var s daySummary
		if err := json.Unmarshal(out.Bytes(), &s); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return apiNeutral(t, s)
	}
	oc, sc := figures(), figures("-api", "scapi")
	if oc["orders_exported"] == float64(0) {
		t.Fatalf("nothing exported: %v", oc)
	}
	if diff := cmp.Diff(oc, sc); diff != "" {
		t.Errorf("-api scapi figures differ (-ocapi +scapi):\n%s", diff)
	}
}
