#!/usr/bin/env bash
# make bench: times heed's commands on large generated inputs and prints requests per second and peak
# memory. Opt-in: not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${BENCH_REQUESTS:-1000000}
mkdir -p out/bench
if [ ! -s out/bench/requests.txt ] || [ "$(wc -l < out/bench/requests.txt)" -ne "$N" ]; then
	go run ./internal/benchgen -requests "$N" -out out/bench/requests.txt
fi
echo "== heed classify: $N requests"
/usr/bin/time -v ./bin/heed classify out/bench/requests.txt > out/bench/classify.jsonl 2> out/bench/classify.time
secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' out/bench/classify.time)
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' out/bench/classify.time)
lines=$(wc -l < out/bench/classify.jsonl)
awk -v n="$lines" -v s="$secs" -v r="$rss" 'BEGIN { printf "   %d requests in %.1f s: %.0f requests/s, peak memory %.0f MiB\n", n, s, n/s, r/1024 }'
