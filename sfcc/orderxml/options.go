package orderxml

import (
	"log/slog"

	"github.com/o2ckit/o2c/internal/logging"
)

// Default caps. They sit far above anything SFCC writes (its longest
// text field is 4000 characters; an order of 500 lines is a few hundred
// kilobytes) and far below what could hurt a host.
const (
	DefaultMaxDepth      = 64
	DefaultMaxTokenBytes = 1 << 20  // 1 MiB for one text node, tag or comment
	DefaultMaxOrderBytes = 64 << 20 // 64 MiB for one <order> element
	// DefaultMaxOrderElements caps the elements of one order. Bytes alone
	// do not bound memory: an empty <product-lineitem/> is 19 bytes of
	// input and half a kilobyte of sfcc.Order, so 64 MiB of them take
	// gigabytes. 100 000 elements leave room for some 2000 lines of about
	// 50 elements each and keep an order at the cap to about 100 MB.
	DefaultMaxOrderElements = 100_000
)

// Option configures a Decoder or an InventoryReader.
type Option func(*config)

type config struct {
	skipInvalid      bool
	disallowUnknown  bool
	maxDepth         int
	maxTokenBytes    int64
	maxOrderBytes    int64
	maxOrderElements int
	logger           *slog.Logger
}

func newConfig(opts []Option) config {
	c := config{
		maxDepth:         DefaultMaxDepth,
		maxTokenBytes:    DefaultMaxTokenBytes,
		maxOrderBytes:    DefaultMaxOrderBytes,
		maxOrderElements: DefaultMaxOrderElements,
	}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	c.logger = logging.OrDiscard(c.logger)
	return c
}

// SkipInvalid makes an invalid order (a value of the wrong type, an unknown
// element under DisallowUnknownElements) a reported error rather than the
// end of the stream: Next returns the error and the following call decodes
// the next order. Errors that leave the stream unreadable (malformed XML,
// truncation, a cap exceeded) still end it.
func SkipInvalid() Option { return func(c *config) { c.skipInvalid = true } }

// DisallowUnknownElements makes an element of the SFCC namespace that the
// schema does not define at that place an error. By default such elements
// are skipped, so exports of newer schema versions still decode.
func DisallowUnknownElements() Option { return func(c *config) { c.disallowUnknown = true } }

// MaxDepth caps element nesting (default DefaultMaxDepth). n <= 0 keeps the default.
func MaxDepth(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.maxDepth = n
		}
	}
}

// MaxTokenBytes caps the size of one token: a text node, a tag with its
// attributes, a comment (default DefaultMaxTokenBytes). n <= 0 keeps the default.
func MaxTokenBytes(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxTokenBytes = n
		}
	}
}

// MaxOrderBytes caps the size of one <order> element, or one inventory
// <record> or list <header> (default DefaultMaxOrderBytes). n <= 0 keeps
// the default.
func MaxOrderBytes(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxOrderBytes = n
		}
	}
}

// MaxOrderElements caps the number of elements in one <order> element, or
// one inventory <record> or list <header> (default DefaultMaxOrderElements).
// It bounds the memory of the decoded order, which MaxOrderBytes alone does
// not. n <= 0 keeps the default.
func MaxOrderElements(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.maxOrderElements = n
		}
	}
}

// Logger sets a logger for skipped orders (nil discards).
func Logger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }
