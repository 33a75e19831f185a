#!/usr/bin/env bash
# Codegen CPU time on one core, and instructions, for one or more generator binaries.
#
#   bash bench/codegen_cpu.sh [N] [ROUNDS] [BINARY ...]
#
# N synthetic endpoints (default 2500), ROUNDS alternating rounds (default 3). With no
# BINARY it builds this checkout's release `feishu-codegen` and measures that; pass
# several binaries (e.g. one copied aside before a change) to compare them in the same
# minutes. Each run writes a fresh output directory, pinned to CPU 0 with taskset, timed
# by /usr/bin/time; the median of the rounds is printed per binary. User CPU moves with
# the machine's load (shared caches): compare binaries only within one run of this
# script. INSTRUCTIONS=1 also counts instructions with callgrind on a spec of N/5
# endpoints, which does not depend on the load (slow: about a minute per binary).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2500}
rounds=${2:-3}
shift $(( $# >= 2 ? 2 : $# ))
work=${WORK:-/tmp/feishu-codegen-cpu}
mkdir -p "$work"
cargo build --release --offline -q -p feishu-bench --bin synth
bins=("$@")
if [ ${#bins[@]} -eq 0 ]; then
  cargo build --release --offline -q -p feishu-codegen --bin feishu-codegen
  bins=("$(pwd)/target/release/feishu-codegen")
fi
rm -rf "$work/spec"
target/release/synth "$n" "$work/spec" >/dev/null
for r in $(seq 1 "$rounds"); do
  for i in "${!bins[@]}"; do
    rm -rf "$work/out"
    /usr/bin/time -f "%U %S %e %M" -o "$work/time.$i.$r" \
      taskset -c 0 "${bins[$i]}" --spec "$work/spec" --out "$work/out" --package x >/dev/null
  done
done
echo "| binary | user CPU (s), median of $rounds | rounds | system (s) | wall (s) | peak RSS (MB) |"
echo "|---|---:|---|---:|---:|---:|"
for i in "${!bins[@]}"; do
  python3 - "${bins[$i]}" "$work" "$i" "$rounds" <<'PY'
import statistics, sys
binary, work, i, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rows = [open(f"{work}/time.{i}.{r}").read().split()[-4:] for r in range(1, rounds + 1)]
user = [float(r[0]) for r in rows]
med = lambda k: statistics.median(float(r[k]) for r in rows)
print(f"| `{binary}` | {statistics.median(user):.2f} | {' / '.join(f'{u:.2f}' for u in user)} "
      f"| {med(1):.2f} | {med(2):.2f} | {med(3) / 1024:.0f} |")
PY
done
if [ "${INSTRUCTIONS:-0}" = 1 ]; then
  small=$(( n / 5 ))
  rm -rf "$work/spec-small"
  target/release/synth "$small" "$work/spec-small" >/dev/null
  echo
  echo "| binary | instructions, $small endpoints (callgrind) |"
  echo "|---|---:|"
  for b in "${bins[@]}"; do
    rm -rf "$work/out"
    ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$b" --spec "$work/spec-small" \
      --out "$work/out" --package x 2>&1 >/dev/null | awk '/refs:/ { gsub(",", "", $NF); print $NF }')
    echo "| \`$b\` | $ir |"
  done
fi
