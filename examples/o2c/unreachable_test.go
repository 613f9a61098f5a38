package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A day against an SFCC that cannot be used at all must not look like a
// quiet day: the summary lists a system-unavailable exception for
// operations and the run exits non-zero.
func TestRun_UnreachableSFCCIsAnExceptionAndExitsNonZero(t *testing.T) {
	refused := func(t *testing.T) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close() // nothing listens there any more: connections are refused
		return "http://" + addr
	}
	answering := func(status int) func(t *testing.T) string {
		return func(t *testing.T) string {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				w.Write([]byte(`{"fault":{"type":"ServerError","message":"no"}}`))
			}))
			t.Cleanup(srv.Close)
			return srv.URL
		}
	}
	for _, tc := range []struct {
		name string
		host func(t *testing.T) string
	}{
		{"connection refused", refused},
		{"every call 500", answering(500)},
		{"every call 401", answering(401)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			host := tc.host(t)
			t.Setenv("SFCC_HOST", host)
			t.Setenv("SFCC_SITE", "RefArch")
			t.Setenv("SFCC_CLIENT_ID", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")
			t.Setenv("SFCC_CLIENT_SECRET", "s3cr3t-value-never-printed")
			t.Setenv("SFCC_TOKEN_URL", host+"/dw/oauth2/access_token")
			var out, errb bytes.Buffer
			code := run(context.Background(), []string{"-json"}, &out, &errb)
			if code == 0 {
				t.Fatalf("exit 0 for a day in which SFCC could not be used; stderr:\n%s", errb.String())
			}
			var sum daySummary
			if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
				t.Fatalf("stdout is not the JSON summary: %v\n%s", err, out.String())
			}
			found := false
			for _, e := range sum.Exceptions {
				if e.Kind == "system-unavailable" && e.Owner == "operations" && strings.Contains(e.Key, "SFCC") {
					found = true
				}
			}
			if !found {
				t.Errorf("no system-unavailable exception for operations naming SFCC: %+v", sum.Exceptions)
			}
			if len(sum.Incomplete) == 0 {
				t.Error("the summary does not say the day is incomplete")
			}
			if !strings.Contains(errb.String(), "incomplete") {
				t.Errorf("stderr does not say the day is incomplete:\n%s", errb.String())
			}
			if strings.Contains(out.String()+errb.String(), "s3cr3t-value-never-printed") {
				t.Error("the client secret reached the output")
			}
		})
	}
}

// Order numbers, SKUs and error details come from outside; a line break or
// terminal escape in one must not forge lines of the summary.
func TestSummary_TextEscapesControlCharacters(t *testing.T) {
	s := daySummary{
		OrdersSeen:   1,
		FailedOrders: []failedOrder{{OrderNo: "00012\n  exceptions    0", Reason: "bad\x1b[2J"}},
		Exceptions:   []exceptionJSON{{Kind: "mapping-missing", Owner: "finance", Key: "tax: country=\rXX", Detail: "no row\u202e"}},
		Incomplete:   []string{"export: order\nforged"},
	}
	var b bytes.Buffer
	s.writeText(&b)
	text := b.String()
	for _, bad := range []string{"\x1b", "\r", "\u202e", "\n  exceptions    0\n", "\nforged"} {
		if strings.Contains(text, bad) {
			t.Errorf("summary contains raw %q:\n%s", bad, text)
		}
	}
	for _, want := range []string{`00012\n  exceptions    0`, `bad\x1b[2J`, `country=\rXX`, `order\nforged`} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks the escaped %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "\n  exceptions    "); n != 1 {
		t.Errorf("%d lines read as the exceptions count, want 1:\n%s", n, text)
	}
}
