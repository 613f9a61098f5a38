package erpsql_test

import (
	"context"
	"fmt"
	"iter"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erpsql"
	"github.com/o2ckit/o2c/erp/erptest"
	"github.com/o2ckit/o2c/internal/sqlstore/sqlstoretest"
	"github.com/o2ckit/o2c/mapping"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/sfcctest/ordergen"
)

// countingLedger counts the store round trips the Exporter makes.
type countingLedger struct {
	erp.ExportLedger
	calls atomic.Int64
}

func (c *countingLedger) ExportRecord(ctx context.Context, no string) (erp.ExportRecord, bool, error) {
	c.calls.Add(1)
	return c.ExportLedger.ExportRecord(ctx, no)
}

func (c *countingLedger) PutExportRecord(ctx context.Context, rec erp.ExportRecord) error {
	c.calls.Add(1)
	return c.ExportLedger.PutExportRecord(ctx, rec)
}

// memoryOrders is SFCC as the Exporter sees it, in memory, so the
// benchmark measures the export and its ledger rather than HTTP.
type memoryOrders struct {
	mu     sync.Mutex
	orders map[string]sfcc.Order
}

func (m *memoryOrders) SearchOrders(context.Context, sfcc.OrderQuery) iter.Seq2[sfcc.Order, error] {
	return func(func(sfcc.Order, error) bool) {}
}

func (m *memoryOrders) GetOrder(_ context.Context, no string) (sfcc.Order, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.orders[no]
	if !ok {
		return sfcc.Order{}, sfcc.ErrNotFound
	}
	return o, nil
}

func (m *memoryOrders) SetExportStatus(_ context.Context, no string, s sfcc.ExportStatus) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	o := m.orders[no]
	o.Status.Export = s
	m.orders[no] = o
	return nil
}

func (m *memoryOrders) PatchOrderCustom(context.Context, string, map[string]any) error { return nil }

type benchStore struct {
	name   string
	ledger *countingLedger
	x      *erp.Exporter
	orders *memoryOrders
	spent  time.Duration
}

func newBenchStore(b *testing.B, name string, l erp.ExportLedger, tr *erp.Translator) *benchStore {
	fake := erptest.New()
	res, err := dedupe.NewResolver(dedupe.Config{Directory: fake})
	if err != nil {
		b.Fatal(err)
	}
	s := &benchStore{name: name, ledger: &countingLedger{ExportLedger: l}, orders: &memoryOrders{orders: map[string]sfcc.Order{}}}
	s.x, err = erp.NewExporter(erp.ExporterConfig{Orders: s.orders, Translator: tr, Resolver: res,
		SalesOrders: fake, Ledger: fake, Records: s.ledger})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkExporter_PerOrder exports one generated order per iteration
// through an Exporter per ledger — in memory (the baseline), SQLite and,
// when reachable, PostgreSQL — against an in-memory SFCC and the fake ERP,
// interleaved so each measures the same work in the same run. It reports
// each ledger's ns per exported order, its ratio to the baseline, its
// overhead in µs per order, and the ledger round trips per order.
func BenchmarkExporter_PerOrder(b *testing.B) {
	tables, err := mapping.Load(os.DirFS("../../examples/o2c/tables"))
	if err != nil {
		b.Fatal(err)
	}
	tr, err := erp.NewTranslator(erp.TranslatorConfig{Tables: tables, RoundingTolerance: decimal.MustParse("0.02")})
	if err != nil {
		b.Fatal(err)
	}
	stores := []*benchStore{
		newBenchStore(b, "memory", &erp.MemoryExportLedger{}, tr),
		newBenchStore(b, "sqlite", erpsql.NewExportLedger(sqlstoretest.Open(b, sqlstoretest.SQLiteDSN(b))), tr),
	}
	if sqlstoretest.PostgresURL() != "" {
		stores = append(stores, newBenchStore(b, "postgres", erpsql.NewExportLedger(sqlstoretest.Open(b, sqlstoretest.PostgresDSN(b))), tr))
	}
	gen := ordergen.New(1, time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))
	ctx := context.Background()
	exported := 0
	for i := 0; b.Loop(); i++ {
		o := gen.Order()
		o.OrderNo = fmt.Sprintf("B%08d", i)
		for _, s := range stores {
			s.orders.mu.Lock()
			s.orders.orders[o.OrderNo] = o
			s.orders.mu.Unlock()
			start := time.Now()
			res, err := s.x.ExportOrder(ctx, o.OrderNo)
			s.spent += time.Since(start)
			if err != nil && res.Outcome != erp.ExportFailed {
				b.Fatalf("%s: order %s: %v", s.name, o.OrderNo, err)
			}
			if s.name == "memory" && res.Outcome == erp.ExportExported {
				exported++
			}
		}
	}
	base := float64(stores[0].spent) / float64(b.N)
	for i, s := range stores {
		per := float64(s.spent) / float64(b.N)
		b.ReportMetric(per, s.name+"-ns/order")
		b.ReportMetric(float64(s.ledger.calls.Load())/float64(b.N), s.name+"-roundtrips/order")
		if i > 0 {
			b.ReportMetric(per/base, s.name+"/memory")
			b.ReportMetric((per-base)/1e3, s.name+"-overhead-µs/order")
		}
	}
	b.ReportMetric(float64(exported)/float64(b.N), "exported/order")
}

// BenchmarkExportLedger_RoundTripsPerOrder is the ledger traffic of one
// first export alone — the read, then document created, journal posted and
// exported — on each ledger, interleaved, with the same metrics.
func BenchmarkExportLedger_RoundTripsPerOrder(b *testing.B) {
	type store struct {
		name  string
		l     erp.ExportLedger
		spent time.Duration
	}
	stores := []*store{{name: "memory", l: &erp.MemoryExportLedger{}},
		{name: "sqlite", l: erpsql.NewExportLedger(sqlstoretest.Open(b, sqlstoretest.SQLiteDSN(b)))}}
	if sqlstoretest.PostgresURL() != "" {
		stores = append(stores, &store{name: "postgres", l: erpsql.NewExportLedger(sqlstoretest.Open(b, sqlstoretest.PostgresDSN(b)))})
	}
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		no := fmt.Sprintf("R%08d", i)
		for _, s := range stores {
			start := time.Now()
			if _, _, err := s.l.ExportRecord(ctx, no); err != nil {
				b.Fatal(err)
			}
			rec := erp.ExportRecord{OrderNo: no, State: erp.ExportStateDocumentCreated, DocumentNo: "SO" + no, Updated: time.Unix(1, 0)}
			for _, st := range []erp.ExportState{erp.ExportStateDocumentCreated, erp.ExportStateJournalPosted, erp.ExportStateExported} {
				rec.State, rec.JournalEntryNo = st, "JE"+no
				if err := s.l.PutExportRecord(ctx, rec); err != nil {
					b.Fatal(err)
				}
			}
			s.spent += time.Since(start)
		}
	}
	base := float64(stores[0].spent) / float64(b.N)
	for i, s := range stores {
		per := float64(s.spent) / float64(b.N)
		b.ReportMetric(per, s.name+"-ns/order")
		if i > 0 {
			b.ReportMetric(per/base, s.name+"/memory")
			b.ReportMetric((per-base)/1e3, s.name+"-overhead-µs/order")
		}
	}
}
