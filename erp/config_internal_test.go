package erp

import (
	"errors"
	"testing"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/mapping"
)

func TestExporterConfig_DefaultsAreTheExportedConstants(t *testing.T) {
	var c ExporterConfig
	c.setDefaults()
	if c.Workers != DefaultExportWorkers || c.ErrorAttribute != DefaultExportErrorAttribute ||
		c.ErrorLength != DefaultExportErrorLength || c.Records == nil || c.Now == nil || c.Logger == nil {
		t.Errorf("defaults %+v", c)
	}
}

func TestTranslatorConfig_InvalidNamesTheField(t *testing.T) {
	for _, tc := range []struct {
		field string
		cfg   TranslatorConfig
	}{
		{"Tables", TranslatorConfig{}},
		{"RoundingTolerance", TranslatorConfig{Tables: &mapping.Tables{}, RoundingTolerance: decimal.MustParse("-0.01")}},
	} {
		_, err := NewTranslator(tc.cfg)
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field || !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: err = %v, want a *ConfigError naming it", tc.field, err)
		}
	}
	var c TranslatorConfig
	c.setDefaults()
	if c.CurrencyScale == nil || c.CurrencyScale("JPY") != 0 || c.CurrencyScale("EUR") != 2 {
		t.Error("default CurrencyScale is not ISO 4217")
	}
}
