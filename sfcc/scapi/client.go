package scapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/internal/wire"
)

// Client calls the SCAPI Admin Orders API and Omnichannel Inventory for one
// organization and site. It is safe for concurrent use; all goroutines share
// one access token and one rate limiter.
type Client struct {
	cfg        Config
	ordersPath string // /checkout/orders/v1/organizations/{org}
	availPath  string // /inventory/availability/v1/organizations/{group}
	impexPath  string // /inventory/impex/v1/organizations/{group}
	wire       *wire.Transport
	log        *slog.Logger
}

// NewClient validates cfg and returns a Client. The error is a *ConfigError
// naming the bad field.
func NewClient(cfg Config) (*Client, error) {
	cfg.setDefaults()
	base, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	scopes := append([]string{"SALESFORCE_COMMERCE_API:" + Tenant(cfg.OrganizationID)}, cfg.Scopes...)
	c := &Client{
		cfg:        cfg,
		ordersPath: "/checkout/orders/v1/organizations/" + url.PathEscape(cfg.OrganizationID),
		log:        cfg.Logger,
	}
	if cfg.InventoryGroupID != "" {
		c.availPath = "/inventory/availability/v1/organizations/" + url.PathEscape(cfg.InventoryGroupID)
		c.impexPath = "/inventory/impex/v1/organizations/" + url.PathEscape(cfg.InventoryGroupID)
	}
	c.wire = wire.New(wire.Config{
		Base:              base,
		ClientID:          cfg.ClientID,
		Secret:            cfg.Secret,
		TokenURL:          cfg.TokenURL,
		Scopes:            scopes,
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
		// SCAPI answers an expired or unknown token 401 like any other
		// unauthorised call: every 401 gets one fresh token.
		InvalidToken: nil,
	})
	return c, nil
}

// OrganizationID is the organization the client was configured with.
func (c *Client) OrganizationID() string { return c.cfg.OrganizationID }

// SiteID is the site the client was configured with.
func (c *Client) SiteID() string { return c.cfg.SiteID }

// checkOrderNo refuses an order number no request may carry: empty, or a
// dot segment ("." or "..", also percent-encoded) that a normalising proxy
// would resolve into another resource.
func checkOrderNo(orderNo, op string) error {
	switch {
	case orderNo == "":
		return &sfcc.OrderError{OrderNo: orderNo, Op: op, Err: fmt.Errorf("%w: empty order number", sfcc.ErrInvalidArgument)}
	case wire.IsDotSegment(orderNo):
		return &sfcc.OrderError{OrderNo: orderNo, Op: op, Err: fmt.Errorf("%w: order number %q is a path dot segment", sfcc.ErrInvalidArgument, orderNo)}
	}
	return nil
}

// orderPath is the escaped path of one order; callers check orderNo first.
func (c *Client) orderPath(orderNo string) string {
	return c.ordersPath + "/orders/" + url.PathEscape(orderNo)
}

func (c *Client) siteQuery() url.Values { return url.Values{"siteId": {c.cfg.SiteID}} }

func (c *Client) call(ctx context.Context, r wire.Request, out any) error {
	return c.wire.Call(ctx, r, out)
}

// *Client is what the flows need from SFCC.
var (
	_ sfcc.OrderReader          = (*Client)(nil)
	_ sfcc.OrderSearcher        = (*Client)(nil)
	_ sfcc.OrderStatusWriter    = (*Client)(nil)
	_ sfcc.OrderAttributeWriter = (*Client)(nil)
	_ sfcc.InventoryUpdater     = (*Client)(nil)
)
