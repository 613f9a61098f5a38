package wire

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/o2ckit/o2c/internal/ctxwait"
	"github.com/o2ckit/o2c/sfcc"
)

const (
	testID     = "client/id+1"
	testSecret = "s3cr+t%&value/==" // +, %, & and / all change under encoding
)

func newTestTransport(t *testing.T, srv *httptest.Server, tokenPath string) *Transport {
	t.Helper()
	base, _ := url.Parse(srv.URL)
	return New(Config{
		Base: base, ClientID: testID, Secret: sfcc.StaticSecret(testSecret), TokenURL: srv.URL + tokenPath,
		HTTPClient: srv.Client(), Logger: slog.New(slog.DiscardHandler), MaxRetries: 2,
		RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond,
		Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }, Now: time.Now,
	})
}

// secretForms is every shape in which the client secret leaves the client.
func secretForms() []string {
	pair := url.QueryEscape(testID) + ":" + url.QueryEscape(testSecret)
	return []string{
		testSecret, url.QueryEscape(testSecret),
		base64.StdEncoding.EncodeToString([]byte(pair)), base64.URLEncoding.EncodeToString([]byte(pair)),
		base64.RawStdEncoding.EncodeToString([]byte(pair)), base64.RawURLEncoding.EncodeToString([]byte(pair)),
	}
}

// An Account Manager (or a proxy) that echoes the Basic credential without
// the word "Basic" must not get it printed: redaction is by value.
func TestTokenError_EchoedCredentialsAreRedactedByValue(t *testing.T) {
	for i, echoed := range secretForms() {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprintf(w, `{"error":"invalid_client","error_description":"client auth %s rejected"}`, echoed)
			})
			srv := httptest.NewServer(mux)
			defer srv.Close()
			tr := newTestTransport(t, srv, "/token")
			err := tr.Call(context.Background(), Request{Method: http.MethodGet, Path: "/x", Idempotent: true}, nil)
			if !errors.Is(err, sfcc.ErrUnauthorized) {
				t.Fatalf("err = %v, want ErrUnauthorized", err)
			}
			if strings.Contains(err.Error(), echoed) {
				t.Errorf("error prints the credential %q: %s", echoed, err)
			}
			if !strings.Contains(err.Error(), Redacted) {
				t.Errorf("error %q does not show what was redacted", err)
			}
		})
	}
}

