package sfcctest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// tokenResponse is Account Manager's client-credentials answer.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// handleToken is Account Manager's token endpoint: Basic auth with the
// client id and secret each form-url-encoded, body
// grant_type=client_credentials. A secret sent without the encoding (a raw
// "+" or "%") does not authenticate, as with the real Account Manager.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, oauthError{Error: "unsupported_grant_type",
			Description: "grant_type must be client_credentials"})
		return
	}
	user, pass, ok := r.BasicAuth()
	if ok {
		var e1, e2 error
		user, e1 = url.QueryUnescape(user)
		pass, e2 = url.QueryUnescape(pass)
		ok = e1 == nil && e2 == nil
	}
	if !ok || subtle.ConstantTimeCompare([]byte(user), []byte(s.cfg.clientID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(pass), []byte(s.cfg.secret)) != 1 {
		w.Header().Set("WWW-Authenticate", `Basic realm="Account Manager"`)
		writeJSON(w, http.StatusUnauthorized, oauthError{Error: "invalid_client", Description: "Client authentication failed"})
		return
	}
	scopes, ok := s.checkTokenScopes(w, r)
	if !ok {
		return
	}
	tok := newToken()
	s.grantScopes(tok, scopes)
	lifetime := s.cfg.tokenLifetime
	s.mu.Lock()
	now := s.now()
	for t, exp := range s.tokens { // forget expired tokens so long runs stay small
		if !now.Before(exp) {
			delete(s.tokens, t)
		}
	}
	s.tokens[tok] = now.Add(lifetime)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, tokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int64(lifetime / time.Second)})
}

func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "sim_" + hex.EncodeToString(b)
}

// authorized checks the bearer token of an API request and answers 401 when
// it is missing (UnauthorizedException) or unknown or expired
// (InvalidAccessTokenException).
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	h := r.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(h, " ")
	if h == "" || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		writeFault(w, http.StatusUnauthorized, "UnauthorizedException", "no bearer token in the Authorization header", nil)
		return false
	}
	s.mu.Lock()
	exp, known := s.tokens[tok]
	now := s.now()
	s.mu.Unlock()
	if !known || !now.Before(exp) {
		writeFault(w, http.StatusUnauthorized, "InvalidAccessTokenException", "the access token is invalid or has expired", nil)
		return false
	}
	return true
}

// TokenRequests is the number of token endpoint calls so far, successful or
// not (including those an injected fault answered).
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenReqs
}

// ExpireTokens invalidates every token issued so far.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

// IssueToken returns a valid access token without going through the token
// endpoint (it does not count in TokenRequests), for tests that call routes
// with plain net/http.
func (s *Server) IssueToken() string {
	tok := newToken()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[tok] = s.now().Add(s.cfg.tokenLifetime)
	return tok
}
