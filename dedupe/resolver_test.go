package dedupe_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/dedupe"
)

// manualClock is an injected clock that moves only when told to.
type manualClock struct{ t time.Time }

func (c *manualClock) now() time.Time          { return c.t }
func (c *manualClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newTestResolver(t *testing.T, dir dedupe.Directory, opts dedupe.Config) *dedupe.Resolver {
	t.Helper()
	opts.Directory = dir
	r, err := dedupe.NewResolver(opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustResolve(t *testing.T, r *dedupe.Resolver, oc dedupe.OrderCustomer) dedupe.Result {
	t.Helper()
	res, err := r.Resolve(context.Background(), oc)
	if err != nil {
		t.Fatalf("Resolve(%s): %v", oc.OrderNo, err)
	}
	return res
}

func guest(orderNo, email string) dedupe.OrderCustomer {
	return dedupe.OrderCustomer{OrderNo: orderNo, Email: email, Guest: true, FirstName: "Guest", LastName: "Shopper",
		Address: dedupe.Address{Line1: "1 Guest Lane", City: "Leeds", CountryCode: "GB"}}
}

func registered(orderNo, email, customerNo string) dedupe.OrderCustomer {
	return dedupe.OrderCustomer{OrderNo: orderNo, Email: email, CustomerNo: customerNo, FirstName: "Jane", LastName: "Doe",
		Phone: "+44 20 7946 0000", Address: dedupe.Address{Line1: "10 Account Road", City: "London", CountryCode: "GB"}}
}

func TestResolver_OneEmailSpelledManyWaysIsOneRecord(t *testing.T) {
	dir := newMemDirectory()
	r := newTestResolver(t, dir, dedupe.Config{})
	first := mustResolve(t, r, guest("00001", "  Jane.Doe@Example.COM "))
	if first.Outcome != dedupe.Created {
		t.Fatalf("first resolve outcome = %v, want created", first.Outcome)
	}
	for i, spelling := range []string{"jane.doe@example.com", "JANE.DOE@EXAMPLE.COM\t", "Jane.Doe@example.com."} {
		res := mustResolve(t, r, guest("0001"+string(rune('0'+i)), spelling))
		if res.Outcome != dedupe.Matched || res.CustomerID != first.CustomerID {
			t.Errorf("%q: outcome %v id %s, want matched %s", spelling, res.Outcome, res.CustomerID, first.CustomerID)
		}
	}
	recs := dir.records()
	if len(recs) != 1 {
		t.Fatalf("directory holds %d records, want 1", len(recs))
	}
	if recs[0].Email != "Jane.Doe@example.com" {
		t.Errorf("stored email = %q, want the shopper's local part with a canonical domain", recs[0].Email)
	}
}

func TestResolver_RecordsCreatedBeforeARestartAreMatched(t *testing.T) {
	dir := newMemDirectory()
	mustResolve(t, newTestResolver(t, dir, dedupe.Config{}), guest("1", "jane@example.com"))
	res := mustResolve(t, newTestResolver(t, dir, dedupe.Config{}), guest("2", "JANE@example.com"))
	if res.Outcome != dedupe.Matched || res.Cached {
		t.Errorf("after restart: outcome %v cached %v, want matched from the directory", res.Outcome, res.Cached)
	}
	if n := len(dir.records()); n != 1 {
		t.Errorf("directory holds %d records, want 1", n)
	}
}

func TestResolver_GuestOrderNeverOverwritesRegisteredRecord(t *testing.T) {
	for _, withUpdater := range []bool{false, true} {
		dir := newMemDirectory()
		var d dedupe.Directory = dir
		if withUpdater {
			d = updatingDirectory{dir}
		}
		reg := dir.seed(dedupe.Customer{Email: "jane@example.com", Registered: true, CustomerNo: "C42",
			FirstName: "Jane", LastName: "Doe", Address: dedupe.Address{Line1: "10 Account Road", CountryCode: "GB"}})
		r := newTestResolver(t, d, dedupe.Config{})
		res := mustResolve(t, r, guest("2001", "Jane@Example.com"))
		if res.Outcome != dedupe.Matched || res.CustomerID != reg.ID {
			t.Errorf("updater=%v: outcome %v id %s, want matched %s", withUpdater, res.Outcome, res.CustomerID, reg.ID)
		}
		got, _ := dir.byID(reg.ID)
		if diff := cmp.Diff(reg, got); diff != "" {
			t.Errorf("updater=%v: registered record changed by a guest order (-was +now):\n%s", withUpdater, diff)
		}
		if dir.updateCalls.Load() != 0 {
			t.Errorf("updater=%v: %d update calls for a guest order", withUpdater, dir.updateCalls.Load())
		}
	}
}

func TestResolver_RegisteredOrderLinksToItsRegisteredRecord(t *testing.T) {
	dir := newMemDirectory()
	guestRec := dir.seed(dedupe.Customer{Email: "jane@example.com", FirstName: "J"})
	regRec := dir.seed(dedupe.Customer{Email: "JANE@example.com", Registered: true, CustomerNo: "C42"})
	r := newTestResolver(t, updatingDirectory{dir}, dedupe.Config{})
	res := mustResolve(t, r, registered("3001", "jane@example.com", "C42"))
	if res.CustomerID != regRec.ID {
		t.Errorf("registered order linked to %s, want the registered record %s (guest record %s)", res.CustomerID, regRec.ID, guestRec.ID)
	}
	if dir.updateCalls.Load() != 0 {
		t.Errorf("matched registered record was updated")
	}
}

func TestResolver_RegisteredOrderTakesOverGuestOnlyRecord(t *testing.T) {
	t.Run("directory with CustomerUpdater links the record", func(t *testing.T) {
		dir := newMemDirectory()
		rec := dir.seed(dedupe.Customer{Email: "jane@example.com", FirstName: "Guest"})
		r := newTestResolver(t, updatingDirectory{dir}, dedupe.Config{})
		oc := registered("4001", "Jane@example.com", "C42")
		res := mustResolve(t, r, oc)
		if res.Outcome != dedupe.Linked || res.CustomerID != rec.ID {
			t.Fatalf("outcome %v id %s, want linked %s", res.Outcome, res.CustomerID, rec.ID)
		}
		got, _ := dir.byID(rec.ID)
		want := rec
		want.Registered, want.CustomerNo = true, "C42"
		want.FirstName, want.LastName, want.Phone, want.Address = oc.FirstName, oc.LastName, oc.Phone, oc.Address
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("linked record (-want +got):\n%s", diff)
		}
		// The link is cached: the next registered order costs no call.
		finds := dir.finds.Load()
		if res := mustResolve(t, r, registered("4002", "jane@example.com", "C42")); !res.Cached {
			t.Errorf("second registered order not served from cache")
		}
		if dir.finds.Load() != finds || dir.updateCalls.Load() != 1 {
			t.Errorf("second registered order: %d finds, %d updates in total", dir.finds.Load()-finds, dir.updateCalls.Load())
		}
	})
	t.Run("directory without CustomerUpdater matches the guest record unchanged", func(t *testing.T) {
		dir := newMemDirectory()
		rec := dir.seed(dedupe.Customer{Email: "jane@example.com", FirstName: "Guest"})
		r := newTestResolver(t, dir, dedupe.Config{})
		res := mustResolve(t, r, registered("4101", "jane@example.com", "C42"))
		if res.Outcome != dedupe.Matched || res.CustomerID != rec.ID {
			t.Fatalf("outcome %v id %s, want matched %s", res.Outcome, res.CustomerID, rec.ID)
		}
		if got, _ := dir.byID(rec.ID); got != rec {
			t.Errorf("guest record changed: %+v", got)
		}
		if n := len(dir.records()); n != 1 {
			t.Errorf("directory holds %d records, want 1", n)
		}
	})
}

func TestResolver_RegisteredOrderOfAnotherCustomerNoIsReported(t *testing.T) {
	dir := newMemDirectory()
	rec := dir.seed(dedupe.Customer{Email: "jane@example.com", Registered: true, CustomerNo: "C1"})
	r := newTestResolver(t, updatingDirectory{dir}, dedupe.Config{})
	res := mustResolve(t, r, registered("5001", "jane@example.com", "C2"))
	if res.CustomerID != rec.ID || len(res.Findings) != 1 {
		t.Fatalf("id %s findings %v, want %s and one finding", res.CustomerID, res.Findings, rec.ID)
	}
	conflict, ok := res.Findings[0].(*dedupe.CustomerNoConflict)
	if !ok {
		t.Fatalf("finding %T, want *CustomerNoConflict", res.Findings[0])
	}
	want := &dedupe.CustomerNoConflict{OrderNo: "5001", Email: "j***@example.com", CustomerNo: "C2",
		Record: dedupe.RecordRef{ID: rec.ID, CustomerNo: "C1", Registered: true, Created: rec.Created}}
	if diff := cmp.Diff(want, conflict); diff != "" {
		t.Errorf("conflict (-want +got):\n%s", diff)
	}
	if got, _ := dir.byID(rec.ID); got != rec {
		t.Errorf("another customer's registered record was changed: %+v", got)
	}
}

func TestResolver_LegacyDuplicatesPickOneDeterministically(t *testing.T) {
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	recs := map[string]dedupe.Customer{
		"guest-old": {ID: "9", Email: "jane@example.com", Created: t0},
		"guest-new": {ID: "10", Email: "JANE@example.com", Created: t0.Add(time.Hour)},
		"reg-C7":    {ID: "300", Email: "Jane@Example.com", Registered: true, CustomerNo: "C7", Created: t0.Add(48 * time.Hour)},
		"reg-C8":    {ID: "200", Email: "jane@example.com", Registered: true, CustomerNo: "C8", Created: t0.Add(24 * time.Hour)},
		"undated":   {ID: "1", Email: "jane@example.com"},
		"same-time": {ID: "11", Email: "jane@example.com", Created: t0.Add(time.Hour)},
	}
	cases := []struct {
		name     string
		seeded   []string
		order    dedupe.OrderCustomer
		wantKept string
		wantAll  []string
	}{
		{"guest order: registered before guest, earliest registered first", []string{"guest-old", "reg-C7", "reg-C8", "guest-new"},
			guest("6001", "jane@example.com"), "200", []string{"200", "300", "9", "10"}},
		{"same set returned in another order", []string{"guest-new", "reg-C8", "guest-old", "reg-C7"},
			guest("6002", "jane@example.com"), "200", []string{"200", "300", "9", "10"}},
		{"registered order: own customer number first", []string{"guest-old", "reg-C7", "reg-C8"},
			registered("6003", "jane@example.com", "C7"), "300", []string{"300", "200", "9"}},
		{"guests only: earliest created, undated last", []string{"undated", "guest-new", "guest-old"},
			guest("6004", "jane@example.com"), "9", []string{"9", "10", "1"}},
		{"same created time: shorter then smaller id", []string{"same-time", "guest-new"},
			guest("6005", "jane@example.com"), "10", []string{"10", "11"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := newMemDirectory()
			for _, k := range tc.seeded {
				dir.seed(recs[k])
			}
			r := newTestResolver(t, dir, dedupe.Config{})
			res := mustResolve(t, r, tc.order)
			if res.CustomerID != tc.wantKept {
				t.Errorf("kept %s, want %s", res.CustomerID, tc.wantKept)
			}
			if len(res.Findings) != 1 {
				t.Fatalf("findings %v, want one merge candidate", res.Findings)
			}
			mc, ok := res.Findings[0].(*dedupe.MergeCandidate)
			if !ok {
				t.Fatalf("finding %T, want *MergeCandidate", res.Findings[0])
			}
			var ids []string
			for _, ref := range mc.Records {
				ids = append(ids, ref.ID)
			}
			if diff := cmp.Diff(tc.wantAll, ids); diff != "" {
				t.Errorf("merge candidate records (-want +got):\n%s", diff)
			}
			if mc.Kept != tc.wantKept || mc.OrderNo != tc.order.OrderNo || mc.Email != "j***@example.com" {
				t.Errorf("merge candidate = %+v", mc)
			}
			if n := len(dir.records()); n != len(tc.seeded) {
				t.Errorf("directory holds %d records, want the %d seeded (no create)", n, len(tc.seeded))
			}
		})
	}
}

func TestResolver_CacheExpiresOnTheInjectedClock(t *testing.T) {
	dir := newMemDirectory()
	clock := &manualClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	r := newTestResolver(t, dir, dedupe.Config{CacheTTL: 10 * time.Minute, Now: clock.now})
	mustResolve(t, r, guest("7001", "jane@example.com"))
	finds := dir.finds.Load()

	clock.advance(10*time.Minute - time.Nanosecond)
	if res := mustResolve(t, r, guest("7002", "jane@example.com")); !res.Cached {
		t.Error("match not cached within its TTL")
	}
	if dir.finds.Load() != finds {
		t.Error("cached match still asked the directory")
	}
	clock.advance(time.Nanosecond)
	if res := mustResolve(t, r, guest("7003", "jane@example.com")); res.Cached || res.Outcome != dedupe.Matched {
		t.Errorf("after TTL: cached %v outcome %v, want matched from the directory", res.Cached, res.Outcome)
	}
	if dir.finds.Load() != finds+1 {
		t.Errorf("after TTL: %d finds, want 1", dir.finds.Load()-finds)
	}
}

func TestResolver_CacheIsBoundedLeastRecentlyUsedFirst(t *testing.T) {
	dir := newMemDirectory()
	r := newTestResolver(t, dir, dedupe.Config{CacheSize: 2})
	mustResolve(t, r, guest("1", "a@example.com"))
	mustResolve(t, r, guest("2", "b@example.com"))
	mustResolve(t, r, guest("3", "a@example.com")) // a is now most recent
	mustResolve(t, r, guest("4", "c@example.com")) // evicts b
	if n := dedupe.CachedMatches(r); n != 2 {
		t.Errorf("cache holds %d matches, want 2", n)
	}
	if !mustResolve(t, r, guest("5", "a@example.com")).Cached {
		t.Error("recently used a was evicted")
	}
	if mustResolve(t, r, guest("6", "b@example.com")).Cached {
		t.Error("least recently used b was not evicted")
	}
}

func TestResolver_MissesAreNotCached(t *testing.T) {
	base := newMemDirectory()
	failCreate := true
	dir := funcDirectory{Directory: base, create: func(ctx context.Context, c dedupe.Customer) (dedupe.Customer, error) {
		if failCreate {
			return dedupe.Customer{}, errors.New("ERP unavailable")
		}
		return base.CreateCustomer(ctx, c)
	}}
	r := newTestResolver(t, dir, dedupe.Config{})
	if _, err := r.Resolve(context.Background(), guest("8001", "jane@example.com")); err == nil {
		t.Fatal("want the create error")
	}
	// Another process creates the record; the next resolve must find it.
	other := base.seed(dedupe.Customer{Email: "jane@example.com"})
	res := mustResolve(t, r, guest("8002", "jane@example.com"))
	if res.CustomerID != other.ID || res.Outcome != dedupe.Matched {
		t.Errorf("outcome %v id %s, want matched %s", res.Outcome, res.CustomerID, other.ID)
	}
}

func TestResolver_ForgetDropsTheCachedMatch(t *testing.T) {
	dir := newMemDirectory()
	r := newTestResolver(t, dir, dedupe.Config{})
	mustResolve(t, r, guest("1", "jane@example.com"))
	r.Forget(" JANE@example.com")
	if mustResolve(t, r, guest("2", "jane@example.com")).Cached {
		t.Error("match still cached after Forget")
	}
}

func TestResolver_EverySpellingFindsTheRecordInANewProcess(t *testing.T) {
	gmail := dedupe.Normalizer{GmailDots: true, PlusTagDomains: []string{"gmail.com"}}
	cases := []struct {
		name         string
		rules        dedupe.Normalizer
		legacy       string // a record stored by other means; empty: the first order creates it
		first, later string
	}{
		{"sharp s, then capitals", dedupe.Normalizer{}, "", "Straße@example.de", "STRASSE@example.de"},
		{"capitals, then sharp s", dedupe.Normalizer{}, "", "STRASSE@example.de", "straße@example.de"},
		{"legacy sharp s record", dedupe.Normalizer{}, "Straße@example.de", "", "straße@EXAMPLE.de"},
		{"A-label, then Unicode capitals", dedupe.Normalizer{}, "", "jane@xn--bcher-kva.de", "JANE@BÜCHER.DE"},
		{"legacy A-label record, Unicode order", dedupe.Normalizer{}, "jane@XN--BCHER-KVA.DE", "", "Jane@bücher.de"},
		{"legacy Unicode record, A-label order", dedupe.Normalizer{}, "jane@bücher.de", "", "JANE@xn--bcher-kva.de"},
		{"gmail dots and tag, then googlemail", gmail, "", "Jane.Doe+shop@gmail.com", "janedoe@googlemail.com"},
		{"legacy dotted gmail record found by its spelling", gmail, "Jane.Doe@gmail.com", "", "jane.doe@gmail.com"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := newMemDirectory()
			var want string
			if tc.legacy != "" {
				want = dir.seed(dedupe.Customer{Email: tc.legacy}).ID
			} else {
				want = mustResolve(t, newTestResolver(t, dir, dedupe.Config{Normalizer: tc.rules}), guest("1", tc.first)).CustomerID
			}
			res := mustResolve(t, newTestResolver(t, dir, dedupe.Config{Normalizer: tc.rules}), guest("2", tc.later))
			if res.Outcome != dedupe.Matched || res.CustomerID != want {
				t.Errorf("later order: outcome %v id %s, want matched %s", res.Outcome, res.CustomerID, want)
			}
			if n := len(dir.records()); n != 1 {
				t.Errorf("directory holds %d records, want 1", n)
			}
		})
	}
}

func TestResolver_IgnoresOtherEmailsFromALooseDirectorySearch(t *testing.T) {
	base := newMemDirectory()
	other := base.seed(dedupe.Customer{Email: "jane.doe@example.com", Registered: true, CustomerNo: "C9"})
	// A CRM "contains" search: returns every record whose email contains the query's local part.
	dir := funcDirectory{Directory: base, find: func(_ context.Context, email string) ([]dedupe.Customer, error) {
		local := strings.ToLower(email[:strings.IndexByte(email, '@')])
		out := []dedupe.Customer{}
		for _, c := range base.records() {
			if strings.Contains(strings.ToLower(c.Email), local) {
				out = append(out, c)
			}
		}
		return out, nil
	}}
	res := mustResolve(t, newTestResolver(t, dir, dedupe.Config{}), guest("1", "jane@example.com"))
	if res.Outcome != dedupe.Created || res.CustomerID == other.ID {
		t.Errorf("outcome %v id %s: matched another email's record", res.Outcome, res.CustomerID)
	}
}

func TestResolver_WithTheCacheOffEveryResolveAsksTheDirectory(t *testing.T) {
	dir := newMemDirectory()
	r := newTestResolver(t, dir, dedupe.Config{CacheSize: -1})
	for i := range 3 {
		res := mustResolve(t, r, guest(string(rune('1'+i)), "jane@example.com"))
		if res.Cached {
			t.Errorf("resolve %d served from a disabled cache", i)
		}
	}
	if f, c := dir.finds.Load(), dir.creates.Load(); f != 3 || c != 1 {
		t.Errorf("%d finds and %d creates, want 3 and 1", f, c)
	}
	if n := dedupe.CachedMatches(r); n != 0 {
		t.Errorf("disabled cache holds %d matches", n)
	}
}
