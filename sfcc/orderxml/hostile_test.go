package orderxml

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// endless is a reader that never ends: the repeated unit, forever.
type endless struct {
	unit []byte
	off  int
	read int64
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.unit[e.off]
		e.off = (e.off + 1) % len(e.unit)
	}
	e.read += int64(len(p))
	return len(p), nil
}

const head = `<?xml version="1.0"?><orders xmlns="` + Namespace + `">`

// firstErr decodes until the first error and returns the orders before it.
func firstErr(r io.Reader, opts ...Option) ([]string, error) {
	var nos []string
	d := NewDecoder(r, opts...)
	for {
		o, err := d.Next(context.Background())
		if err != nil {
			return nos, err
		}
		nos = append(nos, o.OrderNo)
	}
}

func TestDecoder_HostileInputFailsFastWithBoundedReads(t *testing.T) {
	order := `<order order-no="ok-1"><currency>EUR</currency></order>`
	tests := []struct {
		name  string
		input func() (io.Reader, *endless)
		opts  []Option
		limit Limit // "" for sentinel errors
		want  error
		// maxRead bounds how much of an endless input may be consumed.
		maxRead int64
	}{
		{"deep nesting", func() (io.Reader, *endless) {
			e := &endless{unit: []byte(`<x:a xmlns:x="urn:deep">`)}
			return io.MultiReader(strings.NewReader(head+order+`<order order-no="deep">`), e), e
		}, nil, LimitDepth, ErrLimit, 1 << 20},
		{"deep nesting of our own elements", func() (io.Reader, *endless) {
			e := &endless{unit: []byte(`<bundled-product-lineitems><bundled-product-lineitem>`)}
			return io.MultiReader(strings.NewReader(head+order+`<order order-no="deep"><product-lineitems><product-lineitem>`), e), e
		}, []Option{MaxDepth(32)}, LimitDepth, ErrLimit, 1 << 20},
		{"huge text node", func() (io.Reader, *endless) {
			e := &endless{unit: []byte("aaaaaaaaaaaaaaaa")}
			return io.MultiReader(strings.NewReader(head+order+`<order order-no="big"><customer-locale>`), e), e
		}, []Option{MaxTokenBytes(64 << 10)}, LimitTokenBytes, ErrLimit, 256 << 10},
		{"huge attribute", func() (io.Reader, *endless) {
			e := &endless{unit: []byte("bbbbbbbbbbbbbbbb")}
			return io.MultiReader(strings.NewReader(head+order+`<order order-no="`), e), e
		}, []Option{MaxTokenBytes(64 << 10)}, LimitTokenBytes, ErrLimit, 256 << 10},
		{"huge order of small lines", func() (io.Reader, *endless) {
			e := &endless{unit: []byte(`<product-lineitem><product-id>P</product-id></product-lineitem>`)}
			return io.MultiReader(strings.NewReader(head+order+`<order order-no="huge"><product-lineitems>`), e), e
		}, []Option{MaxOrderBytes(1 << 20)}, LimitOrderBytes, ErrLimit, 2 << 20},
		{"order of tiny elements, default caps", func() (io.Reader, *endless) {
			e := &endless{unit: []byte(`<product-lineitem/>`)}
			return io.MultiReader(strings.NewReader(head+order+`<order order-no="tiny"><product-lineitems>`), e), e
		}, nil, LimitOrderElements, ErrLimit, 4 << 20},
		{"endless comment", func() (io.Reader, *endless) {
			e := &endless{unit: []byte("c ")}
			return io.MultiReader(strings.NewReader(head+order+`<!-- `), e), e
		}, []Option{MaxTokenBytes(64 << 10)}, LimitTokenBytes, ErrLimit, 256 << 10},
		{"entity expansion DTD", func() (io.Reader, *endless) {
			return strings.NewReader(`<?xml version="1.0"?>
<!DOCTYPE orders [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<orders xmlns="` + Namespace + `"><order order-no="1"><currency>&d;</currency></order></orders>`), nil
		}, nil, "", ErrDTD, 0},
		{"endless DTD", func() (io.Reader, *endless) {
			e := &endless{unit: []byte(`<!ENTITY x "y">`)}
			return io.MultiReader(strings.NewReader(`<?xml version="1.0"?><!DOCTYPE orders [`), e), e
		}, []Option{MaxTokenBytes(64 << 10)}, LimitTokenBytes, ErrLimit, 256 << 10},
		{"undeclared entity", func() (io.Reader, *endless) {
			return strings.NewReader(head + order + `<order order-no="2"><currency>&bomb;</currency></order></orders>`), nil
		}, nil, "", ErrMalformed, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, e := tt.input()
			nos, err := firstErr(r, tt.opts...)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var de *DecodeError
			if !errors.As(err, &de) || de.Line == 0 {
				t.Errorf("error is not located: %v", err)
			}
			if tt.limit != "" {
				var le *LimitError
				if !errors.As(err, &le) || le.Limit != tt.limit {
					t.Errorf("err = %v, want the %s limit", err, tt.limit)
				}
			}
			if e != nil && e.read > tt.maxRead {
				t.Errorf("read %d bytes of endless input before failing, want at most %d", e.read, tt.maxRead)
			}
			if tt.name != "entity expansion DTD" && tt.name != "endless DTD" && (len(nos) != 1 || nos[0] != "ok-1") {
				t.Errorf("orders before the hostile part: %v, want [ok-1]", nos)
			}
		})
	}
}

