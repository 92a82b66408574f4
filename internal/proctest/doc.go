// Package proctest holds the reliability tests that need real processes:
// `app serve` binaries killed with SIGKILL at chosen points of an analysis
// and restarted, drained with SIGTERM, and run side by side on one Postgres,
// all against the fake GitHub of package githubtest in the test process.
// In-process tests cannot show these properties: a goroutine cannot die
// the way a process does, leaving its rows "running" and its connections
// half-used. The package has no code of its own; see its tests.
package proctest
