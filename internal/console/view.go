package console

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"time"
)

//go:embed templates/*.html templates/console.css
var assets embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{"dict": dict}).ParseFS(assets, "templates/*.html"))

// dict builds the argument of a sub-template from key, value pairs.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

var styles = func() []byte {
	b, err := assets.ReadFile("templates/console.css")
	if err != nil {
		panic(err) // embedded at build time: cannot fail
	}
	return b
}()

// frame is what every page shows around its content.
type frame struct {
	Title     string
	Base      string
	Principal string
	// Token is the form token; empty when no one is signed in, which
	// hides the action forms.
	Token     string
	Flash     *flash
	HasReport bool
}

type indexView struct {
	Owner, Kind  string
	Owners       []string
	Kinds        []string
	Groups       []*ownerGroup
	Total        int
	Truncated    int
	HasFlows     bool
	Flows        []flowRow
	FlowsFailed  bool
	ReportAt     string
	ReportFailed bool
}

type ownerGroup struct {
	Owner   string
	Count   int
	Overdue int
	Rows    []row
	// More counts the open exceptions not listed.
	More int
}

type row struct {
	// ID is "kind:key"; Path is ID escaped as one path segment.
	ID, Path         string
	Kind, Owner, Key string
	Detail           string
	FirstSeen        time.Time
	Age, SLA, Due    string
	Overdue          bool
	Open             bool
	RetryOrder       string
	CanRetry         bool
}

type flowRow struct {
	Name, LastRun, Since string
	Backlog              int
	Lag                  string
	Failures             int
}

type exceptionView struct {
	Exception       row
	First, LastSeen string
	ResolvedBy      string
	ResolvedAt      string
	Note            string
	Guide           template.HTML
	GuideFallback   bool
}

type errorView struct {
	frame
	Message string
}

func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		c.cfg.Logger.ErrorContext(r.Context(), "console: rendering a page", "page", name, "err", err)
		http.Error(w, "The page could not be shown.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

func (c *Console) stylesheet(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(styles)
}

// stamp shows a time in UTC to the minute; "" for the zero time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// sinceText is how long ago t was, "never" for the zero time.
func sinceText(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return duration(now.Sub(t)) + " ago"
}

// duration shows a span the way people on call read it: minutes, hours
// and minutes, or days and hours.
func duration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	m := int64(d / time.Minute)
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%d min", m)
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h %d min", m/60, m%60)
	default:
		return fmt.Sprintf("%d d %d h", m/(24*60), m/60%24)
	}
}
