package sfcctest

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/scapi"
)

// The organization and OCI tenant group the SCAPI and OCI routes serve.
const (
	DefaultOrganizationID   = "f_ecom_zzzz_s01"
	DefaultInventoryGroupID = "o2c-sim-group"
)

// SCAPI and OCI route names, for faults and the request log.
const (
	RouteSCAPIOrderSearch  = "scapi.order.search"
	RouteSCAPIOrderGet     = "scapi.order.get"
	RouteSCAPIOrderStatus  = "scapi.order.status"
	RouteSCAPIOrderPatch   = "scapi.order.patch"
	RouteOCIBatch          = "oci.batch"
	RouteOCIImport         = "oci.import"
	RouteOCIUpload         = "oci.upload"
	RouteOCIImportStatus   = "oci.import.status"
	RouteOCIImportResults  = "oci.import.results"
	scapiTenantScopePrefix = "SALESFORCE_COMMERCE_API:"
)

// scapiState is what the SCAPI and OCI routes keep beside the shared order
// and inventory state: the scopes granted to each token and the OCI imports.
type scapiState struct {
	mu        sync.Mutex
	scopes    map[string][]string // token -> granted scopes
	imports   map[string]*ociImport
	seq       int
	actionIDs map[string]bool // batch actionRequestIds applied
	recordIDs map[string]bool // import recordIds applied
}

// OrganizationID is the Admin API organization the SCAPI routes serve.
func (s *Server) OrganizationID() string { return DefaultOrganizationID }

// InventoryGroupID is the OCI tenant group the OCI routes serve.
func (s *Server) InventoryGroupID() string { return DefaultInventoryGroupID }

// SCAPIClientConfig returns a scapi.Config pointed at the simulator — base
// URL, organization, site, OCI group, token endpoint, credentials and HTTP
// client — with retry waits of ClientRetryWaitMin to ClientRetryWaitMax and
// import polls without a wait. Set Logger, Sleep or Now as a test needs.
func (s *Server) SCAPIClientConfig() scapi.Config {
	return scapi.Config{
		BaseURL:            s.URL(),
		OrganizationID:     s.OrganizationID(),
		SiteID:             s.Site(),
		InventoryGroupID:   s.InventoryGroupID(),
		ClientID:           s.ClientID(),
		Secret:             sfcc.StaticSecret(s.ClientSecret()),
		TokenURL:           s.TokenURL(),
		HTTPClient:         s.HTTPClient(),
		RetryWaitMin:       ClientRetryWaitMin,
		RetryWaitMax:       ClientRetryWaitMax,
		ImportPollInterval: time.Millisecond,
	}
}

// knownAPIScopes are the API scopes the token endpoint grants.
var knownAPIScopes = map[string]bool{
	scapi.ScopeOrders: true, scapi.ScopeOrdersRW: true, scapi.ScopeInventoryAvailability: true,
	scapi.ScopeInventoryImpex: true, "sfcc.inventory.availability": true, "sfcc.inventory.impex-inventory": true,
}

// checkTokenScopes validates the scope parameter of a token request: a
// tenant scope must name this organization's tenant, and API scopes must be
// known. It answers 400 invalid_scope and returns false otherwise.
func (s *Server) checkTokenScopes(w http.ResponseWriter, r *http.Request) ([]string, bool) {
	scopes := strings.Fields(r.PostForm.Get("scope"))
	for _, sc := range scopes {
		if tenant, ok := strings.CutPrefix(sc, scapiTenantScopePrefix); ok {
			if tenant != scapi.Tenant(s.OrganizationID()) {
				writeJSON(w, http.StatusBadRequest, oauthError{Error: "invalid_scope", Description: "unknown tenant in scope"})
				return nil, false
			}
			continue
		}
		if !knownAPIScopes[sc] {
			writeJSON(w, http.StatusBadRequest, oauthError{Error: "invalid_scope", Description: "unknown scope"})
			return nil, false
		}
	}
	return scopes, true
}

// grantScopes remembers the scopes a token was issued with.
func (s *Server) grantScopes(tok string, scopes []string) {
	st := &s.scapi
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.scopes == nil {
		st.scopes = map[string][]string{}
	}
	st.scopes[tok] = scopes
}

