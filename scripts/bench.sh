#!/usr/bin/env bash
# make bench: times heed's commands on large generated inputs (1,000,000 requests, 100,000 pages) and the
# scikit-learn peers on the same inputs, and prints requests per second, peak memory and the ratio.
# Opt-in: not part of CI. The peers need Debian's python3-sklearn and ../shared/bench.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${BENCH_REQUESTS:-1000000}
P=${BENCH_PAGES:-100000}
SHARED=${SHARED:-../shared}
PY=${PEER_PYTHON:-/usr/bin/python3}
out=out/bench
gen=()
# BENCH_DISTINCT_PAGES=1: every page its own title, headings and queries, as a real site has (by default
# they repeat about a thousand phrases, which the encoder meets only once).
if [ -n "${BENCH_DISTINCT_PAGES:-}" ]; then
	out=out/bench-distinct
	gen=(-distinct-pages)
fi
mkdir -p "$out"
if [ ! -s "$out/requests.txt" ] || [ "$(wc -l < "$out/requests.txt")" -ne "$N" ] || [ ! -s "$out/pages.jsonl" ] || [ "$(wc -l < "$out/pages.jsonl")" -ne "$P" ]; then
	go run ./tools/benchgen -requests "$N" -out "$out/requests.txt" -pages "$P" -pages-out "$out/pages.jsonl" "${gen[@]}"
fi

secs() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$1"; }
rss() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$1"; }
report() { # name lines timefile
	awk -v name="$1" -v n="$2" -v s="$(secs "$3")" -v r="$(rss "$3")" 'BEGIN { printf "   %-34s %9d in %7.1f s: %8.0f /s, peak memory %5d MiB\n", name, n, s, n/s, r }'
}
have_peer() { [ -f "$SHARED/bench/$1" ] && "$PY" -c 'import sklearn' 2>/dev/null; }

echo "== classify: $N requests"
/usr/bin/time -v ./bin/heed classify "$out/requests.txt" > "$out/classify.jsonl" 2> "$out/classify.time"
report "heed classify" "$(wc -l < "$out/classify.jsonl")" "$out/classify.time"
if have_peer peer_classify.py; then
	/usr/bin/time -v "$PY" "$SHARED/bench/peer_classify.py" "$SHARED/data" "$out/requests.txt" "$out/peer_classify.jsonl" > "$out/peer_classify.secs" 2> "$out/peer_classify.time"
	ps=$(tail -1 "$out/peer_classify.secs")
	awk -v n="$N" -v s="$ps" 'BEGIN { printf "   %-34s %9d in %7.1f s: %8.0f /s (after its training)\n", "peer (scikit-learn) classify", n, s, n/s }'
	awk -v h="$(secs "$out/classify.time")" -v p="$ps" 'BEGIN { printf "   heed is %.1f times the peer'"'"'s throughput\n", p/h }'
else
	echo "   peer skipped: install python3-sklearn and put the shared material at $SHARED"
fi

echo "== match: $N requests against $P pages"
/usr/bin/time -v ./bin/heed match --pages "$out/pages.jsonl" "$out/requests.txt" > "$out/match.jsonl" 2> "$out/match.time"
report "heed match" "$(wc -l < "$out/match.jsonl")" "$out/match.time"
if have_peer peer_match.py; then
	# The peer answers about 40 requests a second against 100,000 pages: a million would take hours. Both
	# match the same first PEER_REQUESTS requests, and the ratio is of their throughputs on those.
	PN=${PEER_REQUESTS:-20000}
	head -n "$PN" "$out/requests.txt" > "$out/requests_peer.txt"
	/usr/bin/time -v ./bin/heed match --pages "$out/pages.jsonl" "$out/requests_peer.txt" > "$out/match_peer.jsonl" 2> "$out/match_peer.time"
	report "heed match, first $PN" "$(wc -l < "$out/match_peer.jsonl")" "$out/match_peer.time"
	/usr/bin/time -v "$PY" "$SHARED/bench/peer_match.py" "$out/pages.jsonl" "$out/requests_peer.txt" > "$out/peer_match.jsonl" 2> "$out/peer_match.time"
	grep -o 'fit [0-9.]* s, match [0-9.]* s' "$out/peer_match.time" | sed 's/^/   peer: /' || true
	pm=$(grep -o 'match [0-9.]* s' "$out/peer_match.time" | awk '{print $2}')
	report "peer (scikit-learn) match, first $PN, whole" "$(wc -l < "$out/peer_match.jsonl")" "$out/peer_match.time"
	awk -v h="$(secs "$out/match_peer.time")" -v p="$pm" 'BEGIN { printf "   on the same requests heed is %.1f times the peer'"'"'s throughput (heed whole, the peer without its fit)\n", p/h }'
else
	echo "   peer skipped: install python3-sklearn and put the shared material at $SHARED"
fi

echo "== match latency: one request at a time through /api/respond"
go run ./tools/respondload -pages "$out/pages.jsonl" -requests "$out/requests.txt" -rate 200 -for 30s

echo "== run: the whole nightly job over $N requests (requests import) and $P pages"
rm -rf "$out/run"
mkdir -p "$out/run"
/usr/bin/time -v ./bin/heed run --data "$out/run/data" --source "requests=$out/requests.txt" --pages "$out/pages.jsonl" \
	--out "$out/run/report" --log-level warn > "$out/run.summary" 2> "$out/run.time"
cat "$out/run.summary" | sed 's/^/   /'
report "heed run" "$N" "$out/run.time"
echo "== run again: the next night, every request recurring (the previous run's results compared)"
/usr/bin/time -v ./bin/heed run --data "$out/run/data" --source "requests=$out/requests.txt" --pages "$out/pages.jsonl" \
	--out "$out/run/report" --log-level warn > "$out/run2.summary" 2> "$out/run2.time"
cat "$out/run2.summary" | sed 's/^/   /'
report "heed run, second night" "$N" "$out/run2.time"
