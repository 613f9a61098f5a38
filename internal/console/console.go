package console

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/o2ckit/o2c/internal/apiauth"
	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/reconcile/reconcileapi"
)

// maxForm bounds an action's form body.
const maxForm = 16 << 10

// maxScanned bounds the open exceptions the overview reads from the store.
const maxScanned = 50000

// Console is the operations console, an http.Handler for every path under
// Config.BasePath. It is safe for concurrent use.
type Console struct {
	cfg    Config
	guide  map[reconcile.Kind]template.HTML
	mux    *http.ServeMux
	cop    *http.CrossOriginProtection
	owners []reconcile.Owner
}

// New returns the console for cfg.
func New(cfg Config) (*Console, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	guide, err := renderGuide(cfg.Guide)
	if err != nil {
		return nil, &ConfigError{Field: "Guide", Reason: "cannot be rendered: " + err.Error()}
	}
	c := &Console{cfg: cfg, guide: guide, mux: http.NewServeMux(), cop: http.NewCrossOriginProtection(),
		owners: []reconcile.Owner{reconcile.OwnerFinance, reconcile.OwnerOperations, reconcile.OwnerEcommerce}}
	b := cfg.BasePath
	c.mux.HandleFunc("GET "+b+"{$}", c.index)
	c.mux.HandleFunc("GET "+b+"console.css", c.stylesheet)
	c.mux.HandleFunc("GET "+b+"exceptions/{id}", c.exception)
	c.mux.HandleFunc("POST "+b+"exceptions/{id}/retry", c.retry)
	c.mux.HandleFunc("POST "+b+"exceptions/{id}/resolve", c.resolve)
	c.mux.HandleFunc("GET "+b+"settlement", c.settlement)
	c.mux.HandleFunc(b, func(w http.ResponseWriter, r *http.Request) {
		c.fail(w, r, &pageError{Status: http.StatusNotFound, Message: "There is no such page in the console."})
	})
	return c, nil
}

// ServeHTTP serves the console's pages and actions. The host mounts it at
// BasePath behind its authentication (apiauth's Guard.Middleware), without
// stripping the prefix.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header(), pageCSP)
	c.mux.ServeHTTP(w, r)
}

// pageError is a failure shown to the user: a status and a message for
// people. The cause, if any, goes to the log only.
type pageError struct {
	Status  int
	Message string
	Cause   error
}

func (e *pageError) Error() string { return e.Message }

func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	var pe *pageError
	if !errors.As(err, &pe) {
		pe = &pageError{Status: http.StatusInternalServerError, Message: "Something went wrong. The service log has the details.", Cause: err}
	}
	if pe.Cause != nil || pe.Status >= 500 {
		c.cfg.Logger.ErrorContext(r.Context(), "console: request failed", "method", r.Method, "path", r.URL.Path,
			"status", pe.Status, "err", pe.Cause)
	}
	c.render(w, r, pe.Status, "error", errorView{frame: c.frame(w, r, http.StatusText(pe.Status)), Message: pe.Message})
}

// principal is who makes r, when the host's authentication named someone.
func principal(r *http.Request) (string, bool) {
	p, ok := apiauth.PrincipalFrom(r.Context())
	if !ok || p.Name == "" {
		return "", false
	}
	return principalName(p), true
}

func (c *Console) frame(w http.ResponseWriter, r *http.Request, title string) frame {
	f := frame{Title: title, Base: c.cfg.BasePath, HasReport: c.cfg.LatestReport != nil}
	if p, ok := principal(r); ok {
		f.Principal, f.Token = p, c.formToken(p)
	}
	if r.Method == http.MethodGet {
		f.Flash = c.takeFlash(w, r)
	}
	return f
}

