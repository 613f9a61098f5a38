package sfcc

import "encoding/json"

// --- wire types --------------------------------------------------------------

// marshalCustom writes v (a plain copy of a wire type, without methods) and
// appends the custom attributes as c_ fields.
func marshalCustom(v any, cs CustomAttributes) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return spliceCustom(b, cs)
}

type shopOrder struct {
	OrderNo             string            `json:"order_no"`
	CreationDate        string            `json:"creation_date,omitempty"`
	PlaceDate           string            `json:"place_date,omitempty"`
	LastModified        string            `json:"last_modified,omitempty"`
	SiteID              string            `json:"site_id,omitempty"`
	CreatedBy           string            `json:"created_by,omitempty"`
	Currency            string            `json:"currency,omitempty"`
	CustomerLocale      string            `json:"customer_locale,omitempty"`
	Taxation            string            `json:"taxation,omitempty"`
	SourceCode          string            `json:"source_code,omitempty"`
	InvoiceNo           string            `json:"invoice_no,omitempty"`
	CustomerName        string            `json:"customer_name,omitempty"`
	CustomerInfo        *shopCustomerInfo `json:"customer_info,omitempty"`
	BillingAddress      *shopAddress      `json:"billing_address,omitempty"`
	Status              string            `json:"status,omitempty"`
	ExportStatus        string            `json:"export_status,omitempty"`
	ConfirmationStatus  string            `json:"confirmation_status,omitempty"`
	PaymentStatus       string            `json:"payment_status,omitempty"`
	ShippingStatus      string            `json:"shipping_status,omitempty"`
	ChannelType         string            `json:"channel_type,omitempty"`
	ExternalOrderNo     string            `json:"external_order_no,omitempty"`
	ExternalOrderStatus string            `json:"external_order_status,omitempty"`
	ExternalOrderText   string            `json:"external_order_text,omitempty"`
	GlobalPartyID       string            `json:"global_party_id,omitempty"`
	RemoteHost          string            `json:"remote_host,omitempty"`

	ProductItems          []shopProductItem         `json:"product_items,omitempty"`
	ShippingItems         []shopShippingItem        `json:"shipping_items,omitempty"`
	GiftCertificateItems  []shopGiftCertificateItem `json:"gift_certificate_items,omitempty"`
	Shipments             []shopShipment            `json:"shipments,omitempty"`
	OrderPriceAdjustments []shopPriceAdjustment     `json:"order_price_adjustments,omitempty"`
	PaymentInstruments    []shopPaymentInstrument   `json:"payment_instruments,omitempty"`
	shopTotals
	OrderTotal json.Number      `json:"order_total"`
	Custom     CustomAttributes `json:"-"`
}

type shopTotals struct {
	ProductSubTotal             json.Number `json:"product_sub_total"`
	ProductTotal                json.Number `json:"product_total"`
	MerchandizeTotalTax         json.Number `json:"merchandize_total_tax"`
	AdjustedMerchandizeTotalTax json.Number `json:"adjusted_merchandize_total_tax"`
	ShippingTotal               json.Number `json:"shipping_total"`
	ShippingTotalTax            json.Number `json:"shipping_total_tax"`
	AdjustedShippingTotalTax    json.Number `json:"adjusted_shipping_total_tax"`
	TaxTotal                    json.Number `json:"tax_total"`
}

type shopCustomerInfo struct {
	CustomerID   string `json:"customer_id,omitempty"`
	CustomerNo   string `json:"customer_no,omitempty"`
	CustomerName string `json:"customer_name,omitempty"`
	Email        string `json:"email,omitempty"`
	Guest        bool   `json:"guest,omitempty"`
}

type shopAddress struct {
	Salutation  string           `json:"salutation,omitempty"`
	Title       string           `json:"title,omitempty"`
	FirstName   string           `json:"first_name,omitempty"`
	SecondName  string           `json:"second_name,omitempty"`
	LastName    string           `json:"last_name,omitempty"`
	Suffix      string           `json:"suffix,omitempty"`
	FullName    string           `json:"full_name,omitempty"`
	CompanyName string           `json:"company_name,omitempty"`
	JobTitle    string           `json:"job_title,omitempty"`
	Address1    string           `json:"address1,omitempty"`
	Address2    string           `json:"address2,omitempty"`
	Suite       string           `json:"suite,omitempty"`
	PostBox     string           `json:"post_box,omitempty"`
	City        string           `json:"city,omitempty"`
	PostalCode  string           `json:"postal_code,omitempty"`
	StateCode   string           `json:"state_code,omitempty"`
	CountryCode string           `json:"country_code,omitempty"`
	Phone       string           `json:"phone,omitempty"`
	Custom      CustomAttributes `json:"-"`
}

