package mapping

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/internal/csvin"
)

// Format is a table file's format.
type Format string

// Formats Read accepts.
const (
	CSV  Format = "csv"
	JSON Format = "json"
)

// Input is one table file to read: which table it holds, its name (used in
// errors as File), its format and its content.
type Input struct {
	Table  Table
	Name   string
	Format Format
	R      io.Reader
	// Limits caps CSV field and record size; zero takes the defaults.
	Limits CSVLimits
}

// Caps on one CSV cell and one record of a table file; over them a row is
// an error naming file and line, and the other rows still load.
const (
	// DefaultMaxFieldBytes caps one cell of a CSV table.
	DefaultMaxFieldBytes = csvin.DefaultMaxFieldBytes
	// DefaultMaxRecordBytes caps one record of a CSV table.
	DefaultMaxRecordBytes = csvin.DefaultMaxRecordBytes
)

// CSVLimits caps field and record size when reading a CSV table; zero
// fields take the Default* caps.
type CSVLimits struct {
	MaxFieldBytes  int
	MaxRecordBytes int
}

// Load reads every table from fsys: for each table T one file T.csv or
// T.json at the root (say os.DirFS(dir)). A table with no file, or with both,
// is an error; an empty table is a file with only its header (CSV) or [] (JSON).
// It returns every problem found, joined, each a *TableError naming file and line.
func Load(fsys fs.FS) (*Tables, error) {
	var inputs []Input
	var errs []error
	for _, tb := range AllTables() {
		var found []Input
		for _, f := range []Format{CSV, JSON} {
			name := string(tb) + "." + string(f)
			data, err := fs.ReadFile(fsys, name)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				errs = append(errs, &TableError{File: name, Table: string(tb), Err: ErrBadFile, Reason: err.Error()})
				continue
			}
			found = append(found, Input{Table: tb, Name: name, Format: f, R: strings.NewReader(string(data))})
		}
		switch len(found) {
		case 0:
			errs = append(errs, &TableError{File: string(tb) + ".csv", Table: string(tb), Err: ErrBadFile, Reason: "no " + string(tb) + ".csv or " + string(tb) + ".json"})
		case 1:
			inputs = append(inputs, found[0])
		default:
			errs = append(errs, &TableError{File: string(tb) + ".csv", Table: string(tb), Err: ErrBadFile, Reason: "both " + string(tb) + ".csv and " + string(tb) + ".json exist; keep one"})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return Read(inputs...)
}

// Read builds Tables from inputs. Several inputs may feed the same table
// (their rows are checked against each other); a table with no input is
// empty. It returns every problem found, joined.
func Read(inputs ...Input) (*Tables, error) {
	t := &Tables{
		// Payment kinds and card types / method names are matched
		// whatever their case: SFCC spells a card type "Visa" where a PSP
		// or a table author writes "VISA". Processor ids are SFCC ids and
		// case-sensitive.
		payments: newIndex[PaymentRow](Payments, []string{"kind", "method", "processor"}, []bool{true, true, true}).
			foldCase("kind", "method"),
		promotions: newIndex[PromotionRow](Promotions, []string{"promotion_id", "coupon_id", "campaign_id"}, []bool{true, true, true}),
		// ISO country codes carry no case: "gb" in a table or an export
		// is GB.
		tax: newIndex[TaxRow](Tax, []string{"country", "rate_percent", "tax_class"}, []bool{true, true, true}).
			foldCase("country"),
		shipping:   newIndex[ShippingRow](Shipping, []string{"shipping_method"}, []bool{true}),
		attributes: newIndex[AttributeRow](Attributes, []string{"scope", "attribute_id"}, []bool{false, false}),
		accounts:   newIndex[AccountRow](Accounts, []string{"name"}, []bool{false}),
	}
	var errs []error
	for _, in := range inputs {
		var err error
		switch in.Table {
		case Payments:
			err = readInto(&t.payments, in, []string{"payment_method", "clearing_account", "psp"}, parsePayment)
		case Promotions:
			err = readInto(&t.promotions, in, []string{"discount_account", "discount_item"}, parsePromotion)
		case Tax:
			err = readInto(&t.tax, in, []string{"tax_code", "tax_account"}, parseTax)
		case Shipping:
			err = readInto(&t.shipping, in, []string{"carrier_service", "shipping_item", "revenue_account"}, parseShipping)
		case Attributes:
			err = readInto(&t.attributes, in, []string{"target", "field", "max_length", "when_longer"}, parseAttribute)
		case Accounts:
			err = readInto(&t.accounts, in, []string{"account"}, parseAccount)
		default:
			err = &TableError{File: in.Name, Table: string(in.Table), Err: ErrBadFile, Reason: "unknown table"}
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return t, nil
}

func newIndex[R any](table Table, cols []string, wild []bool) index[R] {
	return index[R]{table: table, cols: cols, wild: wild, fold: make([]bool, len(cols)), byKey: map[[3]string][]int{}}
}

// foldCase makes the named key columns match whatever their case.
func (x index[R]) foldCase(cols ...string) index[R] {
	for _, name := range cols {
		for i, c := range x.cols {
			if c == name {
				x.fold[i] = true
			}
		}
	}
	return x
}

// folded returns key with its case-insensitive columns upper-cased: the
// form rows are stored and looked up by.
func (x *index[R]) folded(key [3]string) [3]string {
	for i, f := range x.fold {
		if f {
			key[i] = strings.ToUpper(key[i])
		}
	}
	return key
}

// cells reads one record's cells and collects its problems.
type cells struct {
	table  Table
	file   string
	line   int
	values map[string]string
	errs   []error
}

func (c *cells) fail(col string, sentinel error, reason string) {
	c.errs = append(c.errs, &TableError{File: c.file, Line: c.line, Table: string(c.table), Column: col, Err: sentinel, Reason: reason})
}

// code is a cell that must not be blank.
func (c *cells) code(col string) string {
	v := c.values[col]
	if v == "" {
		c.fail(col, ErrBlankCode, "")
	}
	return v
}

// key is a key cell: never blank, "*" only where the column allows it.
func (c *cells) key(col string, wild bool) string {
	v := c.code(col)
	if v == Wildcard && !wild {
		c.fail(col, ErrBadValue, `"*" is not allowed in this column`)
	}
	return v
}

func (c *cells) date(col string) time.Time {
	v := c.values[col]
	if v == "" {
		return time.Time{}
	}
	d, err := time.ParseInLocation(time.DateOnly, v, time.UTC)
	if err != nil {
		c.fail(col, ErrBadValue, fmt.Sprintf("%q is not a YYYY-MM-DD date", v))
	}
	return d
}

// readInto reads one input into x. codeCols are the non-key columns every
// header must have; parse turns a record into a key, a row and the
// fingerprint of its codes.
func readInto[R any](x *index[R], in Input, codeCols []string, parse func(c *cells) ([3]string, R, string)) error {
	required := append(append([]string{}, x.cols...), codeCols...)
	var errs []error
	emit := func(line int, values map[string]string) {
		c := &cells{table: x.table, file: in.Name, line: line, values: values}
		key, row, codes := parse(c)
		from, to := c.date("valid_from"), c.date("valid_to")
		var until time.Time
		if !to.IsZero() {
			until = to.AddDate(0, 0, 1)
			if !from.IsZero() && to.Before(from) {
				c.fail("valid_to", ErrBadValue, "valid_to is before valid_from")
			}
		}
		if len(c.errs) > 0 {
			errs = append(errs, c.errs...)
			return
		}
		src := Source{File: in.Name, Line: line}
		setMeta(&row, Validity{From: from, To: to}, src)
		key = x.folded(key)
		e := entry[R]{key: key, from: from, until: until, row: row, codes: codes, src: src}
		for _, at := range x.byKey[key] {
			o := &x.entries[at]
			if !e.overlaps(o) {
				continue
			}
			sentinel := ErrOverlappingDates
			if o.from.Equal(e.from) && o.until.Equal(e.until) {
				sentinel = ErrConflictingKey
				if o.codes == e.codes {
					sentinel = ErrDuplicateKey
				}
			}
			errs = append(errs, &TableError{File: in.Name, Line: line, Table: string(x.table), Err: sentinel,
				Reason: fmt.Sprintf("%s also at %s", x.describe(key), o.src)})
			return
		}
		x.byKey[key] = append(x.byKey[key], len(x.entries))
		x.entries = append(x.entries, e)
	}
	var err error
	switch in.Format {
	case CSV:
		err = readCSV(in, x.table, required, emit)
	case JSON:
		err = readJSON(in, x.table, required, emit)
	default:
		err = &TableError{File: in.Name, Table: string(x.table), Err: ErrBadFile, Reason: fmt.Sprintf("unknown format %q", in.Format)}
	}
	if err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// setMeta fills the Validity and Source every row type embeds.
func setMeta(row any, v Validity, s Source) {
	switch r := row.(type) {
	case *PaymentRow:
		r.Validity, r.Source = v, s
	case *PromotionRow:
		r.Validity, r.Source = v, s
	case *TaxRow:
		r.Validity, r.Source = v, s
	case *ShippingRow:
		r.Validity, r.Source = v, s
	case *AttributeRow:
		r.Validity, r.Source = v, s
	case *AccountRow:
		r.Validity, r.Source = v, s
	}
}

func parsePayment(c *cells) ([3]string, PaymentRow, string) {
	r := PaymentRow{
		Kind:            c.key("kind", true),
		Method:          c.key("method", true),
		Processor:       c.key("processor", true),
		PaymentMethod:   c.code("payment_method"),
		ClearingAccount: c.code("clearing_account"),
		PSP:             c.values["psp"],
	}
	return [3]string{r.Kind, r.Method, r.Processor}, r, strings.Join([]string{r.PaymentMethod, r.ClearingAccount, r.PSP}, "\x00")
}

func parsePromotion(c *cells) ([3]string, PromotionRow, string) {
	r := PromotionRow{
		PromotionID:     c.key("promotion_id", true),
		CampaignID:      c.key("campaign_id", true),
		CouponID:        c.key("coupon_id", true),
		DiscountAccount: c.values["discount_account"],
		DiscountItem:    c.values["discount_item"],
	}
	if r.DiscountAccount == "" && r.DiscountItem == "" {
		c.fail("discount_account", ErrBlankCode, "set discount_account, discount_item or both")
	}
	return [3]string{r.PromotionID, r.CouponID, r.CampaignID}, r, r.DiscountAccount + "\x00" + r.DiscountItem
}

func parseTax(c *cells) ([3]string, TaxRow, string) {
	r := TaxRow{
		Country:    c.key("country", true),
		TaxClass:   c.key("tax_class", true),
		TaxCode:    c.code("tax_code"),
		TaxAccount: c.code("tax_account"),
	}
	pct := c.key("rate_percent", true)
	if pct != "" && pct != Wildcard {
		p, err := decimal.Parse(pct)
		switch {
		case err != nil:
			c.fail("rate_percent", ErrBadValue, fmt.Sprintf("%q is not a number", pct))
		case p.IsNeg() || p.Cmp(decimal.Hundred) > 0:
			c.fail("rate_percent", ErrBadValue, fmt.Sprintf("%q is outside 0..100", pct))
		default:
			if r.Rate, err = p.Quo(decimal.Hundred); err != nil {
				c.fail("rate_percent", ErrBadValue, err.Error())
			}
			pct = p.Trim(0).String()
		}
	}
	return [3]string{r.Country, pct, r.TaxClass}, r, r.TaxCode + "\x00" + r.TaxAccount
}

func parseShipping(c *cells) ([3]string, ShippingRow, string) {
	r := ShippingRow{
		ShippingMethod: c.key("shipping_method", true),
		CarrierService: c.code("carrier_service"),
		ShippingItem:   c.code("shipping_item"),
		RevenueAccount: c.code("revenue_account"),
	}
	return [3]string{r.ShippingMethod}, r, strings.Join([]string{r.CarrierService, r.ShippingItem, r.RevenueAccount}, "\x00")
}

func parseAttribute(c *cells) ([3]string, AttributeRow, string) {
	r := AttributeRow{
		Scope:       c.key("scope", false),
		AttributeID: c.key("attribute_id", false),
		Target:      c.code("target"),
		Field:       c.code("field"),
		WhenLonger:  Overflow(c.code("when_longer")),
	}
	switch r.Scope {
	case "order", "shipment", "product", "":
	default:
		c.fail("scope", ErrBadValue, fmt.Sprintf("%q is not order, shipment or product", r.Scope))
	}
	switch r.Target {
	case "erp", "wms", "":
	default:
		c.fail("target", ErrBadValue, fmt.Sprintf("%q is not erp or wms", r.Target))
	}
	switch r.WhenLonger {
	case OverflowTruncate, OverflowReject, "":
	default:
		c.fail("when_longer", ErrBadValue, fmt.Sprintf("%q is not truncate or reject", r.WhenLonger))
	}
	if v := c.code("max_length"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			c.fail("max_length", ErrBadValue, fmt.Sprintf("%q is not a length (0 for none)", v))
		}
		r.MaxLength = n
	}
	return [3]string{r.Scope, r.AttributeID}, r, strings.Join([]string{r.Target, r.Field, strconv.Itoa(r.MaxLength), string(r.WhenLonger)}, "\x00")
}

func parseAccount(c *cells) ([3]string, AccountRow, string) {
	r := AccountRow{Name: c.key("name", false), Account: c.code("account")}
	return [3]string{r.Name}, r, r.Account
}
