package orderxml

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/sfcc"
)

// decodeResult is everything a caller sees of one Next call.
type decodeResult struct {
	Order sfcc.Order
	Err   string
}

// collect calls Next until the stream ends, as a caller would: past
// invalid orders under SkipInvalid, and once more after the end to check
// that the end is sticky.
func collect(t testing.TB, d *Decoder) []decodeResult {
	t.Helper()
	var out []decodeResult
	for i := 0; ; i++ {
		if i > 100000 {
			t.Fatal("decoder does not advance")
		}
		o, err := d.Next(context.Background())
		r := decodeResult{Order: o}
		if err != nil {
			r.Err = err.Error()
		}
		out = append(out, r)
		if err == io.EOF || (err != nil && !(d.p.cfg.skipInvalid && IsSkippable(err))) {
			_, again := d.Next(context.Background())
			out = append(out, decodeResult{Err: fmt.Sprint(again)})
			return out
		}
	}
}

// optionSets are the configurations every differential input runs under:
// the defaults, SkipInvalid with strict elements, and caps small enough
// that the inputs reach them.
var optionSets = []struct {
	name string
	opts []Option
}{
	{"defaults", nil},
	{"skip-invalid", []Option{SkipInvalid(), DisallowUnknownElements()}},
	{"small-caps", []Option{SkipInvalid(), MaxTokenBytes(96), MaxOrderBytes(1500), MaxOrderElements(40), MaxDepth(7)}},
}

// diffDecoders decodes data with the fast decoder and the encoding/xml
// reference under every option set, also through a reader that returns
// one byte at a time, and fails on any difference in orders or errors.
func diffDecoders(t *testing.T, data []byte) {
	t.Helper()
	diffDecodersWith(t, data, optionSets, true)
}

func diffDecodersWith(t *testing.T, data []byte, sets []struct {
	name string
	opts []Option
}, oneByte bool) {
	t.Helper()
	for _, os := range sets {
		want := collect(t, newReferenceDecoder(bytes.NewReader(data), os.opts...))
		got := collect(t, NewDecoder(bytes.NewReader(data), os.opts...))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%s: fast decoder differs from the reference (-reference +fast):\n%s\ninput: %q", os.name, diff, clip(data))
		}
		if !oneByte {
			continue
		}
		got = collect(t, NewDecoder(iotest.OneByteReader(bytes.NewReader(data)), os.opts...))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%s, one byte per read: fast decoder differs from the reference (-reference +fast):\n%s\ninput: %q", os.name, diff, clip(data))
		}
	}
}

func clip(b []byte) []byte {
	if len(b) > 2000 {
		return b[:2000]
	}
	return b
}

// readFuzzCorpus returns the []byte values of the fuzz corpus files of
// target.
func readFuzzCorpus(t testing.TB, target string) [][]byte {
	files, _ := filepath.Glob(filepath.Join("testdata", "fuzz", target, "*"))
	var out [][]byte
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.Lines(string(b)) {
			line = strings.TrimSpace(line)
			if v, ok := strings.CutPrefix(line, "[]byte("); ok {
				s, err := strconv.Unquote(strings.TrimSuffix(v, ")"))
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				out = append(out, []byte(s))
			}
		}
	}
	return out
}

func TestFastDecoder_EqualsReferenceOnFixturesAndCorpus(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.xml")
	inputs := map[string][]byte{}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		inputs[name] = b
	}
	for _, target := range []string{"FuzzDecode", "FuzzDecodeDifferential"} {
		for i, b := range readFuzzCorpus(t, target) {
			inputs[fmt.Sprintf("%s/%d", target, i)] = b
		}
	}
	if len(inputs) < 5 {
		t.Fatalf("only %d inputs found", len(inputs))
	}
	for name, b := range inputs {
		t.Run(name, func(t *testing.T) { diffDecoders(t, b) })
	}
}