// An API error that echoes the live token without "Bearer" is scrubbed too.
func TestSend_EchoedLiveTokenIsRedacted(t *testing.T) {
	const tok = "opaque-token-1234567890"
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":1799}`, tok)
	})
	mux.HandleFunc("GET /x", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"type":"https://api.example/errors/bad-request","title":"Bad","detail":"token %s seen"}`,
			strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	err := newTestTransport(t, srv, "/token").Call(context.Background(), Request{Method: http.MethodGet, Path: "/x"}, nil)
	var e *sfcc.Error
	if !errors.As(err, &e) || e.FaultType != "bad-request" {
		t.Fatalf("err = %#v", err)
	}
	if strings.Contains(err.Error(), tok) {
		t.Errorf("live token printed: %s", err)
	}
}

func TestCheckURL_RefusesCredentialsWithoutEchoingThem(t *testing.T) {
	for _, raw := range []string{
		"https://account.example/token?client_secret=hunter2value",
		"https://account.example/token?Client_Secret=hunter2value&x=1",
		"https://account.example/token?access_token=hunter2value",
		"https://user:hunter2value@account.example/token",
		"https://hunter2value@account.example/token",
	} {
		reason, ok := CheckURL(raw)
		if ok {
			t.Errorf("%s accepted", raw)
		}
		if strings.Contains(reason, "hunter2value") {
			t.Errorf("reason echoes the credential: %s", reason)
		}
	}
	if _, ok := CheckURL("https://account.example/dwsso/oauth2/access_token?realm=zzxy"); !ok {
		t.Error("a plain query parameter was refused")
	}
}

// A token URL that cannot be reached prints its URL in the error (net/http
// does); the query values in it never show.
func TestTokenError_UnreachableTokenURLIsPrintedWithoutQueryValues(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	api := httptest.NewServer(http.NotFoundHandler())
	defer api.Close()
	base, _ := url.Parse(api.URL)
	tr := New(Config{Base: base, ClientID: testID, Secret: sfcc.StaticSecret(testSecret),
		TokenURL: "http://" + addr + "/token?realm=zzxy&sig2=qvalue-987", HTTPClient: api.Client(),
		Logger: slog.New(slog.DiscardHandler), Sleep: ctxwait.Sleep, Now: time.Now})
	err = tr.Call(context.Background(), Request{Method: http.MethodGet, Path: "/x"}, nil)
	if err == nil {
		t.Fatal("no error from an unreachable token endpoint")
	}
	if strings.Contains(err.Error(), "qvalue-987") || strings.Contains(err.Error(), "zzxy") {
		t.Errorf("query value printed: %s", err)
	}
}

func TestRedactURLs(t *testing.T) {
	in := `Post "https://u:p4ss@am.example/token?client_secret=abc123&x=y": dial tcp: refused`
	out := RedactURLs(in)
	for _, leak := range []string{"p4ss", "abc123", "=y"} {
		if strings.Contains(out, leak) {
			t.Errorf("%q kept %q", out, leak)
		}
	}
	if !strings.Contains(out, "am.example/token") {
		t.Errorf("host and path lost: %q", out)
	}
}

func TestIsDotSegment(t *testing.T) {
	for s, want := range map[string]bool{
		".": true, "..": true, "%2e": true, "%2E%2e": true, ".%2E": true, "%252e%252e": true,
		"...": false, "a.b": false, "00042": false, "%2e.x": false, "": false, "%zz": false,
	} {
		if got := IsDotSegment(s); got != want {
			t.Errorf("IsDotSegment(%q) = %v, want %v", s, got, want)
		}
	}
}

// The transport refuses a dot segment in any path, before the request is
// sent: a normalising proxy would resolve .../orders/../export_status.
func TestSend_RefusesDotSegmentPaths(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	tr := newTestTransport(t, srv, "/token")
	for _, p := range []string{"/orders/../export_status", "/orders/%2e%2e/export_status", "/orders/./x"} {
		err := tr.Call(context.Background(), Request{Method: http.MethodPut, Path: p, Idempotent: true}, nil)
		if !errors.Is(err, sfcc.ErrInvalidArgument) || !errors.Is(err, ErrDotSegment) {
			t.Errorf("%s: err = %v", p, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}

func TestTokenCache_WaiterGetsTokenWhenTheFetchingCallerGivesUp(t *testing.T) {
	entered := make(chan struct{}, 4)
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slow/token", func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"tok-abcdef","token_type":"Bearer","expires_in":1799}`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	tr := newTestTransport(t, srv, "/slow/token")
	leaderCtx, cancelLeader := context.WithCancel(context.Background())
	leaderErr := make(chan error, 1)
	go func() {
		_, err := tr.tokens.get(leaderCtx)
		leaderErr <- err
	}()
	<-entered
	waiterTok := make(chan string, 1)
	go func() {
		tok, err := tr.tokens.get(context.Background())
		if err != nil {
			t.Errorf("waiter: %v", err)
		}
		waiterTok <- tok
	}()
	cancelLeader()
	if err := <-leaderErr; !errors.Is(err, context.Canceled) {
		t.Errorf("leader: err = %v, want context.Canceled", err)
	}
	close(release)
	if tok := <-waiterTok; tok == "" {
		t.Error("waiter got no token")
	}
}

// The token request carries the configured scopes (SCAPI's tenant scope).
func TestTokenRequest_SendsScopes(t *testing.T) {
	got := make(chan string, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		got <- r.PostForm.Get("scope")
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"tok-abcdef","token_type":"Bearer","expires_in":1799}`)
	})
	mux.HandleFunc("GET /x", func(w http.ResponseWriter, r *http.Request) {})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	tr := newTestTransport(t, srv, "/token")
	tr.tokens.scopes = []string{"SALESFORCE_COMMERCE_API:zzxy_prd", "sfcc.orders.rw"}
	if err := tr.Call(context.Background(), Request{Method: http.MethodGet, Path: "/x"}, nil); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "SALESFORCE_COMMERCE_API:zzxy_prd sfcc.orders.rw" {
		t.Errorf("scope = %q", s)
	}
}

func TestFillFault_ProblemJSON(t *testing.T) {
	e := &sfcc.Error{StatusCode: 404}
	FillFault(e, []byte(`{"title":"Order Not Found","type":"https://api.commercecloud.salesforce.com/documentation/error/v1/errors/order-not-found","detail":"No order with number '123' was found."}`))
	if e.FaultType != "order-not-found" || e.Message != "No order with number '123' was found." {
		t.Errorf("%+v", e)
	}
}
