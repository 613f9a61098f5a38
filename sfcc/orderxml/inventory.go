package orderxml

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/o2ckit/o2c/sfcc"
)

// InventoryNamespace is the XML namespace of inventory impex files (inventory.xsd).
const InventoryNamespace = "http://www.demandware.com/xml/impex/inventory/2007-05-31"

const inventoryNamespace = InventoryNamespace

// InventoryHeader is the header of one inventory list in an inventory file
// (complexType.Header).
type InventoryHeader struct {
	// ListID is the inventory list id (list-id attribute).
	ListID string
	// DefaultInStock says whether products without a record are in stock.
	DefaultInStock bool
	Description    string
	// UseBundleInventoryOnly and OnOrder are list settings; the writer
	// writes them only when true.
	UseBundleInventoryOnly bool
	OnOrder                bool
	Custom                 sfcc.CustomAttributes
}

// InventoryReader streams the records of an inventory file, list by list.
// Each record carries its list's id in InventoryListID; Header returns the
// header of the list being read. Record-level custom attributes have no
// place in sfcc.InventoryRecord and are skipped.
//
// Errors follow the Decoder's rules (SkipInvalid, caps, DTDs); an error
// names the list id and the product id. MaxOrderBytes caps one record and
// one list header. An
// invalid list header is reported once and, under SkipInvalid, its whole
// list is skipped.
// An InventoryReader is not safe for concurrent use.
type InventoryReader struct {
	p         *parser
	started   bool
	inList    bool
	inRecords bool
	skipList  bool // the list's header was invalid: its records are skipped
	header    InventoryHeader
	err       error
}

// NewInventoryReader returns a reader of the inventory file in r.
func NewInventoryReader(r io.Reader, opts ...Option) *InventoryReader {
	return &InventoryReader{p: newParser(r, inventoryNamespace, newConfig(opts))}
}

// Header returns the header of the inventory list the last record came from.
func (r *InventoryReader) Header() InventoryHeader { return r.header }

// Next returns the next record, or io.EOF after the last.
func (r *InventoryReader) Next(ctx context.Context) (sfcc.InventoryRecord, error) {
	if r.err != nil {
		return sfcc.InventoryRecord{}, r.err
	}
	if err := ctx.Err(); err != nil {
		return sfcc.InventoryRecord{}, err
	}
	rec, err := r.next()
	if err != nil {
		if r.p.cfg.skipInvalid && r.p.fatalErr == nil && err != io.EOF {
			r.p.cfg.logger.WarnContext(ctx, "orderxml: skipping invalid inventory record", "list_id", r.header.ListID, "error", err)
			return sfcc.InventoryRecord{}, err
		}
		r.err = err
	}
	return rec, err
}

// All returns an iterator over the remaining records, with Next's rules.
func (r *InventoryReader) All(ctx context.Context) iter.Seq2[sfcc.InventoryRecord, error] {
	return func(yield func(sfcc.InventoryRecord, error) bool) {
		for {
			rec, err := r.Next(ctx)
			if err == io.EOF || !yield(rec, err) || (err != nil && r.err != nil) {
				return
			}
		}
	}
}

func (r *InventoryReader) next() (sfcc.InventoryRecord, error) {
	p := r.p
	if !r.started {
		root, err := readRoot(p)
		if err != nil {
			return sfcc.InventoryRecord{}, err
		}
		r.started = true
		if root.Name.Local != "inventory" || !p.stack[0].ours {
			return sfcc.InventoryRecord{}, p.fatal(fmt.Errorf("%w: root element <%s>", ErrNotInventory, qname(root.Name.Space, root.Name.Local)))
		}
	}
	for {
		p.productID, p.recordDepth = "", 0
		name, ok, err := p.child()
		if err != nil {
			return sfcc.InventoryRecord{}, err
		}
		switch {
		case !ok && r.inRecords:
			r.inRecords = false
		case !ok && r.inList:
			r.inList = false
		case !ok:
			return sfcc.InventoryRecord{}, readEpilogue(p)
		case r.inRecords && name == "record":
			return r.record(p.curStart.Attr)
		case r.inList && name == "header":
			if err := r.readHeader(); err != nil {
				return sfcc.InventoryRecord{}, err
			}
		case r.inList && name == "records" && r.skipList:
			if err := p.skip(); err != nil {
				return sfcc.InventoryRecord{}, err
			}
		case r.inList && name == "records":
			r.inRecords = true
		case !r.inList && !r.inRecords && name == "inventory-list":
			r.inList, r.header, r.skipList = true, InventoryHeader{}, false
			p.key = ""
		default:
			if err := p.unknown(); err != nil {
				return sfcc.InventoryRecord{}, err
			}
			if p.valErr != nil {
				err := p.valErr
				p.valErr = nil
				return sfcc.InventoryRecord{}, err
			}
		}
	}
}

