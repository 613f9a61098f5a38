package dedupe

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/o2ckit/o2c/internal/redact"
)

// ErrInvalidEmail is matched (errors.Is) by every *InvalidEmailError.
var ErrInvalidEmail = errors.New("dedupe: not an email address")

// InvalidEmailError reports why a string was rejected as an email address.
// It carries the address redacted, never in full.
type InvalidEmailError struct {
	// Email is the rejected input, redacted (redact.Email).
	Email string
	// Reason says what is wrong, e.g. "no @" or "domain has a single label".
	Reason string
}

// Error names the redacted input and the reason.
func (e *InvalidEmailError) Error() string {
	return fmt.Sprintf("dedupe: %q is not an email address: %s", e.Email, e.Reason)
}

// Is makes errors.Is(err, ErrInvalidEmail) true.
func (e *InvalidEmailError) Is(target error) bool { return target == ErrInvalidEmail }

// Size limits from RFC 5321 section 4.5.3.1, applied to UTF-8 octets of the
// local part and to the ASCII (A-label) form of the domain, as DNS and SMTP
// see them.
const (
	maxLocalOctets  = 64
	maxDomainOctets = 253
	maxLabelOctets  = 63
	maxEmailOctets  = 254
	// maxInputOctets stops pathological input before any work is done.
	maxInputOctets = 1024
)

// Email is a normalised email address. The zero value is not a valid address;
// obtain one from Normalize or Normalizer.Normalize.
//
// String and LogValue redact the address, so an Email can be logged or
// formatted into an error safely; Key and Address return it in full.
type Email struct {
	key     string
	address string
	given   string
	// ascii is Address with an internationalised domain in A-labels
	// ("xn--"), empty when the domain is ASCII.
	ascii string
}

// Key is the canonical form used to decide that two addresses are the same
// customer: trimmed, NFC, case-folded (full Unicode case folding, so "ß"
// folds to "ss"), the domain in its Unicode form, and the provider rules of
// the Normalizer applied.
func (e Email) Key() string { return e.key }

// Address is the form the Resolver stores on a record it creates: the local
// part keeps the shopper's case (RFC 5321 leaves its case to the receiving
// mail server), the domain is canonical (lower case, Unicode form), and the
// provider rules are applied. It always equals the Key ignoring case, so a
// Directory that compares emails ignoring case finds the record from any
// spelling of the address.
//
// When full case folding changes an address by more than case, as for the
// German "ß" (folded to "ss") or ligatures such as "ﬁ", Address is the Key
// itself: otherwise an order spelled "STRASSE@" could not find a record
// stored as "Straße@". The trade-off is that such a record holds the
// folded spelling.
func (e Email) Address() string { return e.address }

// String returns the address redacted (see redact.Email).
func (e Email) String() string { return redact.Email(e.key) }

// LogValue implements slog.LogValuer with the address redacted.
func (e Email) LogValue() slog.Value { return slog.StringValue(redact.Email(e.key)) }

// searchTerms are the spellings the Resolver asks the Directory for: the Key,
// which finds every record the Resolver created, and the address as given
// when it differs by more than case, which finds records stored by other
// means in that spelling ("Straße@" against the Key "strasse@", or
// "jane.doe@gmail.com" against "janedoe@gmail.com" with provider rules on).
// An internationalised domain is also looked up in its A-label form
// ("xn--bcher-kva.de" for "bücher.de"), the form older systems store.
// For the usual address there is a single term.
func (e Email) searchTerms() []string {
	terms := []string{e.key}
	for _, t := range []string{e.address, e.given, e.ascii} {
		if t != "" && !slices.ContainsFunc(terms, func(s string) bool { return strings.EqualFold(s, t) }) {
			terms = append(terms, t)
		}
	}
	return terms
}

// Normalizer turns raw email input into an Email. The zero value applies no
// provider rules and is what Normalize uses. A Normalizer is safe for
// concurrent use once configured.
//
// Provider rules merge addresses that one mail provider delivers to the same
// mailbox but that are different strings. They are off by default because
// they are provider policy, not email standard: a rule applied to the wrong
// domain merges two different people. With a rule on, records the Resolver
// creates store the rule's form of the address (for example without the
// "+tag"), and existing records stored in another spelling are found only
// when an order uses that same spelling.
type Normalizer struct {
	// GmailDots applies Gmail's rules for gmail.com and googlemail.com: dots
	// in the local part are ignored ("jane.doe" and "janedoe" are one
	// mailbox), and googlemail.com is the same as gmail.com. Google Workspace
	// domains are not covered: their dots are significant.
	GmailDots bool
	// PlusTagDomains lists domains (in any case or form, e.g. "gmail.com",
	// "outlook.com", "fastmail.com") whose addresses have a "+tag"
	// subaddress that the provider ignores on delivery: "jane+shop@gmail.com"
	// becomes "jane@gmail.com". The domain is compared after GmailDots maps
	// googlemail.com to gmail.com. Empty means no tags are removed.
	PlusTagDomains []string
}

