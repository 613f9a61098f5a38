package ocapi_test

import (
	"context"
	"fmt"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// Trace the SFCC calls of a job: give the client the host's
// TracerProvider and every call becomes a span under the job's span, named
// by method and route template (order numbers folded out). Here an
// in-memory exporter stands in for the host's OTLP exporter.
func ExampleConfig_tracerProvider() {
	sim := sfcctest.NewServer()
	defer sim.Close()
	sim.AddOrders(sfcc.Order{OrderNo: "00000101", Currency: "GBP",
		Status: sfcc.StatusSet{Order: sfcc.OrderStatusNew, Export: sfcc.ExportStatusReady}})

	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	client, err := ocapi.NewClient(ocapi.Config{
		Host:           sim.URL(),
		Site:           sim.Site(),
		ClientID:       sim.ClientID(),
		Secret:         sfcc.StaticSecret(sim.ClientSecret()),
		TokenURL:       sim.TokenURL(),
		TracerProvider: tp,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, job := tp.Tracer("nightly-export").Start(context.Background(), "mark exported")
	if err := client.SetExportStatus(ctx, "00000101", sfcc.ExportStatusExported); err != nil {
		fmt.Println(err)
	}
	job.End()
	for _, s := range spans.GetSpans() {
		fmt.Println(s.Name)
	}
	// Output:
	// sfcc POST /dwsso/oauth2/access_token
	// sfcc PUT /s/-/dw/data/v25_6/sites/{}/orders/{}/export_status
	// mark exported
}
