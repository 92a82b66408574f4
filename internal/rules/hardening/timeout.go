package hardening

import (
	"path"
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/rules/lexical"
)

// httpClientNoTimeout reports outbound HTTP calls and clients that wait
// forever on a slow or silent server (catalogue rule 20, Bandit B113).
type httpClientNoTimeout struct{ checks.Described }

func newHTTPClientNoTimeout() *httpClientNoTimeout {
	return &httpClientNoTimeout{checks.Described{M: checks.Meta{
		ID:        "http-client-no-timeout",
		Family:    family,
		Title:     "HTTP call without a timeout",
		Summary:   "An outbound HTTP call or client has no timeout, so a slow or silent server blocks the caller forever.",
		Languages: []diff.Language{diff.Python, diff.Go, diff.JavaScript, diff.TypeScript, diff.Java},
		Severity:  checks.Warning,
		Keywords: []string{
			"requests.", "httpx.", "session.get(", "session.post(", "session.put(", "session.patch(",
			"session.delete(", "session.head(", "session.request(",
			"tp.get(", "tp.post", "tp.head(", "tp.defaultclient", "tp.client{",
			"fetch(", "axios", "got(", "got.",
			"whttpclient(", "pclient.newbuilder(", "nconnection(",
		},
	}}}
}

func (r *httpClientNoTimeout) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	if fc.IsTest {
		return
	}
	switch fc.Lang() {
	case diff.Python:
		r.python(fc, v, i)
	case diff.Go:
		r.golang(fc, v, i)
	case diff.JavaScript, diff.TypeScript:
		r.js(fc, v, i)
	case diff.Java:
		r.java(fc, v, i)
	}
}

var (
	pyHTTPCall    = regexp.MustCompile(`(?:^|[^\w.])(requests|httpx)\.(get|post|put|patch|delete|head|options|request|stream|Client|AsyncClient)\s*\(`)
	pySessionCall = regexp.MustCompile(`(?:^|[^\w.])((?:self\.)?_?session)\.(get|post|put|patch|delete|head|request)\s*\(`)
	pyTimeoutArg  = regexp.MustCompile(`\btimeout\s*=\s*(None\b)?`)
)

func (r *httpClientNoTimeout) python(fc *checks.FileContext, v *checks.HunkView, i int) {
	code := lexical.LineSpan(v, i).Code
	if strings.Contains(code, "requests.") || strings.Contains(code, "httpx.") {
		for _, m := range pyHTTPCall.FindAllStringSubmatchIndex(code, 4) {
			lib, method := code[m[2]:m[3]], code[m[4]:m[5]]
			if lib == "requests" && (method == "Client" || method == "AsyncClient" || method == "stream") {
				continue
			}
			c := readBalanced(v, i, m[1]-1, 15)
			if !c.closed || strings.Contains(c.inner.Code, "**") {
				continue
			}
			t := pyTimeoutArg.FindStringSubmatchIndex(c.inner.Code)
			switch {
			case t != nil && t[2] >= 0:
				report(fc, v, i, checks.Warning, "timeout=None disables the timeout of this "+lib+" call, so a silent server blocks it forever; pass a number of seconds such as timeout=10.")
			case t == nil && lib == "requests":
				// httpx applies a 5 s default; requests waits forever.
				report(fc, v, i, checks.Warning, "requests."+method+"() has no timeout and waits forever on a silent server; pass timeout=(connect, read) seconds, e.g. timeout=10.")
			}
		}
		return
	}
	for _, m := range pySessionCall.FindAllStringSubmatchIndex(code, 4) {
		recv := code[m[2]:m[3]]
		if !requestsSessionIn(v, i, recv) {
			continue
		}
		c := readBalanced(v, i, m[1]-1, 15)
		if !c.closed || strings.Contains(c.inner.Code, "**") || pyTimeoutArg.MatchString(c.inner.Code) {
			continue
		}
		report(fc, v, i, checks.Notice, "A requests.Session call without timeout= waits forever on a silent server (sessions have no default timeout); pass timeout= on every call.")
	}
}

