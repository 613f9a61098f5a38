package mapping_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/o2ckit/o2c/mapping"
)

// goodFS returns the fixture tables with some files replaced.
func goodFS(t *testing.T, replace map[string]string) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, tb := range mapping.AllTables() {
		name := string(tb) + ".csv"
		data, err := os.ReadFile("testdata/good/" + name)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	for name, content := range replace {
		if content == "" {
			delete(fsys, name)
			continue
		}
		fsys[name] = &fstest.MapFile{Data: []byte(content)}
	}
	return fsys
}

func TestLoad_FixtureTablesLoad(t *testing.T) {
	tables, err := mapping.Load(os.DirFS("testdata/good"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	for tb, want := range map[mapping.Table]int{mapping.Payments: 6, mapping.Promotions: 5, mapping.Tax: 6, mapping.Shipping: 3, mapping.Attributes: 3, mapping.Accounts: 3} {
		if got := tables.Len(tb); got != want {
			t.Errorf("Len(%s) = %d, want %d", tb, got, want)
		}
	}
}

func TestLoad_BadTablesNameFileAndLine(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		content  string
		sentinel error
		wantLoc  string // file:line the error must name
		wantText string
	}{
		{
			name: "missing column", file: "shipping.csv",
			content:  "shipping_method,carrier_service,revenue_account\nUK-STANDARD,RM48,4100\n",
			sentinel: mapping.ErrMissingColumn, wantLoc: "shipping.csv:1", wantText: "shipping_item",
		},
		{
			name: "duplicate key", file: "accounts.csv",
			content:  "name,account\nrounding,7990\nmerchandise_revenue,4000\nrounding,7990\n",
			sentinel: mapping.ErrDuplicateKey, wantLoc: "accounts.csv:4", wantText: "also at accounts.csv:2",
		},
		{
			name: "conflicting key", file: "tax.csv",
			content:  "country,rate_percent,tax_class,tax_code,tax_account\nGB,20,*,S20,2200\nGB,20.0,*,S,2200\n",
			sentinel: mapping.ErrConflictingKey, wantLoc: "tax.csv:3", wantText: "rate_percent=20",
		},
		{
			name: "overlapping date ranges", file: "payments.csv",
			content: "kind,method,processor,payment_method,clearing_account,psp,valid_from,valid_to\n" +
				"credit-card,*,*,CARD,1210,adyen,2025-01-01,2025-12-31\n" +
				"credit-card,*,*,CARD,1215,adyen,2025-12-31,\n",
			sentinel: mapping.ErrOverlappingDates, wantLoc: "payments.csv:3", wantText: "also at payments.csv:2",
		},
		{
			name: "blank code", file: "shipping.csv",
			content:  "shipping_method,carrier_service,shipping_item,revenue_account\nUK-STANDARD,RM48,SHIP-STD,4100\nUK-EXPRESS,,SHIP-EXP,4100\n",
			sentinel: mapping.ErrBlankCode, wantLoc: "shipping.csv:3", wantText: "carrier_service",
		},
		{
			name: "blank key", file: "payments.csv",
			content:  "kind,method,processor,payment_method,clearing_account,psp\ncredit-card,,ADYEN,CARD,1210,adyen\n",
			sentinel: mapping.ErrBlankCode, wantLoc: "payments.csv:2", wantText: "method",
		},
		{
			name: "promotion with neither account nor item", file: "promotions.csv",
			content:  "promotion_id,campaign_id,coupon_id,discount_account,discount_item\nSUMMER10,*,*,,\n",
			sentinel: mapping.ErrBlankCode, wantLoc: "promotions.csv:2", wantText: "discount_account",
		},
		{
			name: "bad date", file: "accounts.csv",
			content:  "name,account,valid_from\nrounding,7990,31/12/2025\n",
			sentinel: mapping.ErrBadValue, wantLoc: "accounts.csv:2", wantText: "valid_from",
		},
		{
			name: "valid_to before valid_from", file: "accounts.csv",
			content:  "name,account,valid_from,valid_to\nrounding,7990,2026-01-01,2025-01-01\n",
			sentinel: mapping.ErrBadValue, wantLoc: "accounts.csv:2", wantText: "valid_to",
		},
		{
			name: "bad overflow behaviour", file: "attributes.csv",
			content:  "scope,attribute_id,target,field,max_length,when_longer\norder,giftMessage,wms,note,40,ellipsis\n",
			sentinel: mapping.ErrBadValue, wantLoc: "attributes.csv:2", wantText: "when_longer",
		},
		{
			name: "quoted multi-line cell keeps line numbers true", file: "accounts.csv",
			content:  "name,account\n\"rounding\",\"7990\"\n\"merchandise\nrevenue\",4000\nrounding,7991\n",
			sentinel: mapping.ErrConflictingKey, wantLoc: "accounts.csv:5", wantText: "also at accounts.csv:2",
		},
		{
			name: "missing column in JSON", file: "accounts.json",
			content:  "[\n  {\"name\": \"rounding\", \"account\": \"7990\"},\n  {\"name\": \"gift_certificate_liability\"}\n]\n",
			sentinel: mapping.ErrMissingColumn, wantLoc: "accounts.json:3", wantText: "account",
		},
		{
			name: "overlap in JSON", file: "accounts.json",
			content:  "[\n{\"name\": \"rounding\", \"account\": \"7990\", \"valid_to\": \"2025-12-31\"},\n{\"name\": \"rounding\", \"account\": \"7991\", \"valid_from\": \"2025-06-01\"}\n]\n",
			sentinel: mapping.ErrOverlappingDates, wantLoc: "accounts.json:3", wantText: "also at accounts.json:2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			replace := map[string]string{tt.file: tt.content}
			if strings.HasSuffix(tt.file, ".json") {
				replace[strings.TrimSuffix(tt.file, ".json")+".csv"] = ""
			}
			_, err := mapping.Load(goodFS(t, replace))
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			if !errors.Is(err, tt.sentinel) {
				t.Errorf("errors.Is(err, %v) = false; err = %v", tt.sentinel, err)
			}
			var te *mapping.TableError
			if !errors.As(err, &te) {
				t.Fatalf("no *TableError in %v", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantLoc+":") {
				t.Errorf("error %q does not name %s", msg, tt.wantLoc)
			}
			if !strings.Contains(msg, tt.wantText) {
				t.Errorf("error %q does not mention %q", msg, tt.wantText)
			}
		})
	}
}

func TestLoad_ReportsEveryProblemNotJustTheFirst(t *testing.T) {
	_, err := mapping.Load(goodFS(t, map[string]string{
		"shipping.csv": "shipping_method,carrier_service,shipping_item,revenue_account\nA,,X,1\nB,C,,1\n",
		"accounts.csv": "name\nrounding\n",
	}))
	for _, want := range []string{"shipping.csv:2:", "shipping.csv:3:", "accounts.csv:1:"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %s", err, want)
		}
	}
}

