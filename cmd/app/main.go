// Command app is prodready: `app check` reviews a diff on the command line;
// later subcommands serve the GitHub App from the same engine.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

const usage = `prodready reviews pull-request diffs for what AI-written code gets wrong.

Usage:
  app check [flags] [FILE|-]   review a unified diff (stdin when no file is given)
  app check --staged [flags]   review the changes staged for the next commit
  app config validate [FILE]   check a .github/prodready.yml (exit 1 when invalid)
  app config print [FILE]      show the effective configuration, defaults filled in
  app explain RULE             why a rule matters, bad and good code, how to suppress it
  app serve [flags]            run the GitHub App (settings from the environment)
  app migrate                  create or update the job queue's tables
  app manifest -url URL        print the GitHub App manifest for registration
  app version                  print the version

Run 'app check -h' for the check flags.
`

// run is main without the process: arguments in, exit code out.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "check":
		return runCheck(ctx, args[1:], stdin, stdout, stderr)
	case "config":
		return runConfig(ctx, args[1:], stdout, stderr)
	case "explain":
		return runExplain(args[1:], stdout, stderr)
	case "serve":
		return runServe(ctx, args[1:], os.Getenv, stderr)
	case "migrate":
		return runMigrate(ctx, args[1:], os.Getenv, stdout, stderr)
	case "manifest":
		return runManifest(args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "prodready %s\n", buildVersion())
		return exitOK
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "app: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			if dirty {
				rev += "-dirty"
			}
			return "dev-" + rev
		}
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
	}
	return "dev"
}
