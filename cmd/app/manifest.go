package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
)

const manifestUsage = `Usage: app manifest -url https://HOST [flags]

Prints the GitHub App manifest for one-click registration. POST it as the
"manifest" form field to https://github.com/settings/apps/new (or
https://github.com/organizations/ORG/settings/apps/new); GitHub redirects to
redirect_url with a code, and
  curl -X POST https://api.github.com/app-manifests/CODE/conversions
returns the App's id, pem and webhook_secret within the hour: set them as
GITHUB_APP_ID, GITHUB_PRIVATE_KEY and GITHUB_WEBHOOK_SECRET.

Flags:
`

// appManifest is GitHub's manifest shape (registering-a-github-app-from-a-manifest).
type appManifest struct {
	Name               string            `json:"name"`
	URL                string            `json:"url"`
	Description        string            `json:"description,omitempty"`
	HookAttributes     hookAttributes    `json:"hook_attributes"`
	RedirectURL        string            `json:"redirect_url"`
	Public             bool              `json:"public"`
	DefaultEvents      []string          `json:"default_events"`
	DefaultPermissions map[string]string `json:"default_permissions"`
}

type hookAttributes struct {
	URL    string `json:"url"`
	Active bool   `json:"active"`
}

func runManifest(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("manifest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "", "public https URL of this deployment (the webhook is URL/webhook)")
	name := fs.String("name", "prodready", "App name; must be unique on GitHub")
	redirect := fs.String("redirect-url", "", "where GitHub sends the registration code (default: -url)")
	public := fs.Bool("public", false, "let other accounts install the App")
	fs.Usage = func() {
		fmt.Fprint(stderr, manifestUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "app manifest: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	root, err := absoluteURL(*base)
	if err != nil {
		fmt.Fprintf(stderr, "app manifest: -url %v\n", err)
		return exitUsage
	}
	redirectURL := root
	if *redirect != "" {
		if redirectURL, err = absoluteURL(*redirect); err != nil {
			fmt.Fprintf(stderr, "app manifest: -redirect-url %v\n", err)
			return exitUsage
		}
	}
	if strings.TrimSpace(*name) == "" {
		fmt.Fprintln(stderr, "app manifest: -name must not be empty")
		return exitUsage
	}
	m := appManifest{
		Name:           *name,
		URL:            root,
		Description:    "Reviews pull requests for what AI-written code gets wrong, as a check run with inline annotations.",
		HookAttributes: hookAttributes{URL: strings.TrimSuffix(root, "/") + "/webhook", Active: true},
		RedirectURL:    redirectURL,
		Public:         *public,
		DefaultEvents:  []string{"pull_request", "check_suite", "check_run"},
		DefaultPermissions: map[string]string{
			"checks":        "write",
			"pull_requests": "read",
			"contents":      "read",
			"metadata":      "read",
		},
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		fmt.Fprintf(stderr, "app manifest: %v\n", err)
		return exitFailure
	}
	return exitOK
}

func absoluteURL(s string) (string, error) {
	if s == "" {
		return "", errors.New("is required")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("must be an absolute http(s) URL, got %q", s)
	}
	return u.String(), nil
}
