package orderxml

import (
	"context"
	"errors"
	"io"
	"regexp"

	"github.com/o2ckit/o2c/sfcc"
)

// Encoder writes orders as an Order XML document valid against order.xsd,
// elements in the schema's order. Each order is checked against the
// schema's types as it is written; an order the schema cannot carry (an
// empty product id, an unknown status, a text too long) is refused with an
// *EncodeError and nothing of it is written, so the document stays valid.
//
// An Encoder is not safe for concurrent use.
type Encoder struct {
	w       io.Writer
	xw      xmlWriter
	started bool
	closed  bool
	err     error
}

// EncoderOption configures an Encoder or an InventoryWriter.
type EncoderOption func(*xmlWriter)

// Indent sets the indentation of nested elements (default four spaces,
// like SFCC's exports); "" writes no line breaks at all.
func Indent(s string) EncoderOption { return func(w *xmlWriter) { w.indent = s } }

// NewEncoder returns an encoder writing an <orders> document to w.
func NewEncoder(w io.Writer, opts ...EncoderOption) *Encoder {
	e := &Encoder{w: w, xw: xmlWriter{indent: "    "}}
	for _, o := range opts {
		if o != nil {
			o(&e.xw)
		}
	}
	return e
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// Encode writes one order. A write error is sticky: later calls return it.
func (e *Encoder) Encode(ctx context.Context, o sfcc.Order) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if e.err != nil {
		return e.err
	}
	if e.closed {
		return errors.New("orderxml: Encode after Close")
	}
	w := &e.xw
	w.buf, w.err, w.key, w.path, w.depth = w.buf[:0], nil, o.OrderNo, w.path[:0], 0
	if !e.started {
		w.buf = append(w.buf, xmlHeader...)
		w.buf = append(w.buf, `<orders xmlns="`+Namespace+`">`...)
	}
	w.depth = 1
	writeOrder(w, &o)
	if w.err != nil {
		return w.err
	}
	return e.flush()
}

func (e *Encoder) flush() error {
	if _, err := e.w.Write(e.xw.buf); err != nil {
		e.err = err
		return err
	}
	e.started = true
	return nil
}

// Close ends the document (an empty <orders> if no order was written). It
// does not close the underlying writer.
func (e *Encoder) Close() error {
	if e.err != nil || e.closed {
		return e.err
	}
	e.closed = true
	w := &e.xw
	w.buf = w.buf[:0]
	if !e.started {
		w.buf = append(w.buf, xmlHeader...)
		w.buf = append(w.buf, `<orders xmlns="`+Namespace+`"/>`...)
	} else {
		w.depth = 1
		w.path = append(w.path[:0], "orders")
		w.close("orders")
	}
	w.buf = append(w.buf, '\n')
	return e.flush()
}

// language is the lexical space of xs:language, the type of xml:lang.
var language = regexp.MustCompile(`^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$`)

// custom writes a custom-attributes element (nothing when cs is empty).
// A multi-value attribute is written with <value> elements, a single value
// as the attribute's text.
func (w *xmlWriter) custom(cs sfcc.CustomAttributes) {
	if len(cs) == 0 {
		return
	}
	w.open("custom-attributes")
	for _, a := range cs {
		if !w.check("custom-attribute/@attribute-id", a.ID, nonEmpty256) {
			return
		}
		attrs := []string{"attribute-id", a.ID}
		if a.Lang != "" {
			if !language.MatchString(a.Lang) {
				w.fail("custom-attribute/@xml:lang", "%q is not a language tag", a.Lang)
				return
			}
			attrs = append(attrs, "xml:lang", a.Lang)
		}
		if !a.Multi && len(a.Values) <= 1 {
			w.leaf("custom-attribute", a.Value(), attrs...)
			continue
		}
		if len(a.Values) == 0 {
			w.empty("custom-attribute", attrs...)
			continue
		}
		w.open("custom-attribute", attrs...)
		for _, v := range a.Values {
			w.leaf("value", v)
		}
		w.close("custom-attribute")
	}
	w.close("custom-attributes")
}
