package dedupe_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp/erptest"
)

// raceOrders builds the race test's stream: goroutine g orders as customer
// g%emails, spelled one of three ways (case, padding). Every fourth customer
// is registered and also checks out as a guest now and then.
func raceOrders(goroutines, emails int) []dedupe.OrderCustomer {
	spellings := []string{"Customer%02d@Example.com", "  customer%02d@EXAMPLE.COM", "CUSTOMER%02d@example.com\t"}
	out := make([]dedupe.OrderCustomer, goroutines)
	for g := range out {
		i := g % emails
		email := fmt.Sprintf(spellings[(g/emails)%len(spellings)], i)
		orderNo := fmt.Sprintf("R%05d", g)
		if i%4 == 0 && g%3 != 0 {
			out[g] = registered(orderNo, email, fmt.Sprintf("C%05d", i))
		} else {
			out[g] = guest(orderNo, email)
		}
	}
	return out
}

// strictDirectory is a Directory under test with what the race tests need
// to inspect it.
type strictDirectory struct {
	dedupe.Directory
	records func() int
	creates func() int64
	get     func(id string) (dedupe.Customer, error)
	// links is true when the Directory implements CustomerUpdater, so a
	// registered customer's record ends up registered whichever order came
	// first.
	links bool
}

func strictDirectories() map[string]func() strictDirectory {
	return map[string]func() strictDirectory{
		"erptest strict fake": func() strictDirectory {
			// Yielding on every call widens the window between a lookup
			// and a create, so unserialised resolves would interleave.
			e := erptest.New(erptest.WithWait(func(context.Context, string) error {
				runtime.Gosched()
				return nil
			}))
			return strictDirectory{
				Directory: e,
				records:   func() int { n, _, _ := e.Counts(); return n },
				creates:   func() int64 { return e.Calls(erptest.MethodCreateCustomer) },
				get:       func(id string) (dedupe.Customer, error) { return e.GetCustomer(context.Background(), id) },
			}
		},
		"strict fake with CustomerUpdater": func() strictDirectory {
			m := newMemDirectory()
			m.yield = true
			return strictDirectory{
				Directory: updatingDirectory{m},
				records:   func() int { return len(m.records()) },
				creates:   m.creates.Load,
				get: func(id string) (dedupe.Customer, error) {
					if c, ok := m.byID(id); ok {
						return c, nil
					}
					return dedupe.Customer{}, errors.New("no customer " + id)
				},
				links: true,
			}
		},
	}
}

func TestResolver_ConcurrentOrdersMakeExactlyOneRecordPerEmail(t *testing.T) {
	const goroutines, emails = 200, 20
	for name, newDir := range strictDirectories() {
		t.Run(name, func(t *testing.T) {
			dir := newDir()
			r := newTestResolver(t, dir.Directory, dedupe.Config{})
			orders := raceOrders(goroutines, emails)

			results := make([]dedupe.Result, goroutines)
			errs := make([]error, goroutines)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for g := range orders {
				wg.Go(func() {
					<-start
					results[g], errs[g] = r.Resolve(context.Background(), orders[g])
				})
			}
			close(start)
			wg.Wait()

			for g, err := range errs {
				if err != nil {
					t.Errorf("order %s: %v", orders[g].OrderNo, err)
				}
			}
			if n := dir.records(); n != emails {
				t.Fatalf("directory holds %d records for %d emails", n, emails)
			}
			// Serialised per email: exactly one create per email, none
			// rejected as a duplicate of a create in this process.
			if n := dir.creates(); n != emails {
				t.Errorf("%d creates for %d emails; in-process resolves of one email must not race", n, emails)
			}
			idOf := map[int]string{}
			for g, res := range results {
				i := g % emails
				if id, ok := idOf[i]; ok && id != res.CustomerID {
					t.Errorf("customer %02d resolved to %s and %s", i, id, res.CustomerID)
				}
				idOf[i] = res.CustomerID
			}
			for i, id := range idOf {
				rec, err := dir.get(id)
				if err != nil {
					t.Fatal(err)
				}
				hasRegisteredOrders := i%4 == 0
				if !hasRegisteredOrders && rec.Registered {
					t.Errorf("customer %02d has only guest orders but record %s is registered", i, id)
				}
				if dir.links && hasRegisteredOrders && (!rec.Registered || rec.CustomerNo != fmt.Sprintf("C%05d", i)) {
					t.Errorf("customer %02d record %+v is not the registered customer's", i, rec)
				}
			}
			if n := dedupe.LockedKeys(r); n != 0 {
				t.Errorf("%d lock entries left after all resolves finished", n)
			}
			if gs := goroutinesRunning("github.com/o2ckit/o2c/dedupe."); len(gs) > 0 {
				t.Errorf("%d goroutines in dedupe code outlived the resolves:\n%s", len(gs), strings.Join(gs, "\n\n"))
			}
		})
	}
}