// hostileVariants derives, from a valid export, inputs of every kind the
// fast lexer must hand to the reference: cuts, caps, bad characters,
// references, DTDs, and the layouts it decodes itself (CRLF, prefixes,
// comments, CDATA, empty elements).
func hostileVariants(export string) map[string]string {
	v := map[string]string{"as is": export}
	for _, cut := range []int{1, 40, 150, 151, 400, len(export) / 3, len(export) / 2, len(export) - 11, len(export) - 1} {
		if cut < len(export) {
			v[fmt.Sprintf("truncated at %d", cut)] = export[:cut]
		}
	}
	rep := func(name, old, new string, n int) { v[name] = strings.Replace(export, old, new, n) }
	rep("crlf", "\n", "\r\n", -1)
	rep("lone cr", "\n", "\r", -1)
	rep("prefixed", `<orders xmlns="`+Namespace+`">`, `<o:orders xmlns:o="`+Namespace+`" xmlns="urn:other">`, 1)
	v["prefixed"] = strings.NewReplacer("</orders>", "</o:orders>", "<order ", "<o:order ", "</order>", "</o:order>", "<currency>", "<o:currency>", "</currency>", "</o:currency>").Replace(v["prefixed"])
	v["prefixed default"] = strings.NewReplacer("<", "<o:", "<o:/", "</o:", "<o:?", "<?", "<o:!", "<!", `xmlns=`, `xmlns:o=`).Replace(export)
	rep("entities", "Market Street", "Market &amp; &#x26;&#38; &lt;St&gt; &apos;&quot; &#233;", -1)
	rep("bad entity", "Market Street", "Market &nbsp;", 1)
	rep("entity without semicolon", "Market Street", "Market &amp Street", 1)
	rep("surrogate reference", "Market Street", "Market &#xD800;", 1)
	rep("nul reference", "Market Street", "Market &#0;", 1)
	rep("control character", "Market Street", "Market \x01Street", 1)
	rep("invalid utf-8", "Market Street", "Market \xff Street", 1)
	rep("cdata", "<currency>GBP</currency>", "<currency><![CDATA[G]]>BP</currency>", -1)
	rep("cdata with markup", "Market Street", "<![CDATA[<b>&amp;\r\n]]>", -1)
	rep("comments", "<currency>GBP</currency>", "<currency>G<!-- x -->BP</currency><!---->", -1)
	rep("bad comment", "<currency>GBP</currency>", "<currency>GBP</currency><!-- a -- b -->", 1)
	rep("processing instruction", "<currency>GBP</currency>", "<currency>GBP<?pi x?></currency>", 1)
	rep("dtd inside", "<currency>GBP</currency>", `<!DOCTYPE x><currency>GBP</currency>`, 1)
	rep("mismatched end", "</currency>", "</currencyx>", 1)
	rep("unbound prefix", "<currency>", "<x:currency>", 1)
	rep("unescaped gt", "Market Street", "Market ]]> Street", 1)
	rep("lt in attribute", `order-no="`, `order-no="<`, 1)
	rep("single-quoted attribute", `order-no="10000001"`, `order-no='10000001'  `, 1)
	rep("attributes without space", `<quantity unit="Each">`, `<quantity unit="Each"x="1">`, -1)
	rep("unquoted attribute", `order-no="10000001"`, `order-no=10000001`, 1)
	rep("empty elements", "<gift-message></gift-message>", "<gift-message/>", -1)
	rep("space in end tag", "</currency>", "</currency \n>", -1)
	rep("bad decimal", "<net-price>", "<net-price>x", 1)
	rep("unknown element", "<currency>", "<surprise>1</surprise><currency>", 1)
	rep("foreign element", "<currency>", `<x:y xmlns:x="urn:x"><a/>t</x:y><currency>`, -1)
	rep("element in text", "<currency>GBP", "<currency>G<b/>BP", 1)
	rep("non-ascii name", "<currency>", "<cürrency/><currency>", 1)
	rep("two colons", "<currency>", "<a:b:c/><currency>", 1)
	rep("namespace redefined", "<currency>", `<currency xmlns="urn:other">`, 1)
	rep("missing order-no", `order-no="10000002"`, `ordr-no="10000002"`, 1)
	rep("lower-case codes", "<country-code>GB</country-code>", "<country-code>gb</country-code>", -1)
	rep("text between orders", "</order>", "</order>text", 1)
	rep("comment between orders", "</order>", "</order><!-- between -->", -1)
	rep("epilogue element", "</orders>", "</orders><x/>", 1)
	rep("epilogue comment", "</orders>", "</orders>\n<!-- done -->\n", 1)
	rep("self-closing order", `<order order-no="10000001">`, `<order order-no="9"/><order order-no="10000001">`, 1)
	rep("empty root", export, "<?xml version=\"1.0\"?>\n<orders xmlns=\""+Namespace+"\"/>", 1)
	rep("bom", "<?xml", "\xEF\xBB\xBF<?xml", 1)
	rep("deep", "<currency>", strings.Repeat("<a>", 10)+strings.Repeat("</a>", 10)+"<currency>", 1)
	rep("long text", "Market Street", strings.Repeat("M", 200), 1)
	rep("many elements", "<currency>", strings.Repeat("<x/>", 60)+"<currency>", 1)
	return v
}

