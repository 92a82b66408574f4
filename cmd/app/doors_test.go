package main

// Helpers for the tests of the ways in: --staged (pre-commit), the Action's
// script and the hook definition. They drive real git repositories in
// temporary directories; nothing touches the network.

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// envRunApp makes the test binary act as the app, so that the script and
// hook tests run the real command line without building a second binary.
const envRunApp = "PRODREADY_TEST_BINARY_IS_APP"

func TestMain(m *testing.M) {
	if os.Getenv(envRunApp) == "1" {
		main()
	}
	os.Exit(m.Run())
}

// appExecutable returns a path that runs the app in child processes of t.
func appExecutable(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("locate the test binary: %v", err)
	}
	t.Setenv(envRunApp, "1")
	return exe
}

// fakeAWSKey looks like a live AWS access key id to the secrets rules. It is
// assembled at run time so that the source does not itself carry a key for
// scanners (this repository's own review included) to report.
var fakeAWSKey = "AKIA" + "Q3ZPL7XR2WMK4TVD"

const fakeAWSKeyMasked = "AKIA************4TVD"

// needTools skips a test whose subject cannot run here at all.
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH: %v", tool, err)
		}
	}
}

// isolateGit keeps the machine's and the user's git settings out (a global
// diff.noprefix or commit.gpgSign would change what the tests see), and the
// repository of a hook that happens to run the tests (GIT_DIR,
// GIT_INDEX_FILE).
func isolateGit(t *testing.T) {
	t.Helper()
	needTools(t, "git")
	for _, k := range []string{
		"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
		"GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_PREFIX", "GIT_CEILING_DIRECTORIES", "GIT_CONFIG",
		"GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_EXTERNAL_DIFF", "GIT_DIFF_OPTS",
	} {
		t.Setenv(k, "") // restores the old value after the test
		os.Unsetenv(k)
	}
	home := t.TempDir()
	for k, v := range map[string]string{
		"HOME": home, "XDG_CONFIG_HOME": home, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.DevNull,
		"GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "author@example.com",
		"GIT_COMMITTER_NAME": "Test Author", "GIT_COMMITTER_EMAIL": "author@example.com",
		"GIT_TERMINAL_PROMPT": "0", "NO_COLOR": "1",
	} {
		t.Setenv(k, v)
	}
}

type testRepo struct {
	t   *testing.T
	dir string
}

// newRepo initialises an empty repository on branch main at dir.
func newRepo(t *testing.T, dir string) *testRepo {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := &testRepo{t: t, dir: dir}
	r.git("init", "-q")
	r.git("symbolic-ref", "HEAD", "refs/heads/main") // init.defaultBranch may say otherwise
	r.git("config", "core.hooksPath", os.DevNull)
	return r
}

func (r *testRepo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", append([]string{"-C", r.dir}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		r.t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, stderr)
	}
	return strings.TrimSpace(string(out))
}

func (r *testRepo) write(rel, content string) {
	r.t.Helper()
	path := filepath.Join(r.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// commit records every change in the work tree and returns the commit id.
func (r *testRepo) commit(msg string) string {
	r.t.Helper()
	r.git("add", "-A")
	r.git("commit", "-q", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

// makeGitHostile sets what a user's git configuration may legitimately say
// and what would turn `git diff` into something other than a plain unified
// diff of the files: no a/ b/ prefixes, paths relative to the current
// directory, colour, an external diff program and a textconv filter that
// both fail, submodule logs. The commands under test must not care.
func (r *testRepo) makeGitHostile() {
	r.t.Helper()
	for _, kv := range [][2]string{
		{"diff.noprefix", "true"}, {"diff.mnemonicPrefix", "true"}, {"diff.relative", "true"},
		{"color.ui", "always"}, {"diff.external", "false"}, {"diff.submodule", "log"},
		{"diff.scrub.textconv", "false"},
	} {
		r.git("config", kv[0], kv[1])
	}
	r.write(".git/info/attributes", "*.py diff=scrub\n")
}

const cleanPython = "def add(a, b):\n    return a + b\n"

func secretPython() string {
	return "import os\n\nAWS_ACCESS_KEY_ID = \"" + fakeAWSKey + "\"\nAWS_REGION = os.environ.get(\"AWS_REGION\", \"eu-west-1\")\n"
}

// assertNoRawSecret fails when any output carries the key unmasked.
func assertNoRawSecret(t *testing.T, outputs ...string) {
	t.Helper()
	for _, o := range outputs {
		if strings.Contains(o, fakeAWSKey) {
			t.Fatalf("the key is printed unmasked:\n%s", o)
		}
	}
}
