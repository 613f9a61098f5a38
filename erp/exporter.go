package erp

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"sync"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/internal/exkind"
	"github.com/o2ckit/o2c/internal/logging"
	"github.com/o2ckit/o2c/internal/redact"
	"github.com/o2ckit/o2c/internal/tracing"
	"github.com/o2ckit/o2c/sfcc"
)

// SFCCOrders is what the Exporter needs of SFCC: the order search, one
// order read, the export status and the order's custom attributes. The
// OCAPI and SCAPI clients satisfy it. The implementation owns retries of
// its calls (see "Transient and permanent" in the package doc).
type SFCCOrders interface {
	// SearchOrders yields every order matching q; an error ends the sequence.
	SearchOrders(ctx context.Context, q sfcc.OrderQuery) iter.Seq2[sfcc.Order, error]
	// GetOrder reads one order.
	GetOrder(ctx context.Context, orderNo string) (sfcc.Order, error)
	// SetExportStatus sets the order's export status.
	SetExportStatus(ctx context.Context, orderNo string, s sfcc.ExportStatus) error
	// PatchOrderCustom sets order custom attributes (ids without "c_"; a
	// nil value removes one).
	PatchOrderCustom(ctx context.Context, orderNo string, attrs map[string]any) error
}

// Exporter defaults.
const (
	// DefaultExportWorkers is how many orders an Exporter exports at once.
	DefaultExportWorkers = 8
	// DefaultExportErrorAttribute is the order custom attribute that holds
	// the reason an export FAILED.
	DefaultExportErrorAttribute = "o2cExportError"
	// DefaultExportErrorLength caps the reason written to the attribute
	// (a String attribute in Business Manager holds 256 characters).
	DefaultExportErrorLength = 250
)

// ExporterConfig configures an Exporter. Orders, Translator, Resolver,
// SalesOrders and Ledger are required.
type ExporterConfig struct {
	// Orders reads and marks SFCC orders.
	Orders SFCCOrders
	// Translator turns an order into a sales order through the mapping tables.
	Translator *Translator
	// Resolver finds or creates the order's customer in the ERP's customer
	// master (normally over the same adapter as SalesOrders).
	Resolver *dedupe.Resolver
	// SalesOrders receives the sales orders; Ledger the journals.
	SalesOrders SalesOrders
	Ledger      Ledger
	// Records remembers each order's export; default a new MemoryExportLedger.
	Records ExportLedger
	// Workers bounds how many orders are exported at once; default
	// DefaultExportWorkers.
	Workers int
	// PageSize is the order search's page size; 0 leaves it to Orders
	// (the OCAPI client asks for the largest page SFCC serves).
	PageSize int
	// ErrorAttribute is the custom attribute that receives the reason an
	// order FAILED; default DefaultExportErrorAttribute.
	ErrorAttribute string
	// ErrorLength caps the reason; default DefaultExportErrorLength.
	ErrorLength int
	// Now stamps reports and ledger records; default time.Now.
	Now func() time.Time
	// Logger receives one line per order not exported; nil discards.
	Logger *slog.Logger
	// MeterProvider receives the OpenTelemetry metrics MetricOrdersExported
	// and MetricOldestReadyAge; nil records nothing (no global provider).
	MeterProvider metric.MeterProvider
	// TracerProvider receives OpenTelemetry spans: SpanExportReady per run
	// and SpanExportOrder per order (ExportOrder, or each order of a run),
	// with the SFCC client's request spans nested under them when the
	// client traces into the same provider. Nil records nothing (no global
	// provider). See "Tracing" in the package doc.
	TracerProvider trace.TracerProvider
}

