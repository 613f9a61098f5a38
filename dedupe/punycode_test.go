package dedupe

import (
	"testing"
	"unicode/utf8"
)

// Vectors from RFC 3492 section 7.1 and from registered IDN test domains.
var punycodeVectors = []struct{ unicode, ascii string }{
	{"bücher", "bcher-kva"},
	{"münchen", "mnchen-3ya"},
	{"español", "espaol-zwa"},
	{"пример", "e1afmkfd"},
	{"испытание", "80akhbyknj4f"},
	{"他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"},
	{"ليهمابتكلموشعربي؟", "egbpdaj6bu4bxfgehfvwxn"},
	{"3年b組金八先生", "3b-ww4c5e180e575a65lsy2b"},
}

func TestPunycode_RFC3492Vectors(t *testing.T) {
	for _, v := range punycodeVectors {
		enc, err := punyEncode(v.unicode)
		if err != nil || enc != v.ascii {
			t.Errorf("punyEncode(%q) = %q, %v; want %q", v.unicode, enc, err, v.ascii)
		}
		dec, err := punyDecode(v.ascii)
		if err != nil || dec != v.unicode {
			t.Errorf("punyDecode(%q) = %q, %v; want %q", v.ascii, dec, err, v.unicode)
		}
	}
}

func TestPunycode_RejectsMalformedInput(t *testing.T) {
	for _, in := range []string{
		"ü-abc",       // non-ASCII before the delimiter
		"abc-$",       // not a base-36 digit
		"abc-9",       // ends inside a variable-length integer
		"99999999999", // overflows the 31-bit bound
		"u8a9999999",  // code point beyond U+10FFFF
	} {
		if got, err := punyDecode(in); err == nil {
			t.Errorf("punyDecode(%q) = %q, want an error", in, got)
		}
	}
}

func FuzzPunycodeRoundTrip(f *testing.F) {
	for _, v := range punycodeVectors {
		f.Add(v.unicode)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		enc, err := punyEncode(s)
		if err != nil {
			return
		}
		dec, err := punyDecode(enc)
		if err != nil {
			t.Fatalf("punyDecode(punyEncode(%q) = %q): %v", s, enc, err)
		}
		if dec != s {
			t.Fatalf("round trip of %q gave %q via %q", s, dec, enc)
		}
	})
}
