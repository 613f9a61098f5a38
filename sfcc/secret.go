package sfcc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
)

// SecretSource yields the Account Manager client secret when a token is
// fetched. Implementations must be safe for concurrent use and must never put
// the secret into an error message.
type SecretSource interface {
	Secret(ctx context.Context) (string, error)
}

// StaticSecret is a secret held in memory. It prints as "[redacted]" with
// every fmt verb and in slog, so a Config can be logged safely.
type StaticSecret string

// Secret returns the secret.
func (s StaticSecret) Secret(context.Context) (string, error) {
	if s == "" {
		return "", errors.New("sfcc: static secret is empty")
	}
	return string(s), nil
}

// String never reveals the secret.
func (s StaticSecret) String() string { return "[redacted]" }

// GoString never reveals the secret, also not with %#v.
func (s StaticSecret) GoString() string { return "sfcc.StaticSecret([redacted])" }

// LogValue implements slog.LogValuer without the secret.
func (s StaticSecret) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// EnvSecret reads the secret from the environment variable name each time a
// token is fetched, so a rotated secret is picked up without a restart. Its
// errors name the variable, never the value.
func EnvSecret(name string) SecretSource { return envSecret(name) }

type envSecret string

func (e envSecret) Secret(context.Context) (string, error) {
	v, ok := os.LookupEnv(string(e))
	if !ok || v == "" {
		return "", fmt.Errorf("sfcc: secret environment variable %s is not set", string(e))
	}
	return v, nil
}

// String names the variable, never its value.
func (e envSecret) String() string { return "env:" + string(e) }
