#!/usr/bin/env bash
# Throughput against peers on the same work, side by side in one run (issue 8).
#
#   benches/peers.sh            # 5 repetitions, 20,000 requests per tool
#   benches/peers.sh --quick    # 1 repetition, 5,000 requests
#   PEERS_REPS=11 benches/peers.sh          # more repetitions: a steadier median on a noisy machine
#   HURL=/path/to/hurl benches/peers.sh     # use this Hurl 8.0.1 instead of installing one
#
# The target: nginx (Debian's package) on loopback, one worker, keep-alive, answering every
# request HTTP 400 `application/json` with the VSPC envelope of the reference's offset=-1
# example (benches/nginx.conf). The tools, each timed from its start to its end:
#
# - vspc-conformance: N sweep cases (a rule breaking every collection GET's offset with
#   offset=-1, copied under as many names as it takes, plus written cases for the remainder),
#   each checked in full: status, envelope schema, type, code, field, message;
# - Hurl 8.0.1: the same N requests (taken from vspc-conformance's own --dry-run), in 20 files,
#   each entry asserting `HTTP 400` and the JSONPaths of code, type and parameterName, run with
#   `--test --parallel --jobs 2`;
# - hyper floor (benches/hyper_floor.rs): the same N requests on bare hyper, one event loop, 32
#   connections each owned by one task, each answer parsed and checked as Hurl checks it: the
#   floor under vspc-conformance's sender, which carries its cases on hyper too;
# - wrk -t2 -c32 -d5s on one of those URLs: what the machine can do at all.
#
# Repetitions alternate the tools (the order rotates each time), so drift on the machine hits
# all of them. Prints a table of medians (min-max); a line with the floor's own ratio to wrk; a
# line with the ratios each round measured of its own runs, their median (min-max); and, as the
# last line, `vspc-conformance/hyper floor = F.FF; vspc-conformance/hurl = X.XX;
# vspc-conformance/wrk = Y.YY` (ratios of median requests/s).
# Installs what it lacks: nginx and wrk from Debian, Hurl with `cargo install hurl@8.0.1 --locked`
# (a one-time build of several minutes; it needs libclang-dev, libxml2-dev and pkg-config).
set -euo pipefail
cd "$(dirname "$0")/.."

REPS=${PEERS_REPS:-5}
case "$REPS" in '' | *[!0-9]* | 0) echo "PEERS_REPS=$REPS is not a positive count" >&2; exit 2 ;; esac
CASES=20000
if [ "${1:-}" = "--quick" ]; then
  REPS=1
  CASES=5000
elif [ $# -gt 0 ]; then
  echo "usage: $0 [--quick]" >&2
  exit 2
fi
PORT=${PEERS_PORT:-18480}
# Requests in flight for vspc-conformance (tuned on the 2-core machine; see docs/src/speed.md).
CONCURRENCY=${PEERS_CONCURRENCY:-32}
FILES=20
HURL_VERSION=8.0.1

# shellcheck source=benches/common.sh
. benches/common.sh
command -v wrk >/dev/null || apt_install wrk

# The version line read whole, not through `head`/`grep -q`, which can end a pipe early
# (SIGPIPE: a false "not ours" under pipefail).
hurl_is_ours() {
  [ -x "$1" ] || return 1
  local version
  version=$("$1" --version 2>/dev/null) || return 1
  [[ "${version%%$'\n'*} " == "hurl $HURL_VERSION "* ]]
}
if [ -n "${HURL:-}" ]; then
  hurl_is_ours "$HURL" || { say "HURL=$HURL is not Hurl $HURL_VERSION"; exit 1; }
else
  cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
  for candidate in "$(command -v hurl || true)" "$cargo_bin/hurl"; do
    if [ -n "$candidate" ] && hurl_is_ours "$candidate"; then HURL=$candidate; break; fi
  done
  if [ -z "${HURL:-}" ]; then
    missing=()
    for pkg in libclang-dev libxml2-dev pkg-config; do
      dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
    say "building Hurl $HURL_VERSION (cargo install hurl@$HURL_VERSION --locked; several minutes, once)"
    cargo install "hurl@$HURL_VERSION" --locked --quiet
    HURL="$cargo_bin/hurl"
  fi
fi

cargo build --release --quiet
BIN=$PWD/target/release/vspc-conformance
FLOOR=$(cargo bench --bench hyper_floor --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\))$/\1/p')
[ -x "$FLOOR" ] || { say "could not build benches/hyper_floor.rs"; exit 1; }

scratch=$(mktemp -d)
cleanup() { stop_nginx; rm -rf "$scratch"; }
trap cleanup EXIT
start_nginx "$PORT"
write_cases "$CASES" "$scratch/cases"
RUN=("$BIN" run --cases "$scratch/cases" --target "$BASE" --token x --rps 1000000000
  --concurrency "$CONCURRENCY" --color never)

# The same requests for Hurl, from vspc-conformance's own dry run, in FILES files.
"${RUN[@]}" --dry-run | awk '$1 == "send" {print $2, $3}' > "$scratch/requests"
[ "$(wc -l < "$scratch/requests")" = "$CASES" ] \
  || { say "the dry run lists $(wc -l < "$scratch/requests") requests, not $CASES"; exit 1; }
