package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	binDir    string
)

// buildBinary builds the command once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "world-bin-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "world")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

func TestBinary_EnvPrintsExportLines(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	out, err := exec.Command(bin, "-env", "-listen", "127.0.0.1:9123").Output()
	if err != nil {
		t.Fatalf("world -env: %v", err)
	}
	want := strings.Join([]string{
		"export SFCC_HOST='http://127.0.0.1:9123'",
		"export SFCC_SITE='RefArch'",
		"export SFCC_CLIENT_ID='o2c-sim-client'",
		"export SFCC_CLIENT_SECRET='sim+secret%&value'",
		"export SFCC_TOKEN_URL='http://127.0.0.1:9123/dwsso/oauth2/access_token'",
		"export O2C_ERP_URL='http://127.0.0.1:9123/erp'",
		"export O2C_WMS_URL='http://127.0.0.1:9123/wms'",
	}, "\n") + "\n"
	if string(out) != want {
		t.Errorf("world -env printed\n%s\nwant\n%s", out, want)
	}
	// The lines are valid shell: sourcing them sets the variables.
	sh, err := exec.Command("sh", "-c", string(out)+`printf '%s|%s' "$SFCC_CLIENT_SECRET" "$O2C_WMS_URL"`).Output()
	if err != nil {
		t.Fatalf("sh: %v", err)
	}
	if string(sh) != "sim+secret%&value|http://127.0.0.1:9123/wms" {
		t.Errorf("sourced variables = %q", sh)
	}
}

func TestBinary_ServesThenStopsOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	cmd := exec.Command(bin, "-listen", "127.0.0.1:0", "-n", "3")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	lines := make(chan map[string]any)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				lines <- m
			}
		}
	}()
	next := func(msg string) map[string]any {
		t.Helper()
		timeout := time.After(30 * time.Second)
		for {
			select {
			case m, ok := <-lines:
				if !ok {
					t.Fatalf("the log ended before %q", msg)
				}
				if m["msg"] == msg {
					return m
				}
			case <-timeout:
				t.Fatalf("no %q log line within 30s", msg)
			}
		}
	}
	addr, _ := next("world listening")["addr"].(string)
	resp, err := http.Get("http://" + addr + "/summary")
	if err != nil {
		t.Fatal(err)
	}
	var s Summary
	err = json.NewDecoder(resp.Body).Decode(&s)
	resp.Body.Close()
	if err != nil || s.OrdersReady != 3 {
		t.Fatalf("summary %+v, %v", s, err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	final := next("world final state")
	if final["duplicates"] != float64(0) {
		t.Errorf("final state %v", final)
	}
	for range lines {
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
}

func TestShellQuote_SingleQuotes(t *testing.T) {
	if got := shellQuote("it's"); got != `'it'\''s'` {
		t.Errorf("shellQuote = %s", got)
	}
}

func TestRun_ServesUntilCancelledThenShutsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	addrs := make(chan string, 1)
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-n", "4", "-ship-every", "1h"}, &bytes.Buffer{}, &stderr, func(a string) { addrs <- a })
	}()
	var addr string
	select {
	case addr = <-addrs:
	case code := <-done:
		t.Fatalf("run ended with %d before listening: %s", code, stderr.String())
	}
	resp, err := http.Get("http://" + addr + "/summary")
	if err != nil {
		t.Fatal(err)
	}
	var s Summary
	err = json.NewDecoder(resp.Body).Decode(&s)
	resp.Body.Close()
	if err != nil || s.OrdersReady != 4 {
		t.Fatalf("summary %+v, %v; want 4 READY orders", s, err)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d after shutdown: %s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not shut down after its context ended")
	}
	if !strings.Contains(stderr.String(), `"msg":"world final state"`) {
		t.Errorf("no final state logged: %s", stderr.String())
	}
}

func TestRun_BadArguments(t *testing.T) {
	for _, args := range [][]string{{"-n", "0"}, {"-listen", "nonsense"}, {"extra"}, {"-ship-every", "0s"}} {
		if code := run(t.Context(), args, &bytes.Buffer{}, &bytes.Buffer{}, nil); code != 2 {
			t.Errorf("run(%q) = %d, want 2", args, code)
		}
	}
}
