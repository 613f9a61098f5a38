package dedupesql_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/dedupe/dedupesql"
	"github.com/o2ckit/o2c/internal/sqlstore/sqlstoretest"
)

// Environment of a child process of TestResolver_ThreeProcessesCreateEachCustomerOnce.
const (
	envChild = "O2C_DEDUPE_CHILD"
	envDSN   = "O2C_DEDUPE_DSN"
	envDir   = "O2C_DEDUPE_DIRECTORY"
)

const processEmails = 25

// sharedDirectory is a customer master that, like many CRMs, does not
// refuse a second record with the same email: only the Resolver's claim
// stands between three processes and duplicate customers.
type sharedDirectory struct {
	mu   sync.Mutex
	recs []dedupe.Customer
}

func (d *sharedDirectory) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/find":
		email := r.URL.Query().Get("email")
		d.mu.Lock()
		out := []dedupe.Customer{}
		for _, c := range d.recs {
			if strings.EqualFold(c.Email, email) {
				out = append(out, c)
			}
		}
		d.mu.Unlock()
		json.NewEncoder(w).Encode(out)
	case "/create":
		var c dedupe.Customer
		if err := json.NewDecoder(r.Body).Decode(&c); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		d.mu.Lock()
		c.ID = strconv.Itoa(len(d.recs) + 1)
		d.recs = append(d.recs, c)
		d.mu.Unlock()
		json.NewEncoder(w).Encode(c)
	default:
		http.NotFound(w, r)
	}
}

// httpDirectory is the child's dedupe.Directory over the parent's HTTP.
type httpDirectory struct{ base string }

func (h httpDirectory) call(ctx context.Context, method, path string, body string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, h.base+path, strings.NewReader(body))
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("directory %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func (h httpDirectory) FindCustomersByEmail(ctx context.Context, email string) ([]dedupe.Customer, error) {
	var out []dedupe.Customer
	err := h.call(ctx, http.MethodGet, "/find?email="+url.QueryEscape(email), "", &out)
	return out, err
}

func (h httpDirectory) CreateCustomer(ctx context.Context, c dedupe.Customer) (dedupe.Customer, error) {
	b, _ := json.Marshal(c)
	var out dedupe.Customer
	err := h.call(ctx, http.MethodPost, "/create", string(b), &out)
	return out, err
}

// runChild resolves every email (in an order of its own, spelled
// differently) and exits.
func runChild(t *testing.T) {
	ctx := context.Background()
	db := sqlstoretest.Open(t, os.Getenv(envDSN))
	r, err := dedupe.NewResolver(dedupe.Config{Directory: httpDirectory{os.Getenv(envDir)},
		Claims: dedupesql.NewClaimStore(db), CacheSize: -1, ClaimPoll: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	child, _ := strconv.Atoi(os.Getenv(envChild))
	for i := range processEmails {
		n := (i*7 + child*11) % processEmails
		email := fmt.Sprintf("Shopper%02d@Example.com", n)
		if child%2 == 1 {
			email = strings.ToLower(email)
		}
		if _, err := r.Resolve(ctx, dedupe.OrderCustomer{OrderNo: fmt.Sprintf("P%d-%02d", child, i), Email: email, Guest: true}); err != nil {
			t.Fatalf("resolve %d: %v", n, err)
		}
	}
}

func TestResolver_ThreeProcessesCreateEachCustomerOnce(t *testing.T) {
	if os.Getenv(envChild) != "" {
		runChild(t)
		return
	}
	sqlstoretest.Each(t, func(t *testing.T, b sqlstoretest.Backend) {
		dsn := b.DSN(t)
		sqlstoretest.Open(t, dsn) // migrated before the children start
		dir := &sharedDirectory{}
		srv := httptest.NewServer(dir)
		defer srv.Close()
		var wg sync.WaitGroup
		for child := 1; child <= 3; child++ {
			wg.Go(func() {
				cmd := exec.Command(os.Args[0], "-test.run=^TestResolver_ThreeProcessesCreateEachCustomerOnce$", "-test.count=1")
				cmd.Env = append(os.Environ(), envChild+"="+strconv.Itoa(child), envDSN+"="+dsn, envDir+"="+srv.URL)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("process %d: %v\n%s", child, err, out)
				}
			})
		}
		wg.Wait()
		dir.mu.Lock()
		defer dir.mu.Unlock()
		per := map[string]int{}
		for _, c := range dir.recs {
			per[strings.ToLower(c.Email)]++
		}
		if len(per) != processEmails {
			t.Fatalf("%d emails have a customer; want %d", len(per), processEmails)
		}
		for e, n := range per {
			if n != 1 {
				t.Errorf("%s has %d customers; want 1", e, n)
			}
		}
	})
}