// goroutinesRunning returns the stacks of goroutines that have a frame of
// the package whose import path, followed by ".", is pkg. Called once every
// Resolve has returned, any such goroutine was started by the Resolver and
// outlived its work. (Counting all goroutines instead would depend on when
// the scheduler lets the test's own finished goroutines exit.)
func goroutinesRunning(pkg string) []string {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, pkg) {
			out = append(out, g)
		}
	}
	return out
}

func TestResolver_TwoResolversOneDirectoryRecoverFromTheDuplicate(t *testing.T) {
	base := erptest.New()
	// Both resolvers must see "not found" before either creates, as two
	// processes can: the first two lookups return only once both have read.
	var finds atomic.Int32
	var bothLooked sync.WaitGroup
	bothLooked.Add(2)
	dir := funcDirectory{Directory: base, find: func(ctx context.Context, email string) ([]dedupe.Customer, error) {
		recs, err := base.FindCustomersByEmail(ctx, email)
		if finds.Add(1) <= 2 {
			bothLooked.Done()
			bothLooked.Wait()
		}
		return recs, err
	}}
	processA := newTestResolver(t, dir, dedupe.Config{})
	processB := newTestResolver(t, dir, dedupe.Config{})

	var resA, resB dedupe.Result
	var errA, errB error
	var wg sync.WaitGroup
	wg.Go(func() { resA, errA = processA.Resolve(context.Background(), guest("A-1", "Jane@Example.com")) })
	wg.Go(func() { resB, errB = processB.Resolve(context.Background(), guest("B-1", " jane@example.COM")) })
	wg.Wait()

	if errA != nil || errB != nil {
		t.Fatalf("resolves failed: %v / %v", errA, errB)
	}
	if n, _, _ := base.Counts(); n != 1 {
		t.Fatalf("directory holds %d records, want 1", n)
	}
	if resA.CustomerID != resB.CustomerID {
		t.Errorf("the two processes resolved to %s and %s", resA.CustomerID, resB.CustomerID)
	}
	if n := base.Calls(erptest.MethodCreateCustomer); n != 2 {
		t.Errorf("%d creates, want 2: one created, one rejected as a duplicate (the path under test)", n)
	}
	winner, loser := resA, resB
	if winner.Outcome != dedupe.Created {
		winner, loser = resB, resA
	}
	if winner.Outcome != dedupe.Created || winner.Recovered {
		t.Errorf("winner: outcome %v recovered %v, want created", winner.Outcome, winner.Recovered)
	}
	if loser.Outcome != dedupe.Matched || !loser.Recovered {
		t.Errorf("loser: outcome %v recovered %v, want matched after recovery", loser.Outcome, loser.Recovered)
	}
}

func TestResolver_WaitForTheSameEmailHonoursTheContext(t *testing.T) {
	base := newMemDirectory()
	inFind, release := make(chan struct{}), make(chan struct{})
	dir := funcDirectory{Directory: base, find: func(ctx context.Context, email string) ([]dedupe.Customer, error) {
		close(inFind)
		<-release
		return base.FindCustomersByEmail(ctx, email)
	}}
	r := newTestResolver(t, dir, dedupe.Config{})
	var wg sync.WaitGroup
	var firstErr error
	wg.Go(func() { _, firstErr = r.Resolve(context.Background(), guest("1", "jane@example.com")) })
	<-inFind // the first resolve holds the email

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := r.Resolve(ctx, guest("2", "JANE@example.com"))
	var re *dedupe.ResolveError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &re) || re.Op != "wait" {
		t.Errorf("waiting resolve: %v, want a wait error wrapping context.Canceled", err)
	}
	close(release)
	wg.Wait()
	if firstErr != nil {
		t.Fatal(firstErr)
	}
	if n := dedupe.LockedKeys(r); n != 0 {
		t.Errorf("%d lock entries left", n)
	}
}

func TestResolver_DifferentEmailsDoNotWaitForEachOther(t *testing.T) {
	base := newMemDirectory()
	aLooking, bLooking := make(chan struct{}), make(chan struct{})
	dir := funcDirectory{Directory: base, find: func(ctx context.Context, email string) ([]dedupe.Customer, error) {
		switch email {
		case "a@example.com":
			close(aLooking)
			// Holds a@ until b@ is being looked up: if resolves of
			// different emails were serialised, this would never return.
			select {
			case <-bLooking:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		case "b@example.com":
			close(bLooking)
		}
		return base.FindCustomersByEmail(ctx, email)
	}}
	r := newTestResolver(t, dir, dedupe.Config{})
	var wg sync.WaitGroup
	var errA error
	wg.Go(func() { _, errA = r.Resolve(context.Background(), guest("A", "a@example.com")) })
	<-aLooking // the resolve of a@ holds its email now
	if _, err := r.Resolve(context.Background(), guest("B", "b@example.com")); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if errA != nil {
		t.Fatal(errA)
	}
}
