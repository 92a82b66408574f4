package inputvalidation

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/prodready/prodready/internal/checks"
	"github.com/prodready/prodready/internal/diff"
	"github.com/prodready/prodready/internal/rules/lexical"
)

// sqlStringBuilt reports SQL text built by formatting or concatenation that
// reaches a query call. It reads two shapes:
//   - same line: db.Query("SELECT ... " + id), cursor.execute(f"..."), and
//     a call whose arguments continue on the next lines;
//   - two steps: q = f"SELECT ... {x}" (and q += ... lines) earlier in the
//     hunk, then cursor.execute(q).
//
// It reports on the query call's line. When the call is an unchanged
// context line and the diff only added the line that builds the query, it
// reports on that build line instead, so that a changed query is not lost.
type sqlStringBuilt struct{ checks.Described }

func newSQLStringBuilt() *sqlStringBuilt {
	return &sqlStringBuilt{checks.Described{M: checks.Meta{
		ID:        "sql-string-built",
		Family:    family,
		Title:     "SQL query built from strings",
		Summary:   "SQL text built by formatting or concatenation reaches a query call (SQL injection).",
		Languages: languages(),
		Severity:  checks.Warning,
		Keywords: []string{".exec", ".query", ".Raw(", ".prepare", "read_sql", "text(", "mogrify(", "unsafe(",
			"addbatch(", "createquery(", "createnativequery(", "createsqlquery(", "update", "select", "insert", "delete"},
	}}}
}

var (
	sqlSinkPython = newSinkSet(`(?:\.(?:%s)|(?:^|[^\w.])text|\bsqlalchemy\.text)\s*\(`,
		[]string{"execute", "executemany", "executescript", "raw", "read_sql", "read_sql_query", "mogrify"}, "text")
	sqlSinkGo = newSinkSet(`\.(?:%s)\s*\(`, []string{"Query", "QueryRow", "QueryContext", "QueryRowContext", "Exec", "ExecContext",
		"Prepare", "PrepareContext", "Raw", "Queryx", "QueryRowx", "MustExec", "MustExecContext", "NamedExec", "NamedQuery"})
	sqlSinkJS   = newSinkSet(`\.(?:%s)\s*\(`, []string{"query", "execute", "raw", "$queryRawUnsafe", "$executeRawUnsafe", "unsafe"})
	sqlSinkJava = newSinkSet(`\.(?:%s)\s*\(`, []string{"executeQuery", "executeUpdate", "executeLargeUpdate", "execute", "addBatch",
		"prepareStatement", "prepareCall", "createQuery", "createNativeQuery", "createSQLQuery", "query", "update",
		"queryForObject", "queryForList", "queryForMap", "queryForRowSet", "batchUpdate"})
	// sqlKeyword is Bandit B608's test for SQL text.
	sqlKeyword = regexp.MustCompile(`(?is)\b(?:select\s.*\bfrom\s|delete\s+from\s|insert\s+into\s.*\bvalues[\s(]|update\s.*\bset\s)`)
)

// sinkSet is one language's query calls: the expression that finds a call,
// and the literals one of which a line must hold for it to match, a cheap
// test run first. Both come from one list of names, so that they cannot
// drift apart, as they once did (the JavaScript literals lacked "raw", and
// knex.raw went unreported).
type sinkSet struct {
	re    *regexp.Regexp
	hints []string
}

// newSinkSet fills the %s of pattern with the names as alternatives; extra
// are further literals the pattern's other branches need.
func newSinkSet(pattern string, names []string, extra ...string) sinkSet {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = regexp.QuoteMeta(n)
	}
	return sinkSet{
		re:    regexp.MustCompile(fmt.Sprintf(pattern, strings.Join(quoted, "|"))),
		hints: shortestPrefixes(append(slices.Clone(names), extra...)),
	}
}

