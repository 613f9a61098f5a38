package sfcc_test

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

// These tests walk the order model by reflection, so a field added to it
// later is covered without anyone remembering to extend them.

var (
	decimalType = reflect.TypeFor[decimal.Decimal]()
	timeType    = reflect.TypeFor[time.Time]()
)

// fieldKey names a field as "Type.Field" (CreditCard.Holder).
func fieldKey(owner reflect.Type, f reflect.StructField) string { return owner.Name() + "." + f.Name }

// fill sets every field reachable from v to a non-zero value: strings to
// "<path>-4111111111111111" (emails to an address), numbers and booleans
// to non-zero, every pointer to a new value, every slice to two elements
// and every map to one entry, recursively; a type that contains itself
// (bundles in bundles) is filled three levels deep.
func fill(v reflect.Value, path string, outer []reflect.Type) {
	if n := 0; v.Kind() == reflect.Pointer || v.Kind() == reflect.Slice {
		for _, t := range outer {
			if t == v.Type() {
				n++
			}
		}
		if n >= 3 {
			return
		}
		outer = append(outer[:len(outer):len(outer)], v.Type())
	}
	switch {
	case v.Type() == decimalType:
		v.Set(reflect.ValueOf(decimal.MustNew(int64(len(path))*100+7, 2)))
		return
	case v.Type() == timeType:
		v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, len(path)%60, 0, time.UTC)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		s := path + "-4111111111111111"
		if strings.Contains(strings.ToLower(path), "email") {
			s = "jane.doe." + strings.ReplaceAll(path, "/", ".") + "@example.com"
		}
		v.SetString(s)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(len(path)))
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), path, outer)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(v.Index(i), fmt.Sprintf("%s[%d]", path, i), outer)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, path+".key", outer)
		fill(e, path+".value", outer)
		v.SetMapIndex(k, e)
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if f.IsExported() {
				fill(v.Field(i), path+"/"+fieldKey(v.Type(), f), outer)
			}
		}
	default:
		panic(fmt.Sprintf("fill: %s has kind %s, which this test does not know yet", path, v.Kind()))
	}
}

func filledOrder(t *testing.T) sfcc.Order {
	t.Helper()
	var o sfcc.Order
	fill(reflect.ValueOf(&o).Elem(), "Order", nil)
	return o
}

// sharesNothing reports every slice, pointer and map of b that is the same
// memory as its counterpart in a.
func sharesNothing(t *testing.T, a, b reflect.Value, path string) {
	t.Helper()
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() {
			return
		}
		if a.Pointer() == b.Pointer() {
			t.Errorf("%s: the clone shares the pointer with the original", path)
			return
		}
		sharesNothing(t, a.Elem(), b.Elem(), path)
	case reflect.Slice:
		if a.Len() == 0 {
			return
		}
		if a.Pointer() == b.Pointer() {
			t.Errorf("%s: the clone shares the slice's array with the original", path)
			return
		}
		for i := range a.Len() {
			sharesNothing(t, a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			t.Errorf("%s: the clone shares the map with the original", path)
		}
	case reflect.Struct:
		if a.Type() == decimalType || a.Type() == timeType {
			return
		}
		for i := range a.NumField() {
			if f := a.Type().Field(i); f.IsExported() {
				sharesNothing(t, a.Field(i), b.Field(i), path+"."+f.Name)
			}
		}
	}
}

func TestOrderClone_SharesNothing(t *testing.T) {
	orig := filledOrder(t)
	c := orig.Clone()
	if diff := cmp.Diff(orig, c); diff != "" {
		t.Fatalf("clone differs from the original (-orig +clone):\n%s", diff)
	}
	sharesNothing(t, reflect.ValueOf(orig), reflect.ValueOf(c), "Order")

	// Writing through the clone leaves the original as it was.
	want := filledOrder(t)
	c.ProductLineItems[0].Options[1].Custom[0].Values[0] = "changed"
	c.Payments[1].Card.Custom[1].ID = "changed"
	c.Shipments[0].Totals.ShippingTotal.PriceAdjustments[0].Discount.Kind = "changed"
	c.ProductLineItems[1].Bundled[0].Bundled[1].Custom[0].Values[1] = "changed"
	if diff := cmp.Diff(want, orig); diff != "" {
		t.Fatalf("writing the clone changed the original (-want +got):\n%s", diff)
	}
}

func TestOrderClone_KeepsNilAndEmpty(t *testing.T) {
	o := sfcc.Order{OrderNo: "1", ProductLineItems: []sfcc.ProductLineItem{}}
	c := o.Clone()
	if c.ProductLineItems == nil || len(c.ProductLineItems) != 0 || c.Payments != nil {
		t.Fatalf("clone = %+v; nil must stay nil and empty must stay empty", c)
	}
}

