package erp

import (
	"errors"
	"fmt"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/mapping"
)

// ErrInvalidConfig is matched (errors.Is) by every *ConfigError.
var ErrInvalidConfig = errors.New("erp: invalid config")

// ConfigError names the field of an ExporterConfig or TranslatorConfig that
// is missing or wrong.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and why it was rejected.
func (e *ConfigError) Error() string {
	return "erp: invalid config: " + e.Field + ": " + e.Reason
}

// Is reports whether target is ErrInvalidConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrInvalidConfig }

// TranslatorConfig configures a Translator. Tables is required.
type TranslatorConfig struct {
	// Tables are the finance mapping tables every order is translated through.
	Tables *mapping.Tables
	// RoundingTolerance is the largest difference, in currency units,
	// between the SFCC order total and the sum of the document's lines that
	// goes to the rounding account (and the largest tax difference
	// accepted). Zero (the default) means none: any difference is an error.
	RoundingTolerance decimal.Decimal
	// CurrencyScale returns a currency's minor-unit digits; nil uses
	// erp.CurrencyScale (ISO 4217).
	CurrencyScale func(currency string) int
}

func (c *TranslatorConfig) setDefaults() {
	if c.CurrencyScale == nil {
		c.CurrencyScale = CurrencyScale
	}
}

// Validate reports the first missing or invalid field as a *ConfigError.
func (c TranslatorConfig) Validate() error {
	switch {
	case c.Tables == nil:
		return &ConfigError{Field: "Tables", Reason: "required"}
	case c.RoundingTolerance.IsNeg():
		return &ConfigError{Field: "RoundingTolerance", Reason: fmt.Sprintf("%s is negative", c.RoundingTolerance)}
	}
	return nil
}

// NewTranslator validates cfg and returns a Translator over its tables.
func NewTranslator(cfg TranslatorConfig) (*Translator, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Translator{tables: cfg.Tables, tol: cfg.RoundingTolerance, scale: cfg.CurrencyScale}, nil
}
