package ocapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

func TestSim_HundredConcurrentCallsFetchOneToken(t *testing.T) {
	env := newSimEnv(t, nil)
	env.sim.PutInventory("inv-uk", sfcc.InventoryRecord{ProductID: "SKU-1", Allocation: decimal.MustNew(5, 0)})
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			if _, err := env.client.GetInventory(context.Background(), "inv-uk", "SKU-1"); env.seen(err) != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := env.sim.TokenRequests(); n != 1 {
		t.Errorf("token requests = %d, want exactly 1", n)
	}
	if total, by := routeCount(env.sim, "inventory.get"); total != 100 || by[200] != 100 {
		t.Errorf("inventory.get = %d %v, want 100 answered 200", total, by)
	}
}

func TestSim_ExpiredTokenIsRenewed(t *testing.T) {
	t.Run("server expires tokens: one 401, one re-fetch, one retry", func(t *testing.T) {
		env := newSimEnv(t, nil)
		env.sim.AddOrders(simOrder("00001", sfcc.ExportStatusReady))
		ctx := context.Background()
		if _, err := env.client.GetOrder(ctx, "00001"); env.seen(err) != nil {
			t.Fatal(err)
		}
		env.sim.ExpireTokens()
		if _, err := env.client.GetOrder(ctx, "00001"); env.seen(err) != nil {
			t.Fatalf("after expiry: %v", err)
		}
		if n := env.sim.TokenRequests(); n != 2 {
			t.Errorf("token requests = %d, want 2", n)
		}
		if _, by := routeCount(env.sim, "order.get"); by[401] != 1 || by[200] != 2 {
			t.Errorf("order.get statuses = %v, want one 401 and two 200", by)
		}
	})
	t.Run("token near its lifetime is renewed before use", func(t *testing.T) {
		clock := &simClock{now: orderDay}
		env := newSimEnv(t, []sfcctest.Option{sfcctest.WithClock(clock.Now), sfcctest.WithTokenLifetime(10 * time.Minute)},
			func(c *ocapi.Config) { c.Now = clock.Now })
		env.sim.AddOrders(simOrder("00001", sfcc.ExportStatusReady))
		ctx := context.Background()
		for i, step := range []time.Duration{0, 8 * time.Minute, 2 * time.Minute} {
			clock.Advance(step)
			if err := env.client.SetExternalStatus(ctx, "00001", fmt.Sprintf("step %d", i)); env.seen(err) != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		}
		if n := env.sim.TokenRequests(); n != 2 {
			t.Errorf("token requests = %d, want 2", n)
		}
		if _, by := routeCount(env.sim, "order.status"); by[401] != 0 {
			t.Errorf("a request went out with an expired token: %v", by)
		}
	})
}

type simClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *simClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestSim_RetryAfterOn429IsHonoured(t *testing.T) {
	env := newSimEnv(t, nil)
	env.sim.AddOrders(simOrder("00001", sfcc.ExportStatusReady))
	env.sim.InjectFault(sfcctest.Fault{Route: "order.status", Status: http.StatusTooManyRequests, RetryAfter: 3 * time.Second, Times: 2})
	if err := env.client.SetExportStatus(context.Background(), "00001", sfcc.ExportStatusExported); env.seen(err) != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{3 * time.Second, 3 * time.Second}, env.recordedWaits()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	if o, _ := env.sim.Order("00001"); o.Status.Export != sfcc.ExportStatusExported {
		t.Errorf("export status = %s", o.Status.Export)
	}
	if _, by := routeCount(env.sim, "order.status"); by[429] != 2 || by[204]+by[200] != 1 {
		t.Errorf("order.status statuses = %v", by)
	}
}

