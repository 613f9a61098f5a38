package orderxml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

const xmlNamespace = "http://www.w3.org/XML/1998/namespace"

type nsBinding struct {
	prefix, uri string
	depth       int
}

type openElem struct {
	prefix, local string
	ours          bool
}

// parser walks the raw token stream of encoding/xml. RawToken skips the
// namespace translation and the copying Token does; parser keeps its own
// namespace bindings and open-element stack instead, so it can check that
// end tags match and that an element is in the namespace it decodes, at a
// fraction of the cost.
//
// Errors come in two kinds. A fatal error (malformed XML, truncation, a cap
// exceeded, a read error) ends the stream and is returned at once. A value
// error (text that is not of its element's type) is recorded in valErr and
// parsing continues to the end of the record, so the record can be skipped
// cleanly.
type parser struct {
	xd  *xml.Decoder
	br  *budgetReader
	cfg config
	ns  string // the namespace decoded

	bindings []nsBinding
	stack    []openElem

	line, col int    // start of the last token read
	cur       string // local name of the element child() returned last
	curLine   int
	curCol    int
	curStart  xml.StartElement // start tag child() returned last

	scratch []byte
	strs    map[string]string

	key         string // business key of the record (order number, list id)
	productID   string // inventory record being read
	recordDepth int    // stack depth of the record element
	recordElems int    // elements read inside the record
	valErr      *DecodeError
	fatalErr    error
}

func newParser(r io.Reader, ns string, cfg config) *parser {
	br := newBudgetReader(r, cfg.maxTokenBytes, cfg.maxOrderBytes)
	xd := xml.NewDecoder(br)
	xd.Strict = true
	return &parser{xd: xd, br: br, cfg: cfg, ns: ns, strs: make(map[string]string, 256)}
}

// next reads one raw token and keeps the element stack and the namespace
// bindings. Directives (DTDs) are refused.
func (p *parser) next() (xml.Token, error) {
	if p.fatalErr != nil {
		return nil, p.fatalErr
	}
	p.line, p.col = p.xd.InputPos()
	t, err := p.xd.RawToken()
	p.br.tokenDone()
	if err != nil {
		return nil, p.readErr(err)
	}
	switch tt := t.(type) {
	case xml.StartElement:
		depth := len(p.stack) + 1
		if depth > p.cfg.maxDepth {
			return nil, p.fatal(&LimitError{Limit: LimitDepth, Max: int64(p.cfg.maxDepth)})
		}
		if p.recordDepth > 0 {
			if p.recordElems++; p.recordElems > p.cfg.maxOrderElements {
				return nil, p.fatal(&LimitError{Limit: LimitOrderElements, Max: int64(p.cfg.maxOrderElements)})
			}
		}
		for _, a := range tt.Attr {
			switch {
			case a.Name.Space == "xmlns":
				p.bindings = append(p.bindings, nsBinding{a.Name.Local, a.Value, depth})
			case a.Name.Space == "" && a.Name.Local == "xmlns":
				p.bindings = append(p.bindings, nsBinding{"", a.Value, depth})
			}
		}
		uri, ok := p.lookup(tt.Name.Space)
		if !ok {
			return nil, p.fatal(fmt.Errorf("%w: namespace prefix %q is not bound", ErrMalformed, tt.Name.Space))
		}
		p.stack = append(p.stack, openElem{tt.Name.Space, tt.Name.Local, uri == p.ns})
	case xml.EndElement:
		n := len(p.stack)
		if n == 0 {
			return nil, p.fatal(fmt.Errorf("%w: unexpected end tag </%s>", ErrMalformed, tt.Name.Local))
		}
		top := p.stack[n-1]
		if top.local != tt.Name.Local || top.prefix != tt.Name.Space {
			return nil, p.fatal(fmt.Errorf("%w: element <%s> closed by </%s>", ErrMalformed, qname(top.prefix, top.local), qname(tt.Name.Space, tt.Name.Local)))
		}
		p.stack = p.stack[:n-1]
		for len(p.bindings) > 0 && p.bindings[len(p.bindings)-1].depth >= n {
			p.bindings = p.bindings[:len(p.bindings)-1]
		}
	case xml.Directive:
		return nil, p.fatal(ErrDTD)
	}
	return t, nil
}

func qname(prefix, local string) string {
	if prefix == "" {
		return local
	}
	return prefix + ":" + local
}

func (p *parser) lookup(prefix string) (string, bool) {
	if prefix == "xml" {
		return xmlNamespace, true
	}
	for i := len(p.bindings) - 1; i >= 0; i-- {
		if p.bindings[i].prefix == prefix {
			return p.bindings[i].uri, true
		}
	}
	return "", prefix == ""
}