// personal lists every field that carries personal data or a secret, with
// how Redacted treats it: "email" keeps the first character and domain,
// "last4" keeps the last four characters, "removed" removes the value.
var personal = map[string]string{
	"Customer.Name": "removed", "Customer.Email": "email", "Order.RemoteHost": "removed",
	"Address.Salutation": "removed", "Address.Title": "removed", "Address.FirstName": "removed",
	"Address.SecondName": "removed", "Address.LastName": "removed", "Address.Suffix": "removed",
	"Address.CompanyName": "removed", "Address.JobTitle": "removed", "Address.Address1": "removed",
	"Address.Address2": "removed", "Address.Suite": "removed", "Address.Postbox": "removed",
	"Address.City": "removed", "Address.PostalCode": "removed", "Address.Phone": "removed",
	"ProductLineItem.GiftMessage": "removed", "Shipment.GiftMessage": "removed",
	"GiftCertificateLineItem.GiftCertificateID": "last4", "GiftCertificateLineItem.RecipientEmail": "email",
	"GiftCertificateLineItem.RecipientName": "removed", "GiftCertificateLineItem.SenderName": "removed",
	"GiftCertificateLineItem.Message": "removed", "Note.Text": "removed",
	"CreditCard.MaskedNumber": "last4", "CreditCard.Holder": "removed", "CreditCard.Token": "removed",
	"BankTransfer.AccountNumber": "last4", "BankTransfer.RoutingNumber": "last4",
	"BankTransfer.AccountHolder": "removed", "BankTransfer.DriversLicense": "removed",
	"GiftCertificatePayment.ID": "last4", "WalletPayment.CardNumber": "last4",
	"SalesforcePayment.PayerEmailAddress": "email",
}

// notPersonal are fields that look personal by name or sit in a personal
// record but are kept, each for a reason.
var notPersonal = map[string]string{
	"Address.StateCode":                       "tax and shipping reports group by it",
	"Address.CountryCode":                     "tax and shipping reports group by it",
	"ProductLineItem.ProductName":             "a catalogue name",
	"BundledProductLineItem.ProductName":      "a catalogue name",
	"Order.AffiliatePartnerName":              "a business partner",
	"CreditCard.Type":                         "the card scheme (Visa), a payment method",
	"CreditCard.IssueNumber":                  "a card's reissue counter, not the card",
	"WalletPayment.CardType":                  "the card scheme, a payment method",
	"BankTransfer.DriversLicenseStateCode":    "a state code",
	"SalesforcePayment.Type":                  "a payment method",
	"SalesforcePayment.Brand":                 "the card scheme",
	"SalesforcePayment.Last4":                 "already the last four",
	"SalesforcePayment.WalletType":            "a payment method",
	"SalesforcePayment.BankName":              "an institution",
	"SalesforcePayment.Bank":                  "an institution",
	"SalesforcePayment.CaptureID":             "a PSP reference finance reconciles by",
	"SalesforcePayment.PaymentMethodCategory": "a payment method",
	"CustomMethod.Name":                       "the payment method's name",
	"Payment.AccountID":                       "the merchant's PSP account",
	"Payment.AccountType":                     "the merchant's PSP account type",
	"Customer.CustomerNo":                     "the ERP's customer key, pseudonymous",
	"Customer.CustomerID":                     "SFCC's customer key, pseudonymous",
	"Note.Subject":                            "a short category; the text is removed",
	"GiftCertificatePayment.MerchantID":       "the merchant's own id",
}

// looksPersonal is the name heuristic: a string field named like this is
// personal unless notPersonal says why not.
var looksPersonal = regexp.MustCompile(`(?i)email|phone|card|holder|address|token|name|licen[cs]e|account|iban|message|host|birth|ssn|secret|password`)

// personalRecords are types whose every string field must be classified.
var personalRecords = map[string]bool{
	"Address": true, "Customer": true, "CreditCard": true, "BankTransfer": true, "WalletPayment": true,
	"GiftCertificatePayment": true, "SalesforcePayment": true,
}

// modelStringFields lists "Type.Field" of every string field of the order
// model, walking into nested types once each.
func modelStringFields(t reflect.Type, seen map[reflect.Type]bool, out map[string]bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == decimalType || t == timeType || seen[t] {
		return
	}
	seen[t] = true
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		if f.Type.Kind() == reflect.String {
			out[fieldKey(t, f)] = true
			continue
		}
		modelStringFields(f.Type, seen, out)
	}
}