func TestSim_ThrottledInstanceGetsLongerBackoff(t *testing.T) {
	env := newSimEnv(t, nil)
	env.sim.PutInventory("inv-uk", sfcc.InventoryRecord{ProductID: "SKU-1"})
	env.sim.InjectFault(sfcctest.Fault{Route: "inventory.get", Status: http.StatusServiceUnavailable, LoadStatus: "WARN", Times: 1})
	env.sim.InjectFault(sfcctest.Fault{Route: "inventory.get", Status: http.StatusServiceUnavailable, LoadStatus: "THROTTLE", Times: 1})
	if _, err := env.client.GetInventory(context.Background(), "inv-uk", "SKU-1"); env.seen(err) != nil {
		t.Fatal(err)
	}
	// 50 ms, then the second retry's 100 ms four times over under THROTTLE.
	if diff := cmp.Diff([]time.Duration{50 * time.Millisecond, 400 * time.Millisecond}, env.recordedWaits()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}

func TestSim_OrderSearchIsRetriedOn500(t *testing.T) {
	env := newSimEnv(t, nil)
	env.sim.AddOrders(simOrder("00001", sfcc.ExportStatusReady))
	env.sim.InjectFault(sfcctest.Fault{Route: "order.search", Status: http.StatusInternalServerError, Times: 1})
	var found []string
	for o, err := range env.client.SearchOrders(context.Background(), sfcc.OrderQuery{ExportStatus: sfcc.ExportStatusReady}) {
		if env.seen(err) != nil {
			t.Fatal(err)
		}
		found = append(found, o.OrderNo)
	}
	if len(found) != 1 {
		t.Errorf("found %v, want the one READY order", found)
	}
	if n, byStatus := routeCount(env.sim, "order.search"); n != 2 || byStatus[500] != 1 || len(env.recordedWaits()) != 1 {
		t.Errorf("order.search requests = %d %v, waits = %v; want a 500 then a 200, one wait", n, byStatus, env.recordedWaits())
	}
}

func TestSim_SearchPassSurvivesAFailedPage(t *testing.T) {
	env := newSimEnv(t, nil)
	var want []string
	for i := 1; i <= 7; i++ {
		no := fmt.Sprintf("%05d", i)
		env.sim.AddOrders(simOrder(no, sfcc.ExportStatusReady))
		want = append(want, no)
	}
	// The first page answers; then the second page fails for longer than
	// the client retries (1 + MaxRetries attempts), then SFCC recovers.
	attempts := 1 + ocapi.DefaultMaxRetries
	var got []string
	var errs []error
	for o, err := range env.client.SearchOrders(context.Background(), sfcc.OrderQuery{ExportStatus: sfcc.ExportStatusReady, PageSize: 3}) {
		if err != nil {
			errs = append(errs, env.seen(err))
			continue
		}
		got = append(got, o.OrderNo)
		if len(got) == 3 {
			env.sim.InjectFault(sfcctest.Fault{Route: "order.search", Status: http.StatusServiceUnavailable, Times: attempts})
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("orders of the pass (-want +got):\n%s", diff)
	}
	var e *sfcc.Error
	if len(errs) != 1 || !errors.As(errs[0], &e) || e.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("errors = %v, want the one failed page", errs)
	}
	// Page 1 once, page 2 failed attempts then once more, page 3 once:
	// no page before the failed one was asked for again.
	if n, _ := routeCount(env.sim, "order.search"); n != 1+attempts+1+1 {
		t.Errorf("order.search requests = %d, want %d", n, 1+attempts+2)
	}
}

func TestSim_120InventoryUpdatesTravelAsThreeBatchesWithEachOutcome(t *testing.T) {
	env := newSimEnv(t, nil)
	var seed []sfcc.InventoryRecord
	var updates []sfcc.InventoryUpdate
	for i := range 120 {
		sku := fmt.Sprintf("SKU-%03d", i)
		alloc := decimal.MustNew(int64(i*3), 0)
		switch i {
		case 41:
			sku = "SKU-UNKNOWN" // never seeded: 404
		case 99:
			alloc = decimal.MustNew(-4, 0) // negative: 400
		}
		if i != 41 {
			seed = append(seed, sfcc.InventoryRecord{ProductID: sku, Allocation: decimal.MustNew(1, 0)})
		}
		updates = append(updates, sfcc.InventoryUpdate{ProductID: sku, Allocation: &alloc})
	}
	env.sim.PutInventory("inv-uk", seed...)
	res, err := env.client.UpdateInventory(context.Background(), "inv-uk", updates)
	if env.seen(err) != nil {
		t.Fatal(err)
	}
	var parts []int
	for _, r := range env.sim.Requests() {
		if r.Route == "batch" {
			parts = append(parts, r.BatchParts)
		}
	}
	if diff := cmp.Diff([]int{50, 50, 20}, parts); diff != "" {
		t.Errorf("batch requests' parts (-want +got):\n%s", diff)
	}
	for i, r := range res {
		env.seen(r.Err)
		var e *sfcc.Error
		switch i {
		case 41:
			if !errors.As(r.Err, &e) || !errors.Is(r.Err, sfcc.ErrNotFound) || e.FaultType != "ProductInventoryRecordNotFoundException" {
				t.Errorf("unknown SKU: %v", r.Err)
			}
		case 99:
			if !errors.Is(r.Err, sfcc.ErrBadRequest) {
				t.Errorf("negative allocation: %v", r.Err)
			}
			if rec, _ := env.sim.Inventory("inv-uk", r.ProductID); rec.Allocation.String() != "1" {
				t.Errorf("refused update changed the record: %v", rec.Allocation)
			}
		default:
			if r.Err != nil || r.ProductID != updates[i].ProductID || r.Record.Allocation.Cmp(*updates[i].Allocation) != 0 {
				t.Errorf("%d %s: %+v", i, r.ProductID, r)
			}
			if rec, _ := env.sim.Inventory("inv-uk", r.ProductID); rec.Allocation.Cmp(*updates[i].Allocation) != 0 {
				t.Errorf("%s stored allocation = %s", r.ProductID, rec.Allocation)
			}
		}
	}
}

func TestSim_PagingThroughThousandOrdersYieldsEachOnce(t *testing.T) {
	env := newSimEnv(t, nil)
	var seeded []sfcc.Order
	for i := range 1000 {
		export := sfcc.ExportStatusReady
		if i%10 == 9 {
			export = sfcc.ExportStatusExported
		}
		seeded = append(seeded, sfcc.Order{OrderNo: fmt.Sprintf("%08d", 1000-i), Currency: "EUR", OrderDate: orderDay.Add(time.Duration(i) * time.Minute),
			Status: sfcc.StatusSet{Order: sfcc.OrderStatusNew, Export: export}})
	}
	env.sim.AddOrders(seeded...)
	for _, tc := range []struct {
		q    sfcc.OrderQuery
		want int
	}{
		{sfcc.OrderQuery{}, 1000},
		{sfcc.OrderQuery{ExportStatus: sfcc.ExportStatusReady, PageSize: 150, SortBy: "creation_date"}, 900},
	} {
		env.sim.ResetRequests()
		seen := map[string]int{}
		var order []string
		for o, err := range env.client.SearchOrders(context.Background(), tc.q) {
			if env.seen(err) != nil {
				t.Fatal(err)
			}
			seen[o.OrderNo]++
			order = append(order, o.OrderNo)
		}
		if len(seen) != tc.want || len(order) != tc.want {
			t.Errorf("%+v: %d distinct of %d yielded, want %d", tc.q, len(seen), len(order), tc.want)
		}
		pages, _ := routeCount(env.sim, "order.search")
		size := tc.q.PageSize
		if size == 0 {
			size = 200
		}
		if wantPages := (tc.want + size - 1) / size; pages != wantPages {
			t.Errorf("%+v: %d search requests, want %d", tc.q, pages, wantPages)
		}
		if tc.q.SortBy == "" && (order[0] != "00000001" || order[len(order)-1] != "00001000") {
			t.Errorf("not sorted by order number: first %s last %s", order[0], order[len(order)-1])
		}
	}
}

func TestSim_FaultsComeBackAsTypedErrors(t *testing.T) {
	env := newSimEnv(t, nil)
	cancelled := simOrder("00002", sfcc.ExportStatusReady)
	cancelled.Status.Order = sfcc.OrderStatusCancelled
	env.sim.AddOrders(simOrder("00001", sfcc.ExportStatusReady), cancelled)
	env.sim.PutInventory("inv-uk", sfcc.InventoryRecord{ProductID: "SKU-1"})
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		call     func() error
		status   int
		fault    string
		sentinel error
	}{
		{"unknown order", func() error { _, err := env.client.GetOrder(ctx, "99999"); return err },
			404, "OrderNotFoundException", sfcc.ErrNotFound},
		{"status of unknown order", func() error { return env.client.SetExportStatus(ctx, "99999", sfcc.ExportStatusExported) },
			404, "OrderNotFoundException", sfcc.ErrNotFound},
		{"reopen a cancelled order", func() error { return env.client.SetOrderStatus(ctx, "00002", sfcc.OrderStatusOpen) },
			409, "OrderStatusTransitionException", sfcc.ErrConflict},
		{"unknown status value", func() error { return env.client.SetExportStatus(ctx, "00001", "SHIPPED_TO_MARS") },
			400, "", sfcc.ErrBadRequest},
		{"unknown inventory record", func() error { _, err := env.client.GetInventory(ctx, "inv-uk", "NOPE"); return err },
			404, "ProductInventoryRecordNotFoundException", sfcc.ErrNotFound},
	} {
		err := env.seen(tc.call())
		var e *sfcc.Error
		if !errors.As(err, &e) || e.StatusCode != tc.status || !errors.Is(err, tc.sentinel) {
			t.Errorf("%s: err = %v, want %d matching %v", tc.name, err, tc.status, tc.sentinel)
			continue
		}
		if tc.fault != "" && e.FaultType != tc.fault {
			t.Errorf("%s: fault type = %q, want %q", tc.name, e.FaultType, tc.fault)
		}
		if e.FaultType == "" || e.Method == "" || e.Path == "" {
			t.Errorf("%s: incomplete error %+v", tc.name, e)
		}
	}
}

