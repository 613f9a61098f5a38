package sfcc

// CustomAttribute is one custom attribute (sharedType.CustomAttribute): an
// attribute id, an optional xml:lang for a localised value, and its values.
// A single-value attribute has one value; a multi-value attribute (written
// with <value> elements in XML, an array in JSON) has any number and sets Multi.
type CustomAttribute struct {
	ID     string
	Lang   string
	Values []string
	// Multi is true for a multi-value attribute, even with one value.
	Multi bool
}

// Value is the attribute's single value, or its first value, or "".
func (a CustomAttribute) Value() string {
	if len(a.Values) == 0 {
		return ""
	}
	return a.Values[0]
}

// CustomAttributes is the custom attributes of one element, in document order.
// A localised attribute appears once per language.
type CustomAttributes []CustomAttribute

// Get returns the attribute with the given id that has no language (or,
// failing that, the first one with any language) and whether it exists.
func (cs CustomAttributes) Get(id string) (CustomAttribute, bool) {
	found := -1
	for i, a := range cs {
		if a.ID != id {
			continue
		}
		if a.Lang == "" {
			return a, true
		}
		if found < 0 {
			found = i
		}
	}
	if found < 0 {
		return CustomAttribute{}, false
	}
	return cs[found], true
}

// Localized returns the attribute with the given id and language exactly.
func (cs CustomAttributes) Localized(id, lang string) (CustomAttribute, bool) {
	for _, a := range cs {
		if a.ID == id && a.Lang == lang {
			return a, true
		}
	}
	return CustomAttribute{}, false
}

// Set replaces the unlocalised attribute id with a single value, or appends it.
func (cs *CustomAttributes) Set(id string, value string) {
	for i, a := range *cs {
		if a.ID == id && a.Lang == "" {
			(*cs)[i] = CustomAttribute{ID: id, Values: []string{value}}
			return
		}
	}
	*cs = append(*cs, CustomAttribute{ID: id, Values: []string{value}})
}
