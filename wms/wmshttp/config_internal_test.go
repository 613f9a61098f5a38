package wmshttp

import (
	"context"
	"errors"
	"testing"

	"github.com/o2ckit/o2c/wms"
)

func TestConfigs_InvalidNamesTheField(t *testing.T) {
	for _, tc := range []struct {
		field string
		err   error
	}{
		{"BaseURL", Config{}.Validate()},
		{"BaseURL", Config{BaseURL: "wms.example.com/api"}.Validate()},
		{"BaseURL", Config{BaseURL: "https://user:pw@wms.example.com"}.Validate()},
		{"RetryWaitMin", Config{BaseURL: "https://wms.example.com", RetryWaitMin: 2, RetryWaitMax: 1}.Validate()},
		{"Confirmations", HandlerConfig{}.Validate()},
	} {
		var ce *ConfigError
		if !errors.As(tc.err, &ce) || ce.Field != tc.field {
			t.Errorf("%s: err = %v, want a *ConfigError naming it", tc.field, tc.err)
		}
	}
}

func TestConfigs_DefaultsAreTheExportedConstants(t *testing.T) {
	c := Config{BaseURL: "https://wms.example.com"}
	c.setDefaults()
	if c.MaxRetries != DefaultMaxRetries || c.RetryWaitMin != DefaultRetryWaitMin || c.RetryWaitMax != DefaultRetryWaitMax ||
		c.HTTPClient == nil || c.HTTPClient.Timeout != DefaultTimeout || c.Sleep == nil || c.Logger == nil {
		t.Errorf("client defaults %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("defaulted config: %v", err)
	}
	h := HandlerConfig{Levels: noLevels{}}
	h.setDefaults()
	if h.RetryAfter != DefaultRetryAfter || h.MaxBody != DefaultMaxBody || h.Logger == nil {
		t.Errorf("handler defaults %+v", h)
	}
}

// noLevels is a wms.LevelSource with nothing to deliver.
type noLevels struct{}

func (noLevels) Levels(context.Context, int) ([]wms.StockLevel, error) { return nil, nil }
func (noLevels) AckLevels(context.Context, ...wms.StockLevel) error    { return nil }
