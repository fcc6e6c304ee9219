#!/usr/bin/env bash
# The default run against the embedded mock (hand-written cases plus the sweep): wall time and
# peak RSS, medians of 5 runs (min-max), and how time and memory grow from 1x to 10x the cases.
#
#   benches/default-run.sh            # 5 repetitions, 1x and 10x
#   REPS=3 benches/default-run.sh
#
# 10x: the sweep rules are copied nine more times under other names into a scratch case
# directory, so the extra cases are real generated cases, not the same ones re-listed.
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-5}
TIME=/usr/bin/time
if [ ! -x "$TIME" ]; then
  echo "needs GNU time (/usr/bin/time): apt-get install -y time" >&2
  exit 1
fi
cargo build --release --quiet
BIN=target/release/vspc-conformance

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r cases "$scratch/x1"
cp -r cases "$scratch/x10"
for i in $(seq 2 10); do
  sed "s/^name = \"\\([a-z_0-9-]*\\)\"/name = \"\\1_x$i\"/" cases/sweep.toml > "$scratch/x10/sweep_x$i.toml"
done

# One measurement: prints "<seconds> <peak KiB> <cases>".
measure() {
  local dir=$1 out
  out=$("$TIME" -f '%e %M' "$BIN" run --cases "$dir" 2>&1 >"$scratch/stdout") || {
    echo "run failed:" >&2; tail -20 "$scratch/stdout" >&2; exit 1; }
  local cases
  cases=$(grep -oE '^[0-9]+ cases:' "$scratch/stdout" | grep -oE '[0-9]+')
  echo "$(echo "$out" | tail -1) $cases"
}

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%s (%s-%s)", m, a[1], a[NR]}'; }

echo "load before: $(uptime)" >&2
declare -A wall rss count
for size in x1 x10; do wall[$size]=""; rss[$size]=""; done
for rep in $(seq 1 "$REPS"); do
  for size in x1 x10; do   # alternate sizes so drift on the machine hits both
    read -r s kb n < <(measure "$scratch/$size")
    wall[$size]+="$s"$'\n'; rss[$size]+="$kb"$'\n'; count[$size]=$n
  done
done

echo
echo "load: $(uptime)"
printf '%-5s %8s  %-22s %-24s\n' size cases "wall s, median (min-max)" "peak RSS MiB, median (min-max)"
for size in x1 x10; do
  w=$(printf '%s' "${wall[$size]}" | median)
  r=$(printf '%s' "${rss[$size]}" | awk '{printf "%.1f\n", $1/1024}' | median)
  printf '%-5s %8s  %-22s %-24s\n' "$size" "${count[$size]}" "$w" "$r"
done
w1=$(printf '%s' "${wall[x1]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
w10=$(printf '%s' "${wall[x10]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo
awk -v a="$w1" -v b="$w10" -v n1="${count[x1]}" -v n10="${count[x10]}" \
  'BEGIN {printf "10x/1x: %.2fx the cases took %.2fx the time\n", n10/n1, b/a}'
r1=$(printf '%s' "${rss[x1]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
r10=$(printf '%s' "${rss[x10]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
awk -v a="$r1" -v b="$r10" 'BEGIN {printf "        and %.2fx the peak RSS\n", b/a}'