// TokenScopes returns the scopes requested with every token issued so far
// that asked for any, in no particular order.
func (s *Server) TokenScopes() [][]string {
	st := &s.scapi
	st.mu.Lock()
	defer st.mu.Unlock()
	var out [][]string
	for _, sc := range st.scopes {
		if len(sc) > 0 {
			out = append(out, append([]string(nil), sc...))
		}
	}
	return out
}

// scapiRoute is a matched SCAPI or OCI request.
type scapiRoute struct {
	name    string
	scopes  []string // any one of them is enough
	handler func(w http.ResponseWriter, r *http.Request)
}

// writeProblem answers an RFC 7807 problem document, as SCAPI does.
func writeProblem(w http.ResponseWriter, status int, typ, title, detail string) {
	b, _ := json.Marshal(map[string]string{
		"type": "https://api.commercecloud.salesforce.com/documentation/error/v1/errors/" + typ, "title": title, "detail": detail})
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// serveSCAPI serves a request for the SCAPI Admin Orders or OCI routes and
// reports whether it was one. It logs, injects faults, rate-limits and
// authorises like the OCAPI routes, answering problem documents.
func (s *Server) serveSCAPI(rw http.ResponseWriter, r *http.Request) bool {
	p := r.URL.EscapedPath()
	if !strings.HasPrefix(p, "/checkout/orders/") && !strings.HasPrefix(p, "/inventory/") {
		return false
	}
	rt := s.matchSCAPI(r)
	w := &statusWriter{ResponseWriter: rw}
	entry := Request{Method: r.Method, Path: r.URL.Path, Route: rt.name, Header: redactedHeader(r.Header)}
	var once sync.Once
	record := func(status int) {
		once.Do(func() {
			entry.Status = status
			s.mu.Lock()
			s.log = append(s.log, entry)
			s.mu.Unlock()
			s.cfg.logger.Debug("sfcctest request", slog.String("method", entry.Method), slog.String("route", entry.Route),
				slog.String("path", entry.Path), slog.Int("status", entry.Status))
		})
	}
	defer func() { record(w.status) }()
	if f, ok := s.takeFault(rt.name); ok && rt.name != "" {
		if !s.applyProblemFault(w, r, f, func() { record(0) }) {
			return true
		}
	}
	if rt.handler == nil {
		writeProblem(w, http.StatusNotFound, "not-found", "Not Found", "no resource at '"+r.URL.Path+"'")
		return true
	}
	if retry, ok := s.allow(); !ok {
		w.Header().Set("Retry-After", retry)
		writeProblem(w, http.StatusTooManyRequests, "too-many-requests", "Too Many Requests", "request rate limit exceeded")
		return true
	}
	if !s.scapiAuthorized(w, r, rt.scopes) {
		return true
	}
	if rt.name == RouteOCIBatch {
		entry.BatchParts = -1 // set by the handler through the header below
	}
	rt.handler(w, r)
	if n, err := strconv.Atoi(w.Header().Get("X-Sim-Records")); err == nil {
		entry.BatchParts = n
	} else if entry.BatchParts < 0 {
		entry.BatchParts = 0
	}
	return true
}

// applyProblemFault is applyFault for SCAPI routes: the same latency, drops,
// statuses and load headers, with problem documents.
func (s *Server) applyProblemFault(w http.ResponseWriter, r *http.Request, f Fault, beforeDrop func()) bool {
	if f.Latency > 0 || f.Drop {
		if f.Status == 0 && !f.Drop {
			return s.applyFault(w, r, f, beforeDrop)
		}
		if f.Drop {
			return s.applyFault(w, r, Fault{Latency: f.Latency, Drop: true}, beforeDrop)
		}
		s.applyFault(w, r, Fault{Latency: f.Latency}, beforeDrop)
	}
	if f.Status == 0 {
		return true
	}
	switch f.Status {
	case http.StatusTooManyRequests:
		ra := f.RetryAfter
		if ra <= 0 {
			ra = time.Second
		}
		w.Header().Set("Retry-After", seconds(ra))
	case http.StatusServiceUnavailable:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", seconds(f.RetryAfter))
		}
		load, status := "95", "THROTTLE"
		if f.LoadStatus == "WARN" {
			load, status = "85", "WARN"
		}
		w.Header().Set("sfdc_load", load)
		w.Header().Set("sfdc_load_status", status)
	}
	typ := strings.ToLower(strings.ReplaceAll(http.StatusText(f.Status), " ", "-"))
	writeProblem(w, f.Status, typ, http.StatusText(f.Status), "injected fault")
	return false
}

