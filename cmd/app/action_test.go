package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// actionFixture is a remote and the commits of one pull request on it:
//
//	main:    c1 - c2 ------------ base (deletes legacy/old.go)
//	                \
//	feature:         f1 (settings.py: a key) - head (pkg/parse.go: a discarded error)
//
// legacy/old.go discards an error too: a review of base..head instead of
// base...head would show it re-added, and report it.
type actionFixture struct {
	origin                  string // file:// URL
	mergeBase, f1, base, hd string
}

const discardedErrorGo = "package pkg\n\nimport \"strconv\"\n\n// Parse reads n.\nfunc Parse(s string) int {\n\tn, _ := strconv.Atoi(s)\n\treturn n\n}\n"

func newActionFixture(t *testing.T) actionFixture {
	t.Helper()
	dir := t.TempDir()
	src := newRepo(t, filepath.Join(dir, "src"))
	src.write("README.md", "# demo\n")
	src.commit("c1")
	src.write("legacy/old.go", strings.Replace(discardedErrorGo, "package pkg", "package legacy", 1))
	var f actionFixture
	f.mergeBase = src.commit("c2")
	src.git("checkout", "-q", "-b", "feature")
	src.write("settings.py", secretPython())
	f.f1 = src.commit("f1")
	src.write("pkg/parse.go", discardedErrorGo)
	f.hd = src.commit("head")
	src.git("checkout", "-q", "main")
	src.git("rm", "-q", "-r", "legacy")
	f.base = src.commit("base")

	origin := filepath.Join(dir, "origin.git")
	src.git("clone", "-q", "--bare", src.dir, origin)
	// As on GitHub, any commit can be fetched by its id.
	src.git("-C", origin, "config", "uploadpack.allowAnySHA1InWant", "true")
	f.origin = (&url.URL{Scheme: "file", Path: filepath.ToSlash(origin)}).String()
	return f
}

// checkout is what actions/checkout leaves by default: the branch's tip
// alone, shallow, with the workspace's own (hostile) git settings.
func (f actionFixture) checkout(t *testing.T) *testRepo {
	t.Helper()
	parent := &testRepo{t: t, dir: t.TempDir()}
	parent.git("clone", "-q", "--depth=1", "--branch", "feature", f.origin, "ws")
	ws := &testRepo{t: t, dir: filepath.Join(parent.dir, "ws")}
	if got := ws.git("rev-parse", "--is-shallow-repository"); got != "true" {
		t.Fatalf("the checkout should start shallow, is-shallow-repository says %s", got)
	}
	ws.makeGitHostile()
	return ws
}

type scriptRun struct {
	code           int
	stdout, stderr string
	outputs        map[string]string
	sarif          []byte
}

// runActionScript runs scripts/action.sh as the Action's step does, with a
// fake event payload and the variables Actions sets, and the app (this
// test binary) as PRODREADY_BIN.
func runActionScript(t *testing.T, ws *testRepo, eventName string, event any, env ...string) scriptRun {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("..", "..", "scripts", "action.sh"))
	if err != nil {
		t.Fatal(err)
	}
	// Read here so that go test's cache knows the result depends on the
	// script, which only bash opens.
	if _, err := os.ReadFile(script); err != nil {
		t.Fatal(err)
	}
	app := appExecutable(t)
	tmp := t.TempDir()
	runnerTemp, outFile := filepath.Join(tmp, "runner"), filepath.Join(tmp, "github_output")
	if err := os.Mkdir(runnerTemp, 0o755); err != nil {
		t.Fatal(err)
	}
	vars := []string{"GITHUB_WORKSPACE=" + ws.dir, "GITHUB_OUTPUT=" + outFile, "RUNNER_TEMP=" + runnerTemp, "PRODREADY_BIN=" + app}
	if eventName != "" {
		eventFile := filepath.Join(tmp, "event.json")
		b, err := json.MarshalIndent(event, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(eventFile, b, 0o644); err != nil {
			t.Fatal(err)
		}
		vars = append(vars, "GITHUB_EVENT_NAME="+eventName, "GITHUB_EVENT_PATH="+eventFile)
	}
	cmd := exec.Command("bash", script)
	cmd.Dir = ws.dir
	// A run inside GitHub Actions must not leak its own event into these.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GITHUB_") && !strings.HasPrefix(kv, "RUNNER_") && !strings.HasPrefix(kv, "PRODREADY_") || strings.HasPrefix(kv, envRunApp+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(append(cmd.Env, vars...), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	r := scriptRun{code: 0, outputs: map[string]string{}}
	if err := cmd.Run(); err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("run %s: %v", script, err)
		}
		r.code = ee.ExitCode()
	}
	r.stdout, r.stderr = stdout.String(), stderr.String()
	if b, err := os.ReadFile(outFile); err == nil {
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				r.outputs[k] = v
			}
		}
	}
	if p := r.outputs["sarif-file"]; p != "" {
		if r.sarif, err = os.ReadFile(p); err != nil {
			t.Fatalf("the sarif-file output names %s: %v", p, err)
		}
	}
	assertNoRawSecret(t, r.stdout, r.stderr, string(r.sarif))
	return r
}

