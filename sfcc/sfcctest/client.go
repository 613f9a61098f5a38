package sfcctest

import (
	"time"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
)

// The retry waits ClientConfig sets: short enough that a test injecting a
// 503 or 429 spends milliseconds, not the seconds of the production
// defaults, while still going through the client's real backoff path.
const (
	ClientRetryWaitMin = time.Millisecond
	ClientRetryWaitMax = 10 * time.Millisecond
)

// ClientConfig returns an ocapi.Config pointed at the simulator — its host,
// site, token endpoint, credentials and HTTP client — with retry waits of
// ClientRetryWaitMin to ClientRetryWaitMax. Retry-After headers from
// injected faults are honoured as sent; inject faults without one (the
// default) to keep a test fast. Set Logger, Sleep or Now on the result as a
// test needs before calling ocapi.NewClient.
func (s *Server) ClientConfig() ocapi.Config {
	return ocapi.Config{
		Host:         s.URL(),
		Site:         s.Site(),
		ClientID:     s.ClientID(),
		Secret:       sfcc.StaticSecret(s.ClientSecret()),
		TokenURL:     s.TokenURL(),
		HTTPClient:   s.HTTPClient(),
		RetryWaitMin: ClientRetryWaitMin,
		RetryWaitMax: ClientRetryWaitMax,
	}
}