// shortestPrefixes drops each name another one is a prefix of: a line
// holding "QueryRow" holds "Query".
func shortestPrefixes(names []string) []string {
	slices.Sort(names)
	var out []string
	for _, n := range names {
		if len(out) == 0 || !strings.HasPrefix(n, out[len(out)-1]) {
			out = append(out, n)
		}
	}
	return out
}

func sqlSinks(lang diff.Language) *sinkSet {
	switch lang {
	case diff.Python:
		return &sqlSinkPython
	case diff.Go:
		return &sqlSinkGo
	case diff.JavaScript, diff.TypeScript:
		return &sqlSinkJS
	case diff.Java:
		return &sqlSinkJava
	}
	return nil
}

func sqlSink(lang diff.Language) *regexp.Regexp {
	if s := sqlSinks(lang); s != nil {
		return s.re
	}
	return nil
}

// sqlArgsRead bounds how many arguments of a query call are judged: the
// query is the first, or second after a context or destination.
const sqlArgsRead = 3

func (r *sqlStringBuilt) CheckLine(fc *checks.FileContext, v *checks.HunkView, i int) {
	lang := fc.Lang()
	sinks := sqlSinks(lang)
	if sinks == nil {
		return
	}
	sink := sinks.re
	code := lexical.LineSpan(v, i).Code
	if !hasAny(code, sinks.hints...) {
		r.checkBuild(fc, v, i, sink)
		return
	}
	if locs := sink.FindAllStringIndex(code, 4); locs != nil {
		for _, loc := range locs {
			open := callOpen(code, loc)
			if open < 0 {
				continue
			}
			if r.checkSink(fc, v, i, open, sinkName(code, loc[0], open)) {
				return
			}
		}
		return
	}
	r.checkBuild(fc, v, i, sink)
}

// sqlTrace resolves identifiers to their assignments in the hunk, gathering
// the string text and the lines it read so that the keyword test and the
// user-input test see the query as it was built.
type sqlTrace struct {
	fc    *checks.FileContext
	sink  *regexp.Regexp
	lang  diff.Language
	v     *checks.HunkView
	at    int
	text  strings.Builder
	lines []int
	seen  []string
}

func isPlaceholderName(name string) bool {
	return strings.Contains(strings.ToLower(name), "placeholder")
}

// resolver answers for a name at the given depth: names defined in the hunk
// take the kind of their right-hand sides; a name being resolved counts as
// literal inside its own definition (q = q + " LIMIT 10").
func (t *sqlTrace) resolver(depth int) resolver {
	return func(name string) argKind {
		if isPlaceholderName(name) {
			return argLiteral
		}
		for _, s := range t.seen {
			if s == name {
				return argLiteral
			}
		}
		if depth == 0 {
			return argDynamic
		}
		as := assignments(t.lang, t.v, t.at, name)
		if len(as) == 0 {
			if t.fc != nil && fileConstant(t.fc, name) {
				return argLiteral
			}
			return argDynamic
		}
		t.seen = append(t.seen, name)
		defer func() { t.seen = t.seen[:len(t.seen)-1] }()
		kind := argLiteral
		for _, a := range as {
			text := literalText(t.lang, a.rhs)
			if t.sink != nil && t.sink.MatchString(a.rhs.Code) && sqlKeyword.MatchString(text) {
				// stmt = text(f"...") is judged on its own line.
				return argLiteral
			}
			t.text.WriteString(text)
			t.text.WriteByte('\n')
			t.lines = append(t.lines, a.line)
			if classify(t.lang, a.rhs, t.resolver(depth-1)) == argDynamic {
				kind = argDynamic
			}
		}
		return kind
	}
}

func (t *sqlTrace) userInput(i int) bool {
	if userInputNear(t.lang, t.v, i) {
		return true
	}
	for _, j := range t.lines {
		if userInputNear(t.lang, t.v, j) {
			return true
		}
	}
	return false
}

