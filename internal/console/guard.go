package console

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/o2ckit/o2c/internal/apiauth"
)

// Content security policies. The console's pages load only its own
// stylesheet and submit forms only to itself; none runs a script. The
// settlement report is o2c's own page with inline styles and an inline
// SVG chart: it gets those and nothing else, in a sandbox.
const (
	pageCSP   = "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	reportCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"
)

func securityHeaders(h http.Header, csp string) {
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	// Pages carry form tokens and exception details: keep them out of
	// shared caches and the browser's disk cache.
	h.Set("Cache-Control", "no-store")
}

// principalName is who acts, as the exception store records it: the
// scheme and name, e.g. "basic:alice".
func principalName(p apiauth.Principal) string { return p.Scheme + ":" + p.Name }

// formToken is the token every action form carries: an HMAC of the
// principal under the server's secret. A page of another site cannot read
// it (same-origin policy) and cannot compute it (no secret), so a forged
// cross-site form fails even in a browser that sends Basic credentials
// along with it.
func (c *Console) formToken(principal string) string {
	return base64.RawURLEncoding.EncodeToString(c.mac("form-token", principal))
}

func (c *Console) validToken(principal, got string) bool {
	raw, err := base64.RawURLEncoding.DecodeString(got)
	if err != nil {
		return false
	}
	return hmac.Equal(raw, c.mac("form-token", principal))
}

func (c *Console) mac(purpose, msg string) []byte {
	m := hmac.New(sha256.New, c.cfg.Secret)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// flashCookie carries the message shown after an action's redirect. It is
// signed so that nobody can make the console show a message it did not
// write.
const flashCookie = "o2c_console_flash"

type flash struct {
	// Error marks a failure; otherwise the message confirms an action.
	Error bool
	Text  string
}

func (c *Console) setFlash(w http.ResponseWriter, r *http.Request, f flash) {
	level := "ok"
	if f.Error {
		level = "error"
	}
	payload := base64.RawURLEncoding.EncodeToString([]byte(level + "\x00" + f.Text))
	sig := base64.RawURLEncoding.EncodeToString(c.mac("flash", payload))
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: payload + "." + sig, Path: c.cfg.BasePath,
		MaxAge: 60, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
}

// takeFlash reads the flash message, if any, and clears it.
func (c *Console) takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	ck, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: c.cfg.BasePath, MaxAge: -1,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	payload, sig, ok := strings.Cut(ck.Value, ".")
	if !ok {
		return nil
	}
	rawSig, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(rawSig, c.mac("flash", payload)) {
		return nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil
	}
	level, text, ok := strings.Cut(string(raw), "\x00")
	if !ok {
		return nil
	}
	return &flash{Error: level == "error", Text: text}
}
