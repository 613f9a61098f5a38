package opsmetrics_test

import (
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/model"
	"go.yaml.in/yaml/v3"

	"github.com/o2ckit/o2c/internal/opsmetrics"
)

// ruleFile is the shape of a Prometheus alerting rule file.
type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// yamlBlocks returns the ```yaml blocks of a Markdown document.
func yamlBlocks(t *testing.T, md string) []string {
	t.Helper()
	var blocks []string
	var cur *strings.Builder
	for _, line := range strings.Split(md, "\n") {
		switch {
		case cur == nil && strings.TrimSpace(line) == "```yaml":
			cur = &strings.Builder{}
		case cur != nil && strings.TrimSpace(line) == "```":
			blocks = append(blocks, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(line + "\n")
		}
	}
	if cur != nil {
		t.Fatal("docs/alerts.md: a ```yaml block is not closed")
	}
	return blocks
}

// githubAnchors returns the anchors GitHub gives the headings of a
// Markdown document: lower case, punctuation other than '-' and '_'
// dropped, spaces turned into '-', repeats suffixed -1, -2...
func githubAnchors(md string) map[string]bool {
	anchors := map[string]bool{}
	seen := map[string]int{}
	inCode := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inCode = !inCode
		}
		if inCode || !strings.HasPrefix(line, "#") {
			continue
		}
		text := strings.TrimSpace(strings.TrimLeft(line, "#"))
		var b strings.Builder
		for _, r := range strings.ToLower(text) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'):
				b.WriteRune(r)
			}
		}
		slug := b.String()
		if n := seen[slug]; n > 0 {
			anchors[slug+"-"+strconv.Itoa(n)] = true
		} else {
			anchors[slug] = true
		}
		seen[slug]++
	}
	return anchors
}

// synthesized are series Prometheus adds itself to every target.
var synthesized = map[string]bool{"up": true, "scrape_duration_seconds": true}

var (
	promqlKeywords = map[string]bool{"and": true, "or": true, "unless": true, "by": true, "without": true, "on": true,
		"ignoring": true, "group_left": true, "group_right": true, "bool": true, "offset": true, "inf": true, "nan": true}
	stringLit  = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	rangeSel   = regexp.MustCompile(`\[[^\]]*\]`)
	grouping   = regexp.MustCompile(`\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)`)
	selector   = regexp.MustCompile(`([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}`)
	matcherKey = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)`)
	ident      = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*(\s*\()?`)
)

// family maps a series name in an expression to the scraped family it
// belongs to: a histogram's _bucket, _count and _sum are its family's.
func family(fams map[string]*dto.MetricFamily, name string) (*dto.MetricFamily, bool) {
	if f, ok := fams[name]; ok {
		return f, true
	}
	for _, suf := range []string{"_bucket", "_count", "_sum"} {
		if base, ok := strings.CutSuffix(name, suf); ok {
			if f, ok := fams[base]; ok && f.GetType() == dto.MetricType_HISTOGRAM {
				return f, true
			}
		}
	}
	return nil, false
}

func hasLabel(f *dto.MetricFamily, label string) bool {
	if label == "le" && f.GetType() == dto.MetricType_HISTOGRAM {
		return true
	}
	for _, m := range f.GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == label {
				return true
			}
		}
	}
	return false
}

// exprRefs returns the series names an expression reads, the label names
// its selectors match on (per series name) and the labels it groups by.
func exprRefs(expr string) (names []string, matchers map[string][]string, groupBy []string) {
	matchers = map[string][]string{}
	for _, m := range selector.FindAllStringSubmatch(expr, -1) {
		for _, k := range matcherKey.FindAllStringSubmatch(stringLit.ReplaceAllString(m[2], `""`), -1) {
			matchers[m[1]] = append(matchers[m[1]], k[1])
		}
	}
	rest := stringLit.ReplaceAllString(expr, `""`)
	rest = rangeSel.ReplaceAllString(rest, "")
	for _, g := range grouping.FindAllStringSubmatch(rest, -1) {
		for _, l := range strings.Split(g[2], ",") {
			if l = strings.TrimSpace(l); l != "" {
				groupBy = append(groupBy, l)
			}
		}
	}
	rest = grouping.ReplaceAllString(rest, " ")
	rest = regexp.MustCompile(`\{[^}]*\}`).ReplaceAllString(rest, " ")
	for _, id := range ident.FindAllString(rest, -1) {
		if strings.HasSuffix(id, "(") || promqlKeywords[strings.ToLower(id)] {
			continue // a function call or an operator
		}
		names = append(names, id)
	}
	return names, matchers, groupBy
}

