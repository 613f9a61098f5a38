package dedupe_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/o2ckit/o2c/dedupe"
)

// lockedBuffer collects handler output from concurrent resolves.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestResolver_LogsNeverContainTheFullAddress(t *testing.T) {
	var text, js lockedBuffer
	opts := &slog.HandlerOptions{Level: slog.LevelDebug}
	logger := slog.New(fanout{slog.NewTextHandler(&text, opts), slog.NewJSONHandler(&js, opts)})

	base := newMemDirectory()
	base.seed(dedupe.Customer{Email: "legacy.dup@example.com"})
	base.seed(dedupe.Customer{Email: "LEGACY.DUP@example.com"})
	base.seed(dedupe.Customer{Email: "other.owner@example.com", Registered: true, CustomerNo: "C1"})
	base.seed(dedupe.Customer{Email: "was.guest@example.com"})
	dir := updatingDirectory{base}
	var faults funcDirectory
	faults.Directory = dir
	faults.find = func(ctx context.Context, email string) ([]dedupe.Customer, error) {
		if strings.HasPrefix(email, "erp.down") {
			return nil, fmt.Errorf("lookup of %s failed: %w", email, errERPDown)
		}
		return dir.FindCustomersByEmail(ctx, email)
	}
	r := newTestResolver(t, faults, dedupe.Config{Logger: logger})
	linking := newTestResolver(t, dir, dedupe.Config{Logger: logger})

	addresses := []string{"new.customer@example.com", "legacy.dup@example.com", "other.owner@example.com",
		"was.guest@example.com", "erp.down@example.com", "not.an@address@example.com", "ünal.öz@bücher.de"}
	ctx := context.Background()
	for i, a := range addresses {
		_, _ = r.Resolve(ctx, guest(fmt.Sprintf("L%d", i), "  "+strings.ToUpper(a)))
		_, _ = r.Resolve(ctx, guest(fmt.Sprintf("L%d-again", i), a)) // cache hit
	}
	_, _ = r.Resolve(ctx, registered("L-conflict", "other.owner@example.com", "C2"))
	if res, err := linking.Resolve(ctx, registered("L-link", "was.guest@example.com", "C3")); err != nil || res.Outcome != dedupe.Linked {
		t.Fatalf("link scenario: %v %v", res.Outcome, err)
	}
	// The duplicate-recovery path: a second process created the record.
	recovering := newTestResolver(t, funcDirectory{Directory: base,
		find: func(ctx context.Context, email string) ([]dedupe.Customer, error) {
			if base.creates.Load() == 0 || email == "" {
				return nil, nil
			}
			return base.FindCustomersByEmail(ctx, email)
		}}, dedupe.Config{Logger: logger})
	base.creates.Store(0)
	base.seed(dedupe.Customer{Email: "raced@example.com"})
	if res, err := recovering.Resolve(ctx, guest("L-race", "raced@example.com")); err != nil || !res.Recovered {
		t.Fatalf("recovery scenario: %+v %v", res, err)
	}
	addresses = append(addresses, "raced@example.com")

	for name, out := range map[string]string{"text": text.String(), "json": js.String()} {
		for _, want := range []string{"customer created", "matched from cache", "merge_candidate", "customer_no_conflict",
			"linked to registered", "duplicate create recovered", "resolve failed", "n***@example.com"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s log lacks %q, so this test would not see a leak there:\n%s", name, want, out)
			}
		}
		lower := strings.ToLower(out)
		for _, a := range addresses {
			if local := a[:strings.IndexByte(a, '@')]; strings.Contains(lower, strings.ToLower(local)+"@") {
				t.Errorf("%s log contains the address %s:\n%s", name, a, out)
			}
		}
	}
}

// fanout sends each record to several handlers.
type fanout []slog.Handler

func (f fanout) Enabled(ctx context.Context, l slog.Level) bool { return f[0].Enabled(ctx, l) }

func (f fanout) Handle(ctx context.Context, r slog.Record) error {
	for _, h := range f {
		if err := h.Handle(ctx, r.Clone()); err != nil {
			return err
		}
	}
	return nil
}

func (f fanout) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithAttrs(attrs)
	}
	return out
}

func (f fanout) WithGroup(name string) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithGroup(name)
	}
	return out
}
