package reconcile

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"

	"github.com/govalues/decimal"
)

//go:embed report.html.tmpl
var reportTemplate string

var reportHTML = template.Must(template.New("report").Funcs(template.FuncMap{
	"bars":  payoutBars,
	"barh":  func() int { return chartBarH },
	"svgh":  func(b []bar) int { return chartHeight(len(b)) },
	"svgw":  func() int { return chartWidth },
	"day":   day,
	"dt":    func(t interface{ Format(string) string }) string { return t.Format("2006-01-02 15:04 MST") },
	"lines": lineRefs,
	"neg":   func(d decimal.Decimal) bool { return d.IsNeg() },
	"nz":    func(d decimal.Decimal) bool { return !d.IsZero() },
	"owner": func(x Exception) string { return string(x.Owner) },
}).Parse(reportTemplate))

// bar is one bar of a payout chart.
type bar struct {
	Label, Value, Class string
	X, Y, Width         int
	TextX               int
}

const (
	chartBarMax  = 300 // px of the longest bar
	chartLabelW  = 120 // px of the label column
	chartWidth   = 560 // px of the whole chart: label, bar, value
	chartRowH    = 22
	chartBarH    = 16
	chartPadding = 4
)

// chartHeight is the height in pixels of a payout chart of n bars.
func chartHeight(n int) int { return n*chartRowH + chartPadding }

// payoutBars lays out the payout's figures as horizontal bars scaled to the
// largest of them; negative figures are drawn in the "out" colour.
func payoutBars(p PayoutSummary) []bar {
	figs := []struct {
		label, class string
		v            decimal.Decimal
	}{
		{"Gross", "in", p.Gross},
		{"Refunds", "out", p.Refunds},
		{"Chargebacks (net)", "out", mustAdd(p.Chargebacks, p.ChargebackReversals)},
		{"Adjust. & FX", "adj", mustAdd(p.Adjustments, p.Conversions)},
		{"Fees", "fee", p.FeeTotal.Neg()},
		{"Net expected", "net", p.NetExpected},
		{"Net paid", "paid", p.NetPaid},
	}
	largest := decimal.Zero
	for _, f := range figs {
		if f.v.CmpAbs(largest) > 0 {
			largest = f.v.Abs()
		}
	}
	out := make([]bar, 0, len(figs))
	for i, f := range figs {
		w := 0
		if !largest.IsZero() {
			if x, err := f.v.Abs().Mul(decimal.MustNew(chartBarMax, 0)); err == nil {
				if q, err := x.Quo(largest); err == nil {
					whole, _, _ := q.Round(0).Int64(0)
					w = int(whole)
				}
			}
		}
		if w == 0 && !f.v.IsZero() {
			w = 1
		}
		// Money out is drawn in the "out" colour, except fees, which keep
		// their own so they stand out from refunds and chargebacks.
		class := f.class
		if f.v.IsNeg() && f.class != "fee" {
			class = "out"
		}
		out = append(out, bar{Label: f.label, Value: fmt.Sprintf("%s %s", f.v, p.Currency), Class: class,
			X: chartLabelW, Y: i*chartRowH + chartPadding, Width: w, TextX: chartLabelW + w + 6})
	}
	return out
}

// WriteHTML writes the report as one self-contained HTML page for finance:
// totals and a bar chart per payout at the top, then the lists. It loads
// nothing from anywhere (inline CSS and SVG, no scripts).
func (r *Report) WriteHTML(w io.Writer) error {
	if err := reportHTML.Execute(w, r); err != nil {
		return fmt.Errorf("reconcile: write HTML report: %w", err)
	}
	return nil
}
