package sfcc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// The decoder the one-pass reader replaced: encoding/json into the wire
// types, then a second scan of every object for its c_ keys. It is kept
// here as the reference the differential tests and the benchmark compare
// against.

// legacyUnmarshalShopOrder is UnmarshalShopOrder as it was before the
// one-pass reader.
func legacyUnmarshalShopOrder(data []byte) (Order, error) {
	if depth := nesting(data); depth > maxShopDepth {
		return Order{}, &ShopJSONError{OrderNo: peekOrderNo(data),
			Err: fmt.Errorf("document nested %d deep; at most %d is accepted", depth, maxShopDepth)}
	}
	var w shopOrder
	if err := json.Unmarshal(data, &w); err != nil {
		return Order{}, &ShopJSONError{OrderNo: peekOrderNo(data), Err: err}
	}
	return shopWireToOrder(&w)
}

// unmarshalCustom reads data into v (a plain copy of a wire type) and its c_
// fields into cs.
func unmarshalCustom(data []byte, v any, cs *CustomAttributes) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return err
	}
	c, err := scanCustom(data)
	*cs = c
	return err
}

// scanCustom reads the c_ fields of the JSON object data in document order.
func scanCustom(data []byte) (CustomAttributes, error) {
	if !bytes.Contains(data, []byte(`"c_`)) {
		return nil, nil // no c_ key anywhere inside: skip the second pass
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
		a, keep, err := customFromJSON(id, raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		if keep {
			cs = append(cs, a)
		}
	}
	return cs, nil
}

func (w *shopOrder) UnmarshalJSON(b []byte) error {
	return unmarshalCustom(b, (*plainOrder)(w), &w.Custom)
}

func (w *shopAddress) UnmarshalJSON(b []byte) error {
	return unmarshalCustom(b, (*plainAddress)(w), &w.Custom)
}

func (w *shopProductItem) UnmarshalJSON(b []byte) error {
	return unmarshalCustom(b, (*plainProductItem)(w), &w.Custom)
}

func (w *shopOptionItem) UnmarshalJSON(b []byte) error {
	return unmarshalCustom(b, (*plainOptionItem)(w), &w.Custom)
}

func (w *shopBundledItem) UnmarshalJSON(b []byte) error {
	return unmarshalCustom(b, (*plainBundledItem)(w), &w.Custom)
}

func (w *shopPriceAdjustment) UnmarshalJSON(b []byte) error {
	return unmarshalCustom(b, (*plainAdjustment)(w), &w.Custom)
}

func (w *shopShippingItem) UnmarshalJSON(b []byte) error {
	return unmarshalCustom(b, (*plainShippingItem)(w), &w.Custom)
}

func (w *shopGiftCertificateItem) UnmarshalJSON(b []byte) error {
	return unmarshalCustom(b, (*plainGiftItem)(w), &w.Custom)
}

func (w *shopShipment) UnmarshalJSON(b []byte) error {
	return unmarshalCustom(b, (*plainShipment)(w), &w.Custom)
}

func (w *shopPaymentInstrument) UnmarshalJSON(b []byte) error {
	return unmarshalCustom(b, (*plainInstrument)(w), &w.Custom)
}

func (w *shopTransaction) UnmarshalJSON(b []byte) error {
	return unmarshalCustom(b, (*plainTransaction)(w), &w.Custom)
}
