package apiauth_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/o2ckit/o2c/internal/apiauth"
)

// FuzzAuthenticate feeds arbitrary Authorization and X-API-Key headers to a
// guard: it never panics, and nothing but the configured credentials gets
// in.
func FuzzAuthenticate(f *testing.F) {
	for _, s := range []string{"Bearer " + key1, "Basic cGF0Y2h3b3Jrczpjb3JyZWN0IGhvcnNlIGJhdHRlcnk=", "Basic %%%", "bearer", " ", "Basic Og=="} {
		f.Add(s, "")
		f.Add("", s)
	}
	g, err := apiauth.New(apiauth.Config{APIKeys: []string{key1}, BasicUsers: map[string]string{"patchworks": basicPass}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, authz, apiKey string) {
		r := httptest.NewRequest("GET", "/v1/exceptions", nil)
		r.Header["Authorization"] = []string{authz}
		if apiKey != "" {
			r.Header["X-Api-Key"] = []string{apiKey}
		}
		p, _, ok := g.Authenticate(r)
		if !ok {
			return
		}
		switch p.Scheme {
		case "api-key":
			if apiKey != key1 && !strings.HasSuffix(authz, key1) {
				t.Fatalf("let in with key %q / %q", apiKey, authz)
			}
		case "basic":
			if p.Name != "patchworks" {
				t.Fatalf("let in as %q", p.Name)
			}
		default:
			t.Fatalf("let in by %q with %q / %q", p.Scheme, authz, apiKey)
		}
	})
}
