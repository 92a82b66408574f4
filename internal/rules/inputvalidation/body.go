package inputvalidation

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/rules/lexical"
)

// requestBodyUnbounded reports request bodies read whole with no size
// limit, and body-size limits raised to 10 MB or more (or switched off).
type requestBodyUnbounded struct{ checks.Described }

func newRequestBodyUnbounded() *requestBodyUnbounded {
	return &requestBodyUnbounded{checks.Described{M: checks.Meta{
		ID:        "request-body-unbounded",
		Family:    family,
		Title:     "Request body read without a size limit",
		Summary:   "A request body is read or parsed with no size limit (memory exhaustion, denial of service).",
		Languages: []diff.Language{diff.Go, diff.JavaScript, diff.TypeScript, diff.Java, diff.Properties, diff.YAML},
		Severity:  checks.Warning,
		Keywords: []string{"readall(", "json.newdecoder(", "parsemultipartform(", "express.", "bodyparser.", "multer(",
			"readallbytes(", "tobytearray(", "copytobytearray(", "ioutils.tostring(", "max-file-size", "max-request-size",
			"maxfilesize", "maxrequestsize"},
	}}}
}

var (
	goBodyRead    = regexp.MustCompile(`\b(?:io|ioutil)\.ReadAll\s*\(\s*(?:r|req|request|c\.Request)\.Body\s*\)|\bjson\.NewDecoder\s*\(\s*(?:r|req|request|c\.Request)\.Body\s*\)|\b(?:r|req|request|c\.Request)\.ParseMultipartForm\s*\(`)
	goBodyLimit   = regexp.MustCompile(`\bMaxBytesReader\b|\bLimitReader\b|\bMaxBytesHandler\b`)
	goFuncStart   = regexp.MustCompile(`^func\b|\bfunc\s*\(\s*\w+\s+http\.ResponseWriter`)
	jsBodyParser  = regexp.MustCompile(`\b(?:express|bodyParser)\.(?:json|urlencoded|raw|text)\s*\(`)
	jsLimit       = regexp.MustCompile(`\blimit\s*:\s*(?:(['"])\s*([\d.]+)\s*([kmgt]?b)?\s*['"]|([\d\s*.]+)\b|(Infinity))`)
	jsMulter      = regexp.MustCompile(`(?:^|[^\w$.])multer\s*\(`)
	javaBodyRead  = regexp.MustCompile(`\b(?:request|req|httpRequest|servletRequest|httpServletRequest)\.getInputStream\(\)\s*\.\s*readAllBytes\s*\(|\b(?:IOUtils\.(?:toByteArray|toString)|StreamUtils\.copyToByteArray|ByteStreams\.toByteArray)\s*\(\s*(?:request|req|httpRequest|servletRequest|httpServletRequest)\.getInputStream\(\)|\bgetRequestBody\(\)\s*\.\s*readAllBytes\s*\(`)
	configNoLimit = regexp.MustCompile(`(?i)\bmax-?(?:file|request)-?size\s*[=:]\s*["']?-1\b`)
)

// tenMB is the body-parser limit from which the catalogue reports.
const tenMB = 10 << 20

func (r *requestBodyUnbounded) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	code := lexical.LineSpan(v, i).Code
	switch fc.Lang() {
	case diff.Go:
		if !hasAny(code, ".Body", "ParseMultipartForm") {
			return
		}
		if loc := goBodyRead.FindStringIndex(code); loc != nil && !r.goLimited(v, i) {
			what := "The request body is read whole with no size limit"
			if strings.Contains(code[loc[0]:loc[1]], "ParseMultipartForm") {
				what = "ParseMultipartForm bounds only the memory it uses: the upload itself is unbounded and spills to disk"
			}
			report(fc, v, i, severity(fc, r.M.Severity, false),
				what+"; wrap it first with r.Body = http.MaxBytesReader(w, r.Body, limit).")
		}
	case diff.JavaScript, diff.TypeScript:
		if loc := jsBodyParser.FindStringIndex(code); loc != nil {
			c := readCall(v, i, callOpen(code, loc))
			if n, ok := bodyLimit(c.inner.Raw); ok && n >= tenMB {
				report(fc, v, i, severity(fc, checks.Notice, false),
					"The body parser accepts bodies of 10 MB or more; keep the default (100 kB) and raise it only on the routes that need it.")
			}
			return
		}
		if loc := jsMulter.FindStringIndex(code); loc != nil {
			c := readCall(v, i, callOpen(code, loc))
			if !c.closed || strings.Contains(c.inner.Code, "limits") {
				return
			}
			if len(c.args) == 1 && isPlainIdent(strings.TrimSpace(c.args[0].Code)) {
				return // options built elsewhere: not visible here
			}
			report(fc, v, i, severity(fc, checks.Notice, false),
				"multer is configured without limits, so uploads of any size and number are accepted; set limits: { fileSize, files }.")
		}
	case diff.Java:
		if javaBodyRead.MatchString(code) {
			report(fc, v, i, severity(fc, checks.Notice, false),
				"The request body is read whole into memory with no size limit; check the Content-Length and read through a bounded stream (BoundedInputStream) instead.")
		}
	case diff.Properties, diff.YAML:
		if configNoLimit.MatchString(code) {
			report(fc, v, i, severity(fc, checks.Notice, false),
				"The upload size limit is switched off (-1); set a bound such as 10MB.")
		}
	}
}

// goLimited reports a MaxBytesReader or LimitReader in the function around
// line i: from the line back to the func that encloses it.
func (r *requestBodyUnbounded) goLimited(v *checks.HunkView, i int) bool {
	for j := i; j >= 0 && j >= i-80; j-- {
		t := v.Lines[j].Text
		if goBodyLimit.MatchString(t) {
			return true
		}
		if j < i && goFuncStart.MatchString(t) {
			return false
		}
	}
	return false
}

// bodyLimit parses a body-parser limit option: '50mb', "1gb", 10485760,
// 50 * 1024 * 1024, or Infinity.
func bodyLimit(opts string) (int64, bool) {
	m := jsLimit.FindStringSubmatch(opts)
	if m == nil {
		return 0, false
	}
	if m[5] != "" {
		return 1 << 62, true
	}
	if m[1] != "" {
		f, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			return 0, false
		}
		mult := float64(1)
		switch strings.ToLower(m[3]) {
		case "kb":
			mult = 1 << 10
		case "mb":
			mult = 1 << 20
		case "gb":
			mult = 1 << 30
		case "tb":
			mult = 1 << 40
		}
		return int64(f * mult), true
	}
	prod := int64(1)
	found := false
	for _, part := range strings.Split(m[4], "*") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, err := strconv.ParseInt(part, 10, 64)
		if err != nil || n <= 0 {
			return 0, false
		}
		found = true
		if prod > (1<<62)/n {
			return 1 << 62, true
		}
		prod *= n
	}
	return prod, found
}
