package main

import (
	"encoding/base64"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// checkDay asserts what a finished day must show in the world: every order
// left READY (exported once or FAILED), the ERP's totals equal SFCC's per
// currency, one notification per package, nothing fed twice and nothing
// left in the WMS feeds.
func checkDay(t *testing.T, s worldSummary, orders int) {
	t.Helper()
	if s.OrdersReady != 0 || s.OrdersExported+s.OrdersFailed != orders {
		t.Errorf("orders: %d READY, %d exported, %d failed; want all %d exported or failed", s.OrdersReady, s.OrdersExported, s.OrdersFailed, orders)
	}
	if s.ERPOrders != s.OrdersExported || s.ERPJournals != s.OrdersExported {
		t.Errorf("ERP holds %d sales orders and %d journals for %d exported orders", s.ERPOrders, s.ERPJournals, s.OrdersExported)
	}
	if len(s.Totals) == 0 {
		t.Error("no currency totals")
	}
	for _, c := range s.Totals {
		if !c.Equal {
			t.Errorf("%s: SFCC total %s, ERP total %s", c.Currency, c.SFCCTotal, c.ERPTotal)
		}
	}
	if s.PackagesShipped == 0 || s.NotificationsSent != s.PackagesShipped || s.ShipmentsApplied != s.PackagesShipped {
		t.Errorf("%d packages shipped, %d applied, %d notifications; want them equal", s.PackagesShipped, s.ShipmentsApplied, s.NotificationsSent)
	}
	if s.OrdersShipped != s.OrdersExported {
		t.Errorf("%d orders shipped in SFCC, %d exported", s.OrdersShipped, s.OrdersExported)
	}
	if s.Duplicates != 0 {
		t.Errorf("%d duplicates", s.Duplicates)
	}
	if s.PendingConfirmations != 0 || s.PendingLevels != 0 || s.InventoryRecords == 0 {
		t.Errorf("WMS feeds: %d confirmations and %d levels left; %d inventory records in SFCC", s.PendingConfirmations, s.PendingLevels, s.InventoryRecords)
	}
}

func TestO2cd_DayOnSQLiteUntilIdle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the world and o2cd")
	}
	for _, faults := range []bool{false, true} {
		name := "clean"
		args := []string{"-n", "30", "-ship-every", "100ms", "-settlements", t.TempDir()}
		if faults {
			name = "faults"
			args = append(args, "-faults")
		}
		t.Run(name, func(t *testing.T) {
			w := startWorld(t, args...)
			dsn := "sqlite:" + filepath.Join(t.TempDir(), "o2c.db")
			hooks := newHookReceiver(t, "whsec_"+base64.StdEncoding.EncodeToString([]byte("o2cd-e2e-webhook-secret-32bytes!")))
			t.Setenv("O2C_WEBHOOK_SECRET", hooks.secret)
			p := startO2cd(t, w, dsn, "-until-idle", "-json", "-workers", "4", "-webhooks", hooks.url)
			p.wait(t, 90*time.Second)
			s := w.summary(t)
			checkDay(t, s, 30)
			// Every exported order and applied shipment was announced once
			// (by id), signed: a receiver that verifies took them all.
			if got := hooks.distinct("order.exported"); got != s.OrdersExported {
				t.Errorf("webhooks: %d orders announced exported, %d exported", got, s.OrdersExported)
			}
			if got := hooks.distinct("shipment.applied"); got != s.ShipmentsApplied {
				t.Errorf("webhooks: %d shipments announced applied, %d applied", got, s.ShipmentsApplied)
			}
			if hooks.bad() > 0 {
				t.Errorf("webhooks: %d deliveries without a valid signature", hooks.bad())
			}
			if faults && s.Faults.SFCC+s.Faults.ERPOutages+s.Faults.ERPLost+s.Faults.WMSOutages == 0 {
				t.Error("no fault fired")
			}
			// o2cd's own figures, counted from its database, agree with the
			// systems'.
			var got summary
			if err := json.Unmarshal(p.stdout.Bytes(), &got); err != nil {
				t.Fatalf("-json printed %q: %v", p.stdout.String(), err)
			}
			if got.OrdersExported != s.OrdersExported || got.OrdersFailed != s.OrdersFailed ||
				got.ShipmentsApplied != s.ShipmentsApplied || got.NotificationsSent != s.NotificationsSent || got.InventorySKUsPushed != s.InventoryRecords {
				t.Errorf("o2cd -json %+v\ndisagrees with the world %+v", got, s)
			}
			if lines := grepAt(p.log.String()); lines != "" {
				t.Errorf("the log holds unredacted emails:\n%s", lines)
			}

			// The provider settles the card payments of the day. A second
			// run on the same database reconciles its report, and changes
			// nothing else.
			settled := w.settle(t)
			if settled == 0 {
				t.Fatal("the provider settled no payment")
			}
			again := startO2cd(t, w, dsn, "-until-idle", "-json")
			again.wait(t, 60*time.Second)
			if s2 := w.summary(t); s2.ERPOrders != s.ERPOrders || s2.NotificationsSent != s.NotificationsSent || s2.Duplicates != 0 {
				t.Errorf("a second run changed the world: %+v, then %+v", s, s2)
			}
			var got2 summary
			if err := json.Unmarshal(again.stdout.Bytes(), &got2); err != nil {
				t.Fatalf("-json printed %q: %v", again.stdout.String(), err)
			}
			if got2.SettlementMatched != settled {
				t.Errorf("settlement: %d payments matched, the provider settled %d\n%s", got2.SettlementMatched, settled, tail(again.log.String(), 6000))
			}
			for _, x := range got2.Exceptions {
				if strings.HasPrefix(x.Kind, "settlement-") || x.Kind == "payout-difference" || x.Kind == "mapping-missing" {
					t.Errorf("settlement exception %+v", x)
				}
				// The orders are a week old: what the provider did not
				// settle (PayPal settles elsewhere) is missing, and
				// nothing it settled stays reported missing.
				if x.Kind == "payment-missing" && !strings.Contains(x.Detail, "PayPal") {
					t.Errorf("settled payment still missing: %+v", x)
				}
			}
		})
	}
}

