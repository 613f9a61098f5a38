package orderxml

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/o2ckit/o2c/sfcc"
)

// Namespace is the XML namespace of SFCC order impex files (order.xsd).
const Namespace = "http://www.demandware.com/xml/impex/order/2006-10-31"

// Decoder reads the orders of an Order XML export one at a time. Memory is
// bounded by the largest order (and MaxOrderBytes), not by the file: the
// fast lexer keeps the bytes of the current order so the reference lexer
// can replay them, and nothing before it.
//
// The strings and slices of one order share a few allocations (values that
// repeat across orders, such as currencies and statuses, are shared through
// a bounded cache), so keeping any of them keeps that order's values in
// memory, never a neighbour's. Appending to a returned slice copies it.
//
// A Decoder is not safe for concurrent use.
type Decoder struct {
	p       *parser
	started bool
	single  bool // the document's root is a lone <order>
	err     error

	// The orders of an <orders> root are read by the fast lexer while
	// fast is set; the reference lexer reads the prolog, the root tag,
	// and everything from the first input the fast lexer does not decide.
	fast      *fastLexer
	reference bool // never hand over to the fast lexer
	root      openElem
	rootNS    []nsBinding
}

// NewDecoder returns a decoder reading an Order XML export from r. The
// document's root is <orders> (or, for a single order, <order>) of the
// order namespace, bound as the default namespace or to any prefix.
func NewDecoder(r io.Reader, opts ...Option) *Decoder {
	return &Decoder{p: newParser(r, Namespace, newConfig(opts))}
}

// newReferenceDecoder returns a decoder that reads everything with
// encoding/xml: the reference the fast path is tested against.
func newReferenceDecoder(r io.Reader, opts ...Option) *Decoder {
	d := NewDecoder(r, opts...)
	d.reference = true
	return d
}

// handOver moves reading from the reference lexer, which has just read the
// <orders> start tag, to the fast lexer. encoding/xml reads one byte at a
// time from the budgetReader and holds nothing back after a '>', so the
// input continues exactly at the budgetReader's position. An empty root
// (<orders/>) still owes its end tag, so it stays with the reference.
func (d *Decoder) handOver() {
	p := d.p
	x, ok := p.lx.(*xmlLexer)
	if !ok || d.reference {
		return
	}
	br := x.br
	if br.pos < 2 || br.buf[br.pos-1] != '>' || br.buf[br.pos-2] == '/' {
		return
	}
	var rest io.Reader = br.r
	if br.err != nil {
		rest = errReader{br.err}
	}
	src := io.MultiReader(bytes.NewReader(bytes.Clone(br.buf[br.pos:br.end])), rest)
	line, col := x.pos()
	d.fast = newFastLexer(src, p.cfg, line, col)
	d.fast.open = &p.stack
	d.root, d.rootNS = p.stack[0], append([]nsBinding(nil), p.bindings...)
	p.lx, p.flx = d.fast, d.fast
}

// fallBack replays the input from the fast lexer's checkpoint (the start
// of the current order, with the parser as it was there) through the
// reference lexer, which reads the rest of the input.
func (d *Decoder) fallBack() (sfcc.Order, error) {
	f, p := d.fast, d.p
	d.fast = nil
	p.lx, p.flx = newXMLLexer(f.replay(), p.cfg, f.ckLine-1, f.ckCol-1), nil
	p.stack = append(p.stack[:0], d.root)
	p.bindings = append(p.bindings[:0], d.rootNS...)
	p.key, p.productID, p.recordDepth, p.recordElems, p.valErr, p.fatalErr = "", "", 0, 0, nil, nil
	return d.next()
}

// Next decodes the next order. It returns io.EOF after the last order.
//
// Errors are *DecodeError values naming the order number, line and column.
// An invalid order (errors.Is ErrInvalidValue or ErrUnknownElement) ends the
// stream unless the decoder was made with SkipInvalid, in which case the
// next call continues with the following order. Malformed XML, truncation
// (ErrTruncated), a DTD (ErrDTD), an exceeded cap (ErrLimit) or a read
// error always end it; every later call returns the same error. A
// cancelled ctx is returned as is, before anything is read.
func (d *Decoder) Next(ctx context.Context) (sfcc.Order, error) {
	if d.err != nil {
		return sfcc.Order{}, d.err
	}
	if err := ctx.Err(); err != nil {
		return sfcc.Order{}, err
	}
	o, err := d.next()
	if err != nil {
		if d.p.cfg.skipInvalid && d.p.fatalErr == nil && err != io.EOF {
			d.p.cfg.logger.WarnContext(ctx, "orderxml: skipping invalid order", "order_no", d.p.key, "error", err)
			return sfcc.Order{}, err
		}
		d.err = err
	}
	return o, err
}

