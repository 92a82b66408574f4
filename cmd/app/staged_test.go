package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckStaged drives `app check --staged` the way a pre-commit hook
// does: in a real repository, from its top level or a subdirectory, with
// git settings that would garble a naive `git diff`.
func TestCheckStaged(t *testing.T) {
	isolateGit(t)
	repo := newRepo(t, t.TempDir())
	repo.makeGitHostile()
	repo.write("README.md", "# demo\n")
	repo.write("pkg/doc.go", "// Package pkg is empty.\npackage pkg\n")
	repo.commit("base")
	sub := filepath.Join(repo.dir, "pkg")

	t.Run("nothing staged", func(t *testing.T) {
		t.Chdir(repo.dir)
		code, out, errOut := runApp(t, "", "check", "--staged")
		if code != exitOK || out != "nothing staged to review\n" || errOut != "" {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
		}
		// A machine format still gets its document.
		code, out, _ = runApp(t, "", "check", "--staged", "--format", "json")
		var doc struct{ Findings []any }
		if code != exitOK || json.Unmarshal([]byte(out), &doc) != nil || len(doc.Findings) != 0 {
			t.Fatalf("json: exit %d, stdout %q", code, out)
		}
	})

	// What is staged is reviewed, not the work tree: the file is cleaned
	// after `git add`, as a developer fixing it without re-adding would.
	repo.write("settings.py", secretPython())
	repo.git("add", "settings.py")
	repo.write("settings.py", cleanPython)

	t.Run("secret staged, run from a subdirectory", func(t *testing.T) {
		t.Chdir(sub)
		code, out, errOut := runApp(t, "", "check", "--staged", "--format", "github")
		if code != exitFindings {
			t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, exitFindings, out, errOut)
		}
		// The path is the repository's, not relative to pkg/ (diff.relative).
		if !strings.Contains(out, "::error file=settings.py,line=3,") || !strings.Contains(out, "(secret-provider-token)") {
			t.Errorf("no failure annotation on settings.py:3:\n%s", out)
		}
		assertNoRawSecret(t, out, errOut)

		code, out, errOut = runApp(t, "", "check", "--staged")
		if code != exitFindings || !strings.Contains(out, fakeAWSKeyMasked) {
			t.Errorf("text: exit %d, the masked key is not shown as evidence:\n%s", code, out)
		}
		assertNoRawSecret(t, out, errOut)
	})

	t.Run("configuration at the top level is honoured", func(t *testing.T) {
		repo.write(".github/prodready.yml", "version: 1\nfamilies:\n  secrets: {enabled: false}\n")
		defer os.Remove(filepath.Join(repo.dir, ".github", "prodready.yml"))
		t.Chdir(sub)
		code, out, errOut := runApp(t, "", "check", "--staged")
		if code != exitOK || !strings.Contains(out, "no findings") {
			t.Fatalf("with secrets disabled at the top level: exit %d\n%s%s", code, out, errOut)
		}
		// --config names another file, relative to where the command runs.
		repo.write("pkg/strict.yml", "version: 1\nfail_on: failure\n")
		code, _, errOut = runApp(t, "", "check", "--staged", "--config", "strict.yml")
		if code != exitFindings {
			t.Fatalf("--config strict.yml: exit %d, stderr %q", code, errOut)
		}
	})

	t.Run("clean change", func(t *testing.T) {
		repo.git("reset", "-q")
		repo.write("pkg/util.py", cleanPython)
		repo.git("add", "pkg/util.py")
		t.Chdir(repo.dir)
		code, out, errOut := runApp(t, "", "check", "--staged")
		if code != exitOK || !strings.Contains(out, "no findings in 1 file") {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
	})

	t.Run("first commit of a new repository", func(t *testing.T) {
		fresh := newRepo(t, t.TempDir())
		fresh.write("settings.py", secretPython())
		fresh.git("add", "settings.py")
		t.Chdir(fresh.dir)
		code, out, errOut := runApp(t, "", "check", "--staged", "--format", "github")
		if code != exitFindings || !strings.Contains(out, "::error file=settings.py,line=3,") {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
	})

	t.Run("outside a repository", func(t *testing.T) {
		dir := t.TempDir()
		// Stop git's search at dir, wherever the temporary directory is.
		t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(dir))
		t.Chdir(dir)
		code, out, errOut := runApp(t, "", "check", "--staged")
		if code != exitUsage || out != "" {
			t.Fatalf("exit %d, stdout %q", code, out)
		}
		if !strings.HasPrefix(errOut, "app check: --staged: ") || !strings.Contains(errOut, "is not in a git work tree") || strings.Count(errOut, "\n") != 1 {
			t.Errorf("want one line saying there is no repository, got %q", errOut)
		}
	})
}
