package sfcc

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// shopLexer reads one JSON text in a single pass, for the Shop JSON decoder.
// It accepts exactly the texts encoding/json accepts and gives values the
// meaning encoding/json gives them (null leaves a scalar alone and clears a
// pointer or slice; a JSON string is a valid json.Number if its content is
// one; keys match fields case-insensitively when no key matches exactly), so
// a document decodes as it did through encoding/json plus a second scan for
// c_ keys — without the second scan.
type shopLexer struct {
	data []byte
	pos  int
}

// shopSyntaxError is a malformed JSON text at a byte offset.
type shopSyntaxError struct {
	msg    string
	Offset int64
}

func (e *shopSyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.Offset, e.msg)
}

func (l *shopLexer) syntax(msg string) error {
	return &shopSyntaxError{msg: msg, Offset: int64(l.pos)}
}

// typeError reports a value of the wrong JSON kind for field key.
func (l *shopLexer) typeError(want string) error {
	return &shopSyntaxError{msg: "cannot decode " + kindName(l.peek()) + " into " + want, Offset: int64(l.pos)}
}

func kindName(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

func (l *shopLexer) ws() {
	for l.pos < len(l.data) {
		switch l.data[l.pos] {
		case ' ', '\t', '\n', '\r':
			l.pos++
		default:
			return
		}
	}
}

// peek is the next significant byte, or 0 at the end.
func (l *shopLexer) peek() byte {
	l.ws()
	if l.pos >= len(l.data) {
		return 0
	}
	return l.data[l.pos]
}

func (l *shopLexer) literal(lit string) error {
	if len(l.data)-l.pos < len(lit) || string(l.data[l.pos:l.pos+len(lit)]) != lit {
		return l.syntax("invalid literal")
	}
	l.pos += len(lit)
	return nil
}

// end checks that only whitespace follows the value.
func (l *shopLexer) end() error {
	if l.peek() != 0 || l.pos < len(l.data) {
		return l.syntax("data after the top-level value")
	}
	return nil
}

// object reads an object, calling field for each key with the lexer at the
// value; field must consume the value.
func (l *shopLexer) object(field func(key []byte) error) error {
	if l.peek() != '{' {
		return l.syntax("expected object")
	}
	l.pos++
	if l.peek() == '}' {
		l.pos++
		return nil
	}
	for {
		if l.peek() != '"' {
			return l.syntax("expected object key")
		}
		key, err := l.stringBytes()
		if err != nil {
			return err
		}
		if l.peek() != ':' {
			return l.syntax("expected ':' after object key")
		}
		l.pos++
		l.ws()
		if err := field(key); err != nil {
			return err
		}
		switch l.peek() {
		case ',':
			l.pos++
		case '}':
			l.pos++
			return nil
		default:
			return l.syntax("expected ',' or '}' after object value")
		}
	}
}

// array reads an array, calling elem for element i with the lexer at it.
func (l *shopLexer) array(elem func(i int) error) error {
	if l.peek() != '[' {
		return l.syntax("expected array")
	}
	l.pos++
	if l.peek() == ']' {
		l.pos++
		return nil
	}
	for i := 0; ; i++ {
		l.ws()
		if err := elem(i); err != nil {
			return err
		}
		switch l.peek() {
		case ',':
			l.pos++
		case ']':
			l.pos++
			return nil
		default:
			return l.syntax("expected ',' or ']' after array element")
		}
	}
}

// stringBytes reads a string and returns its content. Without escapes or
// invalid UTF-8 the content aliases the input; otherwise encoding/json
// unquotes it (escapes are rare in order documents).
func (l *shopLexer) stringBytes() ([]byte, error) {
	start := l.pos
	l.pos++ // opening quote
	simple := true
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		switch {
		case c == '"':
			l.pos++
			if simple {
				return l.data[start+1 : l.pos-1], nil
			}
			var s string
			if err := json.Unmarshal(l.data[start:l.pos], &s); err != nil {
				l.pos = start
				return nil, l.syntax("invalid string")
			}
			return []byte(s), nil
		case c == '\\':
			simple = false
			l.pos += 2
		case c < 0x20:
			return nil, l.syntax("control character in string")
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(l.data[l.pos:])
			if r == utf8.RuneError && size == 1 {
				simple = false
			}
			l.pos += size
		default:
			l.pos++
		}
	}
	return nil, l.syntax("unterminated string")
}

// number reads a number literal, validated by JSON's grammar.
func (l *shopLexer) number() ([]byte, error) {
	start := l.pos
	n := validNumberPrefix(l.data[l.pos:])
	if n == 0 {
		return nil, l.syntax("invalid value")
	}
	l.pos += n
	return l.data[start:l.pos], nil
}

