// Package csvin reads the CSV files the module is given — settlement
// reports, refunds lists, mapping tables — the one way all of them need:
//
//   - a UTF-8 byte order mark (a spreadsheet's "CSV UTF-8" save) is dropped,
//     even before a quoted header;
//   - the reader finds record boundaries itself, so a broken record (an
//     unterminated or stray quote) is reported at its own line and reading
//     resynchronises at the next line instead of swallowing the rest of the
//     file;
//   - fields and records are capped in size, so a hostile cell costs an
//     error, not gigabytes of memory.
//
// It owns splitting and unquoting only; what the columns mean is the
// caller's.
package csvin

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Default caps. Real settlement and mapping rows are a few hundred bytes; a
// description field rarely passes a kilobyte.
const (
	// DefaultMaxFieldBytes caps one field's unquoted size.
	DefaultMaxFieldBytes = 64 << 10
	// DefaultMaxRecordBytes caps one record's size as written, quotes and
	// line breaks included. It also bounds how far a quoted field may run
	// before it counts as unterminated.
	DefaultMaxRecordBytes = 1 << 20
)

// Config sets the caps of a Reader. The zero value uses the defaults.
type Config struct {
	// MaxFieldBytes caps a field; default DefaultMaxFieldBytes.
	MaxFieldBytes int
	// MaxRecordBytes caps a record; default DefaultMaxRecordBytes.
	MaxRecordBytes int
}

// ConfigError is a Config field that cannot be used.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field.
func (e *ConfigError) Error() string { return fmt.Sprintf("csvin: config %s: %s", e.Field, e.Reason) }

func (c *Config) setDefaults() {
	if c.MaxFieldBytes == 0 {
		c.MaxFieldBytes = DefaultMaxFieldBytes
	}
	if c.MaxRecordBytes == 0 {
		c.MaxRecordBytes = DefaultMaxRecordBytes
	}
}

// Validate reports a negative cap, or a field cap above the record cap.
func (c Config) Validate() error {
	c.setDefaults()
	switch {
	case c.MaxFieldBytes < 0:
		return &ConfigError{Field: "MaxFieldBytes", Reason: "negative"}
	case c.MaxRecordBytes < 0:
		return &ConfigError{Field: "MaxRecordBytes", Reason: "negative"}
	case c.MaxFieldBytes > c.MaxRecordBytes:
		return &ConfigError{Field: "MaxFieldBytes", Reason: "larger than MaxRecordBytes"}
	}
	return nil
}

// Errors a record can have, to be matched with errors.Is.
var (
	// ErrBareQuote is a quote inside a field that does not start with one.
	ErrBareQuote = errors.New(`bare " in a field that is not quoted`)
	// ErrQuote is a quoted field not closed before the end of the file
	// (or of MaxRecordBytes), or text after its closing quote.
	ErrQuote = errors.New(`quoted field not closed, or text after its closing "`)
	// ErrFieldTooLong is a field over MaxFieldBytes.
	ErrFieldTooLong = errors.New("field too long")
	// ErrRecordTooLong is a record over MaxRecordBytes.
	ErrRecordTooLong = errors.New("record too long")
	// ErrFieldCount is a record that spans several lines and does not have
	// the number of fields set with ExpectFields: a quote that opened by
	// mistake, not a field with line breaks.
	ErrFieldCount = errors.New("wrong number of fields")
)

// RecordError is a record that could not be read. Reading may go on with
// the next record.
type RecordError struct {
	// Line is the record's first line.
	Line int
	Err  error
}

