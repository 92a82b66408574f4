package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/prodready/prodready/internal/aiauthor"
)

// gitSignals reads the commits of BASE..HEAD and the current branch from
// the repository, for AI-authorship detection on the command line.
func gitSignals(ctx context.Context, repo, rng string) (aiauthor.Signals, error) {
	if !strings.Contains(rng, "..") || strings.HasPrefix(rng, "-") {
		return aiauthor.Signals{}, fmt.Errorf("--range wants BASE..HEAD, got %q", rng)
	}
	const rec, field = "\x1e", "\x1f"
	out, err := git(ctx, repo, "log", "--no-color", "--format=%H"+field+"%an"+field+"%ae"+field+"%B"+rec, rng, "--")
	if err != nil {
		return aiauthor.Signals{}, err
	}
	var s aiauthor.Signals
	for _, r := range strings.Split(out, rec) {
		parts := strings.SplitN(strings.TrimLeft(r, "\n"), field, 4)
		if len(parts) != 4 {
			continue
		}
		s.Commits = append(s.Commits, aiauthor.Commit{SHA: parts[0], AuthorName: parts[1], AuthorEmail: parts[2], Message: parts[3]})
	}
	if branch, err := git(ctx, repo, "rev-parse", "--abbrev-ref", "HEAD"); err == nil {
		s.Branch = strings.TrimSpace(branch)
	}
	return s, nil
}

// git runs git in repo and returns its standard output.
func git(ctx context.Context, repo string, args ...string) (string, error) {
	cmd := gitCommand(ctx, repo, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", gitError(args, err, &stderr)
	}
	return stdout.String(), nil
}

func gitCommand(ctx context.Context, repo string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "git", append([]string{"-C", repo}, args...)...)
}

// gitError names the command and carries git's own explanation, which says
// more than an exit status ("not a git repository", "bad revision").
func gitError(args []string, err error, stderr *bytes.Buffer) error {
	if errors.Is(err, exec.ErrNotFound) {
		return fmt.Errorf("git is not installed or not on PATH: %w", err)
	}
	// Errors are printed on one line; git's hints and its "fatal:" may
	// come on several.
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.Join(lines, "; "))
}
