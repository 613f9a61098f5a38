package reconcile

import (
	"errors"
	"fmt"
)

// ErrInvalidConfig is matched (errors.Is) by every *ConfigError.
var ErrInvalidConfig = errors.New("reconcile: invalid config")

// ConfigError names the Config field New rejected ("Rules[2].Percent" for
// a field of one tolerance rule).
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and why it was rejected.
func (e *ConfigError) Error() string {
	return "reconcile: invalid config: " + e.Field + ": " + e.Reason
}

// Is reports whether target is ErrInvalidConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrInvalidConfig }

// Validate reports the first invalid field as a *ConfigError: a negative
// SLA, or a tolerance rule with a negative limit or a percentage of 50 or
// more.
func (c Config) Validate() error {
	if c.SLA < 0 {
		return &ConfigError{Field: "SLA", Reason: fmt.Sprintf("%s is negative", c.SLA)}
	}
	for i, r := range c.Rules {
		bad := func(field, reason string) error {
			return &ConfigError{Field: fmt.Sprintf("Rules[%d].%s", i, field), Reason: fmt.Sprintf("rule %q: %s", r.Name, reason)}
		}
		switch {
		case r.Absolute.IsNeg():
			return bad("Absolute", "negative limit")
		case r.Percent.IsNeg():
			return bad("Percent", "negative limit")
		case r.DaysBefore < 0:
			return bad("DaysBefore", "negative limit")
		case r.DaysAfter < 0:
			return bad("DaysAfter", "negative limit")
		case r.Percent.Cmp(fifty) >= 0:
			return bad("Percent", fmt.Sprintf("accepts %s %%; limit is under 50", r.Percent))
		}
	}
	return nil
}