// readErr turns an error of encoding/xml or of the reader into a located,
// fatal DecodeError.
func (p *parser) readErr(err error) error {
	var lim *LimitError
	var syn *xml.SyntaxError
	switch {
	case errors.As(err, &lim):
		return p.fatal(lim)
	case err == io.EOF:
		if len(p.stack) == 0 {
			return io.EOF
		}
		return p.fatal(ErrTruncated)
	case errors.As(err, &syn):
		if syn.Msg == "unexpected EOF" {
			return p.fatal(ErrTruncated)
		}
		return p.fatal(fmt.Errorf("%w: %s", ErrMalformed, syn.Msg))
	}
	return p.fatal(err)
}

// fatal records err, located at the current input position, as the error
// that ends the stream.
func (p *parser) fatal(err error) error {
	line, col := p.xd.InputPos()
	p.fatalErr = &DecodeError{OrderNo: p.key, ProductID: p.productID, Line: line, Column: col, Path: p.path(""), Err: err,
		inventory: p.ns == inventoryNamespace}
	return p.fatalErr
}

// path is the element path from the record element down to the open
// element, then name if given.
func (p *parser) path(name string) string {
	var b strings.Builder
	from := p.recordDepth - 1
	if from < 0 || from > len(p.stack) {
		from = 0
	}
	for _, e := range p.stack[from:] {
		if b.Len() > 0 {
			b.WriteByte('/')
		}
		b.WriteString(e.local)
	}
	if name != "" {
		if b.Len() > 0 {
			b.WriteByte('/')
		}
		b.WriteString(name)
	}
	return b.String()
}

// invalid records a value error for the element child() returned last
// (its text already read), unless an earlier one is recorded.
func (p *parser) invalid(err error, value []byte) {
	if p.valErr != nil {
		return
	}
	v := string(value)
	if len(v) > 40 {
		v = v[:40]
	}
	p.valErr = &DecodeError{OrderNo: p.key, ProductID: p.productID, Line: p.curLine, Column: p.curCol, Path: p.path(p.cur), Value: v, Err: err,
		inventory: p.ns == inventoryNamespace}
}

// child advances to the next child element of the open element in the
// decoded namespace, skipping text, comments, processing instructions and
// elements of other namespaces. It returns false when the open element
// ends.
func (p *parser) child() (xml.StartElement, bool, error) {
	for {
		t, err := p.next()
		if err != nil {
			return xml.StartElement{}, false, err
		}
		switch tt := t.(type) {
		case xml.StartElement:
			if p.stack[len(p.stack)-1].ours {
				p.cur, p.curLine, p.curCol, p.curStart = tt.Name.Local, p.line, p.col, tt
				return tt, true, nil
			}
			if err := p.skip(); err != nil {
				return xml.StartElement{}, false, err
			}
		case xml.EndElement:
			return xml.StartElement{}, false, nil
		}
	}
}

// skip consumes the rest of the element child() returned last.
func (p *parser) skip() error {
	depth := len(p.stack)
	for len(p.stack) >= depth {
		if _, err := p.next(); err != nil {
			return err
		}
	}
	return nil
}

// unknown handles an element of the decoded namespace that the schema does
// not define at this place: skipped, or an error under DisallowUnknownElements.
func (p *parser) unknown() error {
	if p.cfg.disallowUnknown {
		name, line, col := p.cur, p.curLine, p.curCol
		err := p.skip()
		p.cur, p.curLine, p.curCol = name, line, col
		p.invalid(ErrUnknownElement, nil)
		return err
	}
	return p.skip()
}

// text reads the character data of the element child() returned last, up
// to its end tag. The result is valid until the next call. An element of
// the decoded namespace inside a text-only element is a value error;
// elements of other namespaces are skipped.
func (p *parser) text() ([]byte, error) {
	name, line, col := p.cur, p.curLine, p.curCol
	p.scratch = p.scratch[:0]
	for {
		t, err := p.next()
		if err != nil {
			return nil, err
		}
		switch tt := t.(type) {
		case xml.CharData:
			p.scratch = append(p.scratch, tt...)
		case xml.StartElement:
			ours := p.stack[len(p.stack)-1].ours
			if err := p.skip(); err != nil {
				return nil, err
			}
			if ours {
				p.cur, p.curLine, p.curCol = name, line, col
				p.invalid(fmt.Errorf("%w: element <%s> inside a text-only element", ErrInvalidValue, tt.Name.Local), nil)
			}
		case xml.EndElement:
			p.cur, p.curLine, p.curCol = name, line, col
			return p.scratch, nil
		}
	}
}

// attr returns the value of the unqualified attribute name.
func attr(se xml.StartElement, name string) (string, bool) {
	for _, a := range se.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value, true
		}
	}
	return "", false
}

// langAttr returns the xml:lang attribute.
func langAttr(se xml.StartElement) string {
	for _, a := range se.Attr {
		if a.Name.Local == "lang" && a.Name.Space == "xml" {
			return a.Value
		}
	}
	return ""
}
