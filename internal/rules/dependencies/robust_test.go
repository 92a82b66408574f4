package dependencies

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/fixture"
)

// Every parser survives truncated, unbalanced and binary-looking input.
func TestParsersNeverPanic(t *testing.T) {
	junk := []string{
		"", "\n", "[", "]", "{", "}", `"`, "'", "[[", "[project]\ndependencies = [\"a", "[project]\ndependencies = ['x' 'y",
		"install_requires=[", "install_requires=", "install_requires=REQ\nREQ = [\"a\"", "setup(install_requires=(\"a\",))",
		"module", "require (", "replace x =>", "go 1.", "go .x", "use (", `{"workspaces": 3}`, `{"name": 1}`,
		`{"compilerOptions": {"paths": {"*": "x"}}}`, "/* unterminated", "// only", "-r", "-e", "--requirement=", "-c",
		"<groupId>", "<groupId></groupId>", "implementation('", "id(", "\x00\xff\xfe", strings.Repeat("[", 10000),
		strings.Repeat("a", 1<<20), "packages:\n  - \n  - '!x'\n", "[options]\ninstall_requires =\n\n    ; x\n",
	}
	kinds := []string{"go.mod", "go.work", "requirements", "pyproject", "setup.cfg", "setup.py", "pipfile",
		"package.json", "tsconfig", "pnpm-workspace", "pom", "gradle"}
	for _, k := range kinds {
		for _, j := range junk {
			for _, partial := range []bool{false, true} {
				_ = parseManifest("a/b/"+k, k, j, partial)
			}
		}
	}
}

// Hunks that start inside a construct, empty and huge lines, unterminated
// strings: the rule reads them without panicking.
func TestOddHunks(t *testing.T) {
	repo := &memRepo{files: map[string]string{
		"go.mod": "module example.com/m\n", "requirements.txt": "requests\n", "package.json": `{"dependencies": {}}`,
		"pom.xml": "<groupId>com.acme</groupId>",
	}}
	huge := strings.Repeat("x", 1<<20)
	d := `diff --git a/a.go b/a.go
index 1..2 100644
--- a/a.go
+++ b/a.go
@@ -5,2 +5,5 @@ import (
+	"github.com/unterminated
+	alias
+
 	"fmt"
 )
diff --git a/b.py b/b.py
index 1..2 100644
--- a/b.py
+++ b/b.py
@@ -10,1 +10,5 @@ def f():
 """still in a docstring
+import not_really_code
+    try:
+        import optional_pkg
+from
diff --git a/c.js b/c.js
index 1..2 100644
--- a/c.js
+++ b/c.js
@@ -1,1 +1,4 @@
+import x from 'unterminated
+const y = require(
+` + huge + `
 })
diff --git a/D.java b/D.java
index 1..2 100644
--- a/D.java
+++ b/D.java
@@ -1,1 +1,3 @@
+import ;
+import static ;
 class D {}
`
	fs := run(t, repo, d)
	for _, f := range fs {
		if f.Path == "c.js" || f.Path == "D.java" || f.Path == "a.go" {
			t.Errorf("finding on malformed import: %s:%d %s", f.Path, f.StartLine, f.Evidence)
		}
	}
	// The try at the end of the hunk hides its except clause: quiet.
	for _, f := range fs {
		if strings.Contains(f.Evidence, "optional_pkg") {
			t.Errorf("optional import reported: %v", f.Evidence)
		}
	}
}

// The rule runs over every other rule's fixtures, with manifests for every
// ecosystem in the repository, without panicking.
func TestOtherFixturesDoNotPanic(t *testing.T) {
	root := filepath.Join("..", "..", "..", "fixtures", "rules")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Skip(err)
	}
	reg, err := checks.NewRegistry(Rules()...)
	if err != nil {
		t.Fatal(err)
	}
	repo := &memRepo{files: map[string]string{
		"go.mod": "module example.com/m\n", "requirements.txt": "requests\n", "package.json": `{"dependencies": {}}`,
		"pom.xml": "<groupId>com.acme</groupId>",
	}}
	e := checks.NewEngine(reg, checks.Options{Workers: 2, Repo: repo})
	for _, en := range entries {
		rf, err := fixture.LoadRule(filepath.Join(root, en.Name()))
		if err != nil {
			continue
		}
		for _, c := range rf.Cases {
			if _, err := e.Run(context.Background(), diff.NewReader(bytes.NewReader(c.Diff))); err != nil {
				t.Errorf("%s/%s: %v", en.Name(), c.Name, err)
			}
		}
	}
}
