package inputvalidation

import (
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
)

// mkSpan masks src the way the engine does, lines joined by '\n'.
func mkSpan(lang diff.Language, src string) span {
	lines := strings.Split(src, "\n")
	return span{Raw: src, Code: strings.Join(checks.MaskCode(lang, lines), "\n")}
}

func TestClassify(t *testing.T) {
	py, js, goL, java := diff.Python, diff.JavaScript, diff.Go, diff.Java
	tests := []struct {
		lang diff.Language
		src  string
		want argKind
	}{
		{py, ``, argNone},
		{py, `"ls -l"`, argLiteral},
		{py, `'a' 'b'`, argLiteral},
		{py, `r"C:\tmp" + "x"`, argLiteral},
		{py, `f"SELECT * FROM users"`, argLiteral},
		{py, `f"SELECT * FROM {TABLE} WHERE id = %s"`, argLiteral},
		{py, `f"SELECT * FROM t WHERE id = {user_id}"`, argDynamic},
		{py, `f"{{literal braces}}"`, argLiteral},
		{py, `f"{x!r:>10}"`, argDynamic},
		{py, `"SELECT %s" % name`, argDynamic},
		{py, `"SELECT %s" % (TABLE,)`, argLiteral},
		{py, `"SELECT {}".format(name)`, argDynamic},
		{py, `"SELECT {}".format(cfg.TABLE)`, argLiteral},
		{py, `"ls " + path`, argDynamic},
		{py, `cmd`, argDynamic},
		{py, `CMD`, argLiteral},
		{py, `settings.BACKUP_COMMAND`, argLiteral},
		{py, `build_cmd()`, argDynamic},
		{py, `" ".join(["ls", "-l"])`, argLiteral},
		{py, `" ".join(args)`, argDynamic},
		{py, `args=cmd`, argDynamic},
		{py, `None`, argLiteral},
		{py, `42`, argLiteral},
		{py, `"""SELECT *
FROM t WHERE id = %s"""`, argLiteral},
		{py, `f"""SELECT *
FROM t WHERE id = {uid}"""`, argDynamic},
		{py, `f"WHERE id IN ({','.join(['%s'] * len(ids))})"`, argLiteral},
		{py, `"x"  # comment with name`, argLiteral},
		{js, "`ls -l`", argLiteral},
		{js, "`ls ${dir}`", argDynamic},
		{js, "`SELECT * FROM ${TABLE}`", argLiteral},
		{js, "sql`SELECT * FROM t WHERE id = ${id}`", argLiteral},
		{js, "Prisma.sql`SELECT ${id}`", argLiteral},
		{js, `'rm -rf ' + dir`, argDynamic},
		{js, `{ shell: true }`, argLiteral},
		{js, `path.join(__dirname, 'public')`, argLiteral},
		{js, "`IN (${ids.map(() => '?').join(',')})`", argLiteral},
		{goL, `"ls"`, argLiteral},
		{goL, "`SELECT * FROM t`", argLiteral},
		{goL, `fmt.Sprintf("SELECT * FROM %s", table)`, argDynamic},
		{goL, `fmt.Sprintf("SELECT * FROM %s", usersTable)`, argDynamic},
		{goL, `fmt.Sprintf("SELECT * FROM %s", UsersTable)`, argDynamic},
		{goL, `fmt.Sprintf("SELECT * FROM %s", TABLE_USERS)`, argLiteral},
		{goL, `[]string{"-c", "ls"}`, argLiteral},
		{goL, `[]byte("<p>hi</p>")`, argLiteral},
		{goL, `"SELECT " + cols + " FROM t"`, argDynamic},
		{java, `"SELECT * FROM users WHERE id = ?"`, argLiteral},
		{java, `"SELECT * FROM " + TABLE_NAME + " WHERE id = ?"`, argLiteral},
		{java, `"SELECT * FROM users WHERE name = '" + name + "'"`, argDynamic},
		{java, `String.format("SELECT * FROM t WHERE n = '%s'", name)`, argDynamic},
		{java, `new String[]{"ls", "-l"}`, argLiteral},
		{java, `new String[]{"sh", "-c", cmd}`, argDynamic},
		{java, "\"\"\"\n    SELECT * FROM t WHERE id = ?\n    \"\"\"", argLiteral},
	}
	for _, tc := range tests {
		if got := classify(tc.lang, mkSpan(tc.lang, tc.src), nil); got != tc.want {
			t.Errorf("classify(%s, %q) = %d, want %d", tc.lang, tc.src, got, tc.want)
		}
	}
}

func TestClassifyResolver(t *testing.T) {
	res := func(name string) argKind {
		if name == "query" {
			return argLiteral
		}
		return argDynamic
	}
	tests := []struct {
		src  string
		want argKind
	}{
		{`query`, argLiteral},
		{`query % user_id`, argDynamic},
		{`f"{query} LIMIT 10"`, argLiteral},
		{`f"{query} LIMIT {n}"`, argDynamic},
	}
	for _, tc := range tests {
		if got := classify(diff.Python, mkSpan(diff.Python, tc.src), res); got != tc.want {
			t.Errorf("classify(%q) = %d, want %d", tc.src, got, tc.want)
		}
	}
}

func TestIsConstantName(t *testing.T) {
	for name, want := range map[string]bool{
		"TABLE": true, "USERS_TABLE": true, "cfg.TABLE_2": true, "None": true, "null": true,
		"X": false, "table": false, "Table": false, "_": false, "__": false, "self.table": false, "HTTPClient": false,
	} {
		if got := isConstantName(name); got != want {
			t.Errorf("isConstantName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestLiteralValue(t *testing.T) {
	tests := []struct {
		lang diff.Language
		src  string
		want string
		ok   bool
	}{
		{diff.Go, `"sh"`, "sh", true},
		{diff.Go, "`-c`", "-c", true},
		{diff.Python, `r"/bin/bash"`, "/bin/bash", true},
		{diff.Python, `f"{x}"`, "", false},
		{diff.Go, `"a" + "b"`, "", false},
		{diff.Go, `shell`, "", false},
		{diff.JavaScript, "`${a}`", "", false},
		{diff.Java, `"it\"s"`, `it\"s`, true},
	}
	for _, tc := range tests {
		got, ok := literalValue(tc.lang, mkSpan(tc.lang, tc.src))
		if got != tc.want || ok != tc.ok {
			t.Errorf("literalValue(%q) = %q, %v; want %q, %v", tc.src, got, ok, tc.want, tc.ok)
		}
	}
}
