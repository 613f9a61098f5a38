package orderxml

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"io"
	"unicode/utf8"

	"github.com/orisano/gosax"
)

// fastLexer is the lexer behind the default Decoder: gosax splits the input
// into markup and text at memory speed, and fastLexer checks each piece
// against the rules of encoding/xml's strict mode (names, attribute syntax,
// entity and character references, the XML character range, comments,
// CDATA) and decodes it the same way (entities, \r\n to \n).
//
// It only decides what it can certify: anything encoding/xml would reject,
// anything near a cap, and anything rare (processing instructions,
// non-ASCII names, DTDs, a read error) is answered with errBail. It keeps
// no line numbers. The Decoder then replays the input from the last
// checkpoint (the start of the current order) through the reference
// xmlLexer, which decides and locates the error exactly; the bytes from
// the checkpoint on are kept by a recorder for that, so memory stays
// bounded by one order.
type fastLexer struct {
	gs  *gosax.Reader
	rec *recorder
	tok rawToken

	maxToken int64
	off      int64 // input offset (from the hand-over) of the next event

	pendingEnd bool // the last start tag was empty: an end tag follows
	skipText   bool // for the next call only: read past plain text
	held       bool // heldEv is the next event
	heldEv     gosax.Event
	open       *[]openElem // the parser's open elements, to match end tags by bytes

	text    []byte      // decoded character data of the last token
	attrBuf []byte      // decoded attribute values of the last start tag
	attrEnd []int       // end of each attribute value in attrBuf
	names   *valueCache // element and attribute names

	// The checkpoint: the input offset the Decoder can replay from, and
	// the line and column there.
	ck            int64
	ckLine, ckCol int
}

func newFastLexer(r io.Reader, cfg config, line, col int) *fastLexer {
	f := &fastLexer{
		maxToken: cfg.maxTokenBytes,
		ckLine:   line,
		ckCol:    col,
		names:    newValueCache(256),
	}
	f.rec = &recorder{r: r, f: f, maxToken: cfg.maxTokenBytes, maxOrder: cfg.maxOrderBytes}
	f.gs = gosax.NewReaderSize(f.rec, 256<<10)
	return f
}

func (f *fastLexer) fast() bool             { return true }
func (f *fastLexer) pos() (int, int)        { return 0, 0 }
func (f *fastLexer) startRecord()           {}
func (f *fastLexer) endRecord()             {}
func (f *fastLexer) sinceCheckpoint() int64 { return f.off - f.ck }

// checkpoint marks the current offset as the place a replay starts from,
// and forgets the recorded bytes before it.
func (f *fastLexer) checkpoint() {
	seg := f.rec.bytesFrom(f.ck)[:f.off-f.ck]
	if nl := bytes.Count(seg, []byte{'\n'}); nl > 0 {
		f.ckLine += nl
		f.ckCol = len(seg) - bytes.LastIndexByte(seg, '\n')
	} else {
		f.ckCol += len(seg)
	}
	f.ck = f.off
	f.rec.drop(f.ck)
}

// replay returns the input from the checkpoint on: the recorded bytes,
// then the rest of the source (or its error, if it already failed).
func (f *fastLexer) replay() io.Reader { return f.rec.replayFrom(f.ck) }

