package reconcile

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary run as a second process holding a state
// directory: O2C_STORE_HOLD=DIR loads the state, says "loaded", waits for
// a line on stdin, saves one seen file and exits.
func TestMain(m *testing.M) {
	if dir := os.Getenv("O2C_STORE_HOLD"); dir != "" {
		os.Exit(holdStore(dir))
	}
	os.Exit(m.Run())
}

func holdStore(dir string) int {
	ctx := context.Background()
	fs := &FileStore{Dir: dir}
	st, err := fs.Load(ctx)
	if err != nil {
		os.Stdout.WriteString("error " + err.Error() + "\n")
		return 1
	}
	os.Stdout.WriteString("loaded\n")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		return 1
	}
	st.Files = append(st.Files, SeenFile{Name: "held.csv", Digest: "held"})
	if err := fs.Save(ctx, st); err != nil {
		return 1
	}
	return 0
}

func TestFileStore_AnotherProcessHoldingTheStateMakesLoadFailLocked(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("flock is unix only")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "O2C_STORE_HOLD="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "loaded\n" {
		t.Fatalf("helper process: %q, %v", line, err)
	}
	// The helper holds the state between its load and its save.
	mine := &FileStore{Dir: dir}
	if _, err := mine.Load(context.Background()); !errors.Is(err, ErrStateLocked) || !strings.Contains(err.Error(), "state is locked") {
		t.Fatalf("Load while another process holds the state: %v, want ErrStateLocked", err)
	}
	r, _ := New(Config{Store: mine})
	if _, err := r.Run(context.Background(), Input{}); !errors.Is(err, ErrStateLocked) {
		t.Fatalf("Run while another process holds the state: %v, want ErrStateLocked", err)
	}
	stdin.Write([]byte("go\n"))
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper process: %v", err)
	}
	st, err := mine.Load(context.Background())
	if err != nil || len(st.Files) != 1 || st.Files[0].Name != "held.csv" {
		t.Fatalf("after the helper saved: %+v, %v; want its seen file", st.Files, err)
	}
	mine.Unlock()
}

func TestFileStore_StaleTemporaryFilesAreRemovedWhenTheStateIsOpened(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "state-1234.json.tmp")
	if err := os.WriteFile(stale, []byte("{half"), 0o644); err != nil {
		t.Fatal(err)
	}
	older := filepath.Join(dir, "state-99.json")
	if err := os.WriteFile(older, []byte("{half"), 0o644); err != nil {
		t.Fatal(err)
	}
	fs := &FileStore{Dir: dir}
	if _, err := fs.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer fs.Unlock()
	for _, name := range []string{stale, older} {
		if _, err := os.Stat(name); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("stale temporary file %s still there: %v", name, err)
		}
	}
}

func TestPending_StateIsStoredOnlyOnCommit(t *testing.T) {
	dir := t.TempDir()
	body := readFixture(t, "settlement_detail_report_batch_101.csv")
	r, _ := New(Config{Store: &FileStore{Dir: dir}, Now: func() time.Time { return day2026(time.November, 6) }})
	in := func() Input {
		return Input{Files: []SettlementFile{{Name: "b101.csv", Format: Adyen{}, Body: strings.NewReader(body)}}}
	}
	p, err := r.Prepare(context.Background(), in())
	if err != nil {
		t.Fatal(err)
	}
	p.Discard()
	if _, err := os.Stat(filepath.Join(dir, "state.json")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a discarded run stored its state: %v", err)
	}
	p, err = r.Prepare(context.Background(), in())
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Report.DuplicateFiles) != 0 {
		t.Fatal("the discarded run's file counts as seen")
	}
	if err := p.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	rep, err := r.Run(context.Background(), in())
	if err != nil || len(rep.DuplicateFiles) != 1 {
		t.Fatalf("after commit: duplicates %v, %v; want the file seen", rep, err)
	}
}