func TestFastDecoder_EqualsReferenceOnGeneratedAndHostileExports(t *testing.T) {
	var buf bytes.Buffer
	if _, err := generateExport(&buf, 6<<10); err != nil {
		t.Fatal(err)
	}
	for name, in := range hostileVariants(buf.String()) {
		t.Run(name, func(t *testing.T) { diffDecoders(t, []byte(in)) })
	}
}

// TestFastDecoder_EqualsReferenceOnRandomMutations flips, cuts and inserts
// bytes of a generated export at random (with a fixed seed): every result,
// valid or not, must be the reference's.
func TestFastDecoder_EqualsReferenceOnRandomMutations(t *testing.T) {
	var buf bytes.Buffer
	if _, err := generateExport(&buf, 3<<10); err != nil {
		t.Fatal(err)
	}
	export := buf.Bytes()
	rng := rand.New(rand.NewPCG(16, 12))
	pieces := []string{"<", ">", "&", ";", "/", "\"", "'", "\r", "]]>", "<!--", "-->", "&amp;", "&#x", "<![CDATA[", ":", "=", " ", "\x00", "\xc3"}
	n := 300
	if testing.Short() {
		n = 50
	}
	for i := range n {
		b := bytes.Clone(export)
		for range 1 + rng.IntN(3) {
			at := rng.IntN(len(b))
			switch rng.IntN(3) {
			case 0:
				b[at] = byte(rng.IntN(256))
			case 1:
				b = append(b[:at:at], append([]byte(pieces[rng.IntN(len(pieces))]), b[at:]...)...)
			default:
				b = append(b[:at:at], b[min(len(b), at+1+rng.IntN(20)):]...)
			}
		}
		t.Run(strconv.Itoa(i), func(t *testing.T) { diffDecoders(t, b) })
	}
}

// FuzzDecodeDifferential runs the fast decoder and the encoding/xml
// reference on the same bytes: orders and errors (text, order, line,
// column, path) must be equal.
func FuzzDecodeDifferential(f *testing.F) {
	addFixtureSeeds(f)
	for _, b := range readFuzzCorpus(f, "FuzzDecode") {
		f.Add(b)
	}
	var buf bytes.Buffer
	if _, err := generateExport(&buf, 2<<10); err != nil {
		f.Fatal(err)
	}
	for _, in := range hostileVariants(buf.String()) {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Large inputs only slow the search down: what the lexers can
		// disagree on fits in a few kilobytes, and the whole fixtures
		// are compared by the tests above.
		if len(data) > 4<<10 {
			return
		}
		// The default caps, and small caps with SkipInvalid (the
		// tests above also read every input one byte at a time).
		diffDecodersWith(t, data, optionSets[:1], false)
		diffDecodersWith(t, data, optionSets[2:], false)
	})
}

// TestFastDecoder_ReadsCleanExportsWithoutTheReference pins that the speed
// is real: a clean export, with CRLF line ends, entities, CDATA, comments
// and a prefixed namespace, is read to the end by the fast lexer, and a
// bad order hands over to the reference only from that order on.
func TestFastDecoder_ReadsCleanExportsWithoutTheReference(t *testing.T) {
	var buf bytes.Buffer
	if _, err := generateExport(&buf, 20<<10); err != nil {
		t.Fatal(err)
	}
	v := hostileVariants(buf.String())
	for _, name := range []string{"as is", "crlf", "lone cr", "prefixed", "entities", "cdata", "comments", "empty elements", "space in end tag", "single-quoted attribute"} {
		d := NewDecoder(strings.NewReader(v[name]))
		res := collect(t, d)
		if last := res[len(res)-2]; last.Err != io.EOF.Error() {
			t.Fatalf("%s: ended with %q", name, last.Err)
		}
		if d.fast == nil {
			t.Errorf("%s: the fast lexer handed over to the reference", name)
		}
	}
	d := NewDecoder(strings.NewReader(v["bad decimal"]), SkipInvalid())
	res := collect(t, d)
	if d.fast != nil {
		t.Error("an invalid order did not hand over to the reference")
	}
	if !strings.Contains(res[0].Err, `order "10000000": line `) || !strings.Contains(res[0].Err, "net-price: invalid value") || res[1].Err != "" {
		t.Errorf("invalid order: got %q and %d results, want it located and the rest decoded", res[0].Err, len(res))
	}
}