func (f *fastLexer) next() (*rawToken, error) {
	t := &f.tok
	if f.pendingEnd {
		f.pendingEnd = false
		t.kind, t.start.Attr = tokEnd, t.start.Attr[:0]
		return t, nil
	}
	skipText := f.skipText
	f.skipText = false
	ev, ok := f.event()
	if !ok {
		return nil, errBail
	}
	b, typ := ev.Bytes, ev.Type()
	for skipText && typ == gosax.EventText && isPlain(b) {
		// The caller ignores text here: pass over it without a token.
		if ev, ok = f.event(); !ok {
			return nil, errBail
		}
		b, typ = ev.Bytes, ev.Type()
	}
	switch typ {
	case gosax.EventStart:
		if !f.startTag(b) {
			return nil, errBail
		}
	case gosax.EventEnd:
		name, ok := f.endTag(b)
		if !ok {
			return nil, errBail
		}
		t.kind, t.start.Name, t.start.Attr = tokEnd, name, t.start.Attr[:0]
	case gosax.EventText:
		t.kind = tokText
		if isPlain(b) {
			// Nothing to decode: hand out gosax's bytes as they are.
			t.text = b
			break
		}
		var ok bool
		if f.text, ok = unescape(f.text[:0], b, false); !ok {
			return nil, errBail
		}
		t.text = f.text
	case gosax.EventCData:
		if len(b) < 12 || string(b[:9]) != "<![CDATA[" || string(b[len(b)-3:]) != "]]>" {
			return nil, errBail
		}
		var ok bool
		if f.text, ok = cdata(f.text[:0], b[9:len(b)-3]); !ok {
			return nil, errBail
		}
		t.kind, t.text = tokText, f.text
	case gosax.EventComment:
		// encoding/xml ends a comment at the first "--", which must be
		// followed by ">".
		if len(b) < 7 || string(b[:4]) != "<!--" || string(b[len(b)-3:]) != "-->" {
			return nil, errBail
		}
		body := b[4 : len(b)-3]
		if bytes.Contains(body, []byte("--")) || (len(body) > 0 && body[len(body)-1] == '-') {
			return nil, errBail
		}
		t.kind = tokOther
	case gosax.EventEOF:
		return nil, io.EOF
	default:
		// Processing instructions and DTDs: rare, and encoding/xml's
		// rules for them are for the reference to apply.
		return nil, errBail
	}
	return t, nil
}

// startTag checks and decodes a start tag as encoding/xml's rawToken does:
// name, then attributes (name = quoted value, whitespace optional between
// them), then > or />.
func (f *fastLexer) startTag(b []byte) bool {
	t := &f.tok
	// Most tags are <name> with a name seen before: every string in the
	// name cache passed name's checks and has no colon, so with a valid
	// first byte it is a valid unprefixed name as it stands.
	if n := len(b); n > 2 && b[n-1] == '>' && b[n-2] != '/' && isNameStart(b[1]) {
		if local, ok := f.names.lookup(b[1 : n-1]); ok {
			t.kind, t.start.Name, t.start.Attr = tokStart, xml.Name{Local: local}, t.start.Attr[:0]
			f.attrBuf, f.attrEnd = f.attrBuf[:0], f.attrEnd[:0]
			return true
		}
	}
	name, i, ok := f.name(b, 1)
	if !ok {
		return false
	}
	t.kind, t.start.Name, t.start.Attr = tokStart, name, t.start.Attr[:0]
	f.attrBuf, f.attrEnd = f.attrBuf[:0], f.attrEnd[:0]
	for {
		i = skipSpace(b, i)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case '/':
			if i+2 != len(b) || b[i+1] != '>' {
				return false
			}
			f.pendingEnd = true
			f.fixAttrs()
			return true
		case '>':
			if i+1 != len(b) {
				return false
			}
			f.fixAttrs()
			return true
		}
		var an xml.Name
		if an, i, ok = f.name(b, i); !ok {
			return false
		}
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != '=' {
			return false
		}
		i = skipSpace(b, i+1)
		if i >= len(b) || (b[i] != '"' && b[i] != '\'') {
			return false
		}
		q := b[i]
		j := bytes.IndexByte(b[i+1:], q)
		if j < 0 {
			return false
		}
		if f.attrBuf, ok = unescape(f.attrBuf, b[i+1:i+1+j], true); !ok {
			return false
		}
		t.start.Attr = append(t.start.Attr, tagAttr{Name: an})
		f.attrEnd = append(f.attrEnd, len(f.attrBuf))
		i += j + 2
	}
}