// grepAt returns the log lines holding an email address that is not
// redacted.
func grepAt(log string) string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		if emailPattern.MatchString(l) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestO2cd_RetryExportEnqueuesOnceAndExits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds o2cd")
	}
	_, bin := binaries(t)
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "o2c.db")
	env := []string{"O2C_ERP_URL=http://127.0.0.1:1/erp", "O2C_WMS_URL=http://127.0.0.1:1/wms"}
	var outs []string
	for range 2 {
		cmd := exec.Command(bin, "-db", dsn, "-retry-export", "UK00000007")
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("o2cd -retry-export: %v\n%s", err, out)
		}
		outs = append(outs, string(out))
	}
	if !strings.Contains(outs[0], "retry_export for order UK00000007 queued") || !strings.Contains(outs[1], "already queued") {
		t.Errorf("first run printed %q, second %q; want queued, then already queued", outs[0], outs[1])
	}
}

func TestO2cd_SIGTERMStopsGracefullyAndARestartFinishesTheDay(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the world and o2cd")
	}
	w := startWorld(t, "-n", "20", "-ship-every", "100ms")
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "o2c.db")
	p := startO2cd(t, w, dsn)
	select {
	case <-p.applied:
	case <-time.After(60 * time.Second):
		t.Fatalf("no shipment applied within 60s\n%s", tail(p.log.String(), 4000))
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	p.wait(t, 30*time.Second)
	if !strings.Contains(p.log.String(), `"msg":"o2cd stopped"`) {
		t.Errorf("no final line after SIGTERM:\n%s", tail(p.log.String(), 2000))
	}
	again := startO2cd(t, w, dsn, "-until-idle")
	again.wait(t, 60*time.Second)
	checkDay(t, w.summary(t), 20)
}
