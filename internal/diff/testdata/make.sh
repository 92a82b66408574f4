#!/usr/bin/env bash
# Regenerates the git-produced diffs under internal/diff/testdata that
# reader_test.go asserts on. Run from anywhere:
#
#	bash internal/diff/testdata/make.sh
#
# The repository is built with fixed authors and dates, so object ids and
# therefore the files are stable for a given git version (only the version
# signature at the end of format-patch output changes between versions).
# The tests hard-code paths and line numbers from these files: after a
# change here, update reader_test.go to match.
set -euo pipefail

out=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export HOME=$tmp GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null TZ=UTC LC_ALL=C
export GIT_AUTHOR_NAME="Ada Dev" GIT_AUTHOR_EMAIL="ada@example.com"
export GIT_COMMITTER_NAME="Ada Dev" GIT_COMMITTER_EMAIL="ada@example.com"
tick=1700000000
commit() {
	tick=$((tick + 3600))
	GIT_AUTHOR_DATE="@$tick +0000" GIT_COMMITTER_DATE="@$tick +0000" git commit -q -m "$1" -m "$2"
}

repo=$tmp/repo
mkdir -p "$repo"
cd "$repo"
git init -q -b main
git config core.autocrlf false
git config diff.renames true

# --- C0: the base tree -------------------------------------------------
mkdir -p util b pkg
cat > main.go <<'GO'
package main

import (
	"fmt"
	"os"
)

type server struct {
	name string
	port int
}

func newServer(name string) *server {
	return &server{name: name, port: 8080}
}

func (s *server) addr() string {
	return fmt.Sprintf(":%d", s.port)
}

func (s *server) run() error {
	fmt.Println("listening on", s.addr())
	return nil
}

