package dedupe_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/o2ckit/o2c/dedupe"
)

var errERPDown = errors.New("ERP unavailable")

func TestResolver_ErrorsNameTheOrderAndRedactTheEmail(t *testing.T) {
	const email = "  Jane.Doe@Example.com "
	leaky := func(ctx context.Context, e string) ([]dedupe.Customer, error) {
		// Real systems echo the query, in any case.
		return nil, fmt.Errorf("search for %s (%s) failed: %w", e, strings.ToUpper(e), errERPDown)
	}
	cases := []struct {
		name   string
		dir    dedupe.Directory
		email  string
		op     string
		target error
	}{
		{"invalid email", newMemDirectory(), "  Jane.Doe@@Example.com ", "normalise", dedupe.ErrInvalidEmail},
		{"directory lookup fails", funcDirectory{Directory: newMemDirectory(), find: leaky}, email, "find", errERPDown},
		{"directory create fails", funcDirectory{Directory: newMemDirectory(),
			create: func(_ context.Context, c dedupe.Customer) (dedupe.Customer, error) {
				return dedupe.Customer{}, fmt.Errorf("create %s: %w", c.Email, errERPDown)
			}}, email, "create", errERPDown},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newTestResolver(t, tc.dir, dedupe.Config{})
			_, err := r.Resolve(context.Background(), guest("00012345", tc.email))
			var re *dedupe.ResolveError
			if !errors.As(err, &re) {
				t.Fatalf("error %v (%T) is not a *ResolveError", err, err)
			}
			if re.OrderNo != "00012345" || re.Op != tc.op || re.Email != "J***@Example.com" {
				t.Errorf("ResolveError = order %q op %q email %q", re.OrderNo, re.Op, re.Email)
			}
			if !errors.Is(err, tc.target) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.target)
			}
			msg := err.Error()
			if !strings.Contains(msg, "00012345") || !strings.Contains(msg, "J***@Example.com") {
				t.Errorf("error %q does not name the order and the redacted email", msg)
			}
			if strings.Contains(strings.ToLower(msg), "jane.doe@") {
				t.Errorf("error %q contains the full address", msg)
			}
		})
	}
}

func TestResolver_DuplicateThatCannotBeFoundFailsAfterBoundedAttempts(t *testing.T) {
	base := newMemDirectory()
	dir := funcDirectory{Directory: base,
		find: func(context.Context, string) ([]dedupe.Customer, error) { return []dedupe.Customer{}, nil },
		create: func(_ context.Context, c dedupe.Customer) (dedupe.Customer, error) {
			base.creates.Add(1)
			return dedupe.Customer{}, fmt.Errorf("customer %s: %w", c.Email, dedupe.ErrDuplicateEmail)
		}}
	r := newTestResolver(t, dir, dedupe.Config{DuplicateAttempts: 2})
	_, err := r.Resolve(context.Background(), guest("9001", "jane@example.com"))
	if !errors.Is(err, dedupe.ErrDuplicateNotFound) || !errors.Is(err, dedupe.ErrDuplicateEmail) {
		t.Fatalf("error %v, want ErrDuplicateNotFound wrapping ErrDuplicateEmail", err)
	}
	if n := base.creates.Load(); n != 2 {
		t.Errorf("%d creates, want DuplicateAttempts = 2", n)
	}
	if strings.Contains(err.Error(), "jane@example.com") {
		t.Errorf("error %q contains the full address", err)
	}
}

func TestResolver_CancelledContextIsReturnedNotRetried(t *testing.T) {
	dir := newMemDirectory()
	r := newTestResolver(t, dir, dedupe.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := r.Resolve(ctx, guest("9101", "jane@example.com"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if n := len(dir.records()); n != 0 {
		t.Errorf("%d records created under a cancelled context", n)
	}
}

func TestNewResolver_RejectsBadConfigNamingTheField(t *testing.T) {
	dir := newMemDirectory()
	for _, tc := range []struct {
		field string
		cfg   dedupe.Config
	}{
		{"Directory", dedupe.Config{}},
		{"CacheTTL", dedupe.Config{Directory: dir, CacheTTL: -1}},
		{"ClaimTTL", dedupe.Config{Directory: dir, ClaimTTL: -1}},
		{"ClaimPoll", dedupe.Config{Directory: dir, ClaimPoll: -1}},
		{"DuplicateAttempts", dedupe.Config{Directory: dir, DuplicateAttempts: -1}},
		{"Normalizer.PlusTagDomains", dedupe.Config{Directory: dir, Normalizer: dedupe.Normalizer{PlusTagDomains: []string{"localhost"}}}},
	} {
		_, err := dedupe.NewResolver(tc.cfg)
		var ce *dedupe.ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field || !errors.Is(err, dedupe.ErrInvalidConfig) {
			t.Errorf("%s: err = %v, want a *ConfigError naming it", tc.field, err)
		}
	}
	if _, err := dedupe.NewResolver(dedupe.Config{Directory: dir}); err != nil {
		t.Errorf("directory alone: %v", err)
	}
}