// All returns an iterator over the remaining orders. An error is yielded
// with a zero Order; iteration continues after it only where Next would
// (an invalid order under SkipInvalid), and stops at the end of the input.
func (d *Decoder) All(ctx context.Context) iter.Seq2[sfcc.Order, error] {
	return func(yield func(sfcc.Order, error) bool) {
		for {
			o, err := d.Next(ctx)
			if err == io.EOF {
				return
			}
			if !yield(o, err) {
				return
			}
			if err != nil && d.err != nil {
				return
			}
		}
	}
}

func (d *Decoder) next() (sfcc.Order, error) {
	p := d.p
	if !d.started {
		root, err := readRoot(p)
		if err != nil {
			return sfcc.Order{}, err
		}
		d.started = true
		switch {
		case root.Name.Local == "order" && p.stack[0].ours:
			d.single = true
			return d.order(root)
		case root.Name.Local == "orders" && p.stack[0].ours:
			d.handOver()
		default:
			p.key = ""
			return sfcc.Order{}, p.fatal(fmt.Errorf("%w: root element <%s>", ErrNotOrderExport, qname(root.Name.Space, root.Name.Local)))
		}
	}
	if d.single {
		return sfcc.Order{}, readEpilogue(p)
	}
	for {
		if d.fast != nil {
			d.fast.checkpoint()
		}
		p.key, p.recordDepth = "", 0
		name, ok, err := p.child()
		if err != nil {
			return d.result(sfcc.Order{}, err)
		}
		if !ok {
			return d.result(sfcc.Order{}, readEpilogue(p))
		}
		if name != "order" {
			if err := p.skip(); err != nil {
				return d.result(sfcc.Order{}, err)
			}
			continue
		}
		return d.result(d.order(*p.curStart))
	}
}

// result passes on what the reference lexer decided; from the fast lexer it
// passes on only a complete, valid order (within MaxOrderBytes) or the end
// of the input, and replays anything else through the reference.
func (d *Decoder) result(o sfcc.Order, err error) (sfcc.Order, error) {
	if d.fast == nil || err == io.EOF {
		return o, err
	}
	if err != nil || d.fast.sinceCheckpoint() > d.p.cfg.maxOrderBytes {
		return d.fallBack()
	}
	return o, nil
}

// readRoot reads up to the root element, refusing DTDs on the way.
func readRoot(p *parser) (startTag, error) {
	for {
		t, err := p.next()
		if err == io.EOF {
			return startTag{}, p.fatal(fmt.Errorf("%w: no root element", ErrTruncated))
		}
		if err != nil {
			return startTag{}, err
		}
		if t.kind == tokStart {
			return t.start, nil
		}
		// A UTF-8 byte order mark is not text.
		if t.kind == tokText && len(trim(bytes.TrimPrefix(t.text, []byte("\xEF\xBB\xBF")))) > 0 {
			return startTag{}, p.fatal(fmt.Errorf("%w: text before the root element", ErrMalformed))
		}
	}
}

// readEpilogue reads what follows the root element: only comments,
// processing instructions and whitespace may.
func readEpilogue(p *parser) error {
	for {
		t, err := p.next()
		if err != nil {
			return err
		}
		switch t.kind {
		case tokStart:
			return p.fatal(fmt.Errorf("%w: element <%s> after the root element", ErrMalformed, t.start.Name.Local))
		case tokText:
			if len(trim(t.text)) > 0 {
				return p.fatal(fmt.Errorf("%w: text after the root element", ErrMalformed))
			}
		}
	}
}

func (d *Decoder) order(se startTag) (sfcc.Order, error) {
	p := d.p
	p.mem.newOrder()
	p.vals.order++
	noBytes, _ := attr(se, "order-no")
	no := p.mem.strs.string(noBytes)
	p.key, p.valErr, p.recordDepth, p.recordElems = no, nil, len(p.stack), 0
	line, col := p.line, p.col
	p.lx.startRecord()
	var o sfcc.Order
	o.OrderNo = no
	err := p.readOrder(&o)
	p.lx.endRecord()
	if err != nil {
		return sfcc.Order{}, err
	}
	if no == "" && p.valErr == nil {
		p.valErr = &DecodeError{Line: line, Column: col, Path: "order/@order-no", Err: fmt.Errorf("%w: the order-no attribute is missing", ErrInvalidValue)}
	}
	if p.valErr != nil {
		err := p.valErr
		p.valErr = nil
		return sfcc.Order{}, err
	}
	return o, nil
}

// IsSkippable reports whether err, returned by Decoder.Next, concerns one
// order only (a decoder made with SkipInvalid continues after it) rather
// than the stream.
func IsSkippable(err error) bool {
	return errors.Is(err, ErrInvalidValue) || errors.Is(err, ErrUnknownElement)
}
