#!/usr/bin/env bash
# Compile cost of the generated crate at platform scale.
#
#   bash bench/compile_cost.sh [N ...]        (default: 100 1000 2500)
#
# For each N it writes a synthetic spec of N endpoints, generates a crate from
# it into a scratch workspace beside the real runtime, and measures with the
# workspace's own Cargo.lock (so dependency versions match):
#   - clean build of the generated crate (dependencies already built), debug;
#   - incremental rebuild after a one-line change in one resource file;
#   - the rlib size;
#   - the same clean build with one service feature instead of all.
# Output: one Markdown table row per N and feature set, on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
sizes=("${@:-100 1000 2500}")
[ $# -eq 0 ] && sizes=(100 1000 2500)
scratch=${SCRATCH:-/tmp/feishu-compile-cost}
mkdir -p "$scratch"

cargo build -q --release -p feishu-bench --bin synth -p codegen --bin codegen

# A workspace with the runtime and the synthetic crate, sharing our lockfile.
python3 - "$root" "$scratch" <<'PY'
import re, sys
root, scratch = sys.argv[1], sys.argv[2]
text = open(f"{root}/Cargo.toml").read()
package = re.search(r"\[workspace\.package\].*?(?=\n\[)", text, re.S).group(0)
deps = re.search(r"\[workspace\.dependencies\].*", text, re.S).group(0)
deps = re.sub(r'path = "([^"]+)"', lambda m: f'path = "{root}/{m.group(1)}"', deps)
open(f"{scratch}/Cargo.toml", "w").write(
    '[workspace]\nresolver = "3"\nmembers = ["synthetic"]\n\n' + package + "\n\n" + deps)
PY
cp Cargo.lock "$scratch/Cargo.lock"

secs() { /usr/bin/time -f "%e" "$@" 2>&1 >/dev/null | tail -n 1; }

echo "| endpoints | features | clean build (s) | incremental (s) | rlib (MB) | generated lines |"
echo "|---:|---|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  rm -rf "$scratch/spec" "$scratch/synthetic"
  ./target/release/synth "$n" "$scratch/spec" >/dev/null
  ./target/release/codegen --spec "$scratch/spec" --out "$scratch/synthetic" --package feishu-synthetic --runtime-path "$root/runtime" >/dev/null
  lines=$(cat $(find "$scratch/synthetic/src" -name '*.rs') | wc -l)
  (cd "$scratch" && cargo build -q -p feishu-runtime)   # dependencies, not measured
  for features in all one; do
    args=()
    [ "$features" = one ] && args=(--no-default-features --features svc0000)
    (cd "$scratch" && cargo clean -q -p feishu-synthetic)
    clean=$(cd "$scratch" && secs cargo build -q -p feishu-synthetic "${args[@]}")
    rlib=$(stat -c %s "$scratch"/target/debug/libfeishu_synthetic.rlib)
    file=$(find "$scratch/synthetic/src/svc0000" -name 'res0.rs' | head -n 1)
    echo "// touched by compile_cost.sh" >> "$file"
    incremental=$(cd "$scratch" && secs cargo build -q -p feishu-synthetic "${args[@]}")
    printf '| %s | %s | %s | %s | %.1f | %s |\n' "$n" "$features" "$clean" "$incremental" \
      "$(echo "$rlib / 1000000" | bc -l)" "$lines"
  done
done