func TestLoad_MissingOrAmbiguousFileIsAnError(t *testing.T) {
	_, err := mapping.Load(goodFS(t, map[string]string{"tax.csv": ""}))
	if !errors.Is(err, mapping.ErrBadFile) || !strings.Contains(err.Error(), "tax.csv") {
		t.Errorf("missing tax table: err = %v, want ErrBadFile naming tax.csv", err)
	}
	_, err = mapping.Load(goodFS(t, map[string]string{"tax.json": "[]"}))
	if !errors.Is(err, mapping.ErrBadFile) || !strings.Contains(err.Error(), "both") {
		t.Errorf("tax.csv and tax.json: err = %v, want ErrBadFile saying both exist", err)
	}
}

func TestLoad_JSONAndCSVLoadTheSameRows(t *testing.T) {
	tables, err := mapping.Load(goodFS(t, map[string]string{
		"shipping.csv":  "",
		"shipping.json": `[{"shipping_method":"UK-STANDARD","carrier_service":"RM48","shipping_item":"SHIP-STD","revenue_account":"4100"}]`,
	}))
	if err != nil {
		t.Fatal(err)
	}
	row, err := tables.Shipping("UK-STANDARD", day("2026-03-01"))
	if err != nil || row.CarrierService != "RM48" || row.Source.String() != "shipping.json:1" {
		t.Errorf("Shipping = %+v, %v", row, err)
	}
}
