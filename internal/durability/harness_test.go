package durability_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o2ckit/o2c/erp/erphttp"
	"github.com/o2ckit/o2c/erp/erptest"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
	"github.com/o2ckit/o2c/wms/wmshttp"
	"github.com/o2ckit/o2c/wms/wmstest"
)

// The environment of a child process.
const (
	envMode   = "O2C_DURABILITY_CHILD" // "export" or "stock"
	envDSN    = "O2C_DURABILITY_DSN"
	envBase   = "O2C_DURABILITY_BASE"  // the test process's URL: SFCC at /, ERP at /erp, WMS at /wms
	envOffset = "O2C_DURABILITY_CLOCK" // added to the child's clock (a Go duration)
)

// TestMain runs the test binary as a child (envMode set) or as the tests.
func TestMain(m *testing.M) {
	if mode := os.Getenv(envMode); mode != "" {
		os.Exit(runChild(mode))
	}
	code := m.Run()
	if childBin != "" && childBin != os.Args[0] {
		os.RemoveAll(filepath.Dir(childBin))
	}
	os.Exit(code)
}

func runChild(mode string) int {
	ctx := context.Background()
	var err error
	switch mode {
	case "export":
		err = childExport(ctx)
	case "stock":
		err = childStock(ctx)
	default:
		err = fmt.Errorf("unknown child mode %q", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	return 0
}

// childClock is the child's clock: the wall clock moved on by envOffset.
func childClock() func() time.Time {
	off, _ := time.ParseDuration(os.Getenv(envOffset))
	return func() time.Time { return time.Now().Add(off) }
}

// childSFCC is the child's OCAPI client of the test process's simulator.
func childSFCC(base string) (*ocapi.Client, error) {
	return ocapi.NewClient(ocapi.Config{
		Host: base, Site: sfcctest.DefaultSite, ClientID: sfcctest.DefaultClientID,
		Secret: sfcc.StaticSecret(sfcctest.DefaultClientSecret), TokenURL: base + "/dwsso/oauth2/access_token",
		RetryWaitMin: time.Millisecond, RetryWaitMax: 20 * time.Millisecond,
	})
}

// world is SFCC, the ERP and the WMS feed, in the test process so that
// their state outlives every child, behind one listener whose gate kills
// the child at a chosen request.
type world struct {
	sfcc *sfcctest.Server
	erp  *erptest.ERP
	cust *customerMaster // nil: the ERP's own customer master
	wms  *wmstest.FakeWMS
	gate *gate
	url  string
}

// newWorld starts the systems. With lenient customers the customer master
// accepts a second record with an email it holds (as many CRMs do), so only
// the dedupe claims stand between processes and duplicate customers.
func newWorld(t *testing.T, seed uint64, lenient bool) *world {
	t.Helper()
	w := &world{sfcc: sfcctest.NewTestServer(t), erp: erptest.New(),
		wms: wmstest.NewFakeWMS(seed, wmstest.WithShuffledDelivery(), wmstest.WithDuplicates(5))}
	var e erphttp.ERP = w.erp
	if lenient {
		w.cust = &customerMaster{}
		e = lenientERP{ERP: w.erp, customers: w.cust}
	}
	erpH, err := erphttp.NewHandler(erphttp.HandlerConfig{ERP: e})
	if err != nil {
		t.Fatal(err)
	}
	wmsH, err := wmshttp.NewHandler(wmshttp.HandlerConfig{Levels: w.wms})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/erp/", http.StripPrefix("/erp", erpH))
	mux.Handle("/wms/", http.StripPrefix("/wms", wmsH))
	mux.Handle("/", w.sfcc.Handler())
	w.gate = &gate{next: mux}
	srv := httptest.NewServer(w.gate)
	t.Cleanup(srv.Close)
	w.url = srv.URL
	return w
}

// killMode is where, relative to the request that triggers it, a child dies.
type killMode int

const (
	// killBefore: the request never takes effect.
	killBefore killMode = iota
	// killLost: the request takes effect, the answer never arrives.
	killLost
	// killRacing: the answer arrives and the child dies while it goes on
	// (typically writing its stores).
	killRacing
	killModes
)

func (m killMode) String() string { return [...]string{"before", "lost", "racing"}[m] }

// gate passes requests to the systems and, when armed, kills the child at
// its target-th request. Requests of a child being killed are cut off
// without an answer and without effect.
type gate struct {
	next http.Handler

	mu     sync.Mutex
	seen   int
	target int // 0: never
	mode   killMode
	kill   func()
	fired  bool
}

func (g *gate) arm(target int, mode killMode, kill func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.seen, g.target, g.mode, g.kill, g.fired = 0, target, mode, kill, false
}

// disarm reports whether the gate killed the child.
func (g *gate) disarm() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	fired := g.fired
	g.target, g.kill = 0, nil
	return fired
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	if g.fired {
		g.mu.Unlock()
		cutOff(w)
		return
	}
	g.seen++
	fire := g.target > 0 && g.seen == g.target
	if fire {
		g.fired = true
	}
	mode, kill := g.mode, g.kill
	g.mu.Unlock()
	if !fire {
		g.next.ServeHTTP(w, r)
		return
	}
	switch mode {
	case killBefore:
		kill()
		cutOff(w)
	case killLost:
		g.next.ServeHTTP(httptest.NewRecorder(), r)
		kill()
		cutOff(w)
	case killRacing:
		g.next.ServeHTTP(w, r)
		http.NewResponseController(w).Flush()
		go kill()
	}
}

// cutOff closes the request's connection without an answer.
func cutOff(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
	}
}

