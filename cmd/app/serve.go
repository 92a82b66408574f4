package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"

	"github.com/prodready/prodready/internal/ghclient"
	"github.com/prodready/prodready/internal/server"
)

// exitFailure: the server could not start or did not stop cleanly.
const exitFailure = 1

const serveUsage = `Usage: app serve [flags]

Runs the GitHub App: POST /webhook, GET /healthz, /readyz and /metrics.

Settings come from the environment; a flag, when given, overrides its variable.
  GITHUB_APP_ID             the App's id (required)
  GITHUB_PRIVATE_KEY        the App's private key, PEM text (or:)
  GITHUB_PRIVATE_KEY_PATH   a file holding it
  GITHUB_WEBHOOK_SECRET     the App's webhook secret (required)
  GITHUB_API_URL            default https://api.github.com/ (GHES: https://HOST/api/v3/)
  DATABASE_URL              postgres://… for several instances (run 'app migrate' first);
                            unset: an embedded SQLite file at PRODREADY_DB_PATH
  PRODREADY_DB_PATH         default ./prodready.db
  PORT                      default 8080
  LOG_LEVEL                 debug, info (default), warn or error
  PRODREADY_WORKERS         analyses run at once (default 4)
  PRODREADY_RECOVERY_INTERVAL
                            how often to look for deliveries GitHub failed to hand over and
                            ask for their redelivery (default 5m; 0 or off: never)
  PRODREADY_RECOVERY_WINDOW how far back to look (default 3h, at most 72h)
  PRODREADY_RECOVERY_MAX    redeliveries requested per pass, 1 s apart (default 50)
  PRODREADY_JOB_TIMEOUT     bound on one analysis attempt (default 5m)
  PRODREADY_RESCUE_AFTER    on Postgres, when a job whose process died is retried by another
                            instance (default 11m; must exceed the job timeout)

Flags:
`

func runServe(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	// Flags that mirror a variable; secrets have none, so that they never
	// show up in a process listing.
	mirrors := map[string]string{
		"app-id":           server.EnvAppID,
		"private-key-path": server.EnvPrivateKeyPath,
		"api-url":          server.EnvAPIURL,
		"db-path":          server.EnvDBPath,
		"port":             server.EnvPort,
		"log-level":        server.EnvLogLevel,
		"workers":          server.EnvWorkers,
	}
	for name, env := range mirrors {
		fs.String(name, "", "overrides "+env)
	}
	shutdown := fs.Duration("shutdown-timeout", server.DefaultShutdownTimeout,
		"bound on the drain after SIGTERM (in-flight requests, then running analyses)")
	fs.Usage = func() {
		fmt.Fprint(stderr, serveUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "app serve: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	overlay := map[string]string{}
	fs.Visit(func(f *flag.Flag) {
		if env, ok := mirrors[f.Name]; ok {
			overlay[env] = f.Value.String()
		}
	})
	cfg, err := server.LoadConfig(func(k string) string {
		if v, ok := overlay[k]; ok {
			return v
		}
		return getenv(k)
	}, os.ReadFile)
	if err != nil {
		fmt.Fprintf(stderr, "app serve: %v\n", err)
		return exitUsage
	}
	if *shutdown <= 0 {
		fmt.Fprintf(stderr, "app serve: -shutdown-timeout must be positive, got %s\n", *shutdown)
		return exitUsage
	}
	cfg.ShutdownTimeout = *shutdown

	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel})).
		With(slog.String("version", buildVersion()))
	metrics := server.NewMetrics()
	factory, err := ghclient.NewFactory(ghclient.Config{
		AppID:         cfg.AppID,
		PrivateKeyPEM: cfg.PrivateKeyPEM,
		BaseURL:       cfg.APIURL,
		Logger:        logger,
		Observer:      metrics,
		UserAgent:     "prodready/" + buildVersion(),
	})
	if err != nil {
		logger.ErrorContext(ctx, "cannot create the GitHub client", slog.String("error", err.Error()))
		return exitFailure
	}
	runner, err := newRunner(runnerDeps{Factory: factory, Logger: logger, Metrics: metrics})
	if err != nil {
		logger.ErrorContext(ctx, "cannot create the analysis runner", slog.String("error", err.Error()))
		return exitFailure
	}
	srv, err := server.New(ctx, cfg, runner, factory, server.Options{Logger: logger, Metrics: metrics, HookDeliveries: factory.App()})
	if err != nil {
		logger.ErrorContext(ctx, "cannot start", slog.String("error", err.Error()))
		return exitFailure
	}
	logger.InfoContext(ctx, "starting", slog.Int("port", cfg.Port), slog.String("api_url", cfg.APIURL),
		slog.String("log_level", cfg.LogLevel.String()), slog.String("workers", workersLabel(cfg.Workers)),
		slog.Duration("recovery_interval", cfg.RecoveryInterval))
	if err := srv.Run(ctx); err != nil {
		logger.ErrorContext(context.WithoutCancel(ctx), "stopped with an error", slog.String("error", err.Error()))
		return exitFailure
	}
	return exitOK
}

func workersLabel(n int) string {
	if n == 0 {
		return "default"
	}
	return strconv.Itoa(n)
}
