package dedupe_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/o2ckit/o2c/dedupe"
)

func TestNormalize_SameCustomerGetsOneKey(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		key     string
		address string
	}{
		{"plain", "jane.doe@example.com", "jane.doe@example.com", "jane.doe@example.com"},
		{"padding and case", "  Jane.Doe@Example.COM\t\n", "jane.doe@example.com", "Jane.Doe@example.com"},
		{"no-break and zero-width padding", "\u00a0\u200bjane@example.com\ufeff", "jane@example.com", "jane@example.com"},
		{"trailing root dot", "jane@example.com.", "jane@example.com", "jane@example.com"},
		{"atext specials", "o'brien+news/x=y@example.com", "o'brien+news/x=y@example.com", "o'brien+news/x=y@example.com"},
		{"plus tag kept by default", "Jane+Shop@gmail.com", "jane+shop@gmail.com", "Jane+Shop@gmail.com"},
		{"gmail dots kept by default", "j.a.n.e@googlemail.com", "j.a.n.e@googlemail.com", "j.a.n.e@googlemail.com"},
		// Internationalised addresses (RFC 6531/6532, IDNA).
		{"decomposed umlaut composes (NFC)", "u\u0308nal@example.de", "ünal@example.de", "ünal@example.de"},
		{"non-ASCII local part folds case", "ÜNAL@Example.de", "ünal@example.de", "ÜNAL@example.de"},
		{"unicode domain folds case", "jane@BÜCHER.de", "jane@bücher.de", "jane@bücher.de"},
		{"A-label domain equals U-label domain", "jane@xn--bcher-kva.de", "jane@bücher.de", "jane@bücher.de"},
		{"A-label prefix in upper case", "jane@XN--BCHER-KVA.DE", "jane@bücher.de", "jane@bücher.de"},
		{"Cyrillic A-labels", "ivan@xn--e1afmkfd.xn--80akhbyknj4f", "ivan@пример.испытание", "ivan@пример.испытание"},
		{"Chinese local part and domain", "用户@例子.广告", "用户@例子.广告", "用户@例子.广告"},
		{"ideographic full stop separates labels", "用户@例子。广告", "用户@例子.广告", "用户@例子.广告"},
		{"fullwidth full stop separates labels", "jane@example．com", "jane@example.com", "jane@example.com"},
		{"Greek final sigma folds", "ΟΔΥΣΣΕΑΣ@example.gr", "οδυσσεασ@example.gr", "ΟΔΥΣΣΕΑΣ@example.gr"},
		{"sharp s full folding stores the key", "Straße@example.de", "strasse@example.de", "strasse@example.de"},
		{"ligature full folding stores the key", "ﬁona@example.com", "fiona@example.com", "fiona@example.com"},
		{"Cherokee folds to upper case", "ꮪꮷ@example.com", "ᏚᏧ@example.com", "ꮪꮷ@example.com"},
		{"devanagari local part", "अजय@example.in", "अजय@example.in", "अजय@example.in"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := dedupe.Normalize(tc.in)
			if err != nil {
				t.Fatalf("Normalize(%q): %v", tc.in, err)
			}
			if e.Key() != tc.key || e.Address() != tc.address {
				t.Errorf("Normalize(%q) = key %q address %q, want key %q address %q", tc.in, e.Key(), e.Address(), tc.key, tc.address)
			}
			again, err := dedupe.Normalize(e.Address())
			if err != nil || again.Key() != e.Key() {
				t.Errorf("the stored address %q does not normalise back to key %q (got %q, %v)", e.Address(), e.Key(), again.Key(), err)
			}
		})
	}
}