func TestSim_SecretWithPlusPercentAmpersandAuthenticates(t *testing.T) {
	for _, secret := range []string{sfcctest.DefaultClientSecret, "a+b%20c&d=e/f:g"} {
		env := newSimEnv(t, []sfcctest.Option{sfcctest.WithCredentials("id:with+colon", secret)})
		env.sim.AddOrders(simOrder("00001", sfcc.ExportStatusReady))
		if _, err := env.client.GetOrder(context.Background(), "00001"); env.seen(err) != nil {
			t.Errorf("secret %q: %v", secret, err)
		}
	}
	env := newSimEnv(t, nil, func(c *ocapi.Config) { c.Secret = sfcc.StaticSecret(sfcctest.DefaultClientSecret + "x") })
	_, err := env.client.GetOrder(context.Background(), "00001")
	env.seen(err)
	var e *sfcc.Error
	if !errors.As(err, &e) || !errors.Is(err, sfcc.ErrUnauthorized) || e.FaultType != "invalid_client" {
		t.Errorf("wrong secret: err = %v", err)
	}
	if n := env.sim.TokenRequests(); n != 1 {
		t.Errorf("rejected credentials were retried: %d token requests", n)
	}
}

func TestSim_LogsAndErrorsCarryNoCredentials(t *testing.T) {
	env := newSimEnv(t, nil)
	env.sim.AddOrders(simOrder("00001", sfcc.ExportStatusReady))
	ctx := context.Background()
	env.sim.InjectFault(sfcctest.Fault{Route: "order.get", Status: http.StatusServiceUnavailable, RetryAfter: time.Second, Times: 1})
	if _, err := env.client.GetOrder(ctx, "00001"); env.seen(err) != nil {
		t.Fatal(err)
	}
	env.sim.ExpireTokens()
	env.seen(env.client.SetOrderStatus(ctx, "00001", sfcc.OrderStatusCancelled))
	env.seen(env.client.SetOrderStatus(ctx, "00001", sfcc.OrderStatusOpen)) // 409
	env.seen(env.client.PatchOrderCustom(ctx, "00001", map[string]any{"erpNo": "SO-1", "weight": decimal.MustParse("1.25")}))
	env.sim.InjectFault(sfcctest.Fault{Route: "order.get", Drop: true})
	_, err := env.client.GetOrder(ctx, "00001")
	if env.seen(err) == nil {
		t.Error("dropped connections: want an error")
	}
	env.sim.ClearFaults()
	env.sim.ExpireTokens()
	for _, err := range env.client.SearchOrders(ctx, sfcc.OrderQuery{}) {
		env.seen(err)
	}
	logs := env.logs.String()
	for _, want := range []string{"sfcc: request", "sfcc: retrying request", "sfcc: access token fetched"} {
		if !strings.Contains(logs, want) {
			t.Errorf("debug log lacks %q; got:\n%s", want, logs)
		}
	}
	if len(env.spy.credentials()) < 2 {
		t.Errorf("spy saw %d credentials; the check below would prove nothing", len(env.spy.credentials()))
	}
	env.checkNoLeaks(t)
}

