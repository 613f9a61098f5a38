// Package apiauth guards o2c's HTTP surface (the connector API, the
// operations console) with the three schemes a Patchworks custom connector
// can be configured with:
//
//   - an API key, sent as "Authorization: Bearer KEY" or "X-API-Key: KEY";
//   - HTTP Basic, a user name and password pair;
//   - OAuth2 client credentials: the connector asks the token endpoint
//     (Guard.TokenHandler, RFC 6749 section 4.4) for an access token with its
//     client id and secret, and sends it as "Authorization: Bearer TOKEN".
//
// Every comparison of a presented credential runs in constant time over a
// SHA-256 digest, so neither the content nor the length of a key leaks
// through timing. Credentials never reach a log line, an error or a String
// method: a refused request is logged with its method, path and the scheme
// that was tried, nothing else. Paths listed in Config.Open (by default
// /healthz and /readyz) pass without credentials.
package apiauth

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults of Config.
const (
	// DefaultTokenLifetime is how long an access token from the token
	// endpoint is accepted.
	DefaultTokenLifetime = time.Hour
	// DefaultMaxTokens bounds the live access tokens kept; the oldest is
	// dropped first when a new one would exceed it.
	DefaultMaxTokens = 10000
	// DefaultRealm names the protection space in WWW-Authenticate.
	DefaultRealm = "o2c"
)

// DefaultOpen are the paths that need no credentials: liveness and
// readiness probes.
var DefaultOpen = []string{"/healthz", "/readyz"}

// Client is an OAuth2 client allowed to ask the token endpoint for tokens.
type Client struct {
	ID     string
	Secret string
}

// String names the client without its secret.
func (c Client) String() string { return "client " + c.ID }

// Config configures a Guard. At least one credential (a key, a Basic user
// or an OAuth2 client) must be set: a guard that lets nobody in is a
// misconfiguration, not a locked door.
type Config struct {
	// APIKeys are the accepted API keys.
	APIKeys []string
	// BasicUsers maps user names to passwords for HTTP Basic.
	BasicUsers map[string]string
	// Clients are the OAuth2 clients the token endpoint issues tokens to.
	Clients []Client
	// TokenLifetime is how long an issued token is accepted; default
	// DefaultTokenLifetime.
	TokenLifetime time.Duration
	// MaxTokens bounds the live tokens kept; default DefaultMaxTokens.
	MaxTokens int
	// Open are paths served without credentials; nil means DefaultOpen.
	Open []string
	// Realm is sent in WWW-Authenticate; default DefaultRealm.
	Realm string
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Random fills token bytes; default crypto/rand.
	Random io.Reader
	// Logger receives refused requests (never their credentials); nil
	// discards.
	Logger *slog.Logger
}

// ConfigError names a Config field that is unusable.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and why it was rejected.
func (e *ConfigError) Error() string {
	return "apiauth: invalid config: " + e.Field + ": " + e.Reason
}

