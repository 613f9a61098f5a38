package dedupe

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// Punycode (RFC 3492) turns the ASCII form of an internationalised domain
// label ("xn--bcher-kva") into its Unicode form ("bücher") and back. The
// normaliser needs both directions: decoding so that the two spellings of one
// domain give one key, encoding so that length limits, which DNS applies to
// the ASCII form, can be checked. golang.org/x/net/idna is not a dependency
// of this module, and the algorithm is small and fully specified.

const (
	punyBase        = 36
	punyTMin        = 1
	punyTMax        = 26
	punySkew        = 38
	punyDamp        = 700
	punyInitialBias = 72
	punyInitialN    = 128
	// punyMaxInt bounds every intermediate value (RFC 3492 section 6.4).
	punyMaxInt = 1<<31 - 1
)

var errPunycode = errors.New("invalid punycode")

func punyAdapt(delta, numPoints int, first bool) int {
	if first {
		delta /= punyDamp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := 0
	for delta > ((punyBase-punyTMin)*punyTMax)/2 {
		delta /= punyBase - punyTMin
		k += punyBase
	}
	return k + (punyBase-punyTMin+1)*delta/(delta+punySkew)
}

func punyThreshold(k, bias int) int {
	t := k - bias
	if t < punyTMin {
		return punyTMin
	}
	if t > punyTMax {
		return punyTMax
	}
	return t
}

func punyDigit(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c-'0') + 26, true
	case c >= 'a' && c <= 'z':
		return int(c - 'a'), true
	case c >= 'A' && c <= 'Z':
		return int(c - 'A'), true
	}
	return 0, false
}

func punyEncodeDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

// punyDecode decodes the part of a label after "xn--".
func punyDecode(s string) (string, error) {
	var out []rune
	pos := 0
	if b := strings.LastIndexByte(s, '-'); b >= 0 {
		for i := 0; i < b; i++ {
			if s[i] >= utf8.RuneSelf {
				return "", errPunycode
			}
			out = append(out, rune(s[i]))
		}
		pos = b + 1
	}
	n, i, bias := punyInitialN, 0, punyInitialBias
	for pos < len(s) {
		oldI, w := i, 1
		for k := punyBase; ; k += punyBase {
			if pos >= len(s) {
				return "", errPunycode
			}
			digit, ok := punyDigit(s[pos])
			pos++
			if !ok || digit > (punyMaxInt-i)/w {
				return "", errPunycode
			}
			i += digit * w
			t := punyThreshold(k, bias)
			if digit < t {
				break
			}
			if w > punyMaxInt/(punyBase-t) {
				return "", errPunycode
			}
			w *= punyBase - t
		}
		points := len(out) + 1
		bias = punyAdapt(i-oldI, points, oldI == 0)
		if i/points > punyMaxInt-n {
			return "", errPunycode
		}
		n += i / points
		i %= points
		if n > utf8.MaxRune || (n >= 0xD800 && n <= 0xDFFF) || n < punyInitialN {
			return "", errPunycode
		}
		out = append(out, 0)
		copy(out[i+1:], out[i:])
		out[i] = rune(n)
		i++
	}
	return string(out), nil
}

// punyEncode encodes a Unicode label into the part that follows "xn--".
func punyEncode(s string) (string, error) {
	runes := []rune(s)
	var out []byte
	for _, r := range runes {
		if r < utf8.RuneSelf {
			out = append(out, byte(r))
		}
	}
	h := len(out)
	basic := h
	if basic > 0 {
		out = append(out, '-')
	}
	n, delta, bias := punyInitialN, 0, punyInitialBias
	for h < len(runes) {
		m := punyMaxInt
		for _, r := range runes {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		if m-n > (punyMaxInt-delta)/(h+1) {
			return "", errPunycode
		}
		delta += (m - n) * (h + 1)
		n = m
		for _, r := range runes {
			if int(r) < n {
				delta++
				if delta > punyMaxInt-1 {
					return "", errPunycode
				}
			}
			if int(r) != n {
				continue
			}
			q := delta
			for k := punyBase; ; k += punyBase {
				t := punyThreshold(k, bias)
				if q < t {
					break
				}
				out = append(out, punyEncodeDigit(t+(q-t)%(punyBase-t)))
				q = (q - t) / (punyBase - t)
			}
			out = append(out, punyEncodeDigit(q))
			bias = punyAdapt(delta, h+1, h == basic)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return string(out), nil
}
