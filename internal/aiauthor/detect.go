// Package aiauthor decides whether a pull request was written with an AI
// coding agent, from signals that cost nothing to read: commit trailers,
// "Generated with" lines, bot authors, branch prefixes and labels. A PR so
// detected is reviewed with the stricter ai_authored profile.
package aiauthor

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/prodready/prodready/internal/config"
)

// Commit is what detection reads of a commit.
type Commit struct {
	SHA         string
	Message     string
	AuthorName  string
	AuthorLogin string
	AuthorEmail string
}

// Signals is everything detection may look at; any field may be empty
// (the CLI knows no labels, the App knows no local branch).
type Signals struct {
	Title   string
	Body    string
	Branch  string
	Author  string // login of the PR author
	Labels  []string
	Commits []Commit
}

// Verdict is the outcome, with the evidence shown in summaries.
type Verdict struct {
	AIAuthored bool     `json:"ai_authored"`
	Evidence   []string `json:"evidence,omitempty"`
}

// DefaultAgents are the coding agents whose names mark a co-author or a
// "Generated with" line.
var DefaultAgents = []string{
	"copilot", "claude", "cursor", "devin", "codex", "gemini", "aider", "openhands", "sweep",
	"cody", "windsurf", "jules", "chatgpt", "openai", "amazon q", "codeium", "tabnine", "replit agent", "continue",
}

// DefaultBotAuthors are logins of agent apps that open pull requests.
var DefaultBotAuthors = []string{
	"copilot", "copilot-swe-agent[bot]", "devin-ai-integration[bot]", "cursor[bot]", "cursoragent",
	"chatgpt-codex-connector[bot]", "claude[bot]", "google-labs-jules[bot]", "sweep-ai[bot]", "openhands-agent",
	"codegen-sh[bot]", "coderabbitai[bot]",
}

// DefaultBranchPrefixes are the branches agents push to.
var DefaultBranchPrefixes = []string{"copilot/", "codex/", "devin/", "cursor/", "claude/", "jules/", "sweep/", "openhands/", "aider/"}

// DefaultLabels mark a PR as AI-written by hand.
var DefaultLabels = []string{"ai-generated", "ai-authored", "generated-by-ai", "ai-assisted"}

var (
	trailerLine   = regexp.MustCompile(`(?im)^\s*co-authored-by:\s*(.+)$`)
	generatedLine = regexp.MustCompile(`(?im)\b(?:generated|created|written|authored|co-authored|made)\s+(?:with|by|using|via)\s+\[?([^\]\n().,]{2,40})`)
)

// Detect applies the configured signals. A nil-valued toggle means on.
func Detect(s Signals, d config.AIDetect) Verdict {
	agents := append(append([]string(nil), DefaultAgents...), lower(d.Agents)...)
	bots := append(append([]string(nil), DefaultBotAuthors...), lower(d.BotAuthors)...)
	prefixes := append(append([]string(nil), DefaultBranchPrefixes...), d.BranchPrefixes...)
	labels := append(append([]string(nil), DefaultLabels...), lower(d.Labels)...)
	var ev []string
	add := func(format string, a ...any) {
		e := fmt.Sprintf(format, a...)
		for _, x := range ev {
			if x == e {
				return
			}
		}
		ev = append(ev, e)
	}

	if on(d.Trailers) {
		for _, c := range s.Commits {
			for _, m := range trailerLine.FindAllStringSubmatch(c.Message, -1) {
				if a := mentions(m[1], agents); a != "" {
					add("commit %s has a Co-authored-by trailer naming %s", short(c.SHA), a)
				}
			}
		}
	}
	if on(d.GeneratedWith) {
		texts := []struct{ where, text string }{{"the PR body", s.Body}}
		for _, c := range s.Commits {
			texts = append(texts, struct{ where, text string }{"commit " + short(c.SHA), c.Message})
		}
		for _, t := range texts {
			for _, m := range generatedLine.FindAllStringSubmatch(t.text, -1) {
				if a := mentions(m[1], agents); a != "" {
					add("%s says it was generated with %s", t.where, a)
				}
			}
		}
	}
	if a := botMatch(s.Author, bots, agents); a != "" {
		add("the PR was opened by %s", s.Author)
	}
	for _, c := range s.Commits {
		for _, who := range []string{c.AuthorLogin, c.AuthorName} {
			if botMatch(who, bots, agents) != "" {
				add("commit %s was authored by %s", short(c.SHA), who)
			}
		}
		if e := strings.ToLower(c.AuthorEmail); strings.Contains(e, "copilot@users.noreply.github.com") || strings.Contains(e, "cursoragent@cursor.com") || strings.Contains(e, "devin-ai-integration") {
			add("commit %s was authored by %s", short(c.SHA), c.AuthorEmail)
		}
	}
	for _, p := range prefixes {
		if p != "" && strings.HasPrefix(strings.ToLower(s.Branch), strings.ToLower(p)) {
			add("the branch %s starts with %s", s.Branch, p)
		}
	}
	for _, l := range s.Labels {
		for _, want := range labels {
			if strings.EqualFold(l, want) {
				add("the PR is labelled %s", l)
			}
		}
	}
	return Verdict{AIAuthored: len(ev) > 0, Evidence: ev}
}

func on(b *bool) bool { return b == nil || *b }

func lower(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strings.ToLower(s)
	}
	return out
}

// mentions returns the agent named in text as a whole word, or "".
func mentions(text string, agents []string) string {
	t := strings.ToLower(text)
	for _, a := range agents {
		if a == "" {
			continue
		}
		for off := 0; ; {
			k := strings.Index(t[off:], a)
			if k < 0 {
				break
			}
			i, j := off+k, off+k+len(a)
			if (i == 0 || !isWord(t[i-1])) && (j == len(t) || !isWord(t[j])) {
				return a
			}
			off = i + 1
		}
	}
	return ""
}

func isWord(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z'
}

// botMatch recognises an agent's login: one of the known bots, or any
// "[bot]" account whose name contains an agent's name (dependabot[bot]
// does not).
func botMatch(login string, bots, agents []string) string {
	l := strings.ToLower(strings.TrimSpace(login))
	if l == "" {
		return ""
	}
	for _, b := range bots {
		if l == b {
			return b
		}
	}
	if strings.HasSuffix(l, "[bot]") {
		name := strings.TrimSuffix(l, "[bot]")
		for _, a := range agents {
			if a != "" && strings.Contains(name, a) {
				return a
			}
		}
	}
	return ""
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	if sha == "" {
		return "(uncommitted)"
	}
	return sha
}