// shopAmounts are the amounts of a line: price is net or gross by the
// order's taxation; net_price and gross_price carry both sides.
type shopAmounts struct {
	Price      *json.Number `json:"price,omitempty"`
	NetPrice   *json.Number `json:"net_price,omitempty"`
	GrossPrice *json.Number `json:"gross_price,omitempty"`
	Tax        *json.Number `json:"tax,omitempty"`
	BasePrice  *json.Number `json:"base_price,omitempty"`
	TaxBasis   *json.Number `json:"tax_basis,omitempty"`
	ItemText   string       `json:"item_text,omitempty"`
}

type shopProductItem struct {
	ItemID         string                `json:"item_id,omitempty"`
	Position       int                   `json:"position,omitempty"`
	ProductID      string                `json:"product_id,omitempty"`
	ProductName    string                `json:"product_name,omitempty"`
	Quantity       *json.Number          `json:"quantity,omitempty"`
	TaxRate        *json.Number          `json:"tax_rate,omitempty"`
	TaxClassID     string                `json:"tax_class_id,omitempty"`
	ShipmentID     string                `json:"shipment_id,omitempty"`
	InventoryID    string                `json:"inventory_id,omitempty"`
	Gift           bool                  `json:"gift,omitempty"`
	GiftMessage    string                `json:"gift_message,omitempty"`
	ShippingItemID string                `json:"shipping_item_id,omitempty"`
	PriceAfterItem *json.Number          `json:"price_after_item_discount,omitempty"`
	Options        []shopOptionItem      `json:"option_items,omitempty"`
	Bundled        []shopBundledItem     `json:"bundled_product_items,omitempty"`
	Adjustments    []shopPriceAdjustment `json:"price_adjustments,omitempty"`
	shopAmounts
	Custom CustomAttributes `json:"-"`
}

type shopOptionItem struct {
	OptionID       string                `json:"option_id,omitempty"`
	OptionValueID  string                `json:"option_value_id,omitempty"`
	ProductID      string                `json:"product_id,omitempty"`
	PriceAfterItem *json.Number          `json:"price_after_item_discount,omitempty"`
	Adjustments    []shopPriceAdjustment `json:"price_adjustments,omitempty"`
	shopAmounts
	Custom CustomAttributes `json:"-"`
}

type shopBundledItem struct {
	ProductID   string            `json:"product_id,omitempty"`
	ProductName string            `json:"product_name,omitempty"`
	Quantity    *json.Number      `json:"quantity,omitempty"`
	Bundled     []shopBundledItem `json:"bundled_product_items,omitempty"`
	Custom      CustomAttributes  `json:"-"`
}

type shopPriceAdjustment struct {
	PromotionID      string        `json:"promotion_id,omitempty"`
	CouponCode       string        `json:"coupon_code,omitempty"`
	ReasonCode       string        `json:"reason_code,omitempty"`
	Manual           bool          `json:"manual,omitempty"`
	CustomAdjustment bool          `json:"custom,omitempty"`
	CreatedBy        string        `json:"created_by,omitempty"`
	CreationDate     string        `json:"creation_date,omitempty"`
	Discount         *shopDiscount `json:"applied_discount,omitempty"`
	shopAmounts
	Custom CustomAttributes `json:"-"`
}

type shopDiscount struct {
	Type        string       `json:"type,omitempty"`
	Amount      *json.Number `json:"amount,omitempty"`
	Percentage  *json.Number `json:"percentage,omitempty"`
	PriceBookID string       `json:"price_book_id,omitempty"`
}

type shopShippingItem struct {
	ItemID         string                `json:"item_id,omitempty"`
	ShipmentID     string                `json:"shipment_id,omitempty"`
	Type           string                `json:"type,omitempty"`
	Quantity       *json.Number          `json:"quantity,omitempty"`
	TaxRate        *json.Number          `json:"tax_rate,omitempty"`
	PriceAfterItem *json.Number          `json:"price_after_item_discount,omitempty"`
	Adjustments    []shopPriceAdjustment `json:"price_adjustments,omitempty"`
	shopAmounts
	Custom CustomAttributes `json:"-"`
}

type shopGiftCertificateItem struct {
	ItemID         string       `json:"gift_certificate_item_id,omitempty"`
	Amount         *json.Number `json:"amount,omitempty"`
	RecipientEmail string       `json:"recipient_email,omitempty"`
	RecipientName  string       `json:"recipient_name,omitempty"`
	SenderName     string       `json:"sender_name,omitempty"`
	Message        string       `json:"message,omitempty"`
	ShipmentID     string       `json:"shipment_id,omitempty"`
	shopAmounts
	Custom CustomAttributes `json:"-"`
}

