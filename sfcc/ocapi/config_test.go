package ocapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/o2ckit/o2c/sfcc"
)

func validConfig() Config {
	return Config{Host: "abcd-001.dx.commercecloud.salesforce.com", Site: "RefArch", ClientID: "id", Secret: sfcc.StaticSecret("x")}
}

func TestNewClient_RejectsBadConfigNamingTheField(t *testing.T) {
	for _, tc := range []struct {
		field string
		edit  func(*Config)
	}{
		{"Host", func(c *Config) { c.Host = "" }},
		{"Host", func(c *Config) { c.Host = "ftp://example.com" }},
		{"Host", func(c *Config) { c.Host = "https://example.com/?x=1" }},
		{"Site", func(c *Config) { c.Site = "" }},
		{"Site", func(c *Config) { c.Site = "Ref/Arch" }},
		{"APIVersion", func(c *Config) { c.APIVersion = "v25_6" }},
		{"ClientID", func(c *Config) { c.ClientID = "" }},
		{"Secret", func(c *Config) { c.Secret = nil }},
		{"TokenURL", func(c *Config) { c.TokenURL = "not a url" }},
		{"RequestsPerSecond", func(c *Config) { c.RequestsPerSecond = -1 }},
		{"Burst", func(c *Config) { c.Burst = -1 }},
		{"RetryWaitMax", func(c *Config) { c.RetryWaitMin = time.Second; c.RetryWaitMax = time.Millisecond }},
	} {
		cfg := validConfig()
		tc.edit(&cfg)
		_, err := NewClient(cfg)
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field || !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: err = %v, want a ConfigError for %s", tc.field, err, tc.field)
		}
	}
}

func TestNewClient_DefaultsAndHostForms(t *testing.T) {
	for _, tc := range []struct {
		host, wantBase string
	}{
		{"abcd-001.dx.commercecloud.salesforce.com", "https://abcd-001.dx.commercecloud.salesforce.com"},
		{"https://abcd-001.dx.commercecloud.salesforce.com/", "https://abcd-001.dx.commercecloud.salesforce.com"},
		{"http://127.0.0.1:8080/prefix/", "http://127.0.0.1:8080/prefix"},
	} {
		cfg := validConfig()
		cfg.Host = tc.host
		c, err := NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if c.base.String() != tc.wantBase {
			t.Errorf("host %q: base = %q, want %q", tc.host, c.base, tc.wantBase)
		}
		if c.dataPath != "/s/-/dw/data/v25_6" || c.shopPath != "/s/RefArch/dw/shop/v25_6" {
			t.Errorf("paths = %q %q", c.dataPath, c.shopPath)
		}
		if c.cfg.TokenURL != DefaultTokenURL || c.cfg.MaxRetries != DefaultMaxRetries {
			t.Errorf("defaults not applied: %+v", c.cfg)
		}
	}
	cfg := validConfig()
	cfg.APIVersion = "24.10"
	cfg.MaxRetries = -1
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.dataPath != "/s/-/dw/data/v24_10" || c.cfg.MaxRetries != 0 {
		t.Errorf("dataPath = %q, retries = %d", c.dataPath, c.cfg.MaxRetries)
	}
}

func TestNewClient_CopiesCallerHTTPClient(t *testing.T) {
	base := &http.Transport{}
	hc := &http.Client{Transport: base, Timeout: 7 * time.Second}
	cfg := validConfig()
	cfg.HTTPClient = hc
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if hc.Transport != base || hc.Timeout != 7*time.Second {
		t.Error("caller's http.Client was mutated")
	}
	api := c.wire.APIClient()
	if api == hc || api.Timeout != 7*time.Second {
		t.Error("client must use a copy that keeps the caller's settings")
	}
	if api.Transport == base {
		t.Errorf("api transport = %T, want the auth layer", api.Transport)
	}
}

func TestStaticSecret_NeverPrints(t *testing.T) {
	const secret = "hunter2+%&"
	cfg := validConfig()
	cfg.Secret = sfcc.StaticSecret(secret)
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("config", "secret", cfg.Secret, "direct", sfcc.StaticSecret(secret))
	for _, out := range []string{
		fmt.Sprintf("%v %+v %s %#v", cfg, cfg, cfg.Secret, cfg.Secret),
		fmt.Sprint(sfcc.StaticSecret(secret)),
		buf.String(),
	} {
		if strings.Contains(out, "hunter2") {
			t.Errorf("secret printed: %s", out)
		}
	}
	got, err := sfcc.StaticSecret(secret).Secret(context.Background())
	if err != nil || got != secret {
		t.Errorf("Secret() = %q, %v", got, err)
	}
}

func TestEnvSecret_ReadsAtCallTimeAndNamesOnlyTheVariable(t *testing.T) {
	src := sfcc.EnvSecret("O2C_TEST_SFCC_SECRET")
	t.Setenv("O2C_TEST_SFCC_SECRET", "")
	_, err := src.Secret(context.Background())
	if err == nil || !strings.Contains(err.Error(), "O2C_TEST_SFCC_SECRET") {
		t.Fatalf("unset variable: err = %v", err)
	}
	t.Setenv("O2C_TEST_SFCC_SECRET", "rotated+value")
	got, err := src.Secret(context.Background())
	if err != nil || got != "rotated+value" {
		t.Errorf("Secret() = %q, %v", got, err)
	}
	if s := fmt.Sprint(src); strings.Contains(s, "rotated") {
		t.Errorf("String() = %q leaks the value", s)
	}
}

func TestConfig_DefaultsAreTheExportedConstants(t *testing.T) {
	var c Config
	c.setDefaults()
	if c.APIVersion != DefaultAPIVersion || c.TokenURL != DefaultTokenURL || c.MaxConcurrency != DefaultMaxConcurrency ||
		c.MaxRetries != DefaultMaxRetries || c.RetryWaitMin != DefaultRetryWaitMin || c.RetryWaitMax != DefaultRetryWaitMax ||
		c.Burst != 1 || c.Sleep == nil || c.Now == nil || c.Logger == nil || c.HTTPClient == nil {
		t.Errorf("defaults %+v", c)
	}
	var ce *ConfigError
	if err := (Config{}).Validate(); !errors.As(err, &ce) || ce.Field != "Host" {
		t.Errorf("zero config: %v, want a *ConfigError for Host", err)
	}
}