func (c *Console) index(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := c.cfg.Now()
	q := reconcile.ExceptionQuery{Status: reconcile.StatusOpen, Limit: reconcile.MaxExceptionPage}
	qs := r.URL.Query()
	if o := qs.Get("owner"); o != "" {
		if !slices.Contains(c.owners, reconcile.Owner(o)) {
			c.fail(w, r, &pageError{Status: http.StatusBadRequest, Message: fmt.Sprintf("Unknown owner %q: choose finance, operations or ecommerce.", o)})
			return
		}
		q.Owner = reconcile.Owner(o)
	}
	if k := qs.Get("kind"); k != "" {
		if !slices.Contains(reconcile.Kinds(), reconcile.Kind(k)) {
			c.fail(w, r, &pageError{Status: http.StatusBadRequest, Message: fmt.Sprintf("Unknown exception kind %q.", k)})
			return
		}
		q.Kind = reconcile.Kind(k)
	}
	v := indexView{Owner: string(q.Owner), Kind: string(q.Kind), HasFlows: c.cfg.Flows != nil}
	for _, k := range reconcile.Kinds() {
		v.Kinds = append(v.Kinds, string(k))
	}
	for _, o := range c.owners {
		v.Owners = append(v.Owners, string(o))
	}

	groups := map[reconcile.Owner]*ownerGroup{}
	for _, o := range c.owners {
		if q.Owner == "" || q.Owner == o {
			groups[o] = &ownerGroup{Owner: string(o)}
		}
	}
	scanned := 0
	for {
		page, err := c.cfg.Store.List(ctx, q)
		if err != nil {
			c.fail(w, r, &pageError{Status: http.StatusServiceUnavailable, Message: "The exception store cannot be read right now; try again shortly.", Cause: err})
			return
		}
		for _, rec := range page.Records {
			g := groups[rec.Owner]
			if g == nil {
				g = &ownerGroup{Owner: string(rec.Owner)}
				groups[rec.Owner] = g
			}
			row := c.row(rec, now)
			g.Count++
			if row.Overdue {
				g.Overdue++
			}
			g.Rows = append(g.Rows, row)
		}
		scanned += len(page.Records)
		if !page.More() {
			break
		}
		if scanned >= maxScanned {
			v.Truncated = scanned
			break
		}
		q.After = page.Next
	}
	for _, o := range c.owners {
		if g := groups[o]; g != nil {
			v.Groups = append(v.Groups, g)
			delete(groups, o)
		}
	}
	var others []*ownerGroup // owners the store holds that the console does not know
	for _, g := range groups {
		others = append(others, g)
	}
	slices.SortFunc(others, func(a, b *ownerGroup) int { return cmp.Compare(a.Owner, b.Owner) })
	v.Groups = append(v.Groups, others...)
	for _, g := range v.Groups {
		v.Total += g.Count
		slices.SortFunc(g.Rows, func(a, b row) int {
			// Most urgent first: overdue before due, then the longest open.
			if a.Overdue != b.Overdue {
				if a.Overdue {
					return -1
				}
				return 1
			}
			return cmp.Or(a.FirstSeen.Compare(b.FirstSeen), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Key, b.Key))
		})
		if len(g.Rows) > MaxListed {
			g.More = len(g.Rows) - MaxListed
			g.Rows = g.Rows[:MaxListed]
		}
	}

	if c.cfg.Flows != nil {
		flows, err := c.cfg.Flows(ctx)
		if err != nil {
			c.cfg.Logger.ErrorContext(ctx, "console: reading the state of the flows", "err", err)
			v.FlowsFailed = true
		}
		for _, f := range flows {
			v.Flows = append(v.Flows, flowRow{Name: f.Name, LastRun: stamp(f.LastRun), Since: sinceText(f.LastRun, now),
				Backlog: f.Backlog, Lag: duration(f.Lag), Failures: f.Failures})
		}
	}
	if c.cfg.LatestReport != nil {
		_, at, ok, err := c.cfg.LatestReport(ctx)
		switch {
		case err != nil:
			c.cfg.Logger.ErrorContext(ctx, "console: reading the latest settlement report", "err", err)
			v.ReportFailed = true
		case ok:
			v.ReportAt = stamp(at)
		}
	}
	c.render(w, r, http.StatusOK, "index", struct {
		frame
		indexView
	}{c.frame(w, r, "Open exceptions"), v})
}

// row is an exception as the pages show it.
func (c *Console) row(rec reconcile.ExceptionRecord, now time.Time) row {
	sla := c.cfg.SLA.For(rec.Owner, rec.Kind)
	due := rec.FirstSeen.Add(sla)
	rw := row{ID: reconcileapi.ID(rec.ID()), Path: url.PathEscape(reconcileapi.ID(rec.ID())), Kind: string(rec.Kind),
		Owner: string(rec.Owner), Key: rec.Key, Detail: rec.Detail, FirstSeen: rec.FirstSeen, Age: duration(now.Sub(rec.FirstSeen)),
		SLA: duration(sla), Open: rec.Open()}
	if now.After(due) {
		rw.Overdue, rw.Due = true, "by "+duration(now.Sub(due))
	} else {
		rw.Due = "due in " + duration(due.Sub(now))
	}
	if c.cfg.RetryExport != nil && rec.Open() {
		rw.RetryOrder, rw.CanRetry = c.cfg.CanRetry(rec)
	}
	return rw
}

func (c *Console) lookup(ctx context.Context, raw string) (reconcile.ExceptionRecord, error) {
	id, err := reconcileapi.ParseID(raw)
	if err != nil {
		return reconcile.ExceptionRecord{}, &pageError{Status: http.StatusNotFound, Message: "There is no such exception."}
	}
	rec, err := c.cfg.Store.Get(ctx, id)
	switch {
	case errors.Is(err, reconcile.ErrExceptionNotFound):
		return rec, &pageError{Status: http.StatusNotFound, Message: "There is no such exception."}
	case err != nil:
		return rec, &pageError{Status: http.StatusServiceUnavailable, Message: "The exception store cannot be read right now; try again shortly.", Cause: err}
	}
	return rec, nil
}

