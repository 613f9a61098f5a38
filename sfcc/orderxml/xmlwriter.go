package orderxml

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/govalues/decimal"
)

// xmlWriter builds one record (an order, an inventory list header or
// record) in memory, checking each value against its schema type as it
// goes. A record with a value the schema cannot carry is refused whole:
// nothing of it reaches the output.
type xmlWriter struct {
	buf    []byte
	indent string
	depth  int
	path   []string
	err    *EncodeError
	key    string // order number or list id, for errors
	pid    string // product id, for inventory errors
}

// String facets of the schema's simple types.
type strType struct {
	max      int  // maximum length in characters; 0 = unbounded
	nonEmpty bool // simpleType.Generic.NonEmptyString.*: no surrounding whitespace, one line
}

var (
	str4        = strType{max: 4}
	str40       = strType{max: 40}
	str100      = strType{max: 100}
	str256      = strType{max: 256}
	str4000     = strType{max: 4000}
	strAny      = strType{}
	nonEmpty40  = strType{max: 40, nonEmpty: true}
	nonEmpty50  = strType{max: 50, nonEmpty: true}
	nonEmpty100 = strType{max: 100, nonEmpty: true}
	nonEmpty256 = strType{max: 256, nonEmpty: true}
)

func (w *xmlWriter) fail(field, format string, args ...any) {
	if w.err != nil {
		return
	}
	p := strings.Join(w.path, "/")
	if field != "" && p != "" {
		p += "/" + field
	} else if field != "" {
		p = field
	}
	w.err = &EncodeError{OrderNo: w.key, ProductID: w.pid, Field: p, Reason: fmt.Sprintf(format, args...)}
}

func (w *xmlWriter) newline() {
	if w.indent == "" {
		return
	}
	w.buf = append(w.buf, '\n')
	for range w.depth {
		w.buf = append(w.buf, w.indent...)
	}
}

// open writes a start tag; attrs are name, value pairs (already checked).
func (w *xmlWriter) open(name string, attrs ...string) {
	w.newline()
	w.startTag(name, attrs)
	w.buf = append(w.buf, '>')
	w.depth++
	w.path = append(w.path, name)
}

func (w *xmlWriter) startTag(name string, attrs []string) {
	w.buf = append(w.buf, '<')
	w.buf = append(w.buf, name...)
	for i := 0; i+1 < len(attrs); i += 2 {
		w.buf = append(w.buf, ' ')
		w.buf = append(w.buf, attrs[i]...)
		w.buf = append(w.buf, '=', '"')
		w.escape(attrs[i], attrs[i+1], true)
		w.buf = append(w.buf, '"')
	}
}

func (w *xmlWriter) close(name string) {
	w.depth--
	w.path = w.path[:len(w.path)-1]
	w.newline()
	w.buf = append(w.buf, '<', '/')
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, '>')
}

// empty writes an element without content.
func (w *xmlWriter) empty(name string, attrs ...string) {
	w.newline()
	w.startTag(name, attrs)
	w.buf = append(w.buf, '/', '>')
}

// leaf writes an element with text content.
func (w *xmlWriter) leaf(name, text string, attrs ...string) {
	w.newline()
	w.startTag(name, attrs)
	w.buf = append(w.buf, '>')
	w.escape(name, text, false)
	w.buf = append(w.buf, '<', '/')
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, '>')
}

func (w *xmlWriter) leafBytes(name string, text []byte) {
	w.newline()
	w.buf = append(w.buf, '<')
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, '>')
	w.buf = append(w.buf, text...)
	w.buf = append(w.buf, '<', '/')
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, '>')
}

// escape appends s as XML text (or attribute value). Characters XML
// cannot carry are refused rather than replaced, so nothing changes
// silently; \r, and in attributes \t and \n, are written as character
// references so a reader gets them back unchanged.
func (w *xmlWriter) escape(field, s string, inAttr bool) {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '&' && c != '<' && c != '>' && c != '"' && c != '\'' {
			i++
			continue
		}
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
			if (r == utf8.RuneError && size == 1) || r == 0xFFFE || r == 0xFFFF {
				w.fail(field, "text is not valid UTF-8 XML characters")
				return
			}
			i += size
			continue
		}
		var esc string
		switch c {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			if inAttr {
				esc = "&quot;"
			}
		case '\'':
		case '\r':
			esc = "&#xD;"
		case '\n':
			if inAttr {
				esc = "&#xA;"
			}
		case '\t':
			if inAttr {
				esc = "&#x9;"
			}
		default:
			w.fail(field, "control character U+%04X cannot be written in XML", r)
			return
		}
		if esc == "" {
			i += size
			continue
		}
		w.buf = append(w.buf, s[last:i]...)
		w.buf = append(w.buf, esc...)
		i += size
		last = i
	}
	w.buf = append(w.buf, s[last:]...)
}

// check tests s against a string type.
func (w *xmlWriter) check(field, s string, t strType) bool {
	if t.max > 0 && len(s) > t.max && utf8.RuneCountInString(s) > t.max {
		w.fail(field, "longer than %d characters", t.max)
		return false
	}
	if t.nonEmpty {
		if s == "" || isSpace(s[0]) || isSpace(s[len(s)-1]) || strings.ContainsAny(s, "\r\n") {
			w.fail(field, "must be non-empty, on one line, without surrounding whitespace")
			return false
		}
	}
	return true
}

// str writes an optional string element (omitted when empty).
func (w *xmlWriter) str(name, s string, t strType) {
	if s == "" {
		return
	}
	if w.check(name, s, t) {
		w.leaf(name, s)
	}
}

// reqStr writes a required string element.
func (w *xmlWriter) reqStr(name, s string, t strType) {
	if s == "" && t.nonEmpty {
		w.fail(name, "is required")
		return
	}
	if w.check(name, s, t) {
		w.leaf(name, s)
	}
}

// dec writes an optional decimal (omitted when it is the zero value, which
// is what an absent element decodes to; "0.00" is written).
func (w *xmlWriter) dec(name string, d decimal.Decimal) {
	if d == (decimal.Decimal{}) {
		return
	}
	w.reqDec(name, d)
}

// reqDec writes a decimal element, also valid as xsd:double.
func (w *xmlWriter) reqDec(name string, d decimal.Decimal) {
	var tmp [32]byte
	b, _ := d.AppendText(tmp[:0])
	w.leafBytes(name, b)
}

func (w *xmlWriter) boolTrue(name string, b bool) {
	if b {
		w.leafBytes(name, []byte("true"))
	}
}

func (w *xmlWriter) boolean(name string, b bool) {
	if b {
		w.leafBytes(name, []byte("true"))
	} else {
		w.leafBytes(name, []byte("false"))
	}
}

func (w *xmlWriter) dateTime(name string, t time.Time) {
	if !t.IsZero() {
		w.leaf(name, formatDateTime(t))
	}
}

func (w *xmlWriter) intNZ(name string, n int) {
	if n != 0 {
		w.leaf(name, fmt.Sprint(n))
	}
}

// enum writes an optional value of an enumerated type.
func enumW[T ~string](w *xmlWriter, name string, v T, allowed ...T) {
	if v == "" {
		return
	}
	for _, a := range allowed {
		if v == a {
			w.leaf(name, string(v))
			return
		}
	}
	w.fail(name, "%q is not one of the schema's values", string(v))
}
