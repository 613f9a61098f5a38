package sfcctest_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

func tokenRequest(t *testing.T, srv *sfcctest.Server, auth, body string) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.TokenURL(), strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out response
	out.Status, out.Header = resp.StatusCode, resp.Header
	out.Body, _ = io.ReadAll(resp.Body)
	return out
}

func TestToken_FormEncodedCredentialsAuthenticate(t *testing.T) {
	tests := []struct {
		name       string
		opts       []sfcctest.Option
		id, secret string
	}{
		{"default secret with + % &", nil, sfcctest.DefaultClientID, sfcctest.DefaultClientSecret},
		{"custom credentials", []sfcctest.Option{sfcctest.WithCredentials("id with space", "a+b=c%20&d")}, "id with space", "a+b=c%20&d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := sfcctest.NewTestServer(t, tt.opts...)
			resp := tokenRequest(t, srv, basic(tt.id, tt.secret), "grant_type=client_credentials")
			if resp.Status != http.StatusOK {
				t.Fatalf("status %d: %s", resp.Status, resp.Body)
			}
			var tok struct {
				AccessToken string `json:"access_token"`
				TokenType   string `json:"token_type"`
				ExpiresIn   int    `json:"expires_in"`
			}
			if err := json.Unmarshal(resp.Body, &tok); err != nil {
				t.Fatal(err)
			}
			if tok.AccessToken == "" || tok.TokenType != "Bearer" || tok.ExpiresIn != 1799 {
				t.Errorf("token response = %+v", tok)
			}
			if got := call(t, srv, http.MethodGet, shopBase+"/orders/none", "Bearer "+tok.AccessToken, nil); got.Status != http.StatusNotFound {
				t.Errorf("API call with the token: status %d, want 404 (authenticated, unknown order)", got.Status)
			}
		})
	}
}

func TestToken_RejectsWhatAccountManagerRejects(t *testing.T) {
	rawBasic := func(id, secret string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
	}
	tests := []struct {
		name, auth, body string
		status           int
		oauthError       string
	}{
		{"wrong secret", basic(sfcctest.DefaultClientID, "nope"), "grant_type=client_credentials", 401, "invalid_client"},
		{"wrong id", basic("someone", sfcctest.DefaultClientSecret), "grant_type=client_credentials", 401, "invalid_client"},
		{"secret not form-encoded", rawBasic(sfcctest.DefaultClientID, sfcctest.DefaultClientSecret), "grant_type=client_credentials", 401, "invalid_client"},
		{"no credentials", "", "grant_type=client_credentials", 401, "invalid_client"},
		{"wrong grant type", basic(sfcctest.DefaultClientID, sfcctest.DefaultClientSecret), "grant_type=password", 400, "unsupported_grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := sfcctest.NewTestServer(t)
			resp := tokenRequest(t, srv, tt.auth, tt.body)
			var e struct {
				Error string `json:"error"`
			}
			_ = json.Unmarshal(resp.Body, &e)
			if resp.Status != tt.status || e.Error != tt.oauthError {
				t.Errorf("got %d %q, want %d %q", resp.Status, e.Error, tt.status, tt.oauthError)
			}
			if srv.TokenRequests() != 1 {
				t.Errorf("TokenRequests = %d, want 1 (failed requests count too)", srv.TokenRequests())
			}
		})
	}
}

func TestToken_ExpiresOnTheInjectedClock(t *testing.T) {
	clock := newClock()
	srv := sfcctest.NewTestServer(t, sfcctest.WithClock(clock.Now), sfcctest.WithTokenLifetime(10*time.Minute))
	srv.AddOrders(seedOrder("00001", "READY"))
	auth := fetchToken(t, srv)

	clock.Advance(10*time.Minute - time.Second)
	if got := call(t, srv, http.MethodGet, shopBase+"/orders/00001", auth, nil); got.Status != http.StatusOK {
		t.Fatalf("before expiry: status %d", got.Status)
	}
	clock.Advance(time.Second)
	got := call(t, srv, http.MethodGet, shopBase+"/orders/00001", auth, nil)
	if typ, _ := got.fault(); got.Status != http.StatusUnauthorized || typ != "InvalidAccessTokenException" {
		t.Errorf("at expiry: %d %s, want 401 InvalidAccessTokenException", got.Status, typ)
	}
	if fresh := fetchToken(t, srv); call(t, srv, http.MethodGet, shopBase+"/orders/00001", fresh, nil).Status != http.StatusOK {
		t.Error("a fresh token is not accepted")
	}
}

func TestExpireTokens_InvalidatesIssuedTokens(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	srv.AddOrders(seedOrder("00001", "READY"))
	auth := fetchToken(t, srv)
	srv.ExpireTokens()
	got := call(t, srv, http.MethodGet, shopBase+"/orders/00001", auth, nil)
	if typ, _ := got.fault(); got.Status != http.StatusUnauthorized || typ != "InvalidAccessTokenException" {
		t.Errorf("expired token: %d %s", got.Status, typ)
	}
}

func TestAPI_MissingOrForeignTokenIsUnauthorized(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	tests := []struct{ name, auth, fault string }{
		{"no header", "", "UnauthorizedException"},
		{"basic instead of bearer", basic("a", "b"), "UnauthorizedException"},
		{"unknown token", "Bearer forged", "InvalidAccessTokenException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := call(t, srv, http.MethodGet, shopBase+"/orders/00001", tt.auth, nil)
			if typ, _ := got.fault(); got.Status != http.StatusUnauthorized || typ != tt.fault {
				t.Errorf("got %d %s, want 401 %s", got.Status, typ, tt.fault)
			}
		})
	}
}

func TestRequests_LogRedactsCredentials(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	auth := fetchToken(t, srv)
	call(t, srv, http.MethodGet, shopBase+"/orders/00001", auth, nil)
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("logged %d requests, want 2", len(reqs))
	}
	want := []struct {
		route  string
		status int
	}{{"token", 200}, {"order.get", 404}}
	for i, r := range reqs {
		if r.Route != want[i].route || r.Status != want[i].status {
			t.Errorf("request %d: %s %d, want %s %d", i, r.Route, r.Status, want[i].route, want[i].status)
		}
		if got := r.Header.Get("Authorization"); got != "[redacted]" {
			t.Errorf("request %d Authorization logged as %q", i, got)
		}
		for _, secret := range []string{srv.ClientSecret(), strings.TrimPrefix(auth, "Bearer ")} {
			for k, vs := range r.Header {
				for _, v := range vs {
					if strings.Contains(v, secret) {
						t.Errorf("request %d header %s contains a credential", i, k)
					}
				}
			}
		}
	}
	srv.ResetRequests()
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("after ResetRequests: %d requests", n)
	}
}
