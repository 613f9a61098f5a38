package apiauth_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/o2ckit/o2c/internal/apiauth"
)

const (
	key1         = "k1-0123456789abcdef"
	key2         = "k2-fedcba9876543210"
	basicPass    = "correct horse battery"
	clientSecret = "client-secret-0123456789"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newGuard(t *testing.T, logs io.Writer, c *clock) *apiauth.Guard {
	t.Helper()
	g, err := apiauth.New(apiauth.Config{
		APIKeys:    []string{key1, key2},
		BasicUsers: map[string]string{"patchworks": basicPass},
		Clients:    []apiauth.Client{{ID: "pw-connector", Secret: clientSecret}},
		Now:        c.now,
		Logger:     slog.New(slog.NewTextHandler(logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func server(g *apiauth.Guard) *httptest.Server {
	mux := http.NewServeMux()
	mux.Handle("POST /oauth/token", g.TokenHandler())
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := apiauth.PrincipalFrom(r.Context())
		fmt.Fprintf(w, "%s %s", p.Scheme, p.Name)
	})
	mux.Handle("/", g.Middleware(api))
	return httptest.NewServer(mux)
}

func get(t *testing.T, srv *httptest.Server, path string, hdr map[string]string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func token(t *testing.T, srv *httptest.Server, form url.Values, basicID, basicSecret string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicID != "" {
		req.SetBasicAuth(basicID, basicSecret)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

func TestGuard_EachSchemeLetsItsCallerIn(t *testing.T) {
	var logs bytes.Buffer
	c := &clock{time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
	srv := server(newGuard(t, &logs, c))
	defer srv.Close()

	basic := func(u, p string) string {
		req, _ := http.NewRequest("GET", "/", nil)
		req.SetBasicAuth(u, p)
		return req.Header.Get("Authorization")
	}
	code, body := token(t, srv, url.Values{"grant_type": {"client_credentials"}}, "pw-connector", clientSecret)
	if code != 200 || body["token_type"] != "Bearer" || body["expires_in"] != float64(3600) {
		t.Fatalf("token endpoint: %d %v", code, body)
	}
	tok, _ := body["access_token"].(string)
	code, formBody := token(t, srv, url.Values{"grant_type": {"client_credentials"}, "client_id": {"pw-connector"}, "client_secret": {clientSecret}}, "", "")
	if code != 200 || formBody["access_token"] == tok {
		t.Fatalf("token by form fields: %d %v (a second token must differ)", code, formBody)
	}

	for _, tc := range []struct {
		name string
		hdr  map[string]string
		want string
	}{
		{"bearer api key", map[string]string{"Authorization": "Bearer " + key2}, "api-key key 2"},
		{"x-api-key", map[string]string{"X-API-Key": key1}, "api-key key 1"},
		{"basic", map[string]string{"Authorization": basic("patchworks", basicPass)}, "basic patchworks"},
		{"oauth2 token", map[string]string{"Authorization": "Bearer " + tok}, "oauth2 pw-connector"},
		{"scheme case", map[string]string{"Authorization": "bearer " + key1}, "api-key key 1"},
	} {
		if code, got, _ := get(t, srv, "/v1/exceptions", tc.hdr); code != 200 || got != tc.want {
			t.Errorf("%s: %d %q, want 200 %q", tc.name, code, got, tc.want)
		}
	}
}

func TestGuard_RefusesWithoutOrWithWrongCredentialsAndNeverLogsThem(t *testing.T) {
	var logs bytes.Buffer
	c := &clock{time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
	srv := server(newGuard(t, &logs, c))
	defer srv.Close()
	basic := func(u, p string) string {
		req, _ := http.NewRequest("GET", "/", nil)
		req.SetBasicAuth(u, p)
		return req.Header.Get("Authorization")
	}
	wrongKey := "k1-0123456789abcdeX"
	for _, tc := range []struct {
		name string
		hdr  map[string]string
	}{
		{"none", nil},
		{"wrong bearer key", map[string]string{"Authorization": "Bearer " + wrongKey}},
		{"key prefix", map[string]string{"X-API-Key": key1[:10]}},
		{"wrong x-api-key", map[string]string{"X-API-Key": wrongKey}},
		{"wrong password", map[string]string{"Authorization": basic("patchworks", "correct horse battery!")}},
		{"unknown user", map[string]string{"Authorization": basic("someone", basicPass)}},
		{"basic not base64", map[string]string{"Authorization": "Basic %%%"}},
		{"client secret as bearer", map[string]string{"Authorization": "Bearer " + clientSecret}},
		{"empty bearer", map[string]string{"Authorization": "Bearer "}},
	} {
		code, body, hdr := get(t, srv, "/v1/orders/translate", tc.hdr)
		if code != 401 {
			t.Errorf("%s: %d, want 401", tc.name, code)
		}
		if !strings.Contains(body, `"error":"unauthorized"`) || len(hdr.Values("WWW-Authenticate")) == 0 {
			t.Errorf("%s: body %q, challenge %v", tc.name, body, hdr.Values("WWW-Authenticate"))
		}
	}
	for _, secret := range []string{key1, key2, wrongKey, basicPass, clientSecret, "correct horse battery!"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("a credential reached the log: %q", secret)
		}
	}
	if !strings.Contains(logs.String(), "request refused") {
		t.Errorf("refusals are not logged:\n%s", logs.String())
	}
}

func TestGuard_OpenPathsNeedNoCredentials(t *testing.T) {
	srv := server(newGuard(t, io.Discard, &clock{time.Now()}))
	defer srv.Close()
	for _, p := range []string{"/healthz", "/readyz"} {
		if code, _, _ := get(t, srv, p, nil); code != 200 {
			t.Errorf("%s: %d, want 200", p, code)
		}
	}
	if code, _, _ := get(t, srv, "/healthz/x", nil); code != 401 {
		t.Errorf("/healthz/x: %d, want 401 (only the exact path is open)", code)
	}
}

func TestGuard_TokensExpire(t *testing.T) {
	c := &clock{time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
	srv := server(newGuard(t, io.Discard, c))
	defer srv.Close()
	_, body := token(t, srv, url.Values{"grant_type": {"client_credentials"}}, "pw-connector", clientSecret)
	tok := body["access_token"].(string)
	hdr := map[string]string{"Authorization": "Bearer " + tok}
	c.t = c.t.Add(59 * time.Minute)
	if code, _, _ := get(t, srv, "/v1/x", hdr); code != 200 {
		t.Fatalf("token refused before it expired: %d", code)
	}
	c.t = c.t.Add(time.Minute)
	if code, _, _ := get(t, srv, "/v1/x", hdr); code != 401 {
		t.Fatalf("expired token accepted: %d", code)
	}
}

func TestTokenHandler_RefusesBadClientsAndGrants(t *testing.T) {
	var logs bytes.Buffer
	srv := server(newGuard(t, &logs, &clock{time.Now()}))
	defer srv.Close()
	cc := url.Values{"grant_type": {"client_credentials"}}
	if code, body := token(t, srv, cc, "pw-connector", "wrong-secret-0123456789"); code != 401 || body["error"] != "invalid_client" {
		t.Errorf("wrong secret: %d %v", code, body)
	}
	if code, body := token(t, srv, cc, "", ""); code != 401 || body["error"] != "invalid_client" {
		t.Errorf("no client: %d %v", code, body)
	}
	if code, body := token(t, srv, url.Values{"grant_type": {"password"}}, "pw-connector", clientSecret); code != 400 || body["error"] != "unsupported_grant_type" {
		t.Errorf("password grant: %d %v", code, body)
	}
	if strings.Contains(logs.String(), "wrong-secret") || strings.Contains(logs.String(), clientSecret) {
		t.Error("a client secret reached the log")
	}
}

func TestNew_RejectsUnusableConfigNamingTheField(t *testing.T) {
	for _, tc := range []struct {
		cfg   apiauth.Config
		field string
	}{
		{apiauth.Config{}, "APIKeys"},
		{apiauth.Config{APIKeys: []string{"short"}}, "APIKeys[0]"},
		{apiauth.Config{BasicUsers: map[string]string{"a:b": "long enough password"}}, "BasicUsers"},
		{apiauth.Config{BasicUsers: map[string]string{"ops": "short"}}, "BasicUsers[ops]"},
		{apiauth.Config{Clients: []apiauth.Client{{ID: "c", Secret: "0123456789abcdef"}, {ID: "c", Secret: "0123456789abcdef"}}}, "Clients[1]"},
		{apiauth.Config{APIKeys: []string{key1}, TokenLifetime: -time.Second}, "TokenLifetime"},
	} {
		_, err := apiauth.New(tc.cfg)
		var ce *apiauth.ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field {
			t.Errorf("New(%+v) = %v, want a *ConfigError for %s", tc.field, err, tc.field)
		}
		if err != nil && (strings.Contains(err.Error(), "0123456789abcdef") || strings.Contains(err.Error(), "long enough password")) {
			t.Errorf("error quotes a secret: %v", err)
		}
	}
}

func TestKeysFromEnv(t *testing.T) {
	file := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(file, []byte("# keys for the connector\n\n  k3-0123456789abcdef  \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"O2C_API_KEYS": " " + key1 + ",," + key2 + " "}
	keys, err := apiauth.KeysFromEnv(func(k string) string { return env[k] }, "O2C_API_KEYS", file)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{key1, key2, "k3-0123456789abcdef"}
	if fmt.Sprint(keys) != fmt.Sprint(want) {
		t.Errorf("keys = %v, want %v", keys, want)
	}
	if _, err := apiauth.KeysFromEnv(func(string) string { return "" }, "X", filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing key file was not an error")
	}
}

func ExampleGuard_Middleware() {
	g, err := apiauth.New(apiauth.Config{APIKeys: []string{"an-api-key-of-some-length"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	h := g.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := apiauth.PrincipalFrom(r.Context())
		fmt.Fprint(w, "hello, ", p.Name)
	}))
	for _, key := range []string{"", "an-api-key-of-some-length"} {
		req := httptest.NewRequest(http.MethodGet, "/v1/exceptions", nil)
		if key != "" {
			req.Header.Set("X-API-Key", key)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Println(rec.Code, strings.TrimSpace(rec.Body.String()))
	}
	// Output:
	// 401 {"error":"unauthorized","error_description":"valid credentials are required: an API key, HTTP Basic or an OAuth2 bearer token"}
	// 200 hello, key 1
}