// validNumberPrefix is the length of the JSON number at the start of b, or 0.
func validNumberPrefix(b []byte) int {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return 0
	}
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return 0
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return 0
		}
	}
	return i
}

// skip reads and discards any value, returning its text.
func (l *shopLexer) skip() ([]byte, error) {
	var err error
	c := l.peek()
	start := l.pos
	switch c {
	case '{':
		err = l.object(func([]byte) error { _, err := l.skip(); return err })
	case '[':
		err = l.array(func(int) error { _, err := l.skip(); return err })
	case '"':
		_, err = l.stringBytes()
	case 't':
		err = l.literal("true")
	case 'f':
		err = l.literal("false")
	case 'n':
		err = l.literal("null")
	case 0:
		return nil, l.syntax("unexpected end of JSON input")
	default:
		_, err = l.number()
	}
	if err != nil {
		return nil, err
	}
	return l.data[start:l.pos], nil
}

// --- typed values, with encoding/json's meaning ---------------------------

func (l *shopLexer) str(dst *string) error {
	switch l.peek() {
	case 'n':
		return l.literal("null")
	case '"':
		b, err := l.stringBytes()
		if err != nil {
			return err
		}
		*dst = string(b)
		return nil
	}
	return l.typeError("string")
}

func (l *shopLexer) boolean(dst *bool) error {
	switch l.peek() {
	case 'n':
		return l.literal("null")
	case 't':
		*dst = true
		return l.literal("true")
	case 'f':
		*dst = false
		return l.literal("false")
	}
	return l.typeError("boolean")
}

func (l *shopLexer) integer(dst *int) error {
	switch c := l.peek(); {
	case c == 'n':
		return l.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		b, err := l.number()
		if err != nil {
			return err
		}
		v, err := strconv.ParseInt(string(b), 10, strconv.IntSize)
		if err != nil {
			return &shopSyntaxError{msg: "number " + string(b) + " is not an integer", Offset: int64(l.pos)}
		}
		*dst = int(v)
		return nil
	}
	return l.typeError("integer")
}

func (l *shopLexer) jsonNumber(dst *json.Number) error {
	switch c := l.peek(); {
	case c == 'n':
		return l.literal("null")
	case c == '"':
		// encoding/json takes a string into a json.Number when its content
		// is a number.
		b, err := l.stringBytes()
		if err != nil {
			return err
		}
		if len(b) == 0 || validNumberPrefix(b) != len(b) {
			return &shopSyntaxError{msg: fmt.Sprintf("invalid number literal %q", b), Offset: int64(l.pos)}
		}
		*dst = json.Number(b)
		return nil
	case c == '-' || (c >= '0' && c <= '9'):
		b, err := l.number()
		if err != nil {
			return err
		}
		*dst = json.Number(b)
		return nil
	}
	return l.typeError("number")
}

func (l *shopLexer) jsonNumberPtr(dst **json.Number) error {
	if l.peek() == 'n' {
		*dst = nil
		return l.literal("null")
	}
	if *dst == nil {
		*dst = new(json.Number)
	}
	return l.jsonNumber(*dst)
}

// ptr decodes an object into *dst (allocated when nil, merged into when
// not, as encoding/json does); null clears it.
func shopPtr[T any](l *shopLexer, dst **T, fill func(*T) error) error {
	switch l.peek() {
	case 'n':
		*dst = nil
		return l.literal("null")
	case '{':
		if *dst == nil {
			*dst = new(T)
		}
		return fill(*dst)
	}
	return l.typeError("object")
}

// shopSlice decodes an array into *dst with encoding/json's slice rules:
// elements are decoded into the existing ones, the slice is cut to the
// array's length, an empty array gives an empty slice and null a nil one.
// A null element leaves its element as it is (the wire types' decoders
// ignore null).
func shopSlice[T any](l *shopLexer, dst *[]T, fill func(*T) error) error {
	switch l.peek() {
	case 'n':
		*dst = nil
		return l.literal("null")
	case '[':
	default:
		return l.typeError("array")
	}
	n := 0
	err := l.array(func(i int) error {
		if i >= cap(*dst) {
			*dst = append((*dst)[:cap(*dst)], *new(T))[:len(*dst)]
		}
		if i >= len(*dst) {
			*dst = (*dst)[:i+1]
		}
		n = i + 1
		switch l.peek() {
		case 'n':
			return l.literal("null")
		case '{':
			return fill(&(*dst)[i])
		}
		return l.typeError("object")
	})
	if err != nil {
		return err
	}
	if n < len(*dst) {
		*dst = (*dst)[:n]
	}
	if n == 0 {
		*dst = []T{}
	}
	return nil
}
