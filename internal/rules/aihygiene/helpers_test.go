package aihygiene

import (
	"testing"

	"github.com/prodready/prodready/internal/diff"
)

func TestCodeKind(t *testing.T) {
	tests := []struct {
		text string
		want codeStrength
	}{
		// statements
		{`df = df[df["status"] != "cancelled"]`, strongCode},
		{`resp, err := client.Do(req)`, strongCode},
		{`if err != nil {`, strongCode},
		{`return nil, err`, strongCode},
		{`return fmt.Errorf("list orders: %w", err)`, strongCode},
		{`const cached = cache.get(id);`, strongCode},
		{`if (attempts > 0) return retry(fn, attempts);`, strongCode},
		{`for row in df.itertuples():`, strongCode},
		{`import { persist } from "zustand/middleware";`, strongCode},
		{`from app.models import User`, strongCode},
		{`import os`, strongCode},
		{`console.error(err);`, strongCode},
		{`BigDecimal tax = invoice.getSubtotal().multiply(TAX_RATE);`, strongCode},
		{`public void voidAll(List<String> ids) {`, strongCode},
		{`def refund(self, order_id):`, strongCode},
		{`func (s *Store) Save(ctx context.Context) error {`, strongCode},
		{`.then((res) => res.json())`, strongCode},
		{`i++`, strongCode},
		{`for (const item of items) {`, strongCode},
		{`x = 1;`, strongCode},
		// punctuation and data: count only next to statements
		{`}`, weakCode},
		{`} else {`, weakCode},
		{`{`, weakCode},
		{`@Transactional`, weakCode},
		{`"id": "42",`, weakCode},
		// prose
		{`Drop test accounts (their ids start with "t_") before aggregating,`, notCode},
		{`if the cache is warm, skip the lookup`, notCode},
		{`return the user when found`, notCode},
		{`Licensed under the Apache License, Version 2.0 (the "License");`, notCode},
		{`http://www.apache.org/licenses/LICENSE-2.0`, notCode},
		{`TODO: switch to the bulk endpoint (see ETL-112)`, notCode},
		{`Options:`, notCode},
		{`retries: 3`, notCode},
		{`realm=xxx`, notCode},
		{`N=1           -- period=64`, notCode},
		{`dataurl := "data:" [ mediatype ] [ ";base64" ] "," data`, notCode},
		{`- items are de-duplicated on read (see selectors.ts), not on write`, notCode},
		{`Retry(after a short delay)`, notCode},
		{`This is the end.`, notCode},
		{`n = number of items`, notCode},
		{``, notCode},
	}
	for _, tt := range tests {
		if got := codeKind(tt.text); got != tt.want {
			t.Errorf("codeKind(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

func TestExprOKAndWordPairs(t *testing.T) {
	tests := []struct {
		s     string
		ok    bool
		pairs int
	}{
		{`x + y`, true, 0},
		{`not user or not user.active`, true, 0},
		{`_, u := range users`, true, 0},
		{`the user is missing`, false, 1},
		{`number of items in the cache`, false, 2},
		{`for (const x of xs)`, false, 2},
		{`"," data`, false, 0},
		{`a "b" c`, false, 0},
		{`x is None`, true, 0},
		{`String name = foo()`, false, 1},
	}
	for _, tt := range tests {
		if got := exprOK(tt.s); got != tt.ok {
			t.Errorf("exprOK(%q) = %v, want %v", tt.s, got, tt.ok)
		}
		if got := wordPairs(tt.s, 2); got != tt.pairs {
			t.Errorf("wordPairs(%q) = %d, want %d", tt.s, got, tt.pairs)
		}
	}
}

func TestQuickProse(t *testing.T) {
	prose := []string{
		"Package sync mirrors orders from the upstream API",
		"Save in batches of 100 (the store's limit); a failed batch is",
		"this is the end.",
		"see the docs",
	}
	code := []string{
		"x = 1",
		"return nil",
		"String name = foo();",
		"if (x) {",
		"foo(bar)",
		`"id": "42",`,
	}
	for _, s := range prose {
		if !quickProse(s) {
			t.Errorf("quickProse(%q) = false, want true", s)
		}
	}
	for _, s := range code {
		if quickProse(s) {
			t.Errorf("quickProse(%q) = true, want false", s)
		}
	}
}

func TestDirectiveComment(t *testing.T) {
	yes := []string{"go:build linux", "go:generate mockgen", "nolint:errcheck", "!/usr/bin/env python3", " +build linux", " eslint-disable-next-line no-console", " type: ignore", " noqa: E501", "/ doc comment", " prodready:ignore foo -- bar", "region Helpers"}
	no := []string{" x = 1", "for log in existing:", "print(x)", " TODO: later", ""}
	for _, s := range yes {
		if !directiveComment(diff.Go, s) {
			t.Errorf("directiveComment(%q) = false", s)
		}
	}
	for _, s := range no {
		if directiveComment(diff.Go, s) {
			t.Errorf("directiveComment(%q) = true", s)
		}
	}
}

func TestIntroduced(t *testing.T) {
	mk := func(prose string, proseIndent int) []commentLine {
		return []commentLine{
			{body: prose, kind: kindProse, indent: proseIndent},
			{body: "x = 1", kind: kindCode, indent: 1},
		}
	}
	if !introduced(mk("We generate the equivalent of:", 1), 1, 1, 1) {
		t.Error("colon-introduced example not recognised")
	}
	if introduced(mk("Old implementation, kept until the migration:", 1), 1, 1, 1) {
		t.Error("\"Old implementation:\" should not count as an example")
	}
	if !introduced(mk("Typical setup", 1), 1, 1, 5) {
		t.Error("indented code under prose should count as an example")
	}
	if introduced(mk("Typical setup", 1), 1, 1, 1) {
		t.Error("code at prose indentation without a colon is not an example")
	}
}

func TestInsideStarts(t *testing.T) {
	lines := func(ss ...string) []diff.Line {
		out := make([]diff.Line, len(ss))
		for i, s := range ss {
			out[i] = diff.Line{Kind: diff.Added, Text: s}
		}
		return out
	}
	got := insideStarts(diff.Python, lines(`QUERY = """`, `# x = 1`, `"""`, `# y = 2`, `s = "'''"  # '''`, `# z = 3`))
	want := []bool{false, true, true, false, false, false}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("python line %d: inside = %v, want %v", i, got[i], want[i])
		}
	}
	got = insideStarts(diff.Go, lines("/*", "// x := 1", "*/", "s := `", "// y", "`", `u := "/*" // /*`, "// z"))
	want = []bool{false, true, true, false, true, true, false, false}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("go line %d: inside = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestFoldHelpers(t *testing.T) {
	if indexFold("Hello World", "world") != 6 || indexFold("abc", "abcd") != -1 || indexFold("x", "") != 0 {
		t.Error("indexFold")
	}
	if !hasPrefixFold("TODO: x", "todo") || hasPrefixFold("TO", "todo") {
		t.Error("hasPrefixFold")
	}
	if indexWord("todos todo", "todo") != 6 || indexWord("todos", "todo") != -1 {
		t.Error("indexWord")
	}
	if toLowerASCII("AbC-É") != "abc-É" || toLowerASCII("abc") != "abc" {
		t.Errorf("toLowerASCII: %q", toLowerASCII("AbC-É"))
	}
	if !hasWord("todo: implemented later", "implement*") || hasWord("really", "real") || !hasWord("the real thing", "real") {
		t.Error("hasWord")
	}
	if an := anchorsIn("// TODO: Replace with YOUR key"); an&anTodo == 0 || an&anReplace == 0 || an&anYour == 0 || an&anMock != 0 {
		t.Errorf("anchorsIn = %b", an)
	}
}

func TestStringAndCommentPositions(t *testing.T) {
	// Masked code keeps quotes and blanks string contents and comments.
	raw := `x = "your-key"  # TODO later`
	code := `x = "        "               `
	if !inString(code, 6) {
		t.Error("position inside the string literal")
	}
	if inString(code, 20) || !inCommentAt(code, 20) {
		t.Error("position inside the comment")
	}
	if c, ok := trailingComment(diff.Python, raw, code); !ok || c != " TODO later" {
		t.Errorf("trailingComment = %q, %v", c, ok)
	}
	if _, ok := trailingComment(diff.Go, "return nil", "return nil"); ok {
		t.Error("no comment expected")
	}
	if !markedComment("\t// ") || !markedComment("   * ") || markedComment(`s := "x // `) {
		t.Error("markedComment")
	}
}

func TestStubMessages(t *testing.T) {
	for _, s := range []string{"", "()", `("not implemented yet")`, `("TODO: wire up SES")`, "  # stub"} {
		if !stubRaiseMessage(s) {
			t.Errorf("stubRaiseMessage(%q) = false", s)
		}
	}
	for _, s := range []string{`("System entropy source does not have state.")`, `(f"unsupported format: {fmt}")`, "from err"} {
		if stubRaiseMessage(s) {
			t.Errorf("stubRaiseMessage(%q) = true", s)
		}
	}
	for _, s := range []string{"Not implemented", "TODO: x", "Method not implemented.", "implement me"} {
		if !hasStubPhrasePrefix(s) {
			t.Errorf("hasStubPhrasePrefix(%q) = false", s)
		}
	}
	if hasStubPhrasePrefix("unsupported kind") {
		t.Error("hasStubPhrasePrefix(unsupported kind) = true")
	}
}

func TestPaths(t *testing.T) {
	if !pathHasDir("a/docs/x.go", "docs") || pathHasDir("docs.go", "docs") || pathHasDir("a/b/docs", "docs") {
		t.Error("pathHasDir")
	}
	if !isDocPath("README.md") || !isDocPath("examples/quick.py") || isDocPath("src/app.py") {
		t.Error("isDocPath")
	}
	if !isMockPath("internal/mocks/store.go") || !isMockPath("src/FakeMailer.ts") || isMockPath("src/mailer.ts") {
		t.Error("isMockPath")
	}
	if !isTemplatePath("config/settings.example.py") || !isTemplatePath("src/Button.stories.tsx") || isTemplatePath("src/settings.py") {
		t.Error("isTemplatePath")
	}
}

func TestAssertions(t *testing.T) {
	yes := []string{"    assert total == 130", "\tt.Fatalf(\"x\")", "  expect(x).toBe(1);", "assertEquals(1, x);", "\trequire.NoError(t, err)", "self.assertTrue(ok)"}
	no := []string{"    # assert total == 130", "\tt.Logf(\"x\")", "  const x = 1;", ""}
	for _, s := range yes {
		if !isAssertion(s) {
			t.Errorf("isAssertion(%q) = false", s)
		}
	}
	for _, s := range no {
		if isAssertion(s) {
			t.Errorf("isAssertion(%q) = true", s)
		}
	}
	if n := assertionTokens("assert a\nexpect(b)\nt.Errorf(c)\nx := 1"); n != 3 {
		t.Errorf("assertionTokens = %d, want 3", n)
	}
}
