package sfcc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// The SCAPI Admin Orders wire form (Order schema of the Orders OAS 1.5.2):
// camelCase fields, every line carrying both netPrice and grossPrice, totals
// taxation-dependent like the Shop API's, custom attributes as c_ fields.

type scapiOrderDoc struct {
	OrderNo                string             `json:"orderNo"`
	CreationDate           string             `json:"creationDate,omitempty"`
	PlaceDate              string             `json:"placeDate,omitempty"`
	LastModified           string             `json:"lastModified,omitempty"`
	SiteID                 string             `json:"siteId,omitempty"`
	CreatedBy              string             `json:"createdBy,omitempty"`
	Currency               string             `json:"currency,omitempty"`
	CustomerLocale         string             `json:"customerLocale,omitempty"`
	Taxation               string             `json:"taxation,omitempty"`
	SourceCode             string             `json:"sourceCode,omitempty"`
	SourceCodeGroupID      string             `json:"sourceCodeGroupId,omitempty"`
	AffiliatePartnerID     string             `json:"affiliatePartnerId,omitempty"`
	AffiliatePartnerName   string             `json:"affiliatePartnerName,omitempty"`
	InvoiceNo              string             `json:"invoiceNo,omitempty"`
	CustomerInfo           *scapiCustomerInfo `json:"customerInfo,omitempty"`
	CustomerOrderReference string             `json:"customerOrderReference,omitempty"`
	BillingAddress         *scapiAddress      `json:"billingAddress,omitempty"`
	Status                 string             `json:"status,omitempty"`
	ExportStatus           string             `json:"exportStatus,omitempty"`
	ConfirmationStatus     string             `json:"confirmationStatus,omitempty"`
	PaymentStatus          string             `json:"paymentStatus,omitempty"`
	ShippingStatus         string             `json:"shippingStatus,omitempty"`
	BusinessType           string             `json:"businessType,omitempty"`
	ChannelType            string             `json:"channelType,omitempty"`
	CancelCode             string             `json:"cancelCode,omitempty"`
	CancelDescription      string             `json:"cancelDescription,omitempty"`
	ExternalOrderNo        string             `json:"externalOrderNo,omitempty"`
	ExternalOrderStatus    string             `json:"externalOrderStatus,omitempty"`
	ExternalOrderText      string             `json:"externalOrderText,omitempty"`
	GlobalPartyID          string             `json:"globalPartyId,omitempty"`
	RemoteHost             string             `json:"remoteHost,omitempty"`

	ProductItems          []scapiProductItem     `json:"productItems,omitempty"`
	ShippingItems         []scapiShippingItem    `json:"shippingItems,omitempty"`
	GiftCertificateItems  []scapiGiftItem        `json:"giftCertificateItems,omitempty"`
	Shipments             []scapiShipment        `json:"shipments,omitempty"`
	OrderPriceAdjustments []scapiPriceAdjustment `json:"orderPriceAdjustments,omitempty"`
	PaymentInstruments    []scapiInstrument      `json:"paymentInstruments,omitempty"`
	scapiTotals
	OrderTotal *json.Number     `json:"orderTotal,omitempty"`
	Custom     CustomAttributes `json:"-"`
}

type scapiTotals struct {
	ProductSubTotal             *json.Number `json:"productSubTotal,omitempty"`
	ProductTotal                *json.Number `json:"productTotal,omitempty"`
	MerchandizeTotalTax         *json.Number `json:"merchandizeTotalTax,omitempty"`
	AdjustedMerchandizeTotalTax *json.Number `json:"adjustedMerchandizeTotalTax,omitempty"`
	ShippingTotal               *json.Number `json:"shippingTotal,omitempty"`
	ShippingTotalTax            *json.Number `json:"shippingTotalTax,omitempty"`
	AdjustedShippingTotalTax    *json.Number `json:"adjustedShippingTotalTax,omitempty"`
	TaxTotal                    *json.Number `json:"taxTotal,omitempty"`
}

type scapiCustomerInfo struct {
	CustomerID   string `json:"customerId,omitempty"`
	CustomerNo   string `json:"customerNo,omitempty"`
	CustomerName string `json:"customerName,omitempty"`
	Email        string `json:"email,omitempty"`
	Guest        bool   `json:"guest,omitempty"`
}

