package main

import (
	"fmt"
	"io"
	"log/slog"
	"regexp"

	"github.com/o2ckit/o2c/internal/redact"
)

// emailPattern finds email addresses inside log values (messages, errors).
var emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)

// newLogger writes JSON lines to w. Every string or error value has its
// email addresses redacted (redact.Email), whichever package logged it.
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: redactAttr}))
}

func redactAttr(_ []string, a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		if s := a.Value.String(); emailPattern.MatchString(s) {
			a.Value = slog.StringValue(redactEmails(s))
		}
	case slog.KindAny:
		switch v := a.Value.Any().(type) {
		case error:
			a.Value = slog.StringValue(redactEmails(v.Error()))
		case fmt.Stringer:
			a.Value = slog.StringValue(redactEmails(v.String()))
		}
	}
	return a
}

func redactEmails(s string) string {
	return redact.EmailsIn(s)
}
