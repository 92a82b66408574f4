package errorhandling

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// goErrorDiscarded flags `_ = f()` and `x, _ := f()`: the error result of a
// call assigned to the blank identifier. A bare call statement whose
// results are all dropped is out of reach: only type information tells
// whether it returns an error.
type goErrorDiscarded struct {
	checks.Described
	// allow holds the configured allow_calls.
	allow map[string]bool
}

func newGoErrorDiscarded() *goErrorDiscarded {
	return &goErrorDiscarded{Described: checks.Described{M: checks.Meta{
		ID:        "go-error-discarded",
		Family:    Family,
		Title:     "Go error discarded with _",
		Summary:   "An error returned by a call is assigned to the blank identifier and never checked.",
		Languages: []diff.Language{diff.Go},
		Severity:  checks.Warning,
		Keywords:  []string{"_ =", "_ :="},
	}}}
}

// lhsPrefix is what may precede the last (blank) target of an assignment:
// earlier targets, optionally after `if`/`switch` for an init statement.
var lhsPrefix = regexp.MustCompile(`^\s*(?:(?:if|switch)\s+)?(?:[\w.\[\]*]+\s*,\s*)*$`)

func (r *goErrorDiscarded) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	raw := v.Lines[i].Text
	if lintSuppressed(raw) {
		return
	}
	code := v.Code(i)
	for k := strings.IndexByte(code, '_'); k >= 0; {
		if r.check(fc, v, i, code, k) {
			return
		}
		next := strings.IndexByte(code[k+1:], '_')
		if next < 0 {
			return
		}
		k += 1 + next
	}
}

// check judges the blank identifier at code[k]; it reports whether a
// finding was filed.
func (r *goErrorDiscarded) check(fc *checks.FileContext, v *checks.HunkView, i int, code string, k int) bool {
	if k > 0 && isIdentByte(code[k-1]) || k+1 < len(code) && isIdentByte(code[k+1]) {
		return false
	}
	rest := strings.TrimLeft(code[k+1:], " \t")
	var rhs string
	switch {
	case strings.HasPrefix(rest, ":="):
		rhs = rest[2:]
	case strings.HasPrefix(rest, "=") && !strings.HasPrefix(rest, "=="):
		rhs = rest[1:]
	default:
		return false
	}
	// The statement starts after the last '{' or ';' before the blank, so
	// that `defer func() { _ = f.Close() }()` is read too.
	stmtStart := strings.LastIndexAny(code[:k], "{;") + 1
	prefix := code[stmtStart:k]
	if !lhsPrefix.MatchString(prefix) {
		return false
	}
	multi := strings.Contains(prefix, ",")
	rhsTrim := strings.TrimSpace(rhs)
	if strings.HasPrefix(rhsTrim, "range ") || strings.HasPrefix(rhsTrim, "<-") {
		return false
	}
	cc, ok := parseCallChain(rhs)
	if !ok || !cc.isCall {
		return false
	}
	if rest := strings.TrimSpace(cc.rest); rest != "" && rest[0] != '}' && rest[0] != ';' {
		return false
	}
	if goDiscardAllowed(v, i, cc, multi) || !likelyReturnsError(cc) {
		return false
	}
	name := cc.callee
	if cc.recv != "" {
		name = cc.recv + "." + cc.callee
	}
	if r.allow[name] || r.allow[cc.callee] {
		return false
	}
	if r.deferred(v, i, code, k) {
		if cc.callee == "Rollback" {
			// defer tx.Rollback() after Commit returns ErrTxDone by design.
			return false
		}
		report(fc, v, i, checks.Notice, fmt.Sprintf(
			"The error from %s() in this deferred call is discarded; for a writer a failed Close can mean lost data, so return it through a named error result or at least log it.", name))
		return true
	}
	report(fc, v, i, checks.Warning, fmt.Sprintf(
		"The error returned by %s() is discarded with _; check it and return it wrapped with context (or log it where nothing else can be done).", name))
	return true
}

// deferred reports whether the blank assignment runs inside a deferred
// function literal.
func (r *goErrorDiscarded) deferred(v *checks.HunkView, i int, code string, k int) bool {
	if indexWord(code[:k], "defer", 0) >= 0 {
		return true
	}
	open, ok := enclosingOpen(v, pos{i, k}, 20)
	if !ok {
		return false
	}
	hdr := v.Code(open.line)[:open.col]
	return indexWord(hdr, "defer", 0) >= 0 && indexWord(hdr, "func", 0) >= 0
}

// goNoErrorFuncs return no error: assigning their result to _ discards no
// error (and is pointless rather than dangerous).
var goNoErrorFuncs = map[string]bool{
	"fmt.Sprint": true, "fmt.Sprintf": true, "fmt.Sprintln": true, "fmt.Errorf": true, "errors.New": true,
	"time.Now": true, "time.Since": true, "time.Until": true, "os.Getenv": true, "os.Getpid": true,
	"strconv.Itoa": true, "strconv.Quote": true, "strconv.FormatInt": true, "strconv.FormatFloat": true,
	"filepath.Join": true, "filepath.Base": true, "filepath.Dir": true, "filepath.Clean": true,
	"context.Background": true, "context.TODO": true, "context.WithValue": true,
	"os.Unsetenv": true, "rand.Read": true, // gosec G104 allow-list
}

