#!/usr/bin/env bash
# How time and memory grow with the cases (issue 25): 20,000, 100,000 and 200,000 cases against
# the same static nginx target as benches/peers.sh, each answer checked in full.
#
#   benches/scale.sh             # 3 repetitions of every size
#   REPS=5 benches/scale.sh
#   SIZES="20000 200000" benches/scale.sh
#   SCALE_REPORT=json benches/scale.sh   # every run also writes a report of that format
#   SCALE_BIN=/tmp/older/vspc-conformance benches/scale.sh   # another build of the harness
#
# For each size: wall time and peak RSS (GNU time), medians of REPS runs (min-max), the time per
# case, and the memory per case beyond the process's fixed size. The fixed size is the peak RSS
# of the same command with one case, measured in the same rounds. The sizes alternate within
# each round, so drift on the machine hits all of them. The last lines compare the largest size
# with the smallest (time per case and memory per case, as ratios) and say whether each is
# within the issue's targets: both ratios at or under 1.2, and at most 1 KiB per conforming case.
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-3}
SIZES=${SIZES:-"20000 100000 200000"}
PORT=${SCALE_PORT:-18481}
TIME=/usr/bin/time

# shellcheck source=benches/common.sh
. benches/common.sh
[ -x "$TIME" ] || apt_install time

# SCALE_BIN measures another build (an older one, as a peer) instead of this checkout's.
if [ -n "${SCALE_BIN:-}" ]; then BIN=$SCALE_BIN; else
  cargo build --release --quiet
  BIN=$PWD/target/release/vspc-conformance
fi

scratch=$(mktemp -d)
cleanup() { stop_nginx; rm -rf "$scratch"; }
trap cleanup EXIT
start_nginx "$PORT"
# A file report lists every case, so the run holds every case's report until it ends.
REPORT=()
[ -z "${SCALE_REPORT:-}" ] || REPORT=(--report "$SCALE_REPORT=$scratch/report")
for n in 1 $SIZES; do write_cases "$n" "$scratch/cases-$n"; done

# One measurement: prints "<seconds> <peak KiB>" after checking every case conformed.
measure() {
  local n=$1 out
  out=$("$TIME" -f '%e %M' "$BIN" run --cases "$scratch/cases-$n" --target "$BASE" --token x \
    --rps 1000000000 --concurrency 32 --color never "${REPORT[@]}" 2>&1 >"$scratch/stdout") \
    || { say "the run of $n cases failed:"; tail -20 "$scratch/stdout" >&2; exit 1; }
  grep -q "^$n cases: $n conforming" "$scratch/stdout" \
    || { say "the run of $n cases did not conform in full:"; tail -3 "$scratch/stdout" >&2; exit 1; }
  echo "$out" | tail -1
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
range() { sort -n | awk '{a[NR]=$1} END {printf "%s-%s", a[1], a[NR]}'; }

declare -A wall rss
for n in 1 $SIZES; do wall[$n]=""; rss[$n]=""; done
say "load before: $(uptime)"
for rep in $(seq 1 "$REPS"); do
  for n in 1 $SIZES; do
    read -r s kb < <(measure "$n")
    say "rep $rep: $n cases: $s s, $kb KiB"
    wall[$n]+="$s"$'\n'
    rss[$n]+="$kb"$'\n'
  done
done

fixed=$(printf '%s' "${rss[1]}" | median)
echo
echo "load: $(uptime)"
[ ${#REPORT[@]} -eq 0 ] || echo "every run wrote ${REPORT[1]%%=*} reports"
echo "fixed size (1 case): $(awk -v k="$fixed" 'BEGIN {printf "%.1f", k / 1024}') MiB peak RSS"
printf '%-8s %-22s %-10s %-26s %s\n' cases "wall s, median (min-max)" "us/case" "peak RSS MiB, median (min-max)" "KiB/case beyond fixed"
declare -A per_case per_kib
for n in $SIZES; do
  w=$(printf '%s' "${wall[$n]}" | median)
  r=$(printf '%s' "${rss[$n]}" | median)
  per_case[$n]=$(awk -v w="$w" -v n="$n" 'BEGIN {printf "%.2f", w * 1e6 / n}')
  per_kib[$n]=$(awk -v r="$r" -v f="$fixed" -v n="$n" 'BEGIN {printf "%.3f", (r - f) / n}')
  printf '%-8s %-22s %-10s %-26s %s\n' "$n" "$w ($(printf '%s' "${wall[$n]}" | range))" "${per_case[$n]}" \
    "$(awk -v r="$r" 'BEGIN {printf "%.1f", r / 1024}') ($(printf '%s' "${rss[$n]}" | awk '{printf "%.1f\n", $1 / 1024}' | range))" \
    "${per_kib[$n]}"
done
mapfile -t sorted < <(printf '%s\n' $SIZES | sort -n)
small=${sorted[0]}
large=${sorted[${#sorted[@]} - 1]}
awk -v ts="${per_case[$small]}" -v tl="${per_case[$large]}" -v ms="${per_kib[$small]}" -v ml="${per_kib[$large]}" \
  -v small="$small" -v large="$large" 'BEGIN {
    t = tl / ts; m = (ms > 0) ? ml / ms : 0
    printf "time per case %s/%s = %.2f (target <= 1.2: %s)\n", large, small, t, (t <= 1.2) ? "met" : "NOT met"
    printf "memory per case %s/%s = %.2f (target <= 1.2: %s)\n", large, small, m, (m <= 1.2) ? "met" : "NOT met"
    printf "memory per case at %s = %.3f KiB (target <= 1 KiB: %s)\n", large, ml, (ml <= 1) ? "met" : "NOT met"
  }'