func TestDecoder_TruncatedFileYieldsCompleteOrdersThenError(t *testing.T) {
	full := readFixture(t, "orders.xml")
	second := bytes.Index(full, []byte(`<order order-no="00001002">`))
	third := bytes.Index(full, []byte(`<order order-no="00001003">`))
	endOfSecond := bytes.LastIndex(full[:third], []byte(`</order>`)) + len(`</order>`)
	tests := []struct {
		cut     int
		decoded int
		orderNo string // the order the error names
	}{
		{second + 40, 1, "00001002"},
		{second + 1000, 1, "00001002"},
		{endOfSecond - 1, 1, "00001002"},
		{endOfSecond, 2, ""},
		{third + 10, 2, ""}, // inside the start tag: the order number is not read yet
		{len(full) - 12, 2, "00001003"},
		{len(full) - 5, 3, ""},
	}
	for _, tt := range tests {
		nos, err := firstErr(bytes.NewReader(full[:tt.cut]))
		var de *DecodeError
		if !errors.As(err, &de) || !errors.Is(err, ErrTruncated) {
			t.Fatalf("cut at %d: err = %v, want ErrTruncated", tt.cut, err)
		}
		if len(nos) != tt.decoded || de.OrderNo != tt.orderNo {
			t.Errorf("cut at %d: decoded %v, error names %q; want %d orders and %q", tt.cut, nos, de.OrderNo, tt.decoded, tt.orderNo)
		}
	}
	if _, err := firstErr(strings.NewReader("")); !errors.Is(err, ErrTruncated) {
		t.Errorf("empty input: err = %v, want ErrTruncated", err)
	}
}

// badDecimalBatch is the fixture with an invalid amount in the second order.
func badDecimalBatch(t *testing.T) []byte {
	doc := string(readFixture(t, "orders.xml"))
	bad := strings.Replace(doc, "<net-price>10.00</net-price>", "<net-price>10,00</net-price>", 1)
	if bad == doc {
		t.Fatal("fixture changed: no amount to break")
	}
	return []byte(bad)
}

func TestDecoder_BadDecimalMidBatch(t *testing.T) {
	data := badDecimalBatch(t)
	line := 1 + bytes.Count(data[:bytes.Index(data, []byte("10,00"))], []byte("\n"))
	check := func(t *testing.T, err error) {
		t.Helper()
		var de *DecodeError
		if !errors.As(err, &de) || !errors.Is(err, ErrInvalidValue) {
			t.Fatalf("err = %v, want a DecodeError with ErrInvalidValue", err)
		}
		if de.OrderNo != "00001002" || de.Line != line || de.Column != 17 || de.Value != "10,00" ||
			de.Path != "order/shipping-lineitems/shipping-lineitem/net-price" {
			t.Errorf("error = %+v, want order 00001002 at line %d column 17, net-price, value 10,00", de, line)
		}
		for _, s := range []string{"00001002", "line", "net-price"} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("message %q does not mention %q", err, s)
			}
		}
	}
	t.Run("skip on: the invalid order is reported and the rest decode", func(t *testing.T) {
		var nos []string
		var errs []error
		for o, err := range NewDecoder(bytes.NewReader(data), SkipInvalid()).All(context.Background()) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			nos = append(nos, o.OrderNo)
		}
		if len(errs) != 1 || strings.Join(nos, ",") != "00001001,00001003" {
			t.Fatalf("orders %v, errors %v; want 00001001,00001003 and one error", nos, errs)
		}
		check(t, errs[0])
	})
	t.Run("skip off: the stream ends at the invalid order", func(t *testing.T) {
		d := NewDecoder(bytes.NewReader(data))
		ctx := context.Background()
		if o, err := d.Next(ctx); err != nil || o.OrderNo != "00001001" {
			t.Fatalf("first: %v %v", o.OrderNo, err)
		}
		_, err := d.Next(ctx)
		check(t, err)
		if _, again := d.Next(ctx); again != err {
			t.Errorf("after the error: %v, want the same error again", again)
		}
	})
}

func TestDecoder_UnknownElementsSkippedOrRefused(t *testing.T) {
	doc := head + `<order order-no="1"><currency>EUR</currency><loyalty-tier>gold</loyalty-tier></order></orders>`
	if got := decodeAll(t, []byte(doc)); len(got) != 1 || got[0].Currency != "EUR" {
		t.Fatalf("got %+v", got)
	}
	_, err := firstErr(strings.NewReader(doc), DisallowUnknownElements())
	var de *DecodeError
	if !errors.As(err, &de) || !errors.Is(err, ErrUnknownElement) || de.Path != "order/loyalty-tier" || de.OrderNo != "1" {
		t.Fatalf("err = %v, want ErrUnknownElement at order/loyalty-tier", err)
	}
}

func TestDecoder_MalformedXMLIsLocated(t *testing.T) {
	doc := head + "\n<order order-no=\"9\">\n<currency>EUR</curency>\n</order></orders>"
	_, err := firstErr(strings.NewReader(doc))
	var de *DecodeError
	if !errors.As(err, &de) || !errors.Is(err, ErrMalformed) || de.OrderNo != "9" || de.Line != 3 {
		t.Fatalf("err = %v, want ErrMalformed in order 9 on line 3", err)
	}
}