func (c *Console) exception(w http.ResponseWriter, r *http.Request) {
	rec, err := c.lookup(r.Context(), r.PathValue("id"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	v := exceptionView{Exception: c.row(rec, c.cfg.Now()), LastSeen: stamp(rec.LastSeen), First: stamp(rec.FirstSeen),
		ResolvedBy: rec.ResolvedBy, ResolvedAt: stamp(rec.ResolvedAt), Note: rec.Note}
	if g, ok := c.guide[rec.Kind]; ok {
		v.Guide = g
	} else if g, ok := c.guide[reconcile.KindUnclassified]; ok {
		v.Guide, v.GuideFallback = g, true
	}
	c.render(w, r, http.StatusOK, "exception", struct {
		frame
		exceptionView
	}{c.frame(w, r, string(rec.Kind)+" "+rec.Key), v})
}

// action checks what every POST must carry: a principal, a same-origin
// request and the form token. It returns who acts.
func (c *Console) action(w http.ResponseWriter, r *http.Request) (string, error) {
	who, ok := principal(r)
	if !ok {
		return "", &pageError{Status: http.StatusForbidden, Message: "Actions need a signed-in user; this request carries none."}
	}
	if err := c.cop.Check(r); err != nil {
		return "", &pageError{Status: http.StatusForbidden, Message: "The form was sent from another site and was refused."}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return "", &pageError{Status: http.StatusBadRequest, Message: "The form could not be read."}
	}
	if !c.validToken(who, r.PostForm.Get("token")) {
		return "", &pageError{Status: http.StatusForbidden, Message: "The form is out of date or was not sent from the console; reload the page and try again."}
	}
	return who, nil
}

// back is where an action returns to: the exception's page or the
// overview, never a URL the request names.
func (c *Console) back(w http.ResponseWriter, r *http.Request, rec reconcile.ExceptionRecord, f flash) {
	c.setFlash(w, r, f)
	to := c.cfg.BasePath
	if r.PostForm.Get("back") == "exception" {
		to += "exceptions/" + url.PathEscape(reconcileapi.ID(rec.ID()))
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (c *Console) retry(w http.ResponseWriter, r *http.Request) {
	if _, err := c.action(w, r); err != nil {
		c.fail(w, r, err)
		return
	}
	rec, err := c.lookup(r.Context(), r.PathValue("id"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	orderNo, ok := "", false
	if c.cfg.RetryExport != nil {
		orderNo, ok = c.cfg.CanRetry(rec)
	}
	if !ok {
		c.fail(w, r, &pageError{Status: http.StatusConflict, Message: "This exception is not about an order export; there is nothing to retry."})
		return
	}
	if err := c.cfg.RetryExport(r.Context(), orderNo); err != nil {
		c.cfg.Logger.ErrorContext(r.Context(), "console: retrying an export", "order", orderNo, "err", err)
		c.back(w, r, rec, flash{Error: true, Text: fmt.Sprintf("The export of order %s could not be retried; the service log has the cause.", orderNo)})
		return
	}
	c.back(w, r, rec, flash{Text: fmt.Sprintf("The export of order %s was started again. The exception stays open until it succeeds or someone resolves it.", orderNo)})
}

func (c *Console) resolve(w http.ResponseWriter, r *http.Request) {
	who, err := c.action(w, r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	rec, err := c.lookup(r.Context(), r.PathValue("id"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	note := strings.TrimSpace(r.PostForm.Get("note"))
	switch {
	case !rec.Open():
		// A second submit of a stale page must not overwrite who resolved it.
		c.back(w, r, rec, flash{Error: true, Text: fmt.Sprintf("%s %s was already resolved by %s at %s.", rec.Kind, rec.Key, rec.ResolvedBy, stamp(rec.ResolvedAt))})
		return
	case note == "":
		c.back(w, r, rec, flash{Error: true, Text: fmt.Sprintf("%s %s was not resolved: a note saying what was done is required.", rec.Kind, rec.Key)})
		return
	case len(note) > MaxNote:
		c.back(w, r, rec, flash{Error: true, Text: fmt.Sprintf("%s %s was not resolved: the note is longer than %d bytes.", rec.Kind, rec.Key, MaxNote)})
		return
	}
	if err := c.cfg.Store.Resolve(r.Context(), rec.ID(), who, note, c.cfg.Now()); err != nil {
		c.fail(w, r, &pageError{Status: http.StatusServiceUnavailable, Message: "The exception could not be resolved right now; try again shortly.", Cause: err})
		return
	}
	c.back(w, r, rec, flash{Text: fmt.Sprintf("%s %s resolved.", rec.Kind, rec.Key)})
}

func (c *Console) settlement(w http.ResponseWriter, r *http.Request) {
	if c.cfg.LatestReport == nil {
		c.fail(w, r, &pageError{Status: http.StatusNotFound, Message: "This service keeps no settlement reports."})
		return
	}
	page, _, ok, err := c.cfg.LatestReport(r.Context())
	switch {
	case err != nil:
		c.fail(w, r, &pageError{Status: http.StatusServiceUnavailable, Message: "The settlement report cannot be read right now; try again shortly.", Cause: err})
		return
	case !ok:
		c.fail(w, r, &pageError{Status: http.StatusNotFound, Message: "No settlement run has produced a report yet."})
		return
	}
	// The report is served as it is, under a policy that lets it style
	// itself and nothing more: no scripts, no requests, no forms.
	securityHeaders(w.Header(), reportCSP)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(page)
}