func (r scriptRun) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s\noutputs: %v", r.code, r.stdout, r.stderr, r.outputs)
}

func prEvent(base, head string) map[string]any {
	// Decoys: keys named sha elsewhere, and a body quoting JSON.
	return map[string]any{
		"action": "synchronize",
		"number": 7,
		"pull_request": map[string]any{
			"title":  `Add settings "sha": "0000"`,
			"body":   "Fixes {\"base\": {\"sha\": \"bad\"}}\r\nand \\ more",
			"labels": []any{map[string]any{"name": "ai-generated", "sha": "nope"}},
			"head":   map[string]any{"ref": "feature", "sha": head, "repo": map[string]any{"full_name": "o/r", "fork": false}},
			"base":   map[string]any{"ref": "main", "sha": base, "user": map[string]any{"login": "o"}},
			"merged": nil,
		},
		"repository": map[string]any{"full_name": "o/r", "default_branch": "main"},
	}
}

func TestActionScript(t *testing.T) {
	needTools(t, "bash", "git")
	isolateGit(t)
	fx := newActionFixture(t)

	t.Run("pull request on a shallow checkout", func(t *testing.T) {
		ws := fx.checkout(t)
		// One commit at a time, so the script has to deepen to find where
		// the branch left main.
		r := runActionScript(t, ws, "pull_request", prEvent(fx.base, fx.hd), "PRODREADY_FETCH_DEPTH=1")
		if r.code != exitFindings {
			t.Fatalf("want exit 1 for a failure at the default fail_on:\n%v", r)
		}
		for _, want := range []string{
			"::error file=settings.py,line=3,",
			"(secret-provider-token)::",
			"::warning file=pkg/parse.go,line=7,",
			"(go-error-discarded)::",
		} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("stdout lacks %q:\n%v", want, r)
			}
		}
		if strings.Contains(r.stdout, "legacy/old.go") {
			t.Errorf("reviewed base..head, not base...head: main's deletion shows as an addition:\n%v", r)
		}
		wantOut := map[string]string{"findings": "2", "failures": "1", "warnings": "1", "notices": "0"}
		for k, v := range wantOut {
			if r.outputs[k] != v {
				t.Errorf("output %s=%q, want %q (all: %v)", k, r.outputs[k], v, r.outputs)
			}
		}
		var sarif struct {
			Runs []struct {
				Results []struct {
					RuleID string `json:"ruleId"`
					Level  string `json:"level"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(r.sarif, &sarif); err != nil || len(sarif.Runs) != 1 {
			t.Fatalf("the SARIF file is not a one-run SARIF document (%v):\n%s", err, r.sarif)
		}
		levels := map[string]string{}
		for _, res := range sarif.Runs[0].Results {
			levels[res.RuleID] = res.Level
		}
		if levels["secret-provider-token"] != "error" || levels["go-error-discarded"] != "warning" || len(levels) != 2 {
			t.Errorf("SARIF results %v, want the two findings", levels)
		}
		ws.git("cat-file", "-e", fx.mergeBase+"^{commit}") // fetched as far as the merge base
	})

	t.Run("fail-on never passes with the same annotations", func(t *testing.T) {
		r := runActionScript(t, fx.checkout(t), "pull_request", prEvent(fx.base, fx.hd), "PRODREADY_FAIL_ON=never")
		if r.code != exitOK || !strings.Contains(r.stdout, "::error file=settings.py,") || r.outputs["failures"] != "1" {
			t.Fatalf("want exit 0 with the failure still annotated:\n%v", r)
		}
	})

	t.Run("push: before..after, fail-on per input", func(t *testing.T) {
		push := map[string]any{"ref": "refs/heads/feature", "before": fx.f1, "after": fx.hd, "repository": map[string]any{"default_branch": "main"}}
		ws := fx.checkout(t)
		r := runActionScript(t, ws, "push", push)
		if r.code != exitOK || r.outputs["findings"] != "1" || r.outputs["warnings"] != "1" || strings.Contains(r.stdout, "settings.py") {
			t.Fatalf("want only the push's own commit reviewed, its warning below fail_on failure:\n%v", r)
		}
		r = runActionScript(t, ws, "push", push, "PRODREADY_FAIL_ON=warning")
		if r.code != exitFindings {
			t.Fatalf("fail-on warning: want exit 1:\n%v", r)
		}
	})

	t.Run("push of a new branch compares with the default branch", func(t *testing.T) {
		push := map[string]any{"ref": "refs/heads/feature", "before": strings.Repeat("0", 40), "after": fx.hd, "repository": map[string]any{"default_branch": "main"}}
		r := runActionScript(t, fx.checkout(t), "push", push)
		if r.code != exitFindings || r.outputs["findings"] != "2" || strings.Contains(r.stdout, "legacy/old.go") {
			t.Fatalf("want the branch's two findings against main:\n%v", r)
		}
	})

	t.Run("inputs win over the event", func(t *testing.T) {
		r := runActionScript(t, fx.checkout(t), "pull_request", prEvent(fx.base, fx.hd), "PRODREADY_BASE="+fx.f1, "PRODREADY_HEAD="+fx.hd)
		if r.code != exitOK || r.outputs["findings"] != "1" {
			t.Fatalf("want base=f1 reviewed:\n%v", r)
		}
	})

	errorCases := []struct {
		name, event string
		payload     any
		env         []string
		want        string
	}{
		{"base that cannot be fetched", "pull_request", prEvent(strings.Repeat("1234", 10), fx.hd), nil, "::error title=prodready::cannot fetch the base commit 1234"},
		{"no event and no inputs", "", nil, nil, "::error title=prodready::nothing says what to compare: set the base and head inputs"},
		{"event without commits", "workflow_dispatch", map[string]any{}, nil, "::error title=prodready::a workflow_dispatch event says nothing about what to compare"},
		{"pull request payload without a base", "pull_request", map[string]any{"pull_request": map[string]any{"head": map[string]any{"sha": fx.hd}}}, nil, "::error title=prodready::no base commit in the pull_request event payload"},
		{"bad fail-on", "pull_request", prEvent(fx.base, fx.hd), []string{"PRODREADY_FAIL_ON=sometimes"}, "::error title=prodready::app check could not review"},
		{"bad ai-authored", "pull_request", prEvent(fx.base, fx.hd), []string{"PRODREADY_AI_AUTHORED=maybe"}, "::error title=prodready::ai-authored must be auto, true or false"},
	}
	for _, c := range errorCases {
		t.Run(c.name, func(t *testing.T) {
			r := runActionScript(t, fx.checkout(t), c.event, c.payload, c.env...)
			if r.code != exitUsage || !strings.Contains(r.stdout, c.want) {
				t.Fatalf("want exit 2 and %q:\n%v", c.want, r)
			}
			if len(r.outputs) != 0 {
				t.Errorf("a review that did not run wrote outputs: %v", r.outputs)
			}
		})
	}
}
