package ocapi

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/internal/wire"
)

// Client calls SFCC's OCAPI Data and Shop APIs for one instance and site.
// It is safe for concurrent use; all goroutines share one access token and
// one rate limiter.
//
// Every request goes through, outermost first: the client-side rate limiter,
// retries of idempotent requests (429, 5xx, connection errors; Retry-After
// honoured; longer waits while SFCC reports sfdc_load_status THROTTLE), and
// authentication (a bearer token, re-fetched once when SFCC answers
// InvalidAccessTokenException).
type Client struct {
	cfg      Config
	base     *url.URL
	dataPath string // e.g. /s/-/dw/data/v25_6
	shopPath string // e.g. /s/RefArch/dw/shop/v25_6
	wire     *wire.Transport
	log      *slog.Logger
}

// NewClient validates cfg and returns a Client. The error is a *ConfigError
// naming the bad field.
func NewClient(cfg Config) (*Client, error) {
	cfg.setDefaults()
	base, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	wireVersion := "v" + strings.ReplaceAll(cfg.APIVersion, ".", "_")
	c := &Client{
		cfg:      cfg,
		base:     base,
		dataPath: "/s/-/dw/data/" + wireVersion,
		shopPath: "/s/" + cfg.Site + "/dw/shop/" + wireVersion,
		log:      cfg.Logger,
	}
	c.wire = wire.New(wire.Config{
		Base:              base,
		ClientID:          cfg.ClientID,
		Secret:            cfg.Secret,
		TokenURL:          cfg.TokenURL,
		HTTPClient:        cfg.HTTPClient,
		Logger:            cfg.Logger,
		MeterProvider:     cfg.MeterProvider,
		TracerProvider:    cfg.TracerProvider,
		RequestsPerSecond: cfg.RequestsPerSecond,
		Burst:             cfg.Burst,
		MaxRetries:        cfg.MaxRetries,
		RetryWaitMin:      cfg.RetryWaitMin,
		RetryWaitMax:      cfg.RetryWaitMax,
		Sleep:             cfg.Sleep,
		Now:               cfg.Now,
		InvalidToken:      isInvalidToken,
	})
	return c, nil
}

// Site is the site id the client was configured with.
func (c *Client) Site() string { return c.cfg.Site }

// request describes one API call.
type request struct {
	method     string
	path       string // escaped path below the host, e.g. c.dataPath + "/..."
	query      url.Values
	body       []byte
	header     http.Header
	idempotent bool
}

func (r request) wire() wire.Request {
	return wire.Request{Method: r.method, Path: r.path, Query: r.query, Body: r.body, Header: r.header, Idempotent: r.idempotent}
}

// send runs req through the shared transport and returns a 2xx response
// whose body the caller must close, or an error (an *Error for non-2xx).
func (c *Client) send(ctx context.Context, r request) (*http.Response, error) {
	return c.wire.Send(ctx, r.wire())
}

// call sends r and decodes a JSON answer into out (when out is non-nil).
func (c *Client) call(ctx context.Context, r request, out any) error {
	return c.wire.Call(ctx, r.wire(), out)
}

// scrubErr removes the live token and known secrets from an *Error.
func (c *Client) scrubErr(err error) error {
	if c.wire == nil {
		return err
	}
	return c.wire.ScrubErr(err)
}

func unescape(p string) string { return wire.Unescape(p) }

// seg escapes one path segment (an order number, SKU or list id). A "." or
// ".." segment is refused before a request is built (checkOrderNo, and the
// transport's own guard).
func seg(s string) string { return url.PathEscape(s) }

// checkOrderNo refuses an order number no request may carry: empty, or a
// dot segment ("." or "..", also percent-encoded as "%2e") that a
// normalising proxy would resolve into another resource.
func checkOrderNo(orderNo, op string) error {
	switch {
	case orderNo == "":
		return &sfcc.OrderError{OrderNo: orderNo, Op: op, Err: fmt.Errorf("%w: empty order number", sfcc.ErrInvalidArgument)}
	case wire.IsDotSegment(orderNo):
		return &sfcc.OrderError{OrderNo: orderNo, Op: op, Err: fmt.Errorf("%w: order number %q is a path dot segment", sfcc.ErrInvalidArgument, orderNo)}
	}
	return nil
}

func jsonBody(v any) ([]byte, error) { return wire.JSONBody(v) }

func drain(rc io.ReadCloser) { wire.Drain(rc) }

// *Client is what the flows need from SFCC.
var (
	_ sfcc.OrderReader          = (*Client)(nil)
	_ sfcc.OrderSearcher        = (*Client)(nil)
	_ sfcc.OrderStatusWriter    = (*Client)(nil)
	_ sfcc.OrderAttributeWriter = (*Client)(nil)
	_ sfcc.InventoryUpdater     = (*Client)(nil)
)