func (c *ExporterConfig) setDefaults() {
	if c.Records == nil {
		c.Records = &MemoryExportLedger{}
	}
	if c.Workers == 0 {
		c.Workers = DefaultExportWorkers
	}
	if c.ErrorAttribute == "" {
		c.ErrorAttribute = DefaultExportErrorAttribute
	}
	if c.ErrorLength == 0 {
		c.ErrorLength = DefaultExportErrorLength
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.Logger = logging.OrDiscard(c.Logger)
}

// Validate reports the first missing or invalid field as an
// *ConfigError.
func (c ExporterConfig) Validate() error {
	switch {
	case c.Orders == nil:
		return &ConfigError{Field: "Orders", Reason: "required"}
	case c.Translator == nil:
		return &ConfigError{Field: "Translator", Reason: "required"}
	case c.Resolver == nil:
		return &ConfigError{Field: "Resolver", Reason: "required"}
	case c.SalesOrders == nil:
		return &ConfigError{Field: "SalesOrders", Reason: "required"}
	case c.Ledger == nil:
		return &ConfigError{Field: "Ledger", Reason: "required"}
	case c.Workers < 0:
		return &ConfigError{Field: "Workers", Reason: fmt.Sprintf("%d is negative", c.Workers)}
	case c.PageSize < 0 || c.PageSize > sfcc.MaxSearchPageSize:
		return &ConfigError{Field: "PageSize", Reason: fmt.Sprintf("%d is outside 0..%d", c.PageSize, sfcc.MaxSearchPageSize)}
	case c.ErrorLength < 0:
		return &ConfigError{Field: "ErrorLength", Reason: fmt.Sprintf("%d is negative", c.ErrorLength)}
	}
	return nil
}

// Exporter exports SFCC orders to the ERP: for each order it translates the
// order, resolves its customer, creates the sales order, posts the journal
// and marks the order EXPORTED — or FAILED, with the reason in the order's
// error attribute, when the order itself cannot be exported. An order
// whose export met a system that was unavailable is left READY for the
// next run. Every write is keyed on the order number, so exporting an
// order again never makes a second document or journal.
//
// An Exporter is safe for concurrent use; it keeps no goroutine between
// calls.
type Exporter struct {
	cfg    ExporterConfig
	m      exportMetrics
	tracer trace.Tracer
}

// NewExporter validates cfg and returns an Exporter.
func NewExporter(cfg ExporterConfig) (*Exporter, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Exporter{cfg: cfg, m: newExportMetrics(cfg.MeterProvider), tracer: tracing.Tracer(cfg.TracerProvider, meterName)}, nil
}

// ExportOutcome is what an export did to one order.
type ExportOutcome string

// Export outcomes.
const (
	// ExportExported: the ERP holds the sales order and journal and SFCC
	// shows the order EXPORTED.
	ExportExported ExportOutcome = "exported"
	// ExportFailed: the order cannot be exported as it is; SFCC shows it
	// FAILED with the reason (unless SFCC refused that too: see Err).
	ExportFailed ExportOutcome = "failed"
	// ExportUnavailable: a system was unavailable; the order is still
	// READY and the next run exports it.
	ExportUnavailable ExportOutcome = "unavailable"
)

// OrderExport is the result for one order.
type OrderExport struct {
	OrderNo string
	Outcome ExportOutcome
	// DocumentNo and JournalEntryNo are the ERP's numbers (exported orders).
	DocumentNo     string
	JournalEntryNo string
	// CustomerID is the ERP customer the order was booked to.
	CustomerID string
	// Findings are the customer issues resolving met (merge candidates,
	// customer number conflicts) for a person to look at.
	Findings []dedupe.Finding
	// Err is an *ExportError for failed and unavailable orders.
	Err error
}

// ExportReport is the result of one ExportReady run.
type ExportReport struct {
	Started  time.Time
	Finished time.Time
	// Orders holds one result per order the run found, by order number.
	Orders []OrderExport
}

// Count returns how many orders ended with the outcome.
func (r ExportReport) Count(o ExportOutcome) int {
	n := 0
	for _, x := range r.Orders {
		if x.Outcome == o {
			n++
		}
	}
	return n
}

// ExportStep is the step of an export that failed.
type ExportStep string

// Export steps.
const (
	StepSearch    ExportStep = "search"
	StepRead      ExportStep = "read"
	StepTranslate ExportStep = "translate"
	StepCustomer  ExportStep = "customer"
	StepDocument  ExportStep = "sales-order"
	StepJournal   ExportStep = "journal"
	StepMark      ExportStep = "mark"
)

// Owners of an export failure, the teams reconcile routes exceptions to.
const (
	OwnerFinance    = exkind.OwnerFinance
	OwnerEcommerce  = exkind.OwnerEcommerce
	OwnerOperations = exkind.OwnerOperations
)

// ExportError is why one order was not exported: the order, the step, and
// the cause (wrapped: errors.Is and errors.As see it).
type ExportError struct {
	Order string
	Step  ExportStep
	// Transient is true when a system was unavailable and the order stays READY.
	Transient bool
	Err       error
}

// Error names the order and the step.
func (e *ExportError) Error() string {
	if e.Order == "" { // the search, before any order was known
		return fmt.Sprintf("erp: export: %s: %v", e.Step, e.Err)
	}
	return fmt.Sprintf("erp: export of order %s: %s: %v", e.Order, e.Step, e.Err)
}

// Unwrap returns the cause.
func (e *ExportError) Unwrap() error { return e.Err }

// OrderNo is the SFCC order number, the failure's business key.
func (e *ExportError) OrderNo() string { return e.Order }

// Owner is the team that resolves the failure: operations for a system
// that was unavailable, ecommerce for the customer or an SFCC refusal,
// finance for the mapping tables, totals and the ERP's refusals.
func (e *ExportError) Owner() string {
	switch {
	case e.Transient:
		return OwnerOperations
	case e.Step == StepCustomer, e.Step == StepMark, e.Step == StepRead:
		return OwnerEcommerce
	}
	return OwnerFinance
}

// Transient reports whether err means a system could not answer rather
// than that the order cannot be exported: the ERP's ErrUnavailable, an
// error whose Temporary method says so (an SFCC 429 or 5xx), a transport
// failure, or the context ending. See "Transient and permanent" in the
// package doc.
func Transient(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrUnavailable) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var t interface{ Temporary() bool }
	if errors.As(err, &t) && t.Temporary() {
		return true
	}
	var ue *url.Error
	var ne net.Error
	return errors.As(err, &ue) || errors.As(err, &ne)
}

