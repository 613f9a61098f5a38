package orderxml

import (
	"errors"
	"testing"
	"time"
)

func TestParseDecimal_AcceptsDecimalAndDoubleFormsExactly(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"2", "2"},
		{"2.0", "2.0"},
		{"10.00", "10.00"},
		{"-4.17", "-4.17"},
		{"+.5", "0.5"},
		{"5.", "5"},
		{" 12.50\n", "12.50"},
		{"1.0E0", "1.0"},
		{"8.875E-2", "0.08875"},
		{"25e-2", "0.25"},
		{"1E2", "100"},
		{"0.1234567890123456789", "0.1234567890123456789"},
		{"1234567890123456789", "1234567890123456789"},
		{"1.00000000000000000000000", "1.000000000000000000"}, // trailing zeros beyond what fits are dropped; the value is exact
	}
	for _, tt := range tests {
		got, err := parseDecimal([]byte(tt.in))
		if err != nil || got.String() != tt.want {
			t.Errorf("parseDecimal(%q) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestParseDecimal_RefusesWhatItCannotHoldExactly(t *testing.T) {
	for _, in := range []string{"", " ", ".", "-", "1,00", "12.50 EUR", "INF", "-INF", "NaN", "0x10",
		"1.00000000000000000001", "1e-25", "12345678901234567890", "1E20"} {
		if got, err := parseDecimal([]byte(in)); !errors.Is(err, ErrInvalidValue) {
			t.Errorf("parseDecimal(%q) = %s, %v; want ErrInvalidValue", in, got, err)
		}
	}
}

func TestParseDateTime_ReadsXSDForms(t *testing.T) {
	want := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	for _, in := range []string{"2026-03-14T09:26:53.000Z", "2026-03-14T09:26:53Z", "2026-03-14T10:26:53+01:00", "2026-03-14T09:26:53"} {
		got, err := parseDateTime([]byte(in))
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("parseDateTime(%q) = %v, %v; want %v in UTC", in, got, err, want)
		}
	}
	for _, in := range []string{"14/03/2026", "2026-03-14", "0000-01-01T00:00:00+01:00"} {
		if _, err := parseDateTime([]byte(in)); !errors.Is(err, ErrInvalidValue) {
			t.Errorf("parseDateTime(%q): err = %v, want ErrInvalidValue", in, err)
		}
	}
}
