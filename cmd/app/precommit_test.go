package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// preCommitHookKeys are the keys pre-commit accepts in a hook definition
// (MANIFEST_HOOK_DICT in pre-commit's clientlib.py); it rejects others.
var preCommitHookKeys = map[string]bool{
	"id": true, "name": true, "entry": true, "language": true, "alias": true, "files": true, "exclude": true,
	"types": true, "types_or": true, "exclude_types": true, "additional_dependencies": true, "args": true,
	"always_run": true, "fail_fast": true, "pass_filenames": true, "description": true, "language_version": true,
	"log_file": true, "minimum_pre_commit_version": true, "require_serial": true, "stages": true, "verbose": true,
}

// preCommitStages are pre-commit's stage names since 3.2.0 (C.STAGES), for
// when the hook names any: older versions also need minimum_pre_commit_version.
var preCommitStages = map[string]bool{
	"commit-msg": true, "post-checkout": true, "post-commit": true, "post-merge": true, "post-rewrite": true,
	"pre-commit": true, "pre-merge-commit": true, "pre-push": true, "pre-rebase": true, "prepare-commit-msg": true, "manual": true,
}

// TestPreCommitHook holds .pre-commit-hooks.yaml to what pre-commit
// accepts and runs its entry, word for word, as pre-commit would: from the
// repository's top level with the installed `app` first on PATH.
func TestPreCommitHook(t *testing.T) {
	needTools(t, "git", "sh")
	isolateGit(t)
	b, err := os.ReadFile(filepath.Join("..", "..", ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []map[string]any
	if err := yaml.Unmarshal(b, &hooks); err != nil {
		t.Fatalf(".pre-commit-hooks.yaml: %v", err)
	}
	if len(hooks) != 1 {
		t.Fatalf("want one hook, got %d", len(hooks))
	}
	hook := hooks[0]
	for k := range hook {
		if !preCommitHookKeys[k] {
			t.Errorf("pre-commit does not know the key %q", k)
		}
	}
	for _, k := range []string{"id", "name", "entry", "language"} {
		if s, _ := hook[k].(string); s == "" {
			t.Errorf("%s is required", k)
		}
	}
	if hook["id"] != "prodready" || hook["language"] != "golang" || hook["pass_filenames"] != false {
		t.Errorf("id %v, language %v, pass_filenames %v; want prodready, golang, false", hook["id"], hook["language"], hook["pass_filenames"])
	}
	stages, _ := hook["stages"].([]any)
	for _, st := range stages {
		if !preCommitStages[st.(string)] {
			t.Errorf("pre-commit has no stage %q", st)
		}
	}
	entry, _ := hook["entry"].(string)
	if strings.ContainsAny(entry, `"'\`) {
		t.Fatalf("entry %q needs shell quoting; this test splits on spaces", entry)
	}
	argv := strings.Fields(entry)
	// pre-commit's golang language runs `go install ./...`, which names a
	// binary after its package's directory: this one.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if len(argv) == 0 || argv[0] != filepath.Base(wd) {
		t.Fatalf("entry %q does not start with %q, the name go install gives this command", entry, filepath.Base(wd))
	}

	binDir := t.TempDir()
	if err := os.Symlink(appExecutable(t), filepath.Join(binDir, argv[0])); err != nil {
		t.Skipf("cannot link the app into a PATH directory: %v", err)
	}
	t.Setenv("PATH", binDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	runEntry := func(dir string) (int, string) {
		t.Helper()
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir = dir
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), out.String()
		} else if err != nil {
			t.Fatalf("run %q: %v", entry, err)
		}
		return 0, out.String()
	}

	repo := newRepo(t, t.TempDir())
	repo.write("settings.py", cleanPython)
	repo.commit("base")

	t.Run("staged secret", func(t *testing.T) {
		repo.write("settings.py", secretPython())
		repo.git("add", "settings.py")
		defer repo.git("reset", "-q", "--hard")
		code, out := runEntry(repo.dir)
		if code != exitFindings || !strings.Contains(out, fakeAWSKeyMasked) || !strings.Contains(out, "secret-provider-token") {
			t.Fatalf("exit %d, want 1 with the masked key as evidence:\n%s", code, out)
		}
		assertNoRawSecret(t, out)
	})

	t.Run("clean staged change", func(t *testing.T) {
		repo.write("util.py", cleanPython)
		repo.git("add", "util.py")
		defer repo.git("reset", "-q", "--hard")
		if code, out := runEntry(repo.dir); code != exitOK {
			t.Fatalf("exit %d:\n%s", code, out)
		}
	})

	// As a git pre-commit hook, under `git commit -a`: git stages into a
	// temporary index that only GIT_INDEX_FILE names, and the commit must
	// still be stopped.
	t.Run("git commit -a is stopped", func(t *testing.T) {
		hooksDir := t.TempDir()
		script := "#!/bin/sh\nexec " + entry + "\n"
		if err := os.WriteFile(filepath.Join(hooksDir, "pre-commit"), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		repo.git("config", "core.hooksPath", hooksDir)
		defer repo.git("config", "core.hooksPath", os.DevNull)
		repo.write("settings.py", secretPython()) // modified, not staged
		defer repo.git("reset", "-q", "--hard")
		before := repo.git("rev-parse", "HEAD")
		cmd := exec.Command("git", "-C", repo.dir, "commit", "-a", "-m", "add the key")
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), fakeAWSKeyMasked) {
			t.Fatalf("the commit went through or the hook said nothing of the key (%v):\n%s", err, out)
		}
		assertNoRawSecret(t, string(out))
		if after := repo.git("rev-parse", "HEAD"); after != before {
			t.Errorf("HEAD moved from %s to %s", before, after)
		}
	})
}