// docs/alerts.md cannot drift from the code: every rule is complete, links
// a section of the operating manual that exists, and reads only series —
// and labels — the plumbing exports in a scrape of the real components.
func TestAlertsDoc_RulesMatchTheScrapeAndTheManual(t *testing.T) {
	alerts, err := os.ReadFile("../../docs/alerts.md")
	if err != nil {
		t.Fatal(err)
	}
	manual, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	anchors := githubAnchors(string(manual))
	const manualURL = "https://github.com/o2ckit/o2c/blob/main/docs/operations.md#"

	d := runDay(t, opsmetrics.Config{
		OpenExceptions: func(context.Context) (map[opsmetrics.ExceptionGroup]int64, error) {
			return map[opsmetrics.ExceptionGroup]int64{{Owner: "operations", Kind: "unclassified"}: 1}, nil
		},
		JobQueue: func(context.Context) (map[opsmetrics.JobGroup]int64, error) {
			return map[opsmetrics.JobGroup]int64{{Kind: "export_order", State: opsmetrics.JobAvailable}: 1}, nil
		},
		LastSuccess: func(context.Context) (map[string]time.Time, error) {
			return map[string]time.Time{"export": start}, nil
		},
	})
	fams := scrape(t, d.metrics.Handler())

	rules := 0
	covered := map[string]bool{}
	for i, block := range yamlBlocks(t, string(alerts)) {
		var top map[string]any
		if err := yaml.Unmarshal([]byte(block), &top); err != nil {
			t.Errorf("yaml block %d does not parse: %v", i+1, err)
			continue
		}
		if _, ok := top["groups"]; !ok {
			continue // a scrape_config example
		}
		var rf ruleFile
		if err := yaml.Unmarshal([]byte(block), &rf); err != nil {
			t.Errorf("yaml block %d is not a rule file: %v", i+1, err)
			continue
		}
		for _, g := range rf.Groups {
			if g.Name == "" || len(g.Rules) == 0 {
				t.Errorf("yaml block %d: a group without a name or rules", i+1)
			}
			for _, r := range g.Rules {
				rules++
				where := g.Name + "/" + r.Alert
				if r.Alert == "" || strings.TrimSpace(r.Expr) == "" || r.For == "" {
					t.Errorf("%s: alert, expr and for are required (expr %q, for %q)", where, r.Expr, r.For)
				}
				if _, err := model.ParseDuration(r.For); err != nil {
					t.Errorf("%s: for %q: %v", where, r.For, err)
				}
				if s := r.Labels["severity"]; s != "critical" && s != "warning" && s != "info" {
					t.Errorf("%s: severity %q, want critical, warning or info", where, s)
				}
				if r.Labels["owner"] == "" {
					t.Errorf("%s: no owner label", where)
				}
				if r.Annotations["summary"] == "" {
					t.Errorf("%s: no summary", where)
				}
				anchor, ok := strings.CutPrefix(r.Annotations["runbook_url"], manualURL)
				if !ok || !anchors[anchor] {
					t.Errorf("%s: runbook_url %q is not a heading of docs/operations.md", where, r.Annotations["runbook_url"])
				}
				names, matchers, groupBy := exprRefs(r.Expr)
				if len(names) == 0 {
					t.Errorf("%s: expr %q reads no series", where, r.Expr)
				}
				var used []*dto.MetricFamily
				for _, n := range names {
					if synthesized[n] {
						continue
					}
					f, ok := family(fams, n)
					if !ok {
						t.Errorf("%s: expr reads %s, which the scrape does not have", where, n)
						continue
					}
					covered[f.GetName()] = true
					used = append(used, f)
					for _, l := range matchers[n] {
						if !hasLabel(f, l) {
							t.Errorf("%s: expr matches label %s on %s, which has no such label", where, l, n)
						}
					}
				}
				for _, l := range groupBy {
					found := len(used) == 0
					for _, f := range used {
						found = found || hasLabel(f, l)
					}
					if !found {
						t.Errorf("%s: expr groups by %s, which none of its series has", where, l)
					}
				}
			}
		}
	}
	if rules < 10 {
		t.Errorf("docs/alerts.md has %d rules; did the yaml blocks move?", rules)
	}
	// Every o2c metric an operator can scrape has a rule.
	for _, n := range names(fams) {
		if strings.HasPrefix(n, "o2c_") && !covered[n] {
			t.Errorf("%s is scraped but no rule in docs/alerts.md reads it", n)
		}
	}
}

// The checks themselves catch what they are for.
func TestAlertsDoc_ChecksCatchDrift(t *testing.T) {
	names, matchers, groupBy := exprRefs(`sum by (owner, le) (rate(o2c_x_bucket{step="a b", kind=~"x|y"}[5m])) / on () sum(o2c_y) > 0 and up == 1`)
	if strings.Join(names, ",") != "o2c_x_bucket,o2c_y,up" {
		t.Errorf("names %v", names)
	}
	if strings.Join(matchers["o2c_x_bucket"], ",") != "step,kind" {
		t.Errorf("matchers %v", matchers)
	}
	if strings.Join(groupBy, ",") != "owner,le" {
		t.Errorf("group by %v", groupBy)
	}
	a := githubAnchors("# Manual\n### system-unavailable — operations\n## Exceptions\n## Exceptions\n```\n# not a heading\n```\n")
	for _, want := range []string{"manual", "system-unavailable--operations", "exceptions", "exceptions-1"} {
		if !a[want] {
			t.Errorf("anchor %s missing from %v", want, a)
		}
	}
	if a["not-a-heading"] {
		t.Errorf("a comment in a code block became an anchor")
	}
}