mkdir -p "$scratch/hurl"
awk -v base="$BASE" -v files="$FILES" -v total="$CASES" -v dir="$scratch/hurl" '{
  file = sprintf("%s/part-%02d.hurl", dir, int((NR - 1) * files / total) + 1)
  printf "%s %s%s\nAuthorization: Bearer x\nX-Client-Version: 3.6.1\nHTTP 400\n[Asserts]\n", $1, base, $2 > file
  printf "jsonpath \"$.errors[0].code\" == 400\njsonpath \"$.errors[0].type\" == \"logical\"\n" > file
  printf "jsonpath \"$.errors[0].parameterName\" == \"offset\"\n\n" > file
}' "$scratch/requests"

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN {printf "%.0f", n / (b - a)}'; }

# Each prints the requests per second of one measurement, after checking the tool's verdict.
run_vspc() {
  local t0 t1
  t0=$(now)
  "${RUN[@]}" > "$scratch/vspc.out" 2>&1 || { say "vspc-conformance failed:"; tail -20 "$scratch/vspc.out" >&2; exit 1; }
  t1=$(now)
  grep -q "^$CASES cases: $CASES conforming" "$scratch/vspc.out" \
    || { say "vspc-conformance did not check $CASES conforming cases:"; tail -5 "$scratch/vspc.out" >&2; exit 1; }
  rate "$CASES" "$t0" "$t1"
}
run_hurl() {
  local t0 t1
  t0=$(now)
  "$HURL" --test --parallel --jobs 2 --no-color "$scratch"/hurl/*.hurl > "$scratch/hurl.out" 2>&1 \
    || { say "hurl failed:"; tail -20 "$scratch/hurl.out" >&2; exit 1; }
  t1=$(now)
  grep -q "Succeeded files: *$FILES " "$scratch/hurl.out" \
    || { say "hurl did not pass its $FILES files:"; tail -8 "$scratch/hurl.out" >&2; exit 1; }
  rate "$CASES" "$t0" "$t1"
}
run_floor() {
  local t0 t1
  t0=$(now)
  "$FLOOR" "$URL" "$CASES" "$CONCURRENCY" > "$scratch/floor.out" 2>&1 \
    || { say "hyper floor failed:"; tail -5 "$scratch/floor.out" >&2; exit 1; }
  t1=$(now)
  rate "$CASES" "$t0" "$t1"
}
run_wrk() {
  wrk -t2 -c32 -d5s "$URL" > "$scratch/wrk.out" 2>&1 || { say "wrk failed:"; cat "$scratch/wrk.out" >&2; exit 1; }
  awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$scratch/wrk.out"
}

tools=(vspc hurl floor wrk)
declare -A results=([vspc]="" [hurl]="" [floor]="" [wrk]="")
say "load before: $(uptime)"
for rep in $(seq 1 "$REPS"); do
  for k in 0 1 2 3; do
    tool=${tools[$(((rep - 1 + k) % 4))]}
    r=$("run_$tool")
    say "rep $rep: $tool $r requests/s"
    results[$tool]+="$r"$'\n'
  done
done
load_after=$(uptime)

median() { printf '%s' "$1" | sort -n | awk '{a[NR]=$1} END {print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
range() { printf '%s' "$1" | sort -n | awk '{a[NR]=$1} END {printf "%s-%s", a[1], a[NR]}'; }

echo
echo "load: $load_after"
printf '%-18s %-34s %12s  %s\n' tool work "requests/s" "(min-max, $REPS runs)"
printf '%-18s %-34s %12s  %s\n' vspc-conformance "$CASES cases, 6 checks each, c=$CONCURRENCY" \
  "$(median "${results[vspc]}")" "($(range "${results[vspc]}"))"
printf '%-18s %-34s %12s  %s\n' "hurl $HURL_VERSION" "$CASES requests, $FILES files, 2 jobs" \
  "$(median "${results[hurl]}")" "($(range "${results[hurl]}"))"
printf '%-18s %-34s %12s  %s\n' "hyper floor" "$CASES requests, c=$CONCURRENCY" \
  "$(median "${results[floor]}")" "($(range "${results[floor]}"))"
printf '%-18s %-34s %12s  %s\n' wrk "-t2 -c32 -d5s" \
  "$(median "${results[wrk]}")" "($(range "${results[wrk]}"))"
awk -v f="$(median "${results[floor]}")" -v w="$(median "${results[wrk]}")" \
  'BEGIN {printf "hyper floor/wrk = %.2f\n", f / w}'
# Each round's own ratios: the tools of one round ran back to back, so a slow spell of the
# machine that spans rounds moves both sides of a ratio alike. A steadier reading of the same
# comparison than the ratio of medians below, which pairs figures from different rounds.
per_round() {
  paste <(printf '%s' "${results[vspc]}") <(printf '%s' "${results[$1]}") \
    | awk '{print $1 / $2}' | sort -n \
    | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f (%.2f-%.2f)", m, a[1], a[NR]}'
}
echo "per round, median (min-max): vspc-conformance/hyper floor $(per_round floor); vspc-conformance/hurl $(per_round hurl)"
awk -v v="$(median "${results[vspc]}")" -v h="$(median "${results[hurl]}")" -v w="$(median "${results[wrk]}")" \
  -v f="$(median "${results[floor]}")" \
  'BEGIN {printf "vspc-conformance/hyper floor = %.2f; vspc-conformance/hurl = %.2f; vspc-conformance/wrk = %.2f\n", v / f, v / h, v / w}'