func TestNormalize_RejectsWhatIsNotAnAddress(t *testing.T) {
	cases := []struct {
		name, in, reason string
	}{
		{"empty", "", "empty"},
		{"only spaces", "  \t ", "empty"},
		{"no at sign", "jane.example.com", "no @"},
		{"empty local part", "@example.com", "empty local part"},
		{"empty domain", "jane@", "empty domain"},
		{"two at signs", "jane@doe@example.com", "more than one @"},
		{"quoted local part", `"jane doe"@example.com`, "quoted local parts are not supported"},
		{"quoted local part with an at sign", `"jane@home"@example.com`, "more than one @"},
		{"space inside", "jane doe@example.com", `local part contains ' '`},
		{"comma", "jane,doe@example.com", `local part contains ','`},
		{"leading dot", ".jane@example.com", "local part starts or ends with a dot"},
		{"trailing dot", "jane.@example.com", "local part starts or ends with a dot"},
		{"double dot", "ja..ne@example.com", "local part has consecutive dots"},
		{"control character", "ja\u0007ne@example.com", `local part contains '\a'`},
		{"zero-width joiner inside", "ja\u200dne@example.com", "local part contains U+200D"},
		{"no-break space inside", "ja\u00a0ne@example.com", "local part contains U+00A0"},
		{"invalid UTF-8", "jane\xff@example.com", "not valid UTF-8"},
		{"local part over 64 octets", strings.Repeat("a", 65) + "@example.com", "local part longer than 64 octets"},
		{"single-label domain", "jane@localhost", "domain has a single label"},
		{"IPv4 domain", "jane@192.168.0.1", "top-level domain is numeric"},
		{"address literal", "jane@[192.168.0.1]", "address literals are not supported"},
		{"empty label", "jane@example..com", "domain has an empty label"},
		{"leading hyphen label", "jane@-example.com", "domain label starts or ends with a hyphen"},
		{"trailing hyphen label", "jane@example-.com", "domain label starts or ends with a hyphen"},
		{"underscore in domain", "jane@exa_mple.com", `domain contains '_'`},
		{"symbol in unicode domain", "jane@bücher★.de", `domain contains '★'`},
		{"label over 63 octets", "jane@" + strings.Repeat("a", 64) + ".com", "domain label longer than 63 octets"},
		{"unicode label over 63 octets as A-label", "jane@" + strings.Repeat("a", 60) + "ü.de", "domain label longer than 63 octets"},
		{"domain over 253 octets", "jane@" + strings.Repeat(strings.Repeat("a", 60)+".", 5) + "com", "domain longer than 253 octets"},
		{"bad punycode", "jane@xn--ab-$.de", "domain label is not valid punycode"},
		{"punycode of plain ASCII", "jane@xn--abc-.de", "punycode label encodes plain ASCII"},
		{"overlong input", strings.Repeat("a", 2000) + "@example.com", "longer than any address"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := dedupe.Normalize(tc.in)
			if err == nil {
				t.Fatalf("Normalize(%q) = %q, want an error", tc.in, e.Key())
			}
			if !errors.Is(err, dedupe.ErrInvalidEmail) {
				t.Errorf("error %v does not match ErrInvalidEmail", err)
			}
			var inv *dedupe.InvalidEmailError
			if !errors.As(err, &inv) {
				t.Fatalf("error %T is not *InvalidEmailError", err)
			}
			if inv.Reason != tc.reason {
				t.Errorf("reason = %q, want %q", inv.Reason, tc.reason)
			}
			if trimmed := strings.TrimSpace(tc.in); len(trimmed) > 3 && strings.Contains(err.Error(), trimmed) {
				t.Errorf("error text %q contains the full input", err.Error())
			}
		})
	}
}

func TestNormalizer_ProviderRulesMergeOnlyConfiguredDomains(t *testing.T) {
	rules := dedupe.Normalizer{GmailDots: true, PlusTagDomains: []string{"GMAIL.com", "xn--bcher-kva.de"}}
	cases := []struct {
		name      string
		n         dedupe.Normalizer
		in        string
		key, addr string
	}{
		{"off by default: dots", dedupe.Normalizer{}, "Jane.Doe@gmail.com", "jane.doe@gmail.com", "Jane.Doe@gmail.com"},
		{"off by default: tags", dedupe.Normalizer{}, "jane+shop@gmail.com", "jane+shop@gmail.com", "jane+shop@gmail.com"},
		{"gmail dots ignored", rules, "Jane.Doe@Gmail.com", "janedoe@gmail.com", "JaneDoe@gmail.com"},
		{"googlemail is gmail", rules, "jane.doe@googlemail.com", "janedoe@gmail.com", "janedoe@gmail.com"},
		{"gmail tag removed", rules, "jane.doe+shop@gmail.com", "janedoe@gmail.com", "janedoe@gmail.com"},
		{"googlemail tag removed after mapping", rules, "jane+a+b@googlemail.com", "jane@gmail.com", "jane@gmail.com"},
		{"tag on configured IDN domain", rules, "jane+x@bücher.de", "jane@bücher.de", "jane@bücher.de"},
		{"tag-only local part kept", rules, "+jane@gmail.com", "+jane@gmail.com", "+jane@gmail.com"},
		{"dots elsewhere kept", rules, "jane.doe+shop@example.com", "jane.doe+shop@example.com", "jane.doe+shop@example.com"},
		{"tags only with the dots rule off", dedupe.Normalizer{PlusTagDomains: []string{"gmail.com"}}, "jane.doe+shop@gmail.com", "jane.doe@gmail.com", "jane.doe@gmail.com"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := tc.n.Normalize(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if e.Key() != tc.key || e.Address() != tc.addr {
				t.Errorf("Normalize(%q) = key %q address %q, want %q %q", tc.in, e.Key(), e.Address(), tc.key, tc.addr)
			}
		})
	}
}

func TestEmail_StringAndLogValueRedact(t *testing.T) {
	e, err := dedupe.Normalize("Jane.Doe@example.com")
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range []string{e.String(), e.LogValue().String()} {
		if got != "j***@example.com" {
			t.Errorf("redacted form = %q, want j***@example.com", got)
		}
	}
}