// endTag reads an end tag. The name is nearly always the open element's,
// so it is compared byte for byte with that before anything is parsed.
func (f *fastLexer) endTag(b []byte) (xml.Name, bool) {
	if f.endsOpen(b) {
		top := (*f.open)[len(*f.open)-1]
		return xml.Name{Space: top.prefix, Local: top.local}, true
	}
	// Not the open element: a mismatch the parser reports, or a name
	// that needs checking.
	name, i, ok := f.name(b, 2)
	if !ok || !closes(b, i) {
		return xml.Name{}, false
	}
	return name, true
}

// endsOpen reports whether the end tag b closes the open element.
func (f *fastLexer) endsOpen(b []byte) bool {
	if f.open == nil || len(*f.open) == 0 {
		return false
	}
	top := (*f.open)[len(*f.open)-1]
	i := 2
	if top.prefix != "" {
		if len(b) > i+len(top.prefix) && string(b[i:i+len(top.prefix)]) == top.prefix && b[i+len(top.prefix)] == ':' {
			i += len(top.prefix) + 1
		} else {
			return false
		}
	}
	if len(b) > i+len(top.local) && string(b[i:i+len(top.local)]) == top.local {
		i += len(top.local)
		return b[i] == '>' && i == len(b)-1 || isSpace(b[i]) && closes(b, i)
	}
	return false
}

// leafText reads on in an element that usually holds plain text only: the
// text (copied, as the next event may move gosax's buffer) and the end
// tag, which the caller then closes. If anything else follows, done is false: text holds what was read,
// the event after it is held back for next, and the caller goes on from
// there. ok is false where the reference must decide.
func (f *fastLexer) leafText() (text []byte, done, ok bool) {
	if f.pendingEnd {
		f.pendingEnd = false
		return nil, true, true
	}
	ev, ok := f.event()
	if !ok {
		return nil, false, false
	}
	f.text = f.text[:0]
	if ev.Type() == gosax.EventText {
		if !isPlain(ev.Bytes) {
			f.hold(ev)
			return nil, false, true
		}
		f.text = append(f.text, ev.Bytes...)
		if ev, ok = f.event(); !ok {
			return nil, false, false
		}
	}
	if ev.Type() == gosax.EventEnd && f.endsOpen(ev.Bytes) {
		return f.text, true, true
	}
	f.hold(ev)
	return f.text, false, true
}

// event returns the next gosax event: one held back, or a new one, which
// it counts; false where the reference must decide.
func (f *fastLexer) event() (gosax.Event, bool) {
	if f.held {
		f.held = false
		return f.heldEv, true
	}
	ev, err := f.gs.Event()
	if err != nil {
		return ev, false
	}
	f.off += int64(len(ev.Bytes))
	// encoding/xml counts a token with the byte after it at most; stay
	// clear of the cap and let the reference decide near it.
	return ev, int64(len(ev.Bytes))+2 <= f.maxToken
}

// hold keeps ev for the next call of event.
func (f *fastLexer) hold(ev gosax.Event) { f.heldEv, f.held = ev, true }

// closes reports whether b[i:] is optional whitespace and the final '>'.
func closes(b []byte, i int) bool {
	i = skipSpace(b, i)
	return i == len(b)-1 && b[i] == '>'
}

// isPlain reports whether text has nothing to decode or check beyond
// being printable ASCII, tab or newline.
func isPlain(b []byte) bool {
	// Layout text is a newline and spaces: compare it whole, or skip
	// the newline and look at eight bytes at a time.
	if len(b) > 0 && b[0] == '\n' {
		b = b[1:]
		if len(b) <= len(spaces) && string(b) == spaces[:len(b)] {
			return true
		}
	}
	n := len(b)
	if n < 8 {
		return isPlainBytes(b)
	}
	for i := 0; i+8 <= n; i += 8 {
		if !plainWord(binary.LittleEndian.Uint64(b[i:])) {
			return isPlainBytes(b)
		}
	}
	return n%8 == 0 || plainWord(binary.LittleEndian.Uint64(b[n-8:])) || isPlainBytes(b[n-8:])
}

const spaces = "                                                                "

func isPlainBytes(b []byte) bool {
	for _, c := range b {
		if !plain[c] {
			return false
		}
	}
	return true
}

const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