// Normalize normalises raw with no provider rules (see Normalizer).
func Normalize(raw string) (Email, error) { return Normalizer{}.Normalize(raw) }

// Normalize checks raw and returns it as an Email, or an *InvalidEmailError.
//
// Steps: trim surrounding white space (including no-break and zero-width
// spaces pasted with an address); reject invalid UTF-8; Unicode NFC; split at
// the "@"; check the local part (RFC 5322 dot-atom with RFC 6532 non-ASCII
// characters; quoted local parts such as "a b"@example.com are rejected, no
// shop accepts them); check the domain; case-fold; apply provider rules.
//
// Internationalised addresses are accepted in either form. A domain may be
// written in Unicode ("bücher.de") or as A-labels ("xn--bcher-kva.de"); both
// give the same Key, in Unicode form. The ideographic full stops that IDNA
// treats as dots ("。", "．", "｡") separate labels too. A Unicode label must
// consist of letters, marks, digits and hyphens (a practical subset of
// IDNA2008, without its contextual rules). Local parts may contain any
// non-ASCII letters ("ünal@", "用户@"), but no control, format or space
// characters. Dotted-quad and bracketed IP domains, single-label domains
// ("user@localhost") and numeric top-level domains are rejected: none can
// receive a shopper's mail.
func (n Normalizer) Normalize(raw string) (Email, error) {
	reject := func(reason string) (Email, error) {
		return Email{}, &InvalidEmailError{Email: redact.Email(raw), Reason: reason}
	}
	if len(raw) > maxInputOctets {
		return reject("longer than any address")
	}
	if !utf8.ValidString(raw) {
		return reject("not valid UTF-8")
	}
	s := norm.NFC.String(strings.TrimFunc(raw, isPadding))
	if s == "" {
		return reject("empty")
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return reject("no @")
	}
	local, domain := s[:at], s[at+1:]
	if strings.Contains(local, "@") {
		return reject("more than one @")
	}
	if reason := checkLocal(local); reason != "" {
		return reject(reason)
	}
	domain, ascii, reason := canonicalDomain(domain)
	if reason != "" {
		return reject(reason)
	}
	if len(local)+1+len(ascii) > maxEmailOctets {
		return reject("longer than 254 octets")
	}

	keyLocal := fold(local)
	addrLocal := local
	given := local + "@" + domain
	if n.GmailDots && (domain == "gmail.com" || domain == "googlemail.com") {
		domain = "gmail.com"
		keyLocal = strings.ReplaceAll(keyLocal, ".", "")
		addrLocal = strings.ReplaceAll(addrLocal, ".", "")
	}
	if n.stripsPlusTag(domain) {
		keyLocal = cutPlusTag(keyLocal)
		addrLocal = cutPlusTag(addrLocal)
	}
	e := Email{key: keyLocal + "@" + domain, address: addrLocal + "@" + domain, given: given}
	if !strings.EqualFold(e.address, e.key) {
		// Full case folding changed more than case ("ß" to "ss"): a
		// Directory comparing "ignoring case" would not find this
		// spelling from another one, so the record stores the key.
		e.address = e.key
	}
	if hasNonASCII(domain) {
		e.ascii = e.address[:strings.LastIndexByte(e.address, '@')+1] + ascii
	}
	return e, nil
}

func (n Normalizer) stripsPlusTag(domain string) bool {
	for _, d := range n.PlusTagDomains {
		if d == domain {
			return true
		}
		if c, _, reason := canonicalDomain(d); reason == "" && c == domain {
			return true
		}
	}
	return false
}

// validate reports the first PlusTagDomains entry that is not a domain.
func (n Normalizer) validate() error {
	for _, d := range n.PlusTagDomains {
		if _, _, reason := canonicalDomain(d); reason != "" {
			return fmt.Errorf("dedupe: PlusTagDomains entry %q: %s", d, reason)
		}
	}
	return nil
}