func (c *Config) setDefaults() {
	if c.TokenLifetime == 0 {
		c.TokenLifetime = DefaultTokenLifetime
	}
	if c.MaxTokens == 0 {
		c.MaxTokens = DefaultMaxTokens
	}
	if c.Open == nil {
		c.Open = DefaultOpen
	}
	if c.Realm == "" {
		c.Realm = DefaultRealm
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Random == nil {
		c.Random = rand.Reader
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Validate reports the first unusable field.
func (c Config) Validate() error {
	if len(c.APIKeys) == 0 && len(c.BasicUsers) == 0 && len(c.Clients) == 0 {
		return &ConfigError{Field: "APIKeys", Reason: "no API key, Basic user or OAuth2 client: nobody could call the API"}
	}
	for i, k := range c.APIKeys {
		if len(k) < 16 {
			return &ConfigError{Field: fmt.Sprintf("APIKeys[%d]", i), Reason: "shorter than 16 characters"}
		}
	}
	for u, p := range c.BasicUsers {
		if u == "" || strings.Contains(u, ":") {
			return &ConfigError{Field: "BasicUsers", Reason: "a user name is empty or contains ':'"}
		}
		if len(p) < 12 {
			return &ConfigError{Field: "BasicUsers[" + u + "]", Reason: "password shorter than 12 characters"}
		}
	}
	seen := map[string]bool{}
	for i, cl := range c.Clients {
		if cl.ID == "" || len(cl.Secret) < 16 {
			return &ConfigError{Field: fmt.Sprintf("Clients[%d]", i), Reason: "needs an id and a secret of at least 16 characters"}
		}
		if seen[cl.ID] {
			return &ConfigError{Field: fmt.Sprintf("Clients[%d]", i), Reason: "duplicate client id " + strconv.Quote(cl.ID)}
		}
		seen[cl.ID] = true
	}
	if c.TokenLifetime < 0 {
		return &ConfigError{Field: "TokenLifetime", Reason: "negative"}
	}
	if c.MaxTokens < 0 {
		return &ConfigError{Field: "MaxTokens", Reason: "negative"}
	}
	return nil
}

// Guard checks credentials and issues OAuth2 access tokens.
type Guard struct {
	cfg     Config
	keys    [][sha256.Size]byte
	users   map[string][sha256.Size]byte
	clients map[string][sha256.Size]byte
	open    map[string]bool

	mu     sync.Mutex
	tokens map[[sha256.Size]byte]issued // by digest: the token itself is never kept
	order  [][sha256.Size]byte          // issue order, for MaxTokens
}

type issued struct {
	client  string
	expires time.Time
}

// New returns a Guard for cfg.
func New(cfg Config) (*Guard, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	g := &Guard{cfg: cfg, users: map[string][sha256.Size]byte{}, clients: map[string][sha256.Size]byte{},
		open: map[string]bool{}, tokens: map[[sha256.Size]byte]issued{}}
	for _, k := range cfg.APIKeys {
		g.keys = append(g.keys, sha256.Sum256([]byte(k)))
	}
	for u, p := range cfg.BasicUsers {
		g.users[u] = sha256.Sum256([]byte(p))
	}
	for _, c := range cfg.Clients {
		g.clients[c.ID] = sha256.Sum256([]byte(c.Secret))
	}
	for _, p := range cfg.Open {
		g.open[p] = true
	}
	return g, nil
}

// Principal is who a request was authenticated as.
type Principal struct {
	// Scheme is "api-key", "basic" or "oauth2".
	Scheme string
	// Name is the Basic user or OAuth2 client id; for an API key, "key N"
	// with N its position in Config.APIKeys.
	Name string
}

type principalKey struct{}

// PrincipalFrom returns the principal Middleware stored in ctx.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Middleware lets a request through to next when it carries valid
// credentials (or its path is open) and answers 401 with a
// WWW-Authenticate challenge and a JSON error body otherwise. The
// principal is in the request's context (PrincipalFrom), e.g. for "resolved
// by" in the exception store.
func (g *Guard) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.open[r.URL.Path] {
			next.ServeHTTP(w, r)
			return
		}
		p, scheme, ok := g.Authenticate(r)
		if !ok {
			g.cfg.Logger.WarnContext(r.Context(), "apiauth: request refused", "method", r.Method, "path", r.URL.Path, "scheme", scheme)
			g.challenge(w)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

// Authenticate checks r's credentials. It returns the principal, the
// scheme that was tried ("none" when r carries no credentials) and whether
// they are valid.
func (g *Guard) Authenticate(r *http.Request) (Principal, string, bool) {
	if k := r.Header.Get("X-API-Key"); k != "" {
		p, ok := g.apiKey(k)
		return p, "api-key", ok
	}
	auth := r.Header.Get("Authorization")
	scheme, value, _ := strings.Cut(auth, " ")
	value = strings.TrimSpace(value)
	switch {
	case strings.EqualFold(scheme, "Bearer") && value != "":
		if p, ok := g.apiKey(value); ok {
			return p, "api-key", true
		}
		p, ok := g.token(value)
		return p, "bearer", ok
	case strings.EqualFold(scheme, "Basic") && value != "":
		user, pass, ok := decodeBasic(value)
		if !ok {
			return Principal{}, "basic", false
		}
		want, known := g.users[user]
		got := sha256.Sum256([]byte(pass))
		// Compare even for an unknown user, so its absence costs the same.
		match := subtle.ConstantTimeCompare(got[:], want[:]) == 1
		if !known || !match {
			return Principal{}, "basic", false
		}
		return Principal{Scheme: "basic", Name: user}, "basic", true
	}
	return Principal{}, "none", false
}

func (g *Guard) apiKey(k string) (Principal, bool) {
	got := sha256.Sum256([]byte(k))
	found := -1
	for i, want := range g.keys {
		if subtle.ConstantTimeCompare(got[:], want[:]) == 1 && found < 0 {
			found = i
		}
	}
	if found < 0 {
		return Principal{}, false
	}
	return Principal{Scheme: "api-key", Name: "key " + strconv.Itoa(found+1)}, true
}

func (g *Guard) token(t string) (Principal, bool) {
	d := sha256.Sum256([]byte(t))
	g.mu.Lock()
	defer g.mu.Unlock()
	is, ok := g.tokens[d]
	if !ok {
		return Principal{}, false
	}
	if !g.cfg.Now().Before(is.expires) {
		delete(g.tokens, d)
		return Principal{}, false
	}
	return Principal{Scheme: "oauth2", Name: is.client}, true
}

func decodeBasic(v string) (user, pass string, ok bool) {
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return "", "", false
	}
	return strings.Cut(string(raw), ":")
}

func (g *Guard) challenge(w http.ResponseWriter) {
	w.Header().Add("WWW-Authenticate", `Bearer realm="`+g.cfg.Realm+`"`)
	if len(g.users) > 0 {
		w.Header().Add("WWW-Authenticate", `Basic realm="`+g.cfg.Realm+`", charset="UTF-8"`)
	}
	writeJSON(w, http.StatusUnauthorized, errorBody{Error: "unauthorized", Description: "valid credentials are required: an API key, HTTP Basic or an OAuth2 bearer token"})
}

// errorBody is the JSON error of RFC 6749 section 5.2, which the API's own
// error body extends.
type errorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// tokenResponse is RFC 6749 section 5.1.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

// TokenHandler is the OAuth2 token endpoint for the client credentials
// grant. The client authenticates with HTTP Basic (client_id:client_secret)
// or with client_id and client_secret form fields; the answer is a bearer
// token valid for Config.TokenLifetime. Serve it without Middleware in
// front (it checks the client's own credentials).
func (g *Guard) TokenHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeJSON(w, http.StatusMethodNotAllowed, errorBody{Error: "invalid_request", Description: "use POST"})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
		if err := r.ParseForm(); err != nil {
			writeJSON(w, http.StatusBadRequest, errorBody{Error: "invalid_request", Description: "the body is not a form"})
			return
		}
		if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
			writeJSON(w, http.StatusBadRequest, errorBody{Error: "unsupported_grant_type", Description: "only client_credentials is supported"})
			return
		}
		id, secret, ok := r.BasicAuth()
		if !ok {
			id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		}
		want, known := g.clients[id]
		got := sha256.Sum256([]byte(secret))
		match := subtle.ConstantTimeCompare(got[:], want[:]) == 1
		if !known || !match || id == "" {
			g.cfg.Logger.WarnContext(r.Context(), "apiauth: token request refused", "path", r.URL.Path)
			w.Header().Set("WWW-Authenticate", `Basic realm="`+g.cfg.Realm+`"`)
			writeJSON(w, http.StatusUnauthorized, errorBody{Error: "invalid_client"})
			return
		}
		tok, err := g.issue(id)
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, errorBody{Error: "server_error"})
			return
		}
		writeJSON(w, http.StatusOK, tokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int64(g.cfg.TokenLifetime / time.Second)})
	})
}