// plainWord reports whether the eight bytes of w are all printable ASCII
// other than & < ]; false may also mean a tab or newline, which the caller
// then checks byte by byte.
func plainWord(w uint64) bool {
	if w == ' '*lowBits {
		return true
	}
	below := (w - ' '*lowBits) &^ w // a byte below 0x20
	above := (w + lowBits) | w      // a byte of 0x7f or more
	return (below|above)&highBits == 0 && !hasZeroByte(w^'&'*lowBits) && !hasZeroByte(w^'<'*lowBits) && !hasZeroByte(w^']'*lowBits)
}

func hasZeroByte(v uint64) bool { return (v-lowBits)&^v&highBits != 0 }

// fixAttrs points the attribute values into attrBuf once it stops growing.
func (f *fastLexer) fixAttrs() {
	from := 0
	for k := range f.tok.start.Attr {
		f.tok.start.Attr[k].Value = f.attrBuf[from:f.attrEnd[k]]
		from = f.attrEnd[k]
	}
}

// name reads a name at b[i:] as encoding/xml's nsname does, for ASCII
// names; a name with other bytes, or with a colon at either end or twice,
// is left to the reference.
func (f *fastLexer) name(b []byte, i int) (xml.Name, int, bool) {
	s, colon := i, -1
	for ; i < len(b); i++ {
		c := nameClass[b[i]]
		if c == 0 {
			break
		}
		if c != 1 {
			if c == 3 || colon >= 0 {
				return xml.Name{}, i, false // non-ASCII, or a second colon
			}
			colon = i
		}
	}
	if i == s || !isNameStart(b[s]) || colon == i-1 {
		return xml.Name{}, i, false
	}
	if colon < 0 {
		return xml.Name{Local: f.names.intern(b[s:i])}, i, true
	}
	return xml.Name{Space: f.names.intern(b[s:colon]), Local: f.names.intern(b[colon+1 : i])}, i, true
}

// nameClass sorts bytes for name: 1 a name byte, 2 a colon, 3 a byte of
// a non-ASCII character (left to the reference), 0 the end of the name.
var nameClass = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = 3
		case c == ':':
			t[c] = 2
		case isNameByte(byte(c)):
			t[c] = 1
		}
	}
	return t
}()

func isNameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '_' || c == ':' || c == '.' || c == '-'
}

func isNameStart(c byte) bool { return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// plain marks the bytes text can copy as they are: printable ASCII other
// than the ones with a meaning (& < ] \r) and tab and newline.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	t['&'], t['<'], t[']'], t['\t'], t['\n'] = false, false, false, true, true
	return t
}()

// unescape appends the character data raw decodes to (entity and character
// references resolved, \r\n and \r made \n) to dst, as encoding/xml's
// strict text reading does; inAttr is for a quoted attribute value, where
// "]]>" is allowed. ok is false where encoding/xml reports an error, or
// where this function leaves the decision to it (an unusually written
// character reference).
func unescape(dst, raw []byte, inAttr bool) ([]byte, bool) {
	i := 0
	for i < len(raw) && plain[raw[i]] {
		i++
	}
	dst = append(dst, raw[:i]...)
	if i == len(raw) {
		return dst, true
	}
	start := len(dst) - i
	var b0, b1 byte
	for ; i < len(raw); i++ {
		b := raw[i]
		if !inAttr && b0 == ']' && b1 == ']' && b == '>' {
			return dst, false
		}
		switch b {
		case '<':
			return dst, false
		case '&':
			j := bytes.IndexByte(raw[i+1:min(len(raw), i+14)], ';')
			if j < 1 {
				return dst, false
			}
			var ok bool
			if dst, ok = appendEntity(dst, raw[i+1:i+1+j]); !ok {
				return dst, false
			}
			i += j + 1
			b0, b1 = 0, 0
			continue
		case '\r':
			dst = append(dst, '\n')
		case '\n':
			if b1 != '\r' {
				dst = append(dst, b)
			}
		default:
			dst = append(dst, b)
		}
		b0, b1 = b1, b
	}
	return dst, validChars(dst[start:])
}

