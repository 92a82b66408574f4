package inputvalidation

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/fixture"
	"github.com/prodready/prodready/internal/rules/lexical"
)

// probe is a FileRule that keeps the FileContext the engine built, so that
// helpers can be tested on real, masked hunk views.
type probe struct {
	checks.Described
	fc *checks.FileContext
}

func (p *probe) CheckFile(fc *checks.FileContext) { p.fc = fc }

// viewOf returns the hunk view of src added as a file at path.
func viewOf(t *testing.T, path, src string) (*checks.FileContext, *checks.HunkView) {
	t.Helper()
	p := &probe{Described: checks.Described{M: checks.Meta{ID: "probe", Family: "probe", Title: "probe", Summary: "probe", Severity: checks.Notice}}}
	reg, err := checks.NewRegistry(p)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := fixture.WriteAddedFile(&buf, path, []byte(src)); err != nil {
		t.Fatal(err)
	}
	if _, err := checks.NewEngine(reg, checks.Options{Workers: 1}).Run(context.Background(), diff.NewReader(&buf)); err != nil {
		t.Fatal(err)
	}
	if p.fc == nil || len(p.fc.Views) == 0 {
		t.Fatalf("no view for %s", path)
	}
	return p.fc, p.fc.Views[0]
}

func TestReadCall(t *testing.T) {
	src := strings.Join([]string{
		`cursor.execute(`,
		`    f"SELECT * FROM t WHERE a = {a}",  # the query, (not) here`,
		`    (b, ")"),`,
		`)`,
		`run("x(", y)`,
	}, "\n")
	_, v := viewOf(t, "a.py", src)
	c := readCall(v, 0, strings.Index(v.Lines[0].Text, "("))
	if !c.closed || c.last != 3 || len(c.args) != 2 {
		t.Fatalf("readCall multi-line: closed=%v last=%d args=%d", c.closed, c.last, len(c.args))
	}
	if !strings.HasPrefix(c.args[0].Raw, `f"SELECT`) || !strings.HasSuffix(c.args[0].Raw, `{a}"`) {
		t.Errorf("first arg = %q", c.args[0].Raw)
	}
	if c.args[1].Raw != `(b, ")")` {
		t.Errorf("second arg = %q", c.args[1].Raw)
	}
	c = readCall(v, 4, 3)
	if !c.closed || len(c.args) != 2 || c.args[0].Raw != `"x("` || c.args[1].Raw != "y" {
		t.Errorf("single-line call: %+v", c)
	}
	if c := readCall(v, 4, -1); len(c.args) != 0 {
		t.Errorf("bad open column must read nothing, got %+v", c)
	}
	if c := readCall(v, 99, 0); len(c.args) != 0 {
		t.Errorf("bad line must read nothing, got %+v", c)
	}
}

func TestReadStatement(t *testing.T) {
	tests := []struct {
		path, src string
		line, col int
		want      string
	}{
		{"a.py", "q = (\n  \"SELECT *\"\n  f\" WHERE a = {a}\"\n)\nrun(q)", 0, 3, "(\n  \"SELECT *\"\n  f\" WHERE a = {a}\"\n)"},
		{"a.py", "q = \"\"\"\nSELECT {x}\n\"\"\".format(x=1)\nrun(q)", 0, 3, "\"\"\"\nSELECT {x}\n\"\"\".format(x=1)"},
		{"a.js", "const q = `\n  SELECT ${a}\n`;\nrun(q)", 0, 9, "`\n  SELECT ${a}\n`"},
		{"A.java", "String q = \"SELECT * \"\n    + \"FROM t WHERE n = '\" + n + \"'\";\nrun(q);", 0, 10, "\"SELECT * \"\n    + \"FROM t WHERE n = '\" + n + \"'\""},
		{"A.java", "String q = \"\"\"\n    SELECT * FROM t\n    \"\"\";\nrun(q);", 0, 10, "\"\"\"\n    SELECT * FROM t\n    \"\"\";"},
		{"a.go", "q := \"SELECT\" + x\nrows, err := db.Query(q)", 0, 4, "\"SELECT\" + x"},
		{"a.js", "{ __html: marked(x), other: 1 }", 0, 9, "marked(x)"},
	}
	for _, tc := range tests {
		fc, v := viewOf(t, tc.path, tc.src)
		got := readStatement(fc.Lang(), v, tc.line, tc.col, strings.Contains(tc.src, "__html"))
		if strings.TrimSpace(got.Raw) != tc.want {
			t.Errorf("readStatement(%q) = %q, want %q", tc.src, got.Raw, tc.want)
		}
	}
}

