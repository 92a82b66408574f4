#!/usr/bin/env bash
# Measures webhook acknowledgement latency the way docs/BENCHMARKS.md reports
# it: RUNS bursts of 2,000 signed deliveries from 50 senders (after 100
# warm-up deliveries) against an in-process App on SQLite and, when
# PRODREADY_BENCH_POSTGRES_URL names a Postgres server where this user may
# create databases, on a fresh database there for each run. The two stores
# take turns, so that a noisy moment on a shared machine hits both. Prints
# every run, then each store's median p99 and how many runs met 20 ms.
# Usage: scripts/loadbench.sh [RUNS]   (default 5; about 50 s a run, most
# of it the no-op analyses draining)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
pg=${PRODREADY_BENCH_POSTGRES_URL:-}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go build -o "$out/loadgen" ./cmd/loadgen
go build -o "$out/app" ./cmd/app
echo "$(nproc) cores, $(go version | awk '{print $3}'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"

burst() { # store, extra loadgen flags...
  local store=$1
  shift
  "$out/loadgen" -self -n 2000 -c 50 -warmup 100 "$@" > "$out/run.txt"
  local p99 line
  p99=$(sed -n 's/.*p99 \([0-9.]*\)\(µs\|ms\|s\),.*/\1 \2/p' "$out/run.txt" |
    awk '{v=$1; if ($2=="µs") v/=1000; if ($2=="s") v*=1000; printf "%.2f", v}')
  line=$(grep -E '^(sent|ack|cpu|analyses|memory)' "$out/run.txt" | tr '\n' ' ')
  echo "$store: $line"
  echo "$p99" >> "$out/$store.p99"
}

for i in $(seq "$runs"); do
  burst sqlite
  if [ -n "$pg" ]; then
    db="prodready_loadbench_$$_$i"
    psql "$pg" -qc "CREATE DATABASE $db" > /dev/null
    # The URL of the new database: the server's URL with its path replaced.
    dburl=$(printf '%s' "$pg" | sed -E "s#^(postgres(ql)?://[^/]+)/[^?]*#\1/$db#")
    DATABASE_URL=$dburl "$out/app" migrate > /dev/null
    burst postgres -database-url "$dburl"
    psql "$pg" -qc "DROP DATABASE $db" > /dev/null
  fi
done

for store in sqlite postgres; do
  [ -f "$out/$store.p99" ] || continue
  sort -n "$out/$store.p99" | awk -v s="$store" '
    { v[NR] = $1; if ($1 <= 20) met++ }
    END {
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%s: p99 median %.1f ms over %d runs (min %.1f, max %.1f); %d of %d at or under 20 ms\n", s, m, NR, v[1], v[NR], met, NR
    }'
done
