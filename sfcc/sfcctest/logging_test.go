package sfcctest_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// syncBuffer is a bytes.Buffer safe for the server's handler goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestLogger_LinesNameRoutesButNoCredentials(t *testing.T) {
	var out syncBuffer
	srv := sfcctest.NewTestServer(t, sfcctest.WithLogger(slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	auth := fetchToken(t, srv)
	call(t, srv, http.MethodGet, shopBase+"/orders/00001", auth, nil)
	srv.InjectFault(sfcctest.Fault{Route: "order.gett", Status: 500})

	log := out.String()
	for _, want := range []string{"route=token", "status=200", "route=order.get", "status=404", `route=order.gett`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	for _, secret := range []string{srv.ClientSecret(), strings.TrimPrefix(auth, "Bearer "), "Bearer", "Basic"} {
		if strings.Contains(log, secret) {
			t.Errorf("log contains %q", secret)
		}
	}
	if got := call(t, srv, http.MethodGet, shopBase+"/orders/00001", auth, nil); got.Status != http.StatusNotFound {
		t.Errorf("a fault for a misspelt route fired: %d", got.Status)
	}
	if srv.RequestCount("order.get") != 2 || srv.RequestCount("") != 3 {
		t.Errorf("RequestCount: order.get %d, all %d", srv.RequestCount("order.get"), srv.RequestCount(""))
	}
}

func TestIssueToken_AuthenticatesWithoutTheTokenEndpoint(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	if got := call(t, srv, http.MethodGet, shopBase+"/orders/1", "Bearer "+srv.IssueToken(), nil); got.Status != http.StatusNotFound {
		t.Errorf("status %d, want 404 (authenticated)", got.Status)
	}
	if srv.TokenRequests() != 0 {
		t.Errorf("TokenRequests = %d, want 0", srv.TokenRequests())
	}
}
