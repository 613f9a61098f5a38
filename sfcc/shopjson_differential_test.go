package sfcc

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govalues/decimal"
)

// shopDifferentialCases are documents that probe where a hand-written
// reader most easily parts from encoding/json.
var shopDifferentialCases = []string{
	`{"order_no":"1"}`,
	`null`,
	`[]`,
	`"1"`,
	`{"order_no":"1"} x`,
	`{"order_no":"1",}`,
	`{"ORDER_NO":"1","Currency":"usd","ſite_id":"S","taxatıon":"gross"}`,
	`{"order_no":"1","order_total":"12.50","tax_total":"x"}`,
	`{"order_no":"1","order_total":"12.50","tax_total":"1e2"}`,
	`{"order_no":"1","order_total":null,"product_items":null,"billing_address":null}`,
	`{"order_no":"1","product_items":[{"item_id":"a","c_x":1},{"item_id":"b"}],"product_items":[{"price":2}]}`,
	`{"order_no":"1","product_items":[{"item_id":"a"},{"item_id":"b"}],"product_items":[{"c_y":"1"}],"product_items":[null,{"quantity":3}]}`,
	`{"order_no":"1","billing_address":{"city":"A","c_v":true},"billing_address":{"country_code":"us"}}`,
	`{"order_no":"1","product_items":[null,{"position":1.5}]}`,
	`{"order_no":"1","product_items":[{"position":9223372036854775808}]}`,
	`{"order_no":"1","product_items":[5]}`,
	`{"order_no":"1","product_items":{}}`,
	`{"order_no":"1","c_":"x","c_a":null,"c_b":[1,"two",{"x":[ 1 ]},null],"c_c":{"k" : "v"},"c_d":-0.50e+3}`,
	`{"order_no":"1","c_a":[1,}`,
	`{"order_no":"caf\u00e9\"\\/\b\f\n\r\t","customer_name":"\ud83d\ude00\ud800"}`,
	"{\"order_no\":\"1\",\"customer_name\":\"\xff\xfe ok\"}",
	"{\"order_no\":\"1\",\"customer_name\":\"tab\there\"}",
	`{"order_no":"1","customer_name":"\x"}`,
	`{"order_no":"1","payment_instruments":[{"payment_card":{"expiration_month":"1"}}]}`,
	`{"order_no":"1","payment_instruments":[{"payment_card":{"expiration_month":-0}}]}`,
	`{"order_no":"1","shipments":[{"shipment_id":"s","shipping_address":{"c_a":"1"},"gift":"true"}]}`,
	`{"order_no":"1","product_items":[{"gift":1}]}`,
	`{"order_no":"1","product_items":[{"price":01}]}`,
	`{"order_no":"1","product_items":[{"price":1.}]}`,
	`{"order_no":"1","product_items":[{"price":-}]}`,
	`{"order_no":"1","product_items":[{"price":true}]}`,
	`{"order_no":"1","_v":"25.6","_type":"order","_resource_state":"x","unknown":{"a":[1,2,{"b":null}]}}`,
	` {"order_no" : "1" , "product_items" : [ { "item_id" : "a" } ] } `,
	`{"order_no":"1"`,
	`{"order_no":1}`,
	`{"order_no":"1","customer_info":{"guest":true,"c_x":"y"},"customer_info":{"email":"a@b"}}`,
	`{"order_no":"1","order_price_adjustments":[{"applied_discount":{"type":"percentage","percentage":"10"}}]}`,
}

// shopCorpus is every document the differential check runs on: the
// testdata, the cases above and the fuzz corpora (checked in and cached).
func shopCorpus(t testing.TB) map[string][]byte {
	docs := map[string][]byte{}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		docs[name] = b
	}
	for i, c := range shopDifferentialCases {
		docs["case "+strconv.Itoa(i)] = []byte(c)
	}
	dirs := []string{filepath.Join("testdata", "fuzz", "FuzzUnmarshalShopOrder"), filepath.Join("testdata", "fuzz", "FuzzShopOrderMatchesLegacy")}
	if cache := os.Getenv("GOCACHE"); cache != "" {
		dirs = append(dirs, filepath.Join(cache, "fuzz", "github.com", "o2ckit", "o2c", "sfcc", "FuzzUnmarshalShopOrder"),
			filepath.Join(cache, "fuzz", "github.com", "o2ckit", "o2c", "sfcc", "FuzzShopOrderMatchesLegacy"))
	}
	for _, dir := range dirs {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			name := filepath.Join(dir, e.Name())
			if b, ok := readFuzzCorpusFile(name); ok {
				docs[name] = b
			}
		}
	}
	return docs
}