func TestSim_ServerSideRateLimitIsRiddenOutWithRetryAfter(t *testing.T) {
	clock := &simClock{now: orderDay}
	env := newSimEnv(t, []sfcctest.Option{sfcctest.WithClock(clock.Now), sfcctest.WithRateLimit(2, 2)},
		func(c *ocapi.Config) {
			c.Now = clock.Now
			// Waiting moves the simulator's clock, so its bucket refills.
			c.Sleep = func(ctx context.Context, d time.Duration) error {
				clock.Advance(d)
				return ctx.Err()
			}
		})
	env.sim.PutInventory("inv-uk", sfcc.InventoryRecord{ProductID: "SKU-1"})
	for i := range 10 {
		if _, err := env.client.GetInventory(context.Background(), "inv-uk", "SKU-1"); env.seen(err) != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	total, by := routeCount(env.sim, "inventory.get")
	if by[200] != 10 || by[429] == 0 || total != 10+by[429] {
		t.Errorf("inventory.get statuses = %v", by)
	}
	if elapsed := clock.Now().Sub(orderDay); elapsed < 4*time.Second {
		t.Errorf("10 calls at 2/s finished after %v of waiting; the limit was not respected", elapsed)
	}
}

func TestSim_HundredConcurrentCallsAfterExpiryFetchOneNewToken(t *testing.T) {
	env := newSimEnv(t, nil)
	env.sim.PutInventory("inv-uk", sfcc.InventoryRecord{ProductID: "SKU-1", Allocation: decimal.MustNew(5, 0)})
	ctx := context.Background()
	if _, err := env.client.GetInventory(ctx, "inv-uk", "SKU-1"); env.seen(err) != nil {
		t.Fatal(err)
	}
	env.sim.ExpireTokens()
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			if _, err := env.client.GetInventory(ctx, "inv-uk", "SKU-1"); env.seen(err) != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := env.sim.TokenRequests(); n != 2 {
		t.Errorf("token requests = %d, want 2 (one before and one after the expiry)", n)
	}
	if _, by := routeCount(env.sim, "inventory.get"); by[200] != 101 {
		t.Errorf("inventory.get statuses = %v, want 101 answered 200", by)
	}
}

func TestSim_ExpiredTokenReplaysWritesAndSearchesWithTheirBody(t *testing.T) {
	env := newSimEnv(t, nil)
	env.sim.AddOrders(simOrder("00001", sfcc.ExportStatusReady))
	ctx := context.Background()
	if _, err := env.client.GetOrder(ctx, "00001"); env.seen(err) != nil {
		t.Fatal(err)
	}
	env.sim.ExpireTokens()
	if err := env.client.SetExportStatus(ctx, "00001", sfcc.ExportStatusExported); env.seen(err) != nil {
		t.Fatalf("PUT after expiry: %v", err)
	}
	if o, _ := env.sim.Order("00001"); o.Status.Export != sfcc.ExportStatusExported {
		t.Errorf("export status = %s, want the replayed PUT applied", o.Status.Export)
	}
	// A 401 means SFCC did not run the search, so even the non-idempotent
	// POST is sent again once with the fresh token.
	env.sim.ExpireTokens()
	var found []string
	for o, err := range env.client.SearchOrders(ctx, sfcc.OrderQuery{ExportStatus: sfcc.ExportStatusExported}) {
		if env.seen(err) != nil {
			t.Fatalf("search after expiry: %v", err)
		}
		found = append(found, o.OrderNo)
	}
	if diff := cmp.Diff([]string{"00001"}, found); diff != "" {
		t.Errorf("search (-want +got):\n%s", diff)
	}
	for _, route := range []string{"order.status", "order.search"} {
		if total, by := routeCount(env.sim, route); total != 2 || by[401] != 1 {
			t.Errorf("%s statuses = %v, want one 401 then one success", route, by)
		}
	}
	if n := env.sim.TokenRequests(); n != 3 {
		t.Errorf("token requests = %d, want 3", n)
	}
}