// ObserveReady records MetricOldestReadyAge for orders a host's own search
// found READY (a host that queues ExportOrder per order, as a job engine
// does, instead of calling ExportReady): the age of the oldest, or 0 when
// there is none.
func (x *Exporter) ObserveReady(ctx context.Context, ready []sfcc.Order) {
	x.m.oldest(ctx, ready, x.cfg.Now())
}

// ExportReady exports every order SFCC shows READY, up to Workers at once,
// and reports each. Orders are collected before any is marked, because
// marking shifts the pages of an offset search. When the search fails part
// way, the orders found so far are still exported and the error (an
// *ExportError for StepSearch) is returned with the report; the rest are
// still READY for the next run. A run that finds nothing returns an empty
// report. The context's error is returned when ctx ends.
func (x *Exporter) ExportReady(ctx context.Context) (rep ExportReport, err error) {
	ctx, span := x.tracer.Start(ctx, SpanExportReady)
	defer func() { endRunSpan(span, rep, err) }()
	rep = ExportReport{Started: x.cfg.Now().UTC()}
	var batch []sfcc.Order
	var searchErr error
	for o, err := range x.cfg.Orders.SearchOrders(ctx, sfcc.OrderQuery{ExportStatus: sfcc.ExportStatusReady, PageSize: x.cfg.PageSize}) {
		if err != nil {
			searchErr = &ExportError{Step: StepSearch, Transient: Transient(err), Err: err}
			x.cfg.Logger.WarnContext(ctx, "erp: order search failed; exporting the orders found so far", "found", len(batch), "err", err)
			break
		}
		batch = append(batch, o)
	}
	if searchErr == nil {
		x.m.oldest(ctx, batch, x.cfg.Now())
	}
	rep.Orders = make([]OrderExport, len(batch))
	sem := make(chan struct{}, x.cfg.Workers)
	var wg sync.WaitGroup
	for i, o := range batch {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			rep.Orders[i] = x.unavailable(o.OrderNo, StepRead, ctx.Err())
			x.m.observe(ctx, rep.Orders[i])
			continue
		}
		wg.Go(func() {
			defer func() { <-sem }()
			ctx, span := x.startOrder(ctx, o.OrderNo)
			rep.Orders[i] = x.export(ctx, o)
			endOrderSpan(span, rep.Orders[i])
			x.m.observe(ctx, rep.Orders[i])
		})
	}
	wg.Wait()
	slices.SortStableFunc(rep.Orders, func(a, b OrderExport) int { return cmp.Compare(a.OrderNo, b.OrderNo) })
	rep.Finished = x.cfg.Now().UTC()
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	return rep, searchErr
}