// goNoErrorPkgs are packages whose functions return no error.
var goNoErrorPkgs = map[string]bool{
	"strings": true, "bytes": true, "unicode": true, "utf8": true, "math": true, "bits": true,
	"sort": true, "slices": true, "maps": true, "atomic": true, "errors": true, "path": true,
}

// goBuiltins are builtins and conversions, never error-returning calls.
var goBuiltins = map[string]bool{
	"len": true, "cap": true, "append": true, "make": true, "new": true, "copy": true, "min": true, "max": true,
	"recover": true, "complex": true, "real": true, "imag": true, "string": true, "int": true, "int8": true,
	"int16": true, "int32": true, "int64": true, "uint": true, "uint8": true, "uint16": true, "uint32": true,
	"uint64": true, "uintptr": true, "float32": true, "float64": true, "byte": true, "rune": true, "bool": true,
	"any": true, "error": true,
}

// goSecondNotError are calls whose last result is a bool, a size or a
// cancel function rather than an error, so `x, _ :=` discards no error.
var goSecondNotError = map[string]bool{
	"Load": true, "LoadOrStore": true, "LoadAndDelete": true, "Swap": true, "LookupEnv": true,
	"Cut": true, "CutPrefix": true, "CutSuffix": true, "DecodeRune": true, "DecodeRuneInString": true,
	"DecodeLastRune": true, "DecodeLastRuneInString": true, "Caller": true, "BasicAuth": true,
	"Modf": true, "Frexp": true, "SetString": true, "BinarySearch": true, "BinarySearchFunc": true,
	"Find": true, "WithCancel": true, "WithTimeout": true, "WithDeadline": true, "WithCancelCause": true,
	"WithContext": true, "NotifyContext": true, "Pull": true, "Pull2": true, "next": true, "Get": true, "Split": true,
}

// goBufferWriteMethods never fail on bytes.Buffer, strings.Builder and
// hash.Hash (gosec G104's allow-list).
var goBufferWriteMethods = map[string]bool{"Write": true, "WriteByte": true, "WriteRune": true, "WriteString": true}

// goBufferNames are the receiver names AI code and people give buffers,
// builders and hashes when their declaration is outside the hunk.
var goBufferNames = map[string]bool{
	"buf": true, "buffer": true, "b": true, "sb": true, "builder": true, "h": true, "hasher": true,
	"mac": true, "digest": true, "hash": true,
}

var goBufferTypes = []string{
	"bytes.Buffer", "bytes.NewBuffer", "strings.Builder", "hash.Hash", "sha1.New", "sha256.New", "sha512.New",
	"md5.New", "hmac.New", "fnv.New", "crc32.New", "crc64.New", "adler32.New", "blake2b.New", "xxhash.New",
}

// goDiscardAllowed applies the allow-list: calls whose error is
// meaningless or cannot be acted on.
func goDiscardAllowed(v *checks.HunkView, i int, cc callChain, multi bool) bool {
	callee, recv := cc.callee, cc.recv
	if callee == "" {
		return false
	}
	if recv == "" && goBuiltins[callee] {
		return true
	}
	full := recv + "." + callee
	if goNoErrorFuncs[full] || goNoErrorPkgs[recv] {
		return true
	}
	if recv == "fmt" && (strings.HasPrefix(callee, "Print") || strings.HasPrefix(callee, "Fprint")) {
		return true
	}
	if callee == "CloseWithError" {
		return true
	}
	if recv == "io" && callee == "Copy" {
		a := firstArg(cc.args)
		if a == "io.Discard" || a == "ioutil.Discard" {
			return true
		}
	}
	recvName := lastIdent(recv)
	if goBufferWriteMethods[callee] && recvName != "" {
		if goBufferNames[recvName] || declaredWith(v, i, recvName, goBufferTypes...) {
			return true
		}
	}
	// Writes to an http.ResponseWriter fail only when the client has gone;
	// there is nobody left to tell.
	switch {
	case callee == "Write" && recvName != "" && declaredWith(v, i, recvName, "http.ResponseWriter"):
		return true
	case recv == "io" && callee == "WriteString" && declaredWith(v, i, firstArg(cc.args), "http.ResponseWriter"):
		return true
	case callee == "Encode" && strings.HasPrefix(recv, "json.NewEncoder("):
		w := strings.TrimSuffix(strings.TrimPrefix(recv, "json.NewEncoder("), ")")
		if declaredWith(v, i, w, "http.ResponseWriter") {
			return true
		}
	}
	if multi && goSecondNotError[callee] {
		if callee == "Get" && (recv == "http" || strings.Contains(strings.ToLower(recv), "client")) {
			return false
		}
		return true
	}
	return false
}

// declaredWith reports whether name appears on a line of the hunk up to i
// (or in the hunk's function header) together with one of the type
// markers, e.g. `w http.ResponseWriter` or `buf := new(bytes.Buffer)`.
func declaredWith(v *checks.HunkView, i int, name string, markers ...string) bool {
	if name == "" || !isIdentByte(name[0]) {
		return false
	}
	has := func(s string) bool {
		if indexWord(s, name, 0) < 0 {
			return false
		}
		for _, m := range markers {
			if strings.Contains(s, m) {
				return true
			}
		}
		return false
	}
	for j := max(0, i-80); j <= i && j < len(v.Lines); j++ {
		if has(v.Code(j)) {
			return true
		}
	}
	return v.Hunk != nil && has(v.Hunk.Section)
}
