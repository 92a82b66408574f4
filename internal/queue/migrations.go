package queue

// ownMigration is a change to this package's own tables. River's tables are
// migrated by rivermigrate; ours are few enough for a list.
type ownMigration struct {
	version  int
	sqlite   []string
	postgres []string
}

// ownMigrations are applied in order; never edit one that has shipped.
var ownMigrations = []ownMigration{
	{
		version: 1,
		// received_at is Unix seconds: comparable the same way on both
		// stores, and only used to prune.
		sqlite: []string{
			`CREATE TABLE IF NOT EXISTS prodready_deliveries (
	delivery_id TEXT PRIMARY KEY NOT NULL,
	received_at INTEGER NOT NULL
)`,
			`CREATE INDEX IF NOT EXISTS prodready_deliveries_received_at ON prodready_deliveries (received_at)`,
		},
		postgres: []string{
			`CREATE TABLE IF NOT EXISTS prodready_deliveries (
	delivery_id text PRIMARY KEY,
	received_at bigint NOT NULL
)`,
			`CREATE INDEX IF NOT EXISTS prodready_deliveries_received_at ON prodready_deliveries (received_at)`,
		},
	},
	{
		version: 2,
		// The missed-delivery recovery's memory, by delivery GUID: when it
		// was first found missing, when a redelivery was last requested
		// (0: never, or the request was taken back) and how often. Shared
		// by all instances, so a new leader does not ask again.
		sqlite: []string{
			`CREATE TABLE IF NOT EXISTS prodready_redeliveries (
	delivery_id TEXT PRIMARY KEY NOT NULL,
	found_at INTEGER NOT NULL,
	requested_at INTEGER NOT NULL DEFAULT 0,
	attempts INTEGER NOT NULL DEFAULT 0
)`,
			`CREATE INDEX IF NOT EXISTS prodready_redeliveries_found_at ON prodready_redeliveries (found_at)`,
		},
		postgres: []string{
			`CREATE TABLE IF NOT EXISTS prodready_redeliveries (
	delivery_id text PRIMARY KEY,
	found_at bigint NOT NULL,
	requested_at bigint NOT NULL DEFAULT 0,
	attempts integer NOT NULL DEFAULT 0
)`,
			`CREATE INDEX IF NOT EXISTS prodready_redeliveries_found_at ON prodready_redeliveries (found_at)`,
		},
	},
	{
		version: 3,
		// The intake: jobs of accepted deliveries not yet moved into
		// River (mover.go). A webhook commits one cheap row here instead
		// of River's insert; jobs is the JSON of intakeJobs, received_ms
		// Unix milliseconds, kept to measure how long a row waited.
		sqlite: []string{
			`CREATE TABLE IF NOT EXISTS prodready_intake (
	id INTEGER PRIMARY KEY,
	delivery_id TEXT NOT NULL,
	received_ms INTEGER NOT NULL,
	jobs TEXT NOT NULL
)`,
		},
		postgres: []string{
			`CREATE TABLE IF NOT EXISTS prodready_intake (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	delivery_id text NOT NULL,
	received_ms bigint NOT NULL,
	jobs text NOT NULL
)`,
		},
	},
}

const ownMigrationTableSQLite = `CREATE TABLE IF NOT EXISTS prodready_migration (
	version INTEGER PRIMARY KEY NOT NULL,
	applied_at INTEGER NOT NULL
)`

const ownMigrationTablePostgres = `CREATE TABLE IF NOT EXISTS prodready_migration (
	version integer PRIMARY KEY,
	applied_at bigint NOT NULL
)`

// ownMissing lists the versions of ownMigrations absent from applied.
func ownMissing(applied map[int]bool) []int {
	var missing []int
	for _, m := range ownMigrations {
		if !applied[m.version] {
			missing = append(missing, m.version)
		}
	}
	return missing
}