// requestsSessionIn reports whether recv was made a requests.Session on an
// earlier line of the hunk: SQLAlchemy and aiohttp sessions also have get().
func requestsSessionIn(v *checks.HunkView, i int, recv string) bool {
	for j := i - 1; j >= 0 && j >= i-80; j-- {
		t := v.Lines[j].Text
		if !strings.Contains(t, "requests.Session(") {
			continue
		}
		if strings.Contains(t, "as "+recv) || strings.Contains(t, recv+" =") || strings.Contains(t, recv+"=") {
			return true
		}
	}
	return false
}

var (
	goHTTPFunc      = regexp.MustCompile(`\bhttp\.(Get|Post|PostForm|Head)\s*\(`)
	goDefaultClient = regexp.MustCompile(`\bhttp\.DefaultClient\b(\s*\.\s*Timeout\b)?`)
	goClientLit     = regexp.MustCompile(`\bhttp\.Client\{`)
	goCtxDeadline   = regexp.MustCompile(`\bcontext\.With(?:Timeout|Deadline)\s*\(`)
	goSetTimeout    = regexp.MustCompile(`\.Timeout\s*=[^=]`)
)

func (r *httpClientNoTimeout) golang(fc *checks.FileContext, v *checks.HunkView, i int) {
	code := lexical.LineSpan(v, i).Code
	if !strings.Contains(code, "http.") {
		return
	}
	if m := goHTTPFunc.FindStringSubmatchIndex(code); m != nil && !precededByDot(code, m[0]) {
		report(fc, v, i, checks.Warning, "http."+code[m[2]:m[3]]+" uses http.DefaultClient, which has no timeout; use an http.Client with Timeout set (or a request context with a deadline).")
		return
	}
	if m := goDefaultClient.FindStringSubmatchIndex(code); m != nil && !precededByDot(code, m[0]) {
		if m[2] >= 0 {
			return // http.DefaultClient.Timeout = ...: setting one
		}
		for j := i; j >= 0 && j >= i-30; j-- {
			if goCtxDeadline.MatchString(v.Code(j)) {
				return // the request carries a deadline
			}
		}
		report(fc, v, i, checks.Warning, "http.DefaultClient has no timeout, so a silent server blocks this call forever; use an http.Client with Timeout set or a context with a deadline.")
		return
	}
	loc := goClientLit.FindStringIndex(code)
	if loc == nil || precededByDot(code, loc[0]) {
		return
	}
	c := readBalanced(v, i, loc[1]-1, maxSpanLines)
	if !c.closed || topLevelKey(c.inner, "Timeout") {
		return
	}
	for j := c.last + 1; j < len(v.Lines) && j <= c.last+8; j++ {
		if goSetTimeout.MatchString(v.Code(j)) {
			return
		}
	}
	report(fc, v, i, checks.Warning, "This http.Client has no Timeout (zero means none, whatever its Transport sets), so a silent server blocks calls forever; set Timeout: 30 * time.Second or similar.")
}

var (
	jsFetch = regexp.MustCompile(`(?:^|[^\w$.])fetch\s*\(`)
	jsAxios = regexp.MustCompile(`(?:^|[^\w$.])axios(?:\.(get|post|put|patch|delete|head|options|request|create))?\s*\(`)
	jsGot   = regexp.MustCompile(`(?:^|[^\w$.])got(?:\.(get|post|put|patch|delete|head|stream))?\s*\(`)
	jsLimit = regexp.MustCompile(`\b(?:timeout|signal)\b`)
)

