package wire

import (
	"encoding/base64"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Redacted replaces every secret value and token-like text in errors.
const Redacted = "[redacted]"

// scrubber remembers secret values (client secrets, their encodings, live
// tokens) and removes them from text by value. Patterns alone miss a secret
// a server echoes in an unexpected shape, such as base64(id:secret) without
// the word "Basic".
type scrubber struct {
	mu     sync.Mutex
	values []string // longest first, so a value is never half-replaced
}

// add remembers v and the encodings under which it may come back.
func (s *scrubber) add(vs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range vs {
		if len(v) < 4 { // too short to scrub without mangling ordinary text
			continue
		}
		found := false
		for _, old := range s.values {
			if old == v {
				found = true
				break
			}
		}
		if !found {
			s.values = append(s.values, v)
		}
	}
	sort.Slice(s.values, func(i, j int) bool { return len(s.values[i]) > len(s.values[j]) })
}

// addSecret remembers a client secret with every encoding the token
// exchange puts it in: form-url-encoded, and inside the Basic credential
// base64(urlencode(id):urlencode(secret)) in standard and URL-safe base64,
// padded or not. The raw id:secret pair is covered too.
func (s *scrubber) addSecret(clientID, secret string) {
	vs := []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}
	for _, pair := range []string{url.QueryEscape(clientID) + ":" + url.QueryEscape(secret), clientID + ":" + secret} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			vs = append(vs, enc.EncodeToString([]byte(pair)))
		}
	}
	s.add(vs...)
}

// scrub removes every remembered value, then anything token-like.
func (s *scrubber) scrub(text string) string {
	s.mu.Lock()
	for _, v := range s.values {
		if strings.Contains(text, v) {
			text = strings.ReplaceAll(text, v, Redacted)
		}
	}
	s.mu.Unlock()
	return MaskTokens(RedactURLs(text))
}

var tokenLike = []*regexp.Regexp{
	// Bearer credentials and Basic auth values.
	regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+`),
	// JSON web tokens (Account Manager issues JWTs).
	regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`),
	// key=value or "key":"value" pairs that carry a credential.
	regexp.MustCompile(`(?i)("?(?:access_token|client_secret|password|token|secret|authorization)"?\s*[:=]\s*"?)[^"&,\s}]+`),
}

// MaskTokens replaces anything that looks like a credential with
// [redacted]. SFCC does not echo credentials in faults, but a proxy in
// between might.
func MaskTokens(s string) string {
	s = tokenLike[0].ReplaceAllString(s, "$1 "+Redacted)
	s = tokenLike[1].ReplaceAllString(s, Redacted)
	s = tokenLike[2].ReplaceAllString(s, "${1}"+Redacted)
	return s
}

var urlInText = regexp.MustCompile(`(?i)\bhttps?://[^\s"'<>]+`)

// RedactURLs rewrites every URL in s with its user info and query values
// replaced, so a URL printed by net/http or oauth2 never shows a
// credential that rode in it.
func RedactURLs(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return urlInText.ReplaceAllStringFunc(s, RedactURL)
}

// RedactURL returns raw with user info and every query value replaced by
// [redacted] (parameter names stay, they help debugging); a URL that does
// not parse loses everything after its host.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.IndexAny(raw, "?#@"); i >= 0 {
			return raw[:i] + "?" + Redacted
		}
		return raw
	}
	if u.User != nil {
		u.User = url.User(Redacted)
	}
	if u.RawQuery != "" {
		q := u.Query()
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for i, k := range keys {
			if i > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k) + "=" + Redacted)
		}
		u.RawQuery = b.String()
	}
	u.Fragment = ""
	return u.String()
}
