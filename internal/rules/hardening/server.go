package hardening

import (
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/rules/lexical"
)

// goServerNoTimeouts reports Go HTTP servers that never time out a slow
// client (catalogue rule 21 companion; gosec G112 and G114).
type goServerNoTimeouts struct{ checks.Described }

func newGoServerNoTimeouts() *goServerNoTimeouts {
	return &goServerNoTimeouts{checks.Described{M: checks.Meta{
		ID:        "go-http-server-no-timeouts",
		Family:    family,
		Title:     "Go HTTP server without timeouts",
		Summary:   "A Go HTTP server is started without ReadHeaderTimeout or ReadTimeout, so slow clients (Slowloris) can hold its connections open forever.",
		Languages: []diff.Language{diff.Go},
		Severity:  checks.Warning,
		Keywords:  []string{"listenandserve", "tp.serve", "tp.server{"},
	}}}
}

var (
	goServeFunc   = regexp.MustCompile(`\bhttp\.(ListenAndServe|ListenAndServeTLS|Serve|ServeTLS)\s*\(`)
	goServerLit   = regexp.MustCompile(`\bhttp\.Server\{`)
	goSetReadTime = regexp.MustCompile(`\.Read(?:Header)?Timeout\s*=[^=]`)
)

func (r *goServerNoTimeouts) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	if fc.IsTest {
		return
	}
	code := lexical.LineSpan(v, i).Code
	if !strings.Contains(code, "http.") {
		return
	}
	if m := goServeFunc.FindStringSubmatchIndex(code); m != nil && !precededByDot(code, m[0]) {
		report(fc, v, i, r.M.Severity, "http."+code[m[2]:m[3]]+" serves with no timeouts at all, so slow clients can hold connections open forever; start an &http.Server{ReadHeaderTimeout: ..., ReadTimeout: ..., WriteTimeout: ..., IdleTimeout: ...} instead.")
		return
	}
	loc := goServerLit.FindStringIndex(code)
	if loc == nil || precededByDot(code, loc[0]) {
		return
	}
	c := readBalanced(v, i, loc[1]-1, maxSpanLines)
	if !c.closed || topLevelKey(c.inner, "ReadHeaderTimeout") || topLevelKey(c.inner, "ReadTimeout") {
		return
	}
	for j := c.last + 1; j < len(v.Lines) && j <= c.last+10; j++ {
		if goSetReadTime.MatchString(v.Code(j)) {
			return
		}
	}
	report(fc, v, i, r.M.Severity, "This http.Server sets neither ReadHeaderTimeout nor ReadTimeout, so a client that sends headers slowly (Slowloris) holds a connection forever; set ReadHeaderTimeout (and Read/Write/IdleTimeout).")
}
