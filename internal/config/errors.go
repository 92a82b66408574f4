package config

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one error in a configuration file.
type Problem struct {
	Line, Column int
	Message      string
	// Excerpt shows the offending line and a caret under the column.
	Excerpt string
}

// Error is every problem of one file, collected in one pass.
type Error struct {
	File     string
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s:%d:%d: %s", e.File, p.Line, p.Column, p.Message)
		if p.Excerpt != "" {
			b.WriteString("\n" + p.Excerpt)
		}
	}
	return b.String()
}

// problems collects errors against the source lines for excerpts.
type problems struct {
	lines []string
	list  []Problem
}

func newProblems(src []byte) *problems {
	return &problems{lines: strings.Split(string(src), "\n")}
}

func (ps *problems) add(line, col int, format string, args ...any) {
	p := Problem{Line: line, Column: col, Message: fmt.Sprintf(format, args...)}
	if line >= 1 && line <= len(ps.lines) {
		text := strings.TrimRight(ps.lines[line-1], "\r")
		caret := strings.Repeat(" ", max(col-1, 0)) + "^"
		p.Excerpt = fmt.Sprintf("%5d | %s\n      | %s", line, text, caret)
	}
	for _, q := range ps.list {
		if q.Line == p.Line && q.Column == p.Column && q.Message == p.Message {
			return
		}
	}
	ps.list = append(ps.list, p)
}

func (ps *problems) err(file string) error {
	if len(ps.list) == 0 {
		return nil
	}
	sort.SliceStable(ps.list, func(i, j int) bool {
		if ps.list[i].Line != ps.list[j].Line {
			return ps.list[i].Line < ps.list[j].Line
		}
		return ps.list[i].Column < ps.list[j].Column
	})
	return &Error{File: file, Problems: ps.list}
}