func (r *httpClientNoTimeout) js(fc *checks.FileContext, v *checks.HunkView, i int) {
	code := lexical.LineSpan(v, i).Code
	type hit struct {
		what   string
		open   int
		config int // index of the options argument
	}
	var hits []hit
	if strings.Contains(code, "fetch") {
		for _, m := range jsFetch.FindAllStringIndex(code, 4) {
			hits = append(hits, hit{"fetch()", m[1] - 1, 1})
		}
	}
	if strings.Contains(code, "axios") {
		for _, m := range jsAxios.FindAllStringSubmatchIndex(code, 4) {
			method, cfg := "", 0
			if m[2] >= 0 {
				method = code[m[2]:m[3]]
			}
			switch method {
			case "get", "delete", "head", "options":
				cfg = 1
			case "post", "put", "patch":
				cfg = 2
			}
			name := "axios"
			if method != "" {
				name += "." + method
			}
			hits = append(hits, hit{name + "()", m[1] - 1, cfg})
		}
	}
	if strings.Contains(code, "got") {
		for _, m := range jsGot.FindAllStringSubmatchIndex(code, 4) {
			hits = append(hits, hit{"got()", m[1] - 1, 1})
		}
	}
	if len(hits) == 0 {
		return
	}
	info := jsInfo(fc)
	if !info.server {
		return
	}
	for _, h := range hits {
		if strings.HasPrefix(h.what, "axios") && info.axiosTimeout || h.what == "got()" && !info.gotImported {
			continue
		}
		c := readBalanced(v, i, h.open, 20)
		if !c.closed || jsLimit.MatchString(c.inner.Code) || strings.Contains(c.inner.Code, "...") {
			continue
		}
		args := splitTop(c.inner)
		if h.config < len(args) && !strings.HasPrefix(args[h.config].Code, "{") {
			continue // options built elsewhere: not visible here
		}
		if h.config == 0 && len(args) == 0 {
			continue
		}
		msg := h.what + " has no timeout or abort signal, so a silent upstream holds this server-side request open forever; pass "
		switch {
		case h.what == "fetch()":
			msg += "signal: AbortSignal.timeout(ms)."
		case h.what == "got()":
			msg += "timeout: { request: ms }."
		default:
			msg += "timeout: ms (or set it once with axios.create({ timeout }))."
		}
		report(fc, v, i, checks.Notice, msg)
	}
}

// jsFileInfo is what the timeout rule needs to know about a whole JS/TS
// file, read once per file from the lines the diff shows.
type jsFileInfo struct{ server, axiosTimeout, gotImported bool }

func jsInfo(fc *checks.FileContext) jsFileInfo {
	compute := func() (any, error) { return scanJSFile(fc), nil }
	if fc.Run == nil {
		return scanJSFile(fc)
	}
	val, _ := fc.Run.Memo("hardening/js-file\x00"+fc.Path(), compute)
	info, _ := val.(jsFileInfo)
	return info
}

var (
	jsClientMarkers = []string{"'use client'", `"use client"`, "window.", "document.", "useeffect(", "usestate(", "from 'react'", `from "react"`, "localstorage."}
	jsServerMarkers = []string{"require(", "from 'express'", `from "express"`, "'node:", `"node:`, "process.env", "module.exports",
		"exports.handler", "export const handler", "export async function handler", "app.listen(", "from 'fastify'", `from "fastify"`,
		"from 'koa'", `from "koa"`, "@nestjs/", "from 'fs'", `from "fs"`, "'use server'", `"use server"`, "export async function get(",
		"export async function post("}
)

func scanJSFile(fc *checks.FileContext) jsFileInfo {
	var info jsFileInfo
	client, server := false, false
	for _, v := range fc.Views {
		for _, l := range v.Lines {
			t := l.Text
			if len(t) > 4096 {
				t = t[:4096]
			}
			if !client && hasAnyFold(t, jsClientMarkers...) {
				client = true
			}
			if !server && hasAnyFold(t, jsServerMarkers...) {
				server = true
			}
			if !info.axiosTimeout && strings.Contains(t, "axios.defaults.timeout") {
				info.axiosTimeout = true
			}
			if !info.gotImported && (strings.Contains(t, "from 'got'") || strings.Contains(t, `from "got"`) || strings.Contains(t, "require('got')") || strings.Contains(t, `require("got")`)) {
				info.gotImported = true
			}
		}
	}
	switch {
	case client:
		info.server = false
	case server:
		info.server = true
	default:
		info.server = serverPath(fc.Path())
	}
	return info
}

