package reconcile

import (
	"errors"
	"testing"
	"time"

	"github.com/govalues/decimal"
)

func TestNew_InvalidConfigNamesTheField(t *testing.T) {
	for _, tc := range []struct {
		field string
		cfg   Config
	}{
		{"SLA", Config{SLA: -time.Hour}},
		{"Rules[0].Absolute", Config{Rules: []ToleranceRule{{Name: "cents", Absolute: decimal.MustParse("-0.01")}}}},
		{"Rules[1].Percent", Config{Rules: []ToleranceRule{{Name: "ok"}, {Name: "half", Percent: decimal.MustParse("50")}}}},
		{"Rules[0].DaysAfter", Config{Rules: []ToleranceRule{{Name: "late", DaysAfter: -1}}}},
	} {
		_, err := New(tc.cfg)
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field || !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: err = %v, want a *ConfigError naming it", tc.field, err)
		}
	}
}

func TestNew_ZeroConfigGetsTheDefaults(t *testing.T) {
	r, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if r.cfg.SLA != DefaultSLA || r.cfg.Now == nil || r.cfg.Store == nil || r.cfg.Logger == nil {
		t.Errorf("defaults %+v", r.cfg)
	}
}
