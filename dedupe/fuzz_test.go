package dedupe_test

import (
	"bufio"
	"errors"
	"os"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/o2ckit/o2c/dedupe"
)

// seedEmails reads testdata/emails.txt: one address per line, "#" comments,
// "|...|" to keep surrounding white space.
func seedEmails(f *testing.F) []string {
	file, err := os.Open("testdata/emails.txt")
	if err != nil {
		f.Fatal(err)
	}
	defer file.Close()
	var out []string
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if len(line) > 1 && strings.HasPrefix(line, "|") && strings.HasSuffix(line, "|") {
			line = line[1 : len(line)-1]
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		f.Fatal(err)
	}
	return out
}

func FuzzNormalize(f *testing.F) {
	for _, s := range seedEmails(f) {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, raw string, rules bool) {
		n := dedupe.Normalizer{}
		if rules {
			n = dedupe.Normalizer{GmailDots: true, PlusTagDomains: []string{"gmail.com", "bücher.de"}}
		}
		e, err := n.Normalize(raw)
		if err != nil {
			if !errors.Is(err, dedupe.ErrInvalidEmail) {
				t.Fatalf("Normalize(%q): untyped error %v", raw, err)
			}
			return
		}
		key := e.Key()
		if strings.Count(key, "@") != 1 || !norm.NFC.IsNormalString(key) {
			t.Fatalf("Normalize(%q): key %q is not one NFC address", raw, key)
		}
		// The key and the stored address are fixed points: normalising
		// either again gives the same key, so a record created from one
		// order is recognised by the next.
		for _, again := range []string{key, e.Address()} {
			e2, err := n.Normalize(again)
			if err != nil {
				t.Fatalf("Normalize(%q) = %q, but normalising %q fails: %v", raw, key, again, err)
			}
			if e2.Key() != key {
				t.Fatalf("Normalize(%q) = %q, but %q normalises to %q", raw, key, again, e2.Key())
			}
		}
	})
}
