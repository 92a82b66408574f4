package inputvalidation

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/fixture"
)

func newFamilyEngine(t testing.TB) *checks.Engine {
	t.Helper()
	reg, err := checks.NewRegistry(Rules()...)
	if err != nil {
		t.Fatal(err)
	}
	return checks.NewEngine(reg, checks.Options{Workers: 1})
}

// runAll runs the family's rules over src added at path and returns the
// findings; a panic fails the test.
func runAll(t testing.TB, e *checks.Engine, path, src string) []checks.Finding {
	t.Helper()
	var buf bytes.Buffer
	if err := fixture.WriteAddedFile(&buf, path, []byte(src)); err != nil {
		t.Fatal(err)
	}
	res, err := e.Run(context.Background(), diff.NewReader(&buf))
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings
}

// TestAdversarialInput feeds broken and truncated constructs (hunks start
// mid-construct, strings never close, calls never close) to every rule.
func TestAdversarialInput(t *testing.T) {
	snippets := []string{
		"", "(", ")", "\"", "'", "`", `"""`, "'''", "${", "{{", "}}", "=", ":=", "+=",
		"cursor.execute(", "cursor.execute(f\"SELECT * FROM t WHERE a = {",
		"db.Query(\"SELECT * FROM t WHERE a = '\" +", "q = \"SELECT * FROM t\" +", "q :=", "q +=",
		"exec(", "eval(", "eval(\"", "new Function(", "setTimeout(", "os.system(", "subprocess.run(x, shell=True",
		"exec.Command(", "exec.Command(\"sh\", \"-c\",", "Runtime.getRuntime().exec(", "new ProcessBuilder(List.of(",
		"el.innerHTML =", "el.innerHTML = `${", "dangerouslySetInnerHTML={{", "__html:", "v-html=\"", "{{ x|safe",
		"fmt.Fprintf(w,", "template.HTML(", "getWriter().print(", "mark_safe(", "return f\"<p>{",
		"open(request.args[", "filepath.Join(dest, f.Name", "tar.extractall(", "os.path.join(",
		"io.ReadAll(r.Body", "express.json({ limit: '", "multer(", "max-file-size=-1",
		"pickle.loads(", "yaml.load(", "torch.load(", "new ObjectInputStream(", ".readObject()",
		"String sql = \"\"\"", "\"\"\".formatted(", "@RequestParam String", "const { q } = req.query",
		strings.Repeat("(", 5000), strings.Repeat("exec(", 2000), strings.Repeat("\"", 3001),
		strings.Repeat("a", 1<<16) + "cursor.execute(f\"SELECT * FROM t WHERE a = {x}\")",
	}
	e := newFamilyEngine(t)
	paths := []string{"a.py", "a.go", "a.js", "a.ts", "A.java", "a.html", "a.vue", "application.properties", "a.yml"}
	for _, p := range paths {
		for _, s := range snippets {
			// Each snippet alone, twice (a construct the next line breaks),
			// and as the tail of a hunk.
			runAll(t, e, p, s)
			runAll(t, e, p, s+"\n"+s)
			runAll(t, e, p, "x = 1\n"+s)
		}
		runAll(t, e, p, strings.Join(snippets, "\n"))
	}
}

func FuzzRules(f *testing.F) {
	for _, s := range []string{
		"cursor.execute(f\"SELECT * FROM t WHERE a = {x}\")",
		"q := \"SELECT * FROM t WHERE a = '\" + a + \"'\"\ndb.Query(q)",
		"el.innerHTML = `<p>${x}</p>`;",
		"exec.Command(\"sh\", \"-c\", cmd)",
	} {
		f.Add(s)
	}
	e := newFamilyEngine(f)
	f.Fuzz(func(t *testing.T, src string) {
		for _, p := range []string{"a.py", "a.go", "a.ts", "A.java", "a.html"} {
			runAll(t, e, p, src)
		}
	})
}
