#!/usr/bin/env bash
# Measures `app check` with every rule on a large all-added diff built from
# the Go toolchain's own src/ tree: wall-clock throughput and peak RSS.
# Usage: scripts/bench.sh [MB] [RUNS]   (defaults: 150 MB, 3 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-150}
runs=${2:-3}
out=${BENCH_DIR:-$(mktemp -d)}
go build -o "$out/app" ./cmd/app
go run ./internal/tools/benchdiff -mb "$mb" > "$out/big.diff"
bytes=$(stat -c %s "$out/big.diff")
echo "input: $bytes bytes ($(awk "BEGIN{printf \"%.1f\", $bytes/1048576}") MiB), $(nproc) cores, $(go version | awk '{print $3}')"
for i in $(seq "$runs"); do
  /usr/bin/time -f "%e %M" -o "$out/time" "$out/app" check --fail-on never --format json --repo "$out" "$out/big.diff" > "$out/result.json"
  read -r secs rss < "$out/time"
  findings=$(grep -c '"fingerprint"' "$out/result.json" || true)
  awk -v s="$secs" -v r="$rss" -v b="$bytes" -v f="$findings" -v i="$i" \
    'BEGIN{printf "run %d: %.2f s wall, %.1f MB/s, peak RSS %.1f MB, %d findings\n", i, s, b/1048576/s, r/1024, f}'
done
