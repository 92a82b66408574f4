package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
)

// stagedDiffArgs make `git diff --cached` print the same parseable unified
// diff whatever the user's git configuration says: no colour
// (color.ui=always), no external diff driver (diff.external) and no textconv
// filter (a diff=… attribute would hand over its rendering, not the file),
// a/ and b/ prefixes (diff.noprefix, diff.mnemonicPrefix), paths from the
// top level (diff.relative), renames found so a moved file is not reviewed
// as all new, and a submodule as one line (diff.submodule=log prints its
// commit subjects).
var stagedDiffArgs = []string{
	"diff", "--cached", "--no-color", "--no-ext-diff", "--no-textconv", "--find-renames",
	"--no-relative", "--src-prefix=a/", "--dst-prefix=b/", "--submodule=short",
}

// repoTopLevel returns the top of the work tree holding dir. The paths of a
// staged diff are relative to it, and .github/prodready.yml lives there,
// wherever in the tree the command was started.
func repoTopLevel(ctx context.Context, dir string) (string, error) {
	where := dir
	if abs, err := filepath.Abs(dir); err == nil {
		where = abs
	}
	out, err := git(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", fmt.Errorf("%s is not in a git work tree: %w", where, err)
	}
	top := strings.TrimSuffix(out, "\n")
	if top == "" {
		// GIT_DIR pointing at a bare repository: there is no index to read.
		return "", fmt.Errorf("%s is not in a git work tree (git rev-parse --show-toplevel printed nothing)", where)
	}
	return filepath.FromSlash(top), nil
}

// openStaged streams the changes staged in the repository at top, as a
// commit would record them (a hook's GIT_INDEX_FILE included, since git
// reads it from the environment). wait closes the stream, waits for git and
// reports its failure with git's own message; call it once the review has
// read the stream, so that a git dying half-way is not taken for a short
// diff. It may be called more than once.
func openStaged(ctx context.Context, top string) (r *bufio.Reader, wait func() error, err error) {
	cmd := gitCommand(ctx, top, stagedDiffArgs...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, fmt.Errorf("git diff --cached: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, gitError(stagedDiffArgs, err, &stderr)
	}
	wait = sync.OnceValue(func() error {
		// A review that stopped early must not leave git blocked on a full
		// pipe: closing our end lets it exit.
		out.Close()
		if err := cmd.Wait(); err != nil {
			return gitError(stagedDiffArgs, err, &stderr)
		}
		return nil
	})
	return bufio.NewReaderSize(out, 1<<20), wait, nil
}

// stagedEmpty reports whether nothing is staged, which it can only tell by
// git's first byte (or its exit).
func stagedEmpty(r *bufio.Reader) bool {
	_, err := r.Peek(1)
	return err == io.EOF
}