func (r *InventoryReader) readHeader() error {
	p := r.p
	p.mem.newOrder() // the header's values share allocations with nothing else
	h := InventoryHeader{}
	listID, _ := attr(*p.curStart, "list-id")
	h.ListID = string(listID)
	p.key, p.valErr, p.recordDepth, p.recordElems = h.ListID, nil, len(p.stack), 0
	// A header is bounded like a record: its text is kept in memory.
	p.lx.startRecord()
	defer p.lx.endRecord()
	for {
		name, ok, err := p.child()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		switch name {
		case "default-instock":
			err = p.boolean(&h.DefaultInStock)
		case "description":
			err = p.str(&h.Description)
		case "use-bundle-inventory-only":
			err = p.boolean(&h.UseBundleInventoryOnly)
		case "on-order":
			err = p.boolean(&h.OnOrder)
		case "custom-attributes":
			err = p.readCustom(&h.Custom)
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
	r.header = h
	if p.valErr != nil {
		// Records without a readable header would land in the wrong
		// list: under SkipInvalid the whole list is skipped.
		err := p.valErr
		p.valErr = nil
		r.skipList = true
		return err
	}
	return nil
}

func (r *InventoryReader) record(attrs []tagAttr) (sfcc.InventoryRecord, error) {
	p := r.p
	p.mem.newOrder() // the record's values share allocations with nothing else
	rec := sfcc.InventoryRecord{InventoryListID: r.header.ListID}
	for _, a := range attrs {
		if a.Name.Space == "" && a.Name.Local == "product-id" {
			rec.ProductID = string(a.Value)
		}
	}
	p.productID, p.valErr, p.recordDepth, p.recordElems = rec.ProductID, nil, len(p.stack), 0
	line, col := p.line, p.col
	p.lx.startRecord()
	err := r.readRecord(&rec)
	p.lx.endRecord()
	if err != nil {
		return sfcc.InventoryRecord{}, err
	}
	if rec.ProductID == "" && p.valErr == nil {
		p.valErr = &DecodeError{OrderNo: r.header.ListID, Line: line, Column: col, Path: "inventory/record/@product-id",
			Err: fmt.Errorf("%w: the product-id attribute is missing", ErrInvalidValue), inventory: true}
	}
	if p.valErr != nil {
		err := p.valErr
		p.valErr = nil
		return sfcc.InventoryRecord{}, err
	}
	return rec, nil
}

func (r *InventoryReader) readRecord(rec *sfcc.InventoryRecord) error {
	p := r.p
	var dateOnly bool
	for {
		name, ok, err := p.child()
		if err != nil || !ok {
			return err
		}
		switch name {
		case "allocation":
			err = p.dec(&rec.Allocation)
		case "allocation-timestamp":
			err = p.dateTime(&rec.AllocationResetDate)
		case "perpetual":
			err = p.boolean(&rec.Perpetual)
		case "preorder-backorder-handling":
			err = enum(p, &rec.PreOrderBackOrderHandling, sfcc.HandlingNone, sfcc.HandlingPreorder, sfcc.HandlingBackorder)
		case "preorder-backorder-allocation":
			err = p.dec(&rec.PreOrderBackOrderAllocation)
		case "in-stock-date":
			// Deprecated in favour of in-stock-datetime, which wins if both are present.
			if rec.InStockDate.IsZero() || dateOnly {
				err = p.date(&rec.InStockDate)
				dateOnly = true
			} else {
				_, err = p.text()
			}
		case "in-stock-datetime":
			err = p.dateTime(&rec.InStockDate)
			dateOnly = false
		case "ats":
			err = p.dec(&rec.ATS)
		case "on-order":
			err = p.dec(&rec.OnOrder)
		case "turnover":
			err = p.dec(&rec.Turnover)
		case "custom-attributes":
			err = p.skip()
		default:
			err = p.unknown()
		}
		if err != nil {
			return err
		}
	}
}

// InventoryWriter writes an inventory file valid against inventory.xsd, for
// the ImportInventoryLists job: WriteHeader starts a list, WriteRecord adds
// records to it, Close ends the file. Records are written with the fields
// an import sets (allocation, allocation-timestamp, perpetual,
// preorder-backorder-handling and -allocation, in-stock-datetime); ATS,
// on-order and turnover are computed by SFCC and never written. A record
// the schema cannot carry is refused with an *EncodeError and nothing of
// it is written.
//
// An InventoryWriter is not safe for concurrent use.
type InventoryWriter struct {
	w       io.Writer
	xw      xmlWriter
	started bool
	list    string
	inList  bool
	inRecs  bool
	closed  bool
	err     error
}

// NewInventoryWriter returns a writer of an inventory file to w.
func NewInventoryWriter(w io.Writer, opts ...EncoderOption) *InventoryWriter {
	iw := &InventoryWriter{w: w, xw: xmlWriter{indent: "    "}}
	for _, o := range opts {
		if o != nil {
			o(&iw.xw)
		}
	}
	return iw
}

func (iw *InventoryWriter) begin(key, pid string) (*xmlWriter, error) {
	if iw.err != nil {
		return nil, iw.err
	}
	if iw.closed {
		return nil, errors.New("orderxml: write after Close")
	}
	w := &iw.xw
	w.buf, w.err, w.key, w.pid, w.path, w.depth = w.buf[:0], nil, key, pid, w.path[:0], 0
	if !iw.started {
		w.buf = append(w.buf, xmlHeader...)
		w.buf = append(w.buf, `<inventory xmlns="`+inventoryNamespace+`">`...)
	}
	w.path = append(w.path, "inventory")
	w.depth = 1
	if iw.inList {
		w.path = append(w.path, "inventory-list")
		w.depth = 2
		if iw.inRecs {
			w.path = append(w.path, "records")
			w.depth = 3
		}
	}
	return w, nil
}

func (iw *InventoryWriter) commit() error {
	if iw.xw.err != nil {
		return iw.xw.err
	}
	if _, err := iw.w.Write(iw.xw.buf); err != nil {
		iw.err = err
		return err
	}
	iw.started = true
	return nil
}

// endList closes the open list (records and all).
func (iw *InventoryWriter) endList(w *xmlWriter) {
	if iw.inRecs {
		w.close("records")
	}
	if iw.inList {
		w.close("inventory-list")
	}
}

// WriteHeader ends the current list, if any, and starts a new one.
func (iw *InventoryWriter) WriteHeader(ctx context.Context, h InventoryHeader) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w, err := iw.begin(h.ListID, "")
	if err != nil {
		return err
	}
	iw.endList(w)
	w.path = append(w.path[:0], "inventory")
	if !w.check("inventory-list/header/@list-id", h.ListID, nonEmpty256) {
		return w.err
	}
	w.open("inventory-list")
	w.open("header", "list-id", h.ListID)
	w.boolean("default-instock", h.DefaultInStock)
	w.str("description", h.Description, str4000)
	w.boolTrue("use-bundle-inventory-only", h.UseBundleInventoryOnly)
	w.boolTrue("on-order", h.OnOrder)
	w.custom(h.Custom)
	w.close("header")
	if err := iw.commit(); err != nil {
		return err
	}
	iw.list, iw.inList, iw.inRecs = h.ListID, true, false
	return nil
}

// WriteRecord adds a record to the current list. Its InventoryListID, if
// set, must be the list's.
func (iw *InventoryWriter) WriteRecord(ctx context.Context, rec sfcc.InventoryRecord) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w, err := iw.begin(iw.list, rec.ProductID)
	if err != nil {
		return err
	}
	if !iw.inList {
		return errors.New("orderxml: WriteRecord before WriteHeader")
	}
	if rec.InventoryListID != "" && rec.InventoryListID != iw.list {
		w.fail("record", "belongs to list %q, not %q", rec.InventoryListID, iw.list)
		return w.err
	}
	if !iw.inRecs {
		w.open("records")
	}
	if !w.check("record/@product-id", rec.ProductID, nonEmpty100) {
		return w.err
	}
	w.open("record", "product-id", rec.ProductID)
	if rec.Allocation.IsNeg() {
		w.fail("allocation", "%s is negative", rec.Allocation)
	}
	w.reqDec("allocation", rec.Allocation)
	w.dateTime("allocation-timestamp", rec.AllocationResetDate)
	w.boolean("perpetual", rec.Perpetual)
	enumW(w, "preorder-backorder-handling", rec.PreOrderBackOrderHandling, sfcc.HandlingNone, sfcc.HandlingPreorder, sfcc.HandlingBackorder)
	if rec.PreOrderBackOrderAllocation.IsNeg() {
		w.fail("preorder-backorder-allocation", "%s is negative", rec.PreOrderBackOrderAllocation)
	}
	w.dec("preorder-backorder-allocation", rec.PreOrderBackOrderAllocation)
	w.dateTime("in-stock-datetime", rec.InStockDate)
	w.close("record")
	if err := iw.commit(); err != nil {
		return err
	}
	iw.inRecs = true
	return nil
}

// Close ends the file. It does not close the underlying writer.
func (iw *InventoryWriter) Close() error {
	if iw.err != nil || iw.closed {
		return iw.err
	}
	w, err := iw.begin("", "")
	if err != nil {
		return err
	}
	iw.endList(w)
	w.path = append(w.path[:0], "inventory")
	w.depth = 1
	w.close("inventory")
	w.buf = append(w.buf, '\n')
	iw.closed = true
	return iw.commit()
}
