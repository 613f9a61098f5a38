package termsafe_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/o2ckit/o2c/internal/termsafe"
)

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"PSP-123", "PSP-123"},
		{"Café ♥ 東京", "Café ♥ 東京"},
		{"00012\n  exceptions    0", `00012\n  exceptions    0`},
		{"A\r\x1b[2Jforged", `A\r\x1b[2Jforged`},
		{"evil\u202etxt.exe", `evil\u202etxt.exe`},
		{"bad\xffbyte", `bad\xffbyte`},
		{"del\x7f c1\u0085", `del\x7f c1\u0085`},
		{"tab\there", `tab\there`},
	} {
		if got := termsafe.Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

type stringer string

func (s stringer) String() string { return string(s) }

func TestFprintf_EscapesEveryTextArgumentButNotTheFormat(t *testing.T) {
	var b strings.Builder
	termsafe.Fprintf(&b, "%s|%v|%v|%d|%s\n", "o\n1", errors.New("e\x1b"), stringer("s\r"), 42, "ok")
	want := `o\n1|e\x1b|s\r|42|ok` + "\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "PSP\n", "\x1b[31m", "\u202e", "\xff\xfe", "ok"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := termsafe.Escape(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Escape(%q) = %q is not valid UTF-8", s, got)
		}
		for _, r := range got {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u202e' || r == '\u2066' {
				t.Fatalf("Escape(%q) = %q keeps control %U", s, got, r)
			}
		}
		if strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r >= 0x80 }) < 0 && got != s {
			t.Fatalf("Escape changed printable ASCII %q to %q", s, got)
		}
	})
}

func ExampleFprintf() {
	orderNo := "00012\n  exceptions    0" // a forged summary line
	termsafe.Fprintf(os.Stdout, "failed order %s\n", orderNo)
	fmt.Println(termsafe.Escape("plain text stays plain"))
	// Output:
	// failed order 00012\n  exceptions    0
	// plain text stays plain
}