// scapiAuthorized checks the bearer token and that it carries the tenant
// scope and one of the route's API scopes.
func (s *Server) scapiAuthorized(w http.ResponseWriter, r *http.Request, need []string) bool {
	h := r.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(h, " ")
	if h == "" || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		writeProblem(w, http.StatusUnauthorized, "unauthorized", "Unauthorized", "no bearer token")
		return false
	}
	s.mu.Lock()
	exp, known := s.tokens[tok]
	now := s.now()
	s.mu.Unlock()
	if !known || !now.Before(exp) {
		writeProblem(w, http.StatusUnauthorized, "unauthorized", "Unauthorized", "the access token is invalid or has expired")
		return false
	}
	s.scapi.mu.Lock()
	granted := s.scapi.scopes[tok]
	s.scapi.mu.Unlock()
	tenant, api := false, false
	for _, g := range granted {
		if g == scapiTenantScopePrefix+scapi.Tenant(s.OrganizationID()) {
			tenant = true
		}
		for _, n := range need {
			if g == n {
				api = true
			}
		}
	}
	if !tenant || !api {
		writeProblem(w, http.StatusForbidden, "forbidden", "Forbidden",
			"the token lacks the tenant scope or one of the scopes "+strings.Join(need, ", "))
		return false
	}
	return true
}

// scapiStatusKinds maps SCAPI's status resources to the OCAPI kinds.
var scapiStatusKinds = map[string]string{"status": "status", "export-status": "export_status",
	"shipping-status": "shipping_status", "payment-status": "payment_status",
	"confirmation-status": "confirmation_status", "external-status": "external_status"}

func (s *Server) matchSCAPI(r *http.Request) scapiRoute {
	seg := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	for i := range seg {
		if u, err := url.PathUnescape(seg[i]); err == nil {
			seg[i] = u
		}
	}
	read := []string{scapi.ScopeOrders, scapi.ScopeOrdersRW}
	write := []string{scapi.ScopeOrdersRW}
	m := r.Method
	switch {
	case len(seg) >= 6 && seg[0] == "checkout" && seg[1] == "orders" && seg[2] == "v1" && seg[3] == "organizations" && seg[5] == "orders":
		org, rest := seg[4], seg[6:]
		wrongOrg := org != s.OrganizationID()
		switch {
		case len(rest) == 0 && m == http.MethodGet:
			return s.scapiOrgRoute(RouteSCAPIOrderSearch, read, wrongOrg, s.handleSCAPISearch)
		case len(rest) == 1 && m == http.MethodGet:
			return s.scapiOrgRoute(RouteSCAPIOrderGet, read, wrongOrg, func(w http.ResponseWriter, r *http.Request) { s.handleSCAPIGet(w, r, rest[0]) })
		case len(rest) == 1 && m == http.MethodPatch:
			return s.scapiOrgRoute(RouteSCAPIOrderPatch, write, wrongOrg, func(w http.ResponseWriter, r *http.Request) { s.handleSCAPIPatch(w, r, rest[0]) })
		case len(rest) == 2 && m == http.MethodPut && scapiStatusKinds[rest[1]] != "":
			kind := scapiStatusKinds[rest[1]]
			return s.scapiOrgRoute(RouteSCAPIOrderStatus, write, wrongOrg, func(w http.ResponseWriter, r *http.Request) { s.handleSCAPIStatus(w, r, rest[0], kind) })
		}
	case len(seg) >= 5 && seg[0] == "inventory" && seg[2] == "v1" && seg[3] == "organizations":
		group, rest := seg[4], seg[5:]
		wrong := group != s.InventoryGroupID()
		avail := []string{scapi.ScopeInventoryAvailability}
		impex := []string{scapi.ScopeInventoryImpex}
		switch {
		case seg[1] == "availability" && len(rest) == 3 && rest[0] == "availability-records" && rest[1] == "actions" && rest[2] == "batch-update" && m == http.MethodPost:
			return s.scapiOrgRoute(RouteOCIBatch, avail, wrong, s.handleOCIBatch)
		case seg[1] == "impex" && len(rest) == 2 && rest[0] == "availability-records" && rest[1] == "imports" && m == http.MethodPost:
			return s.scapiOrgRoute(RouteOCIImport, impex, wrong, s.handleOCIImportStart)
		case seg[1] == "impex" && len(rest) == 4 && rest[0] == "availability-records" && rest[1] == "imports" && rest[2] == "uploadlink" && m == http.MethodPost:
			return s.scapiOrgRoute(RouteOCIUpload, impex, wrong, func(w http.ResponseWriter, r *http.Request) { s.handleOCIUpload(w, r, rest[3]) })
		case seg[1] == "impex" && len(rest) == 4 && rest[0] == "availability-records" && rest[1] == "imports" && rest[3] == "status" && m == http.MethodGet:
			return s.scapiOrgRoute(RouteOCIImportStatus, impex, wrong, func(w http.ResponseWriter, r *http.Request) { s.handleOCIImportStatus(w, r, rest[2]) })
		case seg[1] == "impex" && len(rest) == 4 && rest[0] == "availability-records" && rest[1] == "imports" && rest[3] == "file-content" && m == http.MethodGet:
			return s.scapiOrgRoute(RouteOCIImportResults, impex, wrong, func(w http.ResponseWriter, r *http.Request) { s.handleOCIImportResults(w, r, rest[2]) })
		}
	}
	return scapiRoute{}
}