// ExportOrder exports one order whatever its export status — to replay an
// order that FAILED once its mapping is fixed, say. An order already
// EXPORTED makes no new ERP document (the writes are idempotent) and stays
// EXPORTED. The returned error is the result's Err.
func (x *Exporter) ExportOrder(ctx context.Context, orderNo string) (OrderExport, error) {
	ctx, span := x.startOrder(ctx, orderNo)
	res := x.exportOrder(ctx, orderNo)
	endOrderSpan(span, res)
	x.m.observe(ctx, res)
	return res, res.Err
}

func (x *Exporter) exportOrder(ctx context.Context, orderNo string) OrderExport {
	o, err := x.cfg.Orders.GetOrder(ctx, orderNo)
	if err != nil {
		res := x.unavailable(orderNo, StepRead, err)
		if !Transient(err) {
			res.Outcome = ExportFailed
			res.Err.(*ExportError).Transient = false
		}
		return res
	}
	return x.export(ctx, o)
}

func (x *Exporter) unavailable(orderNo string, step ExportStep, err error) OrderExport {
	return OrderExport{OrderNo: orderNo, Outcome: ExportUnavailable,
		Err: &ExportError{Order: orderNo, Step: step, Transient: true, Err: err}}
}

// export runs the steps for one order.
func (x *Exporter) export(ctx context.Context, o sfcc.Order) OrderExport {
	res := OrderExport{OrderNo: o.OrderNo}
	rec, _, err := x.cfg.Records.ExportRecord(ctx, o.OrderNo)
	if err != nil {
		x.cfg.Logger.WarnContext(ctx, "erp: export ledger unreadable; exporting without it", "order_no", o.OrderNo, "err", err)
	}
	fail := func(step ExportStep, err error) OrderExport {
		if Transient(err) {
			x.cfg.Logger.WarnContext(ctx, "erp: export left READY; a system was unavailable", "order_no", o.OrderNo, "step", step, "err", err)
			res.Outcome, res.Err = ExportUnavailable, &ExportError{Order: o.OrderNo, Step: step, Transient: true, Err: err}
			return res
		}
		return x.markFailed(ctx, res, rec, &ExportError{Order: o.OrderNo, Step: step, Err: err})
	}
	so, err := x.cfg.Translator.Translate(o)
	if err != nil {
		return fail(StepTranslate, err)
	}
	cust, err := x.cfg.Resolver.Resolve(ctx, OrderCustomer(o))
	if err != nil {
		return fail(StepCustomer, err)
	}
	res.CustomerID, res.Findings = cust.CustomerID, cust.Findings
	so.Customer.ID = cust.CustomerID

	created, err := x.cfg.SalesOrders.CreateSalesOrder(ctx, so)
	if err != nil {
		return fail(StepDocument, err)
	}
	res.DocumentNo = created.DocumentNo
	if rec.DocumentNo != created.DocumentNo {
		rec = ExportRecord{OrderNo: o.OrderNo, State: ExportStateDocumentCreated, DocumentNo: created.DocumentNo}
		x.record(ctx, rec)
	}
	journal, err := OrderJournal(created)
	if err != nil {
		return fail(StepJournal, err)
	}
	posted, err := x.cfg.Ledger.PostJournal(ctx, journal)
	if err != nil {
		return fail(StepJournal, err)
	}
	res.JournalEntryNo = posted.EntryNo
	if rec.JournalEntryNo != posted.EntryNo {
		rec.State, rec.JournalEntryNo = ExportStateJournalPosted, posted.EntryNo
		x.record(ctx, rec)
	}
	if _, had := o.Custom.Get(x.cfg.ErrorAttribute); had {
		// A replay of an order that failed before: the old reason no
		// longer holds.
		if err := x.cfg.Orders.PatchOrderCustom(ctx, o.OrderNo, map[string]any{x.cfg.ErrorAttribute: nil}); err != nil {
			return fail(StepMark, err)
		}
	}
	// The ledger says exported before SFCC does: a process that dies in
	// between leaves the order READY, so the next run exports it again and
	// writes the same record. The other way round SFCC would show EXPORTED,
	// the order would never be exported again, and the ledger would stay
	// journal-posted for good.
	rec.State, rec.Reason = ExportStateExported, ""
	x.record(ctx, rec)
	if o.Status.Export != sfcc.ExportStatusExported {
		if err := x.cfg.Orders.SetExportStatus(ctx, o.OrderNo, sfcc.ExportStatusExported); err != nil {
			rec.State = ExportStateJournalPosted
			x.record(ctx, rec)
			return fail(StepMark, err)
		}
	}
	res.Outcome = ExportExported
	return res
}