func TestAssignmentAt(t *testing.T) {
	tests := []struct {
		code, name string
		appends    bool
		ok         bool
	}{
		{`query = "x"`, "query", false, true},
		{`query := fmt.Sprintf("x")`, "query", false, true},
		{`sql += " AND a = 1"`, "sql", true, true},
		{`const sql = "x"`, "sql", false, true},
		{`String sql = "x"`, "sql", false, true},
		{`final String sql = "x"`, "sql", false, true},
		{`q: str = "x"`, "q", false, true},
		{`const q: string = "x"`, "q", false, true},
		{`var q string = "x"`, "q", false, true},
		{`if query == "x":`, "query", false, false},
		{`self.query = "x"`, "query", false, false},
		{`execute(query=q)`, "query", false, false},
		{`subquery = "x"`, "query", false, false},
		{`f = lambda: x`, "q", false, false},
	}
	for _, tc := range tests {
		_, appends, ok := assignmentAt(tc.code, tc.name)
		if ok != tc.ok || ok && appends != tc.appends {
			t.Errorf("assignmentAt(%q, %q) = %v %v, want %v %v", tc.code, tc.name, appends, ok, tc.appends, tc.ok)
		}
	}
}

func TestUnwrapList(t *testing.T) {
	tests := []struct {
		src  string
		want int
	}{
		{`List.of("sh", "-c", cmd)`, 3},
		{`Arrays.asList("bash", "-c", script)`, 3},
		{`new String[]{"sh", "-c", cmd}`, 3},
		{`cmd`, 1},
		{`buildCommand(a, b)`, 1},
	}
	for _, tc := range tests {
		if got := unwrapList(mkSpan(diff.Java, tc.src)); len(got) != tc.want {
			t.Errorf("unwrapList(%q) = %d elements, want %d", tc.src, len(got), tc.want)
		}
	}
}

