package orderxml

import "io"

// budgetReader is the byte source under encoding/xml. encoding/xml reads a
// whole token (a text node, a directive, a tag) into memory before it
// returns it, so a cap checked on returned tokens comes too late for a 2 GB
// text node. budgetReader fails the read itself once the current token, or
// the current order, has used up its budget; memory stays bounded whatever
// the input. Its fast path costs one comparison per byte, like bufio.
type budgetReader struct {
	r   io.Reader
	buf []byte
	pos int // next byte to hand out
	end int // bytes valid in buf
	// lim is the index up to which bytes may be handed out without
	// looking at the budgets: min(end, pos+remaining budgets).
	lim  int
	base int64 // input offset of buf[0]
	err  error // sticky error of r

	maxToken   int64
	maxOrder   int64
	tokenStart int64
	orderStart int64 // -1 outside an order
	limitErr   *LimitError
}

func newBudgetReader(r io.Reader, maxToken, maxOrder int64) *budgetReader {
	return &budgetReader{r: r, buf: make([]byte, 64<<10), maxToken: maxToken, maxOrder: maxOrder, orderStart: -1}
}

// ReadByte implements io.ByteReader for encoding/xml.
func (b *budgetReader) ReadByte() (byte, error) {
	if b.pos < b.lim {
		c := b.buf[b.pos]
		b.pos++
		return c, nil
	}
	return b.readByteSlow()
}

func (b *budgetReader) offset() int64 { return b.base + int64(b.pos) }

func (b *budgetReader) readByteSlow() (byte, error) {
	if b.limitErr != nil {
		return 0, b.limitErr
	}
	off := b.offset()
	if off-b.tokenStart >= b.maxToken {
		b.limitErr = &LimitError{Limit: LimitTokenBytes, Max: b.maxToken}
		return 0, b.limitErr
	}
	if b.orderStart >= 0 && off-b.orderStart >= b.maxOrder {
		b.limitErr = &LimitError{Limit: LimitOrderBytes, Max: b.maxOrder}
		return 0, b.limitErr
	}
	if b.pos >= b.end {
		if b.err != nil {
			return 0, b.err
		}
		b.base += int64(b.end)
		b.pos, b.end = 0, 0
		for b.end == 0 && b.err == nil {
			n, err := b.r.Read(b.buf)
			b.end = n
			if err != nil {
				b.err = err
			}
		}
		if b.end == 0 {
			return 0, b.err
		}
	}
	b.setLim()
	c := b.buf[b.pos]
	b.pos++
	return c, nil
}

// setLim recomputes lim from the buffered bytes and both budgets.
func (b *budgetReader) setLim() {
	off := b.offset()
	room := b.maxToken - (off - b.tokenStart)
	if b.orderStart >= 0 {
		if r := b.maxOrder - (off - b.orderStart); r < room {
			room = r
		}
	}
	lim := b.end
	if room < int64(lim-b.pos) {
		lim = b.pos + int(max(room, 0))
	}
	b.lim = lim
}

// tokenDone starts the budget of the next token.
func (b *budgetReader) tokenDone() {
	b.tokenStart = b.offset()
	b.setLim()
}

// startOrder starts the budget of an order at the given input offset.
func (b *budgetReader) startOrder(at int64) {
	b.orderStart = at
	b.setLim()
}

// endOrder ends the order budget.
func (b *budgetReader) endOrder() {
	b.orderStart = -1
	b.setLim()
}

// Read implements io.Reader; encoding/xml uses ReadByte, so this only
// exists to satisfy xml.NewDecoder's signature.
func (b *budgetReader) Read(dst []byte) (int, error) {
	n := 0
	for n < len(dst) {
		c, err := b.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		dst[n] = c
		n++
		if b.pos >= b.lim {
			break
		}
	}
	return n, nil
}