type scapiAddress struct {
	Salutation  string           `json:"salutation,omitempty"`
	Title       string           `json:"title,omitempty"`
	FirstName   string           `json:"firstName,omitempty"`
	SecondName  string           `json:"secondName,omitempty"`
	LastName    string           `json:"lastName,omitempty"`
	Suffix      string           `json:"suffix,omitempty"`
	FullName    string           `json:"fullName,omitempty"`
	CompanyName string           `json:"companyName,omitempty"`
	JobTitle    string           `json:"jobTitle,omitempty"`
	Address1    string           `json:"address1,omitempty"`
	Address2    string           `json:"address2,omitempty"`
	Suite       string           `json:"suite,omitempty"`
	PostBox     string           `json:"postBox,omitempty"`
	City        string           `json:"city,omitempty"`
	PostalCode  string           `json:"postalCode,omitempty"`
	StateCode   string           `json:"stateCode,omitempty"`
	CountryCode string           `json:"countryCode,omitempty"`
	Phone       string           `json:"phone,omitempty"`
	Custom      CustomAttributes `json:"-"`
}

type scapiAmounts struct {
	NetPrice   *json.Number `json:"netPrice,omitempty"`
	GrossPrice *json.Number `json:"grossPrice,omitempty"`
	Tax        *json.Number `json:"tax,omitempty"`
	BasePrice  *json.Number `json:"basePrice,omitempty"`
	TaxBasis   *json.Number `json:"taxBasis,omitempty"`
	ItemText   string       `json:"itemText,omitempty"`
}

type scapiTaxItem struct {
	ID    string       `json:"id,omitempty"`
	Rate  *json.Number `json:"rate,omitempty"`
	Value *json.Number `json:"value,omitempty"`
}

type scapiProductItem struct {
	ItemID           string                 `json:"itemId,omitempty"`
	Position         int                    `json:"position,omitempty"`
	ProductID        string                 `json:"productId,omitempty"`
	ProductName      string                 `json:"productName,omitempty"`
	Brand            string                 `json:"brand,omitempty"`
	Quantity         *json.Number           `json:"quantity,omitempty"`
	MinOrderQuantity *json.Number           `json:"minOrderQuantity,omitempty"`
	StepQuantity     *json.Number           `json:"stepQuantity,omitempty"`
	TaxRate          *json.Number           `json:"taxRate,omitempty"`
	ShipmentID       string                 `json:"shipmentId,omitempty"`
	InventoryID      string                 `json:"inventoryId,omitempty"`
	Gift             bool                   `json:"gift,omitempty"`
	GiftMessage      string                 `json:"giftMessage,omitempty"`
	ExternalStatus   string                 `json:"externalLineItemStatus,omitempty"`
	ExternalText     string                 `json:"externalLineItemText,omitempty"`
	ShippingItemID   string                 `json:"shippingItemId,omitempty"`
	TaxItems         []scapiTaxItem         `json:"taxItems,omitempty"`
	Options          []scapiOptionItem      `json:"optionItems,omitempty"`
	Bundled          []scapiProductItem     `json:"bundledProductItems,omitempty"`
	Adjustments      []scapiPriceAdjustment `json:"priceAdjustments,omitempty"`
	scapiAmounts
	Custom CustomAttributes `json:"-"`
}

type scapiOptionItem struct {
	OptionID      string                 `json:"optionId,omitempty"`
	OptionValueID string                 `json:"optionValueId,omitempty"`
	ProductID     string                 `json:"productId,omitempty"`
	Adjustments   []scapiPriceAdjustment `json:"priceAdjustments,omitempty"`
	scapiAmounts
	Custom CustomAttributes `json:"-"`
}

type scapiPriceAdjustment struct {
	PromotionID   string          `json:"promotionId,omitempty"`
	CampaignID    string          `json:"campaignId,omitempty"`
	ABTestSegment *scapiABSegment `json:"abTestSegment,omitempty"`
	CouponCode    string          `json:"couponCode,omitempty"`
	ReasonCode    string          `json:"reasonCode,omitempty"`
	Manual        bool            `json:"manual,omitempty"`
	CreatedBy     string          `json:"createdBy,omitempty"`
	CreationDate  string          `json:"creationDate,omitempty"`
	Discount      *scapiDiscount  `json:"appliedDiscount,omitempty"`
	scapiAmounts
	Custom CustomAttributes `json:"-"`
}

type scapiABSegment struct {
	TestID    string `json:"testId,omitempty"`
	SegmentID string `json:"segmentId,omitempty"`
}

type scapiDiscount struct {
	Type        string       `json:"type,omitempty"`
	Amount      *json.Number `json:"amount,omitempty"`
	Percentage  *json.Number `json:"percentage,omitempty"`
	PriceBookID string       `json:"priceBookId,omitempty"`
}