type shopShipment struct {
	ShipmentID      string              `json:"shipment_id,omitempty"`
	ShippingStatus  string              `json:"shipping_status,omitempty"`
	ShippingMethod  *shopShippingMethod `json:"shipping_method,omitempty"`
	TrackingNumber  string              `json:"tracking_number,omitempty"`
	ShippingAddress *shopAddress        `json:"shipping_address,omitempty"`
	Gift            bool                `json:"gift,omitempty"`
	GiftMessage     string              `json:"gift_message,omitempty"`
	shopTotals
	ShipmentTotal json.Number      `json:"shipment_total"`
	Custom        CustomAttributes `json:"-"`
}

type shopShippingMethod struct {
	ID string `json:"id"`
}

type shopPaymentInstrument struct {
	InstrumentID              string           `json:"payment_instrument_id,omitempty"`
	MethodID                  string           `json:"payment_method_id,omitempty"`
	Amount                    *json.Number     `json:"amount,omitempty"`
	Card                      *shopPaymentCard `json:"payment_card,omitempty"`
	BankAccount               *shopBankAccount `json:"payment_bank_account,omitempty"`
	BankRoutingNumber         string           `json:"bank_routing_number,omitempty"`
	MaskedGiftCertificateCode string           `json:"masked_gift_certificate_code,omitempty"`
	Transaction               *shopTransaction `json:"payment_transaction,omitempty"`
	Custom                    CustomAttributes `json:"-"`
}

type shopPaymentCard struct {
	CardType         string `json:"card_type,omitempty"`
	MaskedNumber     string `json:"masked_number,omitempty"`
	NumberLastDigits string `json:"number_last_digits,omitempty"`
	Holder           string `json:"holder,omitempty"`
	ExpirationMonth  int    `json:"expiration_month,omitempty"`
	ExpirationYear   int    `json:"expiration_year,omitempty"`
	ValidFromMonth   int    `json:"valid_from_month,omitempty"`
	ValidFromYear    int    `json:"valid_from_year,omitempty"`
	IssueNumber      string `json:"issue_number,omitempty"`
}

type shopBankAccount struct {
	Holder                  string `json:"holder,omitempty"`
	MaskedNumber            string `json:"masked_number,omitempty"`
	NumberLastDigits        string `json:"number_last_digits,omitempty"`
	MaskedDriversLicense    string `json:"masked_drivers_license,omitempty"`
	DriversLicenseStateCode string `json:"drivers_license_state_code,omitempty"`
}

type shopTransaction struct {
	Amount        *json.Number     `json:"amount,omitempty"`
	TransactionID string           `json:"transaction_id,omitempty"`
	ProcessorID   string           `json:"payment_processor_id,omitempty"`
	Custom        CustomAttributes `json:"-"`
}

// The wire types with custom attributes marshal through a method-less copy
// of themselves and splice their c_ fields in; they decode in one pass
// (shopjson_read.go).
type (
	plainOrder        shopOrder
	plainAddress      shopAddress
	plainProductItem  shopProductItem
	plainOptionItem   shopOptionItem
	plainBundledItem  shopBundledItem
	plainAdjustment   shopPriceAdjustment
	plainShippingItem shopShippingItem
	plainGiftItem     shopGiftCertificateItem
	plainShipment     shopShipment
	plainInstrument   shopPaymentInstrument
	plainTransaction  shopTransaction
)

func (w shopOrder) MarshalJSON() ([]byte, error)   { return marshalCustom(plainOrder(w), w.Custom) }
func (w shopAddress) MarshalJSON() ([]byte, error) { return marshalCustom(plainAddress(w), w.Custom) }
func (w shopProductItem) MarshalJSON() ([]byte, error) {
	return marshalCustom(plainProductItem(w), w.Custom)
}
func (w shopOptionItem) MarshalJSON() ([]byte, error) {
	return marshalCustom(plainOptionItem(w), w.Custom)
}
func (w shopBundledItem) MarshalJSON() ([]byte, error) {
	return marshalCustom(plainBundledItem(w), w.Custom)
}
func (w shopPriceAdjustment) MarshalJSON() ([]byte, error) {
	return marshalCustom(plainAdjustment(w), w.Custom)
}
func (w shopShippingItem) MarshalJSON() ([]byte, error) {
	return marshalCustom(plainShippingItem(w), w.Custom)
}
func (w shopGiftCertificateItem) MarshalJSON() ([]byte, error) {
	return marshalCustom(plainGiftItem(w), w.Custom)
}
func (w shopShipment) MarshalJSON() ([]byte, error) { return marshalCustom(plainShipment(w), w.Custom) }
func (w shopPaymentInstrument) MarshalJSON() ([]byte, error) {
	return marshalCustom(plainInstrument(w), w.Custom)
}
func (w shopTransaction) MarshalJSON() ([]byte, error) {
	return marshalCustom(plainTransaction(w), w.Custom)
}
