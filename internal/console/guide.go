package console

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/yuin/goldmark"

	"github.com/o2ckit/o2c/reconcile"
)

// GuideSections splits operations documentation into its per-kind
// sections: the Markdown under each "### <kind> — <owner>" heading, up to
// the next heading of level 1 to 3. Lines inside fenced code blocks are
// never taken for headings.
func GuideSections(md []byte) map[reconcile.Kind]string {
	secs := map[reconcile.Kind]string{}
	var (
		kind    reconcile.Kind
		body    strings.Builder
		inFence bool
		fence   string
	)
	flush := func() {
		if kind != "" {
			if _, dup := secs[kind]; !dup { // the first section of a kind wins
				secs[kind] = strings.TrimSpace(body.String())
			}
		}
		kind = ""
		body.Reset()
	}
	for line := range strings.Lines(string(md)) {
		trimmed := strings.TrimRight(line, "\r\n")
		if f := fenceOf(trimmed); f != "" && (!inFence || strings.HasPrefix(strings.TrimLeft(trimmed, " "), fence)) {
			if inFence {
				inFence = false
			} else {
				inFence, fence = true, f
			}
		} else if !inFence && isHeading(trimmed) {
			flush()
			if k, ok := kindHeading(trimmed); ok {
				kind = k
			}
			continue
		}
		if kind != "" {
			body.WriteString(trimmed)
			body.WriteByte('\n')
		}
	}
	flush()
	return secs
}

// fenceOf is the fence ("```" or "~~~") a line opens or closes, or "".
func fenceOf(line string) string {
	l := strings.TrimLeft(line, " ")
	if len(line)-len(l) > 3 {
		return ""
	}
	for _, f := range []string{"```", "~~~"} {
		if strings.HasPrefix(l, f) {
			return f
		}
	}
	return ""
}

// isHeading reports an ATX heading of level 1 to 3.
func isHeading(line string) bool {
	for _, p := range []string{"# ", "## ", "### "} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

// kindHeading reads "### <kind> — <owner>".
func kindHeading(line string) (reconcile.Kind, bool) {
	rest, ok := strings.CutPrefix(line, "### ")
	if !ok {
		return "", false
	}
	kind, _, ok := strings.Cut(rest, " — ")
	kind = strings.TrimSpace(kind)
	if !ok || kind == "" || strings.ContainsAny(kind, " \t") {
		return "", false
	}
	return reconcile.Kind(kind), true
}

// renderGuide turns each section into HTML. goldmark's default renderer
// drops raw HTML and dangerous link targets (javascript: and the like), so
// the result is safe to embed even if the documentation were not.
func renderGuide(md []byte) (map[reconcile.Kind]template.HTML, error) {
	out := map[reconcile.Kind]template.HTML{}
	gm := goldmark.New()
	for k, src := range GuideSections(md) {
		var b bytes.Buffer
		if err := gm.Convert([]byte(src), &b); err != nil {
			return nil, err
		}
		out[k] = template.HTML(b.String()) // safe: goldmark without WithUnsafe drops raw HTML
	}
	return out, nil
}