func TestOrderRedacted_EveryPersonalFieldIsClassified(t *testing.T) {
	fields := map[string]bool{}
	modelStringFields(reflect.TypeFor[sfcc.Order](), map[reflect.Type]bool{}, fields)
	for k := range fields {
		_, p := personal[k]
		_, n := notPersonal[k]
		owner, name, _ := strings.Cut(k, ".")
		switch {
		case p && n:
			t.Errorf("%s is listed as both personal and not personal", k)
		case !p && !n && (looksPersonal.MatchString(name) || personalRecords[owner]):
			t.Errorf("%s looks personal: redact it in Order.Redacted and list it in personal, or list it in notPersonal with a reason", k)
		}
	}
	for k := range personal {
		if !fields[k] {
			t.Errorf("personal lists %s, which is not a string field of the order model", k)
		}
	}
	for k := range notPersonal {
		if !fields[k] {
			t.Errorf("notPersonal lists %s, which is not a string field of the order model", k)
		}
	}
}

// compareRedacted walks the original and the redacted order together.
func compareRedacted(t *testing.T, orig, red reflect.Value, path, key string) {
	t.Helper()
	switch orig.Kind() {
	case reflect.String:
		o, r := orig.String(), red.String()
		how, isPersonal := personal[key]
		switch {
		case !isPersonal && o != r:
			t.Errorf("%s (%s) changed from %q to %q; Redacted must keep what is not personal", path, key, o, r)
		case isPersonal && (r == o || strings.Contains(r, o[:len(o)-4])):
			t.Errorf("%s (%s) = %q: not redacted", path, key, r)
		case how == "last4" && !strings.HasSuffix(r, o[len(o)-4:]):
			t.Errorf("%s = %q: want the last four characters of %q kept", path, r, o)
		case how == "email" && !strings.HasSuffix(r, "@example.com"):
			t.Errorf("%s = %q: want the domain of %q kept", path, r, o)
		}
	case reflect.Pointer:
		if orig.IsNil() != red.IsNil() {
			t.Errorf("%s: nil-ness changed", path)
			return
		}
		if !orig.IsNil() {
			if orig.Pointer() == red.Pointer() {
				t.Errorf("%s: the redacted order shares the pointer with the original", path)
			}
			compareRedacted(t, orig.Elem(), red.Elem(), path, key)
		}
	case reflect.Slice:
		if orig.Len() != red.Len() {
			t.Errorf("%s: length changed", path)
			return
		}
		for i := range orig.Len() {
			compareRedacted(t, orig.Index(i), red.Index(i), fmt.Sprintf("%s[%d]", path, i), key)
		}
	case reflect.Struct:
		if orig.Type() == decimalType || orig.Type() == timeType {
			if !orig.Equal(red) {
				t.Errorf("%s changed from %v to %v; amounts and dates are kept", path, orig, red)
			}
			return
		}
		for i := range orig.NumField() {
			if f := orig.Type().Field(i); f.IsExported() {
				compareRedacted(t, orig.Field(i), red.Field(i), path+"."+f.Name, fieldKey(orig.Type(), f))
			}
		}
	default:
		if !orig.Equal(red) {
			t.Errorf("%s changed from %v to %v", path, orig, red)
		}
	}
}

func TestOrderRedacted_RemovesEveryPersonalField(t *testing.T) {
	orig := filledOrder(t)
	want := filledOrder(t)
	red := orig.Redacted()
	compareRedacted(t, reflect.ValueOf(orig), reflect.ValueOf(red), "Order", "Order")
	if diff := cmp.Diff(want, orig); diff != "" {
		t.Fatalf("Redacted changed the original (-want +got):\n%s", diff)
	}
	if red.OrderNo != orig.OrderNo || !red.Totals.OrderTotal.Gross.Equal(orig.Totals.OrderTotal.Gross) {
		t.Fatalf("finance needs the order number and amounts: got %q %s", red.OrderNo, red.Totals.OrderTotal.Gross)
	}
}

func ExampleOrder_Redacted() {
	o := sfcc.Order{
		OrderNo:  "00001234",
		Currency: "EUR",
		Customer: sfcc.Customer{Email: "jane.doe@example.com", BillingAddress: sfcc.Address{City: "Lyon", CountryCode: "FR"}},
		Payments: []sfcc.Payment{{Kind: sfcc.PaymentKindCreditCard, Amount: decimal.MustParse("59.90"),
			Card: &sfcc.CreditCard{Type: "Visa", MaskedNumber: "************1111", Holder: "Jane Doe"}}},
	}
	r := o.Redacted()
	fmt.Println(r.OrderNo, r.Customer.Email, r.Customer.BillingAddress.City, r.Customer.BillingAddress.CountryCode)
	fmt.Println(r.Payments[0].Amount, r.Payments[0].Card.MaskedNumber, r.Payments[0].Card.Holder)
	// Output:
	// 00001234 j***@example.com [redacted] FR
	// 59.90 ****1111 [redacted]
}
