package main

import (
	"bytes"
	"context"
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

func git(ctx context.Context, repo string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", repo}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}