// appendEntity resolves the reference &ent; as encoding/xml does.
func appendEntity(dst, ent []byte) ([]byte, bool) {
	switch string(ent) {
	case "lt":
		return append(dst, '<'), true
	case "gt":
		return append(dst, '>'), true
	case "amp":
		return append(dst, '&'), true
	case "apos":
		return append(dst, '\''), true
	case "quot":
		return append(dst, '"'), true
	}
	if ent[0] != '#' {
		return dst, false
	}
	digits, base := ent[1:], rune(10)
	if len(digits) > 0 && digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 || len(digits) > 8 {
		return dst, false
	}
	var n rune
	for _, c := range digits {
		var v rune
		switch {
		case '0' <= c && c <= '9':
			v = rune(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			v = rune(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			v = rune(c-'A') + 10
		default:
			return dst, false
		}
		n = n*base + v
	}
	if n > utf8.MaxRune {
		return dst, false
	}
	// string(rune(n)) in encoding/xml: a surrogate becomes U+FFFD.
	return utf8.AppendRune(dst, n), true
}

// cdata appends the content of a CDATA section: no references, \r\n and
// \r made \n.
func cdata(dst, raw []byte) ([]byte, bool) {
	start := len(dst)
	var b1 byte
	for _, b := range raw {
		switch {
		case b == '\r':
			dst = append(dst, '\n')
		case b == '\n' && b1 == '\r':
		default:
			dst = append(dst, b)
		}
		b1 = b
	}
	return dst, validChars(dst[start:])
}

// validChars reports whether b is UTF-8 of characters in the XML Char
// range, the check encoding/xml makes on all character data.
func validChars(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		if !(r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			return false
		}
		i += size
	}
	return true
}

// lookup returns the shared string equal to b, if there is one.
func (c *valueCache) lookup(b []byte) (string, bool) {
	set := &c.sets[hashBytes(c.seed, b)&uint64(len(c.sets)-1)]
	for k := range set {
		if set[k] == string(b) {
			return set[k], true
		}
	}
	return "", false
}

// intern shares the strings of names: a name seen before costs no
// allocation.
func (c *valueCache) intern(b []byte) string {
	s, _ := c.get(b, true)
	return s
}

// errRecordFull stops the fast lexer at an order too large to replay; the
// reference lexer then reads it, and reports the cap.
var errRecordFull = errors.New("orderxml: order larger than the replay window")

// recorder sits between the source and gosax and keeps every byte from the
// checkpoint on, so the reference lexer can replay them. It also keeps
// gosax, which holds a whole token in memory, from reading further than the
// caps allow: past a token's cap from the start of the token being lexed,
// or past the order cap from the checkpoint, it stops the fast lexer and
// the reference reads on under its own budgets.
type recorder struct {
	r                  io.Reader
	f                  *fastLexer
	buf                []byte // the input from offset base on
	base               int64
	maxToken, maxOrder int64
	err                error // the source's error, sticky
}

func (c *recorder) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	end := c.base + int64(len(c.buf))
	room := min(c.f.off+c.maxToken+2, c.f.ck+c.maxOrder+2) - end
	if room <= 0 {
		return 0, errRecordFull
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := c.r.Read(p)
	c.buf = append(c.buf, p[:n]...)
	if err != nil {
		c.err = err
	}
	return n, err
}

func (c *recorder) bytesFrom(at int64) []byte { return c.buf[at-c.base:] }

// drop forgets the bytes before at; it moves the rest to the front once
// the dead part outweighs it, so the copying stays linear.
func (c *recorder) drop(at int64) {
	n := int(at - c.base)
	if n < 64<<10 || n < len(c.buf)-n {
		return
	}
	c.buf = c.buf[:copy(c.buf, c.buf[n:])]
	c.base = at
}

func (c *recorder) replayFrom(at int64) io.Reader {
	rest := c.r
	if c.err != nil {
		rest = errReader{c.err}
	}
	return io.MultiReader(bytes.NewReader(c.buf[at-c.base:]), rest)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