// cutPlusTag drops "+tag" from a local part unless nothing would be left.
func cutPlusTag(local string) string {
	if i := strings.IndexByte(local, '+'); i > 0 {
		return local[:i]
	}
	return local
}

// fold applies full Unicode case folding. A cases.Caser holds state, so each
// call gets its own.
//
// Cherokee is the one script whose case folding maps to upper case
// (CaseFolding.txt, since Unicode 8), and cases.Fold (x/text v0.41) swaps
// Cherokee case instead, so folding twice would flip a key back. Mapping the
// script to upper case afterwards gives the Unicode result and makes fold
// idempotent, which keys must be.
func fold(s string) string {
	s = cases.Fold().String(s)
	if strings.ContainsFunc(s, isCherokee) {
		s = strings.Map(func(r rune) rune {
			if isCherokee(r) {
				return unicode.ToUpper(r)
			}
			return r
		}, s)
	}
	return norm.NFC.String(s)
}

func isCherokee(r rune) bool { return unicode.Is(unicode.Cherokee, r) }

func isPadding(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u2060'
}

// atext holds the ASCII characters RFC 5322 allows in a dot-atom besides
// letters and digits.
const atext = "!#$%&'*+-/=?^_`{|}~"

func checkLocal(local string) string {
	switch {
	case local == "":
		return "empty local part"
	case len(local) > maxLocalOctets:
		return "local part longer than 64 octets"
	case strings.HasPrefix(local, ".") || strings.HasSuffix(local, "."):
		return "local part starts or ends with a dot"
	case strings.Contains(local, ".."):
		return "local part has consecutive dots"
	case strings.HasPrefix(local, `"`):
		return "quoted local parts are not supported"
	}
	for _, r := range local {
		switch {
		case r < utf8.RuneSelf:
			if !isASCIIAlnum(r) && r != '.' && !strings.ContainsRune(atext, r) {
				return fmt.Sprintf("local part contains %q", r)
			}
		case unicode.In(r, unicode.C, unicode.Z):
			return fmt.Sprintf("local part contains %U", r)
		}
	}
	return ""
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// canonicalDomain returns the domain in canonical Unicode form and in ASCII
// (A-label) form, or a reason for rejecting it.
func canonicalDomain(domain string) (unicodeForm, asciiForm, reason string) {
	domain = strings.NewReplacer("\u3002", ".", "\uff0e", ".", "\uff61", ".").Replace(domain)
	domain = strings.TrimSuffix(domain, ".") // "example.com." is the same name
	switch {
	case domain == "":
		return "", "", "empty domain"
	case strings.HasPrefix(domain, "["):
		return "", "", "address literals are not supported"
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return "", "", "domain has a single label"
	}
	uni := make([]string, len(labels))
	asc := make([]string, len(labels))
	for i, l := range labels {
		u, a, reason := canonicalLabel(l)
		if reason != "" {
			return "", "", reason
		}
		uni[i], asc[i] = u, a
	}
	if isDigits(asc[len(asc)-1]) {
		return "", "", "top-level domain is numeric"
	}
	asciiForm = strings.Join(asc, ".")
	if len(asciiForm) > maxDomainOctets {
		return "", "", "domain longer than 253 octets"
	}
	return strings.Join(uni, "."), asciiForm, ""
}

func canonicalLabel(label string) (unicodeForm, asciiForm, reason string) {
	if label == "" {
		return "", "", "domain has an empty label"
	}
	if len(label) > 4 && strings.EqualFold(label[:4], "xn--") {
		decoded, err := punyDecode(label[4:])
		if err != nil {
			return "", "", "domain label is not valid punycode"
		}
		if !hasNonASCII(decoded) {
			return "", "", "punycode label encodes plain ASCII"
		}
		label = decoded
	}
	label = fold(label)
	if strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
		return "", "", "domain label starts or ends with a hyphen"
	}
	for _, r := range label {
		ok := r == '-' || isASCIIAlnum(r) ||
			r >= utf8.RuneSelf && unicode.In(r, unicode.L, unicode.M, unicode.Nd)
		if !ok {
			return "", "", fmt.Sprintf("domain contains %q", r)
		}
	}
	asciiForm = label
	if hasNonASCII(label) {
		enc, err := punyEncode(label)
		if err != nil {
			return "", "", "domain label cannot be encoded"
		}
		asciiForm = "xn--" + enc
	}
	if len(asciiForm) > maxLabelOctets {
		return "", "", "domain label longer than 63 octets"
	}
	return label, asciiForm, ""
}

func hasNonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
