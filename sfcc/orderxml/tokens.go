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
	ours        bool // uri is the namespace decoded
}

type openElem struct {
	prefix, local string
	ours          bool
}

// The kinds of raw token a lexer hands the parser.
const (
	tokStart     = iota + 1 // a start tag (an empty element yields a start and an end)
	tokEnd                  // an end tag
	tokText                 // character data or a CDATA section, decoded
	tokOther                // a comment or a processing instruction
	tokDirective            // <!DOCTYPE ...> and other declarations
)

// startTag is a start tag as the parser sees it. Name strings are shared
// across tokens; attribute values are only valid until the next token.
type startTag struct {
	Name xml.Name
	Attr []tagAttr
}

type tagAttr struct {
	Name  xml.Name
	Value []byte
}

// rawToken is one token of a lexer, valid until its next call.
type rawToken struct {
	kind  int
	start startTag // tokStart; for tokEnd only Name is set
	text  []byte   // tokText
}

// lexer turns bytes into raw tokens. Two implement it: xmlLexer, on
// encoding/xml, is the reference and reports every error with its exact
// position; fastLexer, on gosax, is many times faster but only decides input
// it can certify and answers errBail for anything else, so the Decoder
// replays that part through xmlLexer.
type lexer interface {
	next() (*rawToken, error)
	// pos is the line and column of the next byte.
	pos() (line, col int)
	// startRecord and endRecord bound the bytes of one order (or
	// inventory record) for MaxOrderBytes.
	startRecord()
	endRecord()
	fast() bool
}

// errBail is the fast lexer's answer to input it does not decide; it never
// leaves the package.
var errBail = errors.New("orderxml: input needs the reference lexer")

// parser walks the raw token stream of a lexer and keeps its own
// namespace bindings and open-element stack, so it can check that end tags
// match and that an element is in the namespace it decodes.
//
// Errors come in two kinds. A fatal error (malformed XML, truncation, a cap
// exceeded, a read error) ends the stream and is returned at once. A value
// error (text that is not of its element's type) is recorded in valErr and
// parsing continues to the end of the record, so the record can be skipped
// cleanly.
type parser struct {
	lx  lexer
	cfg config
	ns  string // the namespace decoded

	bindings []nsBinding
	stack    []openElem

	line, col int    // start of the last token read
	cur       string // local name of the element child() returned last
	curLine   int
	curCol    int
	curStart  *startTag // start tag child() returned last; valid until the next token

	scratch []byte
	custom  []byte      // text of the custom attribute being read
	vals    *valueCache // values that repeat across orders
	mem     orderMem    // where the current order's values are taken from
	flx     *fastLexer  // lx, if it is the fast lexer (which keeps no positions)

	key         string // business key of the record (order number, list id)
	productID   string // inventory record being read
	recordDepth int    // stack depth of the record element
	recordElems int    // elements read inside the record
	valErr      *DecodeError
	fatalErr    error
}

func newParser(r io.Reader, ns string, cfg config) *parser {
	return &parser{lx: newXMLLexer(r, cfg, 0, 0), cfg: cfg, ns: ns, vals: newValueCache(1024)}
}

// xmlLexer is the reference lexer: encoding/xml's RawToken in strict mode
// over a budgetReader that enforces the token and order caps.
type xmlLexer struct {
	xd  *xml.Decoder
	br  *budgetReader
	tok rawToken
	// baseLine and baseCol shift positions when the lexer starts in the
	// middle of a document (a replay after the fast lexer).
	baseLine, baseCol int
}

func newXMLLexer(r io.Reader, cfg config, baseLine, baseCol int) *xmlLexer {
	br := newBudgetReader(r, cfg.maxTokenBytes, cfg.maxOrderBytes)
	xd := xml.NewDecoder(br)
	xd.Strict = true
	return &xmlLexer{xd: xd, br: br, baseLine: baseLine, baseCol: baseCol}
}

func (x *xmlLexer) fast() bool   { return false }
func (x *xmlLexer) startRecord() { x.br.startOrder(x.br.offset()) }
func (x *xmlLexer) endRecord()   { x.br.endOrder() }

func (x *xmlLexer) pos() (int, int) {
	line, col := x.xd.InputPos()
	// The column counts from the last newline encoding/xml read, even one
	// it has put back (so a column can be 0). Only while it has read
	// none is the column relative to where the replay began.
	if lineStart := x.xd.InputOffset() - int64(col) + 1; lineStart == 0 {
		col += x.baseCol
	}
	return line + x.baseLine, col
}

func (x *xmlLexer) next() (*rawToken, error) {
	t, err := x.xd.RawToken()
	x.br.tokenDone()
	if err != nil {
		return nil, err
	}
	tok := &x.tok
	switch tt := t.(type) {
	case xml.StartElement:
		tok.kind, tok.start.Name, tok.start.Attr = tokStart, tt.Name, tok.start.Attr[:0]
		for _, a := range tt.Attr {
			tok.start.Attr = append(tok.start.Attr, tagAttr{a.Name, []byte(a.Value)})
		}
	case xml.EndElement:
		tok.kind, tok.start.Name, tok.start.Attr = tokEnd, tt.Name, tok.start.Attr[:0]
	case xml.CharData:
		tok.kind, tok.text = tokText, tt
	case xml.Directive:
		tok.kind = tokDirective
	default:
		tok.kind = tokOther
	}
	return tok, nil
}