func (s *Server) scapiOrgRoute(name string, scopes []string, wrongOrg bool, h func(http.ResponseWriter, *http.Request)) scapiRoute {
	if wrongOrg {
		h = func(w http.ResponseWriter, _ *http.Request) {
			writeProblem(w, http.StatusNotFound, "organization-not-found", "Organization Not Found", "unknown organization or tenant group")
		}
	}
	return scapiRoute{name: name, scopes: scopes, handler: h}
}

// checkSite answers 404 unless the siteId query parameter names the site.
func (s *Server) checkSite(w http.ResponseWriter, r *http.Request) bool {
	if site := r.URL.Query().Get("siteId"); site != s.cfg.site {
		writeProblem(w, http.StatusNotFound, "site-not-found", "Site Not Found", "The given site ID does not reference an existing site.")
		return false
	}
	return true
}

func scapiOrderNotFound(w http.ResponseWriter, no string) {
	writeProblem(w, http.StatusNotFound, "order-not-found", "Order Not Found", fmt.Sprintf("No order with number '%s' was found.", no))
}

func badRequest(w http.ResponseWriter, detail string) {
	writeProblem(w, http.StatusBadRequest, "bad-request", "Bad Request", detail)
}

// handleSCAPIGet is getOrder.
func (s *Server) handleSCAPIGet(w http.ResponseWriter, r *http.Request, no string) {
	if !s.checkSite(w, r) {
		return
	}
	s.mu.Lock()
	o, ok := s.orders[no]
	var body []byte
	var err error
	if ok {
		body, err = sfcc.MarshalSCAPIOrder(o)
	}
	s.mu.Unlock()
	switch {
	case !ok:
		scapiOrderNotFound(w, no)
	case err != nil:
		writeProblem(w, http.StatusInternalServerError, "internal-server-error", "Internal Server Error", "order cannot be encoded")
	default:
		writeRaw(w, http.StatusOK, body)
	}
}