func TestShellScript(t *testing.T) {
	tests := []struct {
		src           string
		shell, dynVal bool
	}{
		{`"sh", "-c", cmd`, true, true},
		{`"/bin/bash", "-c", "echo hi"`, true, false},
		{`"cmd.exe", "/c", "dir " + d`, true, true},
		{`"git", "log", branch`, false, false},
		{`shell, "-c", cmd`, false, false},
	}
	for _, tc := range tests {
		args := splitArgs(mkSpan(diff.Go, tc.src))
		s, d := shellScript(diff.Go, args)
		if s != tc.shell || d != tc.dynVal {
			t.Errorf("shellScript(%q) = %v %v, want %v %v", tc.src, s, d, tc.shell, tc.dynVal)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	tests := []struct {
		opts string
		want int64
		ok   bool
	}{
		{`{ limit: '50mb' }`, 50 << 20, true},
		{`{limit:"1gb", extended: true}`, 1 << 30, true},
		{`{ limit: '100kb' }`, 100 << 10, true},
		{`{ limit: 10485760 }`, 10 << 20, true},
		{`{ limit: 50 * 1024 * 1024 }`, 50 << 20, true},
		{`{ limit: Infinity }`, 1 << 62, true},
		{`{ extended: true }`, 0, false},
		{`{ limit: '5.5mb' }`, int64(5.5 * (1 << 20)), true},
	}
	for _, tc := range tests {
		got, ok := bodyLimit(tc.opts)
		if got != tc.want || ok != tc.ok {
			t.Errorf("bodyLimit(%q) = %d %v, want %d %v", tc.opts, got, ok, tc.want, tc.ok)
		}
	}
}

func TestTainted(t *testing.T) {
	src := strings.Join([]string{
		`name = request.args.get("name")`,
		`upload = request.files["file"]`,
		`fname = upload.filename`,
		`other = "static"`,
		`info = zf.getinfo("a.txt")`,
		`zname = info.filename`,
		`open(os.path.join(BASE, name))`,
		`open(os.path.join(BASE, fname))`,
		`open(os.path.join(BASE, other))`,
		`open(os.path.join(BASE, zname))`,
		`open(os.path.join(BASE, "name"))`,
	}, "\n")
	_, v := viewOf(t, "app.py", src)
	web := func(s string) bool { return checks.HasUserInput(diff.Python, s) }
	uploads := func(s string) bool { return web(s) || strings.Contains(s, ".filename") }
	tests := []struct {
		line         int
		web, uploads bool
	}{
		{6, true, true},    // one assignment from request.args
		{7, true, true},    // two: fname <- upload <- request.files
		{8, false, false},  // a literal
		{9, false, true},   // only an upload-style name
		{10, false, false}, // "name" is a string, not the variable
	}
	for _, tc := range tests {
		if got := tainted(diff.Python, v, tc.line, lexical.LineSpan(v, tc.line), web); got != tc.web {
			t.Errorf("line %d: tainted(web) = %v, want %v", tc.line, got, tc.web)
		}
		if got := tainted(diff.Python, v, tc.line, lexical.LineSpan(v, tc.line), uploads); got != tc.uploads {
			t.Errorf("line %d: tainted(uploads) = %v, want %v", tc.line, got, tc.uploads)
		}
	}
}

func TestPathMarksWeb(t *testing.T) {
	m := &pathMarks{lang: diff.Go}
	for text, want := range map[string]bool{
		`os.Open(r.URL.Query().Get("f"))`:        true,
		`os.Open(os.Args[1])`:                    false,
		`os.Open(os.Args[1] + r.FormValue("x"))`: true,
		`os.Open(name)`:                          false,
	} {
		if got := m.web(text); got != want {
			t.Errorf("web(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestSanitiser(t *testing.T) {
	for text, want := range map[string]bool{
		`el.innerHTML = DOMPurify.sanitize(html);`:                         true,
		`return mark_safe(bleach.clean(bio))`:                              true,
		`fmt.Fprintf(w, "<p>%s</p>", html.EscapeString(msg))`:              true,
		`out.println("<p>" + Encode.forHtml(name) + "</p>");`:              true,
		`this.html = this.sanitizer.bypassSecurityTrustHtml(this.content)`: false,
		`el.innerHTML = content;`:                                          false,
		`const sanitized = true;`:                                          false,
	} {
		if got := sanitiser(text); got != want {
			t.Errorf("sanitiser(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestInJinjaComment(t *testing.T) {
	code := `{# {{ x|safe }} #} {{ y|safe }}`
	if !inJinjaComment(code, 3) || inJinjaComment(code, 19) {
		t.Error("inJinjaComment")
	}
}

func TestSinkName(t *testing.T) {
	tests := []struct {
		code, match, want string // match: where the sink expression's match starts
	}{
		{`rows, err := s.db.QueryContext(ctx, q)`, ".QueryContext", "QueryContext()"},
		{`    return os.system(cmd)`, "os.system", "os.system()"},
		{`stmt = [text(f"x")]`, "[text", "text()"},
		{`x = (`, "(", "the call"},
	}
	for _, tc := range tests {
		start := strings.Index(tc.code, tc.match)
		open := start + strings.IndexByte(tc.code[start:], '(')
		if got := sinkName(tc.code, start, open); got != tc.want {
			t.Errorf("sinkName(%q) = %q, want %q", tc.code, got, tc.want)
		}
	}
}

func TestStartsWithString(t *testing.T) {
	for code, want := range map[string]bool{
		`f"<h1>{name}</h1>"`:           true,
		`("<p>%s</p>" % x)`:            true,
		`rb'<b>'`:                      true,
		`format_html("<b>{}</b>", x)`:  false,
		`render(request, "page.html")`: false,
		`x`:                            false,
	} {
		if got := startsWithString(code); got != want {
			t.Errorf("startsWithString(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestUserInputNearPropagates(t *testing.T) {
	src := strings.Join([]string{
		`const params = new URLSearchParams(window.location.search);`,
		`const q = params.get("q") ?? "";`,
		`const other = "static";`,
		`banner.innerHTML = q;`,
		`banner.innerHTML = other;`,
	}, "\n")
	_, v := viewOf(t, "a.ts", src)
	if !userInputNear(diff.TypeScript, v, 3) {
		t.Error("q is read from location.search through params")
	}
	if userInputNear(diff.TypeScript, v, 4) {
		t.Error("other is a literal")
	}
}

func TestFileConstant(t *testing.T) {
	src := strings.Join([]string{
		`package store`,
		`const usersTable = "users"`,
		`const (`,
		`	ordersTable = "orders"`,
		`)`,
		`var mutable = "x"`,
		`func f() { local := "y"; _ = local }`,
	}, "\n")
	fc, _ := viewOf(t, "a.go", src)
	for name, want := range map[string]bool{"usersTable": true, "ordersTable": true, "mutable": false, "local": false, "missing": false} {
		if got := fileConstant(fc, name); got != want {
			t.Errorf("fileConstant(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestArchiveMembers(t *testing.T) {
	_, v := viewOf(t, "a.go", "for _, f := range zr.File {\n\tpath := filepath.Join(dest, f.Name)\n}\nhdr, err := tr.Next()\np := filepath.Join(dest, hdr.Name)")
	if !goArchiveVar(v, 1, "f") || !goArchiveVar(v, 4, "hdr") || goArchiveVar(v, 1, "e") {
		t.Error("goArchiveVar")
	}
	_, pv := viewOf(t, "a.py", "for m in tar.getmembers():\n    p = os.path.join(dest, m.name)\nfor n in zf.namelist():\n    q = os.path.join(dest, n)\nfor e in os.scandir(d):\n    r = os.path.join(dest, e.name)")
	if !pyArchiveMember(pv, 1, pv.Code(1)) || !pyArchiveMember(pv, 3, pv.Code(3)) || pyArchiveMember(pv, 5, pv.Code(5)) {
		t.Error("pyArchiveMember")
	}
}
