// Package queuetest helps tests run the queue on a shared Postgres server.
package queuetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// EnvPostgresURL names a Postgres server for tests; they skip the
// Postgres variant when it is unset.
const EnvPostgresURL = "PRODREADY_TEST_POSTGRES_URL"

// PostgresURL is the test server's URL, or "" when there is none.
func PostgresURL() string { return os.Getenv(EnvPostgresURL) }

// PostgresSchema creates a throwaway schema, dropped when the test ends,
// and returns a URL whose search_path selects it, so that tests sharing a
// server never see each other's jobs.
func PostgresSchema(t testing.TB, url string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect to the test Postgres: %v", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "prodready_test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		_, _ = conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		_ = conn.Close(context.Background())
	})
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return url + sep + "search_path=" + schema
}