// markFailed writes the reason into the order's error attribute and marks
// it FAILED. When SFCC cannot take that, the order stays READY. prev is the
// order's ledger record as this export last left it (zero if none).
func (x *Exporter) markFailed(ctx context.Context, res OrderExport, prev ExportRecord, e *ExportError) OrderExport {
	// The reason is shown to Business Manager users and kept in the ledger:
	// an ERP's refusal may quote the customer's email.
	reason := redact.EmailsIn(e.Error())
	if len(reason) > x.cfg.ErrorLength {
		reason = truncate(reason, x.cfg.ErrorLength)
	}
	res.Outcome, res.Err = ExportFailed, e
	x.cfg.Logger.WarnContext(ctx, "erp: order cannot be exported", "order_no", e.Order, "step", e.Step, "owner", e.Owner(), "err", e.Err)
	if e.Step == StepMark {
		return res // SFCC refused the order's own status change; do not try another
	}
	// As for an export: the ledger first, so a process that dies before
	// SFCC shows FAILED leaves the order READY for the next run, which
	// writes the same record, and never an order FAILED without a record.
	x.record(ctx, ExportRecord{OrderNo: e.Order, State: ExportStateFailed, Reason: reason})
	err := x.cfg.Orders.PatchOrderCustom(ctx, e.Order, map[string]any{x.cfg.ErrorAttribute: reason})
	if err == nil {
		err = x.cfg.Orders.SetExportStatus(ctx, e.Order, sfcc.ExportStatusFailed)
	}
	if err != nil {
		// The reason is known but SFCC does not show it yet: the order is
		// still READY and the next run reaches the same verdict. The ledger
		// goes back to what it held (a first export has nothing to go back
		// to and keeps the verdict until then).
		if prev.State != "" {
			x.record(ctx, prev)
		}
		res.Outcome = ExportUnavailable
		res.Err = &ExportError{Order: e.Order, Step: StepMark, Transient: Transient(err), Err: errors.Join(e, err)}
		return res
	}
	return res
}

func (x *Exporter) record(ctx context.Context, rec ExportRecord) {
	rec.Updated = x.cfg.Now().UTC()
	if err := x.cfg.Records.PutExportRecord(ctx, rec); err != nil {
		x.cfg.Logger.WarnContext(ctx, "erp: export ledger not updated", "order_no", rec.OrderNo, "state", rec.State, "err", err)
	}
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