// handleSCAPISearch is getOrders: filters (status, exportStatus,
// shippingStatus, paymentStatus, confirmationStatus as comma lists),
// sortBy creation_date|last_modified_date, sortOrder, offset and limit
// (1..200, offset+limit <= 10000).
func (s *Server) handleSCAPISearch(w http.ResponseWriter, r *http.Request) {
	if !s.checkSite(w, r) {
		return
	}
	q := r.URL.Query()
	limit, offset := 100, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			badRequest(w, "limit must be between 1 and 200")
			return
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			badRequest(w, "offset must not be negative")
			return
		}
		offset = n
	}
	if offset+limit > 10000 {
		badRequest(w, "The sum of the offset and limit parameters cannot be greater than 10000.")
		return
	}
	sortBy, order := q.Get("sortBy"), q.Get("sortOrder")
	if sortBy == "" {
		sortBy = "creation_date"
	}
	if order == "" {
		order = "desc"
	}
	if (sortBy != "creation_date" && sortBy != "last_modified_date") || (order != "asc" && order != "desc") {
		badRequest(w, "sortBy must be creation_date or last_modified_date, sortOrder asc or desc")
		return
	}
	filters := map[string]map[string]bool{}
	for param, kind := range map[string]string{"status": "status", "exportStatus": "export_status", "shippingStatus": "shipping_status",
		"paymentStatus": "payment_status", "confirmationStatus": "confirmation_status"} {
		v := q.Get(param)
		if v == "" {
			continue
		}
		set := map[string]bool{}
		for _, val := range strings.Split(v, ",") {
			model, ok := statusValues[kind][val]
			if !ok {
				badRequest(w, fmt.Sprintf("'%s' is not a valid value of %s", val, param))
				return
			}
			set[model] = true
		}
		filters[kind] = set
	}
	s.mu.Lock()
	var hits []sfcc.Order
	// The simulator serves one site: every order belongs to it whatever
	// SiteID it carries, as getOrder and the OCAPI routes treat it.
	for _, o := range s.orders {
		keep := true
		for kind, set := range filters {
			oc := o
			if !set[*statusField(&oc, kind)] {
				keep = false
			}
		}
		if keep {
			hits = append(hits, o)
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i].OrderDate, hits[j].OrderDate
		if sortBy == "last_modified_date" {
			a, b = hits[i].LastModified, hits[j].LastModified
		}
		if !a.Equal(b) {
			if order == "asc" {
				return a.Before(b)
			}
			return a.After(b)
		}
		return hits[i].OrderNo < hits[j].OrderNo
	})
	var page []json.RawMessage
	var err error
	for i := offset; i < len(hits) && i < offset+limit && err == nil; i++ {
		var b []byte
		b, err = sfcc.MarshalSCAPIOrder(hits[i])
		page = append(page, b)
	}
	s.mu.Unlock()
	if err != nil {
		writeProblem(w, http.StatusInternalServerError, "internal-server-error", "Internal Server Error", "an order cannot be encoded")
		return
	}
	if page == nil {
		page = []json.RawMessage{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": page})
}

// handleSCAPIStatus is the six PUT .../{kind} status updates: 204, 400 for
// a value outside the spec's enum, 404, 409 for a transition SFCC forbids.
func (s *Server) handleSCAPIStatus(w http.ResponseWriter, r *http.Request, no, kind string) {
	if !s.checkSite(w, r) {
		return
	}
	var body map[string]json.RawMessage
	if err := decodeBody(r, &body); err != nil {
		badRequest(w, "the request body is not a JSON object")
		return
	}
	raw, ok := body["status"]
	var value string
	if !ok || json.Unmarshal(raw, &value) != nil || len(body) != 1 {
		badRequest(w, "the body must be {\"status\": <string>} and nothing else")
		return
	}
	model := value
	if kind == "external_status" {
		if value == "" || len(value) > 256 {
			badRequest(w, "external status must be 1 to 256 characters")
			return
		}
	} else if model, ok = statusValues[kind][value]; !ok || value == "open" {
		badRequest(w, fmt.Sprintf("'%s' is not a valid value", value))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[no]
	if !ok {
		scapiOrderNotFound(w, no)
		return
	}
	field := statusField(&o, kind)
	if !TransitionAllowed(kind, *field, model) {
		writeProblem(w, http.StatusConflict, "order-status-transition", "Order Status Transition",
			fmt.Sprintf("order %s: %s cannot change from %s to %s", no, kind, strings.ToLower(*field), value))
		return
	}
	*field = model
	o.LastModified = s.now().UTC()
	s.orders[no] = o
	w.WriteHeader(http.StatusNoContent)
}

// handleSCAPIPatch is updateOrder: c_ fields only, 204.
func (s *Server) handleSCAPIPatch(w http.ResponseWriter, r *http.Request, no string) {
	if !s.checkSite(w, r) {
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		badRequest(w, "the request body cannot be read")
		return
	}
	attrs, removes, fault := parseCustomPatch(raw)
	if fault != nil {
		badRequest(w, fault.Message)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[no]
	if !ok {
		scapiOrderNotFound(w, no)
		return
	}
	o.Custom = applyCustom(o.Custom, attrs, removes)
	o.LastModified = s.now().UTC()
	s.orders[no] = o
	w.WriteHeader(http.StatusNoContent)
}
