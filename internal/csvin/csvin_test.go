package csvin

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
)

type rec struct {
	line   int
	fields []string
	err    error
}

func readAll(t *testing.T, in string, cfg Config, expect int) []rec {
	t.Helper()
	r := NewReader(strings.NewReader(in), cfg)
	r.ExpectFields(expect)
	var out []rec
	for range 10000 {
		f, line, err := r.Read()
		if err == io.EOF {
			return out
		}
		var re *RecordError
		if err != nil && !errors.As(err, &re) {
			t.Fatalf("Read: %v", err)
		}
		if re != nil {
			err = re.Err
		}
		out = append(out, rec{line, f, err})
	}
	t.Fatal("Read does not end")
	return nil
}

func TestReader_UnterminatedQuoteIsReportedAtItsLineAndReadingResynchronises(t *testing.T) {
	in := "a,b,c\n1,\"broken,3\n4,5,6\n7,8,9\n"
	got := readAll(t, in, Config{}, 3)
	if len(got) != 4 || got[1].line != 2 || !errors.Is(got[1].err, ErrQuote) ||
		!reflect.DeepEqual(got[2], rec{3, []string{"4", "5", "6"}, nil}) || !reflect.DeepEqual(got[3], rec{4, []string{"7", "8", "9"}, nil}) {
		t.Fatalf("records = %+v, want line 2 an ErrQuote and lines 3 and 4 read", got)
	}
}

func TestReader_QuoteThatPairsWithALaterRowIsReportedAndTheRowsBetweenRead(t *testing.T) {
	in := "a,b,c\n1,\"broken,3\n4,5,6\n\"x\",\"y\",\"z\"\n"
	got := readAll(t, in, Config{}, 3)
	if len(got) != 4 || got[1].line != 2 || got[1].err == nil || got[2].fields == nil || got[3].line != 4 || got[3].err != nil {
		t.Fatalf("records = %+v, want line 2 broken, lines 3 and 4 read", got)
	}
}

func TestReader_FieldWithLineBreaksStaysOneRecord(t *testing.T) {
	got := readAll(t, "a,b\n\"one\r\ntwo\",x\n3,4\n", Config{}, 2)
	want := []rec{{1, []string{"a", "b"}, nil}, {2, []string{"one\ntwo", "x"}, nil}, {4, []string{"3", "4"}, nil}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("records = %+v, want %+v", got, want)
	}
}

func TestReader_ByteOrderMarkBeforeAQuotedHeaderIsDropped(t *testing.T) {
	got := readAll(t, "\ufeff\"Transaction ID\",\"Amount\"\n1,2\n", Config{}, 0)
	if len(got) != 2 || got[0].err != nil || got[0].fields[0] != "Transaction ID" {
		t.Fatalf("records = %+v, want the header read without the BOM", got)
	}
}

func TestReader_FieldAndRecordCaps(t *testing.T) {
	big := strings.Repeat("x", 200)
	got := readAll(t, "a,b\n"+big+",1\n\""+big+"\",1\n"+strings.Repeat("y,", 300)+"\n2,3\n", Config{MaxFieldBytes: 100, MaxRecordBytes: 500}, 0)
	if len(got) != 5 || !errors.Is(got[1].err, ErrFieldTooLong) || got[1].line != 2 || !errors.Is(got[2].err, ErrFieldTooLong) ||
		!errors.Is(got[3].err, ErrRecordTooLong) || got[3].line != 4 || got[4].line != 5 || got[4].err != nil {
		t.Fatalf("records = %+v, want lines 2 and 3 too-long fields, line 4 a too-long record, line 5 read", got)
	}
}

func TestReader_BareQuoteIsOneBrokenRecord(t *testing.T) {
	got := readAll(t, "a,b\n1,x\"y\n2,3\n", Config{}, 2)
	if len(got) != 3 || !errors.Is(got[1].err, ErrBareQuote) || got[2].err != nil {
		t.Fatalf("records = %+v", got)
	}
}

func TestConfig_Validate(t *testing.T) {
	var ce *ConfigError
	if err := (Config{MaxFieldBytes: -1}).Validate(); !errors.As(err, &ce) || ce.Field != "MaxFieldBytes" {
		t.Errorf("negative field cap: %v", err)
	}
	if err := (Config{MaxFieldBytes: 10, MaxRecordBytes: 5}).Validate(); !errors.As(err, &ce) {
		t.Errorf("field cap over record cap: %v", err)
	}
}

