package main

import (
	"log/slog"
	"time"

	"github.com/prodready/prodready/internal/analysis"
	"github.com/prodready/prodready/internal/server"
)

// runnerDeps is what `app serve` hands the analysis Runner.
type runnerDeps struct {
	Factory analysis.ClientFactory
	Logger  *slog.Logger
	// Metrics implements analysis.Observer (AnalysisDone, AnnotationsPosted).
	Metrics *server.Metrics
}

// writeGap spaces the writes to one check run, as GitHub's best practices
// ask of integrations (about a second between content-creating requests).
const writeGap = time.Second

// newRunner builds the Runner the queue's workers call. It is a variable so
// that tests can substitute a runner that needs no GitHub.
var newRunner = func(d runnerDeps) (analysis.Runner, error) {
	opts := analysis.Options{Factory: d.Factory, Logger: d.Logger, WriteGap: writeGap, Workers: 2}
	if d.Metrics != nil {
		opts.Observer = d.Metrics
	}
	return analysis.New(opts)
}
