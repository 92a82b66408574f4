package errorhandling

import (
	"reflect"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

func TestParseCallChain(t *testing.T) {
	tests := []struct {
		in                 string
		callee, recv, rest string
		isCall, ok         bool
	}{
		{" json.Unmarshal(body, &req)", "Unmarshal", "json", "", true, true},
		{"json.NewEncoder(w).Encode(v)", "Encode", "json.NewEncoder(w)", "", true, true},
		{"s.db.Exec(q, a)", "Exec", "s.db", "", true, true},
		{"f.Close() }()", "Close", "f", " }()", true, true},
		{"strconv.Atoi(r.URL.Query().Get(\"n\"))", "Atoi", "strconv", "", true, true},
		{"m[key]", "", "", "", false, true},
		{"x.(string)", "", "", "", false, true},
		{"ctx", "", "", "", false, true},
		{"db.First(&u).Error", "First", "db", "", false, true},
		{"Decode[T](r)", "Decode", "", "", true, true},
		{"json.Unmarshal(", "Unmarshal", "json", "", true, true},
		{"<-ch", "", "", "", false, false},
		{"[]byte(s)", "", "", "", false, false},
		{"a() + b()", "a", "", " + b()", true, true},
	}
	for _, tt := range tests {
		c, ok := parseCallChain(tt.in)
		if ok != tt.ok || c.isCall != tt.isCall || ok && c.isCall && (c.callee != tt.callee || c.recv != tt.recv) || c.rest != tt.rest {
			t.Errorf("parseCallChain(%q) = %+v, %v; want callee %q recv %q rest %q call %v ok %v",
				tt.in, c, ok, tt.callee, tt.recv, tt.rest, tt.isCall, tt.ok)
		}
	}
}

func TestGoFuncSig(t *testing.T) {
	tests := []struct {
		in, params, results string
		ok                  bool
	}{
		{"func (s *Store) Get(ctx context.Context, id string) (*User, error) {", "ctx context.Context, id string", "(*User, error)", true},
		{"func Save(u User) error {", "u User", "error", true},
		{"func(path string, d fs.DirEntry, err error) error {", "path string, d fs.DirEntry, err error", "error", true},
		{"go func() {", "", "", true},
		{"func Map[T any](xs []T) []T {", "xs []T", "[]T", true},
		{"func broken(", "", "", false},
		{"x := 1", "", "", false},
	}
	for _, tt := range tests {
		p, r, ok := goFuncSig(tt.in)
		if p != tt.params || r != tt.results || ok != tt.ok {
			t.Errorf("goFuncSig(%q) = %q, %q, %v; want %q, %q, %v", tt.in, p, r, ok, tt.params, tt.results, tt.ok)
		}
	}
}

func TestResultsEndInError(t *testing.T) {
	tests := []struct {
		in string
		n  int
		ok bool
	}{
		{"error", 1, true},
		{"(*User, error)", 2, true},
		{"(n int, err error)", 2, true},
		{"(*User, bool)", 2, false},
		{"[]byte", 1, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		n, ok := resultsEndInError(tt.in)
		if n != tt.n || ok != tt.ok {
			t.Errorf("resultsEndInError(%q) = %d, %v; want %d, %v", tt.in, n, ok, tt.n, tt.ok)
		}
	}
}

func TestSplitStatements(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  \n  ", nil},
		{"log.Printf(\"x\",\n err)\n return", []string{"log.Printf(\"x\",\n err)", "return"}},
		{"a(); b()", []string{"a()", "b()"}},
		{"if x { y() }", []string{"if x { y() }"}},
	}
	for _, tt := range tests {
		if got := splitStatements(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitStatements(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestLineComment(t *testing.T) {
	tests := []struct {
		lang diff.Language
		raw  string
		want string
		ok   bool
	}{
		{diff.JavaScript, "} catch (e) { // ignore", "ignore", true},
		{diff.Go, `  url := "http://x"`, "", false},
		{diff.Java, "  /* a\n   * still a comment", "* still a comment", true},
		{diff.Python, "    pass  # best effort", "best effort", true},
		{diff.Python, `    print("# not a comment")`, "", false},
	}
	for _, tt := range tests {
		lines := strings.Split(tt.raw, "\n")
		code := checks.MaskCode(tt.lang, lines)
		raw, masked := lines[len(lines)-1], code[len(code)-1]
		openers := cOpeners
		if tt.lang == diff.Python {
			openers = pyOpeners
		}
		got, ok := lineComment(raw, masked, 0, len(raw), openers)
		if got != tt.want || ok != tt.ok {
			t.Errorf("lineComment(%q) = %q, %v; want %q, %v", tt.raw, got, ok, tt.want, tt.ok)
		}
	}
}

func TestExplained(t *testing.T) {
	tests := []struct {
		in   []string
		want bool
	}{
		{nil, false},
		{[]string{"TODO: handle error"}, false},
		{[]string{"TODO Auto-generated catch block"}, false},
		{[]string{"handle error"}, false},
		{[]string{""}, false},
		{[]string{"pragma: no cover"}, false},
		{[]string{"istanbul ignore next"}, false},
		{[]string{"the cache is optional; a miss is fine"}, true},
		{[]string{"TODO", "ignored: stream already closed"}, true},
	}
	for _, tt := range tests {
		if got := explained(tt.in); got != tt.want {
			t.Errorf("explained(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseErrIf(t *testing.T) {
	tests := []struct {
		in         string
		name, init string
		exact, ok  bool
		elseIf     bool
	}{
		{"\tif err != nil {", "err", "", true, true, false},
		{"\tif err := f(); err != nil {}", "err", "err := f()", true, true, false},
		{"\t} else if closeErr != nil {", "closeErr", "", true, true, true},
		{"\tif err != nil && !errors.Is(err, io.EOF) {", "err", "", false, true, false},
		{"\tif err != nil || x == nil {", "", "", false, false, false},
		{"\tif stderr != nil {", "", "", false, false, false},
		{"\tif user != nil {", "", "", false, false, false},
		{"\tif err != nil", "", "", false, false, false},
	}
	for _, tt := range tests {
		c, _, ok := parseErrIf(tt.in)
		if ok != tt.ok || ok && (c.name != tt.name || c.init != tt.init || c.exact != tt.exact || c.elseIf != tt.elseIf) {
			t.Errorf("parseErrIf(%q) = %+v, %v", tt.in, c, ok)
		}
	}
}

func TestPyExceptTypes(t *testing.T) {
	tests := []struct {
		in    string
		types []string
		bare  bool
	}{
		{"", nil, true},
		{" Exception as e", []string{"Exception"}, false},
		{" (ValueError, KeyError)", []string{"ValueError", "KeyError"}, false},
		{"* ExceptionGroup", []string{"ExceptionGroup"}, false},
		{" (\n  requests.Timeout,\n  requests.ConnectionError,\n) as exc", []string{"requests.Timeout", "requests.ConnectionError"}, false},
	}
	for _, tt := range tests {
		types, bare := pyExceptTypes(tt.in)
		if !reflect.DeepEqual(types, tt.types) || bare != tt.bare {
			t.Errorf("pyExceptTypes(%q) = %q, %v; want %q, %v", tt.in, types, bare, tt.types, tt.bare)
		}
	}
}

func TestClassifyPyStmt(t *testing.T) {
	tests := []struct {
		code, raw string
		want      pyKind
	}{
		{"pass", "pass", pyPass},
		{"...", "...", pyPass},
		{"continue", "continue", pyContinue},
		{"return", "return", pyReturnEmpty},
		{"return None", "return None", pyReturnEmpty},
		{`return ""`, `return ""`, pyReturnEmpty},
		{`return "     "`, `return "error"`, pyOther},
		{`df.loc[i, "     "] = np.nan`, `df.loc[i, "price"] = np.nan`, pyAssignDefault},
		{`price = float("   ")`, `price = float("nan")`, pyAssignDefault},
		{`price = float("   ")`, `price = float("inf")`, pyOther},
		{`print(f"      {e}")`, `print(f"Error {e}")`, pyLog},
		{`logger.error("    ", e)`, `logger.error("oops", e)`, pyLog},
		{`self._logger.warning("    ")`, `self._logger.warning("oops")`, pyLog},
		{`logger.exception("    ")`, `logger.exception("oops")`, pyLogTrace},
		{`log.error("  ", exc_info=True)`, `log.error("x", exc_info=True)`, pyLogTrace},
		{`traceback.print_exc()`, `traceback.print_exc()`, pyLogTrace},
		{`login.submit()`, `login.submit()`, pyOther},
		{`raise`, `raise`, pyRaise},
		{"if retry:\nraise", "if retry:\nraise", pyRaise},
		{`cleanup()`, `cleanup()`, pyOther},
	}
	for _, tt := range tests {
		if got := classifyPyStmt(pyStmt{tt.code, tt.raw}); got != tt.want {
			t.Errorf("classifyPyStmt(%q) = %d; want %d", tt.raw, got, tt.want)
		}
	}
}

func TestCatchParam(t *testing.T) {
	tests := []struct {
		in    string
		name  string
		types []string
	}{
		{"IOException e", "e", []string{"IOException"}},
		{"final IOException | SQLException ex", "ex", []string{"IOException", "SQLException"}},
		{"e: Exception", "e", []string{"Exception"}},
		{"ignored: IOException", "ignored", []string{"IOException"}},
		{"Exception _", "_", []string{"Exception"}},
	}
	for _, tt := range tests {
		if n := catchName(tt.in); n != tt.name {
			t.Errorf("catchName(%q) = %q; want %q", tt.in, n, tt.name)
		}
		if ty := catchTypes(tt.in); !reflect.DeepEqual(ty, tt.types) {
			t.Errorf("catchTypes(%q) = %q; want %q", tt.in, ty, tt.types)
		}
	}
}

func TestIndentWidth(t *testing.T) {
	for in, want := range map[string]int{"": 0, "x": 0, "    x": 4, "\tx": 8, "  \tx": 8, "\t  x": 10} {
		if got := indentWidth(in); got != want {
			t.Errorf("indentWidth(%q) = %d; want %d", in, got, want)
		}
	}
}