func main() {
	s := newServer("demo")
	if err := s.run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
GO
cat > util/strings.go <<'GO'
package util

import "strings"

// Title upper-cases the first letter of s.
func Title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
GO
cat > old_name.go <<'GO'
package main

// helper is moved to a new file without any change.
func helper() int {
	return 42
}
GO
cat > moved.go <<'GO'
package main

import "strconv"

func itoa(n int) string {
	return strconv.Itoa(n)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
GO
cat > src.py <<'PY'
import json
import sys


def load(path):
    with open(path) as fh:
        return json.load(fh)


def dump(obj):
    json.dump(obj, sys.stdout, indent=2)


def main():
    dump(load(sys.argv[1]))


if __name__ == "__main__":
    main()
PY
printf '#!/bin/sh\necho "deploying"\n' > script.sh
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00' > logo.png
printf 'this file is deleted\nin the first change\n' > doomed.txt
: > empty_doomed.txt
printf 'old side has no newline' > nonl_old.txt
printf 'new side loses its newline\n' > zz_nonl_new.txt
printf 'neither side\nhas a newline' > nonl_both.txt
printf 'line one\r\nline two\r\nline three\r\n' > crlf.txt
printf 'package main\n\n// spaced\nvar spaced = 1\n' > 'my file.go'
printf 'package main\n\nvar tabbed = 1\n' > "$(printf 'tab\tname.go')"
printf 'package main\n\nvar unicode = "h\xc3\xa9llo"\n' > "$(printf 'h\xc3\xa9llo w\xc3\xb6rld.go')"
printf 'package b\n\nfunc Foo() {}\n' > b/foo.go
mkdir -p a
printf 'package a\n\nconst Alpha = 1\n' > a/alpha.go
git add -A
commit "Initial import" "Base tree for the parser tests."
c0=$(git rev-parse HEAD)

# --- C1: content changes, new and deleted files ------------------------
cat > main.go <<'GO'
// Command demo serves a tiny HTTP API.
package main

import (
	"fmt"
	"os"
)

type server struct {
	name string
	port int
}

func newServer(name string) *server {
	return &server{name: name, port: 8080}
}

func (s *server) addr() string {
	return fmt.Sprintf("127.0.0.1:%d", s.port)
}

func (s *server) run() error {
	fmt.Println("listening on", s.addr())
	return nil
}

func main() {
	s := newServer("demo")
	if err := s.run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func version() string {
	return "1.0.0"
}
GO
cat > added.go <<'GO'
package main

import "net/http"

func health(w http.ResponseWriter, _ *http.Request) {
	w.WriteHeader(http.StatusNoContent)
}
GO
: > empty.txt
git rm -q doomed.txt
printf 'old side has no newline\nsecond line\n' > nonl_old.txt
printf 'new side loses its newline' > zz_nonl_new.txt
printf 'neither side\nhas a newline either' > nonl_both.txt
printf 'line one\r\nline 2\r\nline three\r\n' > crlf.txt
printf 'package main\n\n// spaced out\nvar spaced = 2\n' > 'my file.go'
printf 'package main\n\nvar tabbed = 2\n' > "$(printf 'tab\tname.go')"
printf 'package main\n\nvar unicode = "h\xc3\xa9llo w\xc3\xb6rld"\n' > "$(printf 'h\xc3\xa9llo w\xc3\xb6rld.go')"
printf 'package b\n\nfunc Foo() {}\n\nfunc Bar() {}\n' > b/foo.go
printf 'package b\n\nfunc Baz() {}\n' > b/bar.go
printf 'package a\n\nconst Alpha = 2\n' > a/alpha.go
git add -A
commit "Add health endpoint and version" "Touches many files at once so that one diff covers most shapes."
c1=$(git rev-parse HEAD)

# --- C2: renames, copy, mode change ------------------------------------
git mv old_name.go new_name.go
git mv moved.go pkg/moved.go
mkdir -p docs
git mv 'my file.go' 'docs/my notes.go'
git mv "$(printf 'h\xc3\xa9llo w\xc3\xb6rld.go')" "$(printf 'gr\xc3\xbc\xc3\x9fe.go')"
sed -i 's/package main/package pkg/' pkg/moved.go
cp src.py src_copy.py
sed -i 's/indent=2/indent=4/' src_copy.py
sed -i 's/^import sys$/import sys  # argv/' src.py
chmod +x script.sh
git add -A
commit "Move helpers, copy the loader, make the script executable" "Pure rename, rename with edit, a copy and a mode change."
c2=$(git rev-parse HEAD)

# --- C3: binary changes and one more edit ------------------------------
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x06\x00\x00\x00' > logo.png
printf '\x00\x01\x02\x03binary\x00icon' > icon.bin
git rm -q empty_doomed.txt
sed -i 's/port: 8080/port: 9090/' main.go
git add -A
commit "Update assets" "Binary modification, binary addition and a one-line edit."
c3=$(git rev-parse HEAD)

gd() { git -c color.ui=never diff "$@"; }
gd "$c0" "$c1" > "$out/git-diff.diff"
gd -U0 "$c0" "$c1" -- main.go > "$out/git-diff-u0.diff"
# What a user gets from git diff in a terminal with colour forced on.
git -c color.ui=always diff "$c0" "$c1" -- main.go > "$out/git-diff-color.diff"
gd --no-prefix "$c0" "$c1" > "$out/git-diff-no-prefix.diff"
git -c core.quotePath=false -c color.ui=never diff "$c0" "$c1" -- 'my file.go' "$(printf 'tab\tname.go')" "$(printf 'h\xc3\xa9llo w\xc3\xb6rld.go')" > "$out/git-diff-quotepath-off.diff"
gd -M "$c1" "$c2" > "$out/git-diff-renames.diff"
gd -C -C "$c1" "$c2" > "$out/git-diff-copies.diff"
gd "$c2" "$c3" > "$out/git-diff-binary.diff"
gd --binary "$c2" "$c3" > "$out/git-diff-binary-patch.diff"
git -c color.ui=never log -p --reverse --no-decorate "$c0..$c3" > "$out/git-log-p.diff"
git -c color.ui=never format-patch --stdout "$c0..$c3" > "$out/format-patch.diff"
# GitHub's .diff media type: a/ b/ prefixes, full index lines, renames.
gd --full-index -M "$c0...$c2" > "$out/github.diff"

# diff.mnemonicPrefix names the sides after what is compared.
sed -i 's/"demo"/"demo-app"/' main.go
sed -i 's/return s$/return s \/\/ unchanged/' util/strings.go
git add util/strings.go
git -c diff.mnemonicPrefix=true -c color.ui=never diff > "$out/mnemonic-worktree.diff"
git -c diff.mnemonicPrefix=true -c color.ui=never diff --cached > "$out/mnemonic-cached.diff"
git -c diff.mnemonicPrefix=true -c color.ui=never diff HEAD > "$out/mnemonic-head.diff"

# A plain (non-git) unified diff with timestamps.
mkdir -p "$tmp/plain/old" "$tmp/plain/new"
printf 'alpha\nbeta\ngamma\n' > "$tmp/plain/old/greek.txt"
printf 'alpha\nBETA\ngamma\ndelta\n' > "$tmp/plain/new/greek.txt"
touch -d '2024-01-02 03:04:05' "$tmp/plain/old/greek.txt" "$tmp/plain/new/greek.txt"
(cd "$tmp/plain" && diff -u old/greek.txt new/greek.txt > "$out/plain-unified.diff" || true)

: > "$out/empty.diff"
cat > "$out/not-a-diff.txt" <<'TXT'
Dear reviewer,

this is not a patch. It mentions diff --git in passing and even
--- a line with dashes, but never a file header followed by +++.
TXT