// readFuzzCorpusFile reads a one-value []byte corpus file of go test -fuzz.
func readFuzzCorpusFile(name string) ([]byte, bool) {
	f, err := os.Open(name)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		line := sc.Text()
		lit, ok := strings.CutPrefix(line, "[]byte(")
		if !ok {
			continue
		}
		s, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
		if err != nil {
			return nil, false
		}
		return []byte(s), true
	}
	return nil, false
}

var shopDecimalText = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.String() == b.String() })

// checkShopMatchesLegacy requires the one-pass reader and the legacy decoder
// to agree: the same Order, or both an error naming the same order and field.
func checkShopMatchesLegacy(t *testing.T, data []byte) {
	t.Helper()
	got, gotErr := UnmarshalShopOrder(data)
	want, wantErr := legacyUnmarshalShopOrder(data)
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("one-pass err = %v, legacy err = %v\ninput: %q", gotErr, wantErr, data)
	}
	if gotErr != nil {
		var g, w *ShopJSONError
		if !errors.As(gotErr, &g) || !errors.As(wantErr, &w) {
			t.Fatalf("errors are not *ShopJSONError: %v / %v", gotErr, wantErr)
		}
		if g.OrderNo != w.OrderNo || g.Field != w.Field {
			t.Fatalf("one-pass error names (%q, %q), legacy (%q, %q)\n%v\n%v\ninput: %q", g.OrderNo, g.Field, w.OrderNo, w.Field, gotErr, wantErr, data)
		}
		return
	}
	if diff := cmp.Diff(want, got, shopDecimalText); diff != "" {
		t.Fatalf("one-pass reader differs from the legacy decoder (-legacy +one-pass):\n%s\ninput: %q", diff, data)
	}
}

func TestUnmarshalShopOrder_MatchesLegacyDecoder(t *testing.T) {
	docs := shopCorpus(t)
	if len(docs) < len(shopDifferentialCases)+1 {
		t.Fatalf("corpus has %d documents; the testdata is missing", len(docs))
	}
	for name, data := range docs {
		t.Run(filepath.Base(name), func(t *testing.T) { checkShopMatchesLegacy(t, data) })
	}
}

func FuzzShopOrderMatchesLegacy(f *testing.F) {
	for _, data := range shopCorpus(f) {
		f.Add(data)
	}
	f.Fuzz(checkShopMatchesLegacy)
}

// BenchmarkUnmarshalShopOrder_OnePass decodes the same order with the
// one-pass reader and with the legacy decoder in the same run, alternating
// order by order so that load from elsewhere weighs on both alike, and
// reports per order: ns/order and allocs/order (one-pass),
// legacy-ns/order and legacy-allocs/order, and speedup = legacy time /
// one-pass time.
func BenchmarkUnmarshalShopOrder_OnePass(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "shop-order-net.json"))
	if err != nil {
		b.Fatal(err)
	}
	decode := func(f func([]byte) (Order, error)) func() {
		return func() {
			if _, err := f(data); err != nil {
				b.Fatal(err)
			}
		}
	}
	onePass, legacy := decode(UnmarshalShopOrder), decode(legacyUnmarshalShopOrder)
	var onePassTime, legacyTime time.Duration
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		onePass()
		t1 := time.Now()
		legacy()
		legacyTime += time.Since(t1)
		onePassTime += t1.Sub(t0)
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64(onePassTime.Nanoseconds())/n, "ns/order")
	b.ReportMetric(float64(legacyTime.Nanoseconds())/n, "legacy-ns/order")
	b.ReportMetric(float64(legacyTime)/float64(onePassTime), "speedup")
	b.ReportMetric(testing.AllocsPerRun(50, onePass), "allocs/order")
	b.ReportMetric(testing.AllocsPerRun(50, legacy), "legacy-allocs/order")
}