// Error names the line.
func (e *RecordError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the cause, one of the Err* sentinels.
func (e *RecordError) Unwrap() error { return e.Err }

// physLine is one physical line, without its line break.
type physLine struct {
	text    []byte
	num     int
	newline bool // a line break followed it
	tooLong bool // text was cut: the line is over MaxRecordBytes
}

// Reader reads CSV records (RFC 4180, comma separated) one at a time. It is
// not safe for concurrent use.
type Reader struct {
	cfg     Config
	src     *bufio.Reader
	lineNum int
	pending []physLine // lines read ahead, to resynchronise after a broken record
	started bool
	fields  int
	err     error // sticky I/O error or io.EOF
	// lineBuf holds the first line of the record being read: it is reused
	// from record to record (a record's further lines get their own).
	lineBuf []byte
	// recBuf and ends collect the fields of the record being read: field
	// i is recBuf[ends[i-1]:ends[i]].
	recBuf []byte
	ends   []int
}

// NewReader returns a Reader of r with the caps of cfg; an invalid cfg
// (see Config.Validate) falls back to the defaults.
func NewReader(r io.Reader, cfg Config) *Reader {
	if cfg.Validate() != nil {
		cfg = Config{}
	}
	cfg.setDefaults()
	return &Reader{cfg: cfg, src: bufio.NewReaderSize(r, 64<<10)}
}

// ExpectFields sets the number of fields a record has (the header's); a
// record spanning several lines with another count is an ErrFieldCount
// error and reading resynchronises at its second line. Zero turns the check
// off. Single-line records are returned whatever their count: the caller
// names the missing columns.
func (r *Reader) ExpectFields(n int) { r.fields = n }

// readLine returns the next physical line. With reuse its text is read
// into the Reader's line buffer, valid until the next readLine with reuse.
func (r *Reader) readLine(reuse bool) (physLine, error) {
	if len(r.pending) > 0 {
		l := r.pending[0]
		r.pending = r.pending[1:]
		return l, nil
	}
	if r.err != nil {
		return physLine{}, r.err
	}
	var buf []byte
	if reuse {
		buf = r.lineBuf[:0]
		defer func() { r.lineBuf = buf[:0] }()
	}
	tooLong := false
	for {
		chunk, err := r.src.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > r.cfg.MaxRecordBytes+2 {
				tooLong = true
				buf = append(buf, chunk[:max(0, r.cfg.MaxRecordBytes-len(buf))]...)
			} else {
				buf = append(buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && (err != io.EOF || len(buf) == 0) {
			r.err = err
			if tooLong || len(buf) > 0 {
				break
			}
			return physLine{}, err
		}
		if err == io.EOF {
			r.err = io.EOF
		}
		break
	}
	r.lineNum++
	l := physLine{num: r.lineNum, tooLong: tooLong}
	if !tooLong && bytes.HasSuffix(buf, []byte{'\n'}) {
		buf = buf[:len(buf)-1]
		l.newline = true
		buf = bytes.TrimSuffix(buf, []byte{'\r'})
	} else if tooLong {
		l.newline = true
	}
	if !r.started {
		r.started = true
		buf = bytes.TrimPrefix(buf, []byte("\ufeff"))
	}
	l.text = buf
	return l, nil
}

// Read returns the next record and its first line. A record that cannot be
// read is a *RecordError, and the next call goes on after it; io.EOF ends
// the file; any other error is the source's and ends reading. Blank lines
// are skipped.
func (r *Reader) Read() (fields []string, line int, err error) {
	line, err = r.next()
	if err != nil {
		return nil, line, err
	}
	fields = make([]string, len(r.ends))
	start := 0
	for i, end := range r.ends {
		fields[i] = string(r.recBuf[start:end])
		start = end
	}
	return fields, line, nil
}

// ReadJoined is Read for a reader of many records that keeps few of their
// fields: it appends the record's fields to fields[:0] and returns it, and
// the fields are substrings of one string holding the whole record, one
// allocation per record. A caller that keeps a field keeps that string:
// it should clone what it keeps (strings.Clone).
func (r *Reader) ReadJoined(fields []string) ([]string, int, error) {
	line, err := r.next()
	if err != nil {
		return fields[:0], line, err
	}
	all := string(r.recBuf)
	fields = fields[:0]
	start := 0
	for _, end := range r.ends {
		fields = append(fields, all[start:end])
		start = end
	}
	return fields, line, nil
}

// AppendRecord reads the next record like Read, appends its bytes to buf
// and the end of each of its fields (an offset in the returned buf) to
// ends, and returns both: a caller that holds many records in a buffer of
// its own reads them with no allocation per record.
func (r *Reader) AppendRecord(buf []byte, ends []int) ([]byte, []int, int, error) {
	line, err := r.next()
	if err != nil {
		return buf, ends, line, err
	}
	base := len(buf)
	buf = append(buf, r.recBuf...)
	for _, end := range r.ends {
		ends = append(ends, base+end)
	}
	return buf, ends, line, nil
}

// next reads the next record into recBuf and ends.
func (r *Reader) next() (int, error) {
	for {
		first, err := r.readLine(true)
		if err != nil {
			return 0, err
		}
		if len(first.text) == 0 && !first.tooLong {
			continue
		}
		more, rerr := r.parse(first)
		if rerr == nil {
			return first.num, nil
		}
		if len(more) > 0 {
			// Resynchronise: the lines after the record's first are read again.
			r.pending = append(append([]physLine(nil), more...), r.pending...)
		}
		return first.num, &RecordError{Line: first.num, Err: rerr}
	}
}

// parse splits the record starting at first into recBuf and ends, reading
// more lines while a quoted field is open. It returns the lines it read
// after first.
func (r *Reader) parse(first physLine) ([]physLine, error) {
	var more []physLine
	if first.tooLong {
		return more, ErrRecordTooLong
	}
	r.recBuf, r.ends = r.recBuf[:0], r.ends[:0]
	var (
		fieldStart = 0
		size       = len(first.text)
		l          = first
		i          = 0
		quoted     = false
		inQuote    = false
	)
	fieldLen := func() int { return len(r.recBuf) - fieldStart }
	push := func() {
		r.ends = append(r.ends, len(r.recBuf))
		fieldStart = len(r.recBuf)
		quoted = false
	}
	for {
		if inQuote {
			j := bytes.IndexByte(l.text[i:], '"')
			if j < 0 {
				r.recBuf = append(r.recBuf, l.text[i:]...)
				if fieldLen() > r.cfg.MaxFieldBytes {
					return more, ErrFieldTooLong
				}
				if !l.newline {
					return more, ErrQuote
				}
				r.recBuf = append(r.recBuf, '\n')
				next, err := r.readLine(false)
				if err != nil {
					if err != io.EOF {
						return more, err
					}
					return more, ErrQuote
				}
				more = append(more, next)
				size += len(next.text) + 1
				if next.tooLong || size > r.cfg.MaxRecordBytes {
					return more, fmt.Errorf("%w (%w)", ErrQuote, ErrRecordTooLong)
				}
				l, i = next, 0
				continue
			}
			r.recBuf = append(r.recBuf, l.text[i:i+j]...)
			i += j + 1
			if i < len(l.text) && l.text[i] == '"' {
				r.recBuf = append(r.recBuf, '"')
				i++
				continue
			}
			inQuote = false
			if fieldLen() > r.cfg.MaxFieldBytes {
				return more, ErrFieldTooLong
			}
			if i < len(l.text) && l.text[i] != ',' {
				return more, ErrQuote
			}
			if i >= len(l.text) {
				push()
				break
			}
			i++ // the comma
			push()
			continue
		}
		if i < len(l.text) && l.text[i] == '"' && fieldLen() == 0 && !quoted {
			inQuote, quoted = true, true
			i++
			continue
		}
		j := bytes.IndexByte(l.text[i:], ',')
		end := len(l.text)
		if j >= 0 {
			end = i + j
		}
		if bytes.IndexByte(l.text[i:end], '"') >= 0 {
			return more, ErrBareQuote
		}
		r.recBuf = append(r.recBuf, l.text[i:end]...)
		if fieldLen() > r.cfg.MaxFieldBytes {
			return more, ErrFieldTooLong
		}
		push()
		if j < 0 {
			break
		}
		i = end + 1
		if i == len(l.text) {
			// A trailing comma: one more empty field.
			push()
			break
		}
	}
	if len(more) > 0 && r.fields > 0 && len(r.ends) != r.fields {
		return more, fmt.Errorf("%w: %d, the header has %d", ErrFieldCount, len(r.ends), r.fields)
	}
	return more, nil
}