type scapiShippingItem struct {
	ItemID      string                 `json:"itemId,omitempty"`
	ShipmentID  string                 `json:"shipmentId,omitempty"`
	Type        string                 `json:"type,omitempty"`
	TaxRate     *json.Number           `json:"taxRate,omitempty"`
	TaxItems    []scapiTaxItem         `json:"taxItems,omitempty"`
	Adjustments []scapiPriceAdjustment `json:"priceAdjustments,omitempty"`
	scapiAmounts
	Custom CustomAttributes `json:"-"`
}

type scapiGiftItem struct {
	ItemID         string `json:"giftCertificateItemId,omitempty"`
	MerchantID     string `json:"giftCertificateMerchantId,omitempty"`
	RecipientEmail string `json:"recipientEmail,omitempty"`
	RecipientName  string `json:"recipientName,omitempty"`
	SenderName     string `json:"senderName,omitempty"`
	Message        string `json:"message,omitempty"`
	ShipmentID     string `json:"shipmentId,omitempty"`
	scapiAmounts
	Custom CustomAttributes `json:"-"`
}

type scapiShipment struct {
	ShipmentID      string               `json:"shipmentId,omitempty"`
	ShippingStatus  string               `json:"shippingStatus,omitempty"`
	ShippingMethod  *scapiShippingMethod `json:"shippingMethod,omitempty"`
	TrackingNumber  string               `json:"trackingNumber,omitempty"`
	ShippingAddress *scapiAddress        `json:"shippingAddress,omitempty"`
	Gift            bool                 `json:"gift,omitempty"`
	GiftMessage     string               `json:"giftMessage,omitempty"`
	scapiTotals
	ShipmentTotal *json.Number     `json:"shipmentTotal,omitempty"`
	Custom        CustomAttributes `json:"-"`
}

type scapiShippingMethod struct {
	ID string `json:"id"`
}

type scapiInstrument struct {
	InstrumentID              string            `json:"paymentInstrumentId,omitempty"`
	MethodID                  string            `json:"paymentMethodId,omitempty"`
	Card                      *scapiPaymentCard `json:"paymentCard,omitempty"`
	BankRoutingNumber         string            `json:"bankRoutingNumber,omitempty"`
	MaskedGiftCertificateCode string            `json:"maskedGiftCertificateCode,omitempty"`
	Transaction               *scapiTransaction `json:"paymentTransaction,omitempty"`
	Custom                    CustomAttributes  `json:"-"`
}

// scapiPaymentCard leaves out creditCardToken: o2c never reads or writes a
// card token.
type scapiPaymentCard struct {
	CardType         string `json:"cardType,omitempty"`
	MaskedNumber     string `json:"maskedNumber,omitempty"`
	NumberLastDigits string `json:"numberLastDigits,omitempty"`
	Holder           string `json:"holder,omitempty"`
	ExpirationMonth  int    `json:"expirationMonth,omitempty"`
	ExpirationYear   int    `json:"expirationYear,omitempty"`
	ValidFromMonth   int    `json:"validFromMonth,omitempty"`
	ValidFromYear    int    `json:"validFromYear,omitempty"`
	IssueNumber      string `json:"issueNumber,omitempty"`
}

type scapiTransaction struct {
	Amount        *json.Number     `json:"amount,omitempty"`
	TransactionID string           `json:"transactionId,omitempty"`
	Custom        CustomAttributes `json:"-"`
}

// Each wire type with c_ fields reads and writes them through its plain
// twin (the same fields without the methods).
type (
	scapiPlainOrder       scapiOrderDoc
	scapiPlainAddress     scapiAddress
	scapiPlainProduct     scapiProductItem
	scapiPlainOption      scapiOptionItem
	scapiPlainAdjustment  scapiPriceAdjustment
	scapiPlainShipping    scapiShippingItem
	scapiPlainGift        scapiGiftItem
	scapiPlainShipment    scapiShipment
	scapiPlainInstrument  scapiInstrument
	scapiPlainTransaction scapiTransaction
)