// FuzzReader checks that any input that encoding/csv reads without error
// reads the same here, and that nothing panics or loops.
func FuzzReader(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "\"a\"\"b\",c\n", "a,\"b\nc\"\n", "\ufeffa,b\n", "1,\"x\n2,3\n", "a,b,\n,\n", "x\r\ny\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r := NewReader(strings.NewReader(in), Config{MaxFieldBytes: 1 << 10, MaxRecordBytes: 1 << 12})
		var got [][]string
		clean := true
		for range len(in) + 2 {
			fs, _, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				clean = false
				continue
			}
			got = append(got, fs)
		}
		if strings.HasPrefix(in, "\ufeff") || strings.Contains(in, "\r") || len(in) > 1<<10 {
			return
		}
		cr := csv.NewReader(strings.NewReader(in))
		cr.FieldsPerRecord = -1
		want, err := cr.ReadAll()
		if err != nil || !clean {
			return
		}
		if len(want) == 0 && len(got) == 0 {
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("input %q: got %q, encoding/csv %q", in, got, want)
		}
	})
}

// TestReadJoined_SameRecordsAsRead reads files with quoted fields, line
// breaks inside quotes, broken records and blank lines both ways: the
// records, lines and errors agree, and the slice given is reused.
func TestReadJoined_SameRecordsAsRead(t *testing.T) {
	for _, in := range []string{
		"a,b,c\n1,2,3\n\n4,\"5,5\",6\n",
		"a,b\n\"x\ny\",2\n\"bad,1\nok,2\n",
		"\ufeffa,b\nq\"q,1\n\"\"\"quoted\"\"\",2\n3,\n",
		"a\n" + strings.Repeat("z", 70) + "\n",
	} {
		want := readAll(t, in, Config{MaxFieldBytes: 64, MaxRecordBytes: 128}, 2)
		r := NewReader(strings.NewReader(in), Config{MaxFieldBytes: 64, MaxRecordBytes: 128})
		r.ExpectFields(2)
		var got []rec
		buf := make([]string, 0, 8)
		for {
			f, line, err := r.ReadJoined(buf)
			if err == io.EOF {
				break
			}
			var re *RecordError
			if errors.As(err, &re) {
				err = re.Err
				f = nil
			} else if err != nil {
				t.Fatalf("ReadJoined: %v", err)
			} else if cap(f) != cap(buf) || (len(f) > 0 && &f[:1][0] != &buf[:1][0]) {
				t.Errorf("%q: ReadJoined did not reuse the slice it was given", in)
			}
			got = append(got, rec{line, append([]string(nil), f...), err})
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\nReadJoined %+v\nRead       %+v", in, got, want)
		}
	}
}

// FuzzReadJoined checks that ReadJoined and AppendRecord read any input as
// Read does: the same records, lines and errors, in order (AppendRecord's
// records accumulating in one buffer).
func FuzzReadJoined(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "\"a\"\"b\",c\n", "a,\"b\nc\"\n", "\ufeffa,b\n", "1,\"x\n2,3\n", "a,b,\n,\n", "x\r\ny\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		cfg := Config{MaxFieldBytes: 1 << 10, MaxRecordBytes: 1 << 12}
		r, j, a := NewReader(strings.NewReader(in), cfg), NewReader(strings.NewReader(in), cfg), NewReader(strings.NewReader(in), cfg)
		r.ExpectFields(2)
		j.ExpectFields(2)
		a.ExpectFields(2)
		var (
			buf    []string
			all    []byte
			ends   []int
			record []string
		)
		for range len(in) + 2 {
			want, wl, werr := r.Read()
			got, gl, gerr := j.ReadJoined(buf)
			buf = got
			if fmt.Sprint(werr) != fmt.Sprint(gerr) || wl != gl || (werr == nil && !slices.Equal(got, want)) {
				t.Fatalf("input %q: Read %q line %d %v, ReadJoined %q line %d %v", in, want, wl, werr, got, gl, gerr)
			}
			before, nf := len(all), len(ends)
			var al int
			var aerr error
			all, ends, al, aerr = a.AppendRecord(all, ends)
			record = record[:0]
			for k, at := nf, before; k < len(ends); k++ {
				record = append(record, string(all[at:ends[k]]))
				at = ends[k]
			}
			if fmt.Sprint(werr) != fmt.Sprint(aerr) || wl != al || (werr == nil && !slices.Equal(record, want)) || (werr != nil && len(all) != before) {
				t.Fatalf("input %q: Read %q line %d %v, AppendRecord %q line %d %v", in, want, wl, werr, record, al, aerr)
			}
			if werr == io.EOF {
				return
			}
		}
	})
}