// checkSink judges the query call opening at column open of line i.
func (r *sqlStringBuilt) checkSink(fc *checks.FileContext, v *checks.HunkView, i, open int, name string) bool {
	lang := fc.Lang()
	c := readCall(v, i, open)
	for n, arg := range c.args {
		if n >= sqlArgsRead {
			break
		}
		if composedSafely(arg.Code) {
			continue
		}
		t := &sqlTrace{fc: fc, sink: sqlSink(lang), lang: lang, v: v, at: i}
		t.text.WriteString(literalText(lang, arg))
		if classify(lang, arg, t.resolver(2)) != argDynamic || !sqlKeyword.MatchString(t.text.String()) {
			continue
		}
		ui := t.userInput(i)
		msg := fmt.Sprintf("SQL text built by string formatting or concatenation reaches %s; pass the values as bound parameters (?, $1, or %%s with a separate argument list) instead.", name)
		if ui {
			msg = fmt.Sprintf("SQL text built from request data by string formatting or concatenation reaches %s (SQL injection); pass the values as bound parameters (?, $1, or %%s with a separate argument list) instead.", name)
		}
		report(fc, v, i, severity(fc, r.M.Severity, ui), msg)
		return true
	}
	return false
}

// checkBuild judges an added line that assigns dynamic SQL text to a
// variable, and reports it only when the query call that runs it is an
// unchanged context line (the call line reports otherwise).
func (r *sqlStringBuilt) checkBuild(fc *checks.FileContext, v *checks.HunkView, i int, sink *regexp.Regexp) {
	lang := fc.Lang()
	ls := lexical.LineSpan(v, i)
	if !strings.ContainsAny(ls.Raw, "\"'`") || !strings.Contains(ls.Code, "=") {
		return
	}
	name := assignedName(ls.Code)
	if name == "" {
		return
	}
	col, _, ok := assignmentAt(ls.Code, name)
	if !ok {
		return
	}
	rhs := readStatement(lang, v, i, col, false)
	if composedSafely(rhs.Code) {
		return
	}
	t := &sqlTrace{fc: fc, sink: sink, lang: lang, v: v, at: i, seen: []string{name}}
	t.text.WriteString(literalText(lang, rhs))
	if sink.MatchString(rhs.Code) && sqlKeyword.MatchString(t.text.String()) {
		return // q = text(f"...") is a query call of its own
	}
	if classify(lang, rhs, t.resolver(1)) != argDynamic || !sqlKeyword.MatchString(t.text.String()) {
		return
	}
	for j := i + 1; j < len(v.Lines) && j <= i+backWindow; j++ {
		code := lexical.LineSpan(v, j).Code
		if !strings.Contains(code, name) {
			continue
		}
		for _, loc := range sink.FindAllStringIndex(code, 4) {
			open := callOpen(code, loc)
			if open < 0 {
				continue
			}
			c := readCall(v, j, open)
			for n, arg := range c.args {
				if n >= sqlArgsRead || !checks.ContainsWord(arg.Code, name) {
					continue
				}
				if v.IsAdded(j) {
					return
				}
				ui := t.userInput(i) || userInputNear(lang, v, j)
				msg := fmt.Sprintf("SQL text built here by string formatting or concatenation is run by %s on line %d; bind the values as query parameters instead.",
					sinkName(code, loc[0], open), v.Lines[j].NewLine)
				report(fc, v, i, severity(fc, r.M.Severity, ui), msg)
				return
			}
		}
	}
}

// composedSafely reports SQL composed with a driver's quoting helpers
// (psycopg's sql.SQL(...).format(sql.Identifier(...))), which escape what
// they insert.
func composedSafely(code string) bool {
	return strings.Contains(code, "sql.SQL(") || strings.Contains(code, "sql.Identifier(")
}

// literalText is stringText, except that a Java text block, which the
// masker does not blank, is read whole.
func literalText(lang diff.Language, s span) string {
	if lang == diff.Java && strings.Contains(s.Raw, `"""`) {
		return s.Raw
	}
	return stringText(s)
}