func (w scapiOrderDoc) MarshalJSON() ([]byte, error) {
	return scapiMarshal(scapiPlainOrder(w), w.Custom)
}
func (w *scapiOrderDoc) UnmarshalJSON(b []byte) error {
	return scapiUnmarshal(b, (*scapiPlainOrder)(w), &w.Custom)
}
func (w scapiAddress) MarshalJSON() ([]byte, error) {
	return scapiMarshal(scapiPlainAddress(w), w.Custom)
}
func (w *scapiAddress) UnmarshalJSON(b []byte) error {
	return scapiUnmarshal(b, (*scapiPlainAddress)(w), &w.Custom)
}
func (w scapiProductItem) MarshalJSON() ([]byte, error) {
	return scapiMarshal(scapiPlainProduct(w), w.Custom)
}
func (w *scapiProductItem) UnmarshalJSON(b []byte) error {
	return scapiUnmarshal(b, (*scapiPlainProduct)(w), &w.Custom)
}
func (w scapiOptionItem) MarshalJSON() ([]byte, error) {
	return scapiMarshal(scapiPlainOption(w), w.Custom)
}
func (w *scapiOptionItem) UnmarshalJSON(b []byte) error {
	return scapiUnmarshal(b, (*scapiPlainOption)(w), &w.Custom)
}
func (w scapiPriceAdjustment) MarshalJSON() ([]byte, error) {
	return scapiMarshal(scapiPlainAdjustment(w), w.Custom)
}
func (w *scapiPriceAdjustment) UnmarshalJSON(b []byte) error {
	return scapiUnmarshal(b, (*scapiPlainAdjustment)(w), &w.Custom)
}
func (w scapiShippingItem) MarshalJSON() ([]byte, error) {
	return scapiMarshal(scapiPlainShipping(w), w.Custom)
}
func (w *scapiShippingItem) UnmarshalJSON(b []byte) error {
	return scapiUnmarshal(b, (*scapiPlainShipping)(w), &w.Custom)
}
func (w scapiGiftItem) MarshalJSON() ([]byte, error) {
	return scapiMarshal(scapiPlainGift(w), w.Custom)
}
func (w *scapiGiftItem) UnmarshalJSON(b []byte) error {
	return scapiUnmarshal(b, (*scapiPlainGift)(w), &w.Custom)
}
func (w scapiShipment) MarshalJSON() ([]byte, error) {
	return scapiMarshal(scapiPlainShipment(w), w.Custom)
}
func (w *scapiShipment) UnmarshalJSON(b []byte) error {
	return scapiUnmarshal(b, (*scapiPlainShipment)(w), &w.Custom)
}
func (w scapiInstrument) MarshalJSON() ([]byte, error) {
	return scapiMarshal(scapiPlainInstrument(w), w.Custom)
}
func (w *scapiInstrument) UnmarshalJSON(b []byte) error {
	return scapiUnmarshal(b, (*scapiPlainInstrument)(w), &w.Custom)
}
func (w scapiTransaction) MarshalJSON() ([]byte, error) {
	return scapiMarshal(scapiPlainTransaction(w), w.Custom)
}
func (w *scapiTransaction) UnmarshalJSON(b []byte) error {
	return scapiUnmarshal(b, (*scapiPlainTransaction)(w), &w.Custom)
}

func scapiMarshal(v any, cs CustomAttributes) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(cs) == 0 {
		return b, err
	}
	var buf bytes.Buffer
	buf.Write(b[:len(b)-1])
	empty := bytes.Equal(b, []byte("{}"))
	seen := make(map[string]bool, len(cs))
	for _, a := range cs {
		if seen[a.ID] || a.ID == "" {
			continue
		}
		seen[a.ID] = true
		if a.Lang != "" {
			// SCAPI answers in one locale: the unlocalised value wins.
			if u, ok := cs.Localized(a.ID, ""); ok {
				a = u
			}
		}
		var v any = a.Value()
		if a.Multi {
			v = append([]string{}, a.Values...)
		}
		key, _ := json.Marshal("c_" + a.ID)
		val, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		if !empty {
			buf.WriteByte(',')
		}
		empty = false
		buf.Write(key)
		buf.WriteByte(':')
		buf.Write(val)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

func scapiUnmarshal(data []byte, v any, cs *CustomAttributes) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return err
	}
	c, err := scapiScanCustom(data)
	*cs = c
	return err
}

// scapiScanCustom reads the c_ fields of the JSON object data in document
// order: strings as their content, numbers and booleans as their JSON text,
// arrays as multi-value attributes; null is skipped.
func scapiScanCustom(data []byte) (CustomAttributes, error) {
	if !bytes.Contains(data, []byte(`"c_`)) {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	var cs CustomAttributes
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		id, ok := strings.CutPrefix(key, "c_")
		if !ok || id == "" {
			continue
		}
		raw = bytes.TrimSpace(raw)
		switch {
		case bytes.Equal(raw, []byte("null")):
		case len(raw) > 0 && raw[0] == '[':
			var items []json.RawMessage
			if err := json.Unmarshal(raw, &items); err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
			a := CustomAttribute{ID: id, Values: make([]string, 0, len(items)), Multi: true}
			for _, it := range items {
				s, err := scapiCustomText(it)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", key, err)
				}
				a.Values = append(a.Values, s)
			}
			cs = append(cs, a)
		default:
			s, err := scapiCustomText(raw)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
			cs = append(cs, CustomAttribute{ID: id, Values: []string{s}})
		}
	}
	return cs, nil
}

func scapiCustomText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return "", err
	}
	return buf.String(), nil
}