// next reads one raw token and keeps the element stack and the namespace
// bindings. Directives (DTDs) are refused.
func (p *parser) next() (*rawToken, error) {
	if p.fatalErr != nil {
		return nil, p.fatalErr
	}
	var t *rawToken
	var err error
	if p.flx != nil {
		t, err = p.flx.next() // a direct call: this is the hot path
	} else {
		p.line, p.col = p.lx.pos()
		t, err = p.lx.next()
	}
	if err != nil {
		return nil, p.readErr(err)
	}
	switch t.kind {
	case tokStart:
		depth := len(p.stack) + 1
		if depth > p.cfg.maxDepth {
			return nil, p.fatal(&LimitError{Limit: LimitDepth, Max: int64(p.cfg.maxDepth)})
		}
		if p.recordDepth > 0 {
			if p.recordElems++; p.recordElems > p.cfg.maxOrderElements {
				return nil, p.fatal(&LimitError{Limit: LimitOrderElements, Max: int64(p.cfg.maxOrderElements)})
			}
		}
		for _, a := range t.start.Attr {
			switch {
			case a.Name.Space == "xmlns":
				p.bindings = append(p.bindings, p.binding(a.Name.Local, a.Value, depth))
			case a.Name.Space == "" && a.Name.Local == "xmlns":
				p.bindings = append(p.bindings, p.binding("", a.Value, depth))
			}
		}
		name := t.start.Name
		ours, ok := p.lookupOurs(name.Space)
		if !ok {
			return nil, p.fatal(fmt.Errorf("%w: namespace prefix %q is not bound", ErrMalformed, name.Space))
		}
		p.stack = append(p.stack, openElem{name.Space, name.Local, ours})
	case tokEnd:
		name := t.start.Name
		n := len(p.stack)
		if n == 0 {
			return nil, p.fatal(fmt.Errorf("%w: unexpected end tag </%s>", ErrMalformed, name.Local))
		}
		top := p.stack[n-1]
		if top.local != name.Local || top.prefix != name.Space {
			return nil, p.fatal(fmt.Errorf("%w: element <%s> closed by </%s>", ErrMalformed, qname(top.prefix, top.local), qname(name.Space, name.Local)))
		}
		p.pop()
	case tokDirective:
		return nil, p.fatal(ErrDTD)
	}
	return t, nil
}

// pop closes the open element.
func (p *parser) pop() {
	n := len(p.stack)
	p.stack = p.stack[:n-1]
	for len(p.bindings) > 0 && p.bindings[len(p.bindings)-1].depth >= n {
		p.bindings = p.bindings[:len(p.bindings)-1]
	}
}

func qname(prefix, local string) string {
	if prefix == "" {
		return local
	}
	return prefix + ":" + local
}

func (p *parser) binding(prefix string, uri []byte, depth int) nsBinding {
	return nsBinding{prefix, string(uri), depth, string(uri) == p.ns}
}

// lookupOurs reports whether prefix is bound to the namespace decoded, and
// whether it is bound at all.
func (p *parser) lookupOurs(prefix string) (ours, bound bool) {
	if prefix == "xml" {
		return xmlNamespace == p.ns, true
	}
	for i := len(p.bindings) - 1; i >= 0; i-- {
		if p.bindings[i].prefix == prefix {
			return p.bindings[i].ours, true
		}
	}
	return p.ns == "", prefix == ""
}

// readErr turns an error of encoding/xml or of the reader into a located,
// fatal DecodeError.
func (p *parser) readErr(err error) error {
	if p.lx.fast() {
		if err == io.EOF && len(p.stack) == 0 {
			return io.EOF
		}
		return errBail
	}
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
	if p.lx.fast() {
		// The fast lexer keeps no positions: the reference lexer
		// replays the input and reports the error exactly.
		return errBail
	}
	line, col := p.lx.pos()
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
func (p *parser) child() (string, bool, error) {
	for {
		if p.flx != nil {
			// Text between child elements is layout: the fast lexer
			// checks it and reads on.
			p.flx.skipText = true
		}
		t, err := p.next()
		if err != nil {
			return "", false, err
		}
		switch t.kind {
		case tokStart:
			if p.stack[len(p.stack)-1].ours {
				p.cur, p.curLine, p.curCol, p.curStart = t.start.Name.Local, p.line, p.col, &t.start
				return p.cur, true, nil
			}
			if err := p.skip(); err != nil {
				return "", false, err
			}
		case tokEnd:
			return "", false, nil
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
	if p.flx != nil {
		b, done, ok := p.flx.leafText()
		if !ok {
			return nil, errBail
		}
		if done {
			p.pop()
			return b, nil
		}
		p.scratch = append(p.scratch, b...)
	}
	for {
		t, err := p.next()
		if err != nil {
			return nil, err
		}
		switch t.kind {
		case tokText:
			p.scratch = append(p.scratch, t.text...)
		case tokStart:
			ours := p.stack[len(p.stack)-1].ours
			local := t.start.Name.Local
			if err := p.skip(); err != nil {
				return nil, err
			}
			if ours {
				p.cur, p.curLine, p.curCol = name, line, col
				p.invalid(fmt.Errorf("%w: element <%s> inside a text-only element", ErrInvalidValue, local), nil)
			}
		case tokEnd:
			p.cur, p.curLine, p.curCol = name, line, col
			return p.scratch, nil
		}
	}
}

// attr returns the value of the unqualified attribute name.
func attr(se startTag, name string) ([]byte, bool) {
	for _, a := range se.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value, true
		}
	}
	return nil, false
}

// langAttr returns the xml:lang attribute.
func langAttr(se startTag) []byte {
	for _, a := range se.Attr {
		if a.Name.Local == "lang" && a.Name.Space == "xml" {
			return a.Value
		}
	}
	return nil
}
