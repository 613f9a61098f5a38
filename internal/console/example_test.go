package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"time"

	"github.com/o2ckit/o2c/internal/apiauth"
	"github.com/o2ckit/o2c/internal/console"
	"github.com/o2ckit/o2c/reconcile"
)

// A host mounts the console behind its guard, with its exception store and
// its own functions for the flows, retries and reports.
func Example() {
	ctx := context.Background()
	seen := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	store := &reconcile.MemoryExceptionStore{}
	if err := store.Record(ctx, seen, reconcile.Exception{Kind: reconcile.KindERPRejected, Key: "00001001", Detail: "totals differ by 0.07 EUR"}); err != nil {
		fmt.Println(err)
		return
	}
	c, err := console.New(console.Config{
		Store:  store,
		Secret: []byte("a random key of at least 16 bytes"),
		Now:    func() time.Time { return seen.Add(6 * 24 * time.Hour) },
		RetryExport: func(ctx context.Context, orderNo string) error {
			return nil // e.g. enqueue the order's export job
		},
		Flows: func(context.Context) ([]console.FlowState, error) {
			return []console.FlowState{{Name: "order export", Backlog: 4}}, nil
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	guard, err := apiauth.New(apiauth.Config{BasicUsers: map[string]string{"alice": "correct horse battery"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	mux.Handle(console.DefaultBasePath, guard.Middleware(c))

	r := httptest.NewRequest(http.MethodGet, "/console/", nil)
	r.SetBasicAuth("alice", "correct horse battery")
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)

	fmt.Println(w.Code, w.Header().Get("Content-Security-Policy"))
	for _, m := range regexp.MustCompile(`(Signed in as <strong>[^<]+|OVERDUE</strong> [^<]+|Retry export)`).FindAllString(w.Body.String(), -1) {
		fmt.Println(m)
	}
	// Output:
	// 200 default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'
	// Signed in as <strong>basic:alice
	// OVERDUE</strong> by 1 d 0 h
	// Retry export
}
