package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/o2ckit/o2c/docs"
	"github.com/o2ckit/o2c/internal/console"
	"github.com/o2ckit/o2c/reconcile"
)

func TestGuideSections_EveryKindHasASectionInOperationsMD(t *testing.T) {
	secs := console.GuideSections(docs.Operations)
	for _, k := range reconcile.Kinds() {
		s, ok := secs[k]
		if !ok {
			t.Errorf("docs/operations.md has no section for %s", k)
			continue
		}
		if !strings.Contains(s, "**Meaning.**") || strings.Contains(s, "### ") {
			t.Errorf("section %s is cut wrong:\n%s", k, s)
		}
	}
}

func TestGuideSections_SplitsAtHeadingsOutsideCode(t *testing.T) {
	md := "# Title\n\n### chargeback — finance\n\nFirst.\n\n```\n### not-a-heading — x\n```\n\n## Next chapter\n\nOther.\n" +
		"### refund — finance\nR.\n### Reading the report\nnot a kind\n"
	secs := console.GuideSections([]byte(md))
	if got, want := secs["chargeback"], "First.\n\n```\n### not-a-heading — x\n```"; got != want {
		t.Errorf("chargeback = %q, want %q", got, want)
	}
	if _, ok := secs["not-a-heading"]; ok {
		t.Errorf("a heading inside a code block was taken")
	}
	if got := secs["refund"]; got != "R." {
		t.Errorf("refund = %q", got)
	}
	if len(secs) != 2 {
		t.Errorf("sections %q, want chargeback and refund", secs)
	}
}

func TestConsole_GuideMarkupIsSafe(t *testing.T) {
	guide := "### shipment-stuck — operations\n\n<script>alert(1)</script>\n\nSee [the runbook](javascript:alert(2)) and <b onclick=x>this</b>.\n"
	store := &reconcile.MemoryExceptionStore{}
	if err := store.Record(context.Background(), now, fixture...); err != nil {
		t.Fatal(err)
	}
	c, err := console.New(console.Config{Store: store, Secret: secret, Guide: []byte(guide), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	w := newRecorder()
	c.ServeHTTP(w, newRequest(http.MethodGet, exceptionPath(reconcile.KindShipmentStuck, "SHP-77"), ""))
	body := w.Body.String()
	for _, bad := range []string{"<script", "javascript:", "onclick"} {
		if strings.Contains(body, bad) {
			t.Errorf("the guide's %q reached the page:\n%s", bad, body)
		}
	}
	if !strings.Contains(body, "the runbook") {
		t.Errorf("the guide's text is missing")
	}
	// A kind without a section falls back to unclassified's, or says so.
	w = newRecorder()
	c.ServeHTTP(w, newRequest(http.MethodGet, exceptionPath(reconcile.KindERPRejected, "00001001"), ""))
	if !strings.Contains(w.Body.String(), "The operations guide has nothing on this kind.") {
		t.Errorf("no notice for a kind without a section")
	}
}

func FuzzGuideSections(f *testing.F) {
	f.Add(docs.Operations)
	f.Add([]byte("### a — b\n```\n### c — d\n"))
	f.Add([]byte("~~~\n### x — y\n~~~\n### z — w\nbody"))
	f.Fuzz(func(t *testing.T, md []byte) {
		for k, s := range console.GuideSections(md) {
			if k == "" || strings.ContainsAny(string(k), " \t\n") {
				t.Fatalf("kind %q", k)
			}
			if strings.HasPrefix(s, " ") || strings.HasSuffix(s, "\n") {
				t.Fatalf("section %s not trimmed: %q", k, s)
			}
		}
	})
}