var (
	childOnce sync.Once
	childBin  string
	childErr  error
)

// childBinary is the program a child runs: this test binary, or, when it
// runs under the race detector, the same tests built without it. A child
// instrumented for races starts and runs several times slower, and the
// race detector has nothing to find across processes; the code the
// children run is race-tested by its own packages' tests.
func childBinary(t *testing.T) string {
	t.Helper()
	if !raceEnabled {
		return os.Args[0]
	}
	childOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			childBin = os.Args[0]
			return
		}
		dir, err := os.MkdirTemp("", "o2c-durability")
		if err != nil {
			childErr = err
			return
		}
		childBin = filepath.Join(dir, "child.test")
		if out, err := exec.Command(goTool, "test", "-c", "-o", childBin, ".").CombinedOutput(); err != nil {
			childErr = fmt.Errorf("build the child without -race: %v\n%s", err, out)
		}
	})
	if childErr != nil {
		t.Fatal(childErr)
	}
	return childBin
}

// child is how to start one child process.
type child struct {
	mode string
	dsn  string
	base string
}

// life starts the child with its clock moved on by offset, arms the gate
// (target 0: never kill) and waits for the child to end. It reports
// whether the gate killed it; a child that ends on its own with an error
// fails t.
func (c child) life(t *testing.T, g *gate, offset time.Duration, target int, mode killMode) bool {
	t.Helper()
	cmd := exec.Command(childBinary(t), "-test.run=^$")
	cmd.Env = append(os.Environ(), envMode+"="+c.mode, envDSN+"="+c.dsn, envBase+"="+c.base, envOffset+"="+offset.String())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	exited := make(chan struct{})
	proc := make(chan *os.Process, 1)
	g.arm(target, mode, func() {
		p := <-proc
		proc <- p
		p.Kill() // SIGKILL
		<-exited
	})
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	proc <- cmd.Process
	<-exited
	if g.disarm() {
		return true
	}
	if waitErr != nil {
		t.Fatalf("%s child ended with %v:\n%s", c.mode, waitErr, strings.TrimSpace(out.String()))
	}
	return false
}

// crashLoop runs lives of c until one ends on its own, killing each of the
// first kills lives at a seeded random request (1..maxTarget) in a seeded
// random kill mode. Each life's clock starts an hour after the previous
// one's, as a restart after the crash: what a dead process left behind
// (a dedupe claim) has expired. It fails t when the work ends before kills
// kills, and returns the kills per mode.
func crashLoop(t *testing.T, g *gate, c child, seed uint64, kills, maxTarget int) map[killMode]int {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 0x6f3263))
	done := map[killMode]int{}
	killed := 0
	for life := 0; ; life++ {
		if life > 20*kills {
			t.Fatalf("%d lives and the work is not done", life)
		}
		target, mode := 0, killBefore
		if killed < kills {
			target, mode = 1+rng.IntN(maxTarget), killMode(rng.IntN(int(killModes)))
		}
		if c.life(t, g, time.Duration(life)*time.Hour, target, mode) {
			killed++
			done[mode]++
			continue
		}
		if killed < kills {
			t.Fatalf("the work ended after %d kills; want %d (more work or a smaller maxTarget)", killed, kills)
		}
		return done
	}
}