// serverPath judges a JS/TS file without import markers by its location.
func serverPath(p string) bool {
	lower := strings.ToLower(p)
	base := path.Base(lower)
	if strings.HasSuffix(base, ".jsx") || strings.HasSuffix(base, ".tsx") {
		return false
	}
	if strings.Contains(base, ".server.") || strings.HasPrefix(base, "server.") {
		return true
	}
	server := false
	for _, seg := range strings.Split(path.Dir(lower), "/") {
		switch seg {
		case "components", "hooks", "public", "static", "frontend", "client", "ui", "views", "browser", "web":
			return false
		case "server", "api", "backend", "routes", "controllers", "handlers", "lambda", "lambdas", "functions",
			"workers", "jobs", "scripts", "cli", "bin", "cron", "middleware", "webhooks":
			server = true
		}
	}
	return server
}

var (
	javaNewClient   = regexp.MustCompile(`\bHttpClient\.newHttpClient\s*\(\s*\)`)
	javaBuilder     = regexp.MustCompile(`\bHttpClient\.newBuilder\s*\(\s*\)`)
	javaOpenConn    = regexp.MustCompile(`\.openConnection\s*\(`)
	javaReqTimeout  = regexp.MustCompile(`\.timeout\s*\(`)
	javaConnTimeout = regexp.MustCompile(`\.set(?:Connect|Read)Timeout\s*\(`)
)

func (r *httpClientNoTimeout) java(fc *checks.FileContext, v *checks.HunkView, i int) {
	code := lexical.LineSpan(v, i).Code
	switch {
	case javaNewClient.MatchString(code):
		if !hunkHas(v, i, 40, javaReqTimeout) {
			report(fc, v, i, checks.Notice, "HttpClient.newHttpClient() has no connect timeout and requests without .timeout() wait forever; build it with HttpClient.newBuilder().connectTimeout(...) and set HttpRequest timeouts.")
		}
	case javaBuilder.MatchString(code):
		stmt := statementCode(v, i, 15)
		if !strings.Contains(stmt, "connectTimeout") && !hunkHas(v, i, 40, javaReqTimeout) {
			report(fc, v, i, checks.Notice, "This HttpClient is built without connectTimeout(...), so connecting to an unreachable host can hang; add .connectTimeout(Duration.ofSeconds(10)) and per-request .timeout(...).")
		}
	case javaOpenConn.MatchString(code):
		for j := i; j < len(v.Lines) && j <= i+15; j++ {
			if javaConnTimeout.MatchString(v.Code(j)) {
				return
			}
		}
		report(fc, v, i, checks.Notice, "This URLConnection has no connect or read timeout (both default to infinite); call setConnectTimeout(...) and setReadTimeout(...) before connecting.")
	}
}

// hunkHas reports whether re matches the code of a line within dist lines
// of i, either way.
func hunkHas(v *checks.HunkView, i, dist int, re *regexp.Regexp) bool {
	for j := max(0, i-dist); j < len(v.Lines) && j <= i+dist; j++ {
		if re.MatchString(v.Code(j)) {
			return true
		}
	}
	return false
}

// statementCode joins the code of line i and the following lines up to the
// first one that ends the statement with ';' (at most n lines).
func statementCode(v *checks.HunkView, i, n int) string {
	var b strings.Builder
	for j := i; j < len(v.Lines) && j < i+n; j++ {
		c := v.Code(j)
		b.WriteString(c)
		b.WriteByte('\n')
		if strings.Contains(c, ";") {
			break
		}
	}
	return b.String()
}