func (g *Guard) issue(client string) (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(g.cfg.Random, b); err != nil {
		return "", err
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	d := sha256.Sum256([]byte(tok))
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.cfg.Now()
	// Drop expired tokens from the front, then the oldest live ones over
	// the bound.
	for len(g.order) > 0 {
		first := g.order[0]
		is, ok := g.tokens[first]
		if ok && now.Before(is.expires) && len(g.tokens) < g.cfg.MaxTokens {
			break
		}
		delete(g.tokens, first)
		g.order = g.order[1:]
	}
	g.tokens[d] = issued{client: client, expires: now.Add(g.cfg.TokenLifetime)}
	g.order = append(g.order, d)
	return tok, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// KeysFromEnv reads API keys from the environment variable name
// (comma-separated, blanks ignored) and, when file is not empty, from that
// file (one key per line; blank lines and lines starting with # ignored).
// Errors name the variable or file, never a key.
func KeysFromEnv(getenv func(string) string, name, file string) ([]string, error) {
	var keys []string
	for _, k := range strings.Split(getenv(name), ",") {
		if k = strings.TrimSpace(k); k != "" {
			keys = append(keys, k)
		}
	}
	if file == "" {
		return keys, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("apiauth: API key file: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		k := strings.TrimSpace(sc.Text())
		if k == "" || strings.HasPrefix(k, "#") {
			continue
		}
		keys = append(keys, k)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("apiauth: API key file %s after line %d: %w", file, line, err)
	}
	return keys, nil
}
