package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/scapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// sfccAPI is the SFCC API the day talks to.
type sfccAPI string

// The APIs -api selects.
const (
	// apiOCAPI: orders through the Shop and Data APIs, stock through Data
	// API inventory-list batches.
	apiOCAPI sfccAPI = "ocapi"
	// apiSCAPI: orders through the SCAPI Admin Orders API, stock through
	// Omnichannel Inventory.
	apiSCAPI sfccAPI = "scapi"
)

// parseAPI accepts the values of -api.
func parseAPI(v string) (sfccAPI, error) {
	switch a := sfccAPI(strings.ToLower(strings.TrimSpace(v))); a {
	case apiOCAPI, apiSCAPI:
		return a, nil
	}
	return "", fmt.Errorf("unknown SFCC API %q (want ocapi or scapi)", v)
}

// apiFlag registers -api on fs; a value other than ocapi or scapi makes
// Parse fail, which is a usage error.
func apiFlag(fs *flag.FlagSet, cfg *dayConfig) {
	cfg.API = apiOCAPI
	fs.Func("api", "SFCC `API` for orders and stock: ocapi (Shop/Data API) or scapi (SCAPI Admin Orders and Omnichannel Inventory) (default ocapi)",
		func(v string) error {
			a, err := parseAPI(v)
			if err == nil {
				cfg.API = a
			}
			return err
		})
}

// sfccClient is what the day needs from SFCC. *ocapi.Client and
// *scapi.Client both satisfy it.
type sfccClient interface {
	sfcc.OrderReader
	sfcc.OrderSearcher
	sfcc.OrderStatusWriter
	sfcc.OrderAttributeWriter
	sfcc.InventoryUpdater
}

// scapiRoutes are the simulator's SCAPI and OCI routes that stand in for
// the OCAPI routes a bad day's faults are scripted on.
var scapiRoutes = map[string]string{
	"order.status": sfcctest.RouteSCAPIOrderStatus,
	"order.patch":  sfcctest.RouteSCAPIOrderPatch,
	"order.get":    sfcctest.RouteSCAPIOrderGet,
	"order.search": sfcctest.RouteSCAPIOrderSearch,
	"batch":        sfcctest.RouteOCIBatch,
}

// fault moves a fault scripted on an OCAPI route to the route that does the
// same work under the API the day talks to.
func (a sfccAPI) fault(f sfcctest.Fault) sfcctest.Fault {
	if a == apiSCAPI {
		if r, ok := scapiRoutes[f.Route]; ok {
			f.Route = r
		}
	}
	return f
}

// The environment variables that point -api scapi at a real instance.
const (
	envShortCode      = "SFCC_SHORT_CODE"
	envOrgID          = "SFCC_ORG_ID"
	envInventoryGroup = "SFCC_INVENTORY_GROUP"
)

// scapiEnvConfig reads a real instance's SCAPI settings. ok is false when
// none is set (the day then runs against the simulator); err names every
// required variable that is missing.
func scapiEnvConfig(env func(string) string, needInventory bool) (cfg scapi.Config, ok bool, err error) {
	if env(envShortCode) == "" && env(envOrgID) == "" {
		if env("SFCC_HOST") != "" {
			return cfg, false, fmt.Errorf("SFCC_HOST configures -api ocapi; -api scapi needs %s and %s", envShortCode, envOrgID)
		}
		return cfg, false, nil
	}
	required := []string{envShortCode, envOrgID, "SFCC_SITE", "SFCC_CLIENT_ID", "SFCC_CLIENT_SECRET"}
	if needInventory {
		required = append(required, envInventoryGroup)
	}
	var missing []string
	for _, name := range required {
		if env(name) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		verb := "are"
		if len(missing) == 1 {
			verb = "is"
		}
		return cfg, true, fmt.Errorf("-api scapi against a real instance: %s %s not set", strings.Join(missing, ", "), verb)
	}
	cfg = scapi.Config{
		ShortCode:        env(envShortCode),
		OrganizationID:   env(envOrgID),
		SiteID:           env("SFCC_SITE"),
		InventoryGroupID: env(envInventoryGroup),
		ClientID:         env("SFCC_CLIENT_ID"),
		Secret:           sfcc.EnvSecret("SFCC_CLIENT_SECRET"),
		TokenURL:         env("SFCC_TOKEN_URL"),
	}
	return cfg, true, nil
}

// connectSCAPI starts the simulator and talks to its SCAPI and OCI routes,
// or connects to the real instance named by the environment.
func (d *day) connectSCAPI() error {
	cfg, real, err := scapiEnvConfig(d.cfg.Env, d.cfg.InventoryList != "")
	if err != nil {
		return err
	}
	if real {
		if len(d.cfg.OrderFiles) > 0 {
			return errors.New("-orders loads orders into the simulator; it cannot be combined with " + envShortCode)
		}
		cfg.RequestsPerSecond = 20
	} else {
		d.srv = sfcctest.NewServer(sfcctest.WithLogger(d.log))
		cfg = d.srv.SCAPIClientConfig()
	}
	cfg.Logger, cfg.MaxRetries = d.log, 6
	cfg.RetryWaitMin, cfg.RetryWaitMax = 5*time.Millisecond, 200*time.Millisecond
	c, err := scapi.NewClient(cfg)
	if err != nil {
		if d.srv != nil {
			d.srv.Close()
			d.srv = nil
		}
		return err
	}
	d.client = c
	return nil
}

// instanceName names the real instance the day talks to, for progress lines.
func (d *day) instanceName() string {
	if d.cfg.API == apiSCAPI {
		return d.cfg.Env(envShortCode) + " (" + d.cfg.Env(envOrgID) + ")"
	}
	return d.cfg.Env("SFCC_HOST")
}
