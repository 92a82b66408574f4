package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/prodready/prodready/internal/queue"
	"github.com/prodready/prodready/internal/server"
)

const migrateUsage = `Usage: app migrate [flags]

Creates or updates the job queue's tables in DATABASE_URL (Postgres), or in
the SQLite file at PRODREADY_DB_PATH when DATABASE_URL is unset. Re-runs are
no-ops. Run it once per deploy, from one place: 'app serve' on Postgres
refuses to start until it has run ('app serve' on SQLite migrates itself).

Flags:
`

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db-path", "", "overrides "+server.EnvDBPath)
	fs.Usage = func() {
		fmt.Fprint(stderr, migrateUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "app migrate: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	cfg := queue.Config{Logger: slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	where := ""
	if url := strings.TrimSpace(getenv(server.EnvDatabaseURL)); url != "" {
		if !queue.IsPostgres(url) {
			fmt.Fprintf(stderr, "app migrate: %s must be a postgres:// or postgresql:// URL (unset it to use the embedded SQLite store)\n", server.EnvDatabaseURL)
			return exitUsage
		}
		cfg.DatabaseURL = url
		where = "Postgres (" + server.EnvDatabaseURL + ")"
	} else {
		cfg.SQLitePath = server.DefaultDBPath
		if v := strings.TrimSpace(getenv(server.EnvDBPath)); v != "" {
			cfg.SQLitePath = v
		}
		if *dbPath != "" {
			cfg.SQLitePath = *dbPath
		}
		where = "SQLite " + cfg.SQLitePath
	}
	res, err := queue.Migrate(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "app migrate: %v\n", err)
		return exitFailure
	}
	if len(res.River)+len(res.Own) == 0 {
		fmt.Fprintf(stdout, "%s: schema already up to date\n", where)
		return exitOK
	}
	fmt.Fprintf(stdout, "%s: applied River migrations %v and prodready migrations %v\n", where, res.River, res.Own)
	return exitOK
}
